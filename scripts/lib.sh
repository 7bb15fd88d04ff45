# shellcheck shell=bash
# Shared functions for run.sh, test.sh, bench.sh and scripts/install-deps.sh. Source it; it does not run anything.

BOAI_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export BOAI_ROOT

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# MSBuild's live terminal view garbles logs that are not a terminal (CI, redirected output).
if [[ ! -t 1 ]]; then
  export MSBUILDTERMINALLOGGER=off
fi

# Azurite's well-known development account. The key is published in Azurite's and Azure's documentation
# and opens only a local emulator: it is not a secret. This is the one place the scripts spell it.
readonly AZURITE_ACCOUNT=devstoreaccount1
readonly AZURITE_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

# ---------------------------------------------------------------------------------------------------------------
# Log helpers: everything goes to stderr so stdout stays for what a caller may want to capture.

log() { printf '[%s] %s\n' "${BOAI_LOG_TAG:-boai}" "$*" >&2; }
warn() { printf '[%s] warning: %s\n' "${BOAI_LOG_TAG:-boai}" "$*" >&2; }
die() {
  printf '[%s] error: %s\n' "${BOAI_LOG_TAG:-boai}" "$*" >&2
  exit 1
}

# usage FILE: prints the comment block at the top of a script (after its #! line), which is its help.
usage() {
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$1"
}

# ---------------------------------------------------------------------------------------------------------------
# Ports

# Ports this script has promised to a child it has not started yet, so two children never get the same one.
BOAI_RESERVED_PORTS=()

# port_in_use PORT: true when something listens on PORT (any address) or this script reserved it.
port_in_use() {
  local port=$1 p
  for p in "${BOAI_RESERVED_PORTS[@]}"; do
    [[ $p == "$port" ]] && return 0
  done
  if command -v ss >/dev/null 2>&1; then
    [[ -n "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]]
  else
    tcp_open 127.0.0.1 "$port"
  fi
}

# tcp_open HOST PORT: true when a TCP connection to HOST:PORT succeeds.
tcp_open() {
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# pick_port VAR PREFERRED: sets VAR to PREFERRED, or to the next port above it that is free, and reserves it.
# (Not a $(...) function: the reservation and a failure must reach the calling shell.)
pick_port() {
  # Odd local names: VAR is set in the caller's scope, and a local of the same name would hide it.
  local _pick_candidate=$2 _pick_limit=$(($2 + 500))
  while port_in_use "$_pick_candidate"; do
    _pick_candidate=$((_pick_candidate + 1))
    ((_pick_candidate < _pick_limit)) || die "no free TCP port between $2 and $_pick_limit"
  done
  BOAI_RESERVED_PORTS+=("$_pick_candidate")
  printf -v "$1" '%s' "$_pick_candidate"
}

# ---------------------------------------------------------------------------------------------------------------
# HTTP

# http_status URL: prints the HTTP status code of a GET, or 000 when nothing answers. Plain http://host:port/path only.
http_status() {
  local url=$1
  if command -v curl >/dev/null 2>&1; then
    curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$url" || true
    return 0
  fi
  # Without curl: a bare HTTP/1.0 request over bash's /dev/tcp.
  local rest=${url#http://} hostport path host port code=000
  hostport=${rest%%/*}
  path=/${rest#*/}
  [[ $rest == */* ]] || path=/
  host=${hostport%:*}
  port=${hostport##*:}
  [[ $port == "$hostport" ]] && port=80
  (
    exec 3<>"/dev/tcp/$host/$port" || { printf '000\n'; exit 0; }
    printf 'GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n' "$path" "$hostport" >&3
    IFS=' ' read -r -t 5 _ code _ <&3 || true
    [[ $code =~ ^[0-9]{3}$ ]] || code=000
    printf '%s\n' "$code"
  ) 2>/dev/null
}

# ---------------------------------------------------------------------------------------------------------------
# Node tools

# ensure_node_tools: `npm ci` when node_modules is missing or older than package-lock.json.
ensure_node_tools() {
  local marker="$BOAI_ROOT/node_modules/.package-lock.json"
  if [[ -f $marker && ! $BOAI_ROOT/package-lock.json -nt $marker && ! $BOAI_ROOT/package.json -nt $marker ]]; then
    return 0
  fi
  command -v npm >/dev/null 2>&1 || die "npm is not installed: install Node.js 20 or later (it brings npm)"
  log "installing the pinned node tools (npm ci)"
  (cd "$BOAI_ROOT" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed"
  touch "$marker"
}

# azurite_connection_string BLOB_PORT QUEUE_PORT TABLE_PORT
azurite_connection_string() {
  local base="http://127.0.0.1"
  printf 'DefaultEndpointsProtocol=http;AccountName=%s;AccountKey=%s;BlobEndpoint=%s:%s/%s;QueueEndpoint=%s:%s/%s;TableEndpoint=%s:%s/%s;\n' \
    "$AZURITE_ACCOUNT" "$AZURITE_KEY" \
    "$base" "$1" "$AZURITE_ACCOUNT" "$base" "$2" "$AZURITE_ACCOUNT" "$base" "$3" "$AZURITE_ACCOUNT"
}

# ---------------------------------------------------------------------------------------------------------------
# Children: each runs in its own session (setsid), so a Ctrl+C in the terminal reaches only this script, which
# then stops them in order: dashboards, silos, then storage. Its whole process group is signalled, so nothing
# a child started outlives it.

BOAI_LOG_DIR="$BOAI_ROOT/.data/logs"
declare -A BOAI_CHILD_NAME=()
BOAI_CHILD_PIDS=()
BOAI_LAST_PID=

# start_child NAME WORKDIR COMMAND...: starts COMMAND in WORKDIR with output to .data/logs/NAME.log (replaced).
# Sets BOAI_LAST_PID to its pid (also its process group id).
start_child() {
  local name=$1 dir=$2
  shift 2
  local logfile="$BOAI_LOG_DIR/$name.log"
  mkdir -p "$BOAI_LOG_DIR"
  # fd 9 holds run.sh's lock; children must not keep it after run.sh is gone.
  (cd "$dir" && exec setsid "$@") >"$logfile" 2>&1 </dev/null 9>&- &
  BOAI_LAST_PID=$!
  BOAI_CHILD_NAME[$BOAI_LAST_PID]=$name
  BOAI_CHILD_PIDS+=("$BOAI_LAST_PID")
  if [[ -n ${BOAI_PID_FILE:-} ]]; then
    printf '%s %s\n' "$BOAI_LAST_PID" "$name" >>"$BOAI_PID_FILE"
  fi
}

# proc_running PID: true while PID exists and has not exited (a zombie counts as exited).
proc_running() {
  local stat state
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  state=${stat##*) }
  state=${state%% *}
  [[ $state != Z && $state != X ]]
}

# child_log_tail PID [LINES]: the last lines of a child's log, indented.
child_log_tail() {
  local name=${BOAI_CHILD_NAME[$1]:-$1}
  local logfile="$BOAI_LOG_DIR/$name.log"
  [[ -f $logfile ]] || return 0
  printf -- '----- last lines of %s -----\n' "${logfile#"$BOAI_ROOT"/}" >&2
  tail -n "${2:-40}" "$logfile" | sed 's/^/    /' >&2
}

# stop_children TIMEOUT PID...: SIGTERM to each child's process group, up to TIMEOUT seconds for all of them to
# exit, then SIGKILL for whatever is left. Reaps them and forgets them.
stop_children() {
  local timeout=$1 pid name deadline status
  shift
  (($# > 0)) || return 0
  for pid in "$@"; do
    kill -TERM -- "-$pid" 2>/dev/null || true
  done
  deadline=$((SECONDS + timeout))
  for pid in "$@"; do
    name=${BOAI_CHILD_NAME[$pid]:-$pid}
    while proc_running "$pid" && ((SECONDS < deadline)); do
      sleep 0.2
    done
    if proc_running "$pid"; then
      warn "$name did not stop within ${timeout}s: killing it"
    fi
    # Also catches anything the child left in its group; the zombie leader keeps the group id from being reused.
    kill -KILL -- "-$pid" 2>/dev/null || true
    status=0
    wait "$pid" 2>/dev/null || status=$?
    # 143: ended by the SIGTERM itself, which is how Node may leave.
    if ((status != 0 && status != 143)); then
      warn "$name stopped with status $status (see ${BOAI_LOG_DIR#"$BOAI_ROOT"/}/$name.log)"
    fi
    forget_child "$pid"
  done
}

forget_child() {
  local pid=$1 p kept=()
  for p in "${BOAI_CHILD_PIDS[@]}"; do
    [[ $p == "$pid" ]] || kept+=("$p")
  done
  BOAI_CHILD_PIDS=("${kept[@]}")
}

# wait_tcp NAME HOST PORT TIMEOUT PID: waits until HOST:PORT accepts connections; fails if PID exits first.
wait_tcp() {
  local name=$1 host=$2 port=$3 timeout=$4 pid=$5 deadline
  deadline=$((SECONDS + timeout))
  until tcp_open "$host" "$port"; do
    proc_running "$pid" || { child_log_tail "$pid"; die "$name exited while starting"; }
    ((SECONDS < deadline)) || { child_log_tail "$pid"; die "$name did not open $host:$port within ${timeout}s"; }
    sleep 0.2
  done
}

# ---------------------------------------------------------------------------------------------------------------
# Services

# start_azurite DATA_DIR BLOB_PORT QUEUE_PORT TABLE_PORT [memory]: Azurite from the pinned node_modules, persisting to
# DATA_DIR (or, with "memory", keeping its data in memory only, DATA_DIR holding nothing), listening on loopback only.
# Waits until all three services accept connections. BOAI_AZURITE_NODE_FLAGS, when set, goes to Node before Azurite's
# script: V8 flags Node refuses in NODE_OPTIONS, such as --trace-gc to log the emulator's collections
# (docs/BENCHMARKS.md, eighth round).
start_azurite() {
  local dir=$1 blob=$2 queue=$3 table=$4 persistence=(--location "$1") node_flags=()
  [[ ${5:-} == memory ]] && persistence=(--inMemoryPersistence)
  read -ra node_flags <<<"${BOAI_AZURITE_NODE_FLAGS:-}"
  mkdir -p "$dir"
  start_child azurite "$dir" node "${node_flags[@]}" "$BOAI_ROOT/node_modules/azurite/dist/src/azurite.js" \
    "${persistence[@]}" \
    --blobHost 127.0.0.1 --blobPort "$blob" \
    --queueHost 127.0.0.1 --queuePort "$queue" \
    --tableHost 127.0.0.1 --tablePort "$table" \
    --skipApiVersionCheck --disableTelemetry --silent
  local pid=$BOAI_LAST_PID port
  for port in "$blob" "$queue" "$table"; do
    wait_tcp azurite 127.0.0.1 "$port" 60 "$pid"
  done
}

