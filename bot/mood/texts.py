"""What the mood companion says when no chat model writes for it: curated answers per emotion
(Korean and English, several variants each), the crisis reply, and its fixed phrases. Pure data,
so translators and reviewers can read it without the service around it.

What counts as a crisis is decided by ``bot/mood/crisis.py`` (its rules are there, with the reasons).
The crisis reply is warm, in the writer's language, and names the help line from settings.
The companion's refusals (an empty message, a bad pick) are catalog texts: bot/locales/*/mood.ftl.
"""

from __future__ import annotations

# --- curated answers: language -> emotion -> variants ------------------------------------------

ANSWERS: dict[str, dict[str, tuple[str, ...]]] = {
    "ko": {
        "joy": (
            "와, 좋은 일이 있었군요! 듣는 저까지 기분이 좋아져요.",
            "그 기쁨이 오래오래 이어지면 좋겠어요. 오늘을 마음껏 즐겨요!",
            "행복한 마음이 글에서 느껴져요. 이 기분에 어울리는 노래를 골라 볼게요.",
            "정말 잘됐네요! 이런 날은 좋아하는 노래를 크게 틀어도 돼요.",
            "웃음이 나는 하루라니 반가워요. 그 마음 그대로 간직해요.",
        ),
        "sadness": (
            "많이 속상했겠어요. 지금 그 마음, 충분히 그럴 수 있어요.",
            "힘든 하루였네요. 잠시 쉬어 가도 괜찮아요. 제가 곁에 있을게요.",
            "마음이 무거울 때는 억지로 괜찮은 척하지 않아도 돼요.",
            "이야기해 줘서 고마워요. 슬픈 마음을 혼자 안고 있지 않아도 돼요.",
            "눈물이 나면 울어도 괜찮아요. 오늘은 스스로에게 조금 더 다정해지기로 해요.",
        ),
        "anger": (
            "정말 화가 날 만한 일이었네요. 그렇게 느끼는 게 당연해요.",
            "답답하고 억울했겠어요. 숨 한번 크게 쉬고, 마음을 조금 내려놓아 봐요.",
            "화가 나는 건 그만큼 중요한 일이었다는 뜻이에요. 이야기해 줘서 고마워요.",
            "속이 부글부글 끓었겠어요. 그 마음을 털어놓는 것만으로도 조금은 나아질 거예요.",
            "그런 일을 겪으면 누구라도 화가 나요. 오늘은 스스로를 잘 달래 줘요.",
        ),
        "fear": (
            "많이 불안했겠어요. 지금 이 순간은 안전하다는 걸 같이 떠올려 봐요.",
            "걱정이 클 때는 한 번에 하나씩만 생각해도 충분해요.",
            "무서운 마음이 드는 건 자연스러운 일이에요. 천천히 숨을 쉬어 봐요.",
            "혼자 떨고 있지 않아도 돼요. 믿을 만한 사람에게 마음을 나눠 보는 것도 좋아요.",
            "불안한 마음을 말로 꺼낸 것만으로도 용기 있는 일이에요.",
        ),
        "surprise": (
            "어머, 정말 놀랐겠어요! 어떤 기분인지 더 들려주세요.",
            "예상 못 한 일이었군요. 마음이 아직 두근거리겠어요.",
            "깜짝 놀랄 일이었네요! 천천히 정리해 봐도 괜찮아요.",
            "세상에, 그런 일이 있었다니요! 놀란 마음을 잠시 가라앉혀 봐요.",
        ),
        "disgust": (
            "정말 불쾌했겠어요. 그런 기분이 드는 게 이상한 게 아니에요.",
            "마음이 많이 상했겠어요. 잠시 거리를 두고 쉬어 가도 좋아요.",
            "싫은 건 싫은 거예요. 그 감정을 억지로 참지 않아도 돼요.",
            "기분 나쁜 일을 겪었네요. 좋아하는 것들로 마음을 환기해 봐요.",
        ),
        "neutral": (
            "이야기해 줘서 고마워요. 오늘 하루는 어땠는지 더 들려줄래요?",
            "잔잔한 하루네요. 그런 날에 어울리는 노래를 골라 볼게요.",
            "그렇군요. 지금 마음에 어울릴 만한 노래를 찾아볼게요.",
            "평온한 하루도 소중하죠. 편하게 들을 수 있는 노래를 준비했어요.",
        ),
    },
    "en": {
        "joy": (
            "That's wonderful! Your good mood is contagious.",
            "I hope that happiness stays with you for a long while. Enjoy today!",
            "I can feel the joy in your words. Let me find songs to match it.",
            "So glad to hear it! Days like this deserve a favourite song, turned up loud.",
            "What a lovely thing to share. Hold on to that feeling.",
        ),
        "sadness": (
            "I'm sorry you're going through this. It makes sense to feel this way.",
            "That sounds like a hard day. It's okay to rest for a while. I'm here with you.",
            "You don't have to pretend to be fine when your heart feels heavy.",
            "Thank you for telling me. You don't have to carry this sadness alone.",
            "It's okay to cry if you need to. Be a little gentler with yourself today.",
        ),
        "anger": (
            "That sounds really frustrating. Anyone would be angry.",
            "No wonder you're upset. Take a deep breath; you're allowed to feel this.",
            "Anger often means something mattered to you. Thank you for telling me about it.",
            "That would make my blood boil too. Letting it out can help a little.",
            "What happened wasn't fair. Try to give yourself some calm tonight.",
        ),
        "fear": (
            "That sounds scary. Let's remember that right now, in this moment, you're safe.",
            "When worries pile up, it's enough to take them one at a time.",
            "Feeling afraid is natural. Try a few slow, deep breaths with me.",
            "You don't have to face this alone. Sharing it with someone you trust can help.",
            "Putting your worry into words already took courage.",
        ),
        "surprise": (
            "Wow, that must have caught you off guard! Tell me more.",
            "That was unexpected! Your heart must still be racing.",
            "What a surprise! Take your time to let it sink in.",
            "No way! That's quite something. Let's settle the nerves a little.",
        ),
        "disgust": (
            "That sounds really unpleasant. It's natural to feel put off.",
            "I'm sorry you had to deal with that. It's fine to step away for a bit.",
            "If something feels wrong to you, you don't have to force yourself to accept it.",
            "What a nasty experience. Let's clear the air with something you like.",
        ),
        "neutral": (
            "Thanks for sharing. How has the rest of your day been?",
            "A quiet kind of day. Here are some songs that might suit it.",
            "I see. Let me find a few songs for this moment.",
            "Calm days matter too. Here's something easy to listen to.",
        ),
    },
}

# --- crisis -------------------------------------------------------------------------------------

CRISIS_REPLY: dict[str, str] = {
    "ko": (
        "지금 정말 많이 힘드신 것 같아요. 이야기해 줘서 고마워요. 당신은 혼자가 아니에요.\n"
        "지금 바로 이야기 나눌 수 있는 곳이 있어요: {line}\n"
        "위험한 상황이라면 112나 119에 바로 연락해 주세요. "
        "믿을 수 있는 사람에게도 지금 마음을 꼭 알려 주세요. 저도 여기서 계속 들을게요."
    ),
    "en": (
        "It sounds like you're going through something really painful. Thank you for telling me. "
        "You are not alone.\n"
        "You can talk to someone right now: {line}\n"
        "If you are in immediate danger, call your local emergency number (112 or 119 in Korea). "
        "Please let someone you trust know how you feel, too. I'm still here to listen."
    ),
}

# --- fixed phrases ------------------------------------------------------------------------------

PHRASES: dict[str, dict[str, str]] = {
    "ko": {
        "intro_match": "지금 마음에 어울리는 노래예요. 마음에 드는 곡의 번호를 고르면 비슷한 느낌의 노래를 찾아 드릴게요.",
        "intro_lift": "기분을 조금 끌어올려 줄 노래예요. 마음에 드는 곡의 번호를 고르면 비슷한 느낌의 노래를 찾아 드릴게요.",
        "thin": "이 기분에 맞는 노래 중 최근 {window}곡 안에 추천하지 않은 곡이 {n}곡뿐이에요. 같은 노래를 되풀이하지 않으려고 {n}곡만 골랐어요.",
        "fitting_used_up": "이 기분에 맞는 노래는 최근에 모두 추천해 드렸어요. 같은 노래를 되풀이하지 않으려고 이번에는 다른 분위기의 노래를 골랐어요.",
        "no_fitting": "아직 이 기분에 맞는 노래가 목록에 없어서 다른 분위기의 노래를 골랐어요.",
        "all_used_up": "최근 {window}곡 안에 추천하지 않은 노래가 더 없어요. 같은 노래를 되풀이하지 않으려고 이번에는 노래를 고르지 않았어요.",
        "empty_catalog": "아직 추천할 노래가 없어요. 노래 목록이 비어 있어요.",
        "classify_failed": "(지금은 감정을 읽는 모델이 바빠서 마음을 정확히 짚지 못했어요.)",
        "similar_intro": "‘{title}’와(과) 소리가 비슷한 노래예요. 음원을 분석해서 골랐어요.",
        "similar_thin": "최근에 추천하지 않은 비슷한 노래가 {n}곡뿐이라 {n}곡만 골랐어요.",
        "neighbours_artist_mood": "‘{title}’은(는) 음원이 없어서 소리로는 비교할 수 없어요. 대신 같은 가수({artist})의 노래와 분위기({moods})가 같은 노래를 골랐어요.",
        "neighbours_artist": "‘{title}’은(는) 음원이 없어서 소리로는 비교할 수 없어요. 대신 같은 가수({artist})의 노래를 골랐어요.",
        "neighbours_mood": "‘{title}’은(는) 음원이 없어서 소리로는 비교할 수 없어요. 대신 분위기({moods})가 같은 노래를 골랐어요.",
        "neighbours_other": "‘{title}’은(는) 음원도 분위기 정보도 없어서 비슷한 노래를 고를 수 없었어요. 대신 목록의 다른 노래를 골랐어요.",
        "no_neighbours": "‘{title}’와(과) 가수나 분위기가 같은 노래 중 최근에 추천하지 않은 곡이 없어요.",
        "not_indexed": "‘{title}’은(는) 아직 소리 분석 목록에 없어서 비슷한 노래를 찾을 수 없어요. 다른 곡을 골라 주세요.",
        "no_index": "비슷한 소리의 노래를 찾는 목록이 아직 만들어지지 않았어요. 잠시 뒤에 다시 시도해 주세요.",
        "similar_failed": "지금은 비슷한 노래를 찾을 수 없어요. 잠시 뒤에 다시 골라 주세요.",
        "none_similar": "‘{title}’와(과) 비슷한 다른 노래를 찾지 못했어요.",
        "song_gone": "그 노래는 이제 목록에 없어요. 다른 곡을 골라 주세요.",
        "policy_match": "이제 지금 기분에 어울리는 노래를 추천할게요.",
        "policy_lift": "이제 기분을 끌어올려 줄 노래를 추천할게요.",
        "choice": "{n}번",
    },
    "en": {
        "intro_match": "Here are songs that fit how you feel. Pick one by its number and I'll find songs that sound like it.",
        "intro_lift": "Here are songs to lift your mood. Pick one by its number and I'll find songs that sound like it.",
        "thin": "Only {n} of the songs that fit this mood are not among the last {window} I suggested to you, so here are just those {n}: I don't repeat songs.",
        "fitting_used_up": "I've recently suggested every song that fits this mood. Rather than repeat them, here are songs with other moods.",
        "no_fitting": "No song in the catalog fits this mood yet, so these have other moods.",
        "all_used_up": "Every song I have was among the last {window} I suggested to you, and I don't repeat songs, so there are none this time.",
        "empty_catalog": "I have no songs to suggest yet: the song catalog is empty.",
        "classify_failed": "(The emotion model is busy right now, so I couldn't read your feeling exactly.)",
        "similar_intro": "Songs that sound like “{title}” (compared by their audio):",
        "similar_thin": "Only {n} alike songs are new to you, so here are just those {n}.",
        "neighbours_artist_mood": "“{title}” has no audio to compare by sound, so these are songs by the same artist ({artist}) and songs with the same mood ({moods}).",
        "neighbours_artist": "“{title}” has no audio to compare by sound, so these are songs by the same artist ({artist}).",
        "neighbours_mood": "“{title}” has no audio to compare by sound, so these are songs with the same mood ({moods}).",
        "neighbours_other": "“{title}” has neither audio nor moods to compare, so these are simply other songs from the catalog.",
        "no_neighbours": "No song by the same artist or with the same mood as “{title}” is new to you.",
        "not_indexed": "“{title}” hasn't been analysed for sound yet, so I can't find songs like it. Try another one.",
        "no_index": "The sound-alike index hasn't been built yet. Please try again later.",
        "similar_failed": "I can't look for sound-alikes right now. Please try again soon.",
        "none_similar": "I couldn't find other songs that sound like “{title}”.",
        "song_gone": "That song is no longer in the catalog. Try another one.",
        "policy_match": "From now on I'll suggest songs that match how you feel.",
        "policy_lift": "From now on I'll suggest songs to lift your mood.",
        "choice": "#{n}",
    },
}

# The catalog's mood vocabulary (NORAE_MOOD_MATCH / LIFT) as the companion names it; a mood an
# operator adds is shown as it is spelled.
MOOD_NAMES: dict[str, dict[str, str]] = {
    "ko": {
        "calm": "잔잔한",
        "energetic": "신나는",
        "happy": "행복한",
        "nostalgic": "그리운",
        "tender": "애틋한",
    },
    "en": {
        "calm": "calm",
        "energetic": "energetic",
        "happy": "happy",
        "nostalgic": "nostalgic",
        "tender": "tender",
    },
}
