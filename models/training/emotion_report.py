"""How the emotion trainers report a model: per-class tables, confusion plots, rounded figures.

Shared by the trainer (:mod:`models.training.emotion`) and the lexical head's
(:mod:`models.training.emotion_head`), which both score splits the same way; torch-free
(matplotlib is imported when a plot is drawn).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from models.training.emotion_data import LABELS, Example, per_class_report, resolve_gold


def report_predictions(examples: Sequence[Example], pred: Sequence[int]) -> dict[str, Any]:
    """:func:`per_class_report` under the any-match rule, plus the strict single-label figures
    when some rows carry several labels."""
    pred = list(pred)
    gold = [resolve_gold(e, p) for e, p in zip(examples, pred, strict=True)]
    report = per_class_report(gold, pred)
    single = [i for i, e in enumerate(examples) if len(e.labels) == 1]
    if len(single) < len(examples):
        strict = per_class_report(
            [examples[i].labels[0] for i in single], [pred[i] for i in single]
        )
        report["single_label_macro_f1"] = strict["macro_f1"]
        report["single_label_accuracy"] = strict["accuracy"]
        report["multi_label_rows"] = len(examples) - len(single)
    return report


def plot_confusion(matrix: Sequence[Sequence[int]], path: Path, title: str) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 5.5), dpi=100)
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(LABELS)), LABELS, rotation=45, ha="right")
    ax.set_yticks(range(len(LABELS)), LABELS)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title(title)
    peak = max(max(row) for row in matrix) or 1
    for r, row in enumerate(matrix):
        for c, value in enumerate(row):
            ax.text(
                c,
                r,
                str(value),
                ha="center",
                va="center",
                fontsize=8,
                color="white" if value > peak / 2 else "black",
            )
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def format_report(name: str, report: dict[str, Any]) -> str:
    """A per-class precision / recall / F1 table as text."""
    lines = [
        f"{name}: macro-F1 {report['macro_f1']:.4f}  accuracy {report['accuracy']:.4f}  "
        f"(n={report['n']})"
    ]
    if "single_label_macro_f1" in report:
        lines.append(
            f"  single-label rows only: macro-F1 {report['single_label_macro_f1']:.4f}"
            f"  accuracy {report['single_label_accuracy']:.4f}"
        )
    lines.append(f"  {'label':<10}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>9}")
    for label, c in report["classes"].items():
        lines.append(
            f"  {label:<10}{c['precision']:>10.4f}{c['recall']:>10.4f}"
            f"{c['f1']:>10.4f}{c['support']:>9d}"
        )
    return "\n".join(lines)


def rounded(report: dict[str, Any]) -> dict[str, Any]:
    def fix(value: Any) -> Any:
        if isinstance(value, float):
            return round(value, 4)
        if isinstance(value, dict):
            return {k: fix(v) for k, v in value.items()}
        return value

    fixed: dict[str, Any] = fix(report)
    return fixed
