"""Compatibility suite for kazoo, the Python ZooKeeper client, run by KazooTest against Corral and
against Apache ZooKeeper 3.9.5 alike, so that every expectation here is ZooKeeper's behaviour.

Usage: python3 kazoo_suite.py HOST:PORT [TEST_NAME_PREFIX]

Protocol with the Java driver (KazooTest), one line each on stdout:
  @@PLAN <name> ...          the tests about to run, in order
  @@RESULT <outcome> <seconds> <name> <detail>
                             one per test; outcome is pass, fail or error; the detail (the traceback)
                             has backslashes doubled and newlines written as \\n
  @@CONTROL restart          asks the driver to kill the server and start it again on the same port;
                             the driver answers "done" on stdin once the server answers again
  @@CONTROL proxy            starts a TCP proxy to the server; the answer is "done HOST:PORT"
  @@CONTROL cut-at-next-reply   that proxy drops the next reply and closes its connection
Anything else (kazoo's own log lines) is free text that the driver shows on a failure.

Every wait is bounded (WAIT_S): watch events and session states are awaited on a condition; state that
a recipe updates from its own threads is polled every 20 ms (eventually); the lease recipe gets a fake
clock.
"""

import datetime
import os
import re
import sys
import threading
import time
import traceback
import unittest

from kazoo.client import KazooClient
from kazoo.exceptions import (BadVersionError, ConnectionLoss, InvalidACLError, MarshallingError, NoAuthError,
                              NoChildrenForEphemeralsError, NodeExistsError, NoNodeError, NotEmptyError,
                              RolledBackError, RuntimeInconsistency)
from kazoo.protocol.states import EventType, KazooState, KeeperState
from kazoo.recipe.cache import TreeCache, TreeEvent
from kazoo.retry import KazooRetry
from kazoo.security import (CREATOR_ALL_ACL, OPEN_ACL_UNSAFE, READ_ACL_UNSAFE, ACL, Id, Permissions,
                            make_acl, make_digest_acl, make_digest_acl_credential)

CONNECT = None  # set from argv: "127.0.0.1:port"
WAIT_S = 10.0
# The compat servers run with tickTime=200, so sessions negotiate into [0.4 s, 4 s]; 4 s keeps a
# restart from expiring the session while an expiry test stays fast.
SESSION_TIMEOUT_S = 4.0


def new_client(hosts=None, **kwargs):
    """A started client; reconnects quickly (at most 0.5 s apart) so that restarts are cheap.

    Against an ensemble (CONNECT names every member) each client takes the first member it can reach rather
    than a random one. That alone does not put every client on one member: a client whose connection
    drops (a restart, an expired session) goes on to the next host, and a slow connect to the first one
    falls through to the next. So a case whose client reads what another client wrote syncs that client
    first (ZooKeeper promises another session's writes only after a sync); watch events and recipe state
    that a case awaits with a bound come eventually without one.
    """
    client = KazooClient(hosts=hosts or CONNECT, timeout=SESSION_TIMEOUT_S, randomize_hosts=False,
                         connection_retry=KazooRetry(max_tries=-1, delay=0.05, max_delay=0.5),
                         command_retry=KazooRetry(max_tries=20, delay=0.05, max_delay=0.5), **kwargs)
    client.start(timeout=WAIT_S)
    return client


def wait_for(event, what):
    if not event.wait(WAIT_S):
        raise AssertionError("timed out after %.0f s waiting for %s" % (WAIT_S, what))


def eventually(condition, what):
    """Polls condition every 20 ms for at most WAIT_S: for state that a watch-driven recipe updates."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError("timed out after %.0f s waiting for %s" % (WAIT_S, what))


class EventQueue(object):
    """Collects watch events (or any values) from kazoo's callback thread for bounded waits."""

    def __init__(self):
        self._items = []
        self._cond = threading.Condition()

    def __call__(self, item, *rest):
        with self._cond:
            self._items.append(item if not rest else (item,) + rest)
            self._cond.notify_all()

    def next(self, what):
        with self._cond:
            if not self._cond.wait_for(lambda: self._items, WAIT_S):
                raise AssertionError("timed out after %.0f s waiting for %s" % (WAIT_S, what))
            return self._items.pop(0)

    def pending(self):
        with self._cond:
            return list(self._items)


def type_and_path(event):
    return event.type, event.path


class KazooCase(unittest.TestCase):
    """Each test gets a client and its own root znode; clients it opens are stopped afterwards."""

    def setUp(self):
        self.clients = []
        self.zk = self.client()
        self.root = "/kazoo-%d-%s" % (os.getpid(), self._testMethodName)
        self.zk.create(self.root)

    def tearDown(self):
        for client in self.clients:
            try:
                client.stop()
                client.close()
            except Exception:
                pass

    def client(self, hosts=None, **kwargs):
        client = new_client(hosts, **kwargs)
        self.clients.append(client)
        return client

    def superuser(self):
        client = self.client()
        client.add_auth("digest", "super:test")
        return client

    def path(self, name):
        return self.root + "/" + name


# --- connect and session -------------------------------------------------------------------------

class Session(KazooCase):

    def test_connect_negotiates_a_session_within_the_servers_bounds(self):
        session_id, password = self.zk.client_id
        self.assertNotEqual(0, session_id)
        self.assertEqual(16, len(password))
        self.assertEqual(KazooState.CONNECTED, self.zk.state)
        self.assertEqual(KeeperState.CONNECTED, self.zk.client_state)

    def test_read_only_flag_on_a_standalone_server_gives_a_read_write_session(self):
        client = self.client(read_only=True)
        self.assertEqual(KeeperState.CONNECTED, client.client_state)
        client.create(self.path("written"), b"rw")
        self.assertEqual(b"rw", client.get(self.path("written"))[0])

    def test_chroot_client_sees_and_names_paths_below_its_root(self):
        chrooted = self.client(CONNECT + self.root)
        events = EventQueue()
        chrooted.sync("/")  # on an ensemble the clients may be on different members
        self.assertEqual([], chrooted.get_children("/", watch=events))
        self.assertEqual("/a", chrooted.create("/a", b"x"))
        sequential = chrooted.create("/s-", sequence=True)
        self.assertEqual("/s-0000000001", sequential)
        self.zk.sync(self.root)  # on an ensemble the clients may be on different members
        self.assertEqual(b"x", self.zk.get(self.path("a"))[0])
        self.assertEqual((EventType.CHILD, "/"), type_and_path(events.next("the chrooted child watch")))
        self.assertEqual(["a", "s-0000000001"], sorted(self.zk.get_children(self.root)))
        self.assertEqual(None, chrooted.exists(self.root))

    def test_closed_session_removes_its_ephemerals(self):
        other = self.client()
        other.create(self.path("eph"), ephemeral=True)
        deleted = EventQueue()
        self.zk.sync(self.root)  # on an ensemble the clients may be on different members
        self.assertIsNotNone(self.zk.exists(self.path("eph"), watch=deleted))
        other.stop()
        self.assertEqual(EventType.DELETED, deleted.next("the ephemeral's deletion").type)

    def test_session_expiry_is_reported_as_lost_and_kazoo_opens_a_new_session(self):
        victim = self.client()
        states = EventQueue()
        victim.add_listener(states)
        victim.create(self.path("eph"), ephemeral=True)
        old_session = victim.client_id[0]
        # The usual way to expire a session from outside: a second connection with the same id and
        # password closes it (kazoo's own test harness does this).
        thief = KazooClient(hosts=CONNECT, client_id=victim.client_id, timeout=SESSION_TIMEOUT_S)
        thief.start(timeout=WAIT_S)
        thief.stop()
        thief.close()
        # The thief's connection may first take the session over (SUSPENDED, CONNECTED again) before
        # closing it: whatever comes before LOST, LOST must come, then CONNECTED.
        seen = []
        while KazooState.LOST not in seen and len(seen) < 10:
            seen.append(states.next("LOST after %s" % seen))
        self.assertEqual(KazooState.SUSPENDED, seen[0])
        self.assertEqual(KazooState.CONNECTED, states.next("CONNECTED with a new session"))
        self.assertNotEqual(old_session, victim.client_id[0])
        # The thief, and the victim once it reconnects (kazoo goes on to the next host), may be on other members.
        self.zk.sync(self.root)
        self.assertIsNone(self.zk.exists(self.path("eph")))
        victim.create(self.path("eph"), ephemeral=True)
        self.zk.sync(self.root)
        self.assertEqual(victim.client_id[0], self.zk.exists(self.path("eph")).ephemeralOwner)

    def test_reconnect_after_server_restart_keeps_the_session_and_data_watch_recipe(self):
        states = EventQueue()
        self.zk.add_listener(states)
        session = self.zk.client_id[0]
        self.zk.create(self.path("eph"), b"before", ephemeral=True)
        changed = EventQueue()
        self.zk.get(self.path("eph"), watch=changed)
        followed = EventQueue()
        self.zk.DataWatch(self.path("eph"), lambda data, stat: followed(data))
        self.assertEqual(b"before", followed.next("the DataWatch's first call"))
        control("restart")
        self.assertEqual(KazooState.SUSPENDED, states.next("SUSPENDED"))
        # On an ensemble the members are killed one after another, so the client may first reconnect to one
        # not killed yet and lose it too: SUSPENDED and CONNECTED may alternate. Those came before the restart
        # answered (every member serves again), so the last CONNECTED is the one with nothing queued behind it.
        seen = [KazooState.SUSPENDED]
        while len(seen) < 10 and (seen[-1] != KazooState.CONNECTED or states.pending()):
            seen.append(states.next("CONNECTED again after %s" % seen))
        self.assertEqual(KazooState.CONNECTED, seen[-1], seen)
        self.assertEqual(session, self.zk.client_id[0])
        self.assertEqual(session, self.zk.exists(self.path("eph")).ephemeralOwner)
        # kazoo 2.8 does not re-register one-shot watches (no SetWatches): it ends them with a NONE
        # event when the connection drops. Its DataWatch recipe reads again once reconnected.
        self.assertEqual((EventType.NONE, None), type_and_path(changed.next("the end of the one-shot watch")))
        self.client().set(self.path("eph"), b"after")
        eventually(lambda: b"after" in followed.pending(), "the DataWatch to see the change made after the restart")

    def test_four_letter_words_and_server_version(self):
        self.assertEqual("imok", self.zk.command(b"ruok"))
        version = self.zk.server_version()
        self.assertTrue(len(version) >= 3 and all(isinstance(part, int) for part in version), version)

    def test_zookeeper_config_names_every_member_of_an_ensemble(self):
        # ZooKeeper's static configuration text: empty on a standalone server; on an ensemble one
        # server.N=host:quorum:election:participant line per member (with ";host:clientPort" when the
        # server line gives the client port, which the compat zoo.cfg files do not), then version=0.
        data, stat = self.zk.get("/zookeeper/config")
        hosts = CONNECT.split(",")
        if len(hosts) == 1:
            self.assertEqual(b"", data)
            return
        lines = data.decode("utf-8").splitlines()
        servers = [line for line in lines if line.startswith("server.")]
        self.assertEqual(len(hosts), len(servers), lines)
        pattern = re.compile(r"server\.\d+=127\.0\.0\.1:\d+:\d+:participant$")
        self.assertTrue(all(pattern.match(line) for line in servers), lines)
        self.assertEqual("version=0", lines[-1], lines)


# --- create modes and the basic operations ------------------------------------------------------

class Operations(KazooCase):

    def test_create_modes_persistent_ephemeral_sequential(self):
        self.assertEqual(self.path("p"), self.zk.create(self.path("p"), b"data"))
        self.assertEqual(self.path("e"), self.zk.create(self.path("e"), ephemeral=True))
        self.assertEqual(self.path("s-0000000002"), self.zk.create(self.path("s-"), sequence=True))
        self.assertEqual(self.path("es-0000000003"), self.zk.create(self.path("es-"), ephemeral=True, sequence=True))
        self.assertEqual(0, self.zk.exists(self.path("p")).ephemeralOwner)
        self.assertEqual(self.zk.client_id[0], self.zk.exists(self.path("e")).ephemeralOwner)
        self.assertEqual(self.zk.client_id[0], self.zk.exists(self.path("es-0000000003")).ephemeralOwner)

    def test_create_with_include_data_returns_the_stat_create2(self):
        path, stat = self.zk.create(self.path("n"), b"abc", include_data=True)
        self.assertEqual(self.path("n"), path)
        self.assertEqual((0, 3, 0, 0), (stat.version, stat.dataLength, stat.numChildren, stat.cversion))
        self.assertEqual(stat.czxid, stat.mzxid)
        self.assertEqual(stat, self.zk.exists(self.path("n")))

    def test_create_makepath_and_ensure_path(self):
        self.zk.create(self.path("a/b/c"), b"deep", makepath=True)
        self.assertEqual(b"deep", self.zk.get(self.path("a/b/c"))[0])
        self.assertTrue(self.zk.ensure_path(self.path("x/y")))
        self.assertIsNotNone(self.zk.exists(self.path("x/y")))

    def test_empty_and_binary_values_round_trip(self):
        self.zk.create(self.path("empty"), b"")
        self.assertEqual(b"", self.zk.get(self.path("empty"))[0])
        binary = bytes(range(256)) * 4
        self.zk.set(self.path("empty"), binary)
        self.assertEqual(binary, self.zk.get(self.path("empty"))[0])

    def test_errors_map_to_kazoo_exceptions(self):
        with self.assertRaises(NoNodeError):
            self.zk.get(self.path("missing"))
        with self.assertRaises(NoNodeError):
            self.zk.create(self.path("missing/child"))
        self.zk.create(self.path("n"))
        with self.assertRaises(NodeExistsError):
            self.zk.create(self.path("n"))
        with self.assertRaises(BadVersionError):
            self.zk.set(self.path("n"), b"x", version=7)
        self.zk.create(self.path("n/child"))
        with self.assertRaises(NotEmptyError):
            self.zk.delete(self.path("n"))
        self.zk.create(self.path("eph"), ephemeral=True)
        with self.assertRaises(NoChildrenForEphemeralsError):
            self.zk.create(self.path("eph/child"))
        with self.assertRaises(BadVersionError):
            self.zk.delete(self.path("n/child"), version=3)

    def test_set_and_delete_with_versions_and_stat(self):
        self.zk.create(self.path("n"), b"v0")
        stat = self.zk.set(self.path("n"), b"v1", version=0)
        self.assertEqual(1, stat.version)
        data, stat = self.zk.get(self.path("n"))
        self.assertEqual((b"v1", 1, 2), (data, stat.version, stat.dataLength))
        self.zk.delete(self.path("n"), version=1)
        self.assertIsNone(self.zk.exists(self.path("n")))

    def test_get_children_with_include_data_and_recursive_delete(self):
        for name in ("b", "a", "c"):
            self.zk.create(self.path("parent/" + name), makepath=True)
        children, stat = self.zk.get_children(self.path("parent"), include_data=True)
        self.assertEqual(["a", "b", "c"], sorted(children))
        self.assertEqual((3, 3), (stat.numChildren, stat.cversion))
        self.zk.delete(self.path("parent"), recursive=True)
        self.assertIsNone(self.zk.exists(self.path("parent")))

    def test_sync_returns_the_path(self):
        self.assertEqual(self.root, self.zk.sync(self.root))

    def test_async_calls_complete_in_order(self):
        results = [self.zk.create_async(self.path("n%02d" % i), b"%d" % i) for i in range(20)]
        self.assertEqual([self.path("n%02d" % i) for i in range(20)], [r.get(timeout=WAIT_S) for r in results])
        gets = [self.zk.get_async(self.path("n%02d" % i)) for i in range(20)]
        self.assertEqual([b"%d" % i for i in range(20)], [g.get(timeout=WAIT_S)[0] for g in gets])


# --- watches --------------------------------------------------------------------------------------

class Watches(KazooCase):

    def test_data_watch_fires_once_on_change_and_on_delete(self):
        self.zk.create(self.path("n"), b"a")
        events = EventQueue()
        self.zk.get(self.path("n"), watch=events)
        self.zk.set(self.path("n"), b"b")
        self.zk.set(self.path("n"), b"c")  # one-shot: no second event
        event = events.next("CHANGED")
        self.assertEqual((EventType.CHANGED, KeeperState.CONNECTED, self.path("n")),
                         (event.type, event.state, event.path))
        self.zk.get(self.path("n"), watch=events)
        self.zk.delete(self.path("n"))
        self.assertEqual(EventType.DELETED, events.next("DELETED").type)
        self.zk.sync(self.root)  # every event for this session precedes the sync's reply
        self.assertEqual([], events.pending())

    def test_exists_watch_on_a_missing_node_fires_on_create(self):
        events = EventQueue()
        self.assertIsNone(self.zk.exists(self.path("later"), watch=events))
        self.client().create(self.path("later"))
        event = events.next("CREATED")
        self.assertEqual((EventType.CREATED, self.path("later")), (event.type, event.path))

    def test_child_watch_fires_on_create_and_delete_of_a_child(self):
        events = EventQueue()
        self.zk.get_children(self.root, watch=events)
        self.zk.create(self.path("c"))
        self.assertEqual((EventType.CHILD, self.root), type_and_path(events.next("CHILD on create")))
        self.zk.get_children(self.root, watch=events)
        self.zk.delete(self.path("c"))
        self.assertEqual(EventType.CHILD, events.next("CHILD on delete").type)

    def test_child_watch_of_a_deleted_parent_reports_deleted(self):
        self.zk.create(self.path("p"))
        events = EventQueue()
        self.zk.get_children(self.path("p"), watch=events)
        self.zk.delete(self.path("p"))
        self.assertEqual((EventType.DELETED, self.path("p")), type_and_path(events.next("DELETED")))

    def test_data_watch_recipe_follows_every_version(self):
        self.zk.create(self.path("n"), b"0")
        seen = EventQueue()
        self.zk.DataWatch(self.path("n"), lambda data, stat: seen(data))
        self.assertEqual(b"0", seen.next("the first call"))
        for value in (b"1", b"2"):
            self.zk.set(self.path("n"), value)
            self.assertEqual(value, seen.next(value))
        self.zk.delete(self.path("n"))
        self.assertEqual(None, seen.next("the deletion"))

    def test_children_watch_recipe_follows_the_child_list(self):
        seen = EventQueue()
        self.zk.ChildrenWatch(self.root, lambda children: seen(sorted(children)))
        self.assertEqual([], seen.next("the first call"))
        self.zk.create(self.path("a"))
        self.assertEqual(["a"], seen.next("a"))
        self.zk.create(self.path("b"))
        self.assertEqual(["a", "b"], seen.next("a, b"))

    def test_tree_cache_sees_adds_updates_and_removals(self):
        self.zk.create(self.path("t/x"), b"1", makepath=True)
        cache = TreeCache(self.zk, self.path("t"))
        events = EventQueue()
        cache.listen(lambda event: events((event.event_type, event.event_data.path if event.event_data else None)))
        cache.start()
        try:
            eventually(lambda: (TreeEvent.INITIALIZED, None) in events.pending(), "the cache's INITIALIZED")
            self.assertEqual(b"1", cache.get_data(self.path("t/x")).data)
            self.zk.set(self.path("t/x"), b"2")
            eventually(lambda: (TreeEvent.NODE_UPDATED, self.path("t/x")) in events.pending(), "NODE_UPDATED")
            self.zk.create(self.path("t/y/z"), makepath=True)
            eventually(lambda: (TreeEvent.NODE_ADDED, self.path("t/y/z")) in events.pending(), "NODE_ADDED of t/y/z")
            self.zk.delete(self.path("t/x"))
            eventually(lambda: (TreeEvent.NODE_REMOVED, self.path("t/x")) in events.pending(), "NODE_REMOVED")
            self.assertEqual(["y"], sorted(cache.get_children(self.path("t"))))
        finally:
            cache.close()


# --- transactions -------------------------------------------------------------------------------

class Transactions(KazooCase):

    def test_transaction_commits_all_operations(self):
        self.zk.create(self.path("old"), b"x")
        self.zk.create(self.path("gone"))
        tx = self.zk.transaction()
        tx.check(self.path("old"), 0)
        tx.create(self.path("new"), b"n")
        tx.set_data(self.path("old"), b"y")
        tx.delete(self.path("gone"))
        tx.create(self.path("seq-"), sequence=True)
        results = tx.commit()
        self.assertEqual(True, results[0])
        self.assertEqual(self.path("new"), results[1])
        self.assertEqual(1, results[2].version)
        self.assertEqual(True, results[3])
        # The suffix is the parent's cversion as the multi's earlier creates left it (old, gone, new: 3);
        # a delete earlier in the same multi does not count (ZooKeeper's PrepRequestProcessor bumps the
        # pending cversion on create only), although the applied delete does.
        self.assertEqual(self.path("seq-0000000003"), results[4])
        self.assertEqual(5, self.zk.exists(self.root).cversion)
        self.assertEqual(b"y", self.zk.get(self.path("old"))[0])
        self.assertIsNone(self.zk.exists(self.path("gone")))

    def test_failed_transaction_changes_nothing_and_reports_each_result(self):
        self.zk.create(self.path("n"), b"x")
        tx = self.zk.transaction()
        tx.create(self.path("a"))
        tx.check(self.path("n"), 5)
        tx.set_data(self.path("n"), b"y")
        results = tx.commit()
        # Operations after the failing one are reported as RuntimeInconsistency (-2), before it RolledBack.
        self.assertEqual([RolledBackError, BadVersionError, RuntimeInconsistency], [type(r) for r in results])
        self.assertIsNone(self.zk.exists(self.path("a")))
        self.assertEqual(b"x", self.zk.get(self.path("n"))[0])

    def test_transaction_in_a_chroot_returns_chrooted_paths(self):
        chrooted = self.client(CONNECT + self.root)
        tx = chrooted.transaction()
        tx.create("/t", b"1")
        tx.create("/t/s-", sequence=True)
        self.assertEqual(["/t", "/t/s-0000000000"], tx.commit())

    def test_transaction_with_a_watch_fires_the_watch_once(self):
        self.zk.create(self.path("n"))
        events = EventQueue()
        self.zk.get(self.path("n"), watch=events)
        tx = self.zk.transaction()
        tx.set_data(self.path("n"), b"1")
        tx.set_data(self.path("n"), b"2")
        tx.commit()
        self.assertEqual(EventType.CHANGED, events.next("CHANGED").type)
        self.zk.sync(self.root)
        self.assertEqual([], events.pending())


# --- ACLs and auth ------------------------------------------------------------------------------

class Acls(KazooCase):

    def test_creator_all_acl_after_digest_auth_the_auth_scheme_with_an_empty_id(self):
        # kazoo sends make_acl("auth", "") with the id as a null string (length -1): ZooKeeper
        # ignores the id of an auth entry and stores the session's digest identity.
        self.zk.add_auth("digest", "alice:secret")
        self.zk.create(self.path("mine"), b"private", acl=CREATOR_ALL_ACL)
        self.zk.create(self.path("mine2"), acl=[make_acl("auth", "", all=True)])
        expected = make_digest_acl("alice", "secret", all=True)
        acls, _ = self.zk.get_acls(self.path("mine"))
        self.assertEqual([expected], acls)
        self.assertEqual([expected], self.zk.get_acls(self.path("mine2"))[0])
        anonymous = self.client()
        anonymous.sync(self.root)  # on an ensemble the clients may be on different members
        with self.assertRaises(NoAuthError):
            anonymous.get(self.path("mine"))
        alice_again = self.client(auth_data=[("digest", "alice:secret")])
        alice_again.sync(self.root)
        self.assertEqual(b"private", alice_again.get(self.path("mine"))[0])

    def test_empty_acl_ids_are_answered_as_zookeeper_answers_them(self):
        # kazoo sends Id(scheme, "") with a null id. ZooKeeper dereferences the id of world, digest and
        # ip entries and answers the NullPointerException with MarshallingError (a transaction then
        # fails as a whole); an unknown scheme is InvalidACL before its id is read.
        for scheme in ("world", "digest", "ip"):
            with self.assertRaises(MarshallingError, msg=scheme):
                self.zk.create(self.path(scheme), acl=[ACL(Permissions.ALL, Id(scheme, ""))])
        with self.assertRaises(InvalidACLError):
            self.zk.create(self.path("foo"), acl=[ACL(Permissions.ALL, Id("foo", ""))])
        with self.assertRaises(MarshallingError):
            self.zk.set_acls(self.root, [ACL(Permissions.ALL, Id("ip", ""))])
        tx = self.zk.transaction()
        tx.create(self.path("a"))
        tx.create(self.path("b"), acl=[ACL(Permissions.ALL, Id("digest", ""))])
        with self.assertRaises(MarshallingError):
            tx.commit()
        self.assertEqual([], self.zk.get_children(self.root))
        self.assertEqual(OPEN_ACL_UNSAFE, self.zk.get_acls(self.root)[0])

    def test_auth_acl_without_authentication_is_invalid(self):
        with self.assertRaises(InvalidACLError):
            self.zk.create(self.path("n"), acl=CREATOR_ALL_ACL)

    def test_digest_acl_grants_only_the_listed_permissions(self):
        acl = [make_digest_acl("bob", "pw", read=True), make_acl("world", "anyone", read=True)]
        self.zk.create(self.path("n"), b"v", acl=acl)
        bob = self.client(auth_data=[("digest", "bob:pw")])
        bob.sync(self.root)  # on an ensemble the clients may be on different members
        self.assertEqual(b"v", bob.get(self.path("n"))[0])
        with self.assertRaises(NoAuthError):
            bob.set(self.path("n"), b"w")
        self.superuser().set_acls(self.path("n"), [make_digest_acl("bob", "pw", read=True, write=True)])
        bob.set(self.path("n"), b"w")
        self.zk.sync(self.root)
        with self.assertRaises(NoAuthError):
            self.zk.get(self.path("n"))

    def test_world_read_only_acl(self):
        self.zk.create(self.path("n"), b"v", acl=READ_ACL_UNSAFE)
        self.assertEqual(b"v", self.zk.get(self.path("n"))[0])
        with self.assertRaises(NoAuthError):
            self.zk.set(self.path("n"), b"w")
        with self.assertRaises(NoAuthError):
            self.zk.create(self.path("n/child"))
        with self.assertRaises(NoAuthError):
            self.zk.set_acls(self.path("n"), OPEN_ACL_UNSAFE)

    def test_ip_acl_matches_the_loopback_address(self):
        self.zk.create(self.path("mine"), b"v", acl=[make_acl("ip", "127.0.0.1", all=True)])
        self.zk.create(self.path("net"), b"v", acl=[make_acl("ip", "127.0.0.0/8", read=True)])
        self.zk.create(self.path("other"), b"v", acl=[make_acl("ip", "10.1.2.3", all=True)])
        self.assertEqual(b"v", self.zk.get(self.path("mine"))[0])
        self.assertEqual(b"v", self.zk.get(self.path("net"))[0])
        with self.assertRaises(NoAuthError):
            self.zk.get(self.path("other"))

    def test_invalid_acls_are_rejected(self):
        for acl in ([make_acl("digest", "no-password", all=True)], [make_acl("ip", "300.1.1.1", all=True)],
                    [make_acl("nosuchscheme", "x", all=True)], [make_acl("world", "somebody", all=True)]):
            with self.assertRaises(InvalidACLError, msg=str(acl)):
                self.zk.create(self.path("n"), acl=acl)

    def test_get_acls_and_set_acls_count_aversion(self):
        self.zk.create(self.path("n"))
        acls, stat = self.zk.get_acls(self.path("n"))
        self.assertEqual(OPEN_ACL_UNSAFE, acls)
        self.assertEqual(0, stat.aversion)
        self.zk.set_acls(self.path("n"), READ_ACL_UNSAFE, version=0)
        self.assertEqual(1, self.zk.get_acls(self.path("n"))[1].aversion)
        with self.assertRaises(BadVersionError):
            self.superuser().set_acls(self.path("n"), OPEN_ACL_UNSAFE, version=0)

    def test_super_digest_passes_every_acl(self):
        self.zk.create(self.path("n"), b"v", acl=[make_digest_acl("carol", "x", all=True)])
        root = self.superuser()
        root.sync(self.root)  # on an ensemble the clients may be on different members
        self.assertEqual(b"v", root.get(self.path("n"))[0])
        root.set_acls(self.path("n"), OPEN_ACL_UNSAFE)
        self.zk.sync(self.root)  # on an ensemble the clients may be on different members
        self.assertEqual(b"v", self.zk.get(self.path("n"))[0])

    def test_digest_credential_format_matches_the_servers(self):
        self.zk.add_auth("digest", "dave:pw")
        self.zk.create(self.path("n"), acl=CREATOR_ALL_ACL)
        stored = self.zk.get_acls(self.path("n"))[0][0].id.id
        self.assertEqual(make_digest_acl_credential("dave", "pw"), stored)


# --- recipes --------------------------------------------------------------------------------------

def in_thread(target, *args):
    thread = threading.Thread(target=target, args=args, daemon=True)
    thread.start()
    return thread


class Recipes(KazooCase):

    def test_lock_is_exclusive_and_passes_on_release(self):
        other = self.client()
        first = self.zk.Lock(self.path("lock"), "first")
        second = other.Lock(self.path("lock"), "second")
        self.assertTrue(first.acquire(timeout=WAIT_S))
        self.assertFalse(second.acquire(blocking=False))
        got = threading.Event()
        in_thread(lambda: second.acquire(timeout=WAIT_S) and got.set())
        eventually(lambda: len(first.contenders()) == 2, "two contenders")
        self.assertEqual(["first", "second"], first.contenders())
        self.assertFalse(got.is_set())
        first.release()
        wait_for(got, "the second client to get the lock")
        second.release()

    def test_lock_of_a_lost_session_passes_on(self):
        holder = self.client()
        self.assertTrue(holder.Lock(self.path("lock"), "h").acquire(timeout=WAIT_S))
        waiter = self.zk.Lock(self.path("lock"), "w")
        got = threading.Event()
        in_thread(lambda: waiter.acquire(timeout=WAIT_S) and got.set())
        holder.stop()
        wait_for(got, "the lock after the holder's session closed")
        waiter.release()

    def test_read_write_locks(self):
        other = self.client()
        read1 = self.zk.ReadLock(self.path("rw"))
        read2 = other.ReadLock(self.path("rw"))
        write = self.client().WriteLock(self.path("rw"))
        self.assertTrue(read1.acquire(timeout=WAIT_S))
        self.assertTrue(read2.acquire(timeout=WAIT_S))
        self.assertFalse(write.acquire(blocking=False))
        read1.release()
        read2.release()
        self.assertTrue(write.acquire(timeout=WAIT_S))
        self.assertFalse(self.zk.ReadLock(self.path("rw")).acquire(blocking=False))
        write.release()

    def test_semaphore_admits_max_leases(self):
        sems = [self.client().Semaphore(self.path("sem"), identifier="c%d" % i, max_leases=2) for i in range(3)]
        self.assertTrue(sems[0].acquire(timeout=WAIT_S))
        self.assertTrue(sems[1].acquire(timeout=WAIT_S))
        self.assertFalse(sems[2].acquire(blocking=False))
        sems[0].client.sync(self.root)  # on an ensemble the clients may be on different members
        self.assertEqual(["c0", "c1"], sorted(sems[0].lease_holders()))
        sems[0].release()
        self.assertTrue(sems[2].acquire(timeout=WAIT_S))
        self.assertEqual(["c1", "c2"], sorted(sems[2].lease_holders()))
        sems[1].release()
        sems[2].release()

    def test_election_elects_one_leader_at_a_time(self):
        leaders = EventQueue()
        stop = {name: threading.Event() for name in ("a", "b")}

        def lead(name):
            leaders(name)
            stop[name].wait(WAIT_S)

        first = self.zk.Election(self.path("election"), "a")
        in_thread(first.run, lead, "a")
        self.assertEqual("a", leaders.next("the first leader"))
        second = self.client().Election(self.path("election"), "b")
        in_thread(second.run, lead, "b")
        eventually(lambda: first.contenders() == ["a", "b"], "two contenders")
        self.assertEqual([], leaders.pending())
        stop["a"].set()
        self.assertEqual("b", leaders.next("the second leader"))
        stop["b"].set()

    def test_barrier_holds_waiters_until_removed(self):
        barrier = self.zk.Barrier(self.path("barrier"))
        barrier.create()
        waiter = self.client().Barrier(self.path("barrier"))
        waiter.client.sync(self.root)  # on an ensemble the clients may be on different members
        self.assertFalse(waiter.wait(timeout=0.2))
        passed = threading.Event()
        in_thread(lambda: waiter.wait(timeout=WAIT_S) and passed.set())
        barrier.remove()
        wait_for(passed, "the barrier to open")

    def test_double_barrier_lets_all_in_together_and_out_together(self):
        entered = EventQueue()
        left = EventQueue()

        def member(client, name):
            barrier = client.DoubleBarrier(self.path("double"), 3, identifier=name)
            barrier.enter()
            entered(name)
            barrier.leave()
            left(name)

        clients = [self.client() for _ in range(3)]
        in_thread(member, clients[0], "m0")
        in_thread(member, clients[1], "m1")
        eventually(lambda: self.zk.exists(self.path("double")) and len(self.zk.get_children(self.path("double"))) == 2,
                   "two members waiting")
        self.assertEqual([], entered.pending())
        in_thread(member, clients[2], "m2")
        self.assertEqual(["m0", "m1", "m2"], sorted(entered.next("entry %d" % i) for i in range(3)))
        self.assertEqual(["m0", "m1", "m2"], sorted(left.next("exit %d" % i) for i in range(3)))

    def test_counter_counts_across_clients(self):
        counters = [self.client().Counter(self.path("counter")) for _ in range(3)]
        threads = [in_thread(lambda c=c: [c.__add__(1) for _ in range(10)]) for c in counters]
        for thread in threads:
            thread.join(WAIT_S)
        counters[0].client.sync(self.root)  # on an ensemble the clients may be on different members
        self.assertEqual(30, counters[0].value)
        counters[1] -= 5
        self.zk.sync(self.root)
        self.assertEqual(25, self.zk.Counter(self.path("counter")).value)
        floats = self.zk.Counter(self.path("float"), default=0.0)
        floats += 2.5
        self.assertEqual(2.5, floats.value)

    def test_party_and_shallow_party_list_their_members(self):
        for cls in ("Party", "ShallowParty"):
            members = [getattr(self.client(), cls)(self.path(cls), "m%d" % i) for i in range(3)]
            for member in members:
                member.join()
            members[0].client.sync(self.root)  # on an ensemble the clients may be on different members
            self.assertEqual(3, len(members[0]))
            self.assertEqual(["m0", "m1", "m2"], sorted(members[0]))
            members[1].leave()
            members[2].client.sync(self.root)
            self.assertEqual(["m0", "m2"], sorted(members[2]))

    def test_queue_orders_by_priority_then_arrival(self):
        queue = self.zk.Queue(self.path("queue"))
        queue.put(b"late", priority=50)
        queue.put(b"first", priority=10)
        queue.put(b"later", priority=50)
        self.assertEqual(3, len(queue))
        consumer = self.client().Queue(self.path("queue"))
        consumer.client.sync(self.root)  # on an ensemble the clients may be on different members
        self.assertEqual([b"first", b"late", b"later"], [consumer.get() for _ in range(3)])
        self.assertIsNone(consumer.get())

    def test_locking_queue_hands_an_item_to_one_consumer_until_consumed(self):
        queue = self.zk.LockingQueue(self.path("lq"))
        queue.put_all([b"a", b"b"])
        queue.put(b"urgent", priority=1)
        first, second = self.client().LockingQueue(self.path("lq")), self.client().LockingQueue(self.path("lq"))
        first.client.sync(self.root)  # on an ensemble the clients may be on different members
        self.assertEqual(b"urgent", first.get(timeout=WAIT_S))
        self.assertTrue(first.holds_lock())
        second.client.sync(self.root)
        self.assertEqual(b"a", second.get(timeout=WAIT_S))
        self.assertTrue(second.release())  # back to the queue
        self.assertTrue(first.consume())
        first.client.sync(self.root)
        self.assertEqual(b"a", first.get(timeout=WAIT_S))
        self.assertTrue(first.consume())
        self.zk.sync(self.root)
        self.assertEqual(1, len(queue))
        got = EventQueue()
        second.client.sync(self.root)
        self.assertEqual(b"b", second.get(timeout=WAIT_S))
        second.consume()
        in_thread(lambda: got(first.get(timeout=WAIT_S)))
        queue.put(b"arrives later")
        self.assertEqual(b"arrives later", got.next("an item put while a consumer waits"))

    def test_non_blocking_lease_is_held_by_one_identity_until_it_ends(self):
        now = [datetime.datetime(2030, 1, 1, 12, 0, 0)]
        clock = lambda: now[0]
        duration = datetime.timedelta(minutes=10)
        self.assertTrue(self.zk.NonBlockingLease(self.path("lease"), duration, "a", utcnow=clock))
        other = self.client()
        other.sync(self.root)  # on an ensemble the clients may be on different members
        self.assertFalse(other.NonBlockingLease(self.path("lease"), duration, "b", utcnow=clock))
        self.assertTrue(self.zk.NonBlockingLease(self.path("lease"), duration, "a", utcnow=clock))  # renewal
        now[0] += datetime.timedelta(minutes=11)
        other.sync(self.root)
        self.assertTrue(other.NonBlockingLease(self.path("lease"), duration, "b", utcnow=clock))
        self.assertEqual(2, sum(bool(other.MultiNonBlockingLease(2, self.path("multi"), duration, "m%d" % i,
                                                                 utcnow=clock)) for i in range(3)))

    def test_set_partitioner_splits_a_set_between_members(self):
        items = ["a", "b", "c", "d"]
        partitioners = [self.client().SetPartitioner(self.path("part"), items, identifier="p%d" % i,
                                                     time_boundary=0.2) for i in range(2)]
        try:
            # The partitioners' state machine is driven by its user: a member told to release its set
            # (another member joined) must call release_set, then wait for the new split.
            def step():
                for p in partitioners:
                    if p.release:
                        p.release_set()
                    elif p.allocating:
                        p.wait_for_acquire(timeout=0.1)
                return all(p.acquired for p in partitioners)

            eventually(step, "both partitioners to acquire their part")
            owned = [sorted(p) for p in partitioners]
            self.assertEqual(items, sorted(owned[0] + owned[1]))
            self.assertEqual([2, 2], [len(o) for o in owned])
        finally:
            for p in partitioners:
                p.finish()


# --- protocol robustness -------------------------------------------------------------------------

class Robustness(KazooCase):
    """What kazoo does when a connection breaks between a request and its reply (issue 13, item 4)."""

    def test_connection_closed_before_the_reply_is_connection_loss_and_the_write_took_effect(self):
        client = self.client(hosts=control("proxy"))
        session = client.client_id[0]
        states = EventQueue()
        client.add_listener(states)
        control("cut-at-next-reply")
        with self.assertRaises(ConnectionLoss):
            client.create(self.path("written"), b"x")
        self.assertEqual(KazooState.SUSPENDED, states.next("SUSPENDED"))
        self.assertEqual(KazooState.CONNECTED, states.next("CONNECTED again"))
        self.assertEqual(session, client.client_id[0])
        # The server applied the create; its reply was lost, so a retry finds the node there.
        self.assertEqual((b"x", 0), (client.get(self.path("written"))[0], client.exists(self.path("written")).version))
        with self.assertRaises(NodeExistsError):
            client.create(self.path("written"), b"x")


# --- runner ---------------------------------------------------------------------------------------

def control(command):
    """Asks the Java driver to act on the server and waits for its answer; returns what follows "done"."""
    print("@@CONTROL " + command, flush=True)
    answer = sys.stdin.readline().strip()
    if answer != "done" and not answer.startswith("done "):
        raise AssertionError("driver answered %r to %r" % (answer, command))
    return answer[len("done "):]


class LineResult(unittest.TestResult):
    """Reports each test as one @@RESULT line, as soon as it ends."""

    def startTest(self, test):
        super().startTest(test)
        self._started = time.monotonic()

    def _report(self, test, outcome, detail=""):
        name = "%s.%s" % (type(test).__name__, test._testMethodName)
        escaped = detail.replace("\\", "\\\\").replace("\n", "\\n")
        print("@@RESULT %s %.3f %s %s" % (outcome, time.monotonic() - self._started, name, escaped), flush=True)

    def addSuccess(self, test):
        super().addSuccess(test)
        self._report(test, "pass")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._report(test, "fail", "".join(traceback.format_exception(*err)))

    def addError(self, test, err):
        super().addError(test, err)
        self._report(test, "error", "".join(traceback.format_exception(*err)))

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._report(test, "fail", "skipped: " + reason)  # nothing may be skipped silently


def main():
    global CONNECT
    CONNECT = sys.argv[1]
    prefix = sys.argv[2] if len(sys.argv) > 2 else ""
    loader = unittest.TestLoader()
    tests = [test for case in (Session, Operations, Watches, Transactions, Acls, Recipes, Robustness)
             for test in loader.loadTestsFromTestCase(case)
             if ("%s.%s" % (type(test).__name__, test._testMethodName)).startswith(prefix)]
    print("@@PLAN " + " ".join("%s.%s" % (type(t).__name__, t._testMethodName) for t in tests), flush=True)
    result = LineResult()
    unittest.TestSuite(tests).run(result)
    sys.exit(0 if result.wasSuccessful() else 1)


if __name__ == "__main__":
    main()
