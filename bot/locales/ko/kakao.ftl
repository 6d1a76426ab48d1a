## 카카오톡: 카카오톡 방에서 하는 말. 카카오톡은 한국어로 답해요.
## 따옴표 안의 명령('이어쓰기 끝', '결과 보기')은 사람이 그대로 보내는 말이에요: 카카오톡 명령 그대로 적어요.

## 간단한 명령을 아직 할 수 없을 때

kakao-command-text-required = 무엇을 할까요? '{ $keyword }' 뒤에 이어서 적어 보내 주세요. ({ $label })
kakao-command-text-too-long = 조금 짧게 보내 주세요. { $limit }자까지 받을 수 있어요.

## 방 전체

kakao-not-understood = 무슨 말인지 잘 모르겠어요. 저는 이야기 이어쓰기, 가사 쓰기, 기분에 맞는 노래 추천을 해요. 지금 기분을 말해 주시거나 '도움말'을 보내 주세요.
kakao-too-long = 메시지가 너무 길어요({ $length }자). { $limit }자 이내로 보내 주세요.
kakao-same-request = 같은 요청을 아직 처리하고 있어요. 잠시 후 다시 확인해 주세요.
# 콜백으로 답할 때, 답이 오기 전까지 보이는 말
kakao-wait = …잠시만요
# 카카오톡 이름을 모를 때 이야기에 적히는 이름 ($id: 사용자 번호의 끝 네 자리)
kakao-user-name = 카카오 { $id }
kakao-untitled = 제목 없음

## 늦게 오는 답 ('결과 보기')

# 단체방에서도 보내요. 거기엔 누를 버튼이 없으니 «눌러»가 아니라 «보내».
kakao-still-writing = 아직 쓰고 있어요. 조금 뒤에 '결과 보기'를 보내 주세요.
kakao-earlier-still-writing = 아직 앞의 부탁을 쓰고 있어요. 조금만 기다려 주세요.
kakao-too-slow = 시간이 너무 오래 걸렸어요. 잠시 후 다시 해 주세요.
kakao-nothing-waiting = 기다리는 결과가 없어요.

## 단체방: 빠른 답장 버튼 대신 보내는 안내
## $options: «투표 1 / 투표 2 / 투표 3»처럼 보낼 말, $particle: 마지막 숫자 뒤의 조사(ro: 로, euro: 으로)

kakao-group-vote = { $options }{ $particle ->
    [ro] 로
   *[euro] 으로
} 투표해 주세요.
kakao-group-send = { $options }{ $particle ->
    [ro] 로
   *[euro] 으로
} 보내 주세요.
kakao-group-others = 이렇게 보내도 돼요: { $commands }

## 빠른 답장 버튼 (14자까지)

kakao-quick-help = 도움말
kakao-quick-fetch = 결과 보기
kakao-quick-continue = 계속 쓰기
kakao-quick-show = 이야기 보기
kakao-quick-vote = { $number }번
kakao-quick-reroll = 다시 쓰기
kakao-quick-next-page = 다음 쪽
kakao-quick-new-story = 새 이야기
kakao-quick-lyrics-again = 다른 버전
kakao-quick-lift = 기분 올리는 곡
kakao-quick-match = 기분 맞춘 곡

## 이어쓰기

kakao-relay-started =
    새 이야기를 시작했어요: { $title }
    '이어쓰기 한줄 <문장>'으로 써 주세요.
kakao-relay-already-started = 이 대화방에는 이미 이야기가 있어요: { $title } ({ $lines }줄). '이어쓰기 끝'으로 마친 뒤 새로 시작하세요.
kakao-relay-written =
    { $number }번째 줄을 더했어요.
    { $line }
kakao-relay-candidates = 다음 줄 후보예요. { $seconds }초 안에 투표해 주세요.
kakao-relay-no-open-round = 지금 열린 투표가 없어요.
kakao-relay-vote-how = '투표 1'처럼 번호로 골라 주세요.
kakao-relay-voted = { $choice }번에 투표했어요.
kakao-relay-vote-changed = ({ $previous }번에서 바꿨어요)
kakao-relay-round-won = 투표가 끝났어요. { $winner }번이 이야기에 들어갔어요.
kakao-relay-round-no-votes = 투표가 끝났어요. 표가 없어서 아무 줄도 더하지 않았어요.
kakao-relay-round-not-added = 투표가 끝났어요. { $winner }번이 뽑혔지만 이야기에 더하지 못했어요.
kakao-relay-bad-page = 쪽 번호는 1 이상의 숫자로 적어 주세요. 예: '이야기 보기 2'
kakao-relay-page = 『{ $title }』 { $page }/{ $pages }쪽
kakao-relay-page-empty = (아직 한 줄도 없어요)
kakao-relay-undone = 마지막 줄을 지웠어요: { $line }
kakao-relay-ended = 이야기를 마쳤어요: { $title }
kakao-relay-discarded = 빈 이야기라서 지웠어요.

## 가사

kakao-lyrics-again-first = 먼저 '가사 <가수> / <주제>'로 부탁해 주세요.
kakao-lyrics-no-artist = '가사 <가수> / <주제>'처럼 가수 이름을 알려 주세요.
kakao-lyrics-song = 『{ $title }』 — { $artist } 풍으로 새로 쓴 가사
kakao-lyrics-cut = (원곡과 겹치는 부분은 지웠어요)

## 마음 친구

kakao-mood-listen = 듣기
kakao-mood-songs = 추천 노래
kakao-mood-like = 비슷한 노래: 『{ $title }』
kakao-mood-forgot = 대화 기억을 모두 지웠어요.

## 도움말: 명령마다 쓰는 법(usage)과 하는 일(does). 쓰는 법은 그대로 보내면 되는 명령이에요.

kakao-help-title = 노래봇 사용법
# 영어 명령어 목록 ($usages: 영어 카탈로그의 쓰는 법들)
kakao-help-english = 영어로도 보낼 수 있어요: { $usages }.
kakao-usage-relay-start = 이어쓰기 시작 [제목]
kakao-does-relay-start = 이 대화방의 이야기 시작
kakao-usage-relay-write = 이어쓰기 한줄 <문장>
kakao-does-relay-write = 내 문장 더하기
kakao-usage-relay-continue = 이어쓰기 계속 [키워드]
kakao-does-relay-continue = 모델이 후보를 쓰고 투표
kakao-usage-relay-reroll = 이어쓰기 다시
kakao-usage-relay-vote = 투표 <번호>
kakao-usage-relay-show = 이야기 보기
kakao-usage-relay-undo = 이어쓰기 취소
kakao-usage-relay-end = 이어쓰기 끝
kakao-usage-lyrics = 가사 <가수> [/ 주제]
kakao-does-lyrics = 그 가수 풍의 새 가사 (가사 다시: 다른 버전)
kakao-does-mood = 그 밖의 말은 마음 친구에게: 기분을 말하면 답하고 노래를 추천해요
kakao-usage-mood-pick = 고르기 <번호>
kakao-does-mood-pick = 비슷한 노래
kakao-usage-mood-policy = 추천 방식 match|lift
kakao-usage-mood-forget = 기억 지우기
kakao-usage-fetch = 결과 보기
kakao-usage-help = 도움말
