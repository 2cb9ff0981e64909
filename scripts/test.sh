#!/usr/bin/env bash
# Runs every test project. Installs what the tests need when it is missing, then prints one
# line "N passed, M failed" summed over all test projects. Exit code: 0 only when all pass.
set -uo pipefail
cd "$(dirname "$0")/.."

need() { command -v "$1" >/dev/null 2>&1; }

if ! need dotnet; then
  echo "dotnet (the .NET 10 SDK) is required: https://dot.net" >&2
  exit 2
fi

# moto is the EC2 emulator the integration tests start on a free loopback port.
if ! need moto_server; then
  echo "Installing moto (EC2 emulator) for the integration tests..."
  python3 -m pip install --quiet 'moto[server]==5.2.1' || pip install --quiet 'moto[server]==5.2.1' || true
fi

# The durability tests start a private PostgreSQL cluster with initdb/pg_ctl (server binaries,
# not a running service). Debian/Ubuntu put them under /usr/lib/postgresql/<version>/bin.
if ! need initdb && ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  if [ "$(id -u)" -eq 0 ] && need apt-get; then
    echo "Installing PostgreSQL server binaries for the integration tests..."
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } >/dev/null 2>&1 \
      || echo "apt-get install postgresql failed: the PostgreSQL tests will fail" >&2
  else
    echo "PostgreSQL server binaries (initdb, pg_ctl) not found: install the postgresql package" >&2
  fi
fi

# The Agents Playground test runs the real playground (npm, pinned in tests/playground) under node.
if ! need node || ! need npm; then
  if [ "$(id -u)" -eq 0 ] && need apt-get; then
    echo "Installing Node.js for the Agents Playground test..."
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; } >/dev/null 2>&1 \
      || echo "apt-get install nodejs npm failed: the Agents Playground test will fail" >&2
  else
    echo "node and npm not found: install Node.js 20+ for the Agents Playground test" >&2
  fi
fi
if need npm && [ ! -f tests/playground/node_modules/@microsoft/m365agentsplayground/cli.js ]; then
  (cd tests/playground && npm ci --no-audit --no-fund --loglevel=error) || echo "npm ci in tests/playground failed: the Agents Playground test will fail" >&2
fi

results="artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

# The full log goes to a file; the terminal gets the summary lines and every failure.
dotnet test ChatBackup.sln --configuration Release \
  --logger "trx" --logger "console;verbosity=normal" \
  --results-directory "$results" >"$results/console.log" 2>&1
status=$?
grep -E "^\s*(Failed|Skipped|Total tests|Passed:|Failed:|Test Run)|\[FAIL\]|Failed!|Passed!| error " "$results/console.log" || true

passed=0
failed=0
shopt -s nullglob
for trx in "$results"/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # A build error or a crashed test host: count it, so the run cannot look green.
  failed=1
fi

echo "${passed} passed, ${failed} failed"
if [ "$failed" -gt 0 ] && [ "$status" -eq 0 ]; then
  status=1
fi
exit "$status"
