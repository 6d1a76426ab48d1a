## The mood companion: why a message or a pick was refused.

mood-empty = The message is empty: tell me how you feel.
mood-too-long = The message is too long (up to { $limit } characters).
mood-bad-user = Unknown user.
mood-bad-policy = The policy is `match` or `lift`.
mood-no-list = There is no song list to pick from yet: tell me how you feel first.
mood-bad-choice = Pick a song number from 1 to { $count }.
