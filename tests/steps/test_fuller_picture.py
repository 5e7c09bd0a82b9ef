"""Step 6: working groups, activities, coding, privacy, findings, the MAP and the notebook."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.steps.test_local_government_readiness import run_step
from workbook.analysis import qualitative as qual
from workbook.data.qdc import CodebookFileError, read_qdc
from workbook.data.transcripts import TranscriptError, read_transcript
from workbook.display.html import escape
from workbook.display.live import static_html
from workbook.forms import RecordError
from workbook.map.build import build_document
from workbook.map.render import render
from workbook.plan.public import PublicPlan
from workbook.plan.store import PlanStore
from workbook.session import READ_ONLY_ENV, start
from workbook.steps import fuller_picture as step6
from workbook.steps import registry
from workbook.steps.fuller_picture import FullerPicture

HOSTILE = "<!--<script> & </script><script>window.__wbInjected = 1</script>"
NOTES = (
    "The rent went up again and we had to move. Call Maria Lopez at 555-013-2288 or "
    "maria@example.org about the waiting list. The bus to work takes an hour. "
    "The rent went up again and we had to move."
)
SECRET_NOTES = "Only in the private notes: Okonkwo family story about the eviction hearing."


def upstream(store: PlanStore) -> None:
    """Steps 2, 4 and 5 as their contracts describe them, written directly."""
    store.save(
        "step2.insights",
        [
            {
                "id": "in1",
                "statement": "Rents are high.",
                "metrics": ["share_affordable_80_ami"],
                "pillars": ["neighborhoods"],
                "tag": "concern",
                "notes": "",
            }
        ],
        0,
    )
    store.save(
        "step4.stakeholders",
        [
            {
                "id": "sh1",
                "organisation": "Tenants Union",
                "status": "accepted",
                "contact": {"name": "Maria Lopez", "email": "maria@example.org"},
            },
            {"id": "sh2", "organisation": "Transit Agency", "status": "accepted", "contact": {}},
        ],
        0,
        private=["contact.email", "contact.name"],
    )
    store.save(
        "step4.team",
        [{"id": "t1", "person": {"name": "Dev Patel"}, "role": "lead"}],
        0,
        private=["person.email", "person.phone"],
    )
    store.save(
        "step5.priorities",
        {
            "predictors": ["Housing affordability", "Transportation access"],
            "rationale": "",
            "decided_by": "vote",
            "decided_on": "2026-11-01",
            "vote_id": None,
            "tie_rule": "",
        },
        0,
    )
    store.save(
        "step5.local_data",
        [
            {
                "id": "ds1",
                "name": "Housing authority waiting list",
                "source_id": None,
                "geography": "county",
                "file_name": "w.csv",
                "imported_on": "2026-11-02",
                "rows": 10,
                "measures": [
                    {
                        "id": "m1",
                        "name": "Households waiting",
                        "unit": "households",
                        "direction": "lower",
                        "quality": "Strong",
                        "notes": "",
                        "predictor": "Housing affordability",
                        "metric": None,
                    }
                ],
            }
        ],
        0,
    )


@pytest.fixture
def picture(edit_session):
    session = edit_session(6)
    upstream(session.plan)
    return FullerPicture(session)


def coded(picture: FullerPicture, consent: str = "quote_anonymous") -> dict:
    """A group, an activity with notes, two codes and two excerpts."""
    group = picture.groups().add(
        {
            "name": "Housing",
            "members": ["sh1", "sh2"],
            "lead": "sh1",
            "predictors": ["Housing affordability"],
        }
    )
    picture.reload()
    source = picture.activities().add(
        {
            "type": "focus_group",
            "date": "2026-12-01",
            "group_id": group,
            "reached": 12,
            "demographics": "8 renters",
            "consent": consent,
            "material": {"text": NOTES},
        }
    )
    rent = picture.codebook().add({"name": "Rent", "predictors": ["Housing affordability"]})
    moving = picture.codebook().add({"name": "Moving", "description": "Forced moves."})
    bus = picture.codebook().add({"name": "Bus", "predictors": ["Transportation access"]})
    picture.reload()
    first = picture.add_excerpt(
        source,
        "The rent went up again and we had to move. Call Maria Lopez at 555-013-2288",
        [rent, moving],
        "Memo on rent.",
    )
    second = picture.add_excerpt(source, "The bus to work takes an hour.", [bus], "Bus memo.")
    return {
        "group": group,
        "source": source,
        "rent": rent,
        "moving": moving,
        "bus": bus,
        "first": first,
        "second": second,
    }


# --- the contract and privacy ------------------------------------------------------------


def test_sections_follow_the_contract_and_private_fields_match_the_forms(picture):
    ids = coded(picture)
    declared = {s.name for s in registry.step(6).sections}
    assert {t.section for t in picture.editors()} == declared
    for table in picture.editors():
        marked = {p for f in table.fields for p in f.private_paths()}
        assert marked == set(registry.private_paths(table.section)), table.section
    activity = picture.activities().get(ids["source"])
    assert activity["material"] == {"text": NOTES, "file_name": ""}
    assert activity["consent"] == "quote_anonymous" and activity["reached"] == 12
    group = picture.groups().get(ids["group"])
    assert group["members"] == ["sh1", "sh2"] and group["lead"] == "sh1"
    public = picture.activities().records(public=True)[0]
    assert "text" not in public["material"]
    excerpt = picture.excerpts().records(public=True)[0]
    assert excerpt["quote"] == {
        "shown": "The rent went up again and we had to move. Call [name] at [phone]"
    }


def test_identifiers_are_flagged_while_coding():
    found = qual.find_identifiers(
        "Mail ana@x.org or call +1 (555) 013-2288; ask Dev Patel.", ["Dev Patel"]
    )
    assert [(i.kind, i.text) for i in found] == [
        ("email", "ana@x.org"),
        ("phone", "+1 (555) 013-2288"),
        ("name", "Dev Patel"),
    ]
    assert qual.redact("Year 2024, 12 people, ask dev patel", ["Dev Patel"]) == (
        "Year 2024, 12 people, ask [name]"
    )


def test_the_teams_own_list_of_names_is_redacted_and_private(picture):
    ids = coded(picture)
    picture.identifiers().add({"text": "Okonkwo", "kind": "name"})
    picture.reload()
    picture.excerpts().update(ids["second"], {"memo": "Okonkwo said the bus is late."})
    shown = picture.excerpt_records()
    memo = next(e for e in shown if e["id"] == ids["second"])["memo"]
    assert memo == {"shown": "[name] said the bus is late."}
    assert picture.identifiers().records(public=True) == [
        {"id": picture.identifiers().records()[0]["id"], "kind": "name"}
    ]
    flagged = picture.flagged_identifiers("Okonkwo wrote from okonkwo@example.org").data
    assert "okonkwo@example.org" in flagged and "email" in flagged


# --- the codebook ------------------------------------------------------------------------


def test_renaming_and_merging_codes_keeps_every_excerpt_and_memo(picture):
    ids = coded(picture)
    picture.rename_code(ids["rent"], "Housing costs")
    assert qual.excerpts_with(ids["rent"], picture.excerpts().records()) == [ids["first"]]
    picture.merge_codes(ids["rent"], ids["moving"])
    codes = {c["id"]: c for c in picture.codebook().records()}
    assert ids["moving"] not in codes and codes[ids["rent"]]["name"] == "Housing costs"
    assert "Merged from 'Moving': Forced moves." in codes[ids["rent"]]["description"]
    excerpts = {e["id"]: e for e in picture.excerpts().records()}
    assert excerpts[ids["first"]]["codes"] == [ids["rent"]]
    assert excerpts[ids["first"]]["memo"]["text"] == "Memo on rent."
    assert len(excerpts) == 2


def test_deleting_a_code_in_use_is_refused_naming_the_excerpts(picture):
    ids = coded(picture)
    with pytest.raises(qual.CodeInUse) as refused:
        picture.delete_code(ids["bus"])
    assert ids["second"] in str(refused.value) and "'Bus'" in str(refused.value)
    assert "merge it into another code" in str(refused.value)
    assert ids["bus"] in {c["id"] for c in picture.codebook().records()}  # nothing lost
    free = picture.codebook().add({"name": "Unused"})
    picture.delete_code(free)
    assert free not in {c["id"] for c in picture.codebook().records()}


def test_codebook_exchanges_with_qualitative_tools(picture, tmp_path):
    ids = coded(picture)
    picture.codebook().update(ids["moving"], {"parent": ids["rent"]})
    qdc = picture.export_codebook(tmp_path / "codes.qdc")
    text = qdc.read_text(encoding="utf-8")
    assert 'xmlns="urn:QDA-XML:codebook:1.0"' in text and "<Description>Forced moves." in text
    codes = read_qdc(text.encode())
    by_name = {c["name"]: c for c in codes}
    assert set(by_name) == {"Rent", "Moving", "Bus"}
    assert by_name["Moving"]["parent"] == by_name["Rent"]["id"]  # nested under its parent
    csv_path = picture.export_codebook(tmp_path / "codes.csv")
    assert "Forced moves." in csv_path.read_text(encoding="utf-8")
    other = tmp_path / "other.qdc"
    other.write_text(text.replace('name="Bus"', 'name="Childcare"'), encoding="utf-8")
    assert picture.import_codebook(other) == 1  # only the new code is added


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("<html><body>Not a codebook</body></html>", "not a REFI-QDA CodeBook"),
        ("this is not XML at all", "not readable XML"),
        (
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]>'
            '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>',
            "document type",
        ),
        ('<CodeBook xmlns="urn:QDA-XML:project:1.0"><Codes/></CodeBook>', "not a REFI-QDA"),
    ],
)
def test_a_qdc_that_is_not_one_is_refused(picture, tmp_path, content, problem):
    coded(picture)
    path = tmp_path / "bad.qdc"
    path.write_text(content, encoding="utf-8")
    before = picture.codebook().records()
    with pytest.raises(CodebookFileError) as refused:
        picture.import_codebook(path)
    assert problem in str(refused.value) and "bad.qdc" in str(refused.value)
    assert "export the codebook again" in str(refused.value)
    assert picture.codebook().records() == before


# --- excerpts and their sources ----------------------------------------------------------------


def test_editing_a_source_keeps_excerpts_anchored_or_flags_them(picture):
    ids = coded(picture)
    source = ids["source"]
    edited = "Added first. " + NOTES.replace("The bus to work takes an hour.", "The bus is slow.")
    picture.edit_source(source, edited)
    excerpts = {e["id"]: e for e in picture.excerpts().records()}
    first = excerpts[ids["first"]]
    assert first["anchor"] == qual.MOVED
    assert edited[first["start"] : first["end"]] == first["quote"]["text"]
    assert excerpts[ids["second"]]["anchor"] == qual.LOST
    assert excerpts[ids["second"]]["quote"]["text"] == "The bus to work takes an hour."
    moved = picture.moved_excerpts()
    assert set(moved["excerpt"]) == {ids["first"], ids["second"]}


def test_a_passage_not_in_the_source_is_refused(picture):
    ids = coded(picture)
    with pytest.raises(RecordError) as refused:
        picture.add_excerpt(ids["source"], "words nobody said", [ids["rent"]])
    assert "quote" in str(refused.value) and "copy it exactly" in str(refused.value)


def test_anchor_prefers_the_place_nearest_the_old_one():
    text = "rent. rent. rent."
    assert qual.anchor(text, {"quote": "rent", "start": 7})["start"] == 6


# --- analysis ------------------------------------------------------------------------------


def test_frequencies_cooccurrence_and_memos(picture):
    ids = coded(picture)
    codes, excerpts = picture.codes(), picture.excerpt_records()
    by_type = qual.frequencies(
        excerpts, codes, picture.sources().values(), "type", step6.TYPE_LABELS
    )
    assert set(by_type["category"]) == {"Focus group"}
    assert dict(zip(by_type["code"], by_type["excerpts"], strict=True)) == {
        "Rent": 1,
        "Moving": 1,
        "Bus": 1,
    }
    groups = {ids["group"]: "Housing"}
    by_group = qual.frequencies(excerpts, codes, picture.sources().values(), "group_id", groups)
    assert set(by_group["category"]) == {"Housing"}
    matrix = qual.cooccurrence(excerpts, codes)
    assert matrix.loc["Rent", "Moving"] == 1 and matrix.loc["Rent", "Bus"] == 0
    assert matrix.loc["Bus", "Bus"] == 1
    of_rent = qual.code_excerpts(ids["rent"], excerpts, picture.sources())
    assert list(of_rent["excerpt"]) == [ids["first"]] and "[phone]" in of_rent["quote"][0]
    memos = qual.memos(excerpts, codes)
    assert {"Memo on rent.", "Bus memo.", "Forced moves."} <= set(memos["memo"])


def test_joint_display_sets_metrics_local_data_themes_and_quotes_side_by_side(picture):
    ids = coded(picture)
    picture.findings().add(
        {
            "statement": "Rents force moves.",
            "strength": "several",
            "evidence": [{"kind": "excerpt", "ref": ids["first"]}],
            "predictors": ["Housing affordability"],
        }
    )
    table = step6.joint_table(
        picture.session,
        picture.store.get(step6.PRIORITIES).value,
        picture.store.get(step6.LOCAL_DATA).value,
        picture.store,
        picture.excerpt_records(),
        picture.codes(),
        picture.sources(),
        picture.findings().records(public=True),
    )
    rows = table.set_index("predictor")
    assert list(rows.index) == ["Housing affordability", "Transportation access"]
    housing = rows.loc["Housing affordability"]
    assert "Households waiting" in housing["local"] and "Rent (1)" in housing["themes"]
    assert housing["findings"] == ["Rents force moves."]
    assert housing["quotes"][0].endswith("Call [name] at [phone]")
    assert ":" in housing["metrics"]  # the sample county's metrics for the predictor
    html = picture.joint_displays().data
    assert "Transportation access" in html and "Maria" not in html


def test_findings_record_follow_up_and_every_revision(picture):
    coded(picture)
    finding = picture.findings().add(
        {"statement": "Buses are slow.", "strength": "one", "groups": "renters; shift workers"}
    )
    picture.follow_up(finding, "partly", "Only at night.", 14)
    picture.revise(finding, "Night buses are slow.", "Residents said days are fine.", "2027-01-05")
    record = picture.findings().get(finding)
    assert record["groups"] == ["renters", "shift workers"]
    assert record["follow_up"] == {"response": "partly", "comments": "Only at night.", "people": 14}
    assert record["statement"] == "Night buses are slow."
    assert record["revisions"] == [
        {
            "date": "2027-01-05",
            "before": "Buses are slow.",
            "after": "Night buses are slow.",
            "reason": "Residents said days are fine.",
        }
    ]
    with pytest.raises(RecordError, match="reason"):
        picture.revise(finding, "Other", " ")
    with pytest.raises(RecordError, match="kind: reference"):
        picture.findings().add({"statement": "x", "strength": "one", "evidence": "rumour: x"})


# --- bad input: transcripts ------------------------------------------------------------------


def test_transcripts_of_every_kind_are_read(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("First line of the interview.")
    document.add_paragraph("Second line.")
    document.save(tmp_path / "t.docx")
    assert read_transcript(tmp_path / "t.docx") == "First line of the interview.\nSecond line."
    (tmp_path / "t.md").write_text("# Notes\r\nSaid: ça va", encoding="utf-8")
    assert read_transcript(tmp_path / "t.md") == "# Notes\nSaid: ça va"


def test_a_transcript_over_10_mb_is_refused(picture, tmp_path):
    ids = coded(picture)
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (10 * 1024 * 1024 + 1))
    with pytest.raises(TranscriptError) as refused:
        picture.import_transcript(ids["source"], big)
    assert "big.txt" in str(refused.value) and "over the limit of 10 MB" in str(refused.value)
    assert picture.activities().get(ids["source"])["material"]["text"] == NOTES  # kept


def test_a_transcript_that_is_not_utf8_is_refused_or_read_with_confidence(tmp_path):
    noise = tmp_path / "noise.txt"
    noise.write_bytes(bytes(range(128, 256)) * 40)
    with pytest.raises(TranscriptError) as refused:
        read_transcript(noise)
    assert "not UTF-8" in str(refused.value) and "save it again as UTF-8" in str(refused.value)
    latin = tmp_path / "latin.txt"
    latin.write_bytes(
        (
            "Les habitants ont parlé du loyer, de l'école et des déménagements fréquents. " * 20
        ).encode("cp1252")
    )
    assert "déménagements" in read_transcript(latin)


def test_a_scanned_pdf_without_text_says_so(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    with open(tmp_path / "scan.pdf", "wb") as handle:
        writer.write(handle)
    with pytest.raises(TranscriptError) as refused:
        read_transcript(tmp_path / "scan.pdf")
    assert "no text layer" in str(refused.value) and "OCR" in str(refused.value)
    (tmp_path / "fake.pdf").write_text("not a pdf", encoding="utf-8")
    with pytest.raises(TranscriptError, match="cannot be read"):
        read_transcript(tmp_path / "fake.pdf")


# --- hostile text ----------------------------------------------------------------------------


def test_hostile_text_in_codes_memos_and_quotes_is_escaped_everywhere(picture, tmp_path):
    ids = coded(picture)
    picture.edit_source(ids["source"], NOTES + " " + HOSTILE)
    picture.codebook().update(ids["bus"], {"name": HOSTILE})
    picture.excerpts().update(ids["second"], {"memo": HOSTILE})
    picture.add_excerpt(ids["source"], HOSTILE, [ids["bus"], ids["rent"]], HOSTILE)
    picture.relationships().add({"from_org": HOSTILE, "kind": "funds", "to_org": "Agency"})
    picture.timeline().add({"date": "2020-01-01", "what": HOSTILE})
    views = {
        "memos": picture.memos().data,
        "excerpts": picture.code_excerpts(ids["bus"]).data,
        "frequency": static_html(picture.frequency().current),
        "cooccurrence": static_html(picture.cooccurrence().current),
        "network": static_html(picture.network().current),
        "timeline": static_html(picture.timeline_chart().current),
    }
    for name, html in views.items():
        assert "<script>window.__wbInjected" not in html, name
        assert "<!--<script>" not in html, name
    assert escape(HOSTILE) in picture.memos().data
    picture.findings().add(
        {
            "statement": HOSTILE,
            "strength": "one",
            "evidence": [{"kind": "excerpt", "ref": picture.excerpts().records()[-1]["id"]}],
        }
    )
    path = picture.store.path
    picture.store.close()
    doc = build_document(path, "98031", today="2027-02-01")
    files = render(doc, tmp_path / "map", formats=("html",))
    page = files["html"].read_text(encoding="utf-8")
    assert "window.__wbInjected = 1</script>" not in page and "&lt;script&gt;" in page


# --- the MAP -------------------------------------------------------------------------------


def _public(path: Path) -> PublicPlan:
    return PublicPlan(PlanStore.open(path, read_only=True), registry.private_paths)


def test_the_map_quotes_only_with_consent_and_never_shows_identifiers(picture, edit_session):
    ids = coded(picture, consent="quote_anonymous")
    quiet = picture.activities().add(
        {
            "type": "interview",
            "consent": "no_quotes",
            "reached": 1,
            "material": {"text": "Never quote this sentence please."},
        }
    )
    picture.reload()
    hidden = picture.add_excerpt(quiet, "Never quote this sentence please.", [ids["rent"]])
    picture.findings().add(
        {
            "statement": "Rent is the worry.",
            "strength": "several",
            "groups": ["renters"],
            "evidence": [
                {"kind": "excerpt", "ref": ids["first"]},
                {"kind": "excerpt", "ref": hidden},
                {"kind": "metric", "ref": "share_affordable_80_ami"},
            ],
            "predictors": ["Housing affordability"],
            "follow_up": {"response": "agree", "people": 20},
        }
    )
    picture.sustain().add(
        {
            "activity": "Quarterly listening session",
            "rhythm": "Quarterly",
            "owner": "Engagement lead",
            "budget": 4000,
            "start": "2027-03-01",
        }
    )
    path = picture.store.path
    picture.store.close()
    plan = _public(path)
    session = start(6, "98031", output_dir=str(path.parent), show=False)
    findings = step6.map_findings(plan, session)
    text = str(findings)
    assert "Rent is the worry." in text and "20 community members agreed" in text
    assert "Call [name] at [phone]" in text  # a permitted, redacted quote
    assert "Never quote this sentence" not in text
    assert "Maria" not in text and "555-013" not in text and "maria@" not in text
    assert "Evidence: 1 metric(s), 0 local measure(s), 2 excerpt(s)." in text
    got_here = str(step6.map_how_we_got_here(plan, session))
    assert "2 engagement activities reached about 13 people" in got_here
    sustain = step6.map_sustainability(plan, session)
    assert "Quarterly listening session" in str(sustain) and "4,000" in str(sustain)


# --- the notebook -------------------------------------------------------------------------------


def outputs(notebook: Path) -> str:
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    return json.dumps([c.get("outputs", []) for c in nb.cells])


def test_notebook_in_edit_and_view_mode_shows_no_raw_transcript_or_identifier(picture, tmp_path):
    ids = coded(picture)
    picture.edit_source(ids["source"], NOTES + " " + SECRET_NOTES)
    quiet = picture.activities().add(
        {"type": "interview", "consent": "no_quotes", "material": {"text": "Unquotable words."}}
    )
    picture.reload()
    picture.add_excerpt(quiet, "Unquotable words.", [ids["rent"]])
    path = picture.store.path
    picture.store.close()
    out = run_step(tmp_path / "edit", path, steps="6")
    assert "Households waiting" in outputs(out / "06_fuller_picture.ipynb")
    # A run's HTML copy is a page for readers too: counts of identifiers, never them.
    copy = (out / "06_fuller_picture.html").read_text(encoding="utf-8")
    assert "Maria Lopez" not in copy and "555-013-2288" not in copy
    assert "maria@example.org" not in copy and "Unquotable words" not in copy
    env = {**os.environ, READ_ONLY_ENV: "1"}
    viewed = run_step(tmp_path / "view", path, steps="6", env=env)
    text = outputs(viewed / "06_fuller_picture.ipynb")
    page = (viewed / "06_fuller_picture.html").read_text(encoding="utf-8")
    for shown in (text, page):
        assert "Okonkwo family" not in shown and "waiting list. The bus" not in shown
        assert "Maria Lopez" not in shown and "555-013-2288" not in shown
        assert "maria@example.org" not in shown
        assert "[phone]" in shown  # the redacted quote is there
        assert "Unquotable words" not in shown and "did not agree to be quoted" in shown


def test_notebook_runs_on_a_real_county(real_dir, tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "workbook",
            "run",
            "--steps",
            "6",
            "--jurisdiction",
            "06037",
            "--data-dir",
            str(real_dir),
            "--plan-path",
            str(tmp_path / "plan.sqlite"),
            "--output-dir",
            str(tmp_path / "out"),
            "--no-html",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Los Angeles" in outputs(tmp_path / "out" / "06_fuller_picture.ipynb")


def test_excerpts_typed_in_the_table_are_checked_and_placed(picture):
    ids = coded(picture)
    table = picture.excerpts()
    placed = table.add({"source": ids["source"], "quote": "The bus to work", "codes": [ids["bus"]]})
    record = table.get(placed)
    assert NOTES[record["start"] : record["end"]] == "The bus to work"
    with pytest.raises(RecordError) as refused:
        table.add({"source": ids["source"], "quote": "Not what anyone said"})
    assert "quote" in refused.value.errors and "copy it exactly" in str(refused.value)


def test_identifiers_in_the_material_are_listed_only_in_edit_mode(picture, monkeypatch):
    coded(picture)
    shown = picture.identifiers_found().data
    assert "maria@example.org" in shown and "555-013-2288" in shown
    assert "1 email, 1 name, 1 phone" in shown
    path = picture.store.path
    picture.store.close()
    monkeypatch.setenv(READ_ONLY_ENV, "1")
    viewed = FullerPicture(start(6, "98031", plan_path=str(path), show=False))
    counts = viewed.identifiers_found().data
    assert "Hidden on this page" in counts and "1 e-mail address, 1 name" in counts
    assert "maria@example.org" not in counts
    assert "Maria" not in viewed.excerpts().data


def test_an_uploaded_codebook_is_imported_from_its_bytes(picture):
    coded(picture)
    data = "name,description,parent\nChildcare,Care for children,\nEvening care,,Childcare\n"
    assert picture.import_codebook("codes.csv", data.encode()) == 2
    codes = {c["name"]: c for c in picture.codebook().records()}
    assert codes["Evening care"]["parent"] == codes["Childcare"]["id"]
    with pytest.raises(RecordError, match="no 'name' column"):
        picture.import_codebook("codes.csv", b"code,description\nX,Y\n")


def test_local_values_join_the_joint_display_when_step5_keeps_them(picture, monkeypatch):
    import types

    import pandas as pd

    from workbook.steps.fuller_picture import joint

    datasets = picture.store.get(step6.LOCAL_DATA).value
    assert joint.local_sentences(datasets, picture.store) == {
        "Housing affordability": ["Households waiting (Housing authority waiting list, Strong)"]
    }  # without Step 5's tables (or before it is merged): names and quality only
    rows = pd.DataFrame(
        {"place": ["98031"] * 3, "year": [2022, 2023, 2024], "measure": ["m1"] * 3,
         "subgroup": [None] * 3, "value": [410.0, 520.0, None], "moe": [None] * 3,
         "suppressed": [False, False, True]}
    )  # fmt: skip
    fake = types.ModuleType(joint.LOCAL_TABLES)
    fake.local_values = lambda store, dataset_id: rows if dataset_id == "ds1" else rows.iloc[:0]
    monkeypatch.setitem(sys.modules, joint.LOCAL_TABLES, fake)
    lines = joint.local_sentences(datasets, picture.store)["Housing affordability"]
    assert lines == ["Households waiting (Housing authority waiting list, Strong): 520 in 2023"]


def test_merge_and_revision_panels_change_the_plan_in_edit_mode_only(picture):
    ids = coded(picture)
    finding = picture.findings().add({"statement": "Buses are slow.", "strength": "one"})
    picture.reload()
    merge = picture.merge_panel().widget
    keep, merged = merge.children[0].children
    keep.value, merged.value = ids["rent"], ids["moving"]
    merge.children[1].click()
    assert "done" in merge.children[2].value
    assert ids["moving"] not in {c["id"] for c in picture.codebook().records()}
    revise = picture.revision_panel().widget
    chosen, text, reason, go, message = revise.children
    chosen.value, text.value = finding, "Night buses are slow."
    go.click()  # no reason given: refused, nothing changed
    assert "Not done" in message.value and "reason" in message.value
    assert picture.findings().get(finding)["statement"] == "Buses are slow."
    reason.value = "Residents said days are fine."
    go.click()
    assert picture.findings().get(finding)["revisions"][0]["reason"] == reason.value
