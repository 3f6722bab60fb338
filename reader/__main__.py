"""`python -m reader`: the same entry point as the `wire` command."""

from reader.cli import main

raise SystemExit(main())
