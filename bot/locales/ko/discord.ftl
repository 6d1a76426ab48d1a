## 디스코드에서만 보이는 글.

discord-text-empty = “{ $label }”에 내용을 써 주세요.
