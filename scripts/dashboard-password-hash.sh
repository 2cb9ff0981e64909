#!/usr/bin/env bash
# Prints a Dashboard:PasswordHash value for a password read from standard input (or a hidden
# prompt), so the password never appears in the command line or shell history:
#   scripts/dashboard-password-hash.sh                       # asks for it
#   printf '%s\n' "$PASSWORD" | scripts/dashboard-password-hash.sh
# In a container the same verb is: docker run --rm -i chatbackup --hash-dashboard-password
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build src/ChatBackup.Host -c Release --nologo -v quiet >&2
exec dotnet src/ChatBackup.Host/bin/Release/net10.0/ChatBackup.Host.dll --hash-dashboard-password
