package dev.corral.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The zoo.cfg an ensemble member gets is the file a ZooKeeper operator writes, observers included. */
class EnsembleConfigTest {
    private static final List<Ensemble.Member> MEMBERS = List.of(
            new Ensemble.Member(1, false, 2181, 2888, 3888),
            new Ensemble.Member(2, false, 2182, 2889, 3889),
            new Ensemble.Member(3, true, 2183, 2890, 3890));
    private static final EnsembleSpec SPEC = EnsembleSpec.of(Target.ZOOKEEPER,
            new ServerRuntime(Path.of("java"), "corral.jar", "zookeeper-3.9.5.jar")).withParticipants(2).withObservers(1);

    @Test
    void participantFileListsEveryServerAfterTheOperatorsKeys() {
        assertThat(Ensemble.zooCfg(SPEC, MEMBERS, MEMBERS.get(1), Path.of("/var/zk2")).text()).isEqualTo("""
                tickTime=500
                initLimit=10
                syncLimit=5
                dataDir=/var/zk2
                clientPort=2182
                clientPortAddress=127.0.0.1
                4lw.commands.whitelist=*
                admin.enableServer=false
                server.1=127.0.0.1:2888:3888
                server.2=127.0.0.1:2889:3889
                server.3=127.0.0.1:2890:3890:observer
                """);
    }

    @Test
    void eachMemberNamesTheOthersThroughItsOwnProxiesAndItselfByItsOwnPorts() {
        Map<Integer, Ensemble.Member> serverOnesView = Map.of(
                2, new Ensemble.Member(2, false, 2182, 12889, 13889),
                3, new Ensemble.Member(3, true, 2183, 12890, 13890));
        assertThat(Ensemble.viewOf(MEMBERS.get(0), MEMBERS, serverOnesView))
                .containsExactly(MEMBERS.get(0), serverOnesView.get(2), serverOnesView.get(3));
        // Without proxies everyone names everyone's own ports.
        assertThat(Ensemble.viewOf(MEMBERS.get(0), MEMBERS, Map.of())).isEqualTo(MEMBERS);
    }

    @Test
    void observerFileSaysPeerTypeObserver() {
        ZooCfg config = Ensemble.zooCfg(SPEC, MEMBERS, MEMBERS.get(2), Path.of("/var/zk3"));
        assertThat(config.get("peerType")).isEqualTo("observer");
        assertThat(config.listsServers()).isTrue();
        assertThat(config.clientPort()).isEqualTo(2183);
    }

    @Test
    void zookeeperRunsQuorumPeerMainOnlyWhenTheFileListsServers() {
        ServerRuntime runtime = new ServerRuntime(Path.of("java"), "corral.jar", "zookeeper-3.9.5.jar");
        ZooCfg standalone = new ZooCfg().put("clientPort", "2181");
        ZooCfg member = Ensemble.zooCfg(SPEC, MEMBERS, MEMBERS.get(0), Path.of("/var/zk1"));
        assertThat(Launch.of(Target.ZOOKEEPER, runtime, Path.of("/h"), standalone, "s").command())
                .contains("org.apache.zookeeper.server.ZooKeeperServerMain");
        assertThat(Launch.of(Target.ZOOKEEPER, runtime, Path.of("/h"), member, "m").command())
                .contains("org.apache.zookeeper.server.quorum.QuorumPeerMain");
        assertThat(Launch.of(Target.CORRAL, runtime, Path.of("/h"), member, "c").command())
                .containsSubsequence("corral.jar", "dev.corral.cli.Corral", "server", "--config", "/h/zoo.cfg");
    }
}
