"""The step notebooks served by ``workbook serve`` as read-only Voila dashboards.

One server for the module: the bundled sample, and a plan seeded from the example plan
(contact details, private answers) plus an insight whose statement is a script. Every
step notebook in notebooks/ is opened in Debian's Chromium with every outside connection
sent to a dead proxy (as in test_browser.py), and checked for what a stakeholder may see:
the place and its figures, no code or errors, nothing to type into or save, no contact
details, user text shown as text. HTTP requests check that no file can be downloaded.

View widgets: a page may keep choosers that only change what a chart shows (ipywidgets
Dropdown, drawn as <select>, and ToggleButtons, drawn as toggle buttons). They are
allowed because choosing in them writes nothing: the test chooses in each of them and
then finds the plan file unchanged. Anything else that takes input (text boxes, text
areas, check boxes, radio buttons, sliders, file uploads, push buttons) fails the test.

Screenshots of each page are kept under $WORKBOOK_ARTIFACTS (or the test's temporary
folder); their paths are printed.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import re
import shutil
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import command_line, default_signals, private_values
from tests.e2e import test_browser
from workbook.data.sources import ENV_DATA_DIR, PROJECT_ROOT, SAMPLE_DIR
from workbook.serve.server import (
    CONFIG_FILE,
    JURISDICTION_ENV,
    PLAN_PATH_ENV,
    TEMPLATES_DIR,
    serve_command,
)
from workbook.steps import registry
from workbook.steps.registry import NOTEBOOKS_DIR

EXAMPLE_PLAN = PROJECT_ROOT / "data" / "examples" / "sample_plan.json"
VEGALITE = "application/vnd.vegalite.v5+json"
HOSTILE = "<script>window.__wbInjected = 1</script> Rents outpace incomes"
CONTACT = "ana@example.org"
PLACE, KEY = "Linden County", "98031"
CHART_DATA_BUDGET = 1_500_000  # bytes of chart data one page may receive (sample data)
MAX_CHART_COLUMNS = 12  # a whole data table has well over a hundred
# What a page shows when something failed: a traceback, Voila's or the widgets' error
# notices, the configured messages, code.
ERROR_WORDS = ("Traceback", "Javascript Error", "ExecutionError", "Execution error",
               "Error displaying widget", "could not be shown", "could not be updated",
               "session = start(")  # fmt: skip
STEPS = registry.notebooks(NOTEBOOKS_DIR)

# Chromium with the network to outside refused, and the local-server helpers: shared with
# tests/e2e/test_browser.py.
browser = test_browser.browser
free_port = test_browser.free_port
server = test_browser.server


# --- fixtures -------------------------------------------------------------------------------


def seed_plan(path: Path) -> Path:
    """The example plan (or a small one), plus an insight whose statement is a script."""
    from workbook.plan.store import PlanStore, import_plan
    from workbook.session import READ_ONLY_ENV, start
    from workbook.steps import use_the_metrics as step2

    if EXAMPLE_PLAN.exists():
        import_plan(EXAMPLE_PLAN, path)
    else:
        from workbook.forms import Person, RecordTable

        with PlanStore.open(path, author="test") as plan:
            table = RecordTable([Person("contact", "Stakeholder", required=True)], plan,
                                "step4.stakeholders", title="Stakeholders")  # fmt: skip
            table.add({"contact": {"name": "Ana Ruiz", "organisation": "Food Bank",
                                   "email": CONTACT}})  # fmt: skip
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv(READ_ONLY_ENV, raising=False)
        session = start(2, KEY, plan_path=str(path), output_dir=str(path.parent), show=False)
        review = step2.MetricsReview(session)
        review.insights().add(
            {"statement": HOSTILE, "tag": "concern", "metrics": ["share_employed"]}
        )
        session.plan.close()
    return path


@pytest.fixture(scope="module")
def plan(tmp_path_factory) -> dict:
    """The seeded plan: its path, its bytes' digest and the strings only its owners see."""
    path = seed_plan(tmp_path_factory.mktemp("plan") / "plan.sqlite")
    private = private_values(path)
    assert CONTACT in private  # Ana's address is in the plan, marked private
    return {"path": path, "digest": _digest(path), "private": private}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def start_server(command: list[str], env: dict[str, str], log: Path, url: str):
    """tests.test_browser.server with the environment serve_command asks for."""
    mp = pytest.MonkeyPatch()
    for name in set(os.environ) - set(env):
        mp.delenv(name)
    for name, value in env.items():
        mp.setenv(name, value)
    context = server(command, url, log)
    try:
        context.__enter__()  # the process is started with this environment
    finally:
        mp.undo()
    return context


@pytest.fixture(scope="module")
def dashboards(plan, tmp_path_factory):
    """``workbook serve`` on a free port: the sample, the seeded plan, every step."""
    folder = tmp_path_factory.mktemp("serve")
    port = free_port()
    command, env = serve_command(
        plan_path=plan["path"], port=port, ip="127.0.0.1", site_dir=folder / "site"
    )
    base = f"http://127.0.0.1:{port}"
    context = start_server(command, env, folder / "voila.log", base + "/")
    try:
        yield {"base": base, "site": folder / "site", "log": folder / "voila.log"}
    finally:
        context.__exit__(None, None, None)


# --- what a page sends ---------------------------------------------------------------------


def decode_frame(frame: str | bytes) -> dict:
    """A kernel message from a websocket frame (JSON, or Jupyter's v1 binary protocol)."""
    if isinstance(frame, str):
        return json.loads(frame)
    count = int.from_bytes(frame[:8], "little")
    offsets = [int.from_bytes(frame[8 * (i + 1) : 8 * (i + 2)], "little") for i in range(count)]
    offsets.append(len(frame))
    parts = [frame[offsets[i] : offsets[i + 1]] for i in range(count)]
    return {"channel": parts[0].decode(), "content": json.loads(parts[4])}


def chart_specs(value: object, found: list[dict]) -> list[dict]:
    """Every Vega-Lite spec inside an output, a widget state or a kernel message."""
    if isinstance(value, dict):
        spec = value.get(VEGALITE)
        if isinstance(spec, dict) and "$schema" in spec:  # not the output's metadata
            found.append(spec)
        for item in value.values():
            chart_specs(item, found)
    elif isinstance(value, list):
        for item in value:
            chart_specs(item, found)
    return found


def page_outputs(html: str) -> list[dict]:
    """The cell outputs Voila put in the page."""
    pattern = r'<script type="application/vnd.voila.cell-output\+json">\s*(.*?)\s*</script>'
    return [json.loads(m) for m in re.findall(pattern, html, re.S)]


class Visit:
    """One dashboard page opened in Chromium, with everything it received."""

    def __init__(self, browser, url: str, screenshot: Path, choose: bool = True) -> None:
        page = browser.new_page(viewport={"width": 1400, "height": 1200})
        self.failure_screenshot = screenshot.with_name(f"{screenshot.stem}-failed.png")
        self.frames: list[str | bytes] = []
        self.failed: list[str] = []
        page.on("requestfailed", lambda request: self.failed.append(request.url))
        page.on(
            "websocket",
            lambda ws: ws.on("framereceived", lambda payload: self.frames.append(payload)),
        )
        started = time.perf_counter()
        response = page.goto(url, wait_until="commit", timeout=180_000)
        page.wait_for_function(
            "() => { const c = document.getElementById('rendered_cells');"
            " return c !== null && c.style.display !== 'none'; }",
            timeout=300_000,
        )
        self.served_html = response.text()  # the page as sent, with every cell's outputs
        self.charts, self.sent_charts = self._wait_for_charts(page)
        self.seconds = time.perf_counter() - started
        self.controls = page.evaluate(CONTROLS_JS)
        self.stderr = page.locator('[data-mime-type="application/vnd.jupyter.stderr"]').count()
        self._screenshot(page, screenshot)
        self.screenshot = screenshot
        self.text = page.inner_text("body")
        self.html = page.content()
        self.injected = page.evaluate("() => window.__wbInjected !== undefined")
        self.chosen = self._use_view_widgets(page) if choose else 0
        page.close()
        self.messages = [decode_frame(f) for f in self.frames]
        self.specs = chart_specs(page_outputs(self.served_html), [])
        self.specs += chart_specs([m.get("content") for m in self.messages], [])

    @staticmethod
    def _screenshot(page, path: Path) -> None:
        """The whole page: the window is made as tall as the dashboard (it scrolls inside)."""
        height = page.evaluate(
            "() => Math.max(...Array.from(document.querySelectorAll('#rendered_cells, "
            "#rendered_cells *')).map(e => e.scrollHeight))"
        )
        page.set_viewport_size({"width": 1400, "height": min(int(height) + 80, 30_000)})
        page.wait_for_timeout(500)
        page.screenshot(path=str(path), full_page=True)
        page.set_viewport_size({"width": 1400, "height": 1200})

    def _expected_charts(self) -> int:
        messages = []
        for frame in list(self.frames):
            try:
                messages.append(decode_frame(frame))
            except (ValueError, IndexError):
                continue
        specs = chart_specs(page_outputs(self.served_html), [])
        specs += chart_specs([m.get("content") for m in messages], [])
        return len({json.dumps(s, sort_keys=True) for s in specs})

    def _wait_for_charts(self, page, timeout: float = 90) -> tuple[int, int]:
        """Wait until every chart the page received is drawn and nothing changes for 3 s."""
        deadline = time.monotonic() + timeout
        last, steady_since = None, time.monotonic()
        while time.monotonic() < deadline:
            drawn = page.locator("svg.marks").count()
            state = (drawn, page.locator(".jupyter-widgets").count(), self._expected_charts())
            if state != last:
                last, steady_since = state, time.monotonic()
            elif drawn >= state[2] and time.monotonic() - steady_since >= 3:
                return drawn, state[2]
            page.wait_for_timeout(500)
        page.screenshot(path=str(self.failure_screenshot), full_page=True)
        raise AssertionError(f"charts still missing after {timeout:.0f} s (drawn, widgets, sent)"
                             f" = {last}; see {self.failure_screenshot}")  # fmt: skip

    def _use_view_widgets(self, page) -> int:
        """Choose another option in every dropdown and toggle: the viewer's whole power.

        Keeps in ``redrawn`` how many charts differ afterwards (their text: titles, axes).
        """
        charts_js = (
            "() => Array.from(document.querySelectorAll('svg.marks')).map(s => s.textContent)"
        )
        before = page.evaluate(charts_js)
        count = 0
        for select in page.locator("select:enabled").all():
            options = select.locator("option").count()
            if options > 1:
                select.select_option(index=options - 1)
                count += 1
        for button in page.locator("button.widget-toggle-button:not(.mod-active)").all():
            if button.is_enabled():
                button.click()
                count += 1
        page.wait_for_timeout(3000)
        after = page.evaluate(charts_js)
        self.redrawn = len(set(after) - set(before))
        return count


# Every enabled element that takes input, with what it is, for the view-mode check.
CONTROLS_JS = """() => Array.from(document.querySelectorAll(
    'input, textarea, select, button, [contenteditable=""], [contenteditable="true"]'))
  .filter(e => !e.disabled && e.offsetParent !== null)
  .map(e => ({tag: e.tagName.toLowerCase(), type: e.getAttribute('type') || '',
              cls: e.className || '', text: (e.innerText || e.value || '').slice(0, 60),
              dropdown: !!e.closest('.widget-dropdown'),
              toggle: e.classList.contains('widget-toggle-button')}))"""


def view_only(control: dict) -> bool:
    """A Dropdown's <select> or a ToggleButtons' button: choosing what is shown."""
    return (control["tag"] == "select" and control["dropdown"]) or (
        control["tag"] == "button" and control["toggle"]
    )


@pytest.fixture(scope="module")
def visits(dashboards, browser, artifacts) -> dict:
    """Each step's dashboard, opened once (in step order) and kept for the checks."""
    opened = {}

    def visit(number: int) -> Visit:
        if number not in opened:
            name = STEPS[number].name
            shot = artifacts / f"dashboard-step{number:02d}.png"
            opened[number] = Visit(browser, f"{dashboards['base']}/voila/render/{name}", shot)
            print(f"screenshot of step {number}: {shot}")
        return opened[number]

    return visit


# --- the pages ------------------------------------------------------------------------------


def test_the_index_lists_every_step_and_nothing_else(dashboards):
    with urllib.request.urlopen(dashboards["base"] + "/") as response:  # noqa: S310
        page = response.read().decode()
    links = re.findall(r'<a href="([^"]+)"', page)
    assert sorted(links) == sorted(f"/voila/render/{p.name}" for p in STEPS.values())
    assert "Step 2: Use the Mobility Metrics" in page
    assert "cdn." not in page and "https://" not in page


@pytest.mark.parametrize("number", sorted(STEPS))
def test_each_step_is_a_read_only_dashboard(visits, number, plan):
    visit = visits(number)
    text, html = visit.text, visit.html
    # The place, the step, and the figures (every chart the page received is drawn).
    assert PLACE in text and KEY in text, text[:500]
    assert f"Step {number} of 10" in text
    assert visit.charts >= visit.sent_charts
    # Nothing went wrong, and no code, error or traceback reached the page.
    assert visit.failed == []  # not even an attempt to reach another host
    assert visit.stderr == 0, f"error output on step {number}"
    for words in ERROR_WORDS:
        assert words not in text, f"{words!r} on step {number}"
    # View mode: nothing to type into or save; choosers only (see the module's docstring).
    editable = [c for c in visit.controls if not view_only(c)]
    assert editable == [], f"inputs on the step {number} dashboard: {editable}"
    assert "Your name" not in text
    # Contact details and other private answers never reach the page or its websocket.
    frames = "".join(json.dumps(m) for m in visit.messages)
    leaked = sorted(s for s in plan["private"] if s in html or s in text or s in frames)
    assert leaked == [], f"private plan values on step {number}: {leaked}"
    # What people typed is shown as text, never run.
    assert visit.injected is False


def test_choosing_in_the_view_widgets_writes_nothing(visits, plan, dashboards):
    chosen = sum(visits(number).chosen for number in sorted(STEPS))
    assert chosen >= 2  # Step 2's metric explorer and map at least
    assert visits(2).redrawn >= 2  # both drew what was chosen
    assert _digest(plan["path"]) == plan["digest"]
    served = sorted(p.relative_to(dashboards["site"]).as_posix()
                    for p in dashboards["site"].rglob("*") if p.is_file())  # fmt: skip
    assert served == sorted(p.name for p in STEPS.values()), "the dashboards wrote files"


def test_step2_shows_the_figures_and_the_escaped_insight(visits):
    from workbook.session import READ_ONLY_ENV, start
    from workbook.steps import use_the_metrics as step2

    visit = visits(2)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(READ_ONLY_ENV, "1")
        review = step2.MetricsReview(start(2, KEY, show=False))
    table = review.comparison.table
    catalog = review.session.catalog
    shown = table[(table["missing_reason"] == "") & table["value_number"].notna()]
    figures = [
        step2.format_value(row["value_number"], catalog[row["variable"]].format)
        for _, row in shown.head(5).iterrows()
    ]
    text = visit.text.replace("\xa0", " ")
    assert all(figure in text for figure in figures), figures
    assert HOSTILE in text  # the statement, shown as written
    assert "Rents outpace incomes" in text and visit.injected is False


def test_step2_sends_only_the_data_its_charts_draw(visits):
    visit = visits(2)
    assert visit.specs, "Step 2 sent no chart"
    total = 0
    for spec in visit.specs:
        drawn = json.dumps({k: v for k, v in spec.items() if k != "datasets"})
        for rows in (spec.get("datasets") or {}).values():
            total += len(json.dumps(rows))
            if not (isinstance(rows, list) and rows and isinstance(rows[0], dict)):
                continue  # map shapes (TopoJSON text)
            columns = set().union(*(row.keys() for row in rows))
            title = str(spec.get("title", ""))[:60]
            assert len(columns) <= MAX_CHART_COLUMNS, f"{title}: {sorted(columns)}"
            unused = sorted(c for c in columns if c not in drawn)
            assert unused == [], f"chart {title!r} carries columns it does not draw: {unused}"
            assert "population" not in columns
    assert total <= CHART_DATA_BUDGET, f"{total} bytes of chart data on one page"


def test_view_mode_cannot_be_switched_from_the_url(dashboards, browser, tmp_path):
    number = max(STEPS)  # the latest step has the most forms
    url = (
        f"{dashboards['base']}/voila/render/{STEPS[number].name}"
        "?WORKBOOK_READ_ONLY=0&read_only=0&template=lab&theme=dark&classic-tree=false"
    )
    visit = Visit(browser, url, tmp_path / "query.png", choose=False)
    assert [c for c in visit.controls if not view_only(c)] == []
    assert "Your name" not in visit.text
    assert "cdn.jsdelivr" not in visit.served_html and visit.failed == []  # our template


# --- no downloads ---------------------------------------------------------------------------


def _status(base: str, path: str) -> tuple[int, bytes]:
    """GET ``path`` exactly as written (no normalisation), following one redirect."""
    host, port = base.removeprefix("http://").split(":")
    for _ in range(2):
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        connection.close()
        if response.status in (301, 302, 303, 307, 308):
            path = response.getheader("Location")
            continue
        return response.status, body
    return response.status, body


def test_no_file_can_be_downloaded(dashboards, plan):
    notebooks = [p.name for p in STEPS.values()]
    plan_path = str(plan["path"])
    csv = str(SAMPLE_DIR / "county_recent.csv")
    paths = [
        *[f"/voila/files/{name}" for name in notebooks],
        *[f"/files/{name}" for name in notebooks],
        *[f"/voila/api/contents/{name}?content=1" for name in notebooks],
        f"/voila/render/{notebooks[0]}/../../workbook/session.py",
        "/voila/files/../workbook/session.py",
        "/voila/files/..%2f..%2fworkbook%2fsession.py",
        "/voila/files/%2e%2e/%2e%2e/workbook/session.py",
        f"/voila/files/{plan_path}",
        f"/voila/files/{plan_path.lstrip('/')}",
        "/voila/files/output/plan.sqlite",
        f"/voila/files/{csv}",
        f"/voila/files/{csv.lstrip('/')}",
        f"/voila/render/{plan_path}",
        f"/voila/render/{csv.lstrip('/')}",
        "/voila/render/../README.md",
        "/voila/render/%2e%2e/README.md",
        "/voila/tree/..",
        "/voila/tree/%2e%2e",
        "/api/contents",
        "/api/contents/",
        f"/api/contents/{notebooks[0]}",
        "/voila/api/contents",
        "/voila/api/contents/",
        "/api/kernels",
        "/api/sessions",
        "/lab",
        "/tree",
        "/static/../workbook/session.py",
        "/voila/static/../../workbook/session.py",
        "/voila/static/%2e%2e/%2e%2e/%2e%2e/workbook/session.py",
        "/voila/static/..%2f..%2f..%2fworkbook%2fsession.py",
        "/voila/templates/workbook/static/../index.html.j2",
        "/voila/templates/workbook/conf.json",
        "/voila/templates/../../../../workbook/session.py",
        "/voila/labextensions/../../../../workbook/session.py",
        "/voila/labextensions/%2e%2e/%2e%2e/%2e%2e/workbook/session.py",
        "/voila/api/themes/../../../workbook/session.py",
        "//etc/passwd",
        "/voila/files//etc/passwd",
    ]
    secrets = [b"def start(", b"SQLite format", b'"nbformat"', b"county_name", b"root:x:0"]
    served = {}
    for path in paths:
        status, body = _status(dashboards["base"], path)
        served[path] = status
        assert not any(s in body for s in secrets), f"{path} sent a file"
    assert {p: s for p, s in served.items() if s not in (403, 404)} == {}


# --- kernels --------------------------------------------------------------------------------


def test_leaving_a_page_shuts_its_kernel_down(dashboards, browser):
    page = browser.new_page()
    page.goto(f"{dashboards['base']}/voila/render/{STEPS[1].name}", wait_until="commit")
    page.wait_for_selector("svg.marks", timeout=120_000)
    kernel = re.search(r'"kernelId": "([0-9a-f-]+)"', page.content()).group(1)
    page.goto("about:blank")  # the page asks the server to shut its kernel down
    page.close()
    deadline = time.monotonic() + 20
    while _status(dashboards["base"], f"/api/kernels/{kernel}")[0] != 404:
        assert time.monotonic() < deadline, "the kernel outlived its page"
        time.sleep(0.5)


def test_a_closed_page_leaves_no_kernel_behind(browser, plan, tmp_path):
    """Kernels whose page vanished without a word are culled; pre-heated ones stay."""
    import psutil

    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy2(STEPS[1], notebooks / STEPS[1].name)
    port = free_port()
    command, env = serve_command(
        plan_path=plan["path"], port=port, notebooks_dir=notebooks, site_dir=tmp_path / "site"
    )
    command += [
        "--MappingKernelManager.cull_idle_timeout=4",
        "--MappingKernelManager.cull_interval=1",
    ]
    base = f"http://127.0.0.1:{port}"
    context = start_server(command, env, tmp_path / "voila.log", base + "/")
    try:
        page = browser.new_page()
        page.goto(f"{base}/voila/render/{STEPS[1].name}", wait_until="commit")
        page.wait_for_selector("svg.marks", timeout=120_000)
        kernel = re.search(r'"kernelId": "([0-9a-f-]+)"', page.content()).group(1)
        page.close()
        # The page said nothing: the kernel is left to the culler (on a slow machine it
        # may already be gone by this line, its 4 idle seconds passed).
        assert _status(base, f"/api/kernels/{kernel}")[0] in (200, 404)
        deadline = time.monotonic() + 60
        while _status(base, f"/api/kernels/{kernel}")[0] != 404:
            assert time.monotonic() < deadline, "the closed page's kernel was not culled"
            time.sleep(1)
        time.sleep(6)  # more than the idle timeout: the pool's kernel must still be there
        voila = [p for p in psutil.process_iter(["cmdline"])
                 if str(tmp_path / "site") in " ".join(p.info["cmdline"] or [])]  # fmt: skip
        kernels = [c for c in voila[0].children(recursive=True)
                   if "ipykernel" in command_line(c)]  # fmt: skip
        assert len(kernels) == 1, kernels
    finally:
        context.__exit__(None, None, None)


# --- the command and its configuration --------------------------------------------------------


def test_the_command_checks_its_parameters_first(tmp_path, plan, monkeypatch):
    from workbook.errors import ParameterError

    monkeypatch.setenv("WORKBOOK_BATCH", "1")
    monkeypatch.delenv(ENV_DATA_DIR, raising=False)
    command, env = serve_command(plan_path=plan["path"], port=9999, site_dir=tmp_path / "site")
    assert env[JURISDICTION_ENV] == KEY and env[PLAN_PATH_ENV] == str(plan["path"])
    assert ENV_DATA_DIR not in env  # the sample: the header says so
    assert "WORKBOOK_BATCH" not in env and "WORKBOOK_READ_ONLY" not in env  # config's job
    assert env["JUPYTER_PATH"].split(os.pathsep)[0] == str(TEMPLATES_DIR)
    assert f"--Voila.config_file_paths={CONFIG_FILE.parent}" in command
    assert sorted(p.name for p in (tmp_path / "site").iterdir()) == [p.name for p in STEPS.values()]
    with pytest.raises(ParameterError, match="jurisdiction"):
        serve_command(jurisdiction="Nowhere County", site_dir=tmp_path / "a")
    with pytest.raises(ParameterError, match="plan_path"):
        serve_command(plan_path=tmp_path / "missing.sqlite", site_dir=tmp_path / "b")
    with pytest.raises(ParameterError, match="port"):
        serve_command(port=70000, site_dir=tmp_path / "c")


def test_the_configuration_decides_view_mode_and_privacy():
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader(CONFIG_FILE.name, path=str(CONFIG_FILE.parent)).load_config()
    assert config.DashboardKernelManager.kernel_env == {"WORKBOOK_READ_ONLY": "1"}
    voila = config.VoilaConfiguration
    assert voila.multi_kernel_manager_class == "workbook.serve.server.DashboardKernelManager"
    assert voila.show_tracebacks is False and voila.strip_sources is True
    assert voila.file_allowlist == [] and voila.allow_template_override == "NO"
    assert voila.preheat_kernel is True and voila.default_pool_size >= 1
    kernels = config.MappingKernelManager
    assert kernels.cull_idle_timeout > 0 and kernels.cull_interval > 0
    assert kernels.allow_tracebacks is False
    assert config.KernelManager.transport == "ipc"


def test_workbook_serve_runs_until_interrupted(tmp_path, plan):
    import signal
    import subprocess
    import sys

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "workbook", "serve", "--port", str(port),
         "--plan-path", str(plan["path"])],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        preexec_fn=default_signals,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                status, body = _status(base, "/")
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, "no server"
                time.sleep(0.5)
        assert status == 200 and f"/voila/render/{STEPS[2].name}".encode() in body
    finally:
        process.send_signal(signal.SIGINT)  # Ctrl+C
        output = process.communicate(timeout=90)[0]
    assert process.returncode == 0, output
    assert f"Dashboards for {KEY} at {base}/" in output
    assert f"plan: {plan['path']}" in output and "read-only" in output
    with pytest.raises(OSError):  # the server is gone
        _status(base, "/")


def test_workbook_serve_stops_early_on_bad_input(tmp_path):
    import socket
    import subprocess
    import sys

    def serve(*options: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "workbook", "serve", *options],
            cwd=tmp_path, capture_output=True, text=True, timeout=120,
            env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        )  # fmt: skip

    unknown = serve("--jurisdiction", "Nowhere County", "--port", str(free_port()))
    assert unknown.returncode == 2 and "jurisdiction" in unknown.stderr
    missing = serve("--plan-path", str(tmp_path / "none.sqlite"), "--port", str(free_port()))
    assert missing.returncode == 2 and "plan_path" in missing.stderr
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = serve("--port", str(taken.getsockname()[1]))
    assert busy.returncode == 2 and "port" in busy.stderr and "--port" in busy.stderr
    for result in (unknown, missing, busy):
        assert "Traceback" not in result.stderr + result.stdout
