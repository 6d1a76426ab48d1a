## Texts every platform shows when norae refuses or cannot serve.

error-unknown = 문제가 생겼어요. 잠시 후 다시 해 주세요.
slow-down = 조금 천천히 해 주세요. { $seconds }초 뒤에 다시 할 수 있어요.
too-many-identities = 이 네트워크에서 새 방문자가 너무 많아요. 쿠키를 켜고 { $seconds }초 뒤에 다시 해 주세요.
too-many-voters = 이 네트워크에서는 이번 투표에 더 참여할 수 없어요.
unavailable = 잠시 서비스를 쓸 수 없어요. 조금 뒤에 다시 해 주세요.
model-failed = 모델이 지금 답하지 못했어요. 잠시 후 다시 해 주세요.
model-busy = 지금은 모델이 바빠요. 잠시 후 다시 해 주세요.
model-timeout = 모델의 답이 너무 늦어졌어요. 잠시 후 다시 해 주세요.
model-offline = 지금은 모델을 쓸 수 없어요. 나중에 다시 해 주세요.
