## The mood companion: why a message or a pick was refused (its errors), its own answers, the
## crisis reply, and what it says about the songs it suggests.

mood-empty = The message is empty: tell me how you feel.
mood-too-long = The message is too long (up to { $limit } characters).
mood-bad-user = Unknown user.
mood-bad-policy = The policy is `match` or `lift`.
mood-no-list = There is no song list to pick from yet: tell me how you feel first.
mood-bad-choice = Pick a song number from 1 to { $count }.

## Curated answers per emotion, when no chat model writes the answer (one variant is picked)

mood-answer-joy-1 = That's wonderful! Your good mood is contagious.
mood-answer-joy-2 = I hope that happiness stays with you for a long while. Enjoy today!
mood-answer-joy-3 = I can feel the joy in your words. Let me find songs to match it.
mood-answer-joy-4 = So glad to hear it! Days like this deserve a favourite song, turned up loud.
mood-answer-joy-5 = What a lovely thing to share. Hold on to that feeling.
mood-answer-sadness-1 = I'm sorry you're going through this. It makes sense to feel this way.
mood-answer-sadness-2 = That sounds like a hard day. It's okay to rest for a while. I'm here with you.
mood-answer-sadness-3 = You don't have to pretend to be fine when your heart feels heavy.
mood-answer-sadness-4 = Thank you for telling me. You don't have to carry this sadness alone.
mood-answer-sadness-5 = It's okay to cry if you need to. Be a little gentler with yourself today.
mood-answer-anger-1 = That sounds really frustrating. Anyone would be angry.
mood-answer-anger-2 = No wonder you're upset. Take a deep breath; you're allowed to feel this.
mood-answer-anger-3 = Anger often means something mattered to you. Thank you for telling me about it.
mood-answer-anger-4 = That would make my blood boil too. Letting it out can help a little.
mood-answer-anger-5 = What happened wasn't fair. Try to give yourself some calm tonight.
mood-answer-fear-1 = That sounds scary. Let's remember that right now, in this moment, you're safe.
mood-answer-fear-2 = When worries pile up, it's enough to take them one at a time.
mood-answer-fear-3 = Feeling afraid is natural. Try a few slow, deep breaths with me.
mood-answer-fear-4 = You don't have to face this alone. Sharing it with someone you trust can help.
mood-answer-fear-5 = Putting your worry into words already took courage.
mood-answer-surprise-1 = Wow, that must have caught you off guard! Tell me more.
mood-answer-surprise-2 = That was unexpected! Your heart must still be racing.
mood-answer-surprise-3 = What a surprise! Take your time to let it sink in.
mood-answer-surprise-4 = No way! That's quite something. Let's settle the nerves a little.
mood-answer-disgust-1 = That sounds really unpleasant. It's natural to feel put off.
mood-answer-disgust-2 = I'm sorry you had to deal with that. It's fine to step away for a bit.
mood-answer-disgust-3 = If something feels wrong to you, you don't have to force yourself to accept it.
mood-answer-disgust-4 = What a nasty experience. Let's clear the air with something you like.
mood-answer-neutral-1 = Thanks for sharing. How has the rest of your day been?
mood-answer-neutral-2 = A quiet kind of day. Here are some songs that might suit it.
mood-answer-neutral-3 = I see. Let me find a few songs for this moment.
mood-answer-neutral-4 = Calm days matter too. Here's something easy to listen to.

## Crisis: the reply that names where to get help (keep its words and numbers as they are)

mood-crisis-reply =
    It sounds like you're going through something really painful. Thank you for telling me. You are not alone.
    You can talk to someone right now: { $line }
    If you are in immediate danger, call your local emergency number (112 or 119 in Korea). Please let someone you trust know how you feel, too. I'm still here to listen.

## What the companion says about a song list or a picked song

mood-intro-match = Here are songs that fit how you feel. Pick one by its number and I'll find songs that sound like it.
mood-intro-lift = Here are songs to lift your mood. Pick one by its number and I'll find songs that sound like it.
mood-thin = Only { $n } of the songs that fit this mood are not among the last { $window } I suggested to you, so here are just those { $n }: I don't repeat songs.
mood-fitting-used-up = I've recently suggested every song that fits this mood. Rather than repeat them, here are songs with other moods.
mood-no-fitting = No song in the catalog fits this mood yet, so these have other moods.
mood-all-used-up = Every song I have was among the last { $window } I suggested to you, and I don't repeat songs, so there are none this time.
mood-empty-catalog = I have no songs to suggest yet: the song catalog is empty.
mood-classify-failed = (The emotion model is busy right now, so I couldn't read your feeling exactly.)
mood-similar-intro = Songs that sound like “{ $title }” (compared by their audio):
mood-similar-thin = Only { $n } alike songs are new to you, so here are just those { $n }.
mood-neighbours-artist-mood = “{ $title }” has no audio to compare by sound, so these are songs by the same artist ({ $artist }) and songs with the same mood ({ $moods }).
mood-neighbours-artist = “{ $title }” has no audio to compare by sound, so these are songs by the same artist ({ $artist }).
mood-neighbours-mood = “{ $title }” has no audio to compare by sound, so these are songs with the same mood ({ $moods }).
mood-neighbours-other = “{ $title }” has neither audio nor moods to compare, so these are simply other songs from the catalog.
mood-no-neighbours = No song by the same artist or with the same mood as “{ $title }” is new to you.
mood-not-indexed = “{ $title }” hasn't been analysed for sound yet, so I can't find songs like it. Try another one.
mood-no-index = The sound-alike index hasn't been built yet. Please try again later.
mood-similar-failed = I can't look for sound-alikes right now. Please try again soon.
mood-none-similar = I couldn't find other songs that sound like “{ $title }”.
mood-song-gone = That song is no longer in the catalog. Try another one.
mood-policy-match = From now on I'll suggest songs that match how you feel.
mood-policy-lift = From now on I'll suggest songs to lift your mood.
mood-choice = #{ $n }

## The catalog's moods by name (a mood an operator adds is shown as it is spelled)

mood-name-calm = calm
mood-name-energetic = energetic
mood-name-happy = happy
mood-name-nostalgic = nostalgic
mood-name-tender = tender
