#!/usr/bin/env bash
# One-command local demo of ChatBackup in Teams, with no cloud account and no Microsoft tenant:
#   moto plays EC2 (an instance named web-01 and a snapshot to restore),
#   the bot runs in anonymous Teams mode, and
#   the Microsoft 365 Agents Playground (pinned in tests/playground) plays Teams in your browser.
# Runs until Ctrl-C, then stops everything it started.
#
#   scripts/demo.sh            start, print the URL and the commands to try, wait for Ctrl-C
#   scripts/demo.sh --check    start, drive one AMI backup and one approved restore through the
#                              playground's API (as its web UI would), stop; exit 0 when all worked
#
# TEAMSAPPTESTER_BROWSER=none stops the playground opening a browser (set automatically when
# there is no display). PLAYGROUND_PORT picks its port (default 56150, or a free one).
set -euo pipefail
cd "$(dirname "$0")/.."

check=false
case "${1:-}" in
  --check) check=true ;;
  "") ;;
  -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

need() { command -v "$1" >/dev/null 2>&1 || { echo "$1 not found: $2" >&2; exit 1; }; }
need dotnet "install the .NET 10 SDK"
need moto_server "pip install 'moto[server]'"
need node "install Node.js 20+ (apt-get install -y nodejs npm)"
need npm "install Node.js 20+ with npm (apt-get install -y nodejs npm)"
python3 -c 'import boto3' 2>/dev/null || { echo "boto3 not found: pip install boto3 (it comes with moto[server])" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port_free() { python3 -c "import socket; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1',$1))" 2>/dev/null; }
wait_for() { # url seconds what log
  for _ in $(seq $(( $2 * 5 ))); do curl -sf -o /dev/null "$1" && return 0; sleep 0.2; done
  echo "$3 did not answer on $1 within $2 s; its log:" >&2; cat "$4" >&2; exit 1
}

playground=tests/playground/node_modules/@microsoft/m365agentsplayground/cli.js
if [ ! -f "$playground" ]; then
  echo "Installing the Agents Playground (npm ci in tests/playground)..."
  (cd tests/playground && npm ci --no-audit --no-fund --loglevel=error)
fi

moto_port=$(free_port); bot_port=$(free_port)
pg_port=${PLAYGROUND_PORT:-56150}
port_free "$pg_port" || pg_port=$(free_port)
work=$(mktemp -d)
pids=()
cleanup() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'echo; echo "Stopping..."; exit 0' INT TERM

# 1. moto, with web-01 and a snapshot of an 8 GiB volume in its zone.
moto_server -H 127.0.0.1 -p "$moto_port" >"$work/moto.log" 2>&1 & pids+=($!)
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
export AWS_ENDPOINT_URL_EC2="http://127.0.0.1:$moto_port"
wait_for "$AWS_ENDPOINT_URL_EC2/moto-api/" 20 moto "$work/moto.log"
read -r instance snapshot < <(python3 - <<PY
import boto3
ec2 = boto3.client("ec2", region_name="us-east-1", endpoint_url="$AWS_ENDPOINT_URL_EC2")
image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
r = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro",
    Placement={"AvailabilityZone": "us-east-1a"},
    TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "web-01"}]}])
volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=8, VolumeType="gp3")["VolumeId"]
snapshot = ec2.create_snapshot(VolumeId=volume, Description="web-01 data, before the demo")["SnapshotId"]
print(r["Instances"][0]["InstanceId"], snapshot)
PY
)
echo "moto:       EC2 on $AWS_ENDPOINT_URL_EC2 with web-01 ($instance) and $snapshot"

# 2. The bot. The playground's user is always Alex Wilber (aadObjectId ...0020, fixed in the
# playground's fake tenant); Megan Bowen (...0021) is a second approver for the group chat.
alex=00000000-0000-0000-0000-0000000000020
megan=00000000-0000-0000-0000-0000000000021
echo "bot:        building and starting (dotnet run -c Release; the first build takes a minute)..."
env Teams__AllowAnonymous=true \
  Aws__DefaultRegion=us-east-1 \
  Backup__PollInterval=00:00:01 Backup__CardUpdateInterval=00:00:01 \
  Access__Approvers__0="teams:$alex" Access__Approvers__1="teams:$megan" \
  Access__AllowSelfApproval=true \
  ASPNETCORE_URLS="http://127.0.0.1:$bot_port" \
  dotnet run --project src/ChatBackup.Host -c Release >"$work/bot.log" 2>&1 & pids+=($!)
wait_for "http://127.0.0.1:$bot_port/health/ready" 240 "the bot" "$work/bot.log"
echo "bot:        http://127.0.0.1:$bot_port/api/messages (anonymous Teams mode)"

# 3. The playground. It binds its port only once the bot answers, so it starts last.
if [ -z "${TEAMSAPPTESTER_BROWSER:-}" ] && { $check || [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; } && [ "$(uname)" != Darwin ]; then
  export TEAMSAPPTESTER_BROWSER=none
fi
(cd "$work" && exec node "$OLDPWD/$playground" -e "http://127.0.0.1:$bot_port/api/messages" -c msteams -p "$pg_port") >"$work/playground.log" 2>&1 & pids+=($!)
playground_url="http://localhost:$pg_port"
wait_for "$playground_url/_internal/v1/config" 30 "the Agents Playground" "$work/playground.log"
user=$(curl -sf "$playground_url/_internal/v1/config" | python3 -c 'import json,sys; u=json.load(sys.stdin)["config"]["currentUser"]; print(u["aadObjectId"], u["name"])')
if [ "${user%% *}" != "$alex" ]; then
  echo "warning: the playground's user is ${user#* } (${user%% *}), not $alex: Approve will be refused" >&2
fi

if $check; then
  flag=""
  node -e 'process.exit(typeof WebSocket === "function" ? 0 : 1)' || flag=--experimental-websocket
  if node $flag scripts/dev/playground-check.mjs "$playground_url" web-01 "$snapshot"; then
    echo "demo check passed"
    exit 0
  fi
  echo "demo check failed; the bot's log:" >&2
  tail -n 40 "$work/bot.log" >&2
  exit 1
fi

cat <<EOF

Microsoft 365 Agents Playground: open $playground_url
  (you are ${user#* }; type in the personal chat, no @mention needed)

Try:
  help
  ami web-01 --no-reboot                      an AMI backup; its card updates in place
  restore $snapshot --instance web-01    a restore: checks, then an approval card
  status

Approvals: ${user#* } is a configured approver and self-approval is ALLOWED in this demo
(Access__AllowSelfApproval=true), so you can approve your own restore. In production keep it off
and name other people as approvers.

Logs: $work (moto.log, bot.log, playground.log). Ctrl-C stops everything.
EOF
wait
