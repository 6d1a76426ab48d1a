"""The mood companion from KakaoTalk: feelings answered with songs, sound-alikes, forgetting.

Anything that is not a command is a message to the companion (``mood``), but only when
:mod:`bot.mood.feeling` says it is about how the writer feels (:func:`for_the_companion`; a
crisis always is, and the skill answers it first). Songs are ``listCard`` items (≤ 5 per card,
linked when the song has a web URL); a picked song is a ``basicCard`` when
``NORAE_KAKAO_THUMBNAIL_URL`` gives it an image (Kakao requires one) and a ``textCard``
otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.kakao.commands import AnyCommand, Context, Help, KakaoCommand
from bot.kakao.grammar import NUMBER, Command, choice, policy, rule, say
from bot.kakao.rendering import MAX_OUTPUTS, MAX_QUICK_REPLIES, Reply, cut
from bot.mood.feeling import classify as classify_feeling
from bot.mood.service import MoodReply, SongCard
from bot.texts import text

PLACE = 30
MORE = "mood.more"  # the help line that lists the smaller commands together

LIST_ITEMS = 5
CARD_TITLE_CHARS = 50
BASIC_DESCRIPTION_CHARS = 230
TEXT_CARD_DESCRIPTION_CHARS = 400
ITEM_DESCRIPTION_CHARS = 80
CARD_BUTTONS = 3


def for_the_companion(utterance: str) -> bool:
    """A feeling or a crisis; an empty (or invisible) message is left to the companion too,
    which says that it is empty."""
    verdict = classify_feeling(utterance)
    return bool(verdict.feeling) or verdict.reason == "empty"


# --- songs -----------------------------------------------------------------------------------


def _web_link(url: str) -> str | None:
    return url if url.startswith(("https://", "http://")) and len(url) <= 1000 else None


def song_card(card: SongCard, thumbnail: str | None) -> dict[str, Any]:
    """One song: a basicCard with the configured image, else a textCard."""
    description = "\n".join(x for x in (card.artist, card.snippet) if x)
    buttons = []
    if link := _web_link(card.url):
        buttons.append(
            {"action": "webLink", "label": text("kakao-mood-listen", "ko"), "webLinkUrl": link}
        )
    title = card.title or text("kakao-untitled", "ko")
    body: dict[str, Any] = {"title": cut(title, CARD_TITLE_CHARS)}
    if thumbnail:
        body["description"] = cut(description, BASIC_DESCRIPTION_CHARS)
        body["thumbnail"] = {"imageUrl": thumbnail}
        kind = "basicCard"
    else:
        body["description"] = cut(description, TEXT_CARD_DESCRIPTION_CHARS)
        kind = "textCard"
    if buttons:
        body["buttons"] = buttons[:CARD_BUTTONS]
    return {kind: body}


def song_list(header: str, cards: Sequence[SongCard], start: int = 1) -> dict[str, Any]:
    """A listCard of up to five songs, numbered from ``start`` (the numbers users pick by)."""
    items = []
    for n, card in enumerate(cards[:LIST_ITEMS], start):
        item: dict[str, Any] = {
            "title": cut(f"{n}. {card.title}", CARD_TITLE_CHARS),
            "description": cut(card.artist or card.mood, ITEM_DESCRIPTION_CHARS),
        }
        if link := _web_link(card.url):
            item["link"] = {"web": link}
        items.append(item)
    return {"listCard": {"header": {"title": cut(header, CARD_TITLE_CHARS)}, "items": items}}


def mood_reply(ctx: Context, c: Command, reply: MoodReply) -> Reply:
    out = Reply().text(reply.text)
    if reply.picked is not None:
        out.cards.append(song_card(reply.picked, ctx.settings.thumbnail_url))
    shown = 0
    # One card for the picked song, so room for one list; two lists otherwise (≤ 10 songs).
    for start in range(0, len(reply.songs), LIST_ITEMS):
        if len(out.cards) >= MAX_OUTPUTS - 1:
            break
        chunk = reply.songs[start : start + LIST_ITEMS]
        # The headers read in the reply's language, like its text.
        if reply.picked is not None:
            header = text("kakao-mood-like", reply.language, title=reply.picked.title)
        else:
            header = text("kakao-mood-songs", reply.language)
        out.cards.append(song_list(header, chunk, start + 1))
        shown += len(chunk)
    for n, label in enumerate(reply.choices[:shown], 1):
        if n < MAX_QUICK_REPLIES:  # one place left for the match/lift switch
            out.quick_reply(label, say("mood.pick", n))
    if reply.policy == "match":
        out.quick_reply(text("kakao-quick-lift", "ko"), say("mood.policy", "lift"))
    elif reply.policy == "lift":
        out.quick_reply(text("kakao-quick-match", "ko"), say("mood.policy", "match"))
    return out


# --- handlers --------------------------------------------------------------------------------


async def message(ctx: Context, c: Command) -> MoodReply:
    return await ctx.services.mood.message(ctx.user, c.text)


async def pick(ctx: Context, c: Command) -> MoodReply:
    return await ctx.services.mood.pick(ctx.user, c.choice if c.choice is not None else c.text)


async def set_policy(ctx: Context, c: Command) -> MoodReply:
    return await ctx.services.mood.set_policy(ctx.user, c.policy)


async def forget(ctx: Context, c: Command) -> Reply:
    await ctx.services.mood.forget(ctx.user)
    await ctx.state.forget(ctx.user)
    return Reply().text(text("kakao-mood-forgot", "ko"))


COMMANDS: tuple[AnyCommand, ...] = (
    KakaoCommand(
        "mood",  # no keyword: whatever is not a command (see for_the_companion)
        message,
        mood_reply,
        slow=True,
        action="mood",
        help=Help(does="kakao-does-mood"),
    ),
    KakaoCommand(
        "mood.pick",
        pick,
        mood_reply,
        rules=(
            rule(rf"^(?:고르기|pick)\s*{NUMBER}$", choice),
            rule(r"^(?:고르기|pick)(?:\s+(?P<rest>.*))?$", choice),  # no number
        ),
        slow=True,
        action="mood",
        help=Help("kakao-usage-mood-pick", "kakao-does-mood-pick", line=MORE),
    ),
    KakaoCommand(
        "mood.policy",
        set_policy,
        mood_reply,
        rules=(rule(r"^(?:추천\s*방식|mood)\s+(?P<rest>\S+)$", policy),),
        help=Help("kakao-usage-mood-policy", line=MORE),
    ),
    KakaoCommand(
        "mood.forget",
        forget,
        rules=(rule(r"^(?:기억\s*지우기|forget me)$"),),
        help=Help("kakao-usage-mood-forget", line=MORE),
    ),
)
