"""Benchmarks and evaluations: scripts that print figures; they need ../shared/data, tests do not."""
