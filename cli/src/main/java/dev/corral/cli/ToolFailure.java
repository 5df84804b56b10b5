package dev.corral.cli;

/**
 * A storage tool could not do its job: a file is missing, unreadable or corrupt. The message is one line
 * that names the file and the cause; the command prints it and exits with status 1.
 */
final class ToolFailure extends Exception {
    private static final long serialVersionUID = 1L;

    ToolFailure(String message) {
        super(message);
    }

    ToolFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
