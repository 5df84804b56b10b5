package dev.corral.storage;

import java.nio.file.Path;

/**
 * A seam between the durable steps of a multi-file change (a truncate, a snapshot install), where tests
 * simulate a crash: the hook may change the files as a crash would leave them (cut a file short) and
 * throw, and the test then opens the directory again. Production code passes {@link #NONE}.
 */
@FunctionalInterface
interface CrashPoint {
    CrashPoint NONE = (step, file) -> { };

    /** Called before {@code step} changes {@code file} (or a directory). */
    void before(String step, Path file) throws StorageException;
}
