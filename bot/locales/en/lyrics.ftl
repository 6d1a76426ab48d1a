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
