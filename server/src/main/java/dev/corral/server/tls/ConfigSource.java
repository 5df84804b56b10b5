package dev.corral.server.tls;

/**
 * Where TLS settings are read from: a zoo.cfg key, else the ZooKeeper system property of the same
 * name ({@code zookeeper.<key>}), as ZooKeeper 3.9's QuorumPeerConfig turns every zoo.cfg key it has no
 * field for into that system property and its X509Util reads only the property. The server's config
 * reader implements it, so an error can name the file and line the value came from.
 */
public interface ConfigSource {
    /** The value of {@code key} (a zoo.cfg key such as {@code ssl.keyStore.location}), or null if unset. */
    String value(String key);

    /** The keys set that start with {@code prefix}, from zoo.cfg or as {@code zookeeper.}-prefixed system properties. */
    java.util.Set<String> keysStartingWith(String prefix);

    /** Where {@code key} was set, for an error message: "zoo.cfg line 7: key ssl.clientAuth". */
    String describe(String key);
}
