#!/usr/bin/env bash
# Regenerates the pictures in docs/images (shown in README.md):
#   1. writes the Adaptive Card JSON of the documented cards (a unit test, ScreenshotCards, renders
#      core card models with the production AdaptiveCardRenderer into a folder),
#   2. renders each card with the official adaptivecards library in headless Chromium, with a
#      Teams-like host config, to docs/images/card-*.png,
#   3. starts the local demo (scripts/demo.sh: moto + the bot + the Microsoft 365 Agents Playground),
#      drives the playground's web UI (an AMI, then a restore that is approved) and saves
#      docs/images/playground-*.png,
#   4. renders docs/images/flow.svg to /tmp for a look (the SVG itself is hand-written).
#
#   scripts/screenshots.sh              all of it
#   scripts/screenshots.sh --cards      only steps 1, 2 and 4 (no demo stack)
#
# Needs the .NET 10 SDK, Node.js 20+, and Chromium at /usr/bin/chromium (installed with apt-get
# when missing and running as root); step 3 needs what scripts/demo.sh needs (moto, boto3).
set -euo pipefail
cd "$(dirname "$0")/.."

cards_only=false
case "${1:-}" in
  --cards) cards_only=true ;;
  "") ;;
  -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
  *) echo "usage: $0 [--cards]" >&2; exit 2 ;;
esac

export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Chromium (apt-get install -y chromium fonts-open-sans)..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-open-sans >/dev/null
  else
    echo "Chromium not found at $CHROMIUM: apt-get install -y chromium fonts-open-sans (or set CHROMIUM)" >&2
    exit 1
  fi
fi

tools=scripts/dev/screenshots
if [ ! -d "$tools/node_modules/playwright-core" ] || [ ! -d "$tools/node_modules/adaptivecards" ]; then
  echo "Installing playwright-core and adaptivecards (npm ci in $tools)..."
  (cd "$tools" && npm ci --no-audit --no-fund --loglevel=error)
fi

images=docs/images
mkdir -p "$images"
work=$(mktemp -d)
demo_pid=""
cleanup() {
  if [ -n "$demo_pid" ]; then kill -TERM "$demo_pid" 2>/dev/null || true; wait "$demo_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# 1 + 2. The cards.
echo "Writing the card JSON (dotnet test --filter ScreenshotCards)..."
CHATBACKUP_WRITE_CARDS="$work/cards" dotnet test tests/ChatBackup.UnitTests \
  --filter "FullyQualifiedName~ChatBackup.UnitTests.Teams.ScreenshotCards" --nologo -v q >"$work/test.log" 2>&1 \
  || { cat "$work/test.log" >&2; exit 1; }
echo "Rendering them with the official adaptivecards renderer in Chromium..."
node "$tools/render-cards.mjs" "$work/cards" "$images"

# 3. The playground.
if ! $cards_only; then
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  echo "Starting the demo (scripts/demo.sh; the first build takes a minute)..."
  TEAMSAPPTESTER_BROWSER=none PLAYGROUND_PORT=$port scripts/demo.sh >"$work/demo.log" 2>&1 &
  demo_pid=$!
  for _ in $(seq 600); do
    grep -q "Ctrl-C stops everything" "$work/demo.log" && break
    kill -0 "$demo_pid" 2>/dev/null || { cat "$work/demo.log" >&2; exit 1; }
    sleep 0.5
  done
  grep -q "Ctrl-C stops everything" "$work/demo.log" || { echo "the demo did not start within 5 minutes:" >&2; cat "$work/demo.log" >&2; exit 1; }
  url=$(grep -o 'open http://[^ ]*' "$work/demo.log" | head -1 | cut -d' ' -f2)
  snapshot=$(grep -o 'snap-[0-9a-f]*' "$work/demo.log" | head -1)
  node "$tools/playground-shot.mjs" "$url" web-01 "$snapshot" "$images/playground"
fi

# 4. The diagram, as Chromium draws it (to look at; the SVG is the asset).
"$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --disable-sync --no-first-run --hide-scrollbars --window-size=1040,600 \
  --screenshot="$work/flow.png" "file://$PWD/$images/flow.svg" >/dev/null 2>&1 || true
[ -f "$work/flow.png" ] && cp "$work/flow.png" /tmp/chatbackup-flow.png && echo "flow.svg as Chromium draws it: /tmp/chatbackup-flow.png"

echo
ls -l "$images"/*.png
big=$(find "$images" -name '*.png' -size +150k)
[ -z "$big" ] || echo "warning: larger than 150 KB: $big" >&2
