## Relay stories: why a request was refused.

relay-bad-language = The language must be ko (Korean) or en (English).
relay-empty-line = Write something: the line is empty.
relay-line-too-long = { $length ->
    [one] That line is { $length } character; the limit is { $limit }. Split it into shorter lines.
   *[other] That line is { $length } characters; the limit is { $limit }. Split it into shorter lines.
}
relay-field-too-long = { $field ->
    [genre] Keep the genre within { $limit ->
        [one] { $limit } character.
       *[other] { $limit } characters.
    }
   *[title] Keep the title within { $limit ->
        [one] { $limit } character.
       *[other] { $limit } characters.
    }
}
relay-no-story = There is no story in this channel yet; start one first.
relay-no-such-story = There is no such story.
relay-nothing-to-undo = The story has no lines to undo.
relay-undo-not-yours = Only the author of the last line ({ $author }) or a moderator can undo it.
relay-undo-author-only = Only the author of the last line or a moderator can undo it.
relay-end-not-yours = Only { $starter } or a moderator can end this story.
relay-end-starter-only = Only the starter or a moderator can end this story.
relay-no-page = { $pages ->
    [one] There is no page { $page }; the story has { $pages } page.
   *[other] There is no page { $page }; the story has { $pages } pages.
}
relay-no-stories-page = { $pages ->
    [one] There is no page { $page }; there is { $pages } page.
   *[other] There is no page { $page }; there are { $pages } pages.
}
relay-story-full = { $what ->
    [lines] The story is full ({ $used }/{ $limit } lines). End it and start a new one.
   *[chars] The story is full ({ $used }/{ $limit } characters). End it and start a new one.
}
relay-round-already-open = A round is already open in this channel: vote there first.
relay-no-continuation = The model could not write a usable continuation; try again.
relay-writing-dropped = Writing took too long and the round was dropped; try again.
relay-reroll-limit = { $rerolls ->
    [one] This round was already rerolled { $rerolls } time, the limit.
   *[other] This round was already rerolled { $rerolls } times, the limit.
}
relay-reroll-no-candidates = The model could not write usable candidates; the round is unchanged.
relay-reroll-conflict = Someone else rerolled this round first.
relay-reroll-closed = The round closed before the reroll was ready.
relay-no-open-round = There is no open round in this channel.
relay-no-round = There is no such round.
relay-round-gone = That round is gone.
relay-round-pending = This round is still being written; vote once the candidates are up.
relay-round-closed = This round is closed, so your vote was not counted. Thanks anyway!
relay-bad-choice = Choose a number from 1 to { $choices }.
relay-empty-keyword = The keyword is empty.
relay-keyword-too-long = { $limit ->
    [one] Keep the keyword within { $limit } character.
   *[other] Keep the keyword within { $limit } characters.
}
relay-bad-length = Length must be a number from { $min } to { $max }, or short, medium or long.
relay-bad-proposal-kind = Propose a keyword or a length.
relay-too-many-proposals = { $kind ->
    [length] There are already { $count } length proposals; vote for one.
   *[keyword] There are already { $count } keyword proposals; vote for one.
}
relay-proposal-used = That proposal was just used by a continuation.
relay-no-proposal = There is no such proposal (it may have been used).

## Relay stories: what a story, a vote and an export tell their readers.

relay-untitled = untitled
relay-started = Started a new story: { $title }.
relay-already-started = This channel already has a story: { $title } ({ $lines ->
        [one] { $lines } line
       *[other] { $lines } lines
    }). End it before you start a new one.
# one candidate's votes in a closing announcement, joined with ", "
relay-round-count = { $choice }: { $votes }
relay-round-closed-won = Vote closed ({ $counts }). Candidate { $winner } joins the story.
relay-round-closed-empty = Vote closed ({ $counts }). { $note }
relay-note-no-votes = No votes, so nothing was added.
relay-note-winner-missing = The winning candidate is missing.
relay-note-story-ended = The story has ended.
relay-note-story-full = The story is full, so the winner could not be added.
relay-note-nothing-added = Nothing was added.
relay-vote-bot = Bots do not vote.
relay-export-untitled = Untitled
relay-export-nobody = nobody yet
relay-export-byline = { $lines ->
        [one] { $lines } line
       *[other] { $lines } lines
    } ({ $model } by the model, chosen by vote); written by { $people }; { $when }
