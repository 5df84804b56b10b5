#!/usr/bin/env bash
# Runs a Corral server as a service, with the verbs, environment and messages of ZooKeeper 3.9's
# bin/zkServer.sh, so that init scripts, systemd units and runbooks written for ZooKeeper keep working:
#
#   bin/corral-server.sh [--config <conf-dir>] {start|start-foreground|stop|restart|status|version|print-cmd} [conf]
#
# Where things are (zkEnv.sh's variables; a value with a "/" in it is a path, else a file name in ZOOCFGDIR):
#   ZOOCFGDIR    config directory: --config <dir>, else $ZOOCFGDIR, else conf/ next to this bin/ directory
#   ZOOCFG       config file: the [conf] argument, else $ZOOCFG, else zoo.cfg; read from ZOOCFGDIR
#   ZOO_LOG_DIR  log directory, default logs/ next to this bin/ directory; the server's output goes to
#                $ZOO_LOG_DIR/corral-$USER-server-$HOSTNAME.out
#   ZOOPIDFILE   pid file, default corral_server.pid in the config's dataDir (created if missing)
# As in zkEnv.sh, $ZOOCFGDIR/zookeeper-env.sh and $ZOOCFGDIR/java.env are sourced when present.
# JVM: JAVA_HOME, SERVER_JVMFLAGS and JVMFLAGS as in zkServer.sh (bin/corral passes them); ZK_SERVER_HEAP
# (MB), when set, becomes -Xmx. The server exits on OutOfMemoryError, as zkServer.sh's "kill -9 %p" does.
#
# Where this script differs from zkServer.sh, it is to tell the truth:
#   start   waits (at most START_WAIT_SECONDS) until the client port accepts connections, and prints
#           FAILED TO START with the end of the log if the server exits first, instead of sleeping 1 s;
#           it refuses to start when something else already listens on the client port.
#           The server's output is appended to the .out file, so a restart keeps the previous run's end.
#   stop    waits (at most STOP_WAIT_SECONDS) until the process has exited before printing STOPPED.
#   both    treat a pid file naming a process that is not a Corral server (a reused pid) as stale.
#   status  says on stderr what the server answered when it answered without a mode (srvr not in
#           4lw.commands.whitelist), instead of only "probably not running".
#   status  with only a secureClientPort (no clientPort), as zkServer.sh, says "Client SSL: true" and asks
#           srvr over TLS; zkServer.sh's FourLetterWordMain takes the client's TLS settings from CLIENT_JVMFLAGS,
#           this script's openssl s_client from CORRAL_STATUS_TLS_FLAGS (e.g. "-cert client.pem -key client.pem
#           -CAfile ca.pem"; a server with ssl.clientAuth=need, the default, wants the certificate).
# Exit status: 0 on success; 1 when the verb failed (status: no mode from the server); 2 on a usage error.
set -uo pipefail

readonly START_WAIT_SECONDS=30
readonly STOP_WAIT_SECONDS=30
readonly STATUS_WAIT_SECONDS=5
readonly POLL_SECONDS=0.2

script="$(readlink -f "${BASH_SOURCE[0]}" 2>/dev/null || echo "${BASH_SOURCE[0]}")"
bin="$(cd "$(dirname "$script")" && pwd)"
home="$(cd "$bin/.." && pwd)"
corral="$bin/corral"

usage() {
  echo "Usage: $0 [--config <conf-dir>] {start|start-foreground|stop|restart|status|version|print-cmd} [conf]" >&2
  exit 2
}

# zkEnv.sh: "--config <dir>" is taken only as the first of at least two arguments.
if [ $# -gt 1 ] && [ "$1" = "--config" ]; then
  ZOOCFGDIR="$2"
  shift 2
fi
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  usage
fi
verb="$1"
case "$verb" in
  start|start-foreground|stop|restart|status|version|print-cmd) ;;
  *) usage ;;
esac
ZOOCFGDIR="${ZOOCFGDIR:-$home/conf}"
if [ -f "$ZOOCFGDIR/zookeeper-env.sh" ]; then
  # shellcheck disable=SC1091
  . "$ZOOCFGDIR/zookeeper-env.sh"
fi
if [ -f "$ZOOCFGDIR/java.env" ]; then
  # shellcheck disable=SC1091
  . "$ZOOCFGDIR/java.env"
fi

# A config named with a "/" is a path (relative to the current directory); a bare name is in ZOOCFGDIR.
in_config_dir() {
  case "$1" in
    */*) echo "$1" ;;
    *) echo "$ZOOCFGDIR/$1" ;;
  esac
}
ZOOCFG="$(in_config_dir "${2:-${ZOOCFG:-zoo.cfg}}")"
ZOO_LOG_DIR="${ZOO_LOG_DIR:-$home/logs}"
out="$ZOO_LOG_DIR/corral-${USER:-$(id -un)}-server-${HOSTNAME:-$(uname -n)}.out"
echo "Using config: $ZOOCFG" >&2

server_flags="-XX:+ExitOnOutOfMemoryError -Dcorral.log.dir=$ZOO_LOG_DIR"
# A logback.xml beside the config (conf/logback.xml ships one) adds a rolling log file in ZOO_LOG_DIR.
if [ -f "$ZOOCFGDIR/logback.xml" ]; then
  server_flags="$server_flags -Dlogback.configurationFile=$ZOOCFGDIR/logback.xml"
fi
if [ -n "${ZK_SERVER_HEAP:-}" ]; then
  server_flags="-Xmx${ZK_SERVER_HEAP}m $server_flags"
fi
# Ours first, so that the operator's flags override them.
export SERVER_JVMFLAGS="$server_flags ${SERVER_JVMFLAGS:-}"

# The value of a key in the config, as java.util.Properties reads a line ("key=value", "key: value" or
# "key value", blanks around the value trimmed); the last occurrence wins, as in Properties. Empty if absent.
config_value() {
  local key="${1//./\\.}"
  tr -d '\r' < "$ZOOCFG" \
    | sed -n -e "s/^[[:space:]]*${key}[[:space:]]*[=:[:space:]][[:space:]]*//p" \
    | tail -n 1 | sed -e 's/[[:space:]]*$//'
}

require_config() {
  if [ ! -f "$ZOOCFG" ]; then
    echo "$0: config file $ZOOCFG not found" >&2
    exit 1
  fi
}

# dataDir as the server reads it (its default is ./data), and the pid file in it unless ZOOPIDFILE is set.
resolve_pid_file() {
  data_dir="$(config_value dataDir)"
  data_dir="${data_dir:-data}"
  if [ -n "${ZOOPIDFILE:-}" ]; then
    pid_file="$ZOOPIDFILE"
  else
    pid_file="$data_dir/corral_server.pid"
  fi
}

# Sets client_address and client_port as zkServer.sh finds them: clientPortAddress (default localhost) and
# clientPort, else the client part of this server's "server.<myid>=...;[address:]port" line.
# Returns 1, with the reason in client_error, when no client port is found.
resolve_client_endpoint() {
  client_address="$(config_value clientPortAddress)"
  client_address="${client_address:-localhost}"
  client_port="$(config_value clientPort)"
  client_error=""
  [[ "$client_port" =~ ^[0-9]+$ ]] && return 0
  local myid client
  myid="$(tr -d '[:space:]' < "$data_dir/myid" 2>/dev/null)"
  if ! [[ "$myid" =~ ^[0-9]+$ ]]; then
    client_error="no clientPort in $ZOOCFG, and no myid in $data_dir/myid to find this server's server.N line"
    return 1
  fi
  client="$(config_value "server.$myid")"
  case "$client" in
    *\;*) client="${client##*;}" ;;
    *) client_error="no clientPort in $ZOOCFG, and its server.$myid line has no client port (\";[address:]port\")"
       return 1 ;;
  esac
  if [[ "$client" =~ ^(.*):([0-9]+)$ ]]; then
    client_address="${BASH_REMATCH[1]}"
    client_address="${client_address#[}"
    client_address="${client_address%]}"
    client_port="${BASH_REMATCH[2]}"
  elif [[ "$client" =~ ^[0-9]+$ ]]; then
    client_port="$client"
  else
    client_error="the client part of server.$myid in $ZOOCFG is not [address:]port: $client"
    return 1
  fi
}

# As resolve_client_endpoint, then, as zkServer.sh status does when no client port is found anywhere, the
# secureClientPort and secureClientPortAddress (default localhost) with client_ssl=true.
resolve_any_client_endpoint() {
  client_ssl=false
  resolve_client_endpoint && return 0
  local secure
  secure="$(config_value secureClientPort)"
  [[ "$secure" =~ ^[0-9]+$ ]] || return 1
  client_ssl=true
  client_port="$secure"
  client_address="$(config_value secureClientPortAddress)"
  client_address="${client_address:-localhost}"
}

# Runs a command under a time bound where coreutils' timeout exists (it does on every Debian).
bounded() {
  local seconds="$1"
  shift
  if command -v timeout >/dev/null; then
    timeout "$seconds" "$@"
  else
    "$@"
  fi
}

# True when address:port accepts a TCP connection (bash's /dev/tcp: no nc needed).
accepts_connections() {
  # shellcheck disable=SC2016 # $1 and $2 are the inner shell's arguments
  bounded 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' accepts-connections "$1" "$2" 2>/dev/null
}

# True when address:port answers a four-letter word. A standalone server binds its plain client port before
# it reads its data and accepts only once it serves, so a port that takes a TCP connection may not serve yet;
# any answer does (a word off the whitelist is answered too).
answers() {
  [ -n "$(four_letter_word "$1" "$2" srvr)" ]
}

# Prints a four-letter word's answer; fails when no connection could be made. The server closes the
# connection after answering, which ends the read.
four_letter_word() {
  # shellcheck disable=SC2016 # $1..$3 are the inner shell's arguments
  bounded "$STATUS_WAIT_SECONDS" bash -c 'exec 3<>"/dev/tcp/$1/$2" || exit 1; printf "%s" "$3" >&3; cat <&3' \
    four-letter-word "$1" "$2" "$3" 2>/dev/null
}

# four_letter_word over TLS, with openssl s_client and the options in CORRAL_STATUS_TLS_FLAGS (-quiet waits
# for the server to close the connection after its answer).
four_letter_word_tls() {
  command -v openssl >/dev/null || return 1
  # shellcheck disable=SC2086 # the flags are words of their own
  printf '%s' "$3" | bounded "$STATUS_WAIT_SECONDS" openssl s_client -quiet -connect "$1:$2" ${CORRAL_STATUS_TLS_FLAGS:-} 2>/dev/null
}

# True when the process exists and is a Corral server. A pid file can outlive its server, and the pid be
# reused by another program: that one is not ours to refuse a start for or to kill. A zombie (no command
# line) has exited. Where the command line cannot be read, existence is enough, as in zkServer.sh.
is_server() {
  local pid="$1" args
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || [ -d "/proc/$pid" ] || return 1
  if [ -r "/proc/$pid/cmdline" ]; then
    args="$(tr '\0' ' ' < "/proc/$pid/cmdline")"
  elif command -v ps >/dev/null; then
    args="$(ps -o args= -p "$pid" 2>/dev/null)"
  else
    return 0
  fi
  case "$args" in
    *dev.corral.cli.Corral*|*bin/corral\ server*) return 0 ;;
    *) return 1 ;;
  esac
}

read_pid() {
  tr -d '[:space:]' < "$pid_file" 2>/dev/null
}

start() {
  require_config
  resolve_pid_file
  echo -n "Starting Corral ... "
  if [ -f "$pid_file" ]; then
    local running
    running="$(read_pid)"
    if is_server "$running"; then
      echo "already running as process $running."
      exit 1
    fi
    rm -f "$pid_file"
  fi
  if ! mkdir -p "$(dirname "$pid_file")" "$ZOO_LOG_DIR"; then
    echo "FAILED TO START (cannot create $(dirname "$pid_file") or $ZOO_LOG_DIR)"
    exit 1
  fi
  local endpoint_known=true
  resolve_any_client_endpoint || endpoint_known=false
  if $endpoint_known && accepts_connections "$client_address" "$client_port"; then
    echo "FAILED TO START: another process already listens on $client_address:$client_port"
    exit 1
  fi
  # Build in the foreground if sources changed (bin/corral's check), so that the background process only runs.
  if [ "${CORRAL_NO_BUILD:-0}" = 0 ] && ! "$corral" --version > /dev/null; then
    echo "FAILED TO START ($corral --version failed)"
    exit 1
  fi
  local log_offset
  log_offset="$(wc -c < "$out" 2>/dev/null || echo 0)"
  CORRAL_NO_BUILD=1 nohup "$corral" server --config "$ZOOCFG" >> "$out" 2>&1 < /dev/null &
  local pid=$!
  if ! echo "$pid" > "$pid_file"; then
    kill "$pid" 2>/dev/null
    echo "FAILED TO WRITE PID"
    exit 1
  fi
  local deadline=$((SECONDS + START_WAIT_SECONDS))
  while [ "$SECONDS" -lt "$deadline" ]; do
    # Our own child: bash reaps it when it exits, so kill -0 fails from then on.
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$pid_file"
      echo "FAILED TO START (the server exited; the end of its output in $out follows)"
      tail -c +$((log_offset + 1)) "$out" | tail -n 20 >&2
      exit 1
    fi
    if ! $endpoint_known; then
      # Without a client port there is nothing to probe: alive after a second is zkServer.sh's test.
      sleep 1
      kill -0 "$pid" 2>/dev/null && { echo STARTED; exit 0; }
      continue
    fi
    # The TLS-only port is bound once the server serves: a connection to it is enough.
    if { $client_ssl && accepts_connections "$client_address" "$client_port"; } \
        || { ! $client_ssl && answers "$client_address" "$client_port"; }; then
      echo STARTED
      exit 0
    fi
    sleep "$POLL_SECONDS"
  done
  echo STARTED
  echo "$0: process $pid is running but $client_address:$client_port did not answer" \
    "within $START_WAIT_SECONDS s; see $out" >&2
  exit 0
}

start_foreground() {
  require_config
  if [ -n "${ZOO_NOEXEC:-}" ]; then
    "$corral" server --config "$ZOOCFG"
  else
    exec "$corral" server --config "$ZOOCFG"
  fi
}

# Stops the server; returns instead of exiting so that restart can go on to start.
stop() {
  require_config
  resolve_pid_file
  echo -n "Stopping Corral ... "
  if [ ! -f "$pid_file" ]; then
    echo "no server to stop (could not find file $pid_file)"
    return 0
  fi
  local pid
  pid="$(read_pid)"
  if ! is_server "$pid"; then
    rm -f "$pid_file"
    echo "no server to stop (process ${pid:-?} named in $pid_file is not a running Corral server; removed the file)"
    return 0
  fi
  if ! kill -TERM "$pid"; then
    echo "FAILED TO STOP (could not signal process $pid)"
    return 1
  fi
  local deadline=$((SECONDS + STOP_WAIT_SECONDS))
  while is_server "$pid"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "NOT STOPPED: process $pid still runs $STOP_WAIT_SECONDS s after SIGTERM (kill -9 $pid to force)"
      return 1
    fi
    sleep "$POLL_SECONDS"
  done
  rm -f "$pid_file"
  echo STOPPED
}

status() {
  require_config
  resolve_pid_file
  if ! resolve_client_endpoint; then
    if [ -z "$(config_value secureClientPort)" ]; then
      echo "Client port not found: $client_error. Terminating."
      exit 1
    fi
    echo "Client port not found. Looking for secureClientPort in the static config."
    if ! resolve_any_client_endpoint; then
      echo "Unable to find either secure or unsecure client port in any configs. Terminating."
      exit 1
    fi
  fi
  client_ssl="${client_ssl:-false}"
  echo "Client port found: $client_port. Client address: $client_address. Client SSL: $client_ssl."
  local answer mode
  if [ "$client_ssl" = true ]; then
    answer="$(four_letter_word_tls "$client_address" "$client_port" srvr)"
  else
    answer="$(four_letter_word "$client_address" "$client_port" srvr)"
  fi
  mode="$(grep '^Mode: ' <<< "$answer")"
  if [ -z "$mode" ]; then
    if [ -n "$answer" ]; then
      echo "The server on $client_address:$client_port answered srvr without a mode: $(head -n 1 <<< "$answer")" \
        "(is srvr in 4lw.commands.whitelist?)" >&2
    fi
    if [ "$client_ssl" = true ]; then
      echo " "
      echo "Note: We used secureClientPort ($client_port) to establish connection, but we failed. The 'status'"
      echo "  command asks srvr over TLS with openssl s_client. Please make sure openssl is installed and"
      echo "  CORRAL_STATUS_TLS_FLAGS holds the client's TLS options for it! E.g.:"
      echo "  CORRAL_STATUS_TLS_FLAGS=\"-cert /tmp/client.pem -key /tmp/client.pem -CAfile /tmp/ca.pem\" $0 status"
      echo " "
    fi
    echo "Error contacting service. It is probably not running."
    exit 1
  fi
  echo "$mode"
  exit 0
}

print_cmd() {
  echo "SERVER_JVMFLAGS=\"$SERVER_JVMFLAGS\" nohup \"$corral\" server --config \"$ZOOCFG\" >> \"$out\" 2>&1 < /dev/null"
}

case "$verb" in
  start) start ;;
  start-foreground) start_foreground ;;
  stop) stop; exit $? ;;
  restart) stop || exit 1; start ;;
  status) status ;;
  version) exec "$corral" --version ;;
  print-cmd) print_cmd ;;
  *) usage ;;
esac
