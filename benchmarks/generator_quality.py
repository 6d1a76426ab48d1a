"""Generator quality: held-out perplexity, copy span, distinct-2 and tokens/s.

    python benchmarks/generator_quality.py --model models/starter/generator --out report.json

- held-out perplexity: next-token loss on the groups (whole novels, poems, hymns) the trainer held
  out, rebuilt from the split settings saved in the model's ``metrics.json``; bits per byte too,
  which compares across tokenizers.
- copy span: the longest run of consecutive words of a sampled continuation that also occurs in
  the training text, over ``--samples`` samples (prompts: openings of held-out stories and
  artist tags). The target is a maximum below 8 words.
- distinct-2: unique word bigrams / all word bigrams over the samples.
- tokens/s: greedy-free sampling with the saved generation settings, batch 1 and batch 16, on
  CPU and, when available, CUDA.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from contract.artists import artist_tag  # noqa: E402
from models.training.corpus import (  # noqa: E402
    DEFAULT_DATA_DIR,
    Document,
    generator_corpus,
    split_by_group,
)

log = logging.getLogger("benchmarks.generator_quality")

STORY_PROMPT_WORDS = 4


def longest_copied_span(sample: Sequence[str], train_words: Sequence[str], max_n: int = 64) -> int:
    """Length of the longest word n-gram of ``sample`` found in ``train_words``."""
    best = 0
    for n in range(1, min(len(sample), max_n) + 1):
        grams = {tuple(sample[i : i + n]) for i in range(len(sample) - n + 1)}
        if not grams & _ngrams(train_words, n):
            break
        best = n
    return best


_NGRAM_CACHE: dict[tuple[int, int], set[tuple[str, ...]]] = {}


def _ngrams(words: Sequence[str], n: int) -> set[tuple[str, ...]]:
    key = (id(words), n)
    if key not in _NGRAM_CACHE:
        _NGRAM_CACHE[key] = {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}
    return _NGRAM_CACHE[key]


def distinct_n(samples: Sequence[Sequence[str]], n: int = 2) -> float:
    grams = [tuple(s[i : i + n]) for s in samples for i in range(len(s) - n + 1)]
    return len(set(grams)) / len(grams) if grams else 0.0


def make_prompts(
    held: Sequence[Document], train: Sequence[Document], count: int, seed: int
) -> list[str]:
    """Half story openings from held-out text, half artist tags (poets and hymn writers)."""
    rng = random.Random(seed)
    stories = [d.text for d in held if not d.text.startswith("<artist=")]
    openings = [" ".join(t.split()[:STORY_PROMPT_WORDS]) for t in stories] or ["그날 밤"]
    artists = sorted(
        {
            d.text.split(">", 1)[0][len("<artist=") :]
            for d in [*train, *held]
            if d.text.startswith("<artist=")
        }
    ) or ["김소월"]
    prompts = []
    for i in range(count):
        if i % 2 == 0:
            prompts.append(rng.choice(openings))
        else:
            prompts.append(artist_tag(rng.choice(artists)) + "\n")
    return prompts


def load_model(path: Path, device: str) -> tuple[Any, Any]:
    """The worker's own loading code (bf16 on CUDA, fp32 on CPU)."""
    import torch

    from models.loading import load_causal_lm

    loaded = load_causal_lm(str(path), torch.device(device))
    return loaded.model, loaded.tokenizer


def held_out_figures(
    model: Any, tokenizer: Any, held: Sequence[Document], device: str
) -> dict[str, float]:
    import torch

    from models.training.generator import encode_stream, evaluate_stream

    stream = encode_stream(tokenizer, held)
    block = int(getattr(model.config, "n_positions", 256))
    loss = evaluate_stream(model, stream, block, 32, torch.device(device))
    n_bytes = sum(len(d.text.encode("utf-8")) + 1 for d in held)
    return {
        "held_out_loss": round(loss, 4),
        "held_out_perplexity": round(math.exp(loss), 2),
        "held_out_bits_per_byte": round(loss * (len(stream) - 1) / (n_bytes * math.log(2)), 4),
        "held_out_tokens": len(stream),
    }


def sample(
    model: Any, tokenizer: Any, prompts: Sequence[str], device: str, max_new: int, seed: int
) -> list[str]:
    import torch

    torch.manual_seed(seed)
    texts = []
    for prompt in prompts:
        ids = tokenizer(prompt, return_tensors="pt").to(device)
        with torch.no_grad():
            out = model.generate(**ids, max_new_tokens=max_new, min_new_tokens=max_new // 2)
        texts.append(
            tokenizer.decode(out[0, ids["input_ids"].shape[1] :], skip_special_tokens=True)
        )
    return texts


def tokens_per_second(
    model: Any, tokenizer: Any, device: str, batch: int, new_tokens: int
) -> float:
    import torch

    ids = tokenizer(["옛날 옛적에 한"] * batch, return_tensors="pt").to(device)
    kwargs = {"max_new_tokens": new_tokens, "min_new_tokens": new_tokens}
    with torch.no_grad():
        model.generate(**ids, max_new_tokens=8)  # warm-up
        if device == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        model.generate(**ids, **kwargs)
        if device == "cuda":
            torch.cuda.synchronize()
    return round(batch * new_tokens / (time.perf_counter() - start), 1)


def split_settings(model_dir: Path) -> tuple[float, int]:
    metrics = model_dir / "metrics.json"
    if metrics.is_file():
        config = json.loads(metrics.read_text(encoding="utf-8")).get("config", {})
        return float(config.get("held_out_fraction", 0.05)), int(config.get("seed", 0))
    return 0.05, 0


def run(args: argparse.Namespace) -> dict[str, Any]:
    import torch

    fraction, seed = split_settings(args.model)
    train, held = split_by_group(generator_corpus(args.data_dir), fraction, seed)
    train_words = [w for d in train for w in d.text.split()]
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() and args.device != "cpu" else [])
    main = devices[-1] if args.device == "auto" else args.device
    model, tokenizer = load_model(args.model, main)
    report: dict[str, Any] = {"model": str(args.model), "device": main}
    if torch.cuda.is_available():
        report["gpu"] = torch.cuda.get_device_name()
    report.update(held_out_figures(model, tokenizer, held, main))
    prompts = make_prompts(held, train, args.samples, args.seed)
    texts = sample(model, tokenizer, prompts, main, args.max_new_tokens, args.seed)
    spans = [longest_copied_span(t.split(), train_words) for t in texts]
    report.update(
        {
            "samples": len(texts),
            "sampling": model.generation_config.to_diff_dict(),
            "copy_span_max_words": max(spans),
            "copy_span_mean_words": round(sum(spans) / len(spans), 2),
            "distinct_2": round(distinct_n([t.split() for t in texts]), 4),
        }
    )
    for device in devices:
        net = model if device == main else load_model(args.model, device)[0]
        for batch in (1, 16):
            key = f"tokens_per_s_{device}_batch{batch}"
            report[key] = tokens_per_second(net, tokenizer, device, batch, args.max_new_tokens)
    if args.samples_out:
        rows = [
            {"prompt": p, "text": t, "copy_span": s}
            for p, t, s in zip(prompts, texts, spans, strict=True)
        ]
        args.samples_out.write_text(
            json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8"
        )
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models/starter/generator")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--max-new-tokens", type=int, default=100)
    parser.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="Write the report JSON here too.")
    parser.add_argument("--samples-out", type=Path, help="Write prompts and samples here.")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    report = run(args)
    text = json.dumps(report, ensure_ascii=False, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
