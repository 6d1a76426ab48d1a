"""Every Redis key norae uses, in one place (as arq's ``constants.py``).

All keys start with ``norae:``. Nothing outside this module spells a key.
"""

from __future__ import annotations

PREFIX = "norae:"

JOB_GROUP = "workers"


def job_stream(kind: str) -> str:
    """One stream per job kind, read by the consumer group :data:`JOB_GROUP`."""
    return f"{PREFIX}jobs:{kind}"


def dead_letter_stream() -> str:
    return f"{PREFIX}jobs:dead"


def reply_stream(client_id: str) -> str:
    """Each bot process reads its answers from its own stream."""
    return f"{PREFIX}replies:{client_id}"


def job_result(job_id: str) -> str:
    """The published result of a job: makes publishing idempotent by job id."""
    return f"{PREFIX}result:{job_id}"


def worker_heartbeat(worker_id: str) -> str:
    return f"{PREFIX}worker:{worker_id}"


def worker_heartbeat_pattern() -> str:
    return f"{PREFIX}worker:*"


def health_probe() -> str:
    return f"{PREFIX}health"
