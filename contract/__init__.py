"""What the bot process and the inference worker agree on, importable by both without torch.

``jobs`` (the job envelope, every job kind's typed request and result, the error codes and the
sampling bounds), ``emotions`` (the emotion labels and how a classifier's label maps onto them),
``artists`` (the artist tag training songs start with), ``urls`` (the ``package://`` song URLs),
``ids`` (who acts and where), ``settings`` (the one configuration both processes read).

It imports nothing of the project's but itself, and no model library (``tests/test_layers.py``).
"""
