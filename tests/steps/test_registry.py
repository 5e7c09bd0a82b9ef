"""The step registry, framework.json and notebooks/ tell one story."""

from __future__ import annotations

import importlib
import inspect
import json

import pytest

from workbook.data.catalog import load_framework
from workbook.errors import ParameterError
from workbook.steps import registry
from workbook.steps.registry import NOTEBOOKS_DIR

FRAMEWORK = load_framework()
MAP_SECTIONS = {s["id"]: s for s in FRAMEWORK["map_sections"]}


def test_every_notebook_belongs_to_a_registered_step_and_back():
    on_disk = {p.name for p in NOTEBOOKS_DIR.glob("*.ipynb")}
    declared = {entry.notebook for entry in registry.STEPS}
    assert on_disk == declared


def test_every_registered_step_is_a_step_of_the_guide_with_its_own_module():
    guide = {s["number"]: s for s in FRAMEWORK.steps}
    assert len(guide) == registry.TOTAL_STEPS == 10
    numbers = [entry.number for entry in registry.STEPS]
    assert numbers == sorted(set(numbers))
    for entry in registry.STEPS:
        assert entry.number in guide
        assert entry.name == guide[entry.number]["id"]
        module = importlib.import_module(entry.module_name)
        assert module.__doc__, f"{entry.module_name} says what the step is for"


@pytest.mark.parametrize("entry", registry.STEPS, ids=lambda e: e.notebook)
def test_the_notebook_starts_the_step_it_is_named_for(entry):
    nb = json.loads((NOTEBOOKS_DIR / entry.notebook).read_text(encoding="utf-8"))
    code = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert f"start({entry.number}," in code
    title = "".join(nb["cells"][0]["source"]).splitlines()[0]
    assert title == f"# Step {entry.number}: {entry.title}"


def test_plan_sections_are_named_for_their_step_and_owned_once():
    owners: dict[str, int] = {}
    for entry in registry.STEPS:
        for section in entry.plan_sections():
            assert section.name.startswith(f"step{entry.number}."), section.name
            assert section.name not in owners, f"{section.name} declared twice"
            owners[section.name] = entry.number
            assert registry.section_owner(section.name) is entry
    assert registry.section_owner("step99.nothing") is None


def test_contributions_go_to_map_sections_the_guide_says_the_step_feeds():
    for entry in registry.STEPS:
        for map_section, function_name in entry.contributions.items():
            assert map_section in MAP_SECTIONS, map_section
            assert entry.number in MAP_SECTIONS[map_section]["steps"], (entry.number, map_section)
            function = entry.contribution(map_section)
            assert callable(function), function_name
            assert list(inspect.signature(function).parameters)[:2] == ["plan", "session"]


def test_declared_private_fields_match_what_the_forms_keep_private(edit_session):
    """The registry's privacy list is exactly what each section's form marks private."""
    from workbook.steps import build_the_coalition, local_government_readiness

    readiness = local_government_readiness.ReadinessReview(edit_session(3))
    coalition = build_the_coalition.Coalition(edit_session(4))
    editors = [
        readiness.responses_table,
        readiness.actions_table,
        coalition.team_table,
        coalition.stakeholder_table,
        coalition.launch(),
    ]
    declared = {s.name for entry in registry.STEPS[2:4] for s in entry.sections}
    assert {editor.section for editor in editors} == declared
    for editor in editors:
        kept_private = {path for field in editor.fields for path in field.private_paths()}
        assert kept_private == set(registry.private_paths(editor.section)), editor.section


def test_unknown_steps_are_refused_with_what_exists(monkeypatch):
    with pytest.raises(ParameterError) as outside:
        registry.step(11)
    assert "the guide has 10 steps" in str(outside.value)
    assert registry.available_text() in str(outside.value)
    # A workbook without one of the guide's steps says so (every step exists now).
    fewer = {n: e for n, e in registry._by_number().items() if n != 7}
    monkeypatch.setattr(registry, "_by_number", lambda: fewer)
    with pytest.raises(ParameterError) as later:
        registry.step(7)
    assert "does not have yet" in str(later.value) and "6, 8, 9" in str(later.value)
