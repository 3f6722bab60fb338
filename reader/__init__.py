"""wire-reader: a keyboard-driven terminal reader for news corpora."""

__version__ = "0.1.0"
