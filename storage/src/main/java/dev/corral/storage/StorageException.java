package dev.corral.storage;

import java.io.IOException;

/**
 * A storage failure the server must not paper over: a gap or corruption in the middle of the log, an
 * unwritable directory, a failed fsync. The message names the file, the offset where there is one, and
 * the cause.
 */
public final class StorageException extends IOException {
    private static final long serialVersionUID = 1L;

    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
