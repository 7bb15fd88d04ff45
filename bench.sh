#!/usr/bin/env bash
# The end-to-end benchmark: builds in Release, starts its own Azurite (in memory, free ports), one
# silo and one dashboard, seeds volunteers and households with pairings through the HTTP API, and measures in one
# run: the storage floor (raw Azure Table upserts, single and 100 per transaction), the HTTP floor
# (/health/live), check-in + check-out pairs per second with their latency and durability, dashboard event latency
# with SignalR watchers at half that rate (open loop), and the silo's working set per active volunteer grain.
# Prints one JSON line on stdout; a full run also rewrites the end-to-end table in docs/BENCHMARKS.md.
#
#   ./bench.sh [--quick] [--volunteers N] [--concurrency C] [--duration S] [--watchers D]
#              [--signalr-client] [--memory-grains N] [--million] [--no-docs] [--keep] [--rebuild] [--azurite-disk]
#              [--dashboard-rate R]
#   ./bench.sh --district-scale [--quick] [--concurrency C] [--duration S] [--keep] [--rebuild] [--azurite-disk]
#
#   --quick              a smoke run of a few seconds per phase, small counts; never writes the docs
#   --volunteers N       volunteers (and households, needs, pairings) to seed (default 500; quick 48)
#   --concurrency C      closed-loop workers of the floors and the check-ins (default 32; quick 8)
#   --duration S         measured seconds per phase (default 20; quick 3), after a warm-up (3 s; quick 1)
#   --watchers D         SignalR clients watching the dashboard (default 50; quick 5), each a WebSocket reading the
#                        hub's JSON records forward only, as a browser's dashboard does; the dashboard phase starts
#                        with a warm-up (3 s; quick 1) at its rate that is not measured, as the closed-loop phases do
#   --dashboard-rate R   the dashboard phase runs at R check-ins a second instead of half the pairs phase's rate: to
#                        compare two builds at one rate (the event p99 follows the rate); such a run never meets the
#                        target and never writes the docs
#   --signalr-client     the watchers use the SignalR .NET client (HubConnection) instead: its binding of every event
#                        costs the load client far more CPU, which the service's latency then shares (docs/BENCHMARKS.md)
#   --memory-grains N    volunteer grains to activate for the memory figure (default 100000; quick 2000)
#   --million            then go on to 1,000,000 active volunteer grains (minutes more; several GiB)
#   --no-docs            do not rewrite docs/BENCHMARKS.md
#   --keep               keep the temporary directory (the hosts' logs; Azurite's data with --azurite-disk) after the run
#   --rebuild            publish the silo and dashboard again even if no source changed
#   --azurite-disk       Azurite persists to disk (as run.sh's does) instead of in memory; it then pauses every 5 s
#                        to save its whole table database, which every request waits for (docs/BENCHMARKS.md)
#   --district-scale     instead: one 越秀-size district (180,000 volunteers, 20,000 households, 1,400 teams) seeded
#                        straight into storage; its cold activation, memory, suggestions, plan, a volunteer leaving and
#                        check-ins into it beside city-wide ones. Prints a JSON line and a markdown table (for
#                        docs/BENCHMARKS.md, by hand); --quick makes it small
#
# Micro-benchmarks (BenchmarkDotNet) are separate: see docs/BENCHMARKS.md.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/scripts/lib.sh"
BOAI_LOG_TAG=bench

quick=false
district_scale=false
write_docs=true
keep=false
rebuild=false
azurite_disk=false
bench_args=()
command_line="./bench.sh"
for arg in "$@"; do command_line+=" $arg"; done

while (($# > 0)); do
  case $1 in
    --volunteers | --concurrency | --duration | --watchers | --memory-grains | --dashboard-rate)
      (($# >= 2)) || die "$1 needs a value"
      [[ $2 =~ ^[1-9][0-9]*$ ]] || die "$1 needs a positive whole number, not '$2'"
      bench_args+=("$1" "$2")
      [[ $1 == --dashboard-rate ]] && write_docs=false
      shift 2
      ;;
    --quick) quick=true && bench_args+=(--quick) && shift ;;
    --district-scale) district_scale=true && shift ;;
    --million) bench_args+=(--million) && shift ;;
    --signalr-client) bench_args+=(--signalr-client) && shift ;;
    --no-docs) write_docs=false && shift ;;
    --keep) keep=true && shift ;;
    --rebuild) rebuild=true && shift ;;
    --azurite-disk) azurite_disk=true && shift ;;
    -h | --help) usage "${BASH_SOURCE[0]}" && exit 0 ;;
    *) die "unknown option: $1 (see ./bench.sh --help)" ;;
  esac
done
$quick && write_docs=false

"$BOAI_ROOT/scripts/install-deps.sh"
cd "$BOAI_ROOT"

# The hosts are published as run.sh does, into their own folders so a running ./run.sh keeps its binaries.
build_dir="$BOAI_ROOT/.build"
source_fingerprint=$(find src Directory.Build.props Directory.Packages.props global.json package-lock.json \
  \( -name bin -o -name obj \) -prune -o -type f -printf '%p %s %T@\n' | LC_ALL=C sort | md5sum)
publish_host() {
  local name=$1 project=$2 out="$build_dir/$1"
  local stamp="$out/.boai-source-fingerprint"
  if ! $rebuild && [[ -f $stamp && $(<"$stamp") == "$source_fingerprint" ]]; then
    return 0
  fi
  log "building $name (dotnet publish -c Release)"
  dotnet publish "$BOAI_ROOT/$project" -c Release -o "$out" --nologo -v quiet </dev/null || die "building $project failed"
  printf '%s\n' "$source_fingerprint" >"$stamp"
}
publish_host bench-silo src/Silo/Boai.Orleans.Silo.csproj
publish_host bench-dashboard src/Dashboard/Boai.Orleans.Dashboard.csproj
log "building the benchmark (Release)"
dotnet build bench/Boai.Orleans.Bench -c Release --nologo -v quiet </dev/null >&2 || die "building the benchmark failed"
bench_dll="$BOAI_ROOT/bench/Boai.Orleans.Bench/bin/Release/net10.0/Boai.Orleans.Bench.dll"

work_dir=$(mktemp -d "${TMPDIR:-/tmp}/boai-bench.XXXXXX")
BOAI_LOG_DIR="$work_dir/logs"
status=1
shutdown() {
  local pid dashboards=() silos=() storage=()
  trap '' INT TERM HUP
  for pid in "${BOAI_CHILD_PIDS[@]}"; do
    case ${BOAI_CHILD_NAME[$pid]} in
      dashboard) dashboards+=("$pid") ;;
      silo) silos+=("$pid") ;;
      *) storage+=("$pid") ;;
    esac
  done
  stop_children 20 "${dashboards[@]}"
  stop_children 20 "${silos[@]}"
  stop_children 20 "${storage[@]}"
  if $keep || ((status != 0)); then
    log "kept $work_dir (Azurite data and the hosts' logs)"
  else
    rm -rf "$work_dir"
  fi
}
trap shutdown EXIT
trap 'exit 130' INT TERM HUP

azurite_blob='' azurite_queue='' azurite_table='' silo_port='' gateway_port='' dashboard_port=''
pick_port azurite_blob 20010
pick_port azurite_queue 20011
pick_port azurite_table 20012
pick_port silo_port 21111
pick_port gateway_port 31000
pick_port dashboard_port 25000
azurite_version=$(node -p "require('$BOAI_ROOT/node_modules/azurite/package.json').version")

# In memory by default: Azurite on disk stops its one thread every 5 s to write its whole table database as one JSON
# file (LokiJS autosave), seconds once the floors and seeds have written ~100 MB, and every request waits meanwhile —
# a pause of the emulator that Azure Table storage does not have (docs/BENCHMARKS.md, issue 11). --azurite-disk keeps it.
azurite_persistence=memory azurite_label="$azurite_version, in memory"
$azurite_disk && azurite_persistence=disk && azurite_label="$azurite_version, on disk"
log "starting Azurite $azurite_version on 127.0.0.1:$azurite_table ($($azurite_disk && echo "data in $work_dir/azurite" || echo "in memory"))"
start_azurite "$work_dir/azurite" "$azurite_blob" "$azurite_queue" "$azurite_table" "$azurite_persistence"
storage_connection=$(azurite_connection_string "$azurite_blob" "$azurite_queue" "$azurite_table")
# The key goes to the dashboard in a file (owner-only), never on a command line where any local user could read it.
signing_key_file="$work_dir/signing-key"
(umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$signing_key_file")
common_env=(
  DOTNET_ENVIRONMENT=Demo
  ASPNETCORE_ENVIRONMENT=Demo
  "Storage__ConnectionString=$storage_connection"
  Cluster__Mode=Localhost
  "Cluster__GatewayPort=$gateway_port"
)

log "starting the silo (gateway port $gateway_port)"
# No silo metrics endpoint: its fixed port may be taken by a ./run.sh on the same machine, and the run reads none.
start_child silo "$build_dir/bench-silo" env "${common_env[@]}" "Cluster__SiloPort=$silo_port" SiloMetrics__Port=0 dotnet Boai.Orleans.Silo.dll
silo_pid=$BOAI_LAST_PID
wait_tcp silo 127.0.0.1 "$gateway_port" 120 "$silo_pid"

# Dev tokens stand in for the phones' sign-in; the per-user rate limits (every route, and the visit routes) are raised
# so that they do not cap the run (it guards against one phone flooding the service, which is not what is measured).
log "starting the dashboard on http://127.0.0.1:$dashboard_port"
start_child dashboard "$build_dir/bench-dashboard" env "${common_env[@]}" \
  "ASPNETCORE_URLS=http://127.0.0.1:$dashboard_port" Auth__DevTokens=true "Auth__SigningKeyFile=$signing_key_file" \
  RateLimits__Visits__TokenLimit=1000000 RateLimits__Visits__TokensPerPeriod=1000000 \
  RateLimits__PerUser__TokenLimit=1000000 RateLimits__PerUser__TokensPerPeriod=1000000 \
  dotnet Boai.Orleans.Dashboard.dll
dashboard_pid=$BOAI_LAST_PID
deadline=$((SECONDS + 120))
until [[ $(http_status "http://127.0.0.1:$dashboard_port/health/ready") == 200 ]]; do
  proc_running "$dashboard_pid" || { child_log_tail "$dashboard_pid"; die "the dashboard exited while starting"; }
  ((SECONDS < deadline)) || { child_log_tail "$dashboard_pid"; die "the dashboard was not ready within 120 s"; }
  sleep 0.5
done

if $district_scale; then
  status=0
  dotnet "$bench_dll" district-scale "${bench_args[@]}" \
    --dashboard-url "http://127.0.0.1:$dashboard_port" --storage "$storage_connection" --gateway-port "$gateway_port" \
    --silo-pid "$silo_pid" --azurite-version "$azurite_label" --command "$command_line" || status=$?
  ((status == 0)) || { child_log_tail "$silo_pid" 20; child_log_tail "$dashboard_pid" 20; }
  exit "$status"
fi

run_args=(
  e2e "${bench_args[@]}"
  --dashboard-url "http://127.0.0.1:$dashboard_port"
  --storage "$storage_connection"
  --gateway-port "$gateway_port"
  --silo-pid "$silo_pid"
  --silo-runtimeconfig "$build_dir/bench-silo/Boai.Orleans.Silo.runtimeconfig.json"
  --azurite-version "$azurite_label"
  --command "$command_line"
)
$write_docs && run_args+=(--docs "$BOAI_ROOT/docs/BENCHMARKS.md")
status=0
dotnet "$bench_dll" "${run_args[@]}" || status=$?
if ((status != 0)); then
  child_log_tail "$silo_pid" 20
  child_log_tail "$dashboard_pid" 20
fi
exit "$status"
