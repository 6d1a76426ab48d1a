"""The seven emotions norae recognises, in label-id order, with their Korean names."""

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
