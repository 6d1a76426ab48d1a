## The web chat's own texts (bot/web/): refusals of a request, the page's lyrics import, and its
## "More" panel of simple commands.

web-not-json = Send the request as application/json.
web-too-large = Request too large.
web-bad-json = The request body is not valid JSON.
web-bad-body = The request is not what this page sends: { $detail }
web-bad-field = { $field }: { $detail }
web-bad-room = A room name is 1-40 letters, digits, '-' or '_' (no spaces).
web-bad-page = page must be a number from 1 to { $max }, in digits 0-9.
web-bad-format = format must be md or txt.
web-stopping = The server is stopping. Please reload the page in a moment.

## Lyrics: importing an artist from the page

web-lyrics-no-artists = No artist has been imported yet. Paste an artist's name and some of their songs in “Import an artist”, then write.
web-lyrics-artist-empty = Write the artist's name.
web-lyrics-artist-too-long = An artist's name is at most { $limit } characters.
web-lyrics-text-empty = Nothing was pasted: paste the lyrics of one or more songs.
web-lyrics-text-too-long = One import takes at most { $limit } KB (this is { $size } KB). Import it in parts.
web-lyrics-too-many-songs = One import takes at most { $limit } songs (this has { $count }). Import them in parts.
web-lyrics-no-songs = No song was found in the text. Paste lyric lines, with a line of === or two blank lines between songs.
web-lyrics-all-duplicates = Every song is already imported ({ $count }). You can write as { $artist } right away.
web-lyrics-imported = Imported { $count ->
        [one] { $count } song
       *[other] { $count } songs
    } of { $artist }. You can write in their style now.
web-lyrics-imported-some-skipped = Imported { $count ->
        [one] { $count } song
       *[other] { $count } songs
    } of { $artist } and skipped { $skipped } (reasons below). You can write in their style now.

## Simple commands (the page's "More" panel)

web-command-unknown = There is no such command. Reload the page to see the ones there are.
web-command-text-missing = Write the text for this command first.
web-command-text-too-long = That is too long for this command: at most { $max } characters.
web-command-text-type = The text for this command must be words, not a number or a list.
web-bad-nick = Choose a nickname.
web-not-found = There is nothing at this address. Please reload the page.
web-method-not-allowed = This address does not take that kind of request. Please reload the page.
web-bad-request = The request could not be read. Please reload the page.
web-writing-failed = The model could not write.
web-no-audio = No playable audio for that song.

## The status page (/status)

web-status-title = Status
web-status-about = A bot that writes with people: relay stories, lyrics, and a mood companion.
web-status-open-chat = Open the web chat
web-status-redis-up = Redis: up
web-status-redis-down = Redis: down
web-status-no-workers = Workers: none yet (the model worker may still be loading)
web-status-worker = Worker { $id }: { $kinds }
web-status-machine = Machine-readable:

## The reader page of a story (/stories/<id>)

web-reader-elsewhere = another chat
web-reader-untitled = Untitled
web-reader-no-lines = No lines yet.
web-reader-someone = someone
web-reader-the-model = the model
web-reader-byline = { $lines ->
        [one] { $lines } line
       *[other] { $lines } lines
    } ({ $model } by the model, chosen by vote) · started by { $name } · in progress
web-reader-byline-archived = { $lines ->
        [one] { $lines } line
       *[other] { $lines } lines
    } ({ $model } by the model, chosen by vote) · started by { $name } · archived
web-reader-download = Download:
web-reader-markdown = Markdown
web-reader-plain = plain text
