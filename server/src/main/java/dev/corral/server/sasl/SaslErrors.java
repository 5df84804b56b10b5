package dev.corral.server.sasl;

/**
 * What a failed SASL step says, for the log and the refusal: the JDK's mechanisms wrap the reason in exceptions whose
 * own message says little ("Problem with callback handler" around "learner/h@R is not authorized to connect as ...",
 * "GSS initiate failed" around the Kerberos error), so the messages of the whole cause chain are joined.
 */
public final class SaslErrors {
    private static final int DEPTH_MAX = 5;

    private SaslErrors() {}

    /** The messages of {@code error} and its causes, at most {@value #DEPTH_MAX}, joined with ": ". */
    public static String reason(Throwable error) {
        StringBuilder reason = new StringBuilder();
        Throwable cause = error;
        for (int depth = 0; cause != null && depth < DEPTH_MAX; depth++) {
            String message = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
            if (reason.indexOf(message) < 0) {
                reason.append(reason.length() == 0 ? "" : ": ").append(message);
            }
            cause = cause.getCause() == cause ? null : cause.getCause();
        }
        return reason.toString();
    }
}
