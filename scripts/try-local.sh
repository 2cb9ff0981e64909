#!/usr/bin/env bash
# Tries ChatBackup end to end on this machine, with no cloud account and no Slack workspace:
# moto plays EC2 (with one instance named web-01), a small stand-in plays Slack's Web API and
# prints what the channel would see, and a signed "/backup ami web-01 --no-reboot" goes in.
# Leaves everything running until Ctrl-C; send more commands with scripts/slack-command.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
command -v moto_server >/dev/null || { echo "moto_server not found: pip install 'moto[server]'" >&2; exit 1; }

moto_port=$(free_port); slack_port=$(free_port); bot_port=$(free_port)
work=$(mktemp -d)
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT INT TERM

moto_server -H 127.0.0.1 -p "$moto_port" >"$work/moto.log" 2>&1 & pids+=($!)
python3 scripts/dev/fake_slack.py "$slack_port" & pids+=($!)

export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
export AWS_ENDPOINT_URL_EC2="http://127.0.0.1:$moto_port"
for _ in $(seq 50); do curl -s "$AWS_ENDPOINT_URL_EC2/moto-api/" >/dev/null && break; sleep 0.2; done

instance=$(python3 - <<PY
import boto3
ec2 = boto3.client("ec2", region_name="us-east-1", endpoint_url="$AWS_ENDPOINT_URL_EC2")
image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
r = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro",
    TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "web-01"}]}])
print(r["Instances"][0]["InstanceId"])
PY
)
echo "moto: instance web-01 is $instance"

export SLACK_SIGNING_SECRET=$(openssl rand -hex 16)
export Slack__SigningSecret=$SLACK_SIGNING_SECRET Slack__BotToken=xoxb-local-try Slack__ApiBaseUrl="http://127.0.0.1:$slack_port/api/"
export Aws__DefaultRegion=us-east-1 Backup__PollInterval=00:00:01 Backup__CardUpdateInterval=00:00:01
export Access__Approvers__0=slack:U0LOCALBOB
export ASPNETCORE_URLS="http://127.0.0.1:$bot_port" CHATBACKUP_URL="http://127.0.0.1:$bot_port"
dotnet run --project src/ChatBackup.Host -c Release >"$work/bot.log" 2>&1 & pids+=($!)
for _ in $(seq 120); do curl -sf "$CHATBACKUP_URL/health/ready" >/dev/null && break; sleep 0.5; done
curl -sf "$CHATBACKUP_URL/health/ready" >/dev/null || { echo "the bot did not start; its log:" >&2; cat "$work/bot.log" >&2; exit 1; }

echo "bot: $CHATBACKUP_URL (signing secret in SLACK_SIGNING_SECRET)"
echo "> /backup ami web-01 --no-reboot"
scripts/slack-command.sh "ami web-01 --no-reboot"
if [ "${1:-}" = "--once" ]; then sleep 8; exit 0; fi
echo
echo "Running. In another shell: SLACK_SIGNING_SECRET=$SLACK_SIGNING_SECRET CHATBACKUP_URL=$CHATBACKUP_URL scripts/slack-command.sh \"status\""
wait
