#!/usr/bin/env bash
# Set up on first use (a virtual environment in .venv, with the test extras) and run the whole test suite.
# Arguments are passed to pytest: ./test.sh -k corpus -x
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh
ensure_venv "[test]"
exec .venv/bin/python -m pytest "$@"
