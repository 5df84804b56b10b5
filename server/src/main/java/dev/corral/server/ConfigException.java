package dev.corral.server;

/** A configuration that cannot be used; the message names the file, line, key and what was expected. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
