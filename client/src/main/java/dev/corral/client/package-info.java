/**
 * Corral's own Java client of ZooKeeper's client protocol, on Corral's wire codecs only: it ships with the
 * shell, next to the server, where Apache ZooKeeper's client must not be (DESIGN.md), and it speaks to
 * Corral and to Apache ZooKeeper 3.9 alike (compat's CorralClientTest runs it against both).
 *
 * <p>The API, all of it blocking, in {@link dev.corral.client.CorralClient}:
 * <ul>
 *   <li>{@code connect(connectString, sessionTimeoutMs, watcher)}: one session over the servers of
 *       "host:port[,host:port...][/chroot]", resumed on any of them after a lost connection, with its auth
 *       and watches, until it expires or is closed; {@code connect(connectString, sessionTimeoutMs, watcher,
 *       options)} takes {@link dev.corral.client.ClientOptions}: {@code canBeReadOnly} (a read-only session
 *       from a server cut off from its quorum, {@code isReadOnly()}) and {@code juteMaxBuffer} (the largest
 *       reply accepted).</li>
 *   <li>{@code create} with a {@link dev.corral.client.CreateMode} (persistent, ephemeral, sequential,
 *       container, TTL), {@code delete}, {@code exists}, {@code getData}, {@code setData},
 *       {@code getChildren}, {@code getAcl}, {@code setAcl}, {@code sync}, {@code multi},
 *       {@code getEphemerals}, {@code getAllChildrenNumber}, {@code getConfig}, {@code addAuth},
 *       {@code whoAmI}.</li>
 *   <li>Watches: {@code exists}, {@code getData} and {@code getChildren} take a {@link dev.corral.client.Watcher}
 *       for that call (or {@code true} for the default watcher given to connect); {@code addWatch} takes an
 *       {@link dev.corral.client.AddWatchMode}, {@code removeWatches} a {@link dev.corral.client.WatcherType}, and each watcher it removes is told
 *       so by a DataWatchRemoved, ChildWatchRemoved or PersistentWatchRemoved event.
 *       Events are {@link dev.corral.client.WatchedEvent}s of an {@link dev.corral.client.EventType} and a
 *       {@link dev.corral.client.KeeperState}.</li>
 *   <li>Results are the client's own records: {@link dev.corral.client.Stat}, {@link dev.corral.client.Created},
 *       {@link dev.corral.client.NodeData}, {@link dev.corral.client.Children}, {@link dev.corral.client.AclList},
 *       and for {@code multi}, whose ops are {@link dev.corral.client.Op}s, {@link dev.corral.client.OpResult}s.
 *       ACLs are the wire's {@code Acl} and {@code Id} records.</li>
 *   <li>Errors: a {@link dev.corral.client.KeeperException} with ZooKeeper's code, name and wording; a path
 *       ZooKeeper's client would refuse is refused before it is sent ({@link dev.corral.client.ZnodePaths}).</li>
 * </ul>
 */
package dev.corral.client;
