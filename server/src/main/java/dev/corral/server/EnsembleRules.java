package dev.corral.server;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The rules an ensemble configuration must pass before a server starts with it, each ZooKeeper 3.9.5's
 * where ZooKeeper has one (the source is named at each rule), plus one of Corral's: no two servers on
 * one address. An error names the key and line (or the myid file) it is about.
 *
 * <p>What ZooKeeper checks and where: QuorumPeerConfig#parseDynamicConfig (a quorum can be formed),
 * #setupPeerType (peerType against the server line: a warning, the line wins), #checkValidity (initLimit,
 * syncLimit and myid are set when distributed), QuorumServer (one address per line unless
 * multiAddress.enabled), and QuorumPeer#start ("My id N not in the peer list", at start rather than at
 * parse). ZooKeeper does not check that two servers have different addresses when it starts (it does only
 * for a reconfig, QuorumServer#checkAddressDuplicate); Corral does, since such an ensemble cannot run.
 */
final class EnsembleRules {
    /** What the rules look at, besides the server lines. */
    record Settings(boolean standaloneEnabled, Boolean peerTypeObserver, String peerTypeWhere, int initLimitTicks,
            int syncLimitTicks, int tickMs, boolean quorumListenOnAllIPs, boolean multiAddressEnabled, long myId, String myIdFile,
            boolean readOnlyModeEnabled, boolean rejoining) {}

    private EnsembleRules() {}

    /**
     * The validated ensemble, or the first rule it breaks.
     *
     * @param members the server.N lines by id
     * @param whereOf for each id, "file line N: key server.N"
     * @param warnings where rules that ZooKeeper only warns about add their warning
     */
    static EnsembleConfig validate(String source, Map<Long, EnsembleConfig.Member> members, Map<Long, String> whereOf,
            Settings settings, List<String> warnings) throws ConfigException {
        for (EnsembleConfig.Member member : members.values()) {
            if (member.addresses().size() > 1) {
                // ZooKeeper: "Multiple address feature is disabled, but multiple addresses were specified".
                throw new ConfigException(whereOf.get(member.serverId()) + ": several addresses joined by '|' "
                        + (settings.multiAddressEnabled() ? "are not supported by Corral yet"
                                : "need multiAddress.enabled=true in ZooKeeper, and are not supported by Corral yet"));
            }
        }
        EnsembleConfig ensemble = new EnsembleConfig(members, settings.standaloneEnabled(), settings.myId(),
                settings.initLimitTicks(), settings.syncLimitTicks(), settings.tickMs(), settings.quorumListenOnAllIPs(),
                settings.readOnlyModeEnabled(), settings.rejoining());
        checkQuorumCanForm(source, ensemble, whereOf, warnings);
        checkPeerType(ensemble, settings, warnings);
        if (!ensemble.isDistributed()) {
            return ensemble;
        }
        // QuorumPeerConfig#checkValidity: 0 is ZooKeeper's "not set". Negative values are refused when read.
        if (settings.initLimitTicks() == 0) {
            throw new ConfigException(source + ": key initLimit: an ensemble needs initLimit (in ticks) to be set");
        }
        if (settings.syncLimitTicks() == 0) {
            throw new ConfigException(source + ": key syncLimit: an ensemble needs syncLimit (in ticks) to be set");
        }
        if (settings.myId() == EnsembleConfig.NO_ID) {
            throw new ConfigException(source + ": the server.N lines describe an ensemble, but " + settings.myIdFile()
                    + " is missing: it must hold this server's id");
        }
        if (!members.containsKey(settings.myId())) {
            // QuorumPeer#start: "My id N not in the peer list".
            throw new ConfigException(settings.myIdFile() + ": server id " + settings.myId() + " is not among the servers of "
                    + source + " (" + members.keySet() + ")");
        }
        checkAddressesDistinct(members, whereOf);
        return ensemble;
    }

    /** QuorumPeerConfig#parseDynamicConfig: which voter and observer counts make an ensemble that can run. */
    private static void checkQuorumCanForm(String source, EnsembleConfig ensemble, Map<Long, String> whereOf,
            List<String> warnings) throws ConfigException {
        int voters = ensemble.voters().size();
        int observers = ensemble.observers().size();
        String observerLine = observers == 0 ? "" : whereOf.get(ensemble.observers().iterator().next());
        if (voters == 0) {
            if (!ensemble.standaloneEnabled()) {
                throw new ConfigException(source + ": key standaloneEnabled: with standaloneEnabled=false the server.N lines "
                        + "must name at least one participant");
            }
            if (observers > 0) {
                throw new ConfigException(observerLine + ": observers without any participant cannot form a quorum");
            }
        } else if (voters == 1 && ensemble.standaloneEnabled()) {
            if (observers > 0) {
                throw new ConfigException(observerLine + ": observers with a single participant cannot form a quorum: with "
                        + "standaloneEnabled=true that participant runs standalone (set standaloneEnabled=false, or add participants)");
            }
        } else if (voters == 2) {
            warnings.add(source + ": 2 participants tolerate no server failure; an ensemble needs at least 3 to tolerate one");
        } else if (voters % 2 == 0) {
            warnings.add(source + ": " + voters + " participants tolerate no more failures than " + (voters - 1)
                    + "; an odd number is the better choice");
        }
    }

    /** QuorumPeerConfig#setupPeerType: a peerType that disagrees with this server's line is a warning; the line wins. */
    private static void checkPeerType(EnsembleConfig ensemble, Settings settings, List<String> warnings) {
        if (settings.peerTypeObserver() == null) {
            return;
        }
        EnsembleConfig.Member me = ensemble.members().get(settings.myId());
        boolean lineSaysObserver = me != null && me.observer();
        if (lineSaysObserver != settings.peerTypeObserver()) {
            warnings.add(settings.peerTypeWhere() + ": peerType " + (settings.peerTypeObserver() ? "observer" : "participant")
                    + " disagrees with the server line of server " + settings.myId() + " ("
                    + (lineSaysObserver ? "observer" : "participant") + "); the server line is used, as ZooKeeper does");
        }
    }

    /**
     * Corral's rule: no host:port is both of two endpoints (quorum, election or client port) of the members,
     * since one of the two servers could not listen there. Host names are compared as written, ignoring case;
     * a client port without a host stands for the server line's host.
     */
    private static void checkAddressesDistinct(Map<Long, EnsembleConfig.Member> members, Map<Long, String> whereOf)
            throws ConfigException {
        Map<String, String> owners = new LinkedHashMap<>();
        for (EnsembleConfig.Member member : members.values()) {
            String host = member.host();
            claim(owners, host, member.quorumPort(), "the quorum port of server." + member.serverId(), whereOf.get(member.serverId()));
            claim(owners, host, member.electionPort(), "the election port of server." + member.serverId(), whereOf.get(member.serverId()));
            if (member.clientPort() > 0) {
                claim(owners, member.clientAddress() == null ? host : member.clientAddress(), member.clientPort(),
                        "the client port of server." + member.serverId(), whereOf.get(member.serverId()));
            }
        }
    }

    private static void claim(Map<String, String> owners, String host, int port, String what, String where)
            throws ConfigException {
        if (port == 0) {
            return; // a port the system picks cannot collide
        }
        String endpoint = host.toLowerCase(Locale.ROOT) + ":" + port;
        String previous = owners.putIfAbsent(endpoint, what);
        if (previous != null) {
            throw new ConfigException(where + ": " + endpoint + " is " + previous + " and also " + what
                    + "; two servers cannot listen on one address");
        }
    }
}
