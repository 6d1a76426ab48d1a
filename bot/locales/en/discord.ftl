## Texts only Discord shows.

discord-text-empty = Write something in “{ $label }”.

## Slash commands. A name is one lower-case word (at most 32 characters, no spaces), a description
## at most 100 characters. Korean clients see the Korean ones; everyone else these.

discord-relay = relay
discord-relay-description = Write a story together
discord-relay-start = start
discord-relay-start-description = Start this channel's story
discord-relay-start-title = title
discord-relay-start-title-description = Title
discord-relay-start-genre = genre
discord-relay-start-genre-description = Genre
discord-relay-start-language-description = The story's language
discord-relay-write = write
discord-relay-write-description = Add your line to the story
discord-relay-write-text-description = Your line
discord-relay-continue = continue
discord-relay-continue-description = Ask the model for continuations to vote on
discord-relay-continue-keyword = keyword
discord-relay-continue-keyword-description = A word to steer the story
discord-relay-continue-length = length
discord-relay-continue-length-description = short, medium, long or a token count
discord-relay-reroll = reroll
discord-relay-reroll-description = New candidates for the open round
discord-relay-propose = propose
discord-relay-propose-description = Propose a keyword or length for the next continuation
discord-relay-propose-kind = kind
discord-relay-propose-kind-description = What you propose
discord-relay-propose-value = value
discord-relay-propose-value-description = The keyword, or the length: short, medium, long or a token count
discord-relay-support = support
discord-relay-support-description = Vote for a proposed keyword or length
discord-relay-support-proposal = proposal
discord-relay-support-proposal-description = The proposal to back (one vote per kind)
discord-relay-undo = undo
discord-relay-undo-description = Remove the last line (its author or a moderator)
discord-relay-show = show
discord-relay-show-description = Show the story
discord-relay-show-page-description = Which page of the story
discord-relay-end = end
discord-relay-end-description = Finish and archive the story
discord-relay-export = export
discord-relay-export-description = Download the story as Markdown and text
discord-relay-stories = stories
discord-relay-stories-description = Archived stories of this channel
discord-relay-stories-page-description = Which page of the list
discord-lyrics = lyrics
discord-lyrics-description = New lyrics in the style of an imported artist
discord-lyrics-artist = artist
discord-lyrics-artist-description = An imported artist
discord-lyrics-theme = theme
discord-lyrics-theme-description = What the song is about
discord-lyrics-lines = lines
discord-lyrics-lines-description = How many lines
discord-lyrics-language-description = Korean or English (default: the artist's)
discord-mood = mood
discord-mood-description = The mood companion
discord-mood-policy = policy
discord-mood-policy-description = Songs that match your feeling, or lift it
discord-mood-policy-option = policy
discord-mood-policy-option-description = Match your feeling or lift it
discord-mood-forget = forget
discord-mood-forget-description = Delete everything norae keeps about you
discord-option-language = language
discord-option-page = page
discord-option-text = text

## Choices, and the words they stand for.

discord-language-en = English
discord-language-ko = Korean
discord-proposal-kind-keyword = keyword
discord-proposal-kind-length = length
discord-policy-match = match
discord-policy-lift = lift
discord-emotion-joy = joy
discord-emotion-sadness = sadness
discord-emotion-anger = anger
discord-emotion-fear = fear
discord-emotion-surprise = surprise
discord-emotion-disgust = disgust
discord-emotion-neutral = neutral

## Relay stories.

discord-untitled = untitled
discord-relay-started = Started a new story: { $title }.
discord-relay-already-started = This channel already has a story: { $title } ({ $lines ->
    [one] { $lines } line
   *[other] { $lines } lines
}). Use { $command } to finish it first.
discord-relay-removed = Removed line { $number }: { $text }
discord-relay-page = **{ $title }** (page { $page }/{ $pages })
discord-relay-archived = The story “{ $title }” is archived ({ $lines ->
    [one] { $lines } line
   *[other] { $lines } lines
}).
discord-relay-discarded = The empty story was discarded.
discord-relay-stories-header = Archived stories (page { $page }/{ $pages }, { $total } in all):
discord-relay-story-item = • { $title } ({ $lines ->
    [one] { $lines } line
   *[other] { $lines } lines
})
discord-relay-no-stories = No archived stories yet.
discord-relay-proposed = Proposed { $kind ->
    [length] a length
   *[keyword] a keyword
}: { $value }
discord-relay-proposed-before = Already proposed { $kind ->
    [length] as a length
   *[keyword] as a keyword
}: { $value }
discord-relay-supported = You back the { $kind ->
    [length] length
   *[keyword] keyword
} “{ $value }”.
discord-relay-supported-instead = You back the { $kind ->
    [length] length
   *[keyword] keyword
} “{ $value }” instead of “{ $previous }”.
discord-relay-supported-plain = You back that proposal.
discord-relay-proposal-choice = { $kind ->
    [length] length
   *[keyword] keyword
}: { $value } ({ $votes ->
    [one] { $votes } vote
   *[other] { $votes } votes
})
discord-round = **Vote for the next line** with the buttons or reactions (closes { $closes })
discord-round-keyword = keyword: { $keyword }
discord-vote-counted = Your vote: { $choice }.
discord-vote-bot = Bots don't vote.
discord-round-count = { $number }: { $votes }
discord-round-added = Voting closed ({ $counts }). Candidate { $winner } joins the story.
discord-round-no-votes = Voting closed ({ $counts }). No votes, so nothing was added.
discord-round-story-full = Voting closed ({ $counts }). The story is full, so the winner could not be added.
discord-round-story-ended = Voting closed ({ $counts }). The story has ended, so nothing was added.

## Lyrics.

discord-lyrics-style = in the style of { $artist }
discord-lyrics-calls = { $attempts ->
    [one] { $attempts } model call
   *[other] { $attempts } model calls
}
discord-lyrics-rejected = { $rejected ->
    [one] { $rejected } too-close draft discarded
   *[other] { $rejected } too-close drafts discarded
}
discord-lyrics-again = Another take

## The mood companion.

discord-mood-songs = Songs for this moment
discord-mood-sound-alike = Songs that sound like { $title }
discord-mood-near = Songs near { $title } by artist and mood
discord-mood-footer = { $emotion } · policy: { $policy } ({ $command })
discord-mood-policy-set-match = From now on I'll suggest songs that match how you feel.
discord-mood-policy-set-lift = From now on I'll suggest songs to lift your mood.
discord-mood-forgotten = Done: everything I kept about you is deleted ({ $removed ->
    [one] { $removed } record
   *[other] { $removed } records
}).

## The owner's maintenance.

discord-synced = { $count ->
    [one] Published { $count } command
   *[other] Published { $count } commands
} ({ $scope ->
    [guild] this server
   *[global] every server
}).
