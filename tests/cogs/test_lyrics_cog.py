"""The lyrics cog with spec'd Interaction mocks, on real Redis with a worker."""

from __future__ import annotations

import re
from typing import Any, cast
from unittest.mock import AsyncMock, MagicMock

import discord

from bot.inference import InferenceClient
from bot.lyrics.service import LyricsService
from cogs.lyrics import AnotherTake, Lyrics, take_custom_id
from models.handlers import GenerateHandler
from storage.connection import Redis
from tests.bot.test_lyrics import KO_ARTIST, NEW_LINES, SETTINGS, ScriptedGenerator, _seed
from tests.cogs.mocks import answerable, invoke
from tests.worker_support import running_worker

LYRICS: Any = Lyrics.lyrics_command.callback  # (cog, interaction, artist, theme, lines, language)


def interaction(order: list[str]) -> Any:
    inter = MagicMock(spec=discord.Interaction)
    inter.user = MagicMock(spec=discord.Member, id=5, display_name="둘", bot=False)
    inter.response = MagicMock(spec=discord.InteractionResponse)
    inter.response.defer = AsyncMock(side_effect=lambda **_: order.append("defer"))
    inter.followup = MagicMock(spec=discord.Webhook)
    inter.followup.send = AsyncMock()
    inter.response.send_message = AsyncMock()
    return answerable(inter)


class OrderedGenerator(ScriptedGenerator):
    def __init__(self, order: list[str], script: list[str]) -> None:
        super().__init__(script)
        self.order = order

    def generate(self, requests: Any) -> Any:
        self.order.append("generate")
        return super().generate(requests)


async def test_lyrics_defers_then_answers_with_an_embed_and_another_take(redis: Redis) -> None:
    order: list[str] = []
    generator = OrderedGenerator(order, ["\n".join(NEW_LINES * 2)])
    async with InferenceClient(redis, timeout_s=20) as client:
        service = LyricsService(redis, client, SETTINGS)
        await _seed(service)
        cog = Lyrics(MagicMock(), service)
        inter = interaction(order)
        async with running_worker(redis, {"generate": GenerateHandler(generator)}):
            await LYRICS(cog, inter, KO_ARTIST, "봄", 6, None)
    assert order[0] == "defer" and "generate" in order  # deferred before any model call
    kwargs = inter.followup.send.await_args.kwargs
    embed: discord.Embed = kwargs["embed"]
    assert kwargs["allowed_mentions"].to_dict() == {"parse": []}
    assert KO_ARTIST in (embed.author.name or "")
    assert embed.fields and all(len(f.value or "") <= 1024 for f in embed.fields)
    assert len(embed) <= 6000
    (button,) = kwargs["view"].children
    assert isinstance(button, AnotherTake)
    assert button.request == (KO_ARTIST, "봄", 6, None)


async def test_unknown_artist_is_answered_with_the_closest_names(redis: Redis) -> None:
    service = LyricsService(redis, MagicMock(), SETTINGS)
    await _seed(service)
    inter = interaction([])
    await invoke(LYRICS, Lyrics(MagicMock(), service), inter, "소월", None, None, None)
    args, kwargs = inter.followup.send.await_args  # after the defer: a private follow-up
    assert KO_ARTIST in args[0] and kwargs["ephemeral"] is True


async def test_artist_autocomplete_offers_imported_names(redis: Redis) -> None:
    service = LyricsService(redis, None, SETTINGS)
    await _seed(service)
    cog = Lyrics(MagicMock(), service)
    autocomplete: Any = cast(Any, cog).artist_autocomplete
    choices = await autocomplete(interaction([]), "Isa")
    assert choices and choices[0].value == "Isaac Watts"


async def test_another_take_button_survives_a_restart() -> None:
    cid = take_custom_id("김소월", "진달래 " * 40, 8, "ko")  # a long theme is dropped, not cut
    assert len(cid) <= 100
    match = re.fullmatch(AnotherTake.__discord_ui_compiled_template__, cid)
    assert match is not None
    item = await AnotherTake.from_custom_id(MagicMock(), MagicMock(), match)
    assert item.request == ("김소월", None, 8, "ko")
