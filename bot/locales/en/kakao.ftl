## KakaoTalk: what the KakaoTalk room says. KakaoTalk answers in Korean; these English twins keep
## the catalogs complete. A quoted command ('relay end', 'result') is what a person sends as it
## is: write one the KakaoTalk grammar reads in English.

## A simple command that cannot run yet

kakao-command-text-required = What about? Send '{ $keyword }' followed by your text ({ $label }).
kakao-command-text-too-long = Please make it shorter: at most { $limit } characters.

## The whole room

kakao-not-understood = I'm not sure what you mean. I write relay stories and lyrics, and suggest songs for your mood. Tell me how you feel, or send 'help'.
kakao-too-long = { $length ->
    [one] The message is too long ({ $length } character). Please send at most { $limit }.
   *[other] The message is too long ({ $length } characters). Please send at most { $limit }.
}
kakao-same-request = Still working on that same request. Please check again in a moment.
# Shown while an answer comes through the callback
kakao-wait = …one moment
# The name written in a story when the KakaoTalk nickname is unknown ($id: the last four characters of the user's id)
kakao-user-name = Kakao { $id }
kakao-untitled = Untitled

## Late answers ('result')

# Sent in group chats too, where there is no button to press: "send", not "press".
kakao-still-writing = Still writing. Send 'result' in a moment.
kakao-earlier-still-writing = Still writing your earlier request. Please wait a little.
kakao-too-slow = That took too long. Please try again in a moment.
kakao-nothing-waiting = There is no result waiting.

## Group chats: a line of text instead of quick-reply buttons
## $options: what to send, such as «투표 1 / 투표 2 / 투표 3»; $particle: the Korean particle after
## the last number (ro, euro), which English does not need

kakao-group-vote = { $particle ->
   *[any] Send { $options } to vote.
}
kakao-group-send = { $particle ->
   *[any] Send { $options }.
}
kakao-group-others = You can also send: { $commands }

## Quick-reply buttons (at most 14 characters)

kakao-quick-help = Help
kakao-quick-fetch = Result
kakao-quick-continue = Keep writing
kakao-quick-show = Read story
kakao-quick-vote = No. { $number }
kakao-quick-reroll = Rewrite
kakao-quick-next-page = Next page
kakao-quick-new-story = New story
kakao-quick-lyrics-again = Another take
kakao-quick-lift = Lift my mood
kakao-quick-match = Match my mood

## Relay stories

kakao-relay-started =
    Started a new story: { $title }
    Write with 'relay write <line>'.
kakao-relay-already-started = { $lines ->
    [one] This chat already has a story: { $title } ({ $lines } line). Finish it with 'relay end' before starting a new one.
   *[other] This chat already has a story: { $title } ({ $lines } lines). Finish it with 'relay end' before starting a new one.
}
kakao-relay-written =
    Added line { $number }.
    { $line }
kakao-relay-candidates = { $seconds ->
    [one] Candidates for the next line. Vote within { $seconds } second.
   *[other] Candidates for the next line. Vote within { $seconds } seconds.
}
kakao-relay-no-open-round = There is no open vote right now.
kakao-relay-vote-how = Choose by number, like 'vote 1'.
kakao-relay-voted = You voted for { $choice }.
kakao-relay-vote-changed = (changed from { $previous })
kakao-relay-round-won = The vote is over. Candidate { $winner } joins the story.
kakao-relay-round-no-votes = The vote is over. There were no votes, so nothing was added.
kakao-relay-round-not-added = The vote is over. Candidate { $winner } won, but it could not be added to the story.
kakao-relay-bad-page = Write the page as a number from 1 up, like 'relay show 2'.
kakao-relay-page = “{ $title }”, page { $page } of { $pages }
kakao-relay-page-empty = (no lines yet)
kakao-relay-undone = Removed the last line: { $line }
kakao-relay-ended = The story is finished: { $title }
kakao-relay-discarded = The story was empty, so it was deleted.

## Lyrics

kakao-lyrics-again-first = First ask with 'lyrics <artist> / <theme>'.
kakao-lyrics-no-artist = Name the artist, like 'lyrics <artist> / <theme>'.
kakao-lyrics-song = “{ $title }”: new lyrics in the style of { $artist }
kakao-lyrics-cut = (parts that matched the original lyrics were removed)

## The mood companion

kakao-mood-listen = Listen
kakao-mood-songs = Songs for you
kakao-mood-like = Songs like “{ $title }”
kakao-mood-forgot = I forgot everything we talked about.

## Help: each command's usage and what it does. A usage is a command as it is sent; the Korean
## help lists these English usages on its last line.

kakao-help-title = How to use norae
kakao-help-english = You can also send these in English: { $usages }.
kakao-usage-relay-start = relay start [title]
kakao-does-relay-start = start this chat's story
kakao-usage-relay-write = relay write <line>
kakao-does-relay-write = add your line
kakao-usage-relay-continue = relay continue [keyword]
kakao-does-relay-continue = the model writes candidates to vote on
kakao-usage-relay-reroll = relay reroll
kakao-usage-relay-vote = vote <number>
kakao-usage-relay-show = relay show
kakao-usage-relay-undo = relay undo
kakao-usage-relay-end = relay end
kakao-usage-lyrics = lyrics <artist> [/ theme]
kakao-does-lyrics = new lyrics in that artist's style (lyrics again: another take)
kakao-does-mood = anything else goes to the mood companion: tell it how you feel and it answers with songs
kakao-usage-mood-pick = pick <number>
kakao-does-mood-pick = similar songs
kakao-usage-mood-policy = mood match|lift
kakao-usage-mood-forget = forget me
kakao-usage-fetch = result
kakao-usage-help = help
