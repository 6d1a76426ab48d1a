"""The training pipeline end to end on a tiny corpus the tests write, and the bundled starters."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from benchmarks.generator_quality import distinct_n, longest_copied_span
from bot.cli.train import emotion_app, train_app
from contract.artists import artist_tag, parse_artist_tag
from models.starter import STARTER_DIR, starter_path
from models.training.corpus import (
    Document,
    generator_corpus,
    lyrics_corpus,
    relay_corpus,
    split_by_group,
    split_poems,
)
from models.training.emotion_data import (
    KOTE_TO_LABEL,
    LABELS,
    Example,
    per_class_report,
    read_goemotions,
    read_korean,
    read_kote,
    resolve_gold,
)

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()

KO_ROWS = {
    "행복": ["오늘 정말 행복해요", "너무 기뻐서 웃음이 나", "선물 받아서 좋아"],
    "슬픔": ["너무 슬퍼서 눈물이 나", "헤어져서 마음이 아파", "혼자라서 외로워"],
    "분노": ["진짜 화가 난다", "왜 이렇게 짜증나게 해", "열받아 죽겠네"],
    "공포": ["밤길이 너무 무서워", "시험 떨어질까 봐 겁나", "귀신 나올 것 같아"],
    "놀람": ["헐 진짜 대박이다", "이게 정말이야 믿을 수 없어", "깜짝 놀랐잖아"],
    "혐오": ["더러워서 못 보겠다", "역겨운 냄새가 나", "정말 징그러워"],
    "중립": ["내일 회의는 세 시야", "버스를 타고 왔어", "점심은 김밥 먹었어"],
}
EN_LABELS = ["anger", "disgust", "fear", "joy", "neutral", "sadness", "surprise"]
EN_ROWS = [
    ("I am so happy today", "3"),
    ("This makes me furious", "0"),
    ("That is gross and vile", "1"),
    ("I am scared of the dark", "2"),
    ("The meeting is at noon", "4"),
    ("I miss her so much, I cried", "5"),
    ("Wow, I did not expect that!", "6"),
    ("What a lovely surprise, thank you", "3,6"),
]
POEMS = (
    "1. 진달래꽃\n나 보기가 역겨워\n가실 때에는\n"
    + "=" * 50
    + "\n\n2. 산유화\n산에는 꽃 피네\n꽃이 피네\n"
)


def write_tiny_data(root: Path) -> Path:
    """A miniature copy of the ../shared/data layout (3 novels, poems, hymns, emotion sets)."""
    novels = root / "novels" / "koconovel"
    novels.mkdir(parents=True)
    story = "그날 밤 바람이 불었다. 소년은 길을 따라 걸었다. 달빛이 밝았다. "
    for i in range(3):
        rows = [{"doc_id": f"{i}_{j}", "text": story * (3 + j)} for j in range(3)]
        (novels / f"{i}_novel.jsonl").write_text(
            "\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8"
        )
    poems = root / "lyrics" / "ko_poems"
    poems.mkdir(parents=True)
    (poems / "김소월.txt").write_text(POEMS, encoding="utf-8")
    hymns = root / "lyrics" / "en_hymns"
    hymns.mkdir(parents=True)
    hymn = {"artist": "Isaac Watts", "title": "Joy", "year": "1719", "lyrics": "Joy to the world"}
    (hymns / "hymns.jsonl").write_text(json.dumps(hymn) + "\n", encoding="utf-8")
    _write_emotion(root / "emotion")
    return root


def _write_emotion(root: Path) -> None:
    ko = root / "ko_single_turn"
    ko.mkdir(parents=True)
    lines = ["sentence,emotion"] + [f"{t},{k}" for k, ts in KO_ROWS.items() for t in ts]
    for split in ("train", "valid"):
        (ko / f"{split}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    go = root / "goemotions_ekman"
    go.mkdir(parents=True)
    (go / "labels.txt").write_text("\n".join(EN_LABELS) + "\n", encoding="utf-8")
    tsv = ["text\tlabel\tid"] + [f"{t}\t{lab}\tid{i}" for i, (t, lab) in enumerate(EN_ROWS)]
    for split in ("train", "valid"):
        (go / f"{split}.tsv").write_text("\n".join(tsv) + "\n", encoding="utf-8")
    kote = root / "kote"
    kote.mkdir(parents=True)
    (kote / "val.tsv").write_text("1\t정말 기쁘다\t40,42,1\n2\t화가 난다\t6,22,5\n3\t음\t9\n")


@pytest.fixture(scope="module")
def tiny_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_data(tmp_path_factory.mktemp("data"))


# --- corpus -------------------------------------------------------------------------------------


def test_artist_tag_round_trips() -> None:
    tag = artist_tag("김소월")
    assert tag == "<artist=김소월>"
    assert parse_artist_tag(tag + "\n진달래꽃") == "김소월"
    assert parse_artist_tag("no tag") is None
    with pytest.raises(ValueError):
        artist_tag("  ")


def test_split_poems_strips_numbers() -> None:
    assert split_poems(POEMS) == [
        ("진달래꽃", "나 보기가 역겨워\n가실 때에는"),
        ("산유화", "산에는 꽃 피네\n꽃이 피네"),
    ]


def test_corpus_builders(tiny_data: Path) -> None:
    relay = relay_corpus(tiny_data, extra_texts=["옛날 이야기"])
    assert len(relay) == 10 and relay[-1].group == "extra:0"
    lyrics = lyrics_corpus(tiny_data)
    assert [parse_artist_tag(d.text) for d in lyrics] == ["김소월", "김소월", "Isaac Watts"]
    assert lyrics[0].text.startswith("<artist=김소월>\n진달래꽃\n")
    assert len(generator_corpus(tiny_data)) == 12


def test_missing_data_names_the_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="novels"):
        relay_corpus(tmp_path)


def test_split_by_group_never_splits_a_group() -> None:
    docs = [Document(f"t{i}", f"g{i % 5}") for i in range(50)]
    train, held = split_by_group(docs, 0.2, seed=1)
    assert held and {d.group for d in train}.isdisjoint({d.group for d in held})
    assert len(train) + len(held) == 50


# --- emotion data rules -------------------------------------------------------------------------


def test_emotion_labels_and_readers(tiny_data: Path) -> None:
    assert LABELS == ("joy", "sadness", "anger", "fear", "surprise", "disgust", "neutral")
    assert len(KOTE_TO_LABEL) == 44
    ko = read_korean(tiny_data / "emotion/ko_single_turn/train.csv")
    assert {LABELS[e.labels[0]] for e in ko} == set(LABELS)
    go_dir = tiny_data / "emotion/goemotions_ekman"
    en = read_goemotions(go_dir / "train.tsv", go_dir / "labels.txt")
    assert en[0].labels == (LABELS.index("joy"),)
    assert en[-1].labels == (LABELS.index("joy"), LABELS.index("surprise"))
    kote = read_kote(tiny_data / "emotion/kote/val.tsv")
    assert [e.labels for e in kote] == [(0,), (2,)]  # row 3 maps to nothing and is skipped


def test_any_match_rule_and_report() -> None:
    multi = Example("x", (0, 4), "en")
    assert resolve_gold(multi, 4) == 4
    assert resolve_gold(multi, 2) == 0
    report = per_class_report([0, 0, 1, 2], [0, 1, 1, 2])
    assert report["accuracy"] == 0.75
    classes, confusion = report["classes"], report["confusion"]
    assert isinstance(classes, dict) and isinstance(confusion, list)
    assert classes["joy"]["recall"] == 0.5
    assert confusion[0][1] == 1


# --- checks -------------------------------------------------------------------------------------


def test_starter_path_names_a_missing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    import models.starter as starter
    from models.loading import ModelLoadError

    shutil.copytree(STARTER_DIR / "emotion", tmp_path / "emotion")
    (tmp_path / "emotion" / "model.safetensors").unlink()
    monkeypatch.setattr(starter, "STARTER_DIR", tmp_path)
    with pytest.raises(ModelLoadError, match=r"no \*\.safetensors weights in .*emotion"):
        starter.starter_path("emotion")
    (tmp_path / "emotion" / "model.safetensors").write_bytes(b"truncated")
    with pytest.raises(ModelLoadError, match=r"emotion/model\.safetensors is corrupt"):
        starter.starter_path("emotion")


def test_starter_path_rejects_unknown_names() -> None:
    with pytest.raises(ValueError, match="unknown starter"):
        starter_path("nope")


def test_cli_module_does_not_import_torch() -> None:
    code = "import sys, bot.cli.train; sys.exit('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


# --- benchmark helpers --------------------------------------------------------------------------


def test_copy_span_and_distinct() -> None:
    train = ["a", "b", "c", "d", "e", "f", "g"]
    assert longest_copied_span(["x", "c", "d", "e", "y"], train) == 3
    assert longest_copied_span(["x", "y"], train) == 0
    assert distinct_n([["a", "b", "a", "b"]]) == pytest.approx(2 / 3)


# --- training end to end ------------------------------------------------------------------------


def test_generator_trains_and_loads(tiny_data: Path, tmp_path: Path) -> None:
    from contract.jobs import GenerateRequest
    from models.generation import LocalGenerator
    from models.loading import load_causal_lm

    out = tmp_path / "gen"
    args = [
        "generator",
        "--output",
        str(out),
        "--data-dir",
        str(tiny_data),
        "--vocab-size",
        "300",
        "--layers",
        "1",
        "--hidden",
        "32",
        "--heads",
        "2",
        "--block-size",
        "32",
        "--max-steps",
        "6",
        "--eval-every",
        "3",
        "--batch-size",
        "4",
        "--held-out-fraction",
        "0.3",
        "--device",
        "cpu",
        "--fp16",
    ]
    result = runner.invoke(train_app, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output[result.output.index("{") :])["steps"] == 6
    assert {"model.safetensors", "tokenizer.json", "loss_curve.png", "generation_config.json"} <= {
        p.name for p in out.iterdir()
    }
    assert not list(out.glob("*.bin"))
    loaded = load_causal_lm(str(out))  # the worker's own loading code
    tokenizer = loaded.tokenizer
    assert tokenizer.eos_token == "<|endoftext|>" and tokenizer.pad_token == "<pad>"
    (result,) = LocalGenerator(loaded).generate(
        [GenerateRequest(prompts=[artist_tag("김소월") + "\n"], n=2, max_new_tokens=5, seed=1)]
    )
    assert len(result.texts[0]) == 2
    assert tokenizer.decode(tokenizer("달빛이 밝았다")["input_ids"]) == "달빛이 밝았다"


def test_emotion_trains_loads_and_predicts(tiny_data: Path, tmp_path: Path) -> None:
    from models.loading import load_classifier

    out = tmp_path / "emo"
    args = [
        "emotion",
        "--output",
        str(out),
        "--data-dir",
        str(tiny_data),
        "--vocab-size",
        "300",
        "--hidden",
        "32",
        "--layers",
        "1",
        "--heads",
        "2",
        "--intermediate",
        "64",
        "--max-len",
        "32",
        "--pretrain-steps",
        "4",
        "--pretrain-batch",
        "8",
        "--epochs",
        "1",
        "--batch-size",
        "8",
        "--device",
        "cpu",
    ]
    result = runner.invoke(train_app, args)
    assert result.exit_code == 0, result.output
    assert "ko_single_turn: macro-F1" in result.output and "kote_val" in result.output
    assert (out / "confusion_ko_single_turn.png").is_file()
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert set(metrics["splits"]) == {"ko_single_turn", "goemotions_ekman", "kote_val"}
    loaded = load_classifier(str(out))  # the worker's own loading code
    assert tuple(loaded.model.config.id2label[i] for i in range(7)) == LABELS
    assert loaded.tokenizer("행복")["input_ids"][0] == 2  # [CLS]
    # the Korean lexical head is fitted by default, its weight chosen on Korean valid
    assert loaded.lexical is not None and (out / "lexical_head.npz").is_file()
    assert 0.0 <= metrics["lexical_head"]["weight"] <= 1.0
    assert set(metrics["neural_splits"]) == set(metrics["splits"])
    predicted = runner.invoke(
        emotion_app,
        ["predict", "--model", str(out), "--batch-size", "2", "--device", "cpu"],
        input="좋아\n\nso sad\n",
    )
    assert predicted.exit_code == 0, predicted.output
    rows = [json.loads(line) for line in predicted.stdout.strip().split("\n")]
    assert len(rows) == 3 and all(r["label"] in LABELS and 0 < r["score"] <= 1 for r in rows)


def test_predict_with_missing_model_names_it(tmp_path: Path) -> None:
    result = runner.invoke(emotion_app, ["predict", "--model", str(tmp_path / "gone")], input="x\n")
    assert result.exit_code == 2
    assert "gone" in result.output


# --- bundled starters ---------------------------------------------------------------------------


@pytest.mark.skipif(not (STARTER_DIR / "generator").is_dir(), reason="starter not bundled")
def test_starters_are_small_safe_and_load() -> None:
    from models.loading import load_causal_lm, load_classifier

    files = [p for p in STARTER_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert sum(p.stat().st_size for p in files) <= 30_000_000
    assert not [p for p in files if p.suffix in {".bin", ".pt", ".pth", ".pkl"}]
    generator = load_causal_lm(str(starter_path("generator")))
    assert generator.model.config.model_type == "gpt2"
    emotion = load_classifier(str(starter_path("emotion")))
    assert tuple(emotion.model.config.id2label[i] for i in range(7)) == LABELS


def test_emotion_options_jamo_rdrop_kote_text_and_averaging(
    tiny_data: Path, tmp_path: Path
) -> None:
    out = tmp_path / "emo_opts"
    args = [
        "emotion",
        *("--output", str(out), "--data-dir", str(tiny_data), "--vocab-size", "300"),
        *("--normalization", "nfd", "--mlm-kote-text", "--rdrop", "1.0"),
        *("--select-min-en", "0.0", "--average-top", "2", "--evals-per-epoch", "4"),
        *("--hidden", "32", "--layers", "1", "--heads", "2", "--intermediate", "64"),
        *("--max-len", "32", "--pretrain-steps", "4", "--pretrain-batch", "8"),
        *("--epochs", "1", "--batch-size", "4", "--device", "cpu", "--mask-prob", "0.3"),
        *("--ko-oversample", "1.5", "--kote-train", "--no-lexical-head"),
    ]
    result = runner.invoke(train_app, args)
    assert result.exit_code == 0, result.output
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["config"]["normalization"] == "nfd"
    assert metrics["config"]["mask_prob"] == 0.3
    # KOTE val became training data, so it is no longer reported as out of domain
    assert set(metrics["splits"]) == {"ko_single_turn", "goemotions_ekman"}
    assert "lexical_head" not in metrics and not (out / "lexical_head.json").exists()
    from transformers import AutoTokenizer

    tokens = AutoTokenizer.from_pretrained(out).tokenize("가")
    assert "".join(t.removeprefix("##") for t in tokens) in ("\u1100\u1161", "[UNK]")


def test_selection_score_and_weight_averaging() -> None:
    import torch

    from models.training.emotion import average_states, selection_score

    reports = {"ko_single_turn": {"macro_f1": 0.5}, "goemotions_ekman": {"macro_f1": 0.6}}
    assert selection_score(reports, None) == pytest.approx(0.55)
    assert selection_score(reports, 0.64) == pytest.approx(-0.5)
    assert selection_score(reports, 0.6) == pytest.approx(0.5)
    first = {"w": torch.zeros(2), "n": torch.tensor([1])}
    second = {"w": torch.ones(2) * 2, "n": torch.tensor([5])}
    averaged = average_states([first, second])
    assert torch.equal(averaged["w"], torch.ones(2)) and int(averaged["n"]) == 1


def test_korean_oversampling_and_time_aware_schedule() -> None:
    import random

    from models.training.common import schedule_step
    from models.training.emotion import oversample_korean
    from models.training.emotion_data import Example

    rows = [Example(f"ko{i}", (0,), "ko") for i in range(10)] + [Example("en", (1,), "en")]
    rng = random.Random(0)
    assert len(oversample_korean(rows, 1.0, rng)) == 11
    doubled = oversample_korean(rows, 2.5, rng)
    assert sum(e.lang == "ko" for e in doubled) == 25 and sum(e.lang == "en" for e in doubled) == 1
    assert sum(e.lang == "ko" for e in oversample_korean(rows, 0.5, rng)) == 5
    with pytest.raises(ValueError, match=">= 0"):
        oversample_korean(rows, -1, rng)
    # no budget: the step itself; a budget half spent pulls the schedule to half way
    assert schedule_step(10, 1000, 5.0, None) == 10
    assert schedule_step(10, 1000, 30.0, 60.0) == 500
    assert schedule_step(900, 1000, 30.0, 60.0) == 900
    assert schedule_step(10, 1000, 120.0, 60.0) == 999


def test_emotion_head_command(tiny_data: Path, tiny_classifier: Path, tmp_path: Path) -> None:
    """`norae train emotion-head` adds a head to an existing classifier and re-scores it; a bad
    model path or n-gram range is a clear error with exit code 2."""
    import shutil

    from models.loading import load_classifier

    model = tmp_path / "clf"
    shutil.copytree(tiny_classifier, model)
    args = ["emotion-head", "--model", str(model), "--data-dir", str(tiny_data)]
    result = runner.invoke(train_app, [*args, "--hash-bits", "10", "--device", "cpu"])
    assert result.exit_code == 0, result.output
    assert "ko_single_turn: macro-F1" in result.output
    metrics = json.loads((model / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["lexical_head"]["n_features"] == 2**10
    assert (model / "confusion_kote_val.png").is_file()
    assert load_classifier(str(model)).lexical is not None
    fixed = runner.invoke(train_app, [*args, "--hash-bits", "10", "--weight", "0.3"])
    assert fixed.exit_code == 0, fixed.output
    assert json.loads((model / "lexical_head.json").read_text(encoding="utf-8"))["weight"] == 0.3
    bad = runner.invoke(train_app, [*args, "--char-min", "4", "--char-max", "2"])
    assert bad.exit_code == 2 and "--char-min" in bad.output
    gone = runner.invoke(train_app, ["emotion-head", "--model", str(tmp_path / "gone")])
    assert gone.exit_code == 2 and "gone" in gone.output  # the model is checked before the data
    no_data = runner.invoke(train_app, [*args[:3], "--data-dir", str(tmp_path / "nodata")])
    assert no_data.exit_code == 2 and "emotion data file not found" in no_data.output
