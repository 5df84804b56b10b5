package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.ServerProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;

/**
 * The four-letter words with ZooKeeper's default whitelist ({@code srvr} only): the others are refused by
 * name. One server for the class: no case changes its state.
 */
class FourLetterDefaultWhitelistTest {
    @RegisterExtension
    static final CompatServer server = CompatServer.perClass(ServerSpec.defaults().withConfig("4lw.commands.whitelist", "srvr"));

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"ruok", "stat", "mntr", "conf", "cons", "wchs", "dump", "envi"})
    void wordsOutsideTheWhitelistAreRefusedByName(String word) throws Exception {
        assertThat(ServerProbe.fourLetterWord(server.port(), word)).isEqualTo(word + " is not executed because it is not in the whitelist.\n");
    }

    @Test
    void srvrIsWhitelistedByDefault() throws Exception {
        assertThat(ServerProbe.fourLetterWord(server.port(), "srvr")).contains("Mode: standalone\n");
    }
}
