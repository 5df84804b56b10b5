package dev.corral.cli.shell;

/**
 * A shell command that failed for a reason the user can act on: bad usage, no connection, a file that
 * cannot be read. Its message is printed as the whole error line, as zkCli prints a {@code CliException};
 * a null message means the failure was already reported.
 */
final class ShellException extends Exception {
    private static final long serialVersionUID = 1L;

    ShellException(String message) {
        super(message);
    }

    ShellException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A failure whose messages were printed already, e.g. by the command a {@code redo} ran. */
    static ShellException reported() {
        return new ShellException(null);
    }
}
