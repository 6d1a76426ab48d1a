"""What the bot process and the inference worker agree on, importable by both without torch.

``jobs`` (the job envelope and every job kind's typed request and result), ``emotions`` (the
emotion labels), ``settings`` (the one configuration both processes read).
"""
