## 디스코드에서만 보이는 글.

discord-text-empty = “{ $label }”에 내용을 써 주세요.

## 슬래시 명령어. 이름은 띄어쓰기 없는 한 낱말(32자까지), 설명은 100자까지예요.
## 한국어 디스코드를 쓰는 사람에게 보여요.

discord-relay = 릴레이
discord-relay-description = 여럿이 함께 이야기를 이어 써요
discord-relay-start = 시작
discord-relay-start-description = 이 채널의 이야기를 시작해요
discord-relay-start-title = 제목
discord-relay-start-title-description = 이야기 제목
discord-relay-start-genre = 장르
discord-relay-start-genre-description = 이야기 장르
discord-relay-start-language-description = 이야기를 쓸 언어
discord-relay-write = 쓰기
discord-relay-write-description = 이야기에 내 문장을 한 줄 더해요
discord-relay-write-text-description = 더할 문장
discord-relay-continue = 이어쓰기
discord-relay-continue-description = 모델에게 이어질 문장 후보를 받아 투표해요
discord-relay-continue-keyword = 키워드
discord-relay-continue-keyword-description = 이야기를 이끌 낱말
discord-relay-continue-length = 길이
discord-relay-continue-length-description = short(짧게), medium(보통), long(길게) 또는 토큰 수
discord-relay-reroll = 다시쓰기
discord-relay-reroll-description = 진행 중인 투표의 후보를 새로 받아요
discord-relay-propose = 제안
discord-relay-propose-description = 다음 이어쓰기의 키워드나 길이를 제안해요
discord-relay-propose-kind = 종류
discord-relay-propose-kind-description = 무엇을 제안할지
discord-relay-propose-value = 내용
discord-relay-propose-value-description = 키워드, 또는 길이: short(짧게), medium(보통), long(길게)이나 토큰 수
discord-relay-support = 밀어주기
discord-relay-support-description = 제안된 키워드나 길이에 표를 줘요
discord-relay-support-proposal = 제안
discord-relay-support-proposal-description = 밀어줄 제안 (종류마다 한 표)
discord-relay-undo = 되돌리기
discord-relay-undo-description = 마지막 줄을 지워요 (쓴 사람이나 관리자만)
discord-relay-show = 보기
discord-relay-show-description = 이야기를 보여 줘요
discord-relay-show-page-description = 몇 쪽을 볼지
discord-relay-end = 끝내기
discord-relay-end-description = 이야기를 끝내고 보관해요
discord-relay-export = 내보내기
discord-relay-export-description = 이야기를 마크다운과 텍스트 파일로 받아요
discord-relay-stories = 보관함
discord-relay-stories-description = 이 채널에서 보관한 이야기 목록
discord-relay-stories-page-description = 목록의 몇 쪽을 볼지
discord-lyrics = 가사
discord-lyrics-description = 가사를 배운 가수의 스타일로 새 가사를 써요
discord-lyrics-artist = 가수
discord-lyrics-artist-description = 가사를 배운 가수
discord-lyrics-theme = 주제
discord-lyrics-theme-description = 노래의 주제
discord-lyrics-lines = 줄수
discord-lyrics-lines-description = 몇 줄로 쓸지
discord-lyrics-language-description = 한국어나 영어 (기본: 가수의 언어)
discord-mood = 기분
discord-mood-description = 기분에 맞는 노래를 골라 주는 친구
discord-mood-policy = 추천방식
discord-mood-policy-description = 기분에 맞는 노래를 들을지, 기분을 끌어올릴 노래를 들을지 골라요
discord-mood-policy-option = 방식
discord-mood-policy-option-description = 기분에 맞추기 또는 기분 끌어올리기
discord-mood-forget = 잊기
discord-mood-forget-description = norae가 나에 대해 기억하는 것을 모두 지워요
discord-option-language = 언어
discord-option-page = 쪽
discord-option-text = 내용

## 선택지와 그 낱말.

discord-language-en = 영어
discord-language-ko = 한국어
discord-proposal-kind-keyword = 키워드
discord-proposal-kind-length = 길이
discord-policy-match = 기분에 맞추기
discord-policy-lift = 기분 끌어올리기
discord-emotion-joy = 기쁨
discord-emotion-sadness = 슬픔
discord-emotion-anger = 분노
discord-emotion-fear = 공포
discord-emotion-surprise = 놀람
discord-emotion-disgust = 혐오
discord-emotion-neutral = 중립

## 이야기 이어쓰기.

discord-untitled = 제목 없음
discord-relay-started = 새 이야기를 시작했어요: { $title }
discord-relay-already-started = 이 채널에는 이미 이야기가 있어요: { $title } ({ $lines }줄). 먼저 { $command }로 끝내 주세요.
discord-relay-removed = { $number }번째 줄을 지웠어요: { $text }
discord-relay-page = **{ $title }** ({ $page }/{ $pages }쪽)
discord-relay-archived = “{ $title }” 이야기를 보관했어요({ $lines }줄).
discord-relay-discarded = 빈 이야기라서 보관하지 않고 지웠어요.
discord-relay-stories-header = 보관한 이야기 ({ $page }/{ $pages }쪽, 모두 { $total }편):
discord-relay-story-item = • { $title } ({ $lines }줄)
discord-relay-no-stories = 아직 보관한 이야기가 없어요.
discord-relay-proposed = { $kind ->
    [length] 길이를
   *[keyword] 키워드를
} 제안했어요: { $value }
discord-relay-proposed-before = 이미 나온 { $kind ->
    [length] 길이
   *[keyword] 키워드
} 제안이에요: { $value }
discord-relay-supported = { $kind ->
    [length] 길이
   *[keyword] 키워드
} 제안 “{ $value }”에 표를 줬어요.
discord-relay-supported-instead = “{ $previous }” 대신 { $kind ->
    [length] 길이
   *[keyword] 키워드
} 제안 “{ $value }”에 표를 줬어요.
discord-relay-supported-plain = 그 제안에 표를 줬어요.
discord-relay-proposal-choice = { $kind ->
    [length] 길이
   *[keyword] 키워드
}: { $value } ({ $votes }표)
discord-round = **다음 줄 투표**: 버튼이나 숫자 반응으로 골라 주세요 ({ $closes } 마감)
discord-round-keyword = 키워드: { $keyword }
discord-vote-counted = { $choice }번에 투표했어요.
discord-vote-bot = 봇의 표는 세지 않아요.
discord-round-count = { $number }번 { $votes }표
discord-round-added = 투표가 끝났어요({ $counts }). { $winner }번 후보가 이야기에 더해졌어요.
discord-round-no-votes = 투표가 끝났어요({ $counts }). 표가 없어서 아무것도 더하지 않았어요.
discord-round-story-full = 투표가 끝났어요({ $counts }). 이야기가 가득 차서 뽑힌 후보를 더하지 못했어요.
discord-round-story-ended = 투표가 끝났어요({ $counts }). 이야기가 이미 끝나서 아무것도 더하지 않았어요.

## 가사 쓰기.

discord-lyrics-style = { $artist } 스타일
discord-lyrics-calls = 모델 호출 { $attempts }번
discord-lyrics-rejected = 원곡과 너무 비슷한 초안 { $rejected }개는 버렸어요
discord-lyrics-again = 다시 쓰기

## 기분 맞춤 노래.

discord-mood-songs = 지금 이 순간을 위한 노래
discord-mood-sound-alike = ‘{ $title }’처럼 들리는 노래
discord-mood-near = 가수와 분위기가 ‘{ $title }’에 가까운 노래
discord-mood-footer = { $emotion } · 추천 방식: { $policy } ({ $command })
discord-mood-policy-set-match = 이제 지금 기분에 어울리는 노래를 추천할게요.
discord-mood-policy-set-lift = 이제 기분을 끌어올려 줄 노래를 추천할게요.
discord-mood-forgotten = 기억하던 것을 모두 지웠어요({ $removed }건).

## 관리자용.

discord-synced = 명령어 { $count }개를 { $scope ->
    [guild] 이 서버에
   *[global] 모든 서버에
} 등록했어요.
