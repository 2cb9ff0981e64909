#!/usr/bin/env bash
# Sends one signed /backup command to a running ChatBackup, as Slack would.
# Usage: SLACK_SIGNING_SECRET=... scripts/slack-command.sh "ami web-01 --no-reboot" [http://127.0.0.1:5080]
set -euo pipefail
text=${1:?usage: slack-command.sh "<command text>" [bot-url]}
bot=${2:-${CHATBACKUP_URL:-http://127.0.0.1:5080}}
secret=${SLACK_SIGNING_SECRET:?set SLACK_SIGNING_SECRET to the Slack:SigningSecret of the bot}
user=${SLACK_USER_ID:-U0LOCALALICE}
ts=$(date +%s)
enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
body="token=unused&team_id=T0LOCAL&team_domain=local&channel_id=C0LOCALOPS&channel_name=ops&user_id=${user}&user_name=${SLACK_USER_NAME:-alice}&command=%2Fbackup&text=$(enc "$text")&response_url=$(enc "${SLACK_RESPONSE_URL:-http://127.0.0.1:1/none}")&trigger_id=$(date +%s%N)"
hex=$(printf 'v0:%s:%s' "$ts" "$body" | openssl dgst -sha256 -hmac "$secret" -r)
sig="v0=${hex%% *}"
curl -sS -X POST "$bot/slack/commands" \
  -H "Content-Type: application/x-www-form-urlencoded" \
  -H "X-Slack-Request-Timestamp: $ts" -H "X-Slack-Signature: $sig" \
  --data "$body"
echo
