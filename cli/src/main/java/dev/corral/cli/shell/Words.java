package dev.corral.cli.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a typed line into words as zkCli does (ZooKeeper 3.9: {@code ZooKeeperMain.MyCommandOptions
 * #parseCommand}): words are separated by blanks; a word that starts with a single or double quote runs
 * to the matching quote and loses both. There are no escapes, so {@code set /a "x y"} stores {@code x y}
 * and {@code set /a x"y} stores {@code x"y}, as in zkCli.
 */
final class Words {
    private static final Pattern WORD = Pattern.compile("\\s*([^\"']\\S*|\"[^\"]*\"|'[^']*')\\s*");
    private static final Pattern QUOTED = Pattern.compile("^(['\"])(.*)(\\1)$", Pattern.DOTALL);

    private Words() {}

    static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        Matcher matcher = WORD.matcher(line);
        while (matcher.find()) {
            String word = matcher.group(1);
            Matcher quoted = QUOTED.matcher(word);
            words.add(quoted.matches() ? quoted.group(2) : word);
        }
        return words;
    }
}
