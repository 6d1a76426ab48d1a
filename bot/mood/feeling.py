"""Is a message about how someone feels? The gate in front of the mood companion on KakaoTalk.

A Kakao bot whose fallback block calls the skill receives *everything* nobody else understood:
«!가격 btc», «오늘 날씨 어때?», «ㅎㅇ», a pasted link. Those must not get an emotion and five
songs; they get a short help text. Only a message that says how the writer feels (or asks for
songs for a mood) goes to the companion, and a crisis message always does: :func:`classify`
asks :func:`bot.mood.service.is_crisis` before any other rule, so no rule here can ever turn one away.

Small, explainable rules over Korean and English, in this order (each verdict names its reason):

1. a **crisis** (``bot.mood.crisis``): a feeling, always;
2. empty (or invisible characters only), or a **bot-style command** (starts with ``!`` or ``/``): not a feeling;
3. **links** are removed first; a message that was only a link (or nothing left with a feeling
   cue) is not a feeling;
4. only **numbers and symbols**, or a **bare greeting** («ㅎㅇ», «안녕하세요», "hi", "yo"): not;
5. a **feeling cue** is needed: a feeling word or stem («슬퍼», «우울», «외로», «설레», «짜증»,
   «지쳤», "sad", "lonely", "anxious", "stressed", "heartbroken"), a first-person state
   ("I feel …", "I'm so …", «기분이 …», «마음이 …»), crying jamo («ㅠㅠ», «ㅜㅜ») or a feeling
   emoji (😢 😭 🥺 😡 😍 …). Laughter alone («ㅋㅋㅋ») is chat, not a mood;
6. a cue inside a **question or request about the world** («무서운 영화 뭐 있어?», "what's a
   sad movie to watch?") is not a feeling, unless it is about the writer (I/나/내가 …) or asks for
   songs or music for a mood («슬픈 노래 추천해줘»), which is the companion's work.

The rules were written together with ``tests/data/feeling_eval.jsonl`` (split ``tune``); the
``score`` split was written after the rules were frozen and only measured
(``python -m benchmarks.feeling_eval``). Over-matching costs a song list nobody asked for;
under-matching costs a help text to someone who wanted to talk, who can say it again in other
words. Neither is dangerous, because crises never reach these rules.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.mood.service import is_crisis

_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|net|org|kr|io|co|me|ly)(?:/\S*)?", re.I)
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_GREETING = re.compile(
    r"^(?:ㅎㅇ+|ㅎㅇㅎㅇ|하이+|헬로+|안녕+(?:하세요|하십니까|요)?|반가워(?:요)?|반갑습니다|방가+|"
    r"hi+|hello+|hey+|yo+|sup|hiya|howdy|good (?:morning|afternoon|evening|night)|"
    r"좋은 (?:아침|밤)(?:이에요|입니다)?|굿모닝|굿밤|잘 ?자(?:요)?|ㅂㅇ|ㅂ2|바이+|bye+)"
    r"(?:\s*(?:봇|노래봇|norae|bot|there|everyone|여러분))?$",
    re.I,
)
# Feeling stems and words, Korean (matched inside words: Korean glues endings on) ...
_KO_CUES = re.compile(
    "슬퍼|슬프|슬픈|슬픔|슬펐|우울|외로|외롭|쓸쓸|행복|기뻐|기쁘|기쁨|신나|신난|신났|설레|설렌|짜증|화나|화났|화가 나|열받|"
    "빡치|빡쳐|불안|무서|무섭|두려|두렵|겁나|걱정|힘들|힘드|힘든|지치|지쳐|지쳤|피곤|괴로|괴롭|서러|서럽|속상|답답|허무|"
    "허전|공허|그리워|그립|보고 싶|보고싶|눈물|울고|울었|울어|울컥|뿌듯|감동|후회|창피|부끄|억울|섭섭|서운|실망|좌절|절망|"
    "스트레스|멘붕|현타|심심|지루|놀랐|깜짝|역겨|역겹|다 싫|싫어 죽|편안|평온|안심|홀가분|설렘|긴장|떨려|떨린|헤어졌|차였|"
    "짝사랑|기분|마음이|맘이|속이 상|가슴이|미치겠|죽겠어|죽겠다|좋아 죽|벅차|막막|초조|귀찮|무기력|의욕|상처|서글|울적|꿀꿀"
)
# ... and English (whole words).
_EN_CUES = re.compile(
    r"\b(?:sad+|sadness|unhappy|happy|happier|lonely|alone|depressed|depressing|anxious|anxiety|"
    r"angry|mad|furious|upset|tired|exhausted|drained|burn(?:ed|t) out|scared|afraid|"
    r"terrified|worried|worry|nervous|stressed|stress|excited|glad|thrilled|joyful|miss(?:ing)? "
    r"(?:you|him|her|them|home|my)|heartbroken|broken|cry|crying|cried|tears|hate my|hate "
    r"everything|bored|boring day|frustrated|hurt|hurts|blue|down|overwhelmed|grateful|"
    r"thankful|proud|ashamed|embarrassed|jealous|calm|relieved|peaceful|miserable|hopeless|"
    r"empty|numb|awful|terrible|great day|feel|feeling|feels|felt|mood|broke up|dumped|"
    r"in love|crush|homesick|annoyed|pissed|gloomy|moody|content|ecstatic|devastated|"
    r"restless|insecure|worthless|meh|ugh|sigh)\b",
    re.I,
)
_TEARS = re.compile(r"[ㅠㅜ]{1,}|T[_.]?T|;_;|:\(|:'\(|:\)|:D|<3")
_EMOJI = re.compile(
    "[\U0001f622\U0001f62d\U0001f97a\U0001f972\U0001f621\U0001f620\U0001f624\U0001f60d"
    "\U0001f970\U0001f60a\U0001f642\U0001f614\U0001f61e\U0001f61f\U0001f629\U0001f62b"
    "\U0001f631\U0001f628\U0001f630\U0001f625\U0001f613\U0001f494\U0001f60c\U0001f973"
    "\U0001f629\U0001f92c\U0001f616\U0001f623\u2639\U0001f641\U0001f600\U0001f601\U0001f604"
    "\U0001f979\U0001f612\U0001f644]"
)
# About the writer: a first-person word.
_FIRST_PERSON = re.compile(
    r"(?:^|\s)(?:나|난|내가|내|나는|저|저는|제가|전|우리)(?:\s|$)|\b(?:i|i'm|im|i've|me|my|myself)\b",
    re.I,
)
# A question or request about the world: an interrogative or a request verb.
_WORLD = re.compile(
    r"(?:어때|뭐야|뭐 ?있|뭐지|뭔가요|뭐예요|뭐에요|뭐임|알려 ?줘|알려 ?주세요|언제|어디|얼마|몇 ?[시개번명]|"
    r"누구|추천 ?해|추천 ?좀|보여 ?줘|찾아 ?줘|검색|번역|계산|가격|날씨|시세|뉴스|주가|"
    r"\b(?:what|what's|whats|when|where|who|which|how much|how many|how do|how to|is there|"
    r"are there|can you|could you|tell me|show me|recommend|suggest|price|weather|news|"
    r"define|translate)\b)",
    re.I,
)
# Songs for a mood are the companion's work.
_SONGS = re.compile(r"노래|음악|곡|플리|플레이리스트|\b(?:songs?|music|playlist|tracks?)\b", re.I)


@dataclass(frozen=True)
class Verdict:
    feeling: bool
    reason: str  # the rule that decided, for logs and the evaluation's misses


def _cue(text: str) -> str | None:
    lowered = text.lower()
    if m := _KO_CUES.search(lowered):
        return f"ko:{m.group(0)}"
    if m := _EN_CUES.search(lowered):
        return f"en:{m.group(0)}"
    if m := _TEARS.search(text):
        return f"tears:{m.group(0)}"
    if m := _EMOJI.search(text):
        return f"emoji:{m.group(0)}"
    return None


_INVISIBLE = frozenset({"Cf", "Cc", "Mn", "Me", "Co", "Cs"})
_FILLERS = frozenset("\u3164\u115f\u1160\uffa0")


def _visible(text: str) -> str:
    """``text`` without format characters (zero-width, bidi, tags), marks and Hangul fillers."""
    return "".join(
        " " if ch in _FILLERS else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch) not in _INVISIBLE
    )


def classify(text: str) -> Verdict:
    """Whether ``text`` is about how its writer feels, and the rule that says so."""
    if is_crisis(text):
        return Verdict(True, "crisis")
    # NFC, not NFKC: NFKC turns the jamo of «ㅠㅠ» / «ㅎㅇ» into conjoining ones.
    clean = " ".join(_visible(unicodedata.normalize("NFC", text)).split())
    if not clean:
        return Verdict(False, "empty")
    if unicodedata.normalize("NFKC", clean[0]) in "!/":
        return Verdict(False, "command")
    had_link = _URL.search(clean) is not None
    rest = " ".join(_URL.sub(" ", clean).split())
    if had_link and not rest:
        return Verdict(False, "link")
    cue = _cue(rest)
    if not _LETTER.search(rest) and cue is None:
        return Verdict(False, "numbers")
    if _GREETING.match(rest.strip(" .!~?,")):
        return Verdict(False, "greeting")
    if cue is None:
        return Verdict(False, "link" if had_link else "no feeling cue")
    if _WORLD.search(rest) and not _FIRST_PERSON.search(rest) and not _SONGS.search(rest):
        return Verdict(False, "question about the world")
    return Verdict(True, cue)


def is_feeling(text: str) -> bool:
    """True when ``text`` should reach the mood companion (a feeling, or a crisis)."""
    return classify(text).feeling
