## 기분 맞춤 노래 추천: 메시지나 고르기를 받을 수 없을 때 하는 말.

mood-empty = 메시지가 비어 있어요. 지금 기분을 들려주세요.
mood-too-long = 메시지가 너무 길어요 ({ $limit }자까지).
mood-bad-user = 사용자를 알 수 없어요.
mood-bad-policy = 추천 방식은 match(기분에 맞추기) 또는 lift(기분 끌어올리기)예요.
mood-no-list = 아직 고를 노래 목록이 없어요. 먼저 기분을 들려주세요.
mood-bad-choice = 노래 번호를 1부터 { $count }까지 골라 주세요.
