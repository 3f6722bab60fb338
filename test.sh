#!/usr/bin/env bash
# Set up on first use (a virtual environment in .venv, with the test extras) and run the whole test suite.
# Arguments are passed to pytest: ./test.sh -k corpus -x
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh
ensure_venv "[test]"
# The end-to-end test drives the real command in tmux; install it where we can (Debian, as root).
if ! command -v tmux >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "Installing tmux for the end-to-end test…" >&2
  (apt-get update -qq && apt-get install -y -qq tmux) >/dev/null 2>&1 || echo "could not install tmux: the end-to-end test will be skipped" >&2
fi
exec .venv/bin/python -m pytest "$@"
