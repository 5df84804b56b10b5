package dev.corral.cli;

import dev.corral.server.ConfigException;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The shell shared by the storage tools ({@code purge}, {@code log}, {@code snapshot}): it runs the
 * tool and turns its outcome into the exit status operators script against.
 *
 * <ul>
 *   <li>0: done.
 *   <li>1: a file is missing, unreadable or corrupt; one line on stderr names the file and the cause.
 *   <li>2: bad usage (picocli's usage errors, and a zoo.cfg that does not parse, as for
 *       {@code corral server}).
 * </ul>
 *
 * Output goes to the command line's writers, so tests capture it with {@code CommandLine#setOut}.
 */
abstract class ToolCommand implements Callable<Integer> {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    @Spec
    CommandSpec spec;

    /** Does the tool's work; usage errors are thrown as picocli {@code ParameterException}s. */
    abstract void run() throws ToolFailure, IOException, ConfigException;

    @Override
    public final Integer call() {
        try {
            run();
            return OK;
        } catch (ConfigException e) {
            err().println("corral " + spec.name() + ": " + oneLine(e.getMessage()));
            return USAGE;
        } catch (ToolFailure | IOException e) {
            err().println("corral " + spec.name() + ": " + oneLine(e.getMessage()));
            return FAILED;
        } finally {
            out().flush();
            err().flush();
        }
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** A note for the operator that is not the tool's output: on stderr, so JSON on stdout stays clean. */
    void note(String message) {
        err().println("corral " + spec.name() + ": note: " + message);
    }

    private static String oneLine(String message) {
        return message == null ? "failed" : message.replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
