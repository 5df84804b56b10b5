package dev.corral.server;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * ZooKeeper's four-letter words on the client port ({@code server/command/FourLetterCommands.java}): on
 * a new connection, the first four bytes may be a command instead of a frame length. Only whitelisted
 * commands run ({@code 4lw.commands.whitelist}, default "srvr"); the others are answered with
 * ZooKeeper's refusal. This version answers ruok, srvr, stat and isro; the rest of the set is refused
 * as unsupported.
 */
public final class FourLetterWords {
    /** Every command ZooKeeper 3.9 knows, so that they are told apart from frame lengths. */
    public static final Set<String> ALL = Set.of("conf", "cons", "crst", "dirs", "dump", "envi", "gtmk", "hash", "isro",
            "mntr", "ruok", "srst", "srvr", "stat", "stmk", "wchc", "wchp", "wchs");

    private FourLetterWords() {}

    /** The command whose ASCII bytes make up {@code firstInt}, or null if it is an ordinary frame length. */
    public static String commandOf(int firstInt) {
        byte[] bytes = {(byte) (firstInt >>> 24), (byte) (firstInt >>> 16), (byte) (firstInt >>> 8), (byte) firstInt};
        String word = new String(bytes, StandardCharsets.US_ASCII);
        return ALL.contains(word) ? word : null;
    }

    /** Parses a whitelist as ZooKeeper does: comma-separated names, "*" for all. */
    public static Set<String> parseWhitelist(String value) {
        Set<String> words = new LinkedHashSet<>();
        for (String part : value.split(",")) {
            String word = part.trim();
            if (word.equals("*")) {
                return ALL;
            }
            if (ALL.contains(word)) {
                words.add(word);
            }
        }
        return Set.copyOf(words);
    }

    /** ZooKeeper's answer to a command that is not whitelisted. */
    public static String refusal(String word) {
        return word + " is not executed because it is not in the whitelist.\n";
    }
}
