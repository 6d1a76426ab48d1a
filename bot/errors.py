"""The one family of errors a person may read.

A service raises ``UserError(code, **params)`` (or a feature's subclass of it); the front door
that caught it asks :meth:`UserError.message` for the reader's language, which looks ``code`` up
in the catalogs (:mod:`bot.texts`). Anything that is not a ``UserError`` is internal: front doors
log it and show the reader :data:`INTERNAL` instead, never its text.
"""

from __future__ import annotations

from bot import texts

INTERNAL = "error-unknown"


class UserError(Exception):
    """A refusal or failure the reader is told about, as a catalog code with its variables."""

    code: str = INTERNAL

    def __init__(self, code: str | None = None, /, **params: object) -> None:
        if code is not None:
            self.code = code
        self.params = params
        super().__init__(self.code)

    def message(self, lang: str | None) -> str:
        """The text in the reader's language (``ko``, ``en`` or a locale such as ``ko-KR``)."""
        return texts.text(self.code, lang, **self.params)

    def __str__(self) -> str:  # logs and tests; readers get message()
        return self.message("en")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, **{self.params!r})"


def message_for(error: BaseException, lang: str | None) -> str:
    """What a reader is shown for ``error``: its text when it is a UserError, else a plain
    "something went wrong" (an internal error's text is for the log, not the reader)."""
    if isinstance(error, UserError):
        return error.message(lang)
    return texts.text(INTERNAL, lang)
