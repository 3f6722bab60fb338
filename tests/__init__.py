"""The test suite: unit (no Textual), app (Pilot), snapshots, end-to-end."""
