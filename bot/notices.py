"""Texts every platform shows when the bot refuses or cannot serve, in Korean and English.

Kakao shows the Korean text, Discord the one of the interaction's locale, the web the one its
browser asks for (``Accept-Language``) with both in the JSON. :func:`both` is for a place that does
not know the reader's language.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["ko", "en"]

SLOW_DOWN = {
    "ko": "조금 천천히 해 주세요. {seconds}초 뒤에 다시 할 수 있어요.",
    "en": "Slow down a little: you can do that again in {seconds} s.",
}
TOO_MANY_IDENTITIES = {
    "ko": "이 네트워크에서 새 방문자가 너무 많아요. 쿠키를 켜고 {seconds}초 뒤에 다시 해 주세요.",
    "en": "Too many new visitors from your network. Allow cookies and try again in {seconds} s.",
}
TOO_MANY_VOTERS = {
    "ko": "이 네트워크에서는 이번 투표에 더 참여할 수 없어요.",
    "en": "No more votes from your network are counted in this round.",
}
UNAVAILABLE = {
    "ko": "잠시 서비스를 쓸 수 없어요. 조금 뒤에 다시 해 주세요.",
    "en": "norae is briefly unavailable. Please try again in a moment.",
}
MODEL_FAILED = {
    "ko": "모델이 지금 답하지 못했어요. 잠시 후 다시 해 주세요.",
    "en": "The model could not answer just now. Please try again in a moment.",
}


def text(texts: dict[str, str], lang: str, **fields: object) -> str:
    return texts["ko" if lang.startswith("ko") else "en"].format(**fields)


def both(texts: dict[str, str], **fields: object) -> str:
    """Korean, then English: for readers whose language is unknown."""
    return f"{texts['ko'].format(**fields)} / {texts['en'].format(**fields)}"
