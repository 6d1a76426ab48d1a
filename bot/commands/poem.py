"""``/poem``: a short poem on what the user names, in the language they name it in.

A simple command (see the package docstring): every front door offers it from this declaration
and the catalogs' ``command-poem-*`` texts. The prompt is the topic as a title and a blank line,
like a poem on a page; the model writes a few candidates of exactly ``LINES`` lines in the
topic's language, and the one with the best mean log-probability among the clean ones is kept.
"""

from __future__ import annotations

from bot.commands import Request, SimpleCommand
from bot.errors import UserError
from bot.novelty import detect_language
from bot.writing import generate_scored
from bot.writing_checks import list_like, repeated_lines, script_purity

LINES = 4
CANDIDATES = 3
TOKENS_PER_LINE = 16
MIN_PURITY = 0.9


async def write_poem(request: Request) -> str:
    topic = " ".join(request.text.split())
    language = detect_language(topic)
    outputs = await generate_scored(
        request.services.inference,
        f"{topic}\n\n",
        n=CANDIDATES,
        max_new_tokens=LINES * TOKENS_PER_LINE,
        until="lines",
        lines=LINES,
        max_line_tokens=TOKENS_PER_LINE,
        language=language,
        ban_digits=True,
    )
    best: tuple[float, str] | None = None
    for raw, logprob in outputs:
        lines = [line.strip() for line in raw.strip().splitlines() if line.strip()]
        text = "\n".join(lines)
        if (
            len(lines) < 2
            or repeated_lines(lines)
            or list_like(text)
            or script_purity(text, language, topic) < MIN_PURITY
        ):
            continue
        score = logprob if logprob is not None else 0.0
        if best is None or score > best[0]:
            best = (score, text)
    if best is None:
        raise UserError("poem-failed")
    return f"{topic}\n\n{best[1]}"


COMMAND = SimpleCommand(name="poem", run=write_poem, max_text_chars=60, action="lyrics")
