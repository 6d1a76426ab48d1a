## 기분 맞춤 노래 추천: 메시지나 고르기를 받을 수 없을 때 하는 말, 준비한 대답, 위기 때의 답,
## 노래 목록에 붙는 말.

mood-empty = 메시지가 비어 있어요. 지금 기분을 들려주세요.
mood-too-long = 메시지가 너무 길어요 ({ $limit }자까지).
mood-bad-user = 사용자를 알 수 없어요.
mood-bad-policy = 추천 방식은 match(기분에 맞추기) 또는 lift(기분 끌어올리기)예요.
mood-no-list = 아직 고를 노래 목록이 없어요. 먼저 기분을 들려주세요.
mood-bad-choice = 노래 번호를 1부터 { $count }까지 골라 주세요.

## 모델이 대답을 쓰지 않을 때 감정마다 준비한 대답 (여러 개 중 하나를 골라요)

mood-answer-joy-1 = 와, 좋은 일이 있었군요! 듣는 저까지 기분이 좋아져요.
mood-answer-joy-2 = 그 기쁨이 오래오래 이어지면 좋겠어요. 오늘을 마음껏 즐겨요!
mood-answer-joy-3 = 행복한 마음이 글에서 느껴져요. 이 기분에 어울리는 노래를 골라 볼게요.
mood-answer-joy-4 = 정말 잘됐네요! 이런 날은 좋아하는 노래를 크게 틀어도 돼요.
mood-answer-joy-5 = 웃음이 나는 하루라니 반가워요. 그 마음 그대로 간직해요.
mood-answer-sadness-1 = 많이 속상했겠어요. 지금 그 마음, 충분히 그럴 수 있어요.
mood-answer-sadness-2 = 힘든 하루였네요. 잠시 쉬어 가도 괜찮아요. 제가 곁에 있을게요.
mood-answer-sadness-3 = 마음이 무거울 때는 억지로 괜찮은 척하지 않아도 돼요.
mood-answer-sadness-4 = 이야기해 줘서 고마워요. 슬픈 마음을 혼자 안고 있지 않아도 돼요.
mood-answer-sadness-5 = 눈물이 나면 울어도 괜찮아요. 오늘은 스스로에게 조금 더 다정해지기로 해요.
mood-answer-anger-1 = 정말 화가 날 만한 일이었네요. 그렇게 느끼는 게 당연해요.
mood-answer-anger-2 = 답답하고 억울했겠어요. 숨 한번 크게 쉬고, 마음을 조금 내려놓아 봐요.
mood-answer-anger-3 = 화가 나는 건 그만큼 중요한 일이었다는 뜻이에요. 이야기해 줘서 고마워요.
mood-answer-anger-4 = 속이 부글부글 끓었겠어요. 그 마음을 털어놓는 것만으로도 조금은 나아질 거예요.
mood-answer-anger-5 = 그런 일을 겪으면 누구라도 화가 나요. 오늘은 스스로를 잘 달래 줘요.
mood-answer-fear-1 = 많이 불안했겠어요. 지금 이 순간은 안전하다는 걸 같이 떠올려 봐요.
mood-answer-fear-2 = 걱정이 클 때는 한 번에 하나씩만 생각해도 충분해요.
mood-answer-fear-3 = 무서운 마음이 드는 건 자연스러운 일이에요. 천천히 숨을 쉬어 봐요.
mood-answer-fear-4 = 혼자 떨고 있지 않아도 돼요. 믿을 만한 사람에게 마음을 나눠 보는 것도 좋아요.
mood-answer-fear-5 = 불안한 마음을 말로 꺼낸 것만으로도 용기 있는 일이에요.
mood-answer-surprise-1 = 어머, 정말 놀랐겠어요! 어떤 기분인지 더 들려주세요.
mood-answer-surprise-2 = 예상 못 한 일이었군요. 마음이 아직 두근거리겠어요.
mood-answer-surprise-3 = 깜짝 놀랄 일이었네요! 천천히 정리해 봐도 괜찮아요.
mood-answer-surprise-4 = 세상에, 그런 일이 있었다니요! 놀란 마음을 잠시 가라앉혀 봐요.
mood-answer-disgust-1 = 정말 불쾌했겠어요. 그런 기분이 드는 게 이상한 게 아니에요.
mood-answer-disgust-2 = 마음이 많이 상했겠어요. 잠시 거리를 두고 쉬어 가도 좋아요.
mood-answer-disgust-3 = 싫은 건 싫은 거예요. 그 감정을 억지로 참지 않아도 돼요.
mood-answer-disgust-4 = 기분 나쁜 일을 겪었네요. 좋아하는 것들로 마음을 환기해 봐요.
mood-answer-neutral-1 = 이야기해 줘서 고마워요. 오늘 하루는 어땠는지 더 들려줄래요?
mood-answer-neutral-2 = 잔잔한 하루네요. 그런 날에 어울리는 노래를 골라 볼게요.
mood-answer-neutral-3 = 그렇군요. 지금 마음에 어울릴 만한 노래를 찾아볼게요.
mood-answer-neutral-4 = 평온한 하루도 소중하죠. 편하게 들을 수 있는 노래를 준비했어요.

## 위기: 도움을 받을 수 있는 곳을 알려 주는 답 (말과 번호를 바꾸지 마세요)

mood-crisis-reply =
    지금 정말 많이 힘드신 것 같아요. 이야기해 줘서 고마워요. 당신은 혼자가 아니에요.
    지금 바로 이야기 나눌 수 있는 곳이 있어요: { $line }
    위험한 상황이라면 112나 119에 바로 연락해 주세요. 믿을 수 있는 사람에게도 지금 마음을 꼭 알려 주세요. 저도 여기서 계속 들을게요.

## 노래 목록과 고른 노래에 붙는 말

mood-intro-match = 지금 마음에 어울리는 노래예요. 마음에 드는 곡의 번호를 고르면 비슷한 느낌의 노래를 찾아 드릴게요.
mood-intro-lift = 기분을 조금 끌어올려 줄 노래예요. 마음에 드는 곡의 번호를 고르면 비슷한 느낌의 노래를 찾아 드릴게요.
mood-thin = 이 기분에 맞는 노래 중 최근 { $window }곡 안에 추천하지 않은 곡이 { $n }곡뿐이에요. 같은 노래를 되풀이하지 않으려고 { $n }곡만 골랐어요.
mood-fitting-used-up = 이 기분에 맞는 노래는 최근에 모두 추천해 드렸어요. 같은 노래를 되풀이하지 않으려고 이번에는 다른 분위기의 노래를 골랐어요.
mood-no-fitting = 아직 이 기분에 맞는 노래가 목록에 없어서 다른 분위기의 노래를 골랐어요.
mood-all-used-up = 최근 { $window }곡 안에 추천하지 않은 노래가 더 없어요. 같은 노래를 되풀이하지 않으려고 이번에는 노래를 고르지 않았어요.
mood-empty-catalog = 아직 추천할 노래가 없어요. 노래 목록이 비어 있어요.
mood-classify-failed = (지금은 감정을 읽는 모델이 바빠서 마음을 정확히 짚지 못했어요.)
mood-similar-intro = ‘{ $title }’와(과) 소리가 비슷한 노래예요. 음원을 분석해서 골랐어요.
mood-similar-thin = 최근에 추천하지 않은 비슷한 노래가 { $n }곡뿐이라 { $n }곡만 골랐어요.
mood-neighbours-artist-mood = ‘{ $title }’은(는) 음원이 없어서 소리로는 비교할 수 없어요. 대신 같은 가수({ $artist })의 노래와 분위기({ $moods })가 같은 노래를 골랐어요.
mood-neighbours-artist = ‘{ $title }’은(는) 음원이 없어서 소리로는 비교할 수 없어요. 대신 같은 가수({ $artist })의 노래를 골랐어요.
mood-neighbours-mood = ‘{ $title }’은(는) 음원이 없어서 소리로는 비교할 수 없어요. 대신 분위기({ $moods })가 같은 노래를 골랐어요.
mood-neighbours-other = ‘{ $title }’은(는) 음원도 분위기 정보도 없어서 비슷한 노래를 고를 수 없었어요. 대신 목록의 다른 노래를 골랐어요.
mood-no-neighbours = ‘{ $title }’와(과) 가수나 분위기가 같은 노래 중 최근에 추천하지 않은 곡이 없어요.
mood-not-indexed = ‘{ $title }’은(는) 아직 소리 분석 목록에 없어서 비슷한 노래를 찾을 수 없어요. 다른 곡을 골라 주세요.
mood-no-index = 비슷한 소리의 노래를 찾는 목록이 아직 만들어지지 않았어요. 잠시 뒤에 다시 시도해 주세요.
mood-similar-failed = 지금은 비슷한 노래를 찾을 수 없어요. 잠시 뒤에 다시 골라 주세요.
mood-none-similar = ‘{ $title }’와(과) 비슷한 다른 노래를 찾지 못했어요.
mood-song-gone = 그 노래는 이제 목록에 없어요. 다른 곡을 골라 주세요.
mood-policy-match = 이제 지금 기분에 어울리는 노래를 추천할게요.
mood-policy-lift = 이제 기분을 끌어올려 줄 노래를 추천할게요.
mood-choice = { $n }번

## 노래 목록의 분위기 이름 (운영자가 더한 분위기는 적힌 그대로 보여요)

mood-name-calm = 잔잔한
mood-name-energetic = 신나는
mood-name-happy = 행복한
mood-name-nostalgic = 그리운
mood-name-tender = 애틋한
