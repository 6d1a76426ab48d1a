## Texts only Discord shows.

discord-text-empty = Write something in “{ $label }”.
