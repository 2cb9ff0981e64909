#!/usr/bin/env bash
# The ChatBackup benchmark in one command: builds what it needs, runs the load and fan-out parts,
# prints one markdown table and writes it to bench/results/latest.md. Targets are reported, not
# asserted. Everything listens on 127.0.0.1 and every load loop is bounded in time.
#
#   bench/run.sh            full run (10 s per load test, 1,000 and 10,000 operations; ~4 minutes)
#   bench/run.sh --quick    smoke check (3 s per load test, 200 and 1,000 operations)
set -euo pipefail
cd "$(dirname "$0")"
bench_dir=$(pwd)

seconds=10 warmup=1 connections=50 fanouts="1000 10000" paced=60
if [ "${1:-}" = "--quick" ]; then
  seconds=3 warmup=0.5 fanouts="200 1000" paced=20
fi

# One thread for the generators: on 2 cores the bots under test need the other one (see the
# generator CPU column: a generator near 1.0 core would be the bottleneck, not the bot).
gen_threads=1

need() { command -v "$1" >/dev/null 2>&1; }
say() { echo "bench: $*" >&2; }

if ! need wrk; then
  say "installing wrk (Debian)"
  apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; } || say "wrk unavailable: the wrk cross-check is skipped"
fi
for app in bolt botbuilder; do
  if [ ! -d "$app/node_modules" ]; then
    say "npm ci in bench/$app"
    (cd "$app" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
done

say "building (Release)"
dotnet build ChatBackup.Bench/ChatBackup.Bench.csproj -c Release -nologo -v quiet >/dev/null
bench=(dotnet "$bench_dir/ChatBackup.Bench/bin/Release/net10.0/ChatBackup.Bench.dll")

raw="$bench_dir/results/raw"
rm -rf "$raw"
mkdir -p "$raw"
secret=$(openssl rand -hex 16)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# start VAR NAME LOG COMMAND...: runs a server in the background, waits for its "ready" line and
# puts its pid in VAR (not echoed: a command substitution would lose it from the cleanup list).
start() {
  local var=$1 name=$2 log=$3
  shift 3
  "$@" >"$log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 1 200); do
    if grep -q '^ready' "$log"; then
      printf -v "$var" '%s' "$pid"
      return
    fi
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.1
  done
  say "$name did not start:"
  cat "$log" >&2
  exit 1
}

stub_port=$(free_port) cb_port=$(free_port) bolt_port=$(free_port) bb_port=$(free_port)
start stub_pid stub "$raw/stub.log" "${bench[@]}" stub --port "$stub_port"
stub="http://127.0.0.1:$stub_port"
start cb_pid chatbackup "$raw/chatbackup.log" "${bench[@]}" serve --port "$cb_port" --slack-api "$stub/api/" --secret "$secret"
# env execs node, so the pid is node's own and its CPU is what the load generator reads from /proc.
start bolt_pid bolt "$raw/bolt.log" env SLACK_SIGNING_SECRET="$secret" node bolt/app.js "$bolt_port"
start bb_pid botbuilder "$raw/botbuilder.log" node botbuilder/bot.js "$bb_port"

load() { # load SCENARIO TARGET URL PID
  say "load: $1 against $2 (${connections} connections, ${seconds} s)"
  DOTNET_PROCESSOR_COUNT=$gen_threads "${bench[@]}" load --scenario "$1" --target "$2" --url "$3" --pids "$4" \
    --secret "$secret" --service-url "$stub/teams/" --connections "$connections" --seconds "$seconds" --warmup "$warmup" \
    --out "$raw/$1.$2.json" >/dev/null
}

load slack-help chatbackup "http://127.0.0.1:$cb_port" "$cb_pid"
load slack-help bolt "http://127.0.0.1:$bolt_port" "$bolt_pid"
load slack-ami chatbackup "http://127.0.0.1:$cb_port" "$cb_pid"
load slack-ami bolt "http://127.0.0.1:$bolt_port" "$bolt_pid"
load teams chatbackup "http://127.0.0.1:$cb_port" "$cb_pid"
load teams botbuilder "http://127.0.0.1:$bb_port" "$bb_pid"

if need wrk; then
  # wrk cannot sign per request, so it sends one body signed now (Slack allows 5 minutes): fine
  # for `help`, which records nothing; an `ami` body would be a duplicate after its first request.
  ts=$(date +%s)
  body='token=deprecated&team_id=T0123TEAM&team_domain=example&channel_id=C0123OPS&channel_name=ops&user_id=U0123ALICE&user_name=alice&command=%2Fbackup&text=help&api_app_id=A0123&trigger_id=1.2.wrk'
  sig=$(printf 'v0:%s:%s' "$ts" "$body" | openssl dgst -sha256 -hmac "$secret" | awk '{print $NF}')
  cat >"$raw/help.lua" <<LUA
wrk.method = "POST"
wrk.body = "$body"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["X-Slack-Request-Timestamp"] = "$ts"
wrk.headers["X-Slack-Signature"] = "v0=$sig"
LUA
  for target in chatbackup:$cb_port bolt:$bolt_port; do
    say "wrk: help against ${target%%:*}"
    wrk -t"$gen_threads" -c"$connections" -d"${seconds%.*}s" --latency -s "$raw/help.lua" \
      "http://127.0.0.1:${target##*:}/slack/commands" >"$raw/wrk-${target%%:*}.txt" 2>&1 || true
  done
fi

curl -s "$stub/stats" >"$raw/stub-calls.json" || true
kill "$cb_pid" "$bolt_pid" "$bb_pid" 2>/dev/null || true
sleep 1

for ops in $fanouts; do
  say "fan-out: $ops AMI operations (pending 5 polls, poll interval 1 s)"
  "${bench[@]}" fanout --ops "$ops" --pending-polls 5 --poll-interval 00:00:01 --slack-api "$stub/api/" \
    --out "$raw/fanout-$ops.json" >"$raw/fanout-$ops.log" 2>&1 || say "fan-out $ops did not finish (see results/raw/fanout-$ops.log)"
done

say "fan-out: $paced AMI operations in one Slack channel (the per-channel pace at work)"
"${bench[@]}" fanout --ops "$paced" --channels 1 --pending-polls 5 --poll-interval 00:00:01 --timeout 00:05:00 --slack-api "$stub/api/" \
  --out "$raw/fanout-paced-$paced.json" >"$raw/fanout-paced-$paced.log" 2>&1 || say "paced fan-out did not finish (see results/raw/fanout-paced-$paced.log)"

cat >"$raw/meta.md" <<META
Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); .NET $(dotnet --version), node $(node --version).
Load: ${connections} connections, closed loop, ${seconds} s measured after ${warmup} s warm-up, one target at a time; generator
\`ChatBackup.Bench load\` with ${gen_threads} thread (DOTNET_PROCESSOR_COUNT=${gen_threads}); wrk -t${gen_threads} -c${connections}.
ChatBackup: the host's Program.cs (Release, Kestrel on loopback) with the EC2 fake; Slack/Bot Connector calls go to a stub.
Baselines: @slack/bolt $(node -p 'require("./bolt/node_modules/@slack/bolt/package.json").version') HTTPReceiver processBeforeResponse, ack only;
botbuilder $(node -p 'require("./botbuilder/node_modules/botbuilder/package.json").version') CloudAdapter anonymous + express, Adaptive Card reply to the stub connector.
META

"${bench[@]}" report --dir "$raw" --out "$bench_dir/results/latest.md"
