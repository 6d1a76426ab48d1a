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
