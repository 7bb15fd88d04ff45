#!/usr/bin/env bash
# Starts the whole service on this machine with demo data: Azurite, the silo(s), the dashboard(s).
#
#   ./run.sh [--port N] [--silos N] [--dashboards M] [--cluster] [--simulate] [--foreground-logs] [--rebuild]
#
#   --port N           first dashboard's port (default 5000, or BOAI_PORT); dashboard j listens on N+j
#   --silos N          number of silos (default 1)
#   --dashboards M     number of dashboards (default 1)
#   --cluster          membership in Azure Table storage even with one silo (more than one silo or dashboard implies it)
#   --simulate         the first dashboard plays volunteers checking in and out, so the demo moves
#   --foreground-logs  also print every host's log here (they always go to .data/logs/<name>.log)
#   --rebuild          publish the hosts again even when no source changed
#
# Data lives under .data/ (Azurite, the dev signing key) and survives a restart. Ctrl+C or SIGTERM stops
# every process this script started. Environment: BOAI_PORT, BOAI_READY_TIMEOUT (s, default 120),
# BOAI_STOP_TIMEOUT (s per tier, default 40).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/scripts/lib.sh"
BOAI_LOG_TAG=run

silos=1
dashboards=1
clustered=false
simulate=false
foreground_logs=false
rebuild=false
base_port=${BOAI_PORT:-}
ready_timeout=${BOAI_READY_TIMEOUT:-120}
stop_timeout=${BOAI_STOP_TIMEOUT:-40}

while (($# > 0)); do
  case $1 in
    --port | --silos | --dashboards)
      (($# >= 2)) || die "$1 needs a value"
      case $1 in
        --port) base_port=$2 ;;
        --silos) silos=$2 ;;
        --dashboards) dashboards=$2 ;;
      esac
      shift 2
      ;;
    --port=*) base_port=${1#*=} && shift ;;
    --silos=*) silos=${1#*=} && shift ;;
    --dashboards=*) dashboards=${1#*=} && shift ;;
    --cluster) clustered=true && shift ;;
    --simulate) simulate=true && shift ;;
    --foreground-logs) foreground_logs=true && shift ;;
    --rebuild) rebuild=true && shift ;;
    -h | --help) usage "${BASH_SOURCE[0]}" && exit 0 ;;
    *) die "unknown option: $1 (see ./run.sh --help)" ;;
  esac
done

is_count() { [[ $1 =~ ^[1-9][0-9]*$ ]]; }
is_count "$silos" || die "--silos must be a positive number, not '$silos'"
is_count "$dashboards" || die "--dashboards must be a positive number, not '$dashboards'"
is_count "$ready_timeout" || die "BOAI_READY_TIMEOUT must be a positive number of seconds"
is_count "$stop_timeout" || die "BOAI_STOP_TIMEOUT must be a positive number of seconds"
port_explicit=false
if [[ -n $base_port ]]; then
  if ! [[ $base_port =~ ^[0-9]+$ ]] || ((base_port == 0 || base_port + dashboards > 65536)); then
    die "the dashboard port must be a TCP port number, not '$base_port'"
  fi
  port_explicit=true
else
  base_port=5000
fi
if ((silos > 1 || dashboards > 1)); then
  clustered=true
fi

data_dir="$BOAI_ROOT/.data"
build_dir="$BOAI_ROOT/.build"
mkdir -p "$data_dir" "$BOAI_LOG_DIR"

# One run.sh per checkout: two would share .data/azurite.
exec 9>"$data_dir/run.lock"
flock -n 9 || die "another ./run.sh is already running in this checkout (stop it first)"

# A run.sh that was killed outright (SIGKILL) could not stop its children; stop them now. Only processes whose
# working directory is inside this checkout are touched, so a recycled pid is never hit.
BOAI_PID_FILE="$data_dir/run.pids"
stop_stale_children() {
  [[ -f $BOAI_PID_FILE ]] || return 0
  local lines=() i pid name cwd deadline
  mapfile -t lines <"$BOAI_PID_FILE"
  # Newest first: dashboards, then silos, then storage, as a normal stop does.
  for ((i = ${#lines[@]} - 1; i >= 0; i--)); do
    read -r pid name <<<"${lines[i]}"
    [[ $pid =~ ^[0-9]+$ ]] || continue
    cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null) || continue
    [[ $cwd == "$BOAI_ROOT" || $cwd == "$BOAI_ROOT"/* ]] || continue
    warn "stopping $name (pid $pid) left over from an earlier run"
    kill -TERM -- "-$pid" 2>/dev/null || true
    deadline=$((SECONDS + stop_timeout))
    while [[ -d /proc/$pid ]] && ((SECONDS < deadline)); do sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  : >"$BOAI_PID_FILE"
}
stop_stale_children

"$BOAI_ROOT/scripts/install-deps.sh"

# What the hosts are built from: a change, addition or removal here means publishing again.
source_fingerprint=$(cd "$BOAI_ROOT" && find src Directory.Build.props Directory.Packages.props global.json package-lock.json \
  \( -name bin -o -name obj \) -prune -o -type f -printf '%p %s %T@\n' | LC_ALL=C sort | md5sum)

# publish_host NAME PROJECT: `dotnet publish -c Release` into .build/NAME, skipped when its sources are unchanged.
publish_host() {
  local name=$1 project=$2 out="$build_dir/$1"
  local stamp="$out/.boai-source-fingerprint"
  if ! $rebuild && [[ -f $stamp && $(<"$stamp") == "$source_fingerprint" ]]; then
    return 0
  fi
  log "building $name (dotnet publish -c Release; the first time takes a minute or two)"
  dotnet publish "$BOAI_ROOT/$project" -c Release -o "$out" --nologo -v quiet </dev/null ||
    die "building $project failed"
  printf '%s\n' "$source_fingerprint" >"$stamp"
}
publish_host silo src/Silo/Boai.Orleans.Silo.csproj
publish_host dashboard src/Dashboard/Boai.Orleans.Dashboard.csproj

# The dashboards sign dev tokens with this key; kept across runs so tokens survive a restart and every
# dashboard accepts every other's tokens.
key_file="$data_dir/dev-signing-key"
if [[ ! -s $key_file ]] || ! grep -qxE '[0-9a-f]{64}' "$key_file"; then
  (umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$key_file")
fi
chmod 600 "$key_file"

# The silos' and dashboards' Orleans ports take only peers holding this cluster certificate (mutual TLS). A
# development certificate, made here on first run and never part of the repository.
tls_dir="$data_dir/cluster-tls"
if [[ ! -s $tls_dir/cluster.crt || ! -s $tls_dir/cluster.key ]] ||
  ! openssl x509 -checkend 86400 -noout -in "$tls_dir/cluster.crt" >/dev/null 2>&1; then
  (umask 077 && mkdir -p "$tls_dir" &&
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 365 -subj /CN=boai-cluster \
      -keyout "$tls_dir/cluster.key" -out "$tls_dir/cluster.crt" >/dev/null 2>&1) ||
    die "making the development cluster certificate failed (is openssl installed?)"
fi

# Ports: the usual ones unless something here already listens on them.
azurite_blob='' azurite_queue='' azurite_table='' port=''
pick_port azurite_blob 10000
pick_port azurite_queue 10001
pick_port azurite_table 10002
silo_ports=()
gateway_ports=()
metrics_ports=()
for ((i = 0; i < silos; i++)); do
  pick_port port $((11111 + i)) && silo_ports+=("$port")
  pick_port port $((30000 + i)) && gateway_ports+=("$port")
  pick_port port $((9464 + i)) && metrics_ports+=("$port")
done
dashboard_ports=()
for ((j = 0; j < dashboards; j++)); do
  wanted=$((base_port + j))
  if port_in_use "$wanted"; then
    $port_explicit && die "port $wanted is in use: choose another with --port or BOAI_PORT"
  fi
  pick_port port "$wanted"
  [[ $port == "$wanted" ]] || warn "port $wanted is in use: dashboard $((j + 1)) listens on $port instead"
  dashboard_ports+=("$port")
done

tail_pid=
shutting_down=false
shutdown() {
  $shutting_down && return 0
  shutting_down=true
  # A second Ctrl+C must not cut the orderly stop short; the timeouts bound it.
  trap '' INT TERM HUP
  local dashboard_pids=() silo_pids=() storage_pids=() pid
  for pid in "${BOAI_CHILD_PIDS[@]}"; do
    case ${BOAI_CHILD_NAME[$pid]} in
      dashboard-*) dashboard_pids+=("$pid") ;;
      silo-*) silo_pids+=("$pid") ;;
      *) storage_pids+=("$pid") ;;
    esac
  done
  ((${#BOAI_CHILD_PIDS[@]} == 0)) || log "stopping ${#BOAI_CHILD_PIDS[@]} processes"
  # Dashboards first (they are the silos' clients), silos next (they write state on the way out), storage last.
  stop_children "$stop_timeout" "${dashboard_pids[@]}"
  stop_children "$stop_timeout" "${silo_pids[@]}"
  stop_children "$stop_timeout" "${storage_pids[@]}"
  if [[ -n $tail_pid ]]; then
    kill "$tail_pid" 2>/dev/null || true
    wait "$tail_pid" 2>/dev/null || true
  fi
  : >"$BOAI_PID_FILE"
}
on_signal() {
  log "$1 received"
  shutdown
  log "stopped"
  exit 0
}
trap shutdown EXIT
trap 'on_signal SIGINT' INT
trap 'on_signal SIGTERM' TERM
trap 'on_signal SIGHUP' HUP

: >"$BOAI_PID_FILE"
# This run's logs start empty; the previous run's stay beside them as <name>.prev.log.
for f in "$BOAI_LOG_DIR"/*.log; do
  if [[ -f $f && $f != *.prev.log ]]; then
    mv -f "$f" "${f%.log}.prev.log"
  fi
done
if $foreground_logs; then
  log_files=("$BOAI_LOG_DIR/azurite.log")
  for ((i = 1; i <= silos; i++)); do log_files+=("$BOAI_LOG_DIR/silo-$i.log"); done
  for ((j = 1; j <= dashboards; j++)); do log_files+=("$BOAI_LOG_DIR/dashboard-$j.log"); done
  # -F waits for the logs of hosts not started yet; --pid ends it with this script even when that is killed outright.
  tail --pid=$$ -n +1 -F "${log_files[@]}" 2>/dev/null 9>&- &
  tail_pid=$!
fi
log "starting Azurite on 127.0.0.1:$azurite_blob/$azurite_queue/$azurite_table (data in .data/azurite)"
start_azurite "$data_dir/azurite" "$azurite_blob" "$azurite_queue" "$azurite_table"
storage_connection=$(azurite_connection_string "$azurite_blob" "$azurite_queue" "$azurite_table")

common_env=(
  DOTNET_ENVIRONMENT=Demo
  ASPNETCORE_ENVIRONMENT=Demo
  "Storage__ConnectionString=$storage_connection"
  Cluster__ClusterId=boai
  Cluster__ServiceId=boai
  "Cluster__Tls__CertificatePath=$tls_dir/cluster.crt"
  "Cluster__Tls__KeyPath=$tls_dir/cluster.key"
)
if $clustered; then
  # Membership and reminders in the same Azurite as everything else: nothing more to start.
  common_env+=(Cluster__Mode=AzureStorage)
else
  common_env+=(Cluster__Mode=Localhost)
fi

ready_deadline=$((SECONDS + ready_timeout))
remaining() { local r=$((ready_deadline - SECONDS)); echo $((r > 0 ? r : 1)); }

silo_pids=()
for ((i = 0; i < silos; i++)); do
  name="silo-$((i + 1))"
  log "starting $name (silo port ${silo_ports[i]}, gateway port ${gateway_ports[i]}, metrics on ${metrics_ports[i]})"
  start_child "$name" "$build_dir/silo" env "${common_env[@]}" \
    "Cluster__SiloPort=${silo_ports[i]}" "Cluster__GatewayPort=${gateway_ports[i]}" "SiloMetrics__Port=${metrics_ports[i]}" \
    dotnet Boai.Orleans.Silo.dll
  silo_pids+=("$BOAI_LAST_PID")
done
# A silo opens its gateway once it has joined the cluster; clients started before that fail to connect.
for ((i = 0; i < silos; i++)); do
  wait_tcp "silo-$((i + 1))" 127.0.0.1 "${gateway_ports[i]}" "$(remaining)" "${silo_pids[i]}"
done

dashboard_pids=()
for ((j = 0; j < dashboards; j++)); do
  name="dashboard-$((j + 1))"
  extra=("ASPNETCORE_URLS=http://127.0.0.1:${dashboard_ports[j]}" Auth__DevTokens=true "Auth__SigningKeyFile=$key_file")
  # Localhost clustering has no membership table: the client is told the one gateway.
  $clustered || extra+=("Cluster__GatewayPort=${gateway_ports[0]}")
  if ((j == 0)); then
    extra+=(Demo__Seed=true)
    $simulate && extra+=(Demo__Simulate=true)
  fi
  log "starting $name on http://127.0.0.1:${dashboard_ports[j]}"
  start_child "$name" "$build_dir/dashboard" env "${common_env[@]}" "${extra[@]}" dotnet Boai.Orleans.Dashboard.dll
  dashboard_pids+=("$BOAI_LAST_PID")
done

# wait_ready NAME URL PID: until URL/health/ready answers 200, within the readiness deadline.
wait_ready() {
  local name=$1 url=$2 pid=$3 path=/health/ready code next_note=$((SECONDS + 10))
  while :; do
    code=$(http_status "$url$path")
    [[ $code == 200 ]] && return 0
    proc_running "$pid" || { child_log_tail "$pid"; die "$name exited while starting"; }
    if ((SECONDS >= ready_deadline)); then
      child_log_tail "$pid"
      die "$name was not ready within ${ready_timeout}s ($url$path answered $code)"
    fi
    if ((SECONDS >= next_note)); then
      log "waiting for $name ($path answers $code)"
      next_note=$((SECONDS + 10))
    fi
    sleep 0.5
  done
}
for ((j = 0; j < dashboards; j++)); do
  wait_ready "dashboard-$((j + 1))" "http://127.0.0.1:${dashboard_ports[j]}" "${dashboard_pids[j]}"
done

url="http://127.0.0.1:${dashboard_ports[0]}"
plural() { (($1 == 1)) && echo "$1 $2" || echo "$1 $2s"; }
{
  echo
  echo "Boai.Orleans is running: $(plural "$silos" silo), $(plural "$dashboards" dashboard), $($clustered && echo "Azure Table storage" || echo Localhost) clustering."
  echo "  page            $url/"
  echo "  volunteer app   $url/volunteer/"
  echo "  API docs        $url/scalar"
  echo "  OpenAPI         $url/openapi/v1.json"
  for ((j = 1; j < dashboards; j++)); do
    echo "  dashboard $((j + 1))     http://127.0.0.1:${dashboard_ports[j]}/"
  done
  for ((i = 0; i < silos; i++)); do
    echo "  silo $((i + 1)) metrics  http://127.0.0.1:${metrics_ports[i]}/metrics (Prometheus)"
  done
  echo "  storage         Azurite 127.0.0.1:$azurite_blob/$azurite_queue/$azurite_table, data in .data/azurite"
  $clustered && echo "  clustering      membership and reminders in the same Azurite (tables BoaiClusterMembership, BoaiReminders)"
  $simulate && echo "  simulation      volunteers check in and out on their own"
  echo "  logs            .data/logs/"
  echo "Press Ctrl+C to stop."
}

# Stay until told to stop; a host that dies on its own takes the rest down with it.
while :; do
  exited=
  rc=0
  wait -n -p exited "${BOAI_CHILD_PIDS[@]}" || rc=$?
  [[ -n $exited ]] || continue
  name=${BOAI_CHILD_NAME[$exited]}
  forget_child "$exited"
  child_log_tail "$exited"
  die "$name exited on its own (status $rc); stopping the rest"
done
