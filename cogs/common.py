"""What every cog renders with: Discord's limits, number emoji, no pings, shortening."""

from __future__ import annotations

import discord
from discord import app_commands

MESSAGE_LIMIT = 2000
NUMBERS = ("1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣")
# Everything that echoes user or model text is sent with this: nobody is pinged.
NO_MENTIONS = discord.AllowedMentions.none()


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


LANGUAGE_CHOICES = [
    app_commands.Choice(name="한국어", value="ko"),
    app_commands.Choice(name="English", value="en"),
]
