"""kazoo against a member in read-only mode (EnsembleReadOnlyTest): usage kazoo_read_only.py HOST:PORT.

Connects with read_only=True and prints one line per check, "ok NAME" or "fail NAME DETAIL"; the Java test
asserts every line. kazoo encodes the read-only flag of its ConnectRequest itself, as each client does.
"""
import sys

from kazoo.client import KazooClient
from kazoo.exceptions import NotReadOnlyCallError
from kazoo.protocol.states import KeeperState


def check(name, ok, detail=""):
    print(("ok " if ok else "fail ") + name + ("" if ok else " " + str(detail)), flush=True)


def main():
    zk = KazooClient(hosts=sys.argv[1], read_only=True, timeout=10)
    zk.start(timeout=15)
    try:
        check("connected-read-only", zk.client_state == KeeperState.CONNECTED_RO, zk.client_state)
        data, _ = zk.get("/ro")
        check("reads-what-the-quorum-committed", data == b"committed", data)
        try:
            zk.set("/ro", b"changed")
            check("a-write-is-not-read-only", False, "set succeeded")
        except NotReadOnlyCallError:
            check("a-write-is-not-read-only", True)
    finally:
        zk.stop()
        zk.close()


if __name__ == "__main__":
    main()
