#!/usr/bin/env bash
# Runs every test of the solution: installs what is missing (node tools, chromium), builds once in
# Release, runs each test project and ends with one line: "Tests: N passed, N failed[, N skipped]".
#
#   ./test.sh [dotnet test options...]     e.g. ./test.sh --filter "FullyQualifiedName~Persistence"
#
# Exits non-zero when a test fails, when dotnet test fails, or when no test ran at all. Results (.trx) are
# kept in TestResults/.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/scripts/lib.sh"
BOAI_LOG_TAG='test'

case ${1:-} in
  -h | --help)
    usage "${BASH_SOURCE[0]}"
    exit 0
    ;;
esac

"$BOAI_ROOT/scripts/install-deps.sh" --with-browser
cd "$BOAI_ROOT"

log "building Boai.Orleans.sln (Release)"
dotnet build Boai.Orleans.sln -c Release --nologo </dev/null || die "the build failed"

results="$BOAI_ROOT/TestResults"
rm -rf "$results"
mkdir -p "$results"
log "running the tests"
test_status=0
# A hung test fails its run after 10 minutes instead of using up CI's time.
dotnet test Boai.Orleans.sln -c Release --no-build --nologo \
  --results-directory "$results" --logger trx \
  --blame-hang-timeout 10m --blame-hang-dump-type none \
  "$@" </dev/null || test_status=$?

# Add up every test project's <Counters total= executed= passed= failed= error= timeout= aborted= .../>;
# a skipped test counts in total but not in executed.
read -r total passed failed skipped < <(
  find "$results" -name '*.trx' -exec grep -ho '<Counters [^>]*>' {} + 2>/dev/null |
    grep -o '[A-Za-z]*="[0-9]*"' |
    awk -F'[="]+' '{ n[$1] += $2 }
      END { print n["total"] + 0, n["passed"] + 0, n["failed"] + n["error"] + n["timeout"] + n["aborted"] + 0, n["total"] - n["executed"] }'
)

echo
summary="Tests: $passed passed, $failed failed"
((skipped == 0)) || summary+=", $skipped skipped"
echo "$summary"

if ((test_status != 0)); then
  die "dotnet test failed (exit code $test_status)"
fi
if ((failed > 0)); then
  die "$failed tests failed"
fi
if ((total == 0 || passed == 0)); then
  die "no test ran"
fi
