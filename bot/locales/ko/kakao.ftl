## KakaoTalk: what the skill answers when a simple command cannot run yet.

kakao-command-text-required = 무엇을 할까요? '{ $keyword }' 뒤에 이어서 적어 보내 주세요. ({ $label })
kakao-command-text-too-long = 조금 짧게 보내 주세요. { $limit }자까지 받을 수 있어요.
