"""The bot process stays light: importing every part it runs loads no model library.

The front doors, the services and ``norae up`` run in the bot process; torch, numpy, librosa,
annoy and the rest belong to the inference worker (models/) and to offline commands, which import
them lazily. A fresh interpreter imports the bot process's modules and lists what it loaded.
"""

from __future__ import annotations

import subprocess
import sys

HEAVY = (
    "torch",
    "numpy",
    "librosa",
    "annoy",
    "sklearn",
    "scipy",
    "transformers",
    "soundfile",
    "av",
    "matplotlib",
)

BOT_PROCESS = (
    "bot.cli.main",  # the `norae` command itself
    "bot.cli.up",  # the supervisor: embedded Redis, web app, Discord bot, worker child
    "bot.services",
    "bot.web.app",
    "bot.kakao.skill",
    "bot.discord_bot",
)


def test_importing_the_bot_process_loads_no_model_library() -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        f"for name in {BOT_PROCESS!r}:\n"
        "    importlib.import_module(name)\n"
        "import cogs\n"
        "for info in pkgutil.iter_modules(cogs.__path__):\n"
        "    importlib.import_module('cogs.' + info.name)\n"
        "import bot.commands\n"
        "bot.commands.simple_commands()\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", done.stdout
