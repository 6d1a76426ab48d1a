"""Small text helpers shared by the generation backends (no model imports)."""

from __future__ import annotations


def apply_stop(text: str, stops: list[str]) -> str:
    """Cut ``text`` at the earliest stop string (the stop string itself is not kept)."""
    cut = len(text)
    for stop in stops:
        at = text.find(stop)
        if at != -1:
            cut = min(cut, at)
    return text[:cut]


def drop_broken_chars(text: str) -> str:
    """Remove U+FFFD left by byte-level tokenizers when a character's bytes are cut mid-way
    (at ``max_new_tokens``) or a small model emits an invalid byte sequence."""
    return text.replace("\ufffd", "")
