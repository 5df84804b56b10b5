package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.storage.StorageException;
import dev.corral.storage.TxnLog;
import dev.corral.tree.Txn;
import dev.corral.tree.TxnCodec;
import dev.corral.tree.TxnEntry;
import dev.corral.zab.LogEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recovery's log, read on a thread of its own while the snapshot loads. */
class LogReadAheadTest {
    @TempDir
    Path dir;

    @Test
    void theTxnsAfterTheGuessedSnapshotOrAfterTheOneTakenInstead() throws Exception {
        try (TxnLog log = TxnLog.open(dir, TxnLog.Options.defaults())) {
            for (long zxid = 1; zxid <= 20; zxid++) {
                Txn set = new Txn.SetData("/n" + zxid, new byte[] {(byte) zxid}, 1);
                log.append(new TxnEntry(zxid, 1_700_000_000_000L + zxid, 2, 1, set));
            }
            log.sync();
        }
        LogReadAhead guessedRight = LogReadAhead.start(dir, TxnLog.Options.defaults(), 15);
        assertThat(guessedRight.entriesAfter(15)).extracting(LogEntry::zxid).containsExactly(16L, 17L, 18L, 19L, 20L);
        assertThat(guessedRight.log().lastZxid()).isEqualTo(20);
        guessedRight.log().close();

        // The newest snapshot was refused and an older one taken: the log is read again from its zxid.
        LogReadAhead olderTaken = LogReadAhead.start(dir, TxnLog.Options.defaults(), 15);
        List<LogEntry> entries = olderTaken.entriesAfter(12);
        assertThat(entries).extracting(LogEntry::zxid).containsExactly(13L, 14L, 15L, 16L, 17L, 18L, 19L, 20L);
        assertThat(TxnCodec.decode(entries.get(0).txn()).txn()).isEqualTo(new Txn.SetData("/n13", new byte[] {13}, 1));
        olderTaken.close();
    }

    @Test
    void aLogThatCannotBeOpenedFailsTheCallerWithTheCause() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("file"), "not a log directory");
        LogReadAhead readAhead = LogReadAhead.start(notADirectory, TxnLog.Options.defaults(), 0);
        assertThatThrownBy(readAhead::log).isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> readAhead.entriesAfter(0)).isInstanceOf(StorageException.class);
        readAhead.close();
    }
}
