## /poem: a short poem on what the user names (bot/commands/poem.py).

command-poem-description = A short poem on whatever you name
command-poem-keywords = poem
command-poem-text = What should the poem be about?
poem-failed = I could not write a poem this time. Please try other words.
