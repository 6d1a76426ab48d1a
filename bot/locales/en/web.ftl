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

## The web chat page's texts (bot/web/static/): the page reads them from /api/texts and fills
## their { $name } variables itself. They hold nothing else (no selectors).

page-language = Language
page-language-ko = Korean
page-language-en = English
page-room = Room
page-join = Join
page-nickname = Nickname
page-guest-nick = guest-{ $id }
page-tab-relay = Relay story
page-tab-mood = DM with norae
page-tab-lyrics = Lyrics
page-tab-more = More
page-offline = offline
page-live = live
page-reconnecting = reconnecting…
page-checking = checking…
page-status = status
page-health-up = Redis up · workers: { $workers }
page-health-down = Redis down · workers: { $workers }
page-unreachable = The server cannot be reached.
page-http-error = Something went wrong (HTTP { $status }). Please try again in a moment.
page-bad-room = A room name is 1-40 letters, digits, '-' or '_'.
page-close = Close
page-previous = Previous
page-next = Next
page-send = Send
page-optional = optional
page-untitled = Untitled
page-the-model = model

## Relay story

page-no-story = No story in this room yet
page-story-title = Title
page-story-genre = Genre
page-start = Start a story
page-started-by = started by { $name }
page-started-by-someone = started by someone
page-line-count = lines: { $count }
page-vote-title = Vote for the next line
page-vote-for = Vote { $number }
page-voters = voters: { $count }
page-seconds-left = ({ $seconds } s left)
page-closing = (closing…)
page-reroll = Reroll candidates
page-rerolls-left = rerolls left: { $count }
page-no-rerolls = No rerolls left
page-write-placeholder = Write the next line…
page-write = Write
page-keyword-placeholder = keyword (optional)
page-length = length
page-length-short = short
page-length-medium = medium
page-length-long = long
page-continue = Continue with the model
page-model-writing = The model is writing…
page-writing-asked = { $name } asked the model to write…
page-proposals = Proposals for the next continuation ({ $count })
page-proposal-keyword = keyword
page-proposal-length = length
page-propose-placeholder = a keyword, or short / medium / long / a number
page-propose = Propose
page-proposal-votes = votes: { $votes } · by { $name }
page-vote = Vote
page-show = Show (pages)
page-undo = Undo last line
page-export-md = Export .md
page-export-txt = Export .txt
page-reader = Reader page
page-end = End story
page-end-confirm = End and archive this story?
page-activity = Activity
page-archive = Archived stories
page-archive-empty = none yet
page-archive-more = More
page-log-started = { $name } started “{ $title }”
page-log-started-untitled = { $name } started an untitled story
page-log-line-added = { $name } wrote a line
page-log-line-removed = { $name } removed line { $number }
page-log-vote-opened = { $name } opened a vote
page-log-rerolled = { $name } rerolled the candidates
page-log-round-won = Vote closed: candidate { $winner } joins the story — “{ $line }”
page-log-round-empty = Vote closed: nothing was added
page-log-ended = { $name } ended the story

## DM with norae

page-mood-intro = Tell norae how you feel (in Korean or English). It answers and recommends songs; pick one to hear songs that sound like it.
page-mood-waiting = norae is listening…
page-mood-placeholder = How are you feeling today?
page-mood-songs = Songs that
page-mood-match = match my mood
page-mood-lift = lift my mood
page-mood-forget = Forget me
page-mood-forget-confirm = Delete everything norae keeps about you (messages, songs, settings)?
page-mood-forgotten = Done: norae has forgotten everything about you.
page-player = Player
page-nothing-playing = Nothing playing yet.
page-now-playing = Now playing: { $title } · { $artist }
page-music-paused = Music paused.
page-playlist = Playlist
page-playlist-empty = Recommended songs you can play here appear in this list.
page-play = ▶ Play
page-open-link = Open ↗
page-more-like-this = { $choice } · more like this
page-emotion = { $emotion } · { $percent }%
page-emotion-joy = joy
page-emotion-sadness = sadness
page-emotion-anger = anger
page-emotion-fear = fear
page-emotion-surprise = surprise
page-emotion-disgust = disgust
page-emotion-neutral = neutral

## Lyrics

page-import-title = Import an artist
page-import-welcome = No artist has been imported yet. Paste an artist's name and some of their songs below, and norae writes new lyrics in their style right away.
page-import-rights = An import stores the lyrics you paste on this server only; norae never fetches lyrics by itself. Paste only lyrics you may use (your own songs, public-domain poems).
page-import-command-intro = Or import with one command on the server:
page-import-command = norae lyrics import --artist "Artist name" songs.txt
page-import-artist = Artist
page-import-lyrics = Lyrics
page-import-placeholder =
    Title

    First line
    Second line
    ===
    Next song …
page-import-help = Put a line of === or two blank lines between songs; a first line followed by a blank line is the title.
page-import-limits = At most { $kb } KB and { $songs } songs an import.
page-import = Import
page-import-skipped = song { $song }: { $reason }
page-lyrics-artist = Artist
page-lyrics-theme = Theme
page-lyrics-lines = Lines
page-lyrics-lines-default = default
page-lyrics-lines-range = default { $default } ({ $min }–{ $max })
page-lyrics-language-artist = the artist's
page-lyrics-write = Write a song
page-norae-writing = norae is writing…
page-lyrics-again = Another take
page-song-style = in the style of { $artist }
page-song-rejected = drafts that copied the artist, rejected: { $count }
page-song-cut = copied phrases were cut out
page-about = About
page-lyrics-about = Songs in the style of an imported artist. Lines that copy 8 or more words of the artist's own songs are rejected, so every take is new.

## More

page-more-intro = Simple commands: send a text and norae answers with text.
