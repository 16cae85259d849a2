"""What a browser sends as hello.device (static/js/device.js), for tests."""

from __future__ import annotations

import base64
import hashlib
import hmac


def device(browser_secret: bytes, group_id: str) -> str:
    """HMAC-SHA-256 of the group id with the browser's secret, in base64url, unpadded."""
    digest = hmac.new(browser_secret, group_id.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
