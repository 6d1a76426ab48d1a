"""The seven emotions norae recognises, in label-id order, with their Korean names, and how a
classifier's label (an English name in any case, or a Korean one) maps onto them."""

from __future__ import annotations

EMOTIONS: tuple[str, ...] = ("joy", "sadness", "anger", "fear", "surprise", "disgust", "neutral")

KOREAN: dict[str, str] = {
    "joy": "기쁨",
    "sadness": "슬픔",
    "anger": "분노",
    "fear": "공포",
    "surprise": "놀람",
    "disgust": "혐오",
    "neutral": "중립",
}

FROM_KOREAN: dict[str, str] = {ko: en for en, ko in KOREAN.items()} | {"행복": "joy"}


def normalize_emotion(label: str) -> str:
    """One of :data:`EMOTIONS` for a classifier's label: hub models spell some in upper case or
    Korean; a label not known at all counts as ``neutral``."""
    low = label.strip().lower()
    if low in EMOTIONS:
        return low
    return FROM_KOREAN.get(label.strip(), "neutral")
