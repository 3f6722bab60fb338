#!/usr/bin/env bash
# Set up on first use (a virtual environment in .venv) and open the reader on the bundled corpus.
# Arguments are passed to `wire`: ./run.sh --corpus ~/news, ./run.sh search wasserman.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh
ensure_venv ""
exec .venv/bin/wire "$@"
