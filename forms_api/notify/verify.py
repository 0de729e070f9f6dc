"""短信验证码 (NOTIFY_SMS_VERIFY): before a citizen is subscribed to SMS on progress, a 6-digit code sent to that
phone proves the phone is theirs, as 12345 portals do, so that nobody subscribes somebody else's phone.

Nothing is stored per code: a code is a keyed hash (the evaluations' key, shared by every instance: forms_api/store/
keys.py) of the phone and the minute it was sent, so any instance can check any code, with either store. A code
counts for `CODE_MINUTES` minutes (five to six: the minute it was sent and the five after). What must be shared
lives where the rate limits' counters live (RATELIMIT_STORAGE_URI: Redis when there are several processes or hosts,
which forms_api/settings.py `workers_problem` insists on): sends per phone (`SEND_LIMITS`) and wrong tries per phone
(`TRIES`: after them no code is taken, not even the right one, until the window has passed). The counters are keyed
by a keyed hash of the phone, never the number. A code is never logged: the log sender cannot send one (settings).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable, Mapping
from typing import Any

from limits import parse, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from forms_api.messages_notify import SMS_TEXTS, VERIFY_TEMPLATE
from forms_api.notify.senders import Message, Sender
from forms_api.notify.sms import AliyunSender, TencentSender

CODE_MINUTES = 5
CODE_SECONDS = CODE_MINUTES * 60
SEND_LIMITS = parse_many("1 per minute;5 per hour;10 per day")  # codes sent to one phone
TRIES = parse(f"5 per {CODE_MINUTES * 2} minutes")  # wrong codes typed for one phone
SENDERS = {"aliyun": AliyunSender, "tencent": TencentSender}
WRONG, LOCKED = "verify_code_wrong", "verify_code_locked"  # why a code is refused (messages.FIELD_ERRORS)


def phone_key(secret: bytes, phone: str) -> str:
    """What stands for the phone in the counters."""
    return hmac.new(secret, "\x1f".join(("verify-phone", phone)).encode(), hashlib.sha256).hexdigest()[:32]


def code_for(secret: bytes, phone: str, minute: int) -> str:
    """The code for `phone` sent in `minute` (Unix time // 60): six digits from a keyed hash."""
    digest = hmac.new(secret, "\x1f".join(("verify", phone, str(minute))).encode(), hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 1_000_000:06d}"


class Verifier:
    """Sends codes and checks them, with the per-phone limits; `secret` gives the evaluations' key (read on use)."""

    def __init__(
        self, config: Mapping[str, Any], secret: Callable[[], bytes], *, clock: Callable[[], float] = time.time
    ) -> None:
        self.secret, self.clock = secret, clock
        self.sender: Sender = SENDERS[config["NOTIFY_SMS"]](config)
        self.limiter = MovingWindowRateLimiter(storage_from_string(config["RATELIMIT_STORAGE_URI"]))

    def send(self, phone: str) -> int:
        """Send a code to `phone` (a mainland mobile): 0, or the seconds to wait when the phone had enough codes.
        Raises SendError when the provider refused it."""
        secret = self.secret()
        key = phone_key(secret, phone)
        full = [item for item in SEND_LIMITS if not self.limiter.test(item, "verify-send", key)]
        if full:
            resets = [self.limiter.get_window_stats(item, "verify-send", key).reset_time for item in full]
            return max(1, int(max(resets) - time.time()) + 1)
        for item in SEND_LIMITS:
            self.limiter.hit(item, "verify-send", key)
        code = code_for(secret, phone, int(self.clock() // 60))
        text = SMS_TEXTS[VERIFY_TEMPLATE].format(code=code)
        self.sender.send(Message("sms", VERIFY_TEMPLATE, {"code": code}, [phone], "citizen", text))
        return 0

    def check(self, phone: str, code: str) -> str | None:
        """None when `code` is one sent to `phone` in the last minutes, else why not (WRONG or LOCKED)."""
        secret = self.secret()
        key = phone_key(secret, phone)
        if not self.limiter.test(TRIES, "verify-try", key):
            return LOCKED
        minute = int(self.clock() // 60)
        sent = [code_for(secret, phone, m) for m in range(minute - CODE_MINUTES, minute + 1)]
        if any(hmac.compare_digest(code, each) for each in sent):
            return None
        self.limiter.hit(TRIES, "verify-try", key)
        return WRONG
