"""Messages the ``norae`` commands print: every one in Korean and English, on one line.

Exit codes, the same for every command:

- 0: done, all of it;
- 1: failed, or done only in part (a row or file was skipped, Redis could not be reached,
  redis-server is not installed);
- 2: the command cannot run as typed (an unknown option value, a file or folder that does not
  exist, options that do not go together).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

import typer

if TYPE_CHECKING:
    from contract.settings import Settings

OK, PARTLY_OR_FAILED, USAGE = 0, 1, 2


def both(ko: str, en: str) -> str:
    """One line: the Korean text, then the English one."""
    return f"{ko} / {en}"


def fail(ko: str, en: str, code: int = PARTLY_OR_FAILED, *, prog: str = "norae") -> NoReturn:
    typer.secho(f"{prog}: {both(ko, en)}", fg="red", err=True)
    raise typer.Exit(code)


def skip_reason(reason: str) -> tuple[str, str]:
    """(Korean, English) for a reason an import skipped a row or file with."""
    head, _, detail = reason.partition(": ")
    if reason == "missing title":
        return "제목이 없음", reason
    if head.startswith("duplicate of line "):
        return f"{head.removeprefix('duplicate of line ')}번째 줄과 같은 노래", reason
    if head == "audio file not found":
        return f"오디오 파일이 없음: {detail}", reason
    if head == "unreadable":
        if detail == "no such file":
            return "오디오 파일이 없음", "the audio file is missing"
        return (
            "오디오 파일을 열 수 없음 (소리 파일이 아니거나 열 수 없는 형식)",
            "cannot open the audio file (not a sound file, or a format that cannot be opened)",
        )
    if head == "too short":
        return f"소리가 너무 짧음 ({detail}; 1초 이상이어야 함)", reason
    if head == "silent":
        return "소리가 들리지 않음 (무음)", "no sound in it (silent)"
    if head == "invalid samples":
        return "오디오 데이터가 깨져 있음", "the audio data is broken"
    if head.startswith("analysis failed"):
        return "분석하다 오류가 남", "the analysis failed"
    return f"건너뛴 이유: {reason}", reason


def settings_or_exit() -> Settings:
    """The settings, or exit 2 with the message that names the bad variable."""
    from contract.settings import SettingsError, load_settings

    try:
        return load_settings()
    except SettingsError as exc:
        typer.secho(f"norae: {exc}", fg="red", err=True)
        raise typer.Exit(USAGE) from None
