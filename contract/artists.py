"""The artist tag: how a song names its artist to the generator, and what the bot stops on.

Every training song starts with ``<artist=NAME>`` on its own line (``models/training/corpus.py``),
so a generator trained on them writes in an artist's style when prompted with the tag, and writes
the tag's start again where one song ends and the next would begin: the lyrics service stops
generation at :data:`ARTIST_TAG_PREFIX`.
"""

from __future__ import annotations

import re

ARTIST_TAG_PREFIX = "<artist="

_ARTIST_TAG_RE = re.compile(r"^<artist=([^<>\n]+)>")


def artist_tag(artist: str) -> str:
    """The tag that prefixes every song of ``artist``: ``<artist=김소월>``.

    The lyrics service prompts the generator with this tag to write in that artist's style.
    """
    name = " ".join(artist.replace("<", "").replace(">", "").split())
    if not name:
        raise ValueError("artist name is empty")
    return f"{ARTIST_TAG_PREFIX}{name}>"


def parse_artist_tag(text: str) -> str | None:
    """The artist named by a leading :func:`artist_tag`, or ``None``."""
    match = _ARTIST_TAG_RE.match(text)
    return match.group(1) if match else None
