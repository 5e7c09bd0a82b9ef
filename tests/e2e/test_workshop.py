"""The participant server over HTTP: every route, every refusal, and Step 5's vote end to end.

A real ``workbook workshop`` process serves a plan; the tests open and close ballots
through the Python API (as a step notebook does) and vote as phones do: fetch the page,
then send its form with the CSRF token and the cookies it set. The phone page is also
driven in Chromium at 375x667, with JavaScript on and off; screenshots are kept under
$WORKBOOK_ARTIFACTS (or the test's temporary folder).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from html import unescape
from pathlib import Path

import pytest
import requests

from tests.conftest import ROOT, default_signals
from tests.e2e.test_browser import browser, free_port  # noqa: F401 - the Chromium fixture
from tests.map.helpers import strings
from workbook.ballots import (
    BORDA_NOTE,
    get_ballot,
    open_ballot,
    record_paper_counts,
    storage,
)
from workbook.data.catalog import load_framework
from workbook.map.build import build_document
from workbook.plan.store import PlanStore
from workbook.steps import initial_understanding as step5

HOSTILE = "<script>alert('x')</script>"
VOTE_KEYS = {
    "id", "question", "kind", "options", "dots_per_person", "stacking", "source",
    "ballot_id", "voters", "counts", "recorded_on",
}  # fmt: skip


@contextmanager
def workshop(plan: Path, *extra: str, stop: int = signal.SIGTERM):
    """``workbook workshop`` on a free loopback port; stopped with ``stop`` afterwards."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "workbook", "workshop", "--plan-path", str(plan),
         "--port", str(port), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
        preexec_fn=default_signals,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            requests.get(base + "/", timeout=2)
            break
        except requests.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise AssertionError(f"server did not start: {process.stdout.read()}") from None
            time.sleep(0.2)
    server = {"base": base, "process": process, "output": ""}
    try:
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(stop)
        server["output"] = process.communicate(timeout=30)[0]
        server["code"] = process.returncode


@pytest.fixture(scope="module")
def plan(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("workshop") / "plan.sqlite"
    PlanStore.open(path, author="Ana").close()
    return path


@pytest.fixture(scope="module")
def server(plan):
    with workshop(plan) as running:
        yield running


@pytest.fixture
def store(plan):
    with PlanStore.open(plan, author="Ana") as opened:
        yield opened


def phone(base: str, code: str) -> tuple[requests.Session, str, requests.Response]:
    """A participant's browser: the page fetched, its cookies kept, the form's token."""
    session = requests.Session()
    page = session.get(f"{base}/b/{code}", timeout=10)
    found = re.search(r'name="_xsrf" value="([^"]+)"', page.text)
    return session, (found.group(1) if found else ""), page


def send(session, base, code, xsrf, fields: dict, **kwargs) -> requests.Response:
    return session.post(
        f"{base}/b/{code}", data={"_xsrf": xsrf, **fields}, allow_redirects=False,
        timeout=10, **kwargs,
    )  # fmt: skip


def test_index_page_takes_a_code(server):
    page = requests.get(server["base"] + "/", timeout=10)
    assert page.status_code == 200
    assert '<label for="code">Join code</label>' in page.text and 'id="code"' in page.text
    jump = requests.get(server["base"] + "/?code=ab c-d", allow_redirects=False, timeout=10)
    assert jump.status_code == 303 and jump.headers["Location"] == "/b/ABCD"


def test_phone_page_is_labelled_and_sets_safe_cookies(server, store):
    ballot = open_ballot(store, 5, "Which first?", ["Jobs", "Homes"], "approval")
    session, xsrf, page = phone(server["base"], ballot.join_code)
    assert page.status_code == 200 and xsrf
    assert "<fieldset>" in page.text and "<legend>" in page.text
    for option in ballot.options:
        assert f'<label for="o-{option["id"]}">' in page.text
        assert f'id="o-{option["id"]}"' in page.text
    assert '<label for="comment">' in page.text
    cookies = page.raw.headers.getlist("Set-Cookie")
    for name in ("workbook_participant", "_xsrf"):
        part = next(p for p in cookies if p.startswith(name + "="))
        assert "HttpOnly" in part and "SameSite=Lax" in part, part
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"):
        assert page.headers[name]
    assert "form-action 'self'" in page.headers["Content-Security-Policy"]


def test_a_ballot_is_sent_and_sending_again_replaces_it(server, store):
    ballot = open_ballot(store, 5, "Which first?", ["Jobs", "Homes", "Parks"], "single")
    session, xsrf, _ = phone(server["base"], ballot.join_code)
    sent = send(session, server["base"], ballot.join_code, xsrf, {"choice": "jobs"})
    assert sent.status_code == 303
    assert sent.headers["Location"] == f"/b/{ballot.join_code}/done"
    done = session.get(server["base"] + sent.headers["Location"], timeout=10)
    assert done.status_code == 200 and "your ballot is in" in done.text
    again = session.get(f"{server['base']}/b/{ballot.join_code}", timeout=10)
    assert "already sent a ballot" in again.text and 'value="jobs" checked' in again.text
    assert send(session, server["base"], ballot.join_code, xsrf, {"choice": "parks"}).ok
    other, other_xsrf, _ = phone(server["base"], ballot.join_code)
    send(other, server["base"], ballot.join_code, other_xsrf, {"choice": "parks"})
    tally = ballot.tally()
    assert tally.voters == 2 and tally.counts == {"jobs": 0, "homes": 0, "parks": 2}


def test_a_wrong_ballot_is_shown_again_with_the_problem(server, store):
    ballot = open_ballot(store, 5, "Which first?", ["Jobs", "Homes"], "dots", dots_per_person=2,
                         stacking=True)  # fmt: skip
    session, xsrf, _ = phone(server["base"], ballot.join_code)
    sent = send(session, server["base"], ballot.join_code, xsrf,
                {"dots-jobs": "2", "dots-homes": "1", "comment": HOSTILE})  # fmt: skip
    assert sent.status_code == 400
    assert "You placed 3 dots but have 2" in sent.text
    assert 'name="dots-jobs" id="o-jobs" data-label="Jobs" value="2"' in sent.text
    assert HOSTILE not in sent.text and "&lt;script&gt;" in sent.text
    assert ballot.received() == 0


def test_unknown_codes_and_addresses_are_404(server, store):
    for path in ("/b/ZZZZZZ", "/b/ZZZZZZ/done", "/plan.sqlite", "/api/kernels", "/lab"):
        page = requests.get(server["base"] + path, timeout=10)
        assert page.status_code == 404, path
        assert page.headers["X-Content-Type-Options"] == "nosniff"
        assert "connect-src 'self'" in page.headers["Content-Security-Policy"]
    assert "No ballot has this code" in requests.get(server["base"] + "/b/ZZZZZZ").text
    assert requests.post(server["base"] + "/files/x", data={"a": 1}).status_code == 404
    ballot = open_ballot(store, 5, "Which first?", ["Jobs", "Homes"], "single")
    session, xsrf, _ = phone(server["base"], ballot.join_code)
    wrong = send(session, server["base"], "ZZZZZZ", xsrf, {"choice": "jobs"})
    assert wrong.status_code == 404 and ballot.received() == 0


def test_a_closed_ballot_refuses_and_says_so(server, store):
    ballot = open_ballot(store, 5, "Which first?", ["Jobs", "Homes"], "single")
    session, xsrf, _ = phone(server["base"], ballot.join_code)
    ballot.close()
    sent = send(session, server["base"], ballot.join_code, xsrf, {"choice": "jobs"})
    assert sent.status_code == 410 and "This ballot has closed" in sent.text
    page = session.get(f"{server['base']}/b/{ballot.join_code}", timeout=10)
    assert page.status_code == 410 and "no longer takes answers" in page.text
    assert ballot.tally().voters == 0


def test_a_form_without_its_csrf_token_is_refused(server, store):
    ballot = open_ballot(store, 5, "Which first?", ["Jobs", "Homes"], "single")
    session, xsrf, _ = phone(server["base"], ballot.join_code)
    url = f"{server['base']}/b/{ballot.join_code}"
    missing = session.post(url, data={"choice": "jobs"}, allow_redirects=False, timeout=10)
    assert missing.status_code == 403 and "not sent" in missing.text
    stranger = requests.post(url, data={"_xsrf": xsrf, "choice": "jobs"}, timeout=10)
    assert stranger.status_code == 403  # the token without its cookie
    forged = session.post(
        url, data={"_xsrf": "2|00|" + "0" * 32 + "|1", "choice": "jobs"}, timeout=10
    )
    assert forged.status_code == 403
    assert ballot.received() == 0


def test_an_oversize_body_is_refused(server, store):
    ballot = open_ballot(store, 5, "Which first?", ["Jobs", "Homes"], "single")
    session, xsrf, _ = phone(server["base"], ballot.join_code)
    sent = send(session, server["base"], ballot.join_code, xsrf,
                {"choice": "jobs", "comment": "x" * 20_000})  # fmt: skip
    assert sent.status_code == 413 and "too much to send" in sent.text
    assert ballot.received() == 0


def test_hostile_text_is_escaped_everywhere(server, store):
    ballot = open_ballot(
        store, 5, f"Which {HOSTILE}?",
        [HOSTILE, {"label": 'Homes" onmouseover="x', "detail": "<b>bold</b>"}], "single",
    )  # fmt: skip
    session, xsrf, page = phone(server["base"], ballot.join_code)
    assert HOSTILE not in page.text and "<b>bold" not in page.text
    assert 'onmouseover="x' not in page.text
    assert unescape(page.text).count(HOSTILE) == 3  # title, heading and the option's label
    option = ballot.options[0]["id"]
    assert send(session, server["base"], ballot.join_code, xsrf,
                {"choice": option, "comment": HOSTILE}).status_code == 303  # fmt: skip
    done = session.get(f"{server['base']}/b/{ballot.join_code}/done", timeout=10)
    assert HOSTILE not in done.text
    again = session.get(f"{server['base']}/b/{ballot.join_code}", timeout=10)
    assert HOSTILE not in again.text and "&lt;script&gt;alert" in again.text


def test_too_many_requests_from_one_address_are_refused(plan):
    with workshop(plan, "--rate-limit", "5", stop=signal.SIGINT) as limited:
        statuses = [requests.get(limited["base"] + "/", timeout=10).status_code for _ in range(8)]
        assert statuses[0] == 200 and statuses[-1] == 429
        refused = requests.get(limited["base"] + "/", timeout=10)
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
        assert "Too many requests" in refused.text
    assert limited["code"] == 0 and "Workshop server stopped" in limited["output"]  # Ctrl+C


def test_step5_priorities_vote_end_to_end(plan, tmp_path):
    """Open from Python, vote over HTTP, stop and restart the server, close, record."""
    predictors = [p["name"] for pillar in load_framework().pillars for p in pillar["predictors"]]
    options = predictors[:5]
    with PlanStore.open(plan, author="Ana") as store:
        ballot = open_ballot(store, 5, "Which predictors come first?", options, "ranking")
    ids = [o["id"] for o in ballot.options]
    orders = [ids[:3], ids[:3], [ids[1], ids[0]], [ids[4]]]
    with workshop(plan) as first:
        for order in orders[:2]:
            session, xsrf, page = phone(first["base"], ballot.join_code)
            assert "your first choice earns 5 points, your second 4" in page.text
            fields = {f"rank-{o}": str(place) for place, o in enumerate(order, start=1)}
            assert send(session, first["base"], ballot.join_code, xsrf, fields).status_code == 303
    assert first["code"] == 0 and "Workshop server stopped" in first["output"]
    with PlanStore.open(plan) as store:
        assert storage.server(store) is None  # the stopped server took its note away
    with workshop(plan) as again:  # a restarted server carries on with the open ballot
        with PlanStore.open(plan) as store:
            assert storage.server(store)[0] == again["base"]
        for order in orders[2:]:
            session, xsrf, _ = phone(again["base"], ballot.join_code)
            fields = {f"rank-{o}": str(place) for place, o in enumerate(order, start=1)}
            assert send(session, again["base"], ballot.join_code, xsrf, fields).status_code == 303
        with PlanStore.open(plan, author="Ana") as store:
            mine = get_ballot(store, ballot.id)
            record_paper_counts(mine, {options[4]: 9}, 2)
            tally = mine.close()
        closed = requests.get(f"{again['base']}/b/{ballot.join_code}", timeout=10)
        assert closed.status_code == 410
    record = tally.as_vote_record()
    assert VOTE_KEYS <= set(record)
    assert record["source"] == "ballot" and record["ballot_id"] == ballot.id
    assert record["kind"] == "ranking" and record["options"] == options
    # 5 options, Borda: 5, 4, 3 points for the first three places.
    assert record["counts"] == {
        options[0]: 5 + 5 + 4, options[1]: 4 + 4 + 5, options[2]: 3 + 3,
        options[3]: 0, options[4]: 5 + 9,
    }  # fmt: skip
    assert record["voters"] == 4 + 2 and record["paper_voters"] == 2
    assert record["ties"] == [[options[0], options[4]]]  # tied first: 14 points each
    assert record["counting"] == BORDA_NOTE
    assert record["dots_per_person"] is None and record["stacking"] is False
    # Step 5 takes the result in, the coalition records its decision, and the MAP tells it.
    with PlanStore.open(plan, author="Ana") as store:
        taken = step5.receive_ballot(store, ballot.id)
        assert taken["counts"] == record["counts"]
        step5.record_decision(store, load_framework(), {
            "predictors": [options[0], options[4]], "rationale": "Tied first in the room.",
            "decided_by": "Coalition meeting", "decided_on": "2027-02-03",
        })  # fmt: skip
        assert store.get(step5.PRIORITIES_SECTION).value["vote_id"] == taken["id"]
    doc = build_document(plan, jurisdiction="98031")
    told = " ".join(strings([s for s in doc.sections if s.id == "how_we_got_here"]))
    assert "a live ballot" in told and "Which predictors come first?" in told
    found = " ".join(strings([s for s in doc.sections if s.id == "findings"]))
    assert options[0] in found and options[4] in found


def fits(page) -> bool:
    """Nothing sticks out sideways: no horizontal scrolling on a narrow screen."""
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript-on", "javascript-off"])
def test_phone_page_in_a_browser(browser, server, store, artifacts, javascript):  # noqa: F811
    ballot = open_ballot(
        store, 5, "Which two predictors should the coalition work on first?",
        ["Housing stability", "Transportation access", "Jobs paying a living wage"],
        "dots", dots_per_person=3, stacking=True,
    )  # fmt: skip
    ids = [o["id"] for o in ballot.options]
    name = "js" if javascript else "nojs"
    context = browser.new_context(
        viewport={"width": 375, "height": 667}, java_script_enabled=javascript,
        device_scale_factor=2, is_mobile=True, has_touch=True,
    )  # fmt: skip
    page = context.new_page()
    page.goto(f"{server['base']}/b/{ballot.join_code}")
    page.screenshot(path=str(artifacts / f"ballot-phone-{name}.png"), full_page=True)
    assert fits(page)
    first = page.get_by_label("Housing stability", exact=True)
    if javascript:
        # Enhanced: + and - buttons and a count of the dots left; the keyboard reaches them.
        assert page.locator("#dots-left").inner_text() == "Dots left: 3"
        page.get_by_role("button", name="Add a dot to Housing stability").click()
        page.get_by_role("button", name="Add a dot to Housing stability").focus()
        page.keyboard.press("Enter")
        page.get_by_role("button", name="Add a dot to Jobs paying a living wage").click()
        assert page.locator("#dots-left").inner_text() == "Dots left: 0"
        assert page.get_by_role("button", name="Add a dot to Transportation access").is_disabled()
    else:
        assert page.locator("#dots-left").is_hidden()
        first.fill("2")
        page.get_by_label("Jobs paying a living wage", exact=True).fill("1")
    page.get_by_label("A short comment (optional)").fill("More buses after 9 pm")
    page.screenshot(path=str(artifacts / f"ballot-phone-{name}-filled.png"), full_page=True)
    page.get_by_role("button", name="Send my ballot").click()
    page.wait_for_url(f"**/b/{ballot.join_code}/done")
    assert "your ballot is in" in page.inner_text("body")
    page.screenshot(path=str(artifacts / f"ballot-phone-{name}-done.png"), full_page=True)
    # At 200% zoom a 375 px phone shows 188 CSS pixels: the page still fits.
    page.set_viewport_size({"width": 188, "height": 334})
    page.goto(f"{server['base']}/b/{ballot.join_code}")
    assert fits(page) and "already sent a ballot" in page.inner_text("body")
    page.screenshot(path=str(artifacts / f"ballot-phone-{name}-zoom200.png"), full_page=True)
    context.close()
    tally = ballot.tally()
    assert tally.voters == 1
    assert tally.counts == {ids[0]: 2, ids[1]: 0, ids[2]: 1}
    assert tally.comments == ["More buses after 9 pm"]


def test_the_rate_limit_refills_over_time_per_address():
    from workbook.workshop.app import RateLimiter

    now = [0.0]
    limiter = RateLimiter(per_minute=3, clock=lambda: now[0])
    assert [limiter.allow("10.0.0.2") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("10.0.0.3")  # another phone has its own allowance
    now[0] += 20.0  # 3 a minute: one more request every 20 seconds
    assert limiter.allow("10.0.0.2") and not limiter.allow("10.0.0.2")
    assert RateLimiter(per_minute=0).allow("10.0.0.2")  # 0 turns the limit off


def test_the_command_refuses_a_missing_plan_or_a_busy_port(plan, tmp_path):
    import socket

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "workbook", "workshop", *args], capture_output=True,
            text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip

    missing = run("--plan-path", str(tmp_path / "none.sqlite"))
    assert missing.returncode == 2 and "is not an existing plan file" in missing.stderr
    assert not (tmp_path / "none.sqlite").exists()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = run("--plan-path", str(plan), "--port", str(taken.getsockname()[1]))
    assert busy.returncode == 2 and "choose another with --port" in busy.stderr


def test_a_hundred_phones_sending_at_once_lose_nothing(plan):
    import threading

    with PlanStore.open(plan, author="Ana") as store:
        ballot = open_ballot(store, 5, "Which first?", ["Jobs", "Homes"], "single")
    participants = 100
    start = threading.Barrier(participants)
    answers: list[int] = []
    with workshop(plan, "--rate-limit", "0") as running:
        pages = [phone(running["base"], ballot.join_code) for _ in range(participants)]

        def send_one(number: int) -> None:
            session, xsrf, _ = pages[number]
            start.wait()
            choice = "jobs" if number % 4 else "homes"
            answers.append(send(session, running["base"], ballot.join_code, xsrf,
                                {"choice": choice}).status_code)  # fmt: skip

        threads = [threading.Thread(target=send_one, args=(n,)) for n in range(participants)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert answers == [303] * participants
    with PlanStore.open(plan) as store:
        assert get_ballot(store, ballot.id).tally().counts == {"jobs": 75, "homes": 25}
