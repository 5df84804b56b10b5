#!/usr/bin/env bash
# Corral's benchmark suite. Builds Corral and the bench with Maven when sources changed (set
# BENCH_SKIP_BUILD=1 to use what is built), then runs:
#   bench/run.sh compare [options]   Corral side by side with Apache ZooKeeper 3.9.5; writes bench/results/<time>/
#                                    (--profile quick|full|smoke, -w SPEC ..., --pairs, --duration, --xmx; see --help)
#                                    (--ensemble 3: 3-server loopback ensembles, clients spread over the members)
#   bench/run.sh failover [--rounds 5]  kills the leader of a 3-server ensemble of each, repeatedly; writes bench/results/<time>-failover/
#   bench/run.sh load --port P -w SPEC [--server-pid PID]   one load run against a server already running
#   bench/run.sh jmh [JMH options]   the JMH benchmarks of Corral's hot paths (e.g. jmh -f 1 -wi 3 -i 5 Frame)
# BENCH_JVMFLAGS are passed to the bench's own JVM (the load generators run in it).
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="$home/bench/target"

stale() {
  [ ! -f "$target/bench.classpath" ] && return 0
  [ -n "$(find "$home" -path '*/target' -prune -o -path '*/results' -prune -o \
      \( -name '*.java' -o -name 'pom.xml' -o -name '*.xml' \) -newer "$target/bench.classpath" -print 2>/dev/null | head -n 1)" ]
}
if [ "${BENCH_SKIP_BUILD:-0}" != "1" ] && stale; then
  command -v mvn >/dev/null || { echo "bench: Maven (mvn) is needed to build Corral and the bench" >&2; exit 1; }
  echo "bench: building Corral and the bench ..." >&2
  (cd "$home" && mvn -B -q -DskipTests -pl bench -am install) >&2
fi

classpath="$target/classes:$(cat "$target/bench.classpath")"
if [ "${1:-}" = "jmh" ]; then
  shift
  # shellcheck disable=SC2086 # BENCH_JVMFLAGS is a list of words
  exec java ${BENCH_JVMFLAGS:-} -Dlogback.configurationFile="$target/classes/bench-logback.xml" \
    -cp "$classpath" org.openjdk.jmh.Main "$@"
fi
# shellcheck disable=SC2086
exec java -Xmx2g ${BENCH_JVMFLAGS:-} -cp "$classpath" \
  -Dbench.corral.classpath.file="$target/corral.classpath" \
  -Dbench.zookeeper.classpath.file="$target/zookeeper.classpath" \
  -Dbench.repo.dir="$home" \
  -Dlogback.configurationFile="$target/classes/bench-logback.xml" \
  -Dbench.results.dir="$home/bench/results" \
  dev.corral.bench.Bench "$@"
