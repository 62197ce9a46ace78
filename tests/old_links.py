"""Signed link tokens as if they had been made some days ago (to test their expiry)."""

import time

from django.core import signing


def signed_days_ago(obj, *, salt: str, days: float, compress: bool = False) -> str:
    """`signing.dumps(obj, salt=salt)`, with the signing time `days` in the past."""

    class Then(signing.TimestampSigner):
        def timestamp(self) -> str:
            return signing.b62_encode(int(time.time() - days * 86400))

    return Then(salt=salt).sign_object(obj, compress=compress)
