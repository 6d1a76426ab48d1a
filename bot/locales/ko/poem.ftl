## /poem: a short poem on what the user names (bot/commands/poem.py).

command-poem-description = 적어 준 말로 짧은 시를 써요
command-poem-keywords = 시 poem
command-poem-text = 무엇에 대한 시를 쓸까요?
poem-failed = 이번에는 시를 쓰지 못했어요. 다른 말로 다시 해 주세요.
