"""Fields whose value is more than one answer: lists, links, and text with a public copy.

* :class:`Redacted`: text a person typed that may hold names or contact details. The
  plan keeps ``{"text": as typed, "shown": with identifiers redacted}``; ``text`` is
  private, so only the redacted copy leaves edit mode.
* :class:`Material`: an activity's notes or transcript, ``{"text", "file_name"}``; the
  text is private (raw transcripts never leave edit mode).
* :class:`TextList`: a few short texts, one per line.
* :class:`Links`: typed references, one per line as ``kind: reference``.
* :class:`FollowUp`: what people said back: a response, comments and how many.
* :class:`Entries`: a list of records kept by the step (revisions), shown, not typed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as widgets

from workbook.forms.fields import EMPTY, Field, _wide


def _no_redaction(text: str) -> str:
    return text


@dataclass(frozen=True)
class Redacted(Field):
    """Text kept as typed (private) with a redacted copy (public), made on every save."""

    max_length: int = 5000
    rows: int = 3
    redact: Callable[[str], str] = field(default=_no_redaction, compare=False, repr=False)

    def clean(self, value: Any) -> Any:
        if isinstance(value, Mapping):
            text = str(value.get("text") or "")
            if not text:  # a public copy: only the redacted text is there
                shown = str(value.get("shown") or "")
                return {"shown": shown} if shown else None
        else:
            text = "" if value is None else str(value)
        text = text.strip()
        return {"text": text, "shown": self.redact(text)} if text else None

    coerce = clean

    def problem(self, value: Any) -> str | None:
        text = value.get("text", "") if isinstance(value, Mapping) else ""
        if len(text) > self.max_length:
            return f"Too long ({len(text)} characters, the limit is {self.max_length})."
        return None

    def display(self, value: Any, include_private: bool = False) -> str:
        if not isinstance(value, Mapping):
            return EMPTY
        shown = value.get("text") if include_private else value.get("shown")
        return str(shown or value.get("shown") or EMPTY)

    def private_paths(self) -> list[str]:
        return [self.name] if self.private else [f"{self.name}.text"]

    def from_text(self, text: str) -> Any:
        return self.clean(text)

    def to_text(self, value: Any) -> str:
        return self.display(value, include_private=True)

    def to_cells(self, value: Any, include_private: bool = True) -> dict[str, str]:
        shown = self.display(value, include_private)
        return {self.name: "" if shown == EMPTY else shown}

    def make_inputs(self) -> dict[str, widgets.Widget]:
        return {"value": widgets.Textarea(rows=self.rows, layout=_wide())}

    def read(self, inputs: Mapping[str, widgets.Widget]) -> Any:
        return self.clean(inputs["value"].value)

    def write(self, inputs: Mapping[str, widgets.Widget], value: Any) -> None:
        inputs["value"].value = value.get("text", "") if isinstance(value, Mapping) else ""


@dataclass(frozen=True)
class Material(Field):
    """Notes typed in or a transcript imported: ``{"text", "file_name"}``, the text private."""

    max_length: int = 2_000_000

    def clean(self, value: Any) -> Any:
        if isinstance(value, str):
            value = {"text": value}
        if not isinstance(value, Mapping):
            return None
        whole = {
            "text": str(value.get("text") or ""),
            "file_name": str(value.get("file_name") or ""),
        }
        return whole if any(whole.values()) else None

    coerce = clean

    def problem(self, value: Any) -> str | None:
        text = value.get("text", "") if isinstance(value, Mapping) else ""
        if len(text) > self.max_length:
            return f"The text is too long ({len(text)} characters, the limit is {self.max_length})."
        return None

    def display(self, value: Any, include_private: bool = False) -> str:
        if not isinstance(value, Mapping):
            return EMPTY
        name = value.get("file_name") or "typed notes"
        if include_private:
            return f"{name}: {value.get('text') or ''}"
        return f"{name} (the text stays in the plan file)"

    def private_paths(self) -> list[str]:
        return [self.name] if self.private else [f"{self.name}.text"]

    def columns(self, include_private: bool = True) -> list[str]:
        return [f"{self.name}_file", *([f"{self.name}_text"] if include_private else [])]

    def from_cells(self, cells: Mapping[str, str]) -> Any:
        return self.clean(
            {
                "text": cells.get(f"{self.name}_text", ""),
                "file_name": cells.get(f"{self.name}_file", ""),
            }
        )

    def to_cells(self, value: Any, include_private: bool = True) -> dict[str, str]:
        whole = self.clean(value) or {}
        cells = {f"{self.name}_file": whole.get("file_name", "")}
        if include_private:
            cells[f"{self.name}_text"] = whole.get("text", "")
        return cells

    def make_inputs(self) -> dict[str, widgets.Widget]:
        return {
            "text": widgets.Textarea(
                placeholder="Notes or transcript (private)", rows=6, layout=_wide()
            ),
            "file_name": widgets.Text(placeholder="File it came from (if any)", layout=_wide()),
        }

    def read(self, inputs: Mapping[str, widgets.Widget]) -> Any:
        return self.clean({"text": inputs["text"].value, "file_name": inputs["file_name"].value})

    def write(self, inputs: Mapping[str, widgets.Widget], value: Any) -> None:
        whole = self.clean(value) or {}
        inputs["text"].value = whole.get("text", "")
        inputs["file_name"].value = whole.get("file_name", "")

    def arrange(self, inputs: Mapping[str, widgets.Widget]) -> widgets.Widget:
        return widgets.VBox([inputs["text"], inputs["file_name"]])


@dataclass(frozen=True)
class TextList(Field):
    """A few short texts (groups a finding concerns), one per line or separated by ';'."""

    max_items: int = 30

    def clean(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.replace(";", "\n").splitlines()
        if not isinstance(value, Sequence):
            return None
        items = [str(v).strip() for v in value if str(v).strip()]
        return list(dict.fromkeys(items)) or None

    coerce = clean

    def problem(self, value: Any) -> str | None:
        if len(value) > self.max_items:
            return f"Too many entries ({len(value)}, the limit is {self.max_items})."
        return None

    def display(self, value: Any, include_private: bool = False) -> str:
        return "; ".join(value) if isinstance(value, list) and value else EMPTY

    def from_text(self, text: str) -> Any:
        return self.clean(text)

    def to_text(self, value: Any) -> str:
        return "; ".join(value)

    def make_inputs(self) -> dict[str, widgets.Widget]:
        return {"value": widgets.Textarea(rows=2, placeholder="One per line", layout=_wide())}

    def write(self, inputs: Mapping[str, widgets.Widget], value: Any) -> None:
        inputs["value"].value = "\n".join(value or [])


@dataclass(frozen=True)
class Links(Field):
    """References of a few kinds, typed one per line as ``kind: reference``."""

    kinds: tuple[str, ...] = ()

    def clean(self, value: Any) -> Any:
        if isinstance(value, str):
            value = [line for line in value.replace(";", "\n").splitlines() if line.strip()]
        if not isinstance(value, Sequence):
            return None
        links = []
        for item in value:
            if isinstance(item, Mapping):
                links.append(
                    {
                        "kind": str(item.get("kind") or "").strip(),
                        "ref": str(item.get("ref") or "").strip(),
                    }
                )
            else:
                kind, _, ref = str(item).partition(":")
                links.append({"kind": kind.strip().lower(), "ref": ref.strip()})
        return links or None

    coerce = clean

    def problem(self, value: Any) -> str | None:
        for link in value:
            if link["kind"] not in self.kinds or not link["ref"]:
                return (
                    f"'{link['kind']}: {link['ref']}' is not a link: write one per line as "
                    f"kind: reference, the kind one of {', '.join(self.kinds)}."
                )
        return None

    def display(self, value: Any, include_private: bool = False) -> str:
        if not isinstance(value, list) or not value:
            return EMPTY
        return "; ".join(
            f"{v.get('kind')}: {v.get('ref')}" for v in value if isinstance(v, Mapping)
        )

    def from_text(self, text: str) -> Any:
        return self.clean(text)

    def to_text(self, value: Any) -> str:
        return self.display(value)

    def make_inputs(self) -> dict[str, widgets.Widget]:
        return {
            "value": widgets.Textarea(
                rows=3, placeholder="metric: share_...\nexcerpt: ...", layout=_wide()
            )
        }

    def write(self, inputs: Mapping[str, widgets.Widget], value: Any) -> None:
        inputs["value"].value = "\n".join(f"{v['kind']}: {v['ref']}" for v in value or [])


RESPONSES = (("Agree", "agree"), ("Partly agree", "partly"), ("Disagree", "disagree"))


@dataclass(frozen=True)
class FollowUp(Field):
    """What community members said back: ``{"response", "comments", "people"}``."""

    def clean(self, value: Any) -> Any:
        if not isinstance(value, Mapping):
            return None
        people = value.get("people")
        whole = {
            "response": value.get("response") or None,
            "comments": str(value.get("comments") or "").strip(),
            "people": people if isinstance(people, int) and not isinstance(people, bool) else None,
        }
        return whole if whole["response"] or whole["comments"] or whole["people"] else None

    coerce = clean

    def problem(self, value: Any) -> str | None:
        if value.get("response") not in (None, *(v for _, v in RESPONSES)):
            return "The response is one of agree, partly or disagree."
        if value.get("people") is not None and value["people"] < 0:
            return "The number of people cannot be negative."
        return None

    def display(self, value: Any, include_private: bool = False) -> str:
        if not isinstance(value, Mapping):
            return EMPTY
        labels = dict((v, k) for k, v in RESPONSES)
        parts = [labels.get(value.get("response"), "")]
        if value.get("people"):
            parts.append(f"{value['people']} people")
        if value.get("comments"):
            parts.append(str(value["comments"]))
        return "; ".join(p for p in parts if p) or EMPTY

    def from_text(self, text: str) -> Any:
        return json.loads(text) if text.startswith("{") else self.clean({"comments": text})

    def to_text(self, value: Any) -> str:
        return json.dumps(value)

    def make_inputs(self) -> dict[str, widgets.Widget]:
        return {
            "response": widgets.Dropdown(
                options=[("(not asked yet)", None), *RESPONSES], value=None
            ),
            "people": widgets.BoundedIntText(min=0, max=1_000_000, description="People"),
            "comments": widgets.Textarea(rows=2, placeholder="What they said", layout=_wide()),
        }

    def read(self, inputs: Mapping[str, widgets.Widget]) -> Any:
        return self.clean({k: inputs[k].value for k in ("response", "people", "comments")})

    def write(self, inputs: Mapping[str, widgets.Widget], value: Any) -> None:
        whole = self.clean(value) or {}
        inputs["response"].value = whole.get("response")
        inputs["people"].value = whole.get("people") or 0
        inputs["comments"].value = whole.get("comments") or ""

    def arrange(self, inputs: Mapping[str, widgets.Widget]) -> widgets.Widget:
        return widgets.VBox(
            [widgets.HBox([inputs["response"], inputs["people"]]), inputs["comments"]]
        )


@dataclass(frozen=True)
class Entries(Field):
    """Records the step adds itself (a finding's revisions): shown, never typed over."""

    def clean(self, value: Any) -> Any:
        return (
            [dict(v) for v in value if isinstance(v, Mapping)] or None
            if isinstance(value, list)
            else None
        )

    coerce = clean

    def display(self, value: Any, include_private: bool = False) -> str:
        if not isinstance(value, list) or not value:
            return EMPTY
        return " | ".join(
            f"{v.get('date', '')}: '{v.get('before', '')}' -> '{v.get('after', '')}' "
            f"({v.get('reason', '')})"
            for v in value
        )

    def from_text(self, text: str) -> Any:
        return self.clean(json.loads(text)) if text else None

    def to_text(self, value: Any) -> str:
        return json.dumps(value)

    def make_inputs(self) -> dict[str, widgets.Widget]:
        return {"value": widgets.Textarea(rows=2, disabled=True, layout=_wide())}

    def read(self, inputs: Mapping[str, widgets.Widget]) -> Any:
        text = inputs["value"].value
        return self.clean(json.loads(text)) if text else None

    def write(self, inputs: Mapping[str, widgets.Widget], value: Any) -> None:
        inputs["value"].value = json.dumps(value) if value else ""
