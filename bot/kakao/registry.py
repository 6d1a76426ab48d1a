"""Every Kakao command, in order: the features' (:mod:`bot.kakao.commands`, found by listing
that package) and the simple commands (:mod:`bot.kakao.simple`), by their ``PLACE``.

:func:`parse` tries their rules in that order (the first match wins), and an utterance no rule
matches is a message for the mood companion; :func:`apply_params` lays a block's parameters over
it (see :mod:`bot.kakao.grammar` for the grammar).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from functools import cache

import bot.kakao.commands as features
from bot.kakao import simple
from bot.kakao.commands import AnyCommand
from bot.kakao.grammar import Command, overlay, squash

COMPANION = "mood"  # the kind of whatever is not a command

Group = tuple[int, str, tuple[AnyCommand, ...]]  # (place, module name, its commands)


@cache
def _features() -> tuple[Group, ...]:
    found: list[Group] = []
    for info in pkgutil.iter_modules(features.__path__):
        module = importlib.import_module(f"{features.__name__}.{info.name}")
        declared = getattr(module, "COMMANDS", None)
        if declared:
            found.append((int(getattr(module, "PLACE", 100)), info.name, tuple(declared)))
    return tuple(found)


def commands() -> tuple[AnyCommand, ...]:
    """Every command, in the order the grammar tries them and the help lists them."""
    groups = [*_features(), (simple.PLACE, "simple", simple.kakao_commands())]
    groups.sort(key=lambda group: (group[0], group[1]))
    found = tuple(command for _, _, declared in groups for command in declared)
    kinds = [command.kind for command in found]
    if len(set(kinds)) != len(kinds):
        twice = sorted({kind for kind in kinds if kinds.count(kind) > 1})
        raise RuntimeError(f"Kakao commands declared twice: {twice}")
    return found


def lookup(kind: str) -> AnyCommand:
    for command in commands():
        if command.kind == kind:
            return command
    raise KeyError(kind)


def kinds() -> tuple[str, ...]:
    return tuple(command.kind for command in commands())


def parse(utterance: str) -> Command:
    """The command an utterance names; anything else is a message for the mood companion."""
    text = squash(utterance)
    for command in commands():
        for rule in command.rules:
            found = rule.read(command.kind, text)
            if found is not None:
                return found
    return Command(COMPANION, text=text)


def apply_params(command: Command, params: Mapping[str, object]) -> Command:
    """Overlay a block's ``action.params`` (strings, as Kakao sends them) on a parsed command."""
    return overlay(command, params, kinds())
