"""The participant server's routes and the checks every request passes.

Routes: ``GET /`` (type a join code), ``GET /b/<code>`` (the ballot's phone page),
``POST /b/<code>`` (send it), ``GET /b/<code>/done`` (thank you). Anything else is a
404 page. Every response carries the dashboards' security headers.

Refusals, each a plain page: an unknown code (404), a closed ballot (410), a form
without its CSRF token (403), a body over :data:`BODY_LIMIT` (413), too many requests
from one address (429, see :class:`RateLimiter`).
"""

from __future__ import annotations

import asyncio
import re
import secrets
import time
from pathlib import Path

import tornado.web
from tornado import httputil

from workbook.ballots import storage
from workbook.ballots.errors import BallotError
from workbook.ballots.model import (
    MAX_COMMENT,
    form_values,
    instructions,
    ranking_note,
    read_choices,
    read_comment,
)
from workbook.display.headers import SECURITY_HEADERS, for_host
from workbook.plan.store import PlanStore
from workbook.workshop.pages import CSS, SCRIPT

TEMPLATES = Path(__file__).resolve().parent / "templates"
BODY_LIMIT = 16 * 1024  # bytes: a ballot with 30 options and a comment needs under 4 KiB
RATE_PER_MINUTE = 240  # requests one address may make per minute (bursts up to this)
PARTICIPANT_COOKIE = "workbook_participant"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")

LEGENDS = {
    "single": "Your choice",
    "approval": "The options you support",
    "dots": "Your dots",
    "ranking": "Your order",
}
REFUSALS = {
    400: ("Something in the request was wrong", "Go back, reload the page and try again."),
    403: (
        "The page had expired",
        "Your ballot was not sent. Open the ballot again and send it from there.",
    ),
    404: ("No ballot has this code", "Check the code shown in the room and type it again."),
    405: ("This page cannot do that", "Open the ballot from its link and send it from there."),
    410: (
        "This ballot has closed",
        "The facilitator has closed this ballot, so it no longer takes answers. Thank you "
        "for taking part.",
    ),
    413: (
        "That was too much to send",
        "Your ballot was not sent. Keep the comment short and send it again.",
    ),
    429: (
        "Too many requests at once",
        "Your ballot was not sent. Wait a minute, then open the ballot and send it again.",
    ),
}


class RateLimiter:
    """A token bucket per client address: ``per_minute`` requests, refilled continuously.

    Loopback tests and a venue's phones each have their own address; a program flooding
    the server, or guessing join codes, runs out after a burst and is answered 429.
    """

    def __init__(self, per_minute: int = RATE_PER_MINUTE, clock=time.monotonic) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.clock = clock
        self.buckets: dict[str, tuple[float, float]] = {}

    def allow(self, client: str) -> bool:
        if self.capacity <= 0:
            return True  # 0 turns the limit off
        now = self.clock()
        tokens, since = self.buckets.get(client, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - since) * self.rate)
        if len(self.buckets) > 10_000:
            self._forget_idle(now)
        if tokens < 1:
            self.buckets[client] = (tokens, now)
            return False
        self.buckets[client] = (tokens - 1, now)
        return True

    def retry_after(self) -> int:
        return max(1, int(60 / max(self.capacity, 1)) + 1)

    def _forget_idle(self, now: float) -> None:
        full = [
            k for k, (t, s) in self.buckets.items() if t + (now - s) * self.rate >= self.capacity
        ]
        for key in full:
            del self.buckets[key]


class VoteWriter:
    """Writes the ballots that arrive together in one transaction, off the event loop.

    Each write to the plan waits for the disk (a few milliseconds); while one is under
    way the ballots that arrive meanwhile queue and go in the next transaction together,
    so a room sending at once costs a few disk writes, not a hundred. A participant is
    told their ballot is in only once its transaction is committed.
    """

    def __init__(self, store: PlanStore) -> None:
        self.store = store
        self.pending: list[tuple[tuple[str, str, dict, str], asyncio.Future]] = []
        self.running = False

    async def put(self, ballot_id: str, token: str, choices: dict, comment: str) -> bool:
        future = asyncio.get_running_loop().create_future()
        self.pending.append(((ballot_id, token, choices, comment), future))
        if not self.running:
            self.running = True
            asyncio.get_running_loop().create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self.pending:
                batch, self.pending = self.pending, []
                try:
                    results = await loop.run_in_executor(
                        None, storage.put_votes, self.store, [vote for vote, _ in batch]
                    )
                except Exception as exc:  # noqa: BLE001 - handed to every waiting request
                    results = [exc] * len(batch)
                for (_, future), result in zip(batch, results, strict=True):
                    if future.done():
                        continue
                    if isinstance(result, Exception):
                        future.set_exception(result)
                    else:
                        future.set_result(result)
        finally:
            self.running = False


class Page(tornado.web.RequestHandler):
    """What every route shares: headers, the rate limit, the plain refusal pages."""

    @property
    def store(self) -> PlanStore:
        return self.settings["store"]

    def set_default_headers(self) -> None:
        host = self.request.host or ""
        for name, value in SECURITY_HEADERS.items():
            self.set_header(name, for_host(value, host))
        self.set_header("Cache-Control", "no-store")

    def prepare(self) -> None:
        if not self.settings["limiter"].allow(self.request.remote_ip or ""):
            raise tornado.web.HTTPError(429)

    def get_template_namespace(self) -> dict:
        namespace = super().get_template_namespace()
        namespace.update(css=CSS, script=SCRIPT, title="Ballot")
        return namespace

    def write_error(self, status_code: int, **kwargs) -> None:
        heading, text = REFUSALS.get(
            status_code,
            ("Something went wrong", "Your ballot may not have been sent: try again in a moment."),
        )
        if status_code == 429:
            self.set_header("Retry-After", str(self.settings["limiter"].retry_after()))
        self.render(
            "message.html",
            title=heading,
            heading=heading,
            text=text,
            again="/" if status_code in (404, 410) else "",
            again_text="Enter another code",
        )

    def ballot(self, code: str) -> dict:
        """The ballot with this code; 404 if none, 410 if it has closed."""
        found = storage.by_code(self.store, code)
        if found is None:
            raise tornado.web.HTTPError(404)
        if found.get("status") != "open":
            raise tornado.web.HTTPError(410)
        return found

    def participant(self) -> str:
        """This browser's random token (set now if it has none or a malformed one)."""
        token = self.get_cookie(PARTICIPANT_COOKIE, "")
        if not TOKEN.match(token):
            token = secrets.token_urlsafe(24)
            self.set_cookie(
                PARTICIPANT_COOKIE, token, httponly=True, samesite="Lax", expires_days=2
            )
        return token


class Index(Page):
    def get(self) -> None:
        code = storage.normalise_code(self.get_query_argument("code", ""))
        if code:
            self.redirect(f"/b/{code}", status=303)
            return
        self.render("index.html", title="Join a ballot")


@tornado.web.stream_request_body
class BallotPage(Page):
    """The phone page of one ballot, and where its form is sent."""

    _body_ready = False

    def prepare(self) -> None:
        super().prepare()
        self._chunks: list[bytes] = []
        if self.request.method == "POST":
            length = self.request.headers.get("Content-Length", "0")
            if not length.isdigit() or int(length) > BODY_LIMIT:
                raise tornado.web.HTTPError(413)
            # A body sent in chunks (no length given) is cut off by tornado past the limit.
            self.request.connection.set_max_body_size(BODY_LIMIT)

    def data_received(self, chunk: bytes) -> None:
        self._chunks.append(chunk)

    def check_xsrf_cookie(self) -> None:
        # Tornado checks before the body of a streamed request has arrived; the form's
        # token is in that body, so the check is made once it is read (in post).
        if self._body_ready:
            super().check_xsrf_cookie()

    def get(self, code: str) -> None:
        ballot = self.ballot(code)
        token = self.participant()
        mine = storage.get_vote(self.store, ballot["id"], token)
        self.show(ballot, form_values(ballot, mine.choices if mine else None),
                  mine.comment if mine else "", already=mine is not None)  # fmt: skip

    async def post(self, code: str) -> None:
        body = b"".join(self._chunks)
        arguments: dict[str, list[bytes]] = {}
        httputil.parse_body_arguments(
            self.request.headers.get("Content-Type", ""), body, arguments, {}
        )
        for name, values in arguments.items():
            self.request.body_arguments.setdefault(name, []).extend(values)
            self.request.arguments.setdefault(name, []).extend(values)
        self._body_ready = True
        self.check_xsrf_cookie()
        ballot = self.ballot(code)
        try:
            form = {
                name: [v.decode("utf-8") for v in values]
                for name, values in arguments.items()
                if name != "_xsrf"
            }
        except UnicodeDecodeError:
            raise tornado.web.HTTPError(400) from None
        token = self.participant()
        try:
            choices = read_choices(ballot, form)
            comment = read_comment(form)
            await self.settings["writer"].put(ballot["id"], token, choices, comment)
        except storage.Closed:
            raise tornado.web.HTTPError(410) from None
        except BallotError as problem:
            self.set_status(400)
            typed = (form.get("comment") or [""])[0][:MAX_COMMENT]
            self.show(ballot, _as_typed(ballot, form), typed, error=str(problem))
            return
        self.redirect(f"/b/{ballot['join_code']}/done", status=303)

    def show(self, ballot: dict, filled: dict, comment: str, **extra) -> None:
        self.render(
            "ballot.html",
            title=ballot["question"],
            ballot=ballot,
            kind=ballot["kind"],
            code=ballot["join_code"],
            instructions=instructions(ballot),
            counting=ranking_note(len(ballot["options"])),
            legend=LEGENDS[ballot["kind"]],
            filled=filled,
            comment=comment,
            max_comment=MAX_COMMENT,
            already=extra.get("already", False),
            error=extra.get("error", ""),
        )


def _as_typed(ballot: dict, form: dict[str, list[str]]) -> dict:
    """What the participant had entered, to show again beside the problem."""
    ids = [o["id"] for o in ballot["options"]]
    if ballot["kind"] == "single":
        return {"choice": (form.get("choice") or [None])[0]}
    if ballot["kind"] == "approval":
        return {"approve": set(form.get("approve", []))}
    if ballot["kind"] == "dots":
        if ballot.get("stacking"):
            dots = {}
            for i in ids:
                text = (form.get(f"dots-{i}") or ["0"])[0]
                dots[i] = int(text) if text.isdigit() and len(text) < 5 else 0
            return {"dots": dots}
        return {"dots": dict.fromkeys(form.get("dot", []), 1)}
    ranks = {}
    for i in ids:
        text = (form.get(f"rank-{i}") or [""])[0]
        if text.isdigit() and len(text) < 4:
            ranks[i] = int(text)
    return {"rank": ranks}


class Done(Page):
    def get(self, code: str) -> None:
        ballot = self.ballot(code)
        self.render(
            "done.html", title="Ballot sent", question=ballot["question"], code=ballot["join_code"]
        )


class NotFound(Page):
    def prepare(self) -> None:
        super().prepare()
        raise tornado.web.HTTPError(404)

    def check_xsrf_cookie(self) -> None:
        pass  # a POST to an unknown address is a 404, not a 403

    def check_trusted_origin(self, origin: str) -> bool:
        return True


def make_app(store: PlanStore, rate_per_minute: int = RATE_PER_MINUTE) -> tornado.web.Application:
    """The participant server's application, reading and writing ballots in ``store``."""
    return tornado.web.Application(
        [
            (r"/", Index),
            (r"/b/([A-Za-z0-9]{1,12})", BallotPage),
            (r"/b/([A-Za-z0-9]{1,12})/done", Done),
        ],
        default_handler_class=NotFound,
        template_path=str(TEMPLATES),
        xsrf_cookies=True,
        xsrf_cookie_kwargs={"httponly": True, "samesite": "Lax"},
        cross_origin_protection=True,
        store=store,
        writer=VoteWriter(store),
        limiter=RateLimiter(rate_per_minute),
        serve_traceback=False,
        compiled_template_cache=True,
    )
