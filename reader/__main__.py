"""`python -m reader`: the same entry point as the `wire` command."""

try:
    from reader.cli import main
except KeyboardInterrupt:  # a Ctrl-C before wire's own handling is in place: the same one line and 130
    import sys

    sys.stderr.write("wire: interrupted\n")
    raise SystemExit(130) from None

raise SystemExit(main())
