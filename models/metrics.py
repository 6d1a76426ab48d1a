"""Prometheus metrics of the inference worker (served by ``norae worker`` on its metrics port)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

QUEUE_DEPTH = Gauge("norae_queue_depth", "Jobs waiting or in flight", ["kind"])
BATCH_SIZE = Histogram(
    "norae_batch_size", "Jobs per batch", ["kind"], buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256)
)
JOB_LATENCY = Histogram(
    "norae_job_latency_seconds",
    "Enqueue to answer",
    ["kind", "status"],
    buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
JOBS = Counter("norae_jobs_total", "Jobs answered", ["kind", "status"])
ERRORS = Counter("norae_job_errors_total", "Job failures", ["kind", "reason"])
