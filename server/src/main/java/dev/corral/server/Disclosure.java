package dev.corral.server;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What the server's reports keep from a caller without an admin identity while authentication is enforced
 * ({@code enforce.auth.enabled} or {@code sessionRequireClientSASLAuth}). ZooKeeper 3.9.5 shows all of it
 * to anyone who reaches the port (only its snapshot and restore admin commands ask for credentials), and a
 * session id with the session's password, which is derived from the id in ZooKeeper, is all a hijacker
 * needs; Corral's passwords cannot be computed from the id, but an operator who enforces authentication
 * means that nothing about other clients is shown to a caller who proved nothing:
 * <ul>
 *   <li>the four-letter words that list sessions or change state ({@link #ADMIN_WORDS}) are refused, since a
 *       four-letter word carries no credentials; the admin server's commands of the same data answer only an
 *       identity with ALL on "/" ({@link AdminAuthentication});
 *   <li>envi and conf, and the admin environment and configuration commands, leave out the class and
 *       library paths, the JDK's and the user's directories and the data directories ({@link #HIDDEN_KEYS});
 *       stats leaves out its connections.
 * </ul>
 */
final class Disclosure {
    /** Four-letter words refused while authentication is enforced: session ids, ephemeral paths, resets. */
    static final Set<String> ADMIN_WORDS = Set.of("cons", "dump", "wchc", "wchp", "srst", "crst");

    /** Keys of envi, conf and stats (and their admin commands) that an anonymous caller does not see. */
    static final Set<String> HIDDEN_KEYS = Set.of("java.class.path", "java.library.path", "java.io.tmpdir", "java.home",
            "user.home", "user.dir", "dataDir", "dataLogDir", "connections");

    private Disclosure() {}

    /** The answer to a four-letter word in {@link #ADMIN_WORDS} while authentication is enforced. */
    static String refusal(String word) {
        return word + " is not executed because authentication is enforced; use the admin server's command with an"
                + " Authorization header of an identity with ALL on /\n";
    }

    /** {@code report} without the {@link #HIDDEN_KEYS}. */
    static Map<String, Object> redacted(Map<String, Object> report) {
        Map<String, Object> kept = new LinkedHashMap<>(report);
        kept.keySet().removeAll(HIDDEN_KEYS);
        return kept;
    }
}
