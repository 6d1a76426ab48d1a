"""Asserting a refusal by its catalog code and variables, not by the words of one language."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TypeVar

import pytest

from bot import texts
from bot.errors import UserError

E = TypeVar("E", bound=UserError)


@contextlib.contextmanager
def refused(kind: type[E], code: str, /, **params: object) -> Iterator[pytest.ExceptionInfo[E]]:
    """The block raises ``kind`` with ``code`` (and these variables, when given), and its text
    formats in both languages with the variables it carries."""
    with pytest.raises(kind) as info:
        yield info
    error = info.value
    assert error.code == code, f"{error.code!r} ({error!r}), not {code!r}"
    for name, value in params.items():
        assert error.params.get(name) == value, f"{name}: {error.params.get(name)!r} ({error!r})"
    for lang in texts.LANGUAGES:
        bundle = texts.bundle(lang)
        assert bundle.has_message(code), f"{code!r} is not in the {lang} catalog"
        pattern = bundle.get_message(code).value
        _, errors = bundle.format_pattern(pattern, dict(error.params))  # type: ignore[arg-type]
        assert not errors, f"{code!r} in {lang}: {errors}"
