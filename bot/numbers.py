"""Numbers people type (query strings, block parameters, commands), read strictly.

``str.isdigit`` is True for superscripts and other digit-like characters (``"²"``, ``"①"``) that
``int()`` refuses, and ``int()`` itself reads Arabic-Indic or full-width digits, underscores and
signs. A number here is 1-6 ASCII digits and nothing else; anything else is "not a number", which
the caller answers with a 4xx or a plain message, never an exception.
"""

from __future__ import annotations

import re

MAX_DIGITS = 6
_DIGITS = re.compile(rf"[0-9]{{1,{MAX_DIGITS}}}")


def strict_int(text: object) -> int | None:
    """``text`` as an int when it is 1-6 ASCII digits (spaces around allowed), else None."""
    if not isinstance(text, str):
        return None
    text = text.strip(" \t")
    return int(text) if _DIGITS.fullmatch(text) else None
