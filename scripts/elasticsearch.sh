#!/usr/bin/env bash
# Local single-node Elasticsearch 8 for development and tests (plain HTTP, no auth).
#
#   scripts/elasticsearch.sh start | stop | status
#
# The node comes from services/elasticsearch (Maven, Maven Central only): Elastic's server
# build plus a small plugin for the French analysis filters and GET /. Everything it writes
# lives under ES_HOME.
#
# Environment:
#   ES_HOME        state directory: dist/, config/, data/, logs/, es.pid   (/tmp/smartcitizen-es)
#   ES_PORT        HTTP port on 127.0.0.1                                   (9200)
#   ES_DATA        data directory                                           ($ES_HOME/data)
#   ES_HEAP        JVM heap, used for -Xms and -Xmx                         (512m)
#   ES_USER        user the node runs as when this script runs as root;
#                  Elasticsearch refuses to run as root                     (nobody)
#   ES_JAVA_HOME   JDK 17+ to run it with                                   (from JAVA_HOME / java on PATH)
#   ES_MVN_ARGS    extra Maven arguments, e.g. -Dmaven.repo.local=...      (none)
#   ES_START_TIMEOUT  seconds to wait for a yellow cluster                  (180)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROJECT="$ROOT/services/elasticsearch"
ES_HOME="${ES_HOME:-/tmp/smartcitizen-es}"
ES_PORT="${ES_PORT:-9200}"
ES_DATA="${ES_DATA:-$ES_HOME/data}"
ES_HEAP="${ES_HEAP:-512m}"
ES_USER="${ES_USER:-nobody}"
ES_START_TIMEOUT="${ES_START_TIMEOUT:-180}"
CLUSTER_NAME="smartcitizen-test"
PID_FILE="$ES_HOME/es.pid"
OUT_LOG="$ES_HOME/logs/console.log"         # launcher output
SERVER_LOG="$ES_HOME/logs/$CLUSTER_NAME.log" # Elasticsearch's own log
URL="http://127.0.0.1:$ES_PORT"

log() { echo "elasticsearch.sh: $*" >&2; }

# GET $1; prints the body, fails on connection errors and HTTP >= 400.
http_get() {
    if command -v curl >/dev/null 2>&1; then
        curl -fsS --max-time "${2:-5}" "$1"
    else
        python3 - "$1" "${2:-5}" <<'PY'
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=float(sys.argv[2])) as r:
    sys.stdout.write(r.read().decode())
PY
    fi
}

# True when the node on $ES_PORT is ours-or-not but healthy (green or yellow).
healthy() {
    local body
    body="$(http_get "$URL/_cluster/health" 2>/dev/null)" || return 1
    [[ "$body" == *'"status":"green"'* || "$body" == *'"status":"yellow"'* ]]
}

running_pid() {
    [[ -f "$PID_FILE" ]] || return 1
    local pid
    pid="$(tr -dc '0-9' <"$PID_FILE")"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
    # Guard against a recycled pid: it must be an Elasticsearch JVM.
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'org.elasticsearch' || return 1
    echo "$pid"
}

java_home() {
    if [[ -n "${ES_JAVA_HOME:-}" ]]; then echo "$ES_JAVA_HOME"
    elif [[ -n "${JAVA_HOME:-}" ]]; then echo "$JAVA_HOME"
    else
        local java
        java="$(command -v java)" || { log "no java on PATH; set ES_JAVA_HOME"; return 1; }
        dirname "$(dirname "$(readlink -f "$java")")"
    fi
}

# Builds/unpacks the node with Maven when the pom or the plugin source changed (offline first).
build() {
    local stamp node_dir
    stamp="$(cat "$PROJECT/pom.xml" $(find "$PROJECT/src" -type f | sort) | sha256sum | cut -d' ' -f1)"
    node_dir="$(ls -d "$ES_HOME"/dist/elasticsearch-*/ 2>/dev/null | head -n1 || true)"
    if [[ -n "$node_dir" && -x "$node_dir/bin/elasticsearch" && "$(cat "$ES_HOME/dist/.stamp" 2>/dev/null)" == "$stamp" ]]; then
        echo "${node_dir%/}"
        return
    fi
    command -v mvn >/dev/null || { log "mvn not found (apt-get install maven)"; return 1; }
    rm -rf "$ES_HOME/dist" "$ES_HOME/build"
    mkdir -p "$ES_HOME"
    local mvn=(mvn -B -q -f "$PROJECT/pom.xml" package "-Des.home=$ES_HOME")
    # shellcheck disable=SC2086
    if ! "${mvn[@]}" -o ${ES_MVN_ARGS:-} >"$ES_HOME/maven.log" 2>&1; then
        log "building the node with Maven (downloads from Maven Central on first use)..."
        # shellcheck disable=SC2086
        "${mvn[@]}" ${ES_MVN_ARGS:-} >"$ES_HOME/maven.log" 2>&1 || {
            tail -n 50 "$ES_HOME/maven.log" >&2; log "Maven build failed (full log: $ES_HOME/maven.log)"; return 1; }
    fi
    node_dir="$(ls -d "$ES_HOME"/dist/elasticsearch-*/ | head -n1)"
    echo "$stamp" >"$ES_HOME/dist/.stamp"
    echo "${node_dir%/}"
}

write_config() {
    local node_dir="$1" conf="$ES_HOME/config"
    rm -rf "$conf"
    cp -r "$node_dir/config" "$conf"
    cat >"$conf/elasticsearch.yml" <<EOF
cluster.name: $CLUSTER_NAME
node.name: smartcitizen-es
network.host: 127.0.0.1
http.port: $ES_PORT
discovery.type: single-node
path.data: $ES_DATA
path.logs: $ES_HOME/logs
xpack.security.enabled: false
# test node: allow wildcard deletes, never go read-only on a full disk
action.destructive_requires_name: false
cluster.routing.allocation.disk.threshold_enabled: false
EOF
    # Small fixed heap (the default would be half the machine's memory); no pre-touch keeps RSS low.
    cat >"$conf/jvm.options.d/smartcitizen.options" <<EOF
-Xms$ES_HEAP
-Xmx$ES_HEAP
-XX:-AlwaysPreTouch
EOF
}

start() {
    if healthy; then
        log "already up at $URL"
        return 0
    fi
    local pid launcher=""
    if pid="$(running_pid)"; then
        log "pid $pid is running but $URL is not healthy yet; waiting"
    else
        local node_dir java
        node_dir="$(build)"
        java="$(java_home)"
        mkdir -p "$ES_HOME/logs" "$ES_DATA"
        write_config "$node_dir"
        rm -f "$PID_FILE"
        local run=()
        if [[ "$(id -u)" == 0 ]]; then
            # ES_HOME itself (not dist/) must be writable for the pid file.
            chown "$ES_USER" "$ES_HOME"
            chown -R "$ES_USER:$(id -gn "$ES_USER")" "$ES_HOME/config" "$ES_HOME/logs" "$ES_DATA"
            run=(setpriv "--reuid=$ES_USER" "--regid=$(id -g "$ES_USER")" --clear-groups
                 env "HOME=$ES_HOME")
        fi
        log "starting Elasticsearch on $URL (home $ES_HOME)"
        # -d: the launcher starts the server JVM detached, writes its pid and exits.
        (cd "$ES_HOME" && ES_JAVA_HOME="$java" ES_PATH_CONF="$ES_HOME/config" \
            exec nohup "${run[@]}" "$node_dir/bin/elasticsearch" -d -p "$PID_FILE" >"$OUT_LOG" 2>&1 </dev/null) &
        launcher=$!
    fi
    local deadline=$((SECONDS + ES_START_TIMEOUT)) failed=""
    while ((SECONDS < deadline)); do
        if http_get "$URL/_cluster/health?wait_for_status=yellow&timeout=5s" 10 >/dev/null 2>&1 && healthy; then
            log "up at $URL (pid $(running_pid || echo '?'))"
            return 0
        fi
        # The launcher exits 0 once the server is up, non-zero if it could not start it.
        if [[ -n "${launcher:-}" ]] && ! kill -0 "$launcher" 2>/dev/null; then
            wait "$launcher" || { failed="the launcher exited with status $?"; break; }
            launcher=""
        fi
        sleep 1
    done
    log "Elasticsearch did not become healthy (${failed:-timeout after ${ES_START_TIMEOUT}s}); last log lines:"
    local f
    for f in "$OUT_LOG" "$SERVER_LOG"; do
        [[ -s "$f" ]] && { echo "==> $f <==" >&2; tail -n 50 "$f" >&2; }
    done
    return 1
}

stop() {
    local pid
    if ! pid="$(running_pid)"; then
        rm -f "$PID_FILE"
        if healthy; then
            log "something answers on $URL but it was not started from $ES_HOME; not stopping it"
            return 1
        fi
        log "not running"
        return 0
    fi
    log "stopping pid $pid"
    kill -TERM "$pid"
    for _ in $(seq 1 60); do
        kill -0 "$pid" 2>/dev/null || { rm -f "$PID_FILE"; log "stopped"; return 0; }
        sleep 1
    done
    log "pid $pid still alive after 60s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$PID_FILE"
}

status() {
    local pid
    pid="$(running_pid || true)"
    if healthy; then
        echo "up: $URL pid=${pid:-unknown} $(http_get "$URL/_cluster/health")"
        return 0
    fi
    if [[ -n "$pid" ]]; then
        echo "starting or unhealthy: pid=$pid, $URL not green/yellow"
        return 1
    fi
    echo "down"
    return 3
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
