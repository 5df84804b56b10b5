/*
 * Compatibility suite for the ZooKeeper C client (Debian libzookeeper-mt-dev, the multi-threaded
 * library), built and run by CClientTest against Corral and against Apache ZooKeeper 3.9.5 alike, so
 * that every expectation here is ZooKeeper's behaviour.
 *
 * Usage: zk_suite HOST:PORT [CASE_NAME_PREFIX]
 *
 * It speaks ClientProgram's line protocol on stdout: "@@PLAN name...", then per case
 * "@@RESULT pass|fail SECONDS NAME [DETAIL]", and "@@CONTROL restart|proxy|cut|restore", each
 * answered "done [VALUE]" on stdin once the driver has acted.
 *
 * Every wait is bounded by WAIT_MS; nothing sleeps to synchronise except polls for a server-side timer
 * (container and TTL removal), bounded too.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zookeeper/zookeeper.h>

#define WAIT_MS 10000
#define SESSION_TIMEOUT_MS 4000
#define EVENTS_MAX 64

static const char *connect_string;
static char root[256];           /* the running case's own znode */
static char failure[2048];       /* why the running case failed; empty while it passes */

/* ---- reporting ------------------------------------------------------------------------------- */

#define CHECK(cond, ...)                                                                   \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fail_at(__LINE__, #cond, __VA_ARGS__);                                         \
            return;                                                                        \
        }                                                                                  \
    } while (0)

/* rc must equal expected, a ZooKeeper error code; names both in the failure. */
#define CHECK_RC(rc, expected, what)                                                       \
    do {                                                                                   \
        int rc_ = (rc);                                                                    \
        CHECK(rc_ == (expected), "%s: rc %d (%s), expected %d (%s)", what, rc_, zerror(rc_), \
              (expected), zerror(expected));                                               \
    } while (0)

static void fail_at(int line, const char *condition, const char *format, ...) {
    char message[1536];
    va_list args;
    va_start(args, format);
    vsnprintf(message, sizeof message, format, args);
    va_end(args);
    snprintf(failure, sizeof failure, "zk_suite.c:%d: %s (check: %s)", line, message, condition);
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void deadline_in(struct timespec *ts, int ms) {
    clock_gettime(CLOCK_REALTIME, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (long) (ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

static void pause_ms(int ms) {
    struct timespec ts = {ms / 1000, (long) (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ---- events: watcher calls collected for bounded waits ----------------------------------------- */

typedef struct {
    int type;
    int state;
    char path[256];
} event_t;

/* A queue of watcher calls. Invariant: 0 <= count <= EVENTS_MAX; calls past that are counted as lost. */
typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    event_t items[EVENTS_MAX];
    int count;
    int lost;
} events_t;

static void events_init(events_t *q) {
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->changed, NULL);
    q->count = 0;
    q->lost = 0;
}

static void on_event(zhandle_t *zh, int type, int state, const char *path, void *context) {
    (void) zh;
    events_t *q = context;
    if (q == NULL) {
        return;
    }
    pthread_mutex_lock(&q->lock);
    if (q->count < EVENTS_MAX) {
        event_t *e = &q->items[q->count++];
        e->type = type;
        e->state = state;
        snprintf(e->path, sizeof e->path, "%s", path ? path : "");
    } else {
        q->lost++;
    }
    pthread_cond_broadcast(&q->changed);
    pthread_mutex_unlock(&q->lock);
}

/* Takes the first event of the given type (any type if type == 0) within WAIT_MS; 0 on success. */
static int next_event(events_t *q, int type, event_t *out) {
    struct timespec deadline;
    deadline_in(&deadline, WAIT_MS);
    pthread_mutex_lock(&q->lock);
    for (;;) {
        for (int i = 0; i < q->count; i++) {
            if (type == 0 || q->items[i].type == type) {
                *out = q->items[i];
                memmove(&q->items[i], &q->items[i + 1], (size_t) (q->count - i - 1) * sizeof(event_t));
                q->count--;
                pthread_mutex_unlock(&q->lock);
                return 0;
            }
        }
        if (pthread_cond_timedwait(&q->changed, &q->lock, &deadline) == ETIMEDOUT) {
            pthread_mutex_unlock(&q->lock);
            return -1;
        }
    }
}

/* Takes the next session event of the given state within WAIT_MS, dropping other session events. */
static int next_session_state(events_t *q, int state) {
    event_t e = {0};
    while (next_event(q, ZOO_SESSION_EVENT, &e) == 0) {
        if (e.state == state) {
            return 0;
        }
    }
    return -1;
}

static int pending_events(events_t *q) {
    pthread_mutex_lock(&q->lock);
    int count = q->count;
    pthread_mutex_unlock(&q->lock);
    return count;
}

/* Asks the Java driver to act (ClientProgram's @@CONTROL) and waits for its answer, "done" and an
 * optional value, copied into value (may be NULL). 0 on "done". */
static int control(const char *command, char *value, size_t value_size) {
    char answer[256] = "";
    printf("@@CONTROL %s\n", command);
    fflush(stdout);
    if (fgets(answer, sizeof answer, stdin) == NULL || strncmp(answer, "done", 4) != 0) {
        return -1;
    }
    answer[strcspn(answer, "\n")] = 0;
    if (value != NULL) {
        snprintf(value, value_size, "%s", answer[4] == ' ' ? answer + 5 : "");
    }
    return 0;
}

/* ---- sessions ---------------------------------------------------------------------------------- */

typedef struct {
    zhandle_t *zh;
    events_t session;   /* the default watcher's calls: session events and watch=1 events */
} client_t;

#define CLIENTS_MAX 8
static client_t clients[CLIENTS_MAX];
static int client_count;

/* Opens a session (hosts: a connect string, NULL for the server's) and waits for CONNECTED. */
static client_t *open_client(const char *hosts, const clientid_t *id, int flags) {
    if (client_count == CLIENTS_MAX) {
        return NULL;
    }
    client_t *c = &clients[client_count++];
    events_init(&c->session);
    c->zh = zookeeper_init(hosts ? hosts : connect_string, on_event, SESSION_TIMEOUT_MS, id, &c->session, flags);
    if (c->zh == NULL || next_session_state(&c->session, ZOO_CONNECTED_STATE) != 0) {
        return NULL;
    }
    return c;
}

static void close_clients(void) {
    for (int i = 0; i < client_count; i++) {
        if (clients[i].zh) {
            zookeeper_close(clients[i].zh);
            clients[i].zh = NULL;
        }
    }
    client_count = 0;
}

static const char *at(const char *name) {
    static char paths[8][512];
    static int next;
    char *path = paths[next++ % 8];
    snprintf(path, 512, "%s/%s", root, name);
    return path;
}

/* sync completion handoff */
typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t done_cond;
    int done;
    int rc;
    char value[512];
} completion_t;

static void completion_init(completion_t *c) {
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->done_cond, NULL);
    c->done = 0;
    c->rc = -1;
    c->value[0] = 0;
}

static void on_string(int rc, const char *value, const void *data) {
    completion_t *c = (completion_t *) data;
    pthread_mutex_lock(&c->lock);
    c->rc = rc;
    snprintf(c->value, sizeof c->value, "%s", value ? value : "");
    c->done = 1;
    pthread_cond_broadcast(&c->done_cond);
    pthread_mutex_unlock(&c->lock);
}

static void on_void(int rc, const void *data) {
    on_string(rc, NULL, data);
}

static int await_completion(completion_t *c) {
    struct timespec deadline;
    deadline_in(&deadline, WAIT_MS);
    pthread_mutex_lock(&c->lock);
    while (!c->done) {
        if (pthread_cond_timedwait(&c->done_cond, &c->lock, &deadline) == ETIMEDOUT) {
            break;
        }
    }
    int done = c->done;
    pthread_mutex_unlock(&c->lock);
    return done ? 0 : -1;
}

/* Syncs c's server with the leader (zoo_async) and waits for the reply: on an ensemble, a client reads what
 * another client (on another member) wrote only after a sync, as ZooKeeper promises no more. */
static int sync_client(client_t *c, const char *path) {
    completion_t done;
    completion_init(&done);
    int rc = zoo_async(c->zh, path, on_string, &done);
    if (rc != ZOK) {
        return rc;
    }
    return await_completion(&done) == 0 ? done.rc : ZOPERATIONTIMEOUT;
}

/* ---- cases ------------------------------------------------------------------------------------- */

static client_t *zk; /* each case's first client */

static void connect_negotiates_the_requested_timeout_and_a_session_id(void) {
    CHECK(zoo_client_id(zk->zh)->client_id != 0, "no session id");
    CHECK(zoo_state(zk->zh) == ZOO_CONNECTED_STATE, "state %d", zoo_state(zk->zh));
    /* 4000 ms asked with tickTime=200: inside [2, 20] ticks, granted as asked. */
    CHECK(zoo_recv_timeout(zk->zh) == SESSION_TIMEOUT_MS, "negotiated %d ms", zoo_recv_timeout(zk->zh));
}

static void read_only_flag_on_a_standalone_server_gives_a_read_write_session(void) {
    client_t *ro = open_client(NULL, NULL, ZOO_READONLY);
    CHECK(ro != NULL, "no connection with ZOO_READONLY");
    CHECK(zoo_state(ro->zh) == ZOO_CONNECTED_STATE, "state %d, not CONNECTED", zoo_state(ro->zh));
    CHECK_RC(zoo_create(ro->zh, at("rw"), "x", 1, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT, NULL, 0), ZOK, "create");
}

static void chroot_paths_are_relative_to_the_root(void) {
    char hosts[600], name[256];
    snprintf(hosts, sizeof hosts, "%s%s", connect_string, root);
    client_t *chrooted = open_client(hosts, NULL, 0);
    CHECK(chrooted != NULL, "no chrooted connection");
    CHECK_RC(zoo_create(chrooted->zh, "/a", "v", 1, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT, name, sizeof name), ZOK,
             "create /a");
    CHECK(strcmp(name, "/a") == 0, "created %s", name);
    CHECK_RC(zoo_create(chrooted->zh, "/s-", "", 0, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT_SEQUENTIAL, name, sizeof name),
             ZOK, "create /s-");
    CHECK(strcmp(name, "/s-0000000001") == 0, "created %s", name);
    CHECK_RC(sync_client(zk, root), ZOK, "sync of the unchrooted client");
    struct Stat stat;
    CHECK_RC(zoo_exists(zk->zh, at("a"), 0, &stat), ZOK, "the node below the root, seen unchrooted");
    events_t events;
    events_init(&events);
    struct String_vector children;
    CHECK_RC(zoo_wget_children(chrooted->zh, "/", on_event, &events, &children), ZOK, "children of /");
    CHECK(children.count == 2, "%d children", children.count);
    deallocate_String_vector(&children);
    CHECK_RC(zoo_delete(zk->zh, at("a"), -1), ZOK, "delete");
    event_t e = {0};
    CHECK(next_event(&events, ZOO_CHILD_EVENT, &e) == 0, "no child event");
    CHECK(strcmp(e.path, "/") == 0, "child event for %s", e.path);
}

static void create_modes_and_their_stats(void) {
    char name[512];
    struct Stat stat;
    const clientid_t *id = zoo_client_id(zk->zh);
    CHECK_RC(zoo_create(zk->zh, at("p"), "data", 4, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT, name, sizeof name), ZOK, "p");
    CHECK_RC(zoo_create(zk->zh, at("e"), "", 0, &ZOO_OPEN_ACL_UNSAFE, ZOO_EPHEMERAL, NULL, 0), ZOK, "e");
    CHECK_RC(zoo_create(zk->zh, at("s-"), "", 0, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT_SEQUENTIAL, name, sizeof name),
             ZOK, "s-");
    CHECK(strcmp(name, at("s-0000000002")) == 0, "sequential created %s", name);
    CHECK_RC(zoo_create(zk->zh, at("es-"), "", 0, &ZOO_OPEN_ACL_UNSAFE, ZOO_EPHEMERAL_SEQUENTIAL, name, sizeof name),
             ZOK, "es-");
    CHECK(strcmp(name, at("es-0000000003")) == 0, "ephemeral sequential created %s", name);
    CHECK_RC(zoo_exists(zk->zh, name, 0, &stat), ZOK, "exists es");
    CHECK(stat.ephemeralOwner == id->client_id, "ephemeralOwner %llx", (long long) stat.ephemeralOwner);
    CHECK_RC(zoo_exists(zk->zh, at("p"), 0, &stat), ZOK, "exists p");
    CHECK(stat.ephemeralOwner == 0 && stat.dataLength == 4, "owner %llx length %d", (long long) stat.ephemeralOwner,
          stat.dataLength);
    CHECK_RC(zoo_create2(zk->zh, at("two"), "abc", 3, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT, name, sizeof name, &stat),
             ZOK, "create2");
    CHECK(stat.dataLength == 3 && stat.version == 0 && stat.czxid == stat.mzxid, "create2 stat");
    CHECK_RC(zoo_create(zk->zh, at("c"), "", 0, &ZOO_OPEN_ACL_UNSAFE, ZOO_CONTAINER, NULL, 0), ZOK, "container");
    CHECK_RC(zoo_create_ttl(zk->zh, at("t"), "", 0, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT_WITH_TTL, 60000, NULL, 0), ZOK,
             "ttl");
    CHECK_RC(zoo_create_ttl(zk->zh, at("ts-"), "", 0, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT_SEQUENTIAL_WITH_TTL, 60000,
                            name, sizeof name), ZOK, "sequential ttl");
    CHECK(strcmp(name, at("ts-0000000007")) == 0, "sequential ttl created %s", name);
    CHECK_RC(zoo_create2_ttl(zk->zh, at("t2"), "", 0, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT_WITH_TTL, 60000, name,
                             sizeof name, &stat), ZOK, "create2 ttl");
    /* A TTL node's ephemeralOwner field carries its TTL (ZooKeeper's EphemeralType, extended types). */
    /* Clients see ephemeralOwner 0 for TTL and container nodes, whose stored owner field encodes their
     * type (ZooKeeper 3.9: DataTree#getClientEphemeralOwner). */
    CHECK(stat.ephemeralOwner == 0, "ttl node's ephemeralOwner %llx", (long long) stat.ephemeralOwner);
    CHECK_RC(zoo_exists(zk->zh, at("c"), 0, &stat), ZOK, "exists c");
    CHECK(stat.ephemeralOwner == 0, "container's ephemeralOwner %llx", (long long) stat.ephemeralOwner);
}

/* Polls every 50 ms (at most WAIT_MS) for the node to be gone: the server removes it on a timer. */
static int await_gone(const char *path) {
    for (int waited = 0; waited < WAIT_MS; waited += 50) {
        if (zoo_exists(zk->zh, path, 0, NULL) == ZNONODE) {
            return 0;
        }
        pause_ms(50);
    }
    return -1;
}

static void container_and_ttl_nodes_are_removed_by_the_server(void) {
    CHECK_RC(zoo_create(zk->zh, at("c"), "", 0, &ZOO_OPEN_ACL_UNSAFE, ZOO_CONTAINER, NULL, 0), ZOK, "container");
    CHECK_RC(zoo_create(zk->zh, at("c/child"), "", 0, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT, NULL, 0), ZOK, "child");
    CHECK_RC(zoo_delete(zk->zh, at("c/child"), -1), ZOK, "delete child");
    CHECK(await_gone(at("c")) == 0, "the emptied container still exists after %d ms", WAIT_MS);
    CHECK_RC(zoo_create_ttl(zk->zh, at("t"), "", 0, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT_WITH_TTL, 200, NULL, 0), ZOK,
             "ttl");
    CHECK(await_gone(at("t")) == 0, "the TTL node still exists after %d ms", WAIT_MS);
}

static void errors_are_reported_with_zookeepers_codes(void) {
    char buffer[16];
    int length = sizeof buffer;
    CHECK_RC(zoo_get(zk->zh, at("missing"), 0, buffer, &length, NULL), ZNONODE, "get missing");
    CHECK_RC(zoo_create(zk->zh, at("missing/child"), "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, NULL, 0), ZNONODE, "no parent");
    CHECK_RC(zoo_create(zk->zh, at("n"), "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, NULL, 0), ZOK, "n");
    CHECK_RC(zoo_create(zk->zh, at("n"), "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, NULL, 0), ZNODEEXISTS, "n again");
    CHECK_RC(zoo_set(zk->zh, at("n"), "x", 1, 5), ZBADVERSION, "set with a wrong version");
    CHECK_RC(zoo_create(zk->zh, at("n/c"), "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, NULL, 0), ZOK, "n/c");
    CHECK_RC(zoo_delete(zk->zh, at("n"), -1), ZNOTEMPTY, "delete a parent");
    CHECK_RC(zoo_create(zk->zh, at("e"), "", 0, &ZOO_OPEN_ACL_UNSAFE, ZOO_EPHEMERAL, NULL, 0), ZOK, "e");
    CHECK_RC(zoo_create(zk->zh, at("e/c"), "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, NULL, 0), ZNOCHILDRENFOREPHEMERALS,
             "child of an ephemeral");
    CHECK_RC(zoo_create_ttl(zk->zh, at("t"), "", 0, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT_WITH_TTL, 0, NULL, 0),
             ZBADARGUMENTS, "ttl 0");
    CHECK_RC(zoo_create(zk->zh, "no-slash", "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, NULL, 0), ZBADARGUMENTS, "relative path");
}

static void get_set_exists_and_children_with_stats(void) {
    char buffer[64];
    int length = sizeof buffer;
    struct Stat stat;
    CHECK_RC(zoo_create(zk->zh, at("n"), "v0", 2, &ZOO_OPEN_ACL_UNSAFE, 0, NULL, 0), ZOK, "n");
    CHECK_RC(zoo_set2(zk->zh, at("n"), "value-1", 7, 0, &stat), ZOK, "set2");
    CHECK(stat.version == 1 && stat.dataLength == 7, "set2 stat version %d length %d", stat.version, stat.dataLength);
    CHECK_RC(zoo_get(zk->zh, at("n"), 0, buffer, &length, &stat), ZOK, "get");
    CHECK(length == 7 && memcmp(buffer, "value-1", 7) == 0, "got %.*s", length, buffer);
    length = 3; /* a short buffer: the value is cut, as the C client documents */
    CHECK_RC(zoo_get(zk->zh, at("n"), 0, buffer, &length, &stat), ZOK, "get short");
    CHECK(length == 3 && memcmp(buffer, "val", 3) == 0, "got %.*s", length, buffer);
    CHECK_RC(zoo_set(zk->zh, at("n"), NULL, -1, -1), ZOK, "set null data");
    length = sizeof buffer;
    CHECK_RC(zoo_get(zk->zh, at("n"), 0, buffer, &length, &stat), ZOK, "get null data");
    CHECK(length == -1, "null data read back with length %d", length);
    CHECK_RC(zoo_exists(zk->zh, at("none"), 0, &stat), ZNONODE, "exists none");
    for (int i = 0; i < 3; i++) {
        char child[32];
        snprintf(child, sizeof child, "n/c%d", i);
        CHECK_RC(zoo_create(zk->zh, at(child), "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, NULL, 0), ZOK, child);
    }
    struct String_vector children;
    CHECK_RC(zoo_get_children2(zk->zh, at("n"), 0, &children, &stat), ZOK, "children2");
    CHECK(children.count == 3 && stat.numChildren == 3 && stat.cversion == 3, "%d children, cversion %d",
          children.count, stat.cversion);
    deallocate_String_vector(&children);
    CHECK_RC(zoo_delete(zk->zh, at("n/c0"), 0), ZOK, "delete with version");
    CHECK_RC(zoo_get_children(zk->zh, at("n"), 0, &children), ZOK, "children");
    CHECK(children.count == 2, "%d children", children.count);
    deallocate_String_vector(&children);
}

static void watches_fire_once_with_their_type(void) {
    events_t events;
    events_init(&events);
    event_t e = {0};
    char buffer[16];
    int length = sizeof buffer;
    struct Stat stat;
    struct String_vector children;
    CHECK_RC(zoo_wexists(zk->zh, at("n"), on_event, &events, &stat), ZNONODE, "wexists on a missing node");
    CHECK_RC(zoo_create(zk->zh, at("n"), "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, NULL, 0), ZOK, "n");
    CHECK(next_event(&events, 0, &e) == 0 && e.type == ZOO_CREATED_EVENT, "no CREATED (type %d)", e.type);
    CHECK(strcmp(e.path, at("n")) == 0 && e.state == ZOO_CONNECTED_STATE, "event for %s in state %d", e.path, e.state);
    CHECK_RC(zoo_wget(zk->zh, at("n"), on_event, &events, buffer, &length, &stat), ZOK, "wget");
    CHECK_RC(zoo_set(zk->zh, at("n"), "1", 1, -1), ZOK, "set 1");
    CHECK_RC(zoo_set(zk->zh, at("n"), "2", 1, -1), ZOK, "set 2");
    CHECK(next_event(&events, 0, &e) == 0 && e.type == ZOO_CHANGED_EVENT, "no CHANGED (type %d)", e.type);
    CHECK_RC(zoo_wget_children2(zk->zh, at("n"), on_event, &events, &children, &stat), ZOK, "wget_children2");
    deallocate_String_vector(&children);
    CHECK_RC(zoo_create(zk->zh, at("n/c"), "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, NULL, 0), ZOK, "n/c");
    CHECK(next_event(&events, 0, &e) == 0 && e.type == ZOO_CHILD_EVENT, "no CHILD (type %d)", e.type);
    CHECK_RC(zoo_delete(zk->zh, at("n/c"), -1), ZOK, "delete n/c");
    /* the default watcher, through watch = 1 */
    CHECK_RC(zoo_exists(zk->zh, at("n"), 1, &stat), ZOK, "exists with the default watcher");
    CHECK_RC(zoo_delete(zk->zh, at("n"), -1), ZOK, "delete n");
    CHECK(next_event(&zk->session, ZOO_DELETED_EVENT, &e) == 0, "no DELETED to the default watcher");
    /* one-shot: the second set fired nothing; a sync orders every earlier event before its reply */
    completion_t done;
    completion_init(&done);
    CHECK_RC(zoo_async(zk->zh, root, on_string, &done), ZOK, "sync");
    CHECK(await_completion(&done) == 0 && done.rc == ZOK, "sync rc %d", done.rc);
    CHECK(pending_events(&events) == 0, "%d unexpected events", pending_events(&events));
}

static void removed_watch_never_fires(void) {
    events_t events;
    events_init(&events);
    char buffer[16];
    int length = sizeof buffer;
    CHECK_RC(zoo_create(zk->zh, at("n"), "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, NULL, 0), ZOK, "n");
    CHECK_RC(zoo_wget(zk->zh, at("n"), on_event, &events, buffer, &length, NULL), ZOK, "wget");
    /* The 3.8 C client removes the watcher without calling it (no NOTWATCHING event, unlike Java's). */
    CHECK_RC(zoo_remove_watches(zk->zh, at("n"), ZWATCHTYPE_DATA, on_event, &events, 0), ZOK, "remove");
    CHECK_RC(zoo_set(zk->zh, at("n"), "x", 1, -1), ZOK, "set");
    CHECK_RC(zoo_remove_watches(zk->zh, at("n"), ZWATCHTYPE_CHILD, on_event, &events, 0), ZNOWATCHER,
             "remove a child watch never set");
    completion_t done;
    completion_init(&done);
    CHECK_RC(zoo_async(zk->zh, root, on_string, &done), ZOK, "sync");
    CHECK(await_completion(&done) == 0, "sync");
    CHECK(pending_events(&events) == 0, "an event after the watch was removed");
}

static void multi_commits_all_or_nothing(void) {
    char created[512];
    struct Stat stat;
    zoo_op_t ops[4];
    zoo_op_result_t results[4];
    CHECK_RC(zoo_create(zk->zh, at("old"), "x", 1, &ZOO_OPEN_ACL_UNSAFE, 0, NULL, 0), ZOK, "old");
    zoo_check_op_init(&ops[0], at("old"), 0);
    zoo_create_op_init(&ops[1], at("new-"), "n", 1, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT_SEQUENTIAL, created,
                       sizeof created);
    zoo_set_op_init(&ops[2], at("old"), "y", 1, 0, &stat);
    zoo_delete_op_init(&ops[3], at("old"), 1);
    CHECK_RC(zoo_multi(zk->zh, 4, ops, results), ZOK, "multi");
    for (int i = 0; i < 4; i++) {
        CHECK_RC(results[i].err, ZOK, "op result");
    }
    CHECK(strcmp(created, at("new-0000000001")) == 0, "created %s", created);
    CHECK(stat.version == 1, "set's stat version %d", stat.version);
    CHECK_RC(zoo_exists(zk->zh, at("old"), 0, NULL), ZNONODE, "old deleted");

    zoo_create_op_init(&ops[0], at("a"), "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, created, sizeof created);
    zoo_check_op_init(&ops[1], at("new-0000000001"), 7);
    zoo_delete_op_init(&ops[2], at("new-0000000001"), -1);
    CHECK_RC(zoo_multi(zk->zh, 3, ops, results), ZBADVERSION, "failing multi");
    CHECK(results[0].err == ZOK && results[1].err == ZBADVERSION && results[2].err == ZRUNTIMEINCONSISTENCY,
          "results %d %d %d", results[0].err, results[1].err, results[2].err);
    CHECK_RC(zoo_exists(zk->zh, at("a"), 0, NULL), ZNONODE, "nothing created");
}

static void sync_completes_with_the_path(void) {
    completion_t done;
    completion_init(&done);
    CHECK_RC(zoo_async(zk->zh, root, on_string, &done), ZOK, "sync");
    CHECK(await_completion(&done) == 0, "no sync reply within %d ms", WAIT_MS);
    CHECK_RC(done.rc, ZOK, "sync reply");
    CHECK(strcmp(done.value, root) == 0, "sync answered %s", done.value);
}

static int add_auth(client_t *c, const char *scheme, const char *credential) {
    completion_t done;
    completion_init(&done);
    int rc = zoo_add_auth(c->zh, scheme, credential, (int) strlen(credential), on_void, &done);
    if (rc != ZOK) {
        return rc;
    }
    return await_completion(&done) == 0 ? done.rc : ZOPERATIONTIMEOUT;
}

static void creator_all_acl_after_digest_auth(void) {
    CHECK_RC(zoo_create(zk->zh, at("n"), "", 0, &ZOO_CREATOR_ALL_ACL, 0, NULL, 0), ZINVALIDACL, "auth without auth");
    CHECK_RC(add_auth(zk, "digest", "bob:pw"), ZOK, "add_auth");
    CHECK_RC(zoo_create(zk->zh, at("n"), "secret", 6, &ZOO_CREATOR_ALL_ACL, 0, NULL, 0), ZOK, "create");
    struct ACL_vector acl;
    struct Stat stat;
    CHECK_RC(zoo_get_acl(zk->zh, at("n"), &acl, &stat), ZOK, "get_acl");
    CHECK(acl.count == 1 && strcmp(acl.data[0].id.scheme, "digest") == 0 &&
          strcmp(acl.data[0].id.id, "bob:ikIaKsbtGweaHnb/jKn7OHqbunM=") == 0 && acl.data[0].perms == ZOO_PERM_ALL,
          "acl %s:%s", acl.count ? acl.data[0].id.scheme : "-", acl.count ? acl.data[0].id.id : "-");
    deallocate_ACL_vector(&acl);
    client_t *anonymous = open_client(NULL, NULL, 0);
    CHECK(anonymous != NULL, "second client");
    CHECK_RC(sync_client(anonymous, root), ZOK, "sync of the second client");
    char buffer[16];
    int length = sizeof buffer;
    CHECK_RC(zoo_get(anonymous->zh, at("n"), 0, buffer, &length, NULL), ZNOAUTH, "anonymous get");
    CHECK_RC(add_auth(anonymous, "digest", "bob:pw"), ZOK, "add_auth");
    CHECK_RC(zoo_get(anonymous->zh, at("n"), 0, buffer, &length, NULL), ZOK, "get as bob");
}

static void acl_schemes_world_digest_ip_and_super(void) {
    struct ACL read_only[] = {{ZOO_PERM_READ, {"world", "anyone"}}};
    struct ACL_vector read_only_acl = {1, read_only};
    struct ACL bob[] = {{ZOO_PERM_READ | ZOO_PERM_WRITE, {"digest", "bob:ikIaKsbtGweaHnb/jKn7OHqbunM="}}};
    struct ACL_vector bob_acl = {1, bob};
    struct ACL loopback[] = {{ZOO_PERM_ALL, {"ip", "127.0.0.0/8"}}};
    struct ACL_vector loopback_acl = {1, loopback};
    struct ACL elsewhere[] = {{ZOO_PERM_ALL, {"ip", "10.1.2.3"}}};
    struct ACL_vector elsewhere_acl = {1, elsewhere};
    struct ACL bad[] = {{ZOO_PERM_ALL, {"digest", "no-password"}}};
    struct ACL_vector bad_acl = {1, bad};
    char buffer[16];
    int length = sizeof buffer;

    CHECK_RC(zoo_create(zk->zh, at("ro"), "", 0, &read_only_acl, 0, NULL, 0), ZOK, "ro");
    CHECK_RC(zoo_set(zk->zh, at("ro"), "x", 1, -1), ZNOAUTH, "set on read-only");
    CHECK_RC(zoo_create(zk->zh, at("bob"), "", 0, &bob_acl, 0, NULL, 0), ZOK, "bob");
    CHECK_RC(zoo_get(zk->zh, at("bob"), 0, buffer, &length, NULL), ZNOAUTH, "get as anonymous");
    CHECK_RC(zoo_create(zk->zh, at("ip"), "", 0, &loopback_acl, 0, NULL, 0), ZOK, "ip");
    CHECK_RC(zoo_set(zk->zh, at("ip"), "x", 1, -1), ZOK, "set from loopback");
    CHECK_RC(zoo_create(zk->zh, at("far"), "", 0, &elsewhere_acl, 0, NULL, 0), ZOK, "far");
    CHECK_RC(zoo_set(zk->zh, at("far"), "x", 1, -1), ZNOAUTH, "set from elsewhere");
    CHECK_RC(zoo_create(zk->zh, at("bad"), "", 0, &bad_acl, 0, NULL, 0), ZINVALIDACL, "bad digest id");
    CHECK_RC(zoo_set_acl(zk->zh, at("ip"), 0, &loopback_acl), ZOK, "set_acl");
    CHECK_RC(zoo_set_acl(zk->zh, at("ip"), 0, &read_only_acl), ZBADVERSION, "set_acl with an old aversion");
    CHECK_RC(zoo_set_acl(zk->zh, at("ro"), -1, &loopback_acl), ZNOAUTH, "set_acl without ADMIN");
    client_t *root_user = open_client(NULL, NULL, 0);
    CHECK(root_user != NULL, "super client");
    CHECK_RC(add_auth(root_user, "digest", "super:test"), ZOK, "add_auth super");
    CHECK_RC(zoo_set(root_user->zh, at("far"), "x", 1, -1), ZOK, "super passes every ACL");
}

static void unknown_auth_scheme_fails_the_session(void) {
    client_t *c = open_client(NULL, NULL, 0);
    CHECK(c != NULL, "client");
    CHECK_RC(add_auth(c, "nosuchscheme", "x"), ZAUTHFAILED, "add_auth");
    CHECK(next_session_state(&c->session, ZOO_AUTH_FAILED_STATE) == 0, "no AUTH_FAILED session event");
    CHECK(zoo_state(c->zh) == ZOO_AUTH_FAILED_STATE, "state %d", zoo_state(c->zh));
}

static void session_expiry_is_reported_and_removes_ephemerals(void) {
    /* The victim reaches the server through the driver's proxy, which is cut for longer than the
     * session timeout, as a partition would: the server expires the session, and the client learns it
     * when it gets through again. */
    char proxy[128];
    CHECK(control("proxy", proxy, sizeof proxy) == 0 && proxy[0], "the driver started no proxy");
    client_t *victim = open_client(proxy, NULL, 0);
    CHECK(victim != NULL, "victim through %s", proxy);
    CHECK_RC(zoo_create(victim->zh, at("e"), "", 0, &ZOO_OPEN_ACL_UNSAFE, ZOO_EPHEMERAL, NULL, 0), ZOK, "e");
    CHECK(control("cut", NULL, 0) == 0, "the driver did not cut the proxy");
    CHECK(next_session_state(&victim->session, ZOO_CONNECTING_STATE) == 0, "no CONNECTING once cut off");
    CHECK(await_gone(at("e")) == 0, "the ephemeral outlived its session's timeout by %d ms", WAIT_MS);
    CHECK(control("restore", NULL, 0) == 0, "the driver did not restore the proxy");
    CHECK(next_session_state(&victim->session, ZOO_EXPIRED_SESSION_STATE) == 0, "no EXPIRED_SESSION event");
    CHECK_RC(zoo_exists(victim->zh, at("e"), 0, NULL), ZINVALIDSTATE, "a call on an expired handle");
}

static void reply_cut_off_is_connection_loss_and_the_write_was_applied(void) {
    /* Protocol robustness (issue 13, item 4): the connection closes after the request reached the server
     * and before its reply came back. The C client fails the call with ZCONNECTIONLOSS and resumes the
     * session; the server applied the create. */
    char proxy[128];
    CHECK(control("proxy", proxy, sizeof proxy) == 0 && proxy[0], "the driver started no proxy");
    client_t *c = open_client(proxy, NULL, 0);
    CHECK(c != NULL, "client through %s", proxy);
    int64_t session = zoo_client_id(c->zh)->client_id;
    CHECK(control("cut-at-next-reply", NULL, 0) == 0, "the driver did not arm the cut");
    CHECK_RC(zoo_create(c->zh, at("written"), "x", 1, &ZOO_OPEN_ACL_UNSAFE, 0, NULL, 0), ZCONNECTIONLOSS,
             "create whose reply was cut off");
    CHECK(next_session_state(&c->session, ZOO_CONNECTED_STATE) == 0, "no CONNECTED after the cut");
    CHECK(zoo_client_id(c->zh)->client_id == session, "another session after the cut");
    char buffer[8];
    int length = sizeof buffer;
    CHECK_RC(zoo_get(c->zh, at("written"), 0, buffer, &length, NULL), ZOK, "the create the server applied");
    CHECK(length == 1 && buffer[0] == 'x', "data of length %d", length);
}

/* A value just under the servers' default jute.maxbuffer (0xfffff bytes), so that both accept the create. */
#define BIG_BYTES 1000000
static char big_written[BIG_BYTES];
static char big_read[BIG_BYTES];

static void reply_of_a_million_bytes_comes_back_whole_and_a_short_buffer_cuts_it(void) {
    /* Protocol robustness (issue 13, item 4): a large reply. The C client has no maximum reply size of its
     * own: recv_buffer allocates whatever length a frame announces. Its only bound is the caller's buffer,
     * and a value longer than that comes back cut to it, with ZOK and the whole length in the Stat
     * (process_sync_completion, COMPLETION_DATA); the session goes on. */
    for (int i = 0; i < BIG_BYTES; i++) {
        big_written[i] = (char) ((i * 31 + 7) % 251);
    }
    CHECK_RC(zoo_create(zk->zh, at("big"), big_written, BIG_BYTES, &ZOO_OPEN_ACL_UNSAFE, 0, NULL, 0), ZOK,
             "create of 1,000,000 bytes");
    struct Stat stat;
    int length = BIG_BYTES;
    memset(big_read, 0, sizeof big_read);
    CHECK_RC(zoo_get(zk->zh, at("big"), 0, big_read, &length, &stat), ZOK, "get of 1,000,000 bytes");
    CHECK(length == BIG_BYTES && stat.dataLength == BIG_BYTES, "read %d bytes, dataLength %d", length, stat.dataLength);
    CHECK(memcmp(big_read, big_written, BIG_BYTES) == 0, "the bytes read differ from those written");
    length = 1000;
    memset(big_read, 0, sizeof big_read);
    CHECK_RC(zoo_get(zk->zh, at("big"), 0, big_read, &length, &stat), ZOK, "get into a buffer of 1,000 bytes");
    CHECK(length == 1000 && stat.dataLength == BIG_BYTES, "read %d bytes, dataLength %d", length, stat.dataLength);
    CHECK(memcmp(big_read, big_written, 1000) == 0 && big_read[1000] == 0, "not the first 1,000 bytes, or more");
    CHECK(zoo_state(zk->zh) == ZOO_CONNECTED_STATE, "state %d after the large replies", zoo_state(zk->zh));
    CHECK_RC(zoo_exists(zk->zh, at("big"), 0, &stat), ZOK, "exists after the large replies");
}

static void restart_keeps_the_session_and_reregisters_watches(void) {
    struct Stat stat;
    events_t events;
    events_init(&events);
    char buffer[16];
    int length = sizeof buffer;
    int64_t session = zoo_client_id(zk->zh)->client_id;
    CHECK_RC(zoo_create(zk->zh, at("e"), "", 0, &ZOO_OPEN_ACL_UNSAFE, ZOO_EPHEMERAL, NULL, 0), ZOK, "e");
    CHECK_RC(zoo_wget(zk->zh, at("e"), on_event, &events, buffer, &length, NULL), ZOK, "wget");
    CHECK_RC(zoo_wexists(zk->zh, at("later"), on_event, &events, NULL), ZNONODE, "wexists");
    CHECK(control("restart", NULL, 0) == 0, "the driver did not restart the server");
    CHECK(next_session_state(&zk->session, ZOO_CONNECTING_STATE) == 0, "no CONNECTING after the restart");
    CHECK(next_session_state(&zk->session, ZOO_CONNECTED_STATE) == 0, "no CONNECTED after the restart");
    CHECK(zoo_client_id(zk->zh)->client_id == session, "another session after the restart");
    CHECK_RC(zoo_exists(zk->zh, at("e"), 0, &stat), ZOK, "the ephemeral after the restart");
    CHECK(stat.ephemeralOwner == session, "owner %llx", (long long) stat.ephemeralOwner);
    /* The C client sends its watches again (SetWatches) on reconnecting: both fire. */
    client_t *other = open_client(NULL, NULL, 0);
    CHECK(other != NULL, "other");
    CHECK_RC(zoo_set(other->zh, at("e"), "x", 1, -1), ZOK, "set");
    CHECK_RC(zoo_create(other->zh, at("later"), "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, NULL, 0), ZOK, "later");
    event_t e = {0};
    CHECK(next_event(&events, ZOO_CHANGED_EVENT, &e) == 0, "no CHANGED for the data watch set before the restart");
    CHECK(next_event(&events, ZOO_CREATED_EVENT, &e) == 0, "no CREATED for the exists watch set before the restart");
}

/*
 * ZooKeeper's static configuration text: empty on a standalone server; on an ensemble one
 * "server.N=host:quorum:election:participant" line per member (the connect string names them all) and
 * "version=0" last.
 */
static void get_config_names_every_member(void) {
    char buffer[4096];
    int length = sizeof buffer - 1;
    struct Stat stat;
    CHECK_RC(zoo_getconfig(zk->zh, 0, buffer, &length, &stat), ZOK, "getconfig");
    int members = 1;
    for (const char *c = connect_string; *c; c++) {
        members += *c == ',';
    }
    if (members == 1) {
        CHECK(length <= 0, "standalone config of %d bytes", length);
        return;
    }
    CHECK(length > 0, "no config text on an ensemble of %d", members);
    buffer[length] = '\0';
    int lines = 0;
    for (const char *at = strstr(buffer, "server."); at; at = strstr(at + 1, "server.")) {
        lines++;
    }
    CHECK(lines == members, "%d server lines for %d members: %s", lines, members, buffer);
    CHECK(strstr(buffer, ":participant") != NULL, "no participant in %s", buffer);
    const char *version = strstr(buffer, "version=0");
    CHECK(version != NULL && (version[9] == '\0' || version[9] == '\n'), "no version=0 last in %s", buffer);
}

/* ---- runner ------------------------------------------------------------------------------------ */

typedef struct {
    const char *name;
    void (*run)(void);
} case_t;

#define CASE(fn) {#fn, fn}
static const case_t cases[] = {
    CASE(connect_negotiates_the_requested_timeout_and_a_session_id),
    CASE(read_only_flag_on_a_standalone_server_gives_a_read_write_session),
    CASE(chroot_paths_are_relative_to_the_root),
    CASE(create_modes_and_their_stats),
    CASE(container_and_ttl_nodes_are_removed_by_the_server),
    CASE(errors_are_reported_with_zookeepers_codes),
    CASE(get_set_exists_and_children_with_stats),
    CASE(watches_fire_once_with_their_type),
    CASE(removed_watch_never_fires),
    CASE(multi_commits_all_or_nothing),
    CASE(sync_completes_with_the_path),
    CASE(creator_all_acl_after_digest_auth),
    CASE(acl_schemes_world_digest_ip_and_super),
    CASE(unknown_auth_scheme_fails_the_session),
    CASE(session_expiry_is_reported_and_removes_ephemerals),
    CASE(reply_cut_off_is_connection_loss_and_the_write_was_applied),
    CASE(reply_of_a_million_bytes_comes_back_whole_and_a_short_buffer_cuts_it),
    CASE(restart_keeps_the_session_and_reregisters_watches),
    CASE(get_config_names_every_member),
};

int main(int argc, char **argv) {
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s HOST:PORT [CASE_NAME_PREFIX]\n", argv[0]);
        return 2;
    }
    connect_string = argv[1];
    zoo_set_debug_level(ZOO_LOG_LEVEL_WARN);
    zoo_set_log_stream(stdout);
    /* Against an ensemble, every client takes the first member it can reach rather than a random one: the
     * cases were written for one server and read what another client wrote without a sync first. */
    zoo_deterministic_conn_order(1);
    const char *prefix = argc == 3 ? argv[2] : "";
    int count = (int) (sizeof cases / sizeof cases[0]);
    printf("@@PLAN");
    for (int i = 0; i < count; i++) {
        if (strncmp(cases[i].name, prefix, strlen(prefix)) == 0) {
            printf(" %s", cases[i].name);
        }
    }
    printf("\n");
    fflush(stdout);
    int failed = 0;
    for (int i = 0; i < count; i++) {
        if (strncmp(cases[i].name, prefix, strlen(prefix)) != 0) {
            continue;
        }
        double start = now_s();
        failure[0] = 0;
        snprintf(root, sizeof root, "/c-%d-%s", (int) getpid(), cases[i].name);
        zk = open_client(NULL, NULL, 0);
        if (zk == NULL) {
            snprintf(failure, sizeof failure, "no session with %s within %d ms", connect_string, WAIT_MS);
        } else {
            int rc = zoo_create(zk->zh, root, "", 0, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT, NULL, 0);
            if (rc != ZOK) {
                snprintf(failure, sizeof failure, "create %s: %s", root, zerror(rc));
            } else {
                cases[i].run();
            }
        }
        close_clients();
        failed += failure[0] != 0;
        printf("@@RESULT %s %.3f %s %s\n", failure[0] ? "fail" : "pass", now_s() - start, cases[i].name, failure);
        fflush(stdout);
    }
    return failed ? 1 : 0;
}
