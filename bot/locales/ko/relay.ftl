## 이어쓰기: 부탁을 들어줄 수 없을 때 하는 말.

relay-bad-language = 이야기 언어는 한국어(ko)나 영어(en) 중에서 골라 주세요.
relay-empty-line = 빈 줄은 더할 수 없어요. 내용을 적어 주세요.
relay-line-too-long = 이 줄은 { $length }자예요. 한 줄은 { $limit }자까지 쓸 수 있으니 더 짧게 나눠 주세요.
relay-field-too-long = { $field ->
    [genre] 장르는
   *[title] 제목은
} { $limit }자 이내로 적어 주세요.
relay-no-story = 이 방에는 진행 중인 이야기가 없어요. 먼저 새 이야기를 시작해 주세요.
relay-no-such-story = 찾는 이야기가 없어요.
relay-nothing-to-undo = 이야기에 지울 줄이 없어요.
relay-undo-not-yours = 마지막 줄은 쓴 사람({ $author })이나 관리자만 지울 수 있어요.
relay-undo-author-only = 마지막 줄은 쓴 사람이나 관리자만 지울 수 있어요.
relay-end-not-yours = 이 이야기는 시작한 { $starter }님이나 관리자만 끝낼 수 있어요.
relay-end-starter-only = 이 이야기는 시작한 사람이나 관리자만 끝낼 수 있어요.
relay-no-page = { $page }쪽은 없어요. 이 이야기는 { $pages }쪽까지 있어요.
relay-no-stories-page = { $page }쪽은 없어요. 목록은 { $pages }쪽까지 있어요.
relay-story-full = 이야기가 가득 찼어요({ $used }/{ $limit }{ $what ->
    [lines] 줄
   *[chars] 자
}). 이 이야기를 끝내고 새로 시작해 주세요.
relay-round-already-open = 이 방에서 이미 투표가 진행 중이에요. 먼저 투표해 주세요.
relay-no-continuation = 이어 쓸 만한 문장을 만들지 못했어요. 다시 해 주세요.
relay-writing-dropped = 쓰는 데 너무 오래 걸려서 투표가 취소됐어요. 다시 해 주세요.
relay-reroll-limit = 이번 투표의 후보는 이미 { $rerolls }번 다시 썼어요. 더는 다시 쓸 수 없어요.
relay-reroll-no-candidates = 쓸 만한 후보를 만들지 못했어요. 투표는 그대로예요.
relay-reroll-conflict = 다른 분이 먼저 후보를 다시 썼어요.
relay-reroll-closed = 새 후보가 준비되기 전에 투표가 끝났어요.
relay-no-open-round = 이 방에는 지금 열린 투표가 없어요.
relay-no-round = 찾는 투표가 없어요.
relay-round-gone = 그 투표는 이제 없어요.
relay-round-pending = 아직 후보를 쓰고 있어요. 후보가 올라오면 투표해 주세요.
relay-round-closed = 이미 끝난 투표라서 이번 표는 세지 않았어요. 그래도 고마워요!
relay-bad-choice = 1부터 { $choices }까지의 번호 중에서 골라 주세요.
relay-empty-keyword = 키워드가 비어 있어요.
relay-keyword-too-long = 키워드는 { $limit }자 이내로 적어 주세요.
relay-bad-length = 길이는 { $min }부터 { $max }까지의 숫자나 short(짧게), medium(보통), long(길게) 중에서 골라 주세요.
relay-bad-proposal-kind = 키워드나 길이를 제안해 주세요.
relay-too-many-proposals = { $kind ->
    [length] 길이
   *[keyword] 키워드
} 제안이 이미 { $count }개 있어요. 그중 하나에 투표해 주세요.
relay-proposal-used = 그 제안은 방금 이어쓰기에 쓰였어요.
relay-no-proposal = 찾는 제안이 없어요. 이미 쓰였을 수 있어요.

## 이어쓰기: 이야기, 투표, 내려받은 이야기가 하는 말.

relay-untitled = 제목 없음
relay-started = 새 이야기를 시작했어요: { $title }
relay-already-started = 이 방에는 이미 이야기가 있어요: { $title } ({ $lines }줄). 새 이야기는 이 이야기를 끝낸 뒤에 시작할 수 있어요.
# 투표 결과 알림에서 후보 하나의 표 수 (", "로 이어 붙여요)
relay-round-count = { $choice }번 { $votes }표
relay-round-closed-won = 투표가 끝났어요 ({ $counts }). { $winner }번 후보가 이야기에 이어졌어요.
relay-round-closed-empty = 투표가 끝났어요 ({ $counts }). { $note }
relay-note-no-votes = 표가 없어서 아무것도 더하지 않았어요.
relay-note-winner-missing = 이긴 후보를 찾을 수 없어요.
relay-note-story-ended = 이야기가 이미 끝났어요.
relay-note-story-full = 이야기가 가득 차서 이긴 후보를 더하지 못했어요.
relay-note-nothing-added = 더해진 줄이 없어요.
relay-vote-bot = 봇의 표는 세지 않아요.
relay-export-untitled = 제목 없음
relay-export-nobody = 아직 없음
relay-export-byline = { $lines }줄 (그중 { $model }줄은 모델이 쓰고 투표로 골랐어요) · 함께 쓴 사람: { $people } · { $when }
