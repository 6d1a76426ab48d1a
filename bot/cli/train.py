"""``norae train`` (``generator``, ``emotion``, ``emotion-head``) and ``norae emotion predict``.

The commands are defined here, in the command line's package, not beside the trainers: the trainers
(:mod:`models.training`) are library code that takes everything as arguments, and what only a
command knows — which Redis ``--from-redis`` reads (:mod:`bot.cli.redis_url`, as every ``norae``
command asks), how to report an error — stays on this side, so ``models`` never imports ``bot``.
``models.training`` is imported inside the commands only (torch and transformers with it), so
importing this module stays cheap for the bot process.

Options that several commands share are declared once below (``Output``, ``DataDir``, ``Device``,
``Fp16``, ``Seed``, ``Verbose``).
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

log = logging.getLogger(__name__)

train_app = typer.Typer(
    help="Train the generator and the emotion classifier.", no_args_is_help=True
)
emotion_app = typer.Typer(help="Classify emotions with a trained model.", no_args_is_help=True)


@emotion_app.callback()
def _emotion_group() -> None:
    """Classify emotions with a trained model."""  # a callback keeps `predict` a subcommand


# --- options shared by several commands ---------------------------------------------------------

Output = Annotated[Path, typer.Option(help="Where to save the model directory.")]
DataDir = Annotated[
    Path | None,
    typer.Option(help="The shared data folder (default: ../shared/data beside the project)."),
]
Device = Annotated[str, typer.Option(help="auto, cpu or cuda.")]
Fp16 = Annotated[bool, typer.Option(help="Store the weights as fp16.")]
Seed = Annotated[int, typer.Option(help="Random seed.")]
Verbose = Annotated[bool, typer.Option(help="Log debug messages too.")]
ClassifierDir = Annotated[Path, typer.Option(help="The emotion classifier directory to add it to.")]


def _data_dir(given: Path | None) -> Path:
    from models.training.corpus import DEFAULT_DATA_DIR

    return DEFAULT_DATA_DIR if given is None else given


def _read_redis_corpus() -> tuple[list[str], list[Any]]:
    import asyncio

    from bot.cli.redis_url import NoRedis, redis_url
    from contract.settings import load_settings
    from models.training.redis_corpus import read_redis_corpus
    from storage.connection import connect

    try:
        url = redis_url(load_settings())
    except NoRedis as exc:
        typer.echo(f"error: --from-redis: {exc}", err=True)
        raise typer.Exit(code=1) from None

    async def read() -> tuple[list[str], list[Any]]:
        redis = connect(url)
        try:
            texts, songs = await read_redis_corpus(redis)
            return texts, list(songs)
        finally:
            await redis.aclose()

    return asyncio.run(read())


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


@train_app.command()
def generator(
    output: Output,
    data_dir: DataDir = None,
    base_model: Annotated[
        str | None, typer.Option(help="Fine-tune this hub id or local path instead.")
    ] = None,
    extra_text: Annotated[
        list[Path] | None, typer.Option(help="Archived stories (.jsonl with 'text', or .txt).")
    ] = None,
    from_redis: Annotated[
        bool,
        typer.Option(
            help="Also learn from Redis (NORAE_REDIS_URL): stories archived by /relay end and "
            "every imported artist's songs."
        ),
    ] = False,
    vocab_size: int = 8000,
    layers: int = 4,
    hidden: int = 256,
    heads: int = 4,
    block_size: int = 256,
    dropout: float = 0.1,
    epochs: float = 10.0,
    max_steps: Annotated[int | None, typer.Option(help="Overrides --epochs.")] = None,
    batch_size: int = 32,
    lr: Annotated[float | None, typer.Option(help="Peak learning rate.")] = None,
    weight_decay: float = 0.1,
    eval_every: int = 200,
    patience: int = 6,
    held_out_fraction: float = 0.05,
    max_minutes: float | None = None,
    lora: Annotated[bool, typer.Option(help="Fine-tune through a LoRA adapter (peft).")] = False,
    lora_r: int = 16,
    fp16: Fp16 = False,
    device: Device = "auto",
    seed: Seed = 0,
    verbose: Verbose = False,
) -> None:
    """Train a GPT-2-style generator from scratch, or fine-tune a causal LM."""
    from models.training.generator import GeneratorTrainConfig, train_generator

    _setup_logging(verbose)
    redis_texts: list[str] = []
    redis_songs: list[Any] = []
    if from_redis:
        redis_texts, redis_songs = _read_redis_corpus()
    cfg = GeneratorTrainConfig(
        output_dir=output,
        redis_texts=tuple(redis_texts),
        redis_songs=tuple(redis_songs),
        data_dir=_data_dir(data_dir),
        base_model=base_model,
        extra_texts=tuple(extra_text or ()),
        vocab_size=vocab_size,
        n_layer=layers,
        n_embd=hidden,
        n_head=heads,
        block_size=block_size,
        dropout=dropout,
        epochs=epochs,
        max_steps=max_steps,
        batch_size=batch_size,
        lr=lr,
        weight_decay=weight_decay,
        eval_every=eval_every,
        patience=patience,
        held_out_fraction=held_out_fraction,
        max_minutes=max_minutes,
        lora=lora,
        lora_r=lora_r,
        lora_alpha=2 * lora_r,
        fp16_weights=fp16,
        device=device,
        seed=seed,
    )
    metrics = train_generator(cfg)
    summary = {k: v for k, v in metrics.items() if k != "config"}
    typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))


@train_app.command()
def emotion(
    output: Output,
    data_dir: DataDir = None,
    base_model: Annotated[
        str | None, typer.Option(help="Fine-tune this encoder instead of pretraining one.")
    ] = None,
    vocab_size: int = 12000,
    normalization: Annotated[
        str, typer.Option(help="nfc (Hangul syllables whole) or nfd (jamo pieces).")
    ] = "nfc",
    hidden: int = 256,
    layers: int = 6,
    heads: int = 4,
    intermediate: int = 1024,
    max_len: int = 128,
    dropout: float = 0.1,
    pretrain_steps: int = 8000,
    pretrain_batch: int = 256,
    pretrain_lr: float = 7e-4,
    pretrain_minutes: float | None = None,
    mask_prob: Annotated[
        float, typer.Option(min=0.01, max=0.9, help="Share of tokens masked in pretraining.")
    ] = 0.15,
    mlm_kote_text: Annotated[
        bool, typer.Option(help="Add KOTE's texts (not its labels) to the masked-LM corpus.")
    ] = False,
    pretrain_only: Annotated[
        bool, typer.Option(help="Only pretrain; save the encoder for a later --base-model.")
    ] = False,
    epochs: float = 6.0,
    batch_size: int = 64,
    lr: float = 1.5e-4,
    label_smoothing: float = 0.05,
    evals_per_epoch: int = 2,
    finetune_minutes: float | None = None,
    rdrop: Annotated[float, typer.Option(help="R-Drop KL weight (0 = off).")] = 0.0,
    select_min_en: Annotated[
        float | None,
        typer.Option(help="Select by Korean F1 among checkpoints with English F1 >= this."),
    ] = None,
    average_top: Annotated[
        int, typer.Option(min=1, help="Average the best N checkpoints' weights.")
    ] = 1,
    ko_oversample: Annotated[
        float, typer.Option(min=0.0, help="Show each Korean row this many times per epoch.")
    ] = 1.0,
    kote_train: Annotated[
        bool,
        typer.Option(help="Also train on KOTE val (mapped labels); KOTE test stays held out."),
    ] = False,
    lexical_head: Annotated[
        bool, typer.Option(help="Fit the lexical heads beside the model afterwards.")
    ] = True,
    fp16: Fp16 = False,
    device: Device = "auto",
    seed: Seed = 0,
    verbose: Verbose = False,
) -> None:
    """Pretrain a small encoder (masked-LM) and fine-tune it on Korean + English emotions."""
    from models.training.emotion import EmotionTrainConfig, train_emotion
    from models.training.emotion_report import format_report

    _setup_logging(verbose)
    cfg = EmotionTrainConfig(
        output_dir=output,
        data_dir=_data_dir(data_dir),
        base_model=base_model,
        vocab_size=vocab_size,
        normalization=normalization,
        hidden=hidden,
        layers=layers,
        heads=heads,
        intermediate=intermediate,
        max_len=max_len,
        dropout=dropout,
        pretrain_steps=pretrain_steps,
        pretrain_batch=pretrain_batch,
        pretrain_lr=pretrain_lr,
        pretrain_minutes=pretrain_minutes,
        mask_prob=mask_prob,
        mlm_kote_text=mlm_kote_text,
        pretrain_only=pretrain_only,
        epochs=epochs,
        batch_size=batch_size,
        lr=lr,
        label_smoothing=label_smoothing,
        evals_per_epoch=evals_per_epoch,
        finetune_minutes=finetune_minutes,
        rdrop=rdrop,
        select_min_en=select_min_en,
        average_top=average_top,
        ko_oversample=ko_oversample,
        kote_train=kote_train,
        lexical_head=lexical_head,
        fp16_weights=fp16,
        device=device,
        seed=seed,
    )
    metrics = train_emotion(cfg)
    for name, report in metrics.get("splits", {}).items():
        typer.echo(format_report(name, report))


@train_app.command("emotion-head")
def emotion_head(
    model: ClassifierDir,
    data_dir: DataDir = None,
    char_min: Annotated[int, typer.Option(min=1, help="Shortest character n-gram.")] = 1,
    char_max: Annotated[int, typer.Option(min=1, help="Longest character n-gram.")] = 3,
    hash_bits: Annotated[
        int, typer.Option(min=8, max=22, help="2**bits hash buckets per feature family.")
    ] = 16,
    c: Annotated[float, typer.Option(min=1e-4, help="Inverse regularisation strength.")] = 2.0,
    weight: Annotated[
        float | None,
        typer.Option(min=0.0, max=1.0, help="Blend weight (default: best on Korean valid)."),
    ] = None,
    device: Device = "auto",
    verbose: Verbose = False,
) -> None:
    """Fit the lexical heads (character + morpheme n-grams; Korean and English) of a classifier."""
    from models.loading import ModelLoadError
    from models.training.emotion_head import train_emotion_head
    from models.training.emotion_report import format_report

    _setup_logging(verbose)
    if char_min > char_max:
        typer.echo("error: --char-min must not exceed --char-max", err=True)
        raise typer.Exit(code=2)
    try:
        metrics = train_emotion_head(
            model,
            _data_dir(data_dir),
            char_ngrams=(char_min, char_max),
            n_features=2**hash_bits,
            c=c,
            weight=weight,
            device=device,
        )
    except (ModelLoadError, FileNotFoundError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from exc
    for name, report in metrics["splits"].items():
        typer.echo(format_report(name, report))
    typer.echo(json.dumps(metrics["lexical_head"], indent=2))


@emotion_app.command()
def predict(
    model: Annotated[
        str | None,
        typer.Option(help="Classifier path or hub id (default: NORAE_MODELS_CLASSIFIER)."),
    ] = None,
    batch_size: Annotated[int, typer.Option(min=1)] = 64,
    device: Device = "auto",
) -> None:
    """Read one text per line from stdin; write one JSON line {"label", "score"} per input."""
    from contract.settings import SettingsError, load_settings
    from models.classification import LocalClassifier
    from models.loading import ModelLoadError, load_classifier, pick_device

    try:
        name = model or load_settings().models.classifier
        loaded = load_classifier(name, pick_device(device))
    except (ModelLoadError, SettingsError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from exc
    classifier = LocalClassifier(loaded, forward_batch_size=batch_size)
    pending: list[str] = []

    def flush() -> None:
        for pred in classifier.predict(pending):
            sys.stdout.write(
                json.dumps({"label": pred.label, "score": round(pred.score, 4)}) + "\n"
            )
        sys.stdout.flush()
        pending.clear()

    for line in sys.stdin:
        pending.append(line.rstrip("\n"))
        if len(pending) >= batch_size:
            flush()
    if pending:
        flush()
