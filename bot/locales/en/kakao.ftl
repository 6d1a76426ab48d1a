## KakaoTalk: what the skill answers when a simple command cannot run yet.

kakao-command-text-required = What about? Send '{ $keyword }' followed by your text ({ $label }).
kakao-command-text-too-long = Please make it shorter: at most { $limit } characters.
