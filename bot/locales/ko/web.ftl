## 웹 채팅(bot/web/)의 글: 요청을 받지 못할 때, 가사 가져오기, "더보기" 칸의 간단한 명령.

web-not-json = 요청은 application/json 형식으로 보내 주세요.
web-too-large = 요청이 너무 커요.
web-bad-json = 요청 내용이 올바른 JSON이 아니에요.
web-bad-body = 이 페이지가 보내는 요청과 달라요. ({ $detail })
web-bad-field = ‘{ $field }’ 값이 올바르지 않아요. ({ $detail })
web-bad-room = 방 이름은 글자, 숫자, '-', '_'로 1~40자까지 쓸 수 있어요. (띄어쓰기는 안 돼요)
web-bad-page = 쪽 번호(page)는 1부터 { $max }까지의 숫자로 적어 주세요.
web-bad-format = 내려받기 형식(format)은 md나 txt만 돼요.
web-stopping = 서버가 멈추는 중이에요. 잠시 후 페이지를 새로 고쳐 주세요.

## 가사: 페이지에서 가수 가져오기

web-lyrics-no-artists = 아직 가사를 배운 가수가 없어요. ‘가수 가져오기’에 가수 이름과 노래 가사를 붙여 넣으면 바로 쓸 수 있어요.
web-lyrics-artist-empty = 가수 이름을 적어 주세요.
web-lyrics-artist-too-long = 가수 이름은 { $limit }자까지예요.
web-lyrics-text-empty = 붙여 넣은 가사가 없어요. 노래 가사를 붙여 넣어 주세요.
web-lyrics-text-too-long = 한 번에 { $limit } KB까지 가져올 수 있어요 (지금 { $size } KB). 나눠서 가져와 주세요.
web-lyrics-too-many-songs = 한 번에 { $limit }곡까지 가져올 수 있어요 (지금 { $count }곡). 나눠서 가져와 주세요.
web-lyrics-no-songs = 붙여 넣은 글에서 노래를 찾지 못했어요. 가사 줄을 넣고, 노래 사이에는 === 줄이나 빈 줄 두 개를 두세요.
web-lyrics-all-duplicates = 모두 이미 가져온 노래예요 ({ $count }곡). { $artist }의 가사를 바로 쓸 수 있어요.
web-lyrics-imported = { $artist }의 노래 { $count }곡을 가져왔어요. 이제 { $artist }의 느낌으로 가사를 쓸 수 있어요.
web-lyrics-imported-some-skipped = { $artist }의 노래 { $count }곡을 가져왔고 { $skipped }곡은 건너뛰었어요 (아래 이유). 이제 { $artist }의 느낌으로 가사를 쓸 수 있어요.

## 간단한 명령 ("더보기" 칸)

web-command-unknown = 그런 명령은 없어요. 페이지를 새로 고치면 있는 명령을 볼 수 있어요.
web-command-text-missing = 먼저 내용을 적어 주세요.
web-command-text-too-long = 이 명령에는 너무 길어요. { $max }자까지 적을 수 있어요.
web-command-text-type = 이 명령에는 글자로 된 내용을 보내 주세요.
web-bad-nick = 닉네임을 적어 주세요.
web-not-found = 여기에는 아무것도 없어요. 페이지를 새로 고쳐 주세요.
web-method-not-allowed = 이 주소는 그런 요청을 받지 않아요. 페이지를 새로 고쳐 주세요.
web-bad-request = 요청을 읽을 수 없어요. 페이지를 새로 고쳐 주세요.
web-writing-failed = 모델이 이어 쓰지 못했어요.
web-no-audio = 이 노래는 여기서 재생할 수 있는 소리가 없어요.

## 상태 페이지 (/status)

web-status-title = 상태
web-status-about = 사람들과 함께 글을 쓰는 봇이에요: 이어 쓰는 이야기, 가사, 마음을 들어 주는 대화.
web-status-open-chat = 웹 채팅 열기
web-status-redis-up = Redis: 켜져 있어요
web-status-redis-down = Redis: 꺼져 있어요
web-status-no-workers = 워커: 아직 없어요 (모델 워커가 아직 준비 중일 수 있어요)
web-status-worker = 워커 { $id }: { $kinds }
web-status-machine = 기계가 읽는 상태:

## 이야기 읽기 페이지 (/stories/<id>)

web-reader-elsewhere = 다른 채팅
web-reader-untitled = 제목 없음
web-reader-no-lines = 아직 줄이 없어요.
web-reader-someone = 누군가
web-reader-the-model = 모델
web-reader-byline = { $lines }줄 (모델이 쓰고 투표로 고른 줄 { $model }개) · { $name } 님이 시작 · 쓰는 중
web-reader-byline-archived = { $lines }줄 (모델이 쓰고 투표로 고른 줄 { $model }개) · { $name } 님이 시작 · 보관됨
web-reader-download = 내려받기:
web-reader-markdown = 마크다운
web-reader-plain = 텍스트

## 웹 채팅 페이지의 글 (bot/web/static/): 페이지가 /api/texts로 받아 { $이름 }을 스스로 채워요.
## 변수 말고 다른 것(선택자 등)은 쓰지 않아요.

page-language = 언어
page-language-ko = 한국어
page-language-en = 영어
page-room = 방
page-join = 들어가기
page-nickname = 닉네임
page-guest-nick = 손님-{ $id }
page-tab-relay = 이어 쓰기
page-tab-mood = norae와 대화
page-tab-lyrics = 가사
page-tab-more = 더보기
page-offline = 연결 안 됨
page-live = 실시간 연결됨
page-reconnecting = 다시 연결하는 중…
page-checking = 확인하는 중…
page-status = 상태
page-health-up = Redis 켜짐 · 워커 { $workers }개
page-health-down = Redis 꺼짐 · 워커 { $workers }개
page-unreachable = 서버에 연결할 수 없어요.
page-http-error = 문제가 생겼어요 (HTTP { $status }). 잠시 후 다시 해 주세요.
page-bad-room = 방 이름은 글자, 숫자, '-', '_'로 1~40자까지 쓸 수 있어요.
page-close = 닫기
page-previous = 이전
page-next = 다음
page-send = 보내기
page-optional = 선택
page-untitled = 제목 없음
page-the-model = 모델

## 이어 쓰기

page-no-story = 이 방에는 아직 이야기가 없어요
page-story-title = 제목
page-story-genre = 장르
page-start = 이야기 시작하기
page-started-by = { $name } 님이 시작
page-started-by-someone = 누군가 시작
page-line-count = { $count }줄
page-vote-title = 다음 줄 투표
page-vote-for = { $number }번에 투표
page-voters = 투표한 사람 { $count }명
page-seconds-left = ({ $seconds }초 남음)
page-closing = (마감하는 중…)
page-reroll = 후보 다시 뽑기
page-rerolls-left = 다시 뽑기 { $count }번 남음
page-no-rerolls = 다시 뽑기를 다 썼어요
page-write-placeholder = 다음 줄을 적어 주세요…
page-write = 쓰기
page-keyword-placeholder = 키워드 (선택)
page-length = 길이
page-length-short = 짧게
page-length-medium = 보통
page-length-long = 길게
page-continue = 모델로 이어 쓰기
page-model-writing = 모델이 쓰고 있어요…
page-writing-asked = { $name } 님이 모델에게 이어 쓰기를 부탁했어요…
page-proposals = 다음 이어 쓰기 제안 ({ $count })
page-proposal-keyword = 키워드
page-proposal-length = 길이
page-propose-placeholder = 키워드, 또는 short / medium / long / 숫자
page-propose = 제안하기
page-proposal-votes = { $votes }표 · { $name } 님 제안
page-vote = 투표
page-show = 쪽으로 보기
page-undo = 마지막 줄 지우기
page-export-md = .md로 내려받기
page-export-txt = .txt로 내려받기
page-reader = 읽기 페이지
page-end = 이야기 끝내기
page-end-confirm = 이 이야기를 끝내고 보관할까요?
page-activity = 활동
page-archive = 지난 이야기
page-archive-empty = 아직 없어요
page-archive-more = 더 보기
page-log-started = { $name } 님이 “{ $title }” 이야기를 시작했어요
page-log-started-untitled = { $name } 님이 제목 없는 이야기를 시작했어요
page-log-line-added = { $name } 님이 한 줄을 썼어요
page-log-line-removed = { $name } 님이 { $number }번째 줄을 지웠어요
page-log-vote-opened = { $name } 님이 투표를 열었어요
page-log-rerolled = { $name } 님이 후보를 다시 뽑았어요
page-log-round-won = 투표 끝: { $winner }번이 이야기에 이어졌어요 — “{ $line }”
page-log-round-empty = 투표 끝: 더해진 줄이 없어요
page-log-ended = { $name } 님이 이야기를 끝냈어요

## norae와 대화

page-mood-intro = norae에게 지금 기분을 말해 보세요 (한국어나 영어로). norae가 답하고 노래를 추천해요. 하나를 고르면 그 노래와 비슷한 노래를 들려줘요.
page-mood-waiting = norae가 듣고 있어요…
page-mood-placeholder = 오늘 기분은 어때요?
page-mood-songs = 추천받을 노래:
page-mood-match = 지금 기분에 맞는 노래
page-mood-lift = 기분을 올려 주는 노래
page-mood-forget = 나를 잊어 줘
page-mood-forget-confirm = norae가 기억하는 내 정보(메시지, 노래, 설정)를 모두 지울까요?
page-mood-forgotten = 다 지웠어요: norae는 이제 나에 대해 아무것도 기억하지 않아요.
page-player = 플레이어
page-nothing-playing = 아직 재생 중인 노래가 없어요.
page-now-playing = 지금 재생 중: { $title } · { $artist }
page-music-paused = 음악을 멈췄어요.
page-playlist = 재생 목록
page-playlist-empty = 여기서 들을 수 있는 추천 노래가 이 목록에 나와요.
page-play = ▶ 재생
page-open-link = 열기 ↗
page-more-like-this = { $choice } · 이런 노래 더
page-emotion = 감정 { $emotion } · { $percent }%
page-emotion-joy = 기쁨
page-emotion-sadness = 슬픔
page-emotion-anger = 분노
page-emotion-fear = 공포
page-emotion-surprise = 놀람
page-emotion-disgust = 혐오
page-emotion-neutral = 중립

## 가사

page-import-title = 가수 가져오기
page-import-welcome = 아직 가사를 배운 가수가 없어요. 가수 이름과 그 가수의 노래 가사를 아래에 붙여 넣으면, norae가 그 가수의 느낌으로 새 가사를 바로 써요.
page-import-rights = 가져오기는 붙여 넣은 가사를 이 서버에만 저장해요. norae는 스스로 가사를 가져오지 않아요: 쓸 권리가 있는 가사만 붙여 넣어 주세요 (직접 쓴 노래, 저작권이 끝난 시).
page-import-command-intro = 서버에서 명령 한 줄로 가져올 수도 있어요:
page-import-command = norae lyrics import --artist "가수 이름" songs.txt
page-import-artist = 가수 이름
page-import-lyrics = 가사
page-import-placeholder =
    제목

    첫 줄
    둘째 줄
    ===
    다음 노래 …
page-import-help = 노래 사이에는 === 줄이나 빈 줄 두 개를 두세요. 첫 줄 다음이 빈 줄이면 그 줄이 제목이에요.
page-import-limits = 한 번에 { $kb } KB, { $songs }곡까지 가져올 수 있어요.
page-import = 가져오기
page-import-skipped = { $song }번째 노래: { $reason }
page-lyrics-artist = 가수
page-lyrics-theme = 주제
page-lyrics-lines = 줄 수
page-lyrics-lines-default = 기본
page-lyrics-lines-range = 기본 { $default } ({ $min }–{ $max })
page-lyrics-language-artist = 가수의 언어
page-lyrics-write = 노래 쓰기
page-norae-writing = norae가 쓰고 있어요…
page-lyrics-again = 다시 쓰기
page-song-style = { $artist } 느낌으로
page-song-rejected = 가수의 가사를 베낀 초안 { $count }개는 버렸어요
page-song-cut = 베낀 구절은 잘라 냈어요
page-about = 소개
page-lyrics-about = 가져온 가수의 느낌으로 노래를 써요. 그 가수의 노래에서 8단어 이상을 그대로 베낀 줄은 버리니, 쓸 때마다 새 노래예요.

## 더보기

page-more-intro = 글을 보내면 norae가 글로 답하는 간단한 명령들이에요.
