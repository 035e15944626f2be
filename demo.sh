#!/usr/bin/env bash
# The quickstart: installs the pinned Azurite from package-lock.json and runs `fer demo`, which starts
# Azurite if no storage is running, publishes the demo model, uploads the sample faces, classifies
# them and prints the results. Needs the .NET 10 SDK and Node.js.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --silent
dotnet run --project functions/Fer.Cli -c Release -- demo "$@"
