"""Asking the model for text with its scores, for any generator the services are given.

The inference client returns each continuation with the model's mean log-probability per token;
simpler generators (a remote backend, a test's scripted one) may only have ``generate``, and then
every score is None and ranking falls back to the text rules alone.
"""

from __future__ import annotations

from typing import Any


async def generate_scored(
    inference: Any, prompt: str, *, timeout: float | None = None, **params: Any
) -> list[tuple[str, float | None]]:
    """The continuations of one prompt with their scores (None where the backend has none)."""
    scored = getattr(inference, "generate_scored", None)
    if scored is not None:
        texts, scores = await scored([prompt], timeout=timeout, **params)
        row_scores = scores[0] if scores else [None] * len(texts[0])
        return list(zip(texts[0], row_scores, strict=True)) if texts else []
    texts = await inference.generate([prompt], timeout=timeout, **params)
    return [(text, None) for text in (texts[0] if texts else [])]
