"""`python -m reader.tui [--corpus DIR] [--home DIR] [--theme NAME]`: the app without the CLI (for benches)."""

from __future__ import annotations

import argparse

from reader.interrupts import leave
from reader.library import Library
from reader.tui import make_app
from reader.tui.app import run


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m reader.tui")
    parser.add_argument("--corpus")
    parser.add_argument("--home")
    parser.add_argument("--config")
    parser.add_argument("--theme")
    args = parser.parse_args()
    library = Library.open(args.corpus, args.home, args.config)
    try:
        run(make_app(library, args.theme))  # ends the process if workers were left busy
    finally:
        library.close()
    leave(0)  # as `wire` does: no teardown of every module loaded, once the files are closed


if __name__ == "__main__":
    main()
