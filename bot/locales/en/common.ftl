## Texts every platform shows when norae refuses or cannot serve.

error-unknown = Something went wrong. Please try again in a moment.
slow-down = Slow down a little: you can do that again in { $seconds } s.
too-many-identities = Too many new visitors from your network. Allow cookies and try again in { $seconds } s.
too-many-voters = No more votes from your network are counted in this round.
unavailable = norae is briefly unavailable. Please try again in a moment.
model-failed = The model could not answer just now. Please try again in a moment.
model-busy = The model is busy right now. Please try again in a moment.
model-timeout = The model took too long to answer. Please try again in a moment.
model-offline = The model is not running right now. Please try again later.
