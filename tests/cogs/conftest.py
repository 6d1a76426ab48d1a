"""Cog tests run through tests/discord_harness: real discord.py, real Redis, a real worker."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from models.handlers import GenerateHandler, JobHandler, NoopHandler
from models.worker import Worker, WorkerConfig
from storage.connection import Redis
from tests.discord_harness.fixtures import (
    discord_extra_cogs,
    discord_harness,
    norae_bot_factory,
)
from tests.worker_support import running_worker

__all__ = ["discord_extra_cogs", "discord_harness", "model_worker", "norae_bot_factory"]


@pytest.fixture(scope="session")
def tiny_generator(tiny_gpt2: Path) -> Any:
    from models.generation import LocalGenerator
    from models.loading import load_causal_lm

    return LocalGenerator(load_causal_lm(str(tiny_gpt2)))


@pytest.fixture
async def model_worker(redis: Redis, tiny_generator: Any) -> AsyncIterator[Worker]:
    """The inference worker in the test's loop: ``generate`` on the tiny GPT-2, and ``noop``."""
    handlers: dict[str, JobHandler] = {
        "generate": GenerateHandler(tiny_generator),
        "noop": NoopHandler(),
    }
    # A long heartbeat period keeps the heartbeat task asleep when the worker stops: a cancel
    # that lands inside its Redis call can be swallowed, and Worker.run then waits on it forever.
    config = WorkerConfig(block_ms=100, max_wait_ms=20, heartbeat_interval_s=60)
    async with running_worker(redis, handlers, config) as worker:
        yield worker
