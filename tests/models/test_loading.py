"""Loading by local path through the same code as a hub id; clear errors for broken models."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from models.loading import ModelLoadError, load_causal_lm, load_classifier


def _copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def test_tiny_models_load_by_path(tiny_gpt2: Path, tiny_classifier: Path) -> None:
    lm = load_causal_lm(str(tiny_gpt2))
    assert lm.tokenizer.padding_side == "left" and lm.tokenizer.pad_token is not None
    clf = load_classifier(str(tiny_classifier))
    assert clf.model.config.id2label[0] == "joy"


def test_missing_directory_names_it(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="does not exist"):
        load_causal_lm(str(tmp_path / "nowhere"))


def test_missing_config_names_the_file(tiny_gpt2: Path, tmp_path: Path) -> None:
    model = _copy(tiny_gpt2, tmp_path / "m")
    (model / "config.json").unlink()
    with pytest.raises(ModelLoadError, match=r"config.json is missing"):
        load_causal_lm(str(model))


def test_corrupt_weights_name_the_file(tiny_gpt2: Path, tmp_path: Path) -> None:
    model = _copy(tiny_gpt2, tmp_path / "m")
    (model / "model.safetensors").write_bytes(b"\x00garbage" * 10)
    with pytest.raises(ModelLoadError, match=r"model.safetensors is corrupt"):
        load_causal_lm(str(model))


def test_pickled_weights_are_refused(tiny_gpt2: Path, tmp_path: Path) -> None:
    model = _copy(tiny_gpt2, tmp_path / "m")
    (model / "model.safetensors").rename(model / "pytorch_model.bin")
    with pytest.raises(ModelLoadError, match="pickled weights are not loaded"):
        load_causal_lm(str(model))


def test_missing_tokenizer_names_the_directory(tiny_gpt2: Path, tmp_path: Path) -> None:
    model = _copy(tiny_gpt2, tmp_path / "m")
    (model / "tokenizer.json").unlink()
    with pytest.raises(ModelLoadError, match="no tokenizer file"):
        load_causal_lm(str(model))


def test_unreachable_hub_id_is_a_clear_error() -> None:
    with pytest.raises(ModelLoadError, match="could not load model 'nobody/no-such-model'"):
        load_causal_lm("nobody/no-such-model")
