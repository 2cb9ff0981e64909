#!/usr/bin/env bash
# The ChatBackup benchmark in one command: builds what it needs, runs the load and fan-out parts,
# prints one markdown table and writes it to bench/results/latest.md. Targets are reported, not
# asserted. Everything listens on 127.0.0.1 and every load loop is bounded in time.
#
#   bench/run.sh            full run (10 s per load test, 1,000 and 10,000 operations, 10,000 right after start, 60 in one channel; ~8 minutes)
#   bench/run.sh --quick    smoke check (3 s per load test, 200 and 1,000 operations)
#   bench/run.sh --slack    only the Slack load tests and the wrk cross-check (~3 minutes)
set -euo pipefail
cd "$(dirname "$0")"
bench_dir=$(pwd)

seconds=10 warmup=3 connections=50 fanouts="1000 10000" cold=10000 paced=60 parts="slack teams fanout"
for arg in "$@"; do
  case "$arg" in
    --quick) seconds=3 warmup=1 fanouts="200 1000" cold=1000 paced=20 ;;
    --slack) parts="slack" ;;
    *) echo "usage: bench/run.sh [--quick] [--slack]" >&2; exit 2 ;;
  esac
done
has() { [[ " $parts " == *" $1 "* ]]; }

# One thread for the generators: on 2 cores the bots under test need the other one (see the
# generator CPU column: a generator near 1.0 core would be the bottleneck, not the bot). Inline
# socket completions run the generator's continuations on its epoll thread instead of handing
# each one to the thread pool, which halves its CPU per request; the bots never get this setting.
gen_threads=1
gen_env=(DOTNET_PROCESSOR_COUNT=$gen_threads DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1)

need() { command -v "$1" >/dev/null 2>&1; }
say() { echo "bench: $*" >&2; }

if ! need wrk; then
  say "installing wrk (Debian)"
  apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; } || say "wrk unavailable: the wrk cross-check is skipped"
fi
for app in bolt $(has teams && echo botbuilder); do
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
bb_pid=""
if has teams; then
  start bb_pid botbuilder "$raw/botbuilder.log" node botbuilder/bot.js "$bb_port"
fi

# settle: waits (at most 3 minutes) until the servers are idle, so that no run is measured while
# another target still works off what the previous run left (ChatBackup's jobs after `ami`).
server_pids() { echo "$stub_pid" "$cb_pid" "$bolt_pid" "$bb_pid"; }
cpu_ticks() { local t=0 f; for pid in $(server_pids); do read -r -a f <"/proc/$pid/stat" && t=$((t + f[13] + f[14])); done; echo "$t"; }
# settle [FILE]: the seconds waited go to FILE, so the report can say how long a target kept working
# after its run (ChatBackup's jobs for the operations an `ami` run started).
settle() {
  local waited=0 before after
  while :; do
    before=$(cpu_ticks); sleep 1; after=$(cpu_ticks)
    if [ $((after - before)) -le 5 ]; then break; fi
    waited=$((waited + 1))
    if [ "$waited" -ge 180 ]; then say "servers still busy after 180 s ($((after - before))% of a core): measuring anyway"; break; fi
  done
  [ "$waited" -eq 0 ] || say "the servers went idle after ${waited} s"
  [ -z "${1:-}" ] || echo "$waited" >"$1"
}

load() { # load SCENARIO TARGET URL PID
  settle
  say "load: $1 against $2 (${connections} connections, ${warmup} s warm-up, ${seconds} s measured)"
  env "${gen_env[@]}" "${bench[@]}" load --scenario "$1" --target "$2" --url "$3" --pids "$4" \
    --secret "$secret" --service-url "$stub/teams/" --connections "$connections" --seconds "$seconds" --warmup "$warmup" \
    --out "$raw/$1.$2.json" >/dev/null 2>>"$raw/load.log"
  settle "$raw/$1.$2.busy"
}

if has slack; then
  load slack-help chatbackup "http://127.0.0.1:$cb_port" "$cb_pid"
  load slack-help bolt "http://127.0.0.1:$bolt_port" "$bolt_pid"
  load slack-ami chatbackup "http://127.0.0.1:$cb_port" "$cb_pid"
  load slack-ami bolt "http://127.0.0.1:$bolt_port" "$bolt_pid"
fi
if has teams; then
  load teams chatbackup "http://127.0.0.1:$cb_port" "$cb_pid"
  load teams botbuilder "http://127.0.0.1:$bb_port" "$bb_pid"
fi

if has slack && need wrk; then
  # wrk cannot sign per request, so it sends one body signed just before its run (Slack allows 5
  # minutes): fine for `help`, which records nothing; an `ami` body would be a duplicate after its
  # first request. wrk has no warm-up: its 10 s include the first requests.
  body='token=deprecated&team_id=T0123TEAM&team_domain=example&channel_id=C0123OPS&channel_name=ops&user_id=U0123ALICE&user_name=alice&command=%2Fbackup&text=help&api_app_id=A0123&trigger_id=1.2.wrk'
  for target in chatbackup:$cb_port bolt:$bolt_port; do
    settle
    ts=$(date +%s)
    sig=$(printf 'v0:%s:%s' "$ts" "$body" | openssl dgst -sha256 -hmac "$secret" | awk '{print $NF}')
    cat >"$raw/help.lua" <<LUA
wrk.method = "POST"
wrk.body = "$body"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["X-Slack-Request-Timestamp"] = "$ts"
wrk.headers["X-Slack-Signature"] = "v0=$sig"
LUA
    say "wrk: help against ${target%%:*}"
    wrk -t"$gen_threads" -c"$connections" -d"${seconds%.*}s" --latency -s "$raw/help.lua" \
      "http://127.0.0.1:${target##*:}/slack/commands" >"$raw/wrk-${target%%:*}.txt" 2>&1 || true
  done
fi

curl -s "$stub/stats" >"$raw/stub-calls.json" || true
kill "$cb_pid" "$bolt_pid" $bb_pid 2>/dev/null || true
sleep 1

has fanout || fanouts=""
for ops in $fanouts; do
  say "fan-out: $ops AMI operations (pending 5 polls, poll interval 1 s)"
  "${bench[@]}" fanout --ops "$ops" --pending-polls 5 --poll-interval 00:00:01 --slack-api "$stub/api/" \
    --out "$raw/fanout-$ops.json" >"$raw/fanout-$ops.log" 2>&1 || say "fan-out $ops did not finish (see results/raw/fanout-$ops.log)"
done

# The same burst met by a process that has just started (no warm-up): the JIT still compiling.
has fanout || cold=""
for ops in $cold; do
  say "fan-out: $ops AMI operations right after start (no warm-up)"
  "${bench[@]}" fanout --ops "$ops" --warmup 0 --pending-polls 5 --poll-interval 00:00:01 --slack-api "$stub/api/" \
    --out "$raw/fanout-$ops-cold.json" >"$raw/fanout-$ops-cold.log" 2>&1 || say "cold fan-out $ops did not finish (see results/raw/fanout-$ops-cold.log)"
done

has fanout || paced=""
for ops in $paced; do
  say "fan-out: $ops AMI operations in one Slack channel (the per-channel pace at work)"
  "${bench[@]}" fanout --ops "$ops" --channels 1 --pending-polls 5 --poll-interval 00:00:01 --timeout 00:05:00 --slack-api "$stub/api/" \
  --out "$raw/fanout-paced-$ops.json" >"$raw/fanout-paced-$ops.log" 2>&1 || say "paced fan-out did not finish (see results/raw/fanout-paced-$ops.log)"
done

cat >"$raw/meta.md" <<META
Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); .NET $(dotnet --version), node $(node --version).
Load: ${connections} connections, closed loop, ${seconds} s measured after ${warmup} s warm-up, one target at a time, each
once the servers are idle; generator \`ChatBackup.Bench load\` (requests pre-built and pre-signed, raw HTTP/1.1 sockets) with
${gen_threads} thread (${gen_env[*]}); wrk -t${gen_threads} -c${connections}.
ChatBackup: the host's Program.cs (Release, Kestrel on loopback) with the EC2 fake; Slack/Bot Connector calls go to a stub.
Baselines: @slack/bolt $(node -p 'require("./bolt/node_modules/@slack/bolt/package.json").version') HTTPReceiver processBeforeResponse, ack only$(has teams && echo ";" || echo ".")
META
if has teams; then
  echo "botbuilder $(node -p 'require("./botbuilder/node_modules/botbuilder/package.json").version') CloudAdapter anonymous + express, Adaptive Card reply to the stub connector." >>"$raw/meta.md"
fi

"${bench[@]}" report --dir "$raw" --out "$bench_dir/results/latest.md"
