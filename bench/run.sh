#!/usr/bin/env bash
# Builds Parley and the peer (bench/peer) if needed, installs the harness's npm packages, runs the benchmark
# (about 3–4 minutes) and prints each target of issue 21 with its figure, goal, ratio and met / not met.
# Pass --long for the longer scenarios too, --channels for WebSocket, REST, SSE and gRPC side by side (about a minute).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -q package -DskipTests
[ -f bench/peer/target/quarkus-app/quarkus-run.jar ] || ./mvnw -q -f bench/peer/pom.xml package -DskipTests
[ -d bench/node_modules/@grpc/grpc-js ] || npm ci --prefix bench --no-audit --no-fund
ulimit -n 65536 2>/dev/null || true
if [ "${1:-}" = "--channels" ]; then exec node bench/channels.mjs; fi
exec node bench/bench.mjs "$@"
