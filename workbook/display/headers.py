"""The security headers every page the workbook serves carries: dashboards and ballots.

Browsers may load scripts, styles and images from the server itself only (no outside
host), open websockets to it only (``{host}`` becomes the host the viewer asked for), and
the page cannot be framed by another site or post forms elsewhere.
"""

from __future__ import annotations

import re

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        "font-src 'self' data:; connect-src 'self' ws://{host} wss://{host}; "
        "frame-ancestors 'self'; base-uri 'self'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

_HOST = re.compile(r"^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")


def for_host(value: str, host: str) -> str:
    """A header value with ``{host}`` filled in, or its websocket sources dropped when the
    request's host is not a plain host name (so a crafted Host cannot widen the policy)."""
    if "{host}" not in value:
        return value
    if host and _HOST.match(host):
        return value.replace("{host}", host)
    return value.replace(" ws://{host}", "").replace(" wss://{host}", "")
