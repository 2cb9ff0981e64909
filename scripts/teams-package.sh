#!/usr/bin/env bash
# Builds the Teams app package (manifest.json + color.png + outline.png in one zip) with the bot's
# Microsoft App ID filled in. Usage: scripts/teams-package.sh <app-id> [output.zip]
# The App ID is the Azure Bot / Developer Portal bot id (a GUID); it is both the app id and botId.
set -euo pipefail
cd "$(dirname "$0")/.."

app_id="${1:-${TEAMS_APP_ID:-}}"
out="${2:-artifacts/chatbackup-teams.zip}"
if [[ ! "$app_id" =~ ^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$ ]]; then
  echo "usage: $0 <microsoft-app-id-guid> [output.zip]   (or set TEAMS_APP_ID)" >&2
  exit 2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
sed "s/{{TEAMS_APP_ID}}/${app_id}/g" manifests/teams/manifest.json > "$work/manifest.json"
cp manifests/teams/color.png manifests/teams/outline.png "$work/"

mkdir -p "$(dirname "$out")"
out_abs="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
rm -f "$out_abs"
if command -v zip >/dev/null 2>&1; then
  (cd "$work" && zip -q -X "$out_abs" manifest.json color.png outline.png)
else
  python3 - "$work" "$out_abs" <<'PY'
import sys, zipfile, pathlib
src, out = pathlib.Path(sys.argv[1]), sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for name in ("manifest.json", "color.png", "outline.png"):
        z.write(src / name, name)
PY
fi
echo "Wrote $out_abs"
