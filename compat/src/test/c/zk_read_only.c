/*
 * The C client against a member in read-only mode (EnsembleReadOnlyTest): usage zk_read_only HOST:PORT.
 * Connects with ZOO_READONLY and prints one line per check, "ok NAME" or "fail NAME DETAIL"; the Java
 * test asserts every line. The C client encodes the read-only flag of its ConnectRequest itself.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <zookeeper/zookeeper.h>

#define CONNECT_WAIT_MS 15000
#define SESSION_TIMEOUT_MS 10000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int last_state;

static void on_event(zhandle_t *zh, int type, int state, const char *path, void *context) {
    (void) zh;
    (void) path;
    (void) context;
    if (type == ZOO_SESSION_EVENT) {
        pthread_mutex_lock(&lock);
        last_state = state;
        pthread_cond_broadcast(&changed);
        pthread_mutex_unlock(&lock);
    }
}

static void check(const char *name, int ok, const char *detail) {
    if (ok) {
        printf("ok %s\n", name);
    } else {
        printf("fail %s %s\n", name, detail);
    }
    fflush(stdout);
}

/* Waits for a connected state (read-only or not) and returns it, or 0 after CONNECT_WAIT_MS. */
static int await_connected(void) {
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += CONNECT_WAIT_MS / 1000;
    pthread_mutex_lock(&lock);
    while (last_state != ZOO_CONNECTED_STATE && last_state != ZOO_READONLY_STATE) {
        if (pthread_cond_timedwait(&changed, &lock, &deadline) != 0) {
            break;
        }
    }
    int state = last_state;
    pthread_mutex_unlock(&lock);
    return state == ZOO_CONNECTED_STATE || state == ZOO_READONLY_STATE ? state : 0;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s HOST:PORT\n", argv[0]);
        return 2;
    }
    zoo_set_debug_level(ZOO_LOG_LEVEL_WARN);
    zhandle_t *zh = zookeeper_init(argv[1], on_event, SESSION_TIMEOUT_MS, NULL, NULL, ZOO_READONLY);
    if (zh == NULL) {
        check("connected-read-only", 0, "zookeeper_init failed");
        return 1;
    }
    char detail[256];
    int state = await_connected();
    snprintf(detail, sizeof detail, "state %d", state);
    check("connected-read-only", state == ZOO_READONLY_STATE, detail);

    char buffer[64];
    int length = sizeof buffer;
    int rc = zoo_get(zh, "/ro", 0, buffer, &length, NULL);
    snprintf(detail, sizeof detail, "rc %d (%s), %d bytes", rc, zerror(rc), length);
    check("reads-what-the-quorum-committed", rc == ZOK && length == 9 && memcmp(buffer, "committed", 9) == 0, detail);

    rc = zoo_set(zh, "/ro", "changed", 7, -1);
    snprintf(detail, sizeof detail, "rc %d (%s)", rc, zerror(rc));
    check("a-write-is-not-read-only", rc == ZNOTREADONLY, detail);
    zookeeper_close(zh);
    return 0;
}
