#!/usr/bin/env bash
# `promtool check metrics` (Debian's `prometheus` package) checks the node's /v1/metrics
# exposition in test/unit/runtime/api-metrics.test.ts, which fails under CI=true when
# promtool is missing. Install it where it is missing (about 2 minutes).
set -euo pipefail
if command -v promtool >/dev/null; then exit 0; fi
SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null; then SUDO="sudo"; fi
$SUDO apt-get update
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus
promtool --version | head -1
