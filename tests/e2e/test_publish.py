"""``workbook publish``: the example plan as a static site a city could post.

One site for the module: the example plan for the sample county, seeded with private
answers (a stakeholder's e-mail and phone, a readiness respondent's name) and with text
that tries to open a comment and a script. The folder is served by ``python -m
http.server`` on this machine and every page is opened in Debian's Chromium with every
outside connection sent to a dead proxy (as in test_browser.py): the charts draw, nothing
fails, nothing private is in any file (Word and PDF included), typed text stays text,
and only the files a web host should serve are there.

Screenshots of the index and the Step 2 page are kept under $WORKBOOK_ARTIFACTS (or the
test's temporary folder); their paths are printed.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import private_values
from tests.e2e import test_browser
from workbook.data.sources import PROJECT_ROOT, SAMPLE_DIR
from workbook.steps import registry

EXAMPLE_PLAN = PROJECT_ROOT / "data" / "examples" / "sample_plan.json"
HOSTILE = "<!--<script>window.__wbInjected = 1</script> Rents outpace incomes"
EMAIL = "ana@example.org"
PHONE = "+1 555 0147"
RESPONDENT = "Quennell Marisabel"
PLACE = "Linden County"
SERVED = {".html", ".js", ".docx", ".pdf"}  # what a site may hold, nothing else

browser = test_browser.browser
free_port = test_browser.free_port
server = test_browser.server


# --- fixtures -------------------------------------------------------------------------------


def _append(store, section: str, record: dict, private: tuple[str, ...]) -> None:
    current = store.get(section)
    store.save(section, [*current.value, record], current.version, private=private)


def seed_plan(path: Path) -> Path:
    """The example plan plus private answers and hostile text, saved as a facilitator would."""
    from workbook.plan.store import PlanStore, import_plan

    import_plan(EXAMPLE_PLAN, path)
    with PlanStore.open(path, author="test") as store:
        stakeholder = {
            "id": "seed1", "organisation": HOSTILE, "actor_types": ["residents"],
            "pillars": ["work"], "influence": 3, "interest": 5, "champion": False,
            "contact": {"name": "Ana Seed", "organisation": "Tenants' union",
                        "email": EMAIL, "phone": PHONE},
            "request": "Join the steering group.", "status": "asked",
            "date_asked": "2026-11-01", "date_answered": None,
        }  # fmt: skip
        _append(store, "step4.stakeholders", stakeholder, registry.private_paths(
            "step4.stakeholders"))  # fmt: skip
        response = dict(store.get("step3.responses").value[0], id="seed2",
                        respondent=RESPONDENT)  # fmt: skip
        _append(store, "step3.responses", response, registry.private_paths("step3.responses"))
        insight = {"id": "seed3", "statement": HOSTILE, "tag": "concern",
                   "metrics": ["share_employed"], "pillars": None, "notes": None}  # fmt: skip
        _append(store, "step2.insights", insight, ())
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def plan(tmp_path_factory) -> dict:
    """The seeded plan, its digest, and every string only its owners may see."""
    path = seed_plan(tmp_path_factory.mktemp("plan") / "plan.sqlite")
    private = private_values(path)
    for marker in (EMAIL, PHONE, RESPONDENT):
        assert marker in private, f"{marker} should be a private answer of the seeded plan"
    return {"path": path, "digest": _digest(path), "private": private}


def publish_command(*options: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "workbook", "publish", *options],
        capture_output=True,
        text=True,
        timeout=540,
        cwd=cwd,
    )


@pytest.fixture(scope="module")
def site(plan, tmp_path_factory) -> dict:
    """``workbook publish`` of the seeded plan for the sample county, run once."""
    work = tmp_path_factory.mktemp("publish")
    folder = work / "site"
    run = publish_command(
        "--plan-path", str(plan["path"]), "--output-dir", str(folder),
        "--data-dir", str(SAMPLE_DIR), cwd=work,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return {"folder": folder, "files": files, "stdout": run.stdout, "work": work}


def file_text(path: Path) -> str:
    """Everything a reader could get out of a file: its bytes, and for Word and PDF files
    the text inside (zipped XML; the PDF's text layer and metadata)."""
    raw = path.read_bytes()
    parts = [raw.decode("utf-8", errors="replace")]
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as document:
            for name in document.namelist():
                parts.append(document.read(name).decode("utf-8", errors="replace"))
    if path.suffix == ".pdf":
        import pikepdf

        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True)
        assert text.returncode == 0, text.stderr
        parts.append(text.stdout)
        with pikepdf.open(path) as pdf:
            parts.append(str(pdf.open_metadata()))
            parts.append(repr(dict(pdf.docinfo.items())))
    return "\n".join(parts)


# --- the folder ---------------------------------------------------------------------------------


def test_the_site_holds_only_pages_scripts_and_the_map(site):
    folder = site["folder"]
    names = [p.relative_to(folder).as_posix() for p in site["files"]]
    assert {p.suffix for p in site["files"]} <= SERVED, names
    assert [n for n in names if n.endswith("vega-bundle.js")] == ["assets/vega-bundle.js"]
    for fmt in ("html", "docx", "pdf"):
        assert f"map.{fmt}" in names
    pages = [n for n in names if n.startswith("steps/")]
    assert len(pages) == len(registry.notebooks())  # every registered step, no fixed list
    # Vega is loaded from the shared script, never inlined into a page.
    bundle = (folder / "assets" / "vega-bundle.js").read_text("utf-8")
    for page in pages:
        html = (folder / page).read_text("utf-8")
        assert bundle[:2000] not in html
        # A page with charts loads the shared script; one without (a diagram) needs none.
        if 'class="wb-chart"' in html:
            assert '<script src="../assets/vega-bundle.js"></script>' in html, page
    assert any('class="wb-chart"' in (folder / page).read_text("utf-8") for page in pages)


def test_nothing_private_and_no_machine_path_in_any_file(site, plan):
    texts = {p.name: file_text(p) for p in site["files"]}
    leaked = {name: sorted(s for s in plan["private"] if s in text) for name, text in texts.items()}
    assert {k: v for k, v in leaked.items() if v} == {}
    machine = [str(site["work"]), str(plan["path"].parent), str(PROJECT_ROOT), str(Path.home())]
    found = {name: [m for m in machine if m in text] for name, text in texts.items()}
    assert {k: v for k, v in found.items() if v} == {}
    # The checks above can see what they look for: the markers are in the plan.
    assert EMAIL in file_text(plan["path"])


def test_the_plan_is_only_read(site, plan):
    assert _digest(plan["path"]) == plan["digest"]
    log = Path(f"{plan['path']}-wal")
    assert not log.exists() or log.stat().st_size == 0


def test_the_index_names_the_place_and_links_everything(site):
    index = (site["folder"] / "index.html").read_text("utf-8")
    assert f"<title>Mobility Action Plan: {PLACE}" in index
    for path in site["files"]:
        relative = path.relative_to(site["folder"]).as_posix()
        if relative not in ("index.html", "assets/vega-bundle.js"):
            assert f'href="{relative}"' in index, relative
    assert "Version 1 (draft)" in index
    assert "Urban Institute, Mobility Metrics" in index
    assert "synthetic sample" in index  # the sample's warning travels with it


# --- in the browser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(site, tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("http") / "http.log"
    command = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
               "--directory", str(site["folder"])]  # fmt: skip
    with server(command, f"http://127.0.0.1:{port}/", log):
        yield f"http://127.0.0.1:{port}"


# Chart placeholders: offline figures drawn by vegaEmbed, and the MAP's inline charts.
PLACEHOLDERS_JS = "() => document.querySelectorAll('figure.wb-chart, .chart-image').length"


def open_page(browser, url: str, screenshot: Path | None = None, width: int = 1280) -> dict:
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors: list[str] = []
    failed: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.goto(url, wait_until="load")
    expected = page.evaluate(PLACEHOLDERS_JS)
    page.wait_for_function(
        f"() => document.querySelectorAll('svg.marks').length >= {expected}", timeout=60_000
    )
    if screenshot is not None:
        page.screenshot(path=str(screenshot), full_page=True)
        print(f"screenshot: {screenshot}")
    result = {
        "expected": expected,
        "drawn": page.locator("svg.marks").count(),
        "text": page.inner_text("body"),
        "injected": page.evaluate("() => window.__wbInjected !== undefined"),
        "overflow": page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        ),
        "errors": errors,
        "failed": failed,
    }
    page.close()
    return result


def test_every_page_draws_its_charts_offline_without_errors(site, served, browser, artifacts):
    folder = site["folder"]
    pages = [p for p in site["files"] if p.suffix == ".html"]
    shots = {"index.html": "publish-index.png", "02_use_the_metrics.html": "publish-step02.png"}
    charts = 0
    for path in pages:
        relative = path.relative_to(folder).as_posix()
        shot = artifacts / shots[path.name] if path.name in shots else None
        seen = open_page(browser, f"{served}/{relative}", shot)
        assert seen["drawn"] == seen["expected"], relative
        assert seen["failed"] == [], relative
        assert seen["errors"] == [], relative
        assert not seen["injected"], relative
        assert "Traceback" not in seen["text"], relative
        if path.parent.name == "steps":
            assert PLACE in seen["text"]
            assert "All pages of this site" in seen["text"]
        charts += seen["expected"]
    assert charts >= 10  # the steps' and the MAP's charts were all there to count


def test_typed_text_is_shown_as_text(site, served, browser):
    for relative in ("steps/02_use_the_metrics.html", "steps/04_build_the_coalition.html"):
        seen = open_page(browser, f"{served}/{relative}")
        assert HOSTILE in seen["text"], relative
        assert not seen["injected"]


def test_the_index_reads_on_a_phone(site, served, browser):
    seen = open_page(browser, f"{served}/index.html", width=390)
    assert seen["overflow"] <= 0
    assert "Mobility Action Plan" in seen["text"]
    assert "Step 2: Use the Mobility Metrics" in seen["text"]


# --- the command's checks ---------------------------------------------------------------------


def test_bad_parameters_stop_before_anything_runs(plan, tmp_path):
    missing = publish_command("--output-dir", str(tmp_path / "a"), cwd=tmp_path)
    assert missing.returncode == 2
    assert "plan-path" in missing.stderr and "Traceback" not in missing.stderr
    no_folder = publish_command("--plan-path", str(plan["path"]), cwd=tmp_path)
    assert no_folder.returncode == 2
    assert "output-dir" in no_folder.stderr and "Traceback" not in no_folder.stderr
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    refused = publish_command(
        "--plan-path", str(plan["path"]), "--output-dir", str(busy), cwd=tmp_path
    )
    assert refused.returncode == 2
    assert "output-dir" in refused.stderr and "--force" in refused.stderr
    assert sorted(p.name for p in busy.iterdir()) == ["notes.txt"]
    unknown = publish_command(
        "--plan-path", str(plan["path"]), "--output-dir", str(tmp_path / "b"),
        "--data-dir", str(SAMPLE_DIR), "--jurisdiction", "Nowhere County, XX", cwd=tmp_path,
    )  # fmt: skip
    assert unknown.returncode == 2
    assert "jurisdiction" in unknown.stderr and "Traceback" not in unknown.stderr
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_an_earlier_site_may_be_replaced(site, plan):
    from workbook.run.publish import check_publish

    checked = check_publish(plan["path"], site["folder"], data_dir=SAMPLE_DIR)
    assert checked.replaces_site


def test_a_plan_changed_since_its_final_version_is_published_as_a_draft(plan, tmp_path):
    """A final version is only published as final when the plan still makes exactly it."""
    from dataclasses import replace

    from workbook.map import versions
    from workbook.map.build import build_document
    from workbook.plan.backup import backup_plan
    from workbook.plan.store import PlanStore
    from workbook.run.publish import build_map, check_publish

    copy = backup_plan(plan["path"], tmp_path / "plan.sqlite")
    released = replace(build_document(copy, data_dir=SAMPLE_DIR), status="final")
    with PlanStore.open(copy, author="test") as store:
        versions.record(store, released, ["html"])
    site = check_publish(copy, tmp_path / "site", data_dir=SAMPLE_DIR)
    made = build_map(site, copy, tmp_path, tmp_path / "out", "2026-12-01")
    assert (made.status, made.version) == ("draft", 2)
    assert "version 1 was released as final" in made.note
    assert sorted(p.name for p in made.files.values()) == ["map.docx", "map.html", "map.pdf"]
