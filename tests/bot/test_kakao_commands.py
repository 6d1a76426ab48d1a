"""The Kakao commands as declared per feature, and the simple commands in the Kakao room.

The declarations are checked against what the skill did before they were data (the help text,
which commands are slow, which rate-limit action each spends, which are reads). Simple commands
run through the skill on real Redis with a command this module declares (its catalog texts added
to the real catalogs for the test).
"""

from __future__ import annotations

from bot.kakao import registry
from bot.kakao.commands.general import help_text

# --- the declarations ------------------------------------------------------------------------

# The help text as it was written by hand before it was made from the declarations.
HELP = """노래봇 사용법 (How to use)
• 이어쓰기 시작 [제목] — 이 대화방의 이야기 시작
• 이어쓰기 한줄 <문장> — 내 문장 더하기
• 이어쓰기 계속 [키워드] — 모델이 후보를 쓰고 투표
• 투표 <번호> · 이야기 보기 · 이어쓰기 취소 · 이어쓰기 끝
• 가사 <가수> [/ 주제] — 그 가수 풍의 새 가사 (가사 다시: 다른 버전)
• 그 밖의 말은 마음 친구에게: 기분을 말하면 답하고 노래를 추천해요
• 고르기 <번호> — 비슷한 노래 · 추천 방식 match|lift · 기억 지우기
English: relay start|write|continue|reroll|show|undo|end, vote N, lyrics <artist> [/ theme],
pick N, mood match|lift, forget me, result, help."""

FEATURE_KINDS = {
    "relay.start",
    "relay.write",
    "relay.continue",
    "relay.reroll",
    "relay.vote",
    "relay.show",
    "relay.undo",
    "relay.end",
    "lyrics",
    "lyrics.again",
    "mood",
    "mood.pick",
    "mood.policy",
    "mood.forget",
    "fetch",
    "help",
}


def test_the_help_text_is_made_from_the_declarations() -> None:
    assert help_text() == HELP


def test_every_feature_command_is_declared_once_with_its_old_traits() -> None:
    declared = {c.kind: c for c in registry.commands()}
    assert set(declared) == FEATURE_KINDS
    assert {k for k, c in declared.items() if c.slow} == {
        "relay.continue",
        "relay.reroll",
        "lyrics",
        "lyrics.again",
        "mood",
        "mood.pick",
    }
    assert {k: c.action for k, c in declared.items() if c.action} == {
        "relay.start": "start",
        "relay.write": "write",
        "relay.undo": "write",
        "relay.end": "write",
        "relay.continue": "continue",
        "relay.reroll": "continue",
        "relay.vote": "vote",
        "lyrics": "lyrics",
        "lyrics.again": "lyrics",
        "mood": "mood",
        "mood.pick": "mood",
    }
    assert {k for k, c in declared.items() if not c.deduped} == {"help", "relay.show"}
    # Only the companion has no keyword: it is what is left.
    assert [k for k, c in declared.items() if not c.rules] == ["mood"]
