"""Helpers shared by the training scripts: device, precision, schedule, plots, saving."""

from __future__ import annotations

import contextlib
import json
import logging
import math
import random
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch

log = logging.getLogger(__name__)


def set_seed(seed: int) -> None:
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def pick_device(device: str = "auto") -> torch.device:
    """``auto`` picks CUDA when available, else CPU."""
    import torch

    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise RuntimeError("CUDA was asked for but torch sees no GPU")
    return torch.device(device)


def device_name(device: torch.device) -> str:
    import torch

    if device.type == "cuda":
        return str(torch.cuda.get_device_name(device))
    return f"cpu ({torch.get_num_threads()} threads)"


def autocast(device: torch.device) -> contextlib.AbstractContextManager[Any]:
    """bf16 autocast on CUDA; plain fp32 on CPU."""
    import torch

    if device.type == "cuda":
        ctx: contextlib.AbstractContextManager[Any] = torch.autocast("cuda", dtype=torch.bfloat16)
        return ctx
    return contextlib.nullcontext()


def lr_at(step: int, total: int, peak: float, warmup: int) -> float:
    """Linear warm-up then cosine decay to 10% of the peak."""
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))


def schedule_step(step: int, total: int, elapsed: float, budget: float | None) -> int:
    """The step the learning-rate schedule should use: with a time budget (seconds), whichever of
    steps or time is further along, so a run cut by its budget still ends its decay."""
    if not budget:
        return step
    return max(step, min(total - 1, int(total * elapsed / budget)))


def make_optimizer(model: torch.nn.Module, lr: float, weight_decay: float) -> torch.optim.AdamW:
    """AdamW with no decay on biases, norms and embeddings' position tables."""
    import torch

    decay: list[torch.nn.Parameter] = []
    no_decay: list[torch.nn.Parameter] = []
    for name, param in model.named_parameters():
        if not param.requires_grad:
            continue
        (no_decay if param.ndim < 2 or "norm" in name.lower() else decay).append(param)
    groups = [
        {"params": decay, "weight_decay": weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]
    fused = next(model.parameters()).is_cuda
    return torch.optim.AdamW(groups, lr=lr, betas=(0.9, 0.98), eps=1e-6, fused=fused)


def batches(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def plot_curves(
    curves: dict[str, list[tuple[float, float]]], path: Path, title: str, ylabel: str = "loss"
) -> Path:
    """Line plot of named ``(x, y)`` series to a PNG (matplotlib, Agg backend)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
    for name, points in curves.items():
        if points:
            xs, ys = zip(*points, strict=True)
            ax.plot(xs, ys, label=name, marker="o" if len(points) < 30 else None)
    ax.set_xlabel("step")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def save_model(model: torch.nn.Module, out_dir: Path, fp16: bool) -> None:
    """``save_pretrained`` as safetensors; fp16 halves the size of a bundled model."""
    import torch

    out_dir.mkdir(parents=True, exist_ok=True)
    model = model.to("cpu")
    if fp16:
        model = model.to(torch.float16)
    model.save_pretrained(out_dir, safe_serialization=True)
    for pickled in list(out_dir.glob("*.bin")) + list(out_dir.glob("*.pt")):
        pickled.unlink()
