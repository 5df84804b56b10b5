package dev.corral.cli.shell;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A command's words after its name, split into single-letter options and operands the way commons-cli's
 * DefaultParser splits zkCli's: options may come anywhere ({@code set /a x -v 3}), flags may be bundled
 * ({@code ls -sR /}), a valued option takes the rest of its word or the next word ({@code -v3},
 * {@code -v 3}), and {@code --} ends the options. A word that starts with '-' but names no option is an
 * error ("Unrecognized option: -x"), except a negative number, which is an operand ({@code set /a -1}).
 */
final class Args {
    private final Set<Character> flags = new HashSet<>();
    private final Map<Character, String> values = new HashMap<>();
    private final List<String> operands = new ArrayList<>();

    private Args() {}

    /**
     * @param flagLetters the options that take no value, e.g. "swR"
     * @param valuedLetters the options that take a value, e.g. "vt"
     */
    static Args parse(List<String> words, String flagLetters, String valuedLetters) throws ShellException {
        Args args = new Args();
        boolean optionsEnded = false;
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            if (optionsEnded || word.length() < 2 || word.charAt(0) != '-' || isNumber(word)) {
                args.operands.add(word);
            } else if (word.equals("--")) {
                optionsEnded = true;
            } else if (valuedLetters.indexOf(word.charAt(1)) >= 0) {
                String value;
                if (word.length() > 2) {
                    value = word.substring(2);
                } else if (i + 1 < words.size()) {
                    value = words.get(++i);
                } else {
                    throw new ShellException("Missing argument for option: " + word.charAt(1));
                }
                args.values.put(word.charAt(1), value);
            } else {
                for (int j = 1; j < word.length(); j++) {
                    char letter = word.charAt(j);
                    if (flagLetters.indexOf(letter) < 0) {
                        throw new ShellException("Unrecognized option: " + word);
                    }
                    args.flags.add(letter);
                }
            }
        }
        return args;
    }

    boolean has(char option) {
        return flags.contains(option) || values.containsKey(option);
    }

    /** The value of a valued option, or null if it was not given. */
    String value(char option) {
        return values.get(option);
    }

    List<String> operands() {
        return operands;
    }

    /** Operand {@code index}, or null if there are fewer. */
    String operand(int index) {
        return index < operands.size() ? operands.get(index) : null;
    }

    /** A valued option as an int, or {@code absent} if not given. */
    int intValue(char option, int absent, String what) throws ShellException {
        String value = values.get(option);
        if (value == null) {
            return absent;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new ShellException("-" + option + " argument must be an int value, not '" + value + "' (" + what + ")");
        }
    }

    private static boolean isNumber(String word) {
        for (int i = 1; i < word.length(); i++) {
            if (!Character.isDigit(word.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
