#!/usr/bin/env bash
# Builds Parley if needed, installs the harness's npm packages, runs the short benchmark (about 2 min).
# Pass --long for the longer version, --channels for WebSocket, REST, SSE and gRPC side by side (about a minute).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -q package -DskipTests
[ -d bench/node_modules/@grpc/grpc-js ] || npm ci --prefix bench --no-audit --no-fund
ulimit -n 65536 2>/dev/null || true
if [ "${1:-}" = "--channels" ]; then exec node bench/channels.mjs; fi
exec node bench/bench.mjs "$@"
