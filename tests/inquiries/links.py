"""Status links carry a timestamp (to the second), so a link made now may differ from one made a moment
ago: tests check that the link they were given opens the right inquiry, never that it equals a new one."""

import re

from inquiries import services

_LINK = re.compile(r"/inquire/status/([^/\s\"'<>?]+)/")


def opens(text: str, inquiry) -> bool:
    return any(services.inquiry_from_token(token) == inquiry for token in _LINK.findall(text))
