package dev.corral.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every scenario script in {@code src/test/resources/scenarios}: each command is followed by a line
 * {@code ----} and the output it must print, then a blank line (etcd's datadriven format). With
 * {@code -Drewrite=true} the expected outputs are rewritten from what the commands print now; read the
 * diff before committing it.
 */
class ScenarioTest {
    private static final Path DIRECTORY = Path.of("src/test/resources/scenarios");

    static Stream<Path> scripts() throws IOException {
        try (Stream<Path> files = Files.list(DIRECTORY)) {
            return files.filter(p -> p.toString().endsWith(".txt")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("scripts")
    void scriptPrintsWhatItExpects(Path script) throws IOException {
        List<String> lines = Files.readAllLines(script, StandardCharsets.UTF_8);
        Scenario scenario = new Scenario();
        List<String> rewritten = new ArrayList<>();
        List<String> mismatches = new ArrayList<>();
        int i = 0;
        while (i < lines.size()) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                rewritten.add(line);
                i++;
                continue;
            }
            String command = line;
            i++;
            List<String> expected = new ArrayList<>();
            if (i < lines.size() && lines.get(i).equals("----")) {
                i++;
                while (i < lines.size() && !lines.get(i).isEmpty()) {
                    expected.add(lines.get(i));
                    i++;
                }
            }
            List<String> actual = scenario.run(command);
            if (!actual.equals(expected)) {
                mismatches.add(script.getFileName() + ": " + command + "\n expected:\n  " + String.join("\n  ", expected)
                        + "\n actual:\n  " + String.join("\n  ", actual));
            }
            rewritten.add(command);
            rewritten.add("----");
            rewritten.addAll(actual);
            rewritten.add("");
            if (i < lines.size() && lines.get(i).isEmpty()) {
                i++;
            }
        }
        if (Boolean.getBoolean("rewrite")) {
            while (!rewritten.isEmpty() && rewritten.get(rewritten.size() - 1).isEmpty()) {
                rewritten.remove(rewritten.size() - 1);
            }
            Files.write(script, rewritten, StandardCharsets.UTF_8);
            return;
        }
        for (String output : rewritten) {
            assertThat(output).as("a checker failed in " + script).doesNotStartWith("VIOLATION");
        }
        assertThat(mismatches).as("commands whose output changed (rerun with -Drewrite=true to accept)").isEmpty();
    }
}
