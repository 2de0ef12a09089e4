"""The fault tests' fixtures: real processes (tests/faults/processes.py)."""

from tests.faults.processes import (  # noqa: F401 (fixtures)
    private_root,
    processes,
    queue,
    redis_url,
    smtp_sink,
)
