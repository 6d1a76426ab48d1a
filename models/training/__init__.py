"""Training pipeline for the bundled starter models (generator and emotion classifier).

Nothing here imports torch at module level; the ``norae train`` and ``norae emotion`` commands
(``bot/cli/train.py``) import the trainers inside the commands. The artist tag every training song
starts with is part of the contract (:mod:`contract.artists`): the bot prompts and stops with it.
"""

from models.training.corpus import DEFAULT_DATA_DIR, format_song

__all__ = ["DEFAULT_DATA_DIR", "format_song"]
