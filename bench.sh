#!/usr/bin/env bash
# Runs the benchmarks (bench/Boai.Orleans.Bench, Release); arguments go to the benchmark program.
#   ./bench.sh [benchmark options...]
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/scripts/lib.sh"
BOAI_LOG_TAG=bench

# The benchmarks start their own Azurite from node_modules.
"$BOAI_ROOT/scripts/install-deps.sh"
cd "$BOAI_ROOT"
exec dotnet run -c Release --project bench/Boai.Orleans.Bench -- "$@"
