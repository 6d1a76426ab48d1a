"""Lyrics from KakaoTalk: a new song in an imported artist's style, and another take of it.

In ``가사`` without ``/`` the longest leading words that name an imported artist are the artist
and the rest is the theme (``가사 아이유 비 오는 날``). The last request is kept per user for
``가사 다시``.
"""

from __future__ import annotations

from bot.kakao.commands import AnyCommand, Context, Help, KakaoCommand
from bot.kakao.grammar import Command, artist_and_theme, rule, say
from bot.kakao.rendering import Reply
from bot.lyrics.service import LyricsService, WrittenSong
from bot.texts import text

PLACE = 20
LAST_LYRICS_TTL_S = 86400


async def lyrics(ctx: Context, c: Command) -> WrittenSong | Reply:
    return await _write(ctx, c.artist, c.theme)


async def again(ctx: Context, c: Command) -> WrittenSong | Reply:
    last = await ctx.state.last_lyrics(ctx.user)
    if last is None:
        return Reply().text(text("kakao-lyrics-again-first", "ko"))
    return await _write(ctx, last["artist"], last["theme"])


async def _write(ctx: Context, artist: str, theme: str) -> WrittenSong | Reply:
    if not artist:
        return Reply().text(text("kakao-lyrics-no-artist", "ko"))
    service = ctx.services.lyrics
    if not theme:
        artist, theme = await artist_and_its_theme(service, artist)
    song = await service.write(artist, theme=theme or None)
    request = {"artist": song.artist, "theme": theme}
    await ctx.state.set_last_lyrics(ctx.user, request, LAST_LYRICS_TTL_S)
    return song


async def artist_and_its_theme(service: LyricsService, words: str) -> tuple[str, str]:
    """``"아이유 비 오는 날"``: the longest leading words that name an imported artist."""
    parts = words.split()
    for k in range(len(parts), 0, -1):
        name = await service.artist_name(" ".join(parts[:k]))
        if name is not None:
            return name, " ".join(parts[k:])
    return words, ""


def song(ctx: Context, c: Command, written: WrittenSong) -> Reply:
    head = text("kakao-lyrics-song", "ko", title=written.title, artist=written.artist)
    if written.cut:
        head += "\n" + text("kakao-lyrics-cut", "ko")
    again = text("kakao-quick-lyrics-again", "ko")
    return Reply().text(f"{head}\n\n{written.text}").quick_reply(again, say("lyrics.again"))


COMMANDS: tuple[AnyCommand, ...] = (
    # Before "lyrics": the first match wins, and "가사 다시" would be a song by «다시».
    KakaoCommand(
        "lyrics.again",
        again,
        song,
        rules=(rule(r"^(?:가사|lyrics)\s+(?:다시|again)$"),),
        slow=True,
        action="lyrics",
    ),
    KakaoCommand(
        "lyrics",
        lyrics,
        song,
        rules=(rule(r"^(?:가사|lyrics)(?:\s+(?P<rest>.*))?$", artist_and_theme),),
        slow=True,
        action="lyrics",
        help=Help("kakao-usage-lyrics", "kakao-does-lyrics"),
    ),
)
