## Lyrics in an artist's style: why a request was refused.

lyrics-no-artists = norae has not learned any artist's lyrics yet. Please ask the bot's admin to import some.
lyrics-no-artist = Name an artist.
lyrics-artist-too-long = Keep the artist's name within { $limit } characters.
lyrics-unknown-artist = I don't know the artist “{ $name }”.
lyrics-unknown-artist-closest = I don't know the artist “{ $name }”. Closest: { $closest }.
lyrics-no-model = Song writing is not available here right now.
lyrics-nothing-usable = The model did not write anything usable this time; try again.
lyrics-all-copied = Every attempt copied the artist's own lyrics, so nothing is left to show; try another theme.
lyrics-theme-too-long = { $length ->
    [one] The theme is too long ({ $length } character; at most { $limit }).
   *[other] The theme is too long ({ $length } characters; at most { $limit }).
}
lyrics-bad-language = Language must be ko (Korean) or en (English).
lyrics-bad-lines = Lines must be between { $min } and { $max }.

## A song the model wrote without a title

lyrics-untitled = Untitled

## Importing lyrics: why a file, song or row was skipped (the command line and the web page)

lyrics-skip-empty-file = empty file
lyrics-skip-no-lyrics = no lyrics (only a title or headers)
lyrics-skip-only-headers = no lyrics (only section headers)
lyrics-skip-no-artist = no artist
lyrics-skip-no-artist-column = no artist column (pass --artist)
lyrics-skip-missing-lyrics = missing lyrics
lyrics-skip-not-text = not text in UTF-8 or CP949/EUC-KR (save the file as UTF-8)
lyrics-skip-cannot-read = cannot read: { $detail }
lyrics-skip-duplicate = duplicate of “{ $title }”
lyrics-skip-undecodable = bytes that are not { $encoding }; stopped
lyrics-skip-not-genius-csv = not a Genius lyrics CSV (missing: { $missing })
lyrics-skip-bad-csv = cannot read the CSV further: { $detail }
