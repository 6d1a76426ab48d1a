"""Older texts some front doors still show when the bot refuses or cannot serve, in Korean and
English. New texts (and every error a service raises) are in the Fluent catalogs instead
(``bot/locales``, :mod:`bot.texts`), where these are too (``unavailable``, ``too-many-voters``).

Kakao shows the Korean text, Discord the one of the interaction's locale, the web the one its
browser asks for (``Accept-Language``) with both in the JSON. :func:`both` is for a place that does
not know the reader's language.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["ko", "en"]

TOO_MANY_VOTERS = {
    "ko": "이 네트워크에서는 이번 투표에 더 참여할 수 없어요.",
    "en": "No more votes from your network are counted in this round.",
}
UNAVAILABLE = {
    "ko": "잠시 서비스를 쓸 수 없어요. 조금 뒤에 다시 해 주세요.",
    "en": "norae is briefly unavailable. Please try again in a moment.",
}


def text(texts: dict[str, str], lang: str, **fields: object) -> str:
    return texts["ko" if lang.startswith("ko") else "en"].format(**fields)


def both(texts: dict[str, str], **fields: object) -> str:
    """Korean, then English: for readers whose language is unknown."""
    return f"{texts['ko'].format(**fields)} / {texts['en'].format(**fields)}"
