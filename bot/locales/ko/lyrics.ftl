## 가수 풍의 가사: 부탁을 들어줄 수 없을 때 하는 말.

lyrics-no-artists = 아직 가사를 배운 가수가 없어요. 관리자에게 가사 가져오기를 부탁해 주세요.
lyrics-no-artist = 가수 이름을 알려 주세요.
lyrics-artist-too-long = 가수 이름은 { $limit }자 이내로 적어 주세요.
lyrics-unknown-artist = ‘{ $name }’ 가수의 가사는 아직 배우지 않았어요.
lyrics-unknown-artist-closest = ‘{ $name }’ 가수의 가사는 아직 배우지 않았어요. 혹시 이 가수인가요? { $closest }
lyrics-no-model = 지금은 여기서 가사를 쓸 수 없어요.
lyrics-nothing-usable = 이번에는 쓸 만한 가사를 만들지 못했어요. 다시 해 주세요.
lyrics-all-copied = 쓸 때마다 원곡 가사를 그대로 따라 써서 보여 드릴 게 남지 않았어요. 다른 주제로 해 주세요.
lyrics-theme-too-long = 주제가 너무 길어요({ $length }자). { $limit }자 이내로 적어 주세요.
lyrics-bad-language = 언어는 한국어(ko)나 영어(en) 중에서 골라 주세요.
lyrics-bad-lines = 줄 수는 { $min }부터 { $max }까지 정할 수 있어요.

## 모델이 제목 없이 쓴 노래

lyrics-untitled = 무제

## 가사 가져오기: 파일, 노래, 줄을 건너뛴 이유 (명령줄과 웹 페이지)

lyrics-skip-empty-file = 빈 파일
lyrics-skip-no-lyrics = 가사가 없음 (제목이나 머리글뿐)
lyrics-skip-only-headers = 가사가 없음 (구간 이름뿐)
lyrics-skip-no-artist = 가수 이름이 없음
lyrics-skip-no-artist-column = 가수(artist) 열이 없음 (--artist로 주세요)
lyrics-skip-missing-lyrics = 가사가 비어 있음
lyrics-skip-not-text = UTF-8이나 CP949/EUC-KR 글이 아님 (UTF-8로 저장해 주세요)
lyrics-skip-cannot-read = 읽을 수 없음: { $detail }
lyrics-skip-duplicate = 이미 있는 노래: “{ $title }”
lyrics-skip-undecodable = { $encoding }(으)로 읽을 수 없는 바이트가 있어 멈춤
lyrics-skip-not-genius-csv = Genius 가사 CSV 형식이 아님 (없는 열: { $missing })
lyrics-skip-bad-csv = CSV를 더 읽을 수 없음: { $detail }
