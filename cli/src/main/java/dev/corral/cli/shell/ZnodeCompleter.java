package dev.corral.cli.shell;

import dev.corral.client.CorralClient;
import dev.corral.client.KeeperException;
import dev.corral.client.ZnodePaths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

/**
 * Tab completion for the shell, as zkCli's {@code JLineZNodeCompleter} completes: the first word from the
 * command names, a word that starts with '/' from the children the server lists for the path typed so
 * far. A path is completed without a trailing space, so that typing '/' goes on into the znode's
 * children. Without a session, or if the server refuses the listing, there is nothing to offer.
 */
final class ZnodeCompleter implements Completer {
    private final Supplier<CorralClient> client;
    private final Supplier<List<String>> commands;

    /** {@code client} gives the live session or null; {@code commands} the command names. */
    ZnodeCompleter(Supplier<CorralClient> client, Supplier<List<String>> commands) {
        this.client = client;
        this.commands = commands;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        String word = line.word().substring(0, line.wordCursor());
        if (line.wordIndex() == 0) {
            for (String command : commands.get()) {
                if (command.startsWith(word)) {
                    candidates.add(new Candidate(command, command, null, null, null, null, true));
                }
            }
        } else if (word.startsWith("/")) {
            for (String path : paths(word)) {
                candidates.add(new Candidate(path, path, null, null, null, null, false));
            }
        }
    }

    /** The paths of the children of the typed path's parent whose names start with its last name, sorted. */
    private List<String> paths(String typed) {
        CorralClient zk = client.get();
        if (zk == null) {
            return List.of();
        }
        int slash = typed.lastIndexOf('/');
        String parent = slash == 0 ? "/" : typed.substring(0, slash);
        String prefix = typed.substring(slash + 1);
        List<String> names;
        try {
            names = new ArrayList<>(zk.getChildren(parent, false).children());
        } catch (KeeperException | IllegalArgumentException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
        Collections.sort(names);
        List<String> paths = new ArrayList<>();
        for (String name : names) {
            if (name.startsWith(prefix)) {
                paths.add(ZnodePaths.child(parent, name));
            }
        }
        return paths;
    }
}
