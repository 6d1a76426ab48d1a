"""``norae worker``: load the configured models, then run the worker until SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from typing import Any

from contract.jobs import REQUESTS
from contract.settings import DEFAULT_GENERATOR, Settings, WorkerSettings
from models.handlers import ClassifyHandler, GenerateHandler, JobHandler, NoopHandler
from models.worker import Worker, WorkerConfig
from storage.connection import connect
from storage.job_streams import JobStreams

log = logging.getLogger(__name__)

KNOWN_KINDS = tuple(REQUESTS)


def remote_name(generator: str) -> str:
    """The model name to ask a remote server for when NORAE_MODELS_REMOTE_MODEL is unset."""
    return "google/gemma-3-270m" if generator == DEFAULT_GENERATOR else generator


def prepared_generator(settings: Settings) -> str:
    """The generator's path or id; the default model is prepared first when it is missing."""
    from models.prepare import PrepareError, is_prepared, prepare

    if settings.models.generator == DEFAULT_GENERATOR and not is_prepared(settings.data_dir):
        try:
            prepare(settings.data_dir)
        except PrepareError as exc:
            raise ValueError(
                f"기본 모델을 준비하지 못했어요 / the default model could not be prepared: {exc}"
            ) from exc
    return settings.models.generator_path(settings.data_dir)


def build_handlers(settings: Settings) -> dict[str, JobHandler]:
    """Load what the served kinds need. Raises ModelLoadError naming a missing model file."""
    unknown = sorted(set(settings.worker.kinds) - set(KNOWN_KINDS))
    if unknown:
        raise ValueError(f"NORAE_WORKER_KINDS: unknown job kind(s) {unknown}; known: {KNOWN_KINDS}")
    handlers: dict[str, JobHandler] = {}
    ms, ws = settings.models, settings.worker
    if "generate" in ws.kinds:
        if ms.backend == "remote":
            from models.remote import RemoteGenerator

            assert ms.remote_url is not None  # checked by ModelSettings
            handlers["generate"] = GenerateHandler(
                RemoteGenerator(
                    ms.remote_url,
                    ms.remote_model or remote_name(ms.generator),
                    api_key=ms.remote_api_key.get_secret_value() if ms.remote_api_key else None,
                    timeout_s=ms.remote_timeout_s,
                )
            )
        else:
            from models.generation import LocalGenerator
            from models.loading import load_causal_lm, pick_device

            loaded = load_causal_lm(prepared_generator(settings), pick_device(ws.device))
            handlers["generate"] = GenerateHandler(
                LocalGenerator(
                    loaded,
                    context_tokens=ms.context_tokens,
                    forward_batch_size=ws.forward_batch_size,
                    quantize=ms.quantize,
                )
            )
    if "classify" in ws.kinds:
        from models.classification import LocalClassifier
        from models.loading import load_classifier, pick_device

        handlers["classify"] = ClassifyHandler(
            LocalClassifier(
                load_classifier(ms.classifier, pick_device(ws.device)),
                forward_batch_size=ws.forward_batch_size,
            )
        )
    if "noop" in ws.kinds:
        handlers["noop"] = NoopHandler()
    if "similar" in ws.kinds:
        from models.handlers_similar import SimilarHandler

        handlers["similar"] = SimilarHandler.from_settings(settings)
    return handlers


def start_metrics(ws: WorkerSettings) -> Any:
    """The Prometheus ``/metrics`` server, on ``NORAE_WORKER_METRICS_HOST`` (loopback unless
    widened): job counts and queue depths are nobody else's business. Returns the server."""
    from prometheus_client import start_http_server

    server, _thread = start_http_server(ws.metrics_port, addr=ws.metrics_host)
    log.info("metrics on %s:%d/metrics", ws.metrics_host, ws.metrics_port)
    return server


def worker_config(settings: Settings) -> WorkerConfig:
    ws = settings.worker
    return WorkerConfig(
        max_batch=ws.max_batch,
        max_wait_ms=ws.max_wait_ms,
        block_ms=ws.block_ms,
        visibility_timeout_s=ws.visibility_timeout_s,
        max_deliveries=ws.max_deliveries,
        janitor_interval_s=ws.janitor_interval_s,
        heartbeat_interval_s=ws.heartbeat_interval_s,
    )


async def serve(settings: Settings, redis_url: str) -> None:
    started = time.perf_counter()
    handlers = build_handlers(settings)
    log.info("models ready in %.1fs", time.perf_counter() - started)
    if settings.worker.metrics_port:
        start_metrics(settings.worker)
    redis = connect(redis_url, max_connections=settings.redis.max_connections)
    streams = JobStreams(
        redis,
        result_ttl_s=settings.worker.result_ttl_s,
        partitions=settings.redis.job_partitions,
    )
    worker = Worker(streams, handlers, worker_config(settings))
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, worker.stop)
    try:
        await worker.run()
    finally:
        for handler in handlers.values():
            await handler.close()
        await redis.aclose()
