"""The web page stops the music under the crisis banner: app.js run by Node against a tiny fake DOM.

Skips when Node is not installed (the browser test in tests/browser covers the page in Chromium).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "bot" / "web" / "static" / "app.js"
DRIVER = Path(__file__).resolve().parent / "js" / "crisis_music.js"

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")


def test_the_crisis_banner_pauses_the_music_and_nothing_restarts_it() -> None:
    node = shutil.which("node")
    assert node is not None
    done = subprocess.run(
        [node, str(DRIVER), str(SCRIPT)], capture_output=True, text=True, timeout=30, check=True
    )
    seen = json.loads(done.stdout)
    assert seen == {
        "playingBefore": True,  # a song was playing when the crisis reply came
        "bannerShown": True,
        "pausedByBanner": True,
        "cardPlayRefused": True,  # a song card's play button does nothing under the banner
        "controlsPlayStopped": True,  # nor does the player's own play control
        "playlistDidNotMoveOn": True,  # nor the playlist moving to the next song
        "playsAfterClose": True,  # closing the banner gives the player back
    }
