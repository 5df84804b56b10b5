package dev.corral.wire;

/** A frame or record that does not decode as the jute schema says it must. */
public final class MalformedRecordException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MalformedRecordException(String message) {
        super(message);
    }
}
