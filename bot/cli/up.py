"""``norae up``: everything in one command for a laptop or a small server.

Starts (or uses) Redis, a model worker in a child process (the bot process never imports torch),
the web server, and the Discord bot when a token is set. Ctrl-C or SIGTERM stops all of it; the
children also die with this process if it is killed (PR_SET_PDEATHSIG), so nothing is orphaned.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import subprocess
import sys
import time

from aiohttp import web

from bot.catalog import Catalog
from bot.cli.embedded_redis import EmbeddedRedis, die_with_parent
from bot.discord_bot import NoraeBot
from bot.inference import InferenceClient
from bot.services import Services
from bot.web.app import AccessLog, access_logger, create_app
from contract.settings import Settings
from storage.connection import connect
from storage.key_migration import has_old_keys

log = logging.getLogger(__name__)

WORKER_STOP_GRACE_S = 15.0


class ChildProcess:
    """A restartable child (the worker) with backoff, stopped with SIGTERM then SIGKILL."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str]) -> None:
        self.name, self.argv, self.env = name, argv, env
        self.proc: subprocess.Popen[bytes] | None = None
        self.restarts = 0

    def start(self) -> None:
        self.proc = subprocess.Popen(
            self.argv, env=self.env, preexec_fn=die_with_parent, start_new_session=True
        )
        log.info("%s started (pid %d)", self.name, self.proc.pid)

    async def supervise(self, stopping: asyncio.Event) -> None:
        backoff = 1.0
        while not stopping.is_set():
            self.start()
            started = time.monotonic()
            assert self.proc is not None
            while self.proc.poll() is None and not stopping.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stopping.wait(), timeout=0.5)
            if stopping.is_set():
                return
            code = self.proc.returncode
            backoff = 1.0 if time.monotonic() - started > 60 else min(backoff * 2, 60.0)
            self.restarts += 1
            log.error("%s exited with %s; restarting in %.0fs", self.name, code, backoff)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), timeout=backoff)

    def stop(self) -> None:
        """SIGTERM to the child's whole process group (its own session), so processes it
        started itself (an import's process pool) stop with it; SIGKILL after a grace period."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self._signal_group(signal.SIGTERM)
            try:
                self.proc.wait(WORKER_STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                log.warning("%s did not stop in %.0fs; killing it", self.name, WORKER_STOP_GRACE_S)
        self._signal_group(signal.SIGKILL)  # whatever of the group is left
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(5)

    def _signal_group(self, sig: signal.Signals) -> None:
        assert self.proc is not None
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, sig)


async def _reap(child: ChildProcess) -> None:
    """Wait for a one-off child without blocking the loop; stop it if `norae up` stops first."""
    try:
        while child.proc is not None and child.proc.poll() is None:
            await asyncio.sleep(0.5)
        if child.proc is not None:
            log.info("%s finished with exit code %s", child.name, child.proc.returncode)
    except asyncio.CancelledError:
        await asyncio.to_thread(child.stop)
        raise


def _say_if_preparing(settings: Settings) -> None:
    """A first start prepares the default model in the worker: say so, and how long it takes."""
    from contract.settings import DEFAULT_GENERATOR
    from models.prepare import TYPICAL_SECONDS, is_prepared

    ms = settings.models
    default = ms.backend == "local" and ms.generator == DEFAULT_GENERATOR
    if default and not is_prepared(settings.data_dir):
        log.warning(
            "처음 시작: 작업자가 기본 언어 모델(Gemma 3 270M)을 한 번 준비해요(보통 1~4분). "
            "그동안 이야기와 가사는 기다려요 / first start: the worker prepares the default "
            "language model (Gemma 3 270M) once, usually in %s; stories and lyrics wait for it",
            TYPICAL_SECONDS,
        )


async def run_up(settings: Settings, *, with_worker: bool = True) -> None:
    embedded: EmbeddedRedis | None = None
    redis_url = settings.redis.url
    if redis_url is None:
        # raises DataDirBusy when a live process already runs this data folder's Redis
        embedded = EmbeddedRedis(settings.data_dir / "redis")
        redis_url = embedded.start()
    worker: ChildProcess | None = None
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    redis = connect(redis_url, max_connections=settings.redis.max_connections)
    inference = InferenceClient(
        redis,
        max_queue=settings.worker.max_queue,
        timeout_s=settings.inference.timeout_s,
        partitions=settings.redis.job_partitions,
    )
    runner: web.AppRunner | None = None
    services: Services | None = None
    discord_bot: NoraeBot | None = None
    tasks: list[asyncio.Task[None]] = []
    try:
        if with_worker:
            _say_if_preparing(settings)
            env = dict(os.environ, NORAE_REDIS_URL=redis_url)
            worker = ChildProcess("worker", [sys.executable, "-m", "bot", "worker"], env)
            tasks.append(asyncio.create_task(worker.supervise(stopping)))
        if await has_old_keys(redis):
            log.warning(
                "이 Redis에는 예전 norae가 쓴 키가 예전 이름으로 남아 있어요: norae를 멈추고 "
                "`norae redis migrate`를 실행하세요 / this Redis still holds what an older norae "
                "wrote under the old key names: stop norae and run `norae redis migrate` "
                "(docs/redis-migration.md)"
            )
        elif with_worker and await Catalog(redis).count() == 0:
            # A first start has no songs: import the bundled default catalog (451 songs with
            # search links) and index the demo tracks in the background, so the mood companion
            # has something to recommend (a later start finds it there).
            env = dict(os.environ, NORAE_REDIS_URL=redis_url)
            demo = ChildProcess(
                "default catalog import",
                [sys.executable, "-m", "bot", "catalog", "import", "--default", "--no-progress"],
                env,
            )
            demo.start()
            tasks.append(asyncio.create_task(_reap(demo)))
        await inference.start()
        services = Services.build(settings, redis, inference)  # one set for every front door
        services.start()
        runner = web.AppRunner(
            create_app(redis, inference, services=services),
            access_log_class=AccessLog,
            access_log=access_logger(),
        )
        await runner.setup()
        site = web.TCPSite(runner, settings.web.host, settings.web.port)
        await site.start()
        log.info("web chat on http://%s:%d", settings.web.host, settings.web.port)
        if settings.discord.token is not None:
            discord_bot = NoraeBot(settings, redis, inference, services=services)
            token = settings.discord.token.get_secret_value()
            tasks.append(asyncio.create_task(discord_bot.start(token)))
        else:
            log.info("no NORAE_DISCORD_TOKEN set: Discord stays off, the web chat is the way in")
        await stopping.wait()
        log.info("stopping…")
    finally:
        stopping.set()
        if discord_bot is not None:
            await discord_bot.close()
        if runner is not None:
            await runner.cleanup()
        if services is not None:
            await services.close()
        await inference.close()
        if worker is not None:
            await asyncio.to_thread(worker.stop)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await redis.aclose()
        if embedded is not None:
            embedded.stop()
        log.info("stopped")
