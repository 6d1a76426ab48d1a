"""Simple commands in the web chat: the page's "더보기 · More" panel (:mod:`bot.commands`).

``GET /api/commands`` lists them for the page's forms, in the browser's language::

    {"commands": [{"name", "description", "text_label", "text_required", "max_text_chars"}]}

``POST /api/commands/<name>`` with ``{"text": "…"}`` (and the page's ``"room"``, optional) runs
the command for this browser and answers ``{"text": "…"}``. An unknown name is a 404; a text that
is missing (when the command needs one), too long or not a string is a 400; each refusal says why
in Korean and English (the catalogs' ``web-command-*``). Each run spends the command's own rate
limit action (:func:`bot.web.middleware.abuse_limits`).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict

from bot import commands
from bot.commands import Request, SimpleCommand
from bot.relay.text import has_visible, strip_controls
from bot.web.errors import WebError, json_response
from bot.web.requests import actor, checked_room, read_body, request_language, services

LOBBY = "lobby"  # the page's first room: where a command runs when the page names none


class CommandBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Any = None  # checked by the handler, which says what is wrong in both languages
    room: str = LOBBY


def command_named(name: str) -> SimpleCommand | None:
    """The simple command called ``name``, if there is one."""
    return next((c for c in commands.simple_commands() if c.name == name), None)


async def listing(request: web.Request) -> web.Response:
    lang = request_language(request)
    return json_response(
        {
            "commands": [
                {
                    "name": command.name,
                    "description": command.description(lang),
                    "text_label": command.text_label(lang),
                    "text_required": command.text_required,
                    "max_text_chars": command.max_text_chars,
                }
                for command in commands.simple_commands()
            ]
        }
    )


async def run(request: web.Request) -> web.Response:
    command = command_named(request.match_info["name"])
    if command is None:
        raise WebError("web-command-unknown", status=404)
    body = await read_body(request, CommandBody)
    text = _checked_text(command, body.text)
    channel = checked_room(body.room)
    lang = request_language(request)
    answer = await command.run(Request(services(request), actor(request), channel, lang, text))
    return json_response({"text": answer})


def _checked_text(command: SimpleCommand, raw: object) -> str:
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        raise WebError("web-command-text-type")
    text = strip_controls(raw, keep_newlines=False).strip()  # one line, nothing hidden in it
    if not has_visible(text):
        text = ""
    if not text and command.text_required:
        raise WebError("web-command-text-missing")
    if len(text) > command.max_text_chars:
        raise WebError("web-command-text-too-long", max=command.max_text_chars)
    return text


def setup(app: web.Application) -> None:
    app.router.add_get("/api/commands", listing)
    app.router.add_post("/api/commands/{name}", run)
