"""Training pipeline for the bundled starter models (generator and emotion classifier).

Nothing here imports torch at module level: the bot imports the Typer apps in
:mod:`models.training.cli`, and the heavy imports happen inside the commands.
"""

from models.training.corpus import DEFAULT_DATA_DIR, artist_tag, format_song, parse_artist_tag

__all__ = [
    "DEFAULT_DATA_DIR",
    "artist_tag",
    "format_song",
    "parse_artist_tag",
]
