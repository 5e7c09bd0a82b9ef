"""Coding what people said: frequencies, co-occurrence, anchors, identifiers, joint displays.

Pure functions on plain records (lists of dicts as the plan keeps them) and pandas
tables; nothing here draws or saves. The shapes are Step 6's:

* a *source* is an engagement activity ``{"id", "type", "group_id", "consent", ...}``;
* a *code* is ``{"id", "name", "description", "parent", "pillars", "predictors"}``;
* an *excerpt* is ``{"id", "source", "start", "end", "quote", "codes": [code ids],
  "memo"}`` where ``quote`` and ``memo`` are either text or ``{"text", "shown"}`` (the
  text as typed, and the copy with identifiers redacted that may leave edit mode).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from workbook.errors import WorkbookError

QUOTE_NAMED, QUOTE_ANONYMOUS, NO_QUOTES = "quote_named", "quote_anonymous", "no_quotes"
QUOTABLE = (QUOTE_NAMED, QUOTE_ANONYMOUS)

# Identifiers: an address, a phone number (7 or more digits with the usual separators).
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
PHONE = re.compile(r"(?<![\w])\+?\(?\d[\d ()./-]{5,}\d(?![\w])")
MARKS = {"email": "[email]", "phone": "[phone]", "name": "[name]"}

PEER_WORDS = {
    "better": "better than peers",
    "worse": "worse than peers",
    "similar": "similar to peers",
}
ANCHORED, MOVED, LOST = "anchored", "moved", "lost"


class CodeInUse(WorkbookError, ValueError):
    """A code cannot be deleted while excerpts still carry it."""

    def __init__(self, code: str, excerpts: Sequence[str]) -> None:
        self.code = code
        self.excerpts = list(excerpts)
        shown = ", ".join(f"'{e}'" for e in self.excerpts[:10])
        more = f" and {len(self.excerpts) - 10} more" if len(self.excerpts) > 10 else ""
        super().__init__(
            f"code '{code}' is still used by {len(self.excerpts)} excerpt(s): {shown}{more}. "
            "Fix: merge it into another code (the excerpts and memos move with it), or "
            "remove it from those excerpts first"
        )


# --- small readers --------------------------------------------------------------------


def text_of(value: Any, shown: bool = False) -> str:
    """The text of a quote or memo, as typed (``shown=False``) or redacted (``shown=True``)."""
    if isinstance(value, Mapping):
        key = "shown" if shown else "text"
        return str(value.get(key) or ("" if shown else value.get("shown") or ""))
    return "" if value is None else str(value)


def listed(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def quotable(source: Mapping[str, Any] | None) -> bool:
    """Whether the people of ``source`` agreed that their words may be quoted."""
    return bool(source) and source.get("consent") in QUOTABLE


# --- identifiers ----------------------------------------------------------------------


@dataclass(frozen=True)
class Identifier:
    start: int
    end: int
    kind: str  # email, phone or name
    text: str


def _name_pattern(names: Iterable[str]) -> re.Pattern | None:
    cleaned = sorted({n.strip() for n in names if n and len(n.strip()) >= 3}, key=len, reverse=True)
    if not cleaned:
        return None
    return re.compile(
        r"(?<!\w)(" + "|".join(re.escape(n) for n in cleaned) + r")(?!\w)", re.IGNORECASE
    )


def find_identifiers(text: str, names: Iterable[str] = ()) -> list[Identifier]:
    """E-mail addresses, phone numbers and the listed names in ``text``, in order."""
    found: list[Identifier] = []
    taken = np.zeros(len(text) + 1, dtype=bool)
    patterns: list[tuple[str, re.Pattern | None]] = [
        ("email", EMAIL),
        ("phone", PHONE),
        ("name", _name_pattern(names)),
    ]
    for kind, pattern in patterns:
        if pattern is None:
            continue
        for match in pattern.finditer(text):
            if taken[match.start() : match.end()].any():
                continue
            if kind == "phone" and sum(c.isdigit() for c in match.group()) < 7:
                continue
            taken[match.start() : match.end()] = True
            found.append(Identifier(match.start(), match.end(), kind, match.group()))
    return sorted(found, key=lambda i: i.start)


def redact(text: str, names: Iterable[str] = ()) -> str:
    """``text`` with every identifier replaced by a mark ([email], [phone], [name])."""
    if not text:
        return ""
    parts, last = [], 0
    for ident in find_identifiers(text, names):
        parts += [text[last : ident.start], MARKS[ident.kind]]
        last = ident.end
    return "".join([*parts, text[last:]])


# --- anchoring excerpts in a source that was edited --------------------------------------


def anchor(text: str, excerpt: Mapping[str, Any]) -> dict[str, Any]:
    """The excerpt re-anchored in ``text`` (its source, perhaps edited since).

    Where the quoted passage still sits at its offsets it stays ``anchored``; found
    elsewhere (the one nearest its old place), its offsets move and it is flagged
    ``moved``; not found at all, it keeps its quote and is flagged ``lost`` for a person
    to look at.
    """
    quote = text_of(excerpt.get("quote"))
    result = dict(excerpt)
    start = excerpt.get("start")
    start = start if isinstance(start, int) else -1
    if not quote:
        result["anchor"] = LOST
        return result
    if start >= 0 and text[start : start + len(quote)] == quote:
        result.update(start=start, end=start + len(quote), anchor=ANCHORED)
        return result
    places = [m.start() for m in re.finditer(re.escape(quote), text)]
    if not places:
        result["anchor"] = LOST
        return result
    best = min(places, key=lambda p: abs(p - max(start, 0)))
    result.update(start=best, end=best + len(quote), anchor=MOVED)
    return result


def reanchor(text: str, excerpts: Iterable[Mapping[str, Any]], source_id: str) -> list[dict]:
    """Every excerpt of ``source_id`` re-anchored in ``text``; the others unchanged."""
    return [anchor(text, e) if e.get("source") == source_id else dict(e) for e in excerpts]


def passage(text: str, quote: str, near: int = 0) -> tuple[int, int]:
    """Offsets of ``quote`` in ``text`` (the place nearest ``near``); ValueError if absent."""
    places = [m.start() for m in re.finditer(re.escape(quote), text)] if quote else []
    if not places:
        raise ValueError("the quoted passage is not in the source's text: copy it exactly")
    best = min(places, key=lambda p: abs(p - near))
    return best, best + len(quote)


# --- the codebook ---------------------------------------------------------------------


def excerpts_with(code_id: str, excerpts: Iterable[Mapping[str, Any]]) -> list[str]:
    """The ids of the excerpts that carry ``code_id``."""
    return [str(e.get("id")) for e in excerpts if code_id in listed(e.get("codes"))]


def check_deletable(code: Mapping[str, Any], excerpts: Iterable[Mapping[str, Any]]) -> None:
    """Raise :class:`CodeInUse` when excerpts still carry ``code``."""
    using = excerpts_with(str(code.get("id")), excerpts)
    if using:
        raise CodeInUse(str(code.get("name") or code.get("id")), using)


def merge_codes(
    codebook: Sequence[Mapping[str, Any]],
    excerpts: Sequence[Mapping[str, Any]],
    keep: str,
    merged: str,
) -> tuple[list[dict], list[dict]]:
    """Fold code ``merged`` into ``keep``: its excerpts, children and description move.

    Nothing is lost: every excerpt that carried ``merged`` now carries ``keep`` (once),
    memos stay on their excerpts, and the merged code's description is appended to the
    kept one's, so the codebook keeps what the team wrote about both.
    """
    ids = {c.get("id") for c in codebook}
    for name, value in (("keep", keep), ("merged", merged)):
        if value not in ids:
            raise ValueError(f"{name}: no code with id '{value}' in the codebook")
    if keep == merged:
        raise ValueError("merged: a code cannot be merged into itself; choose another code")
    gone = next(c for c in codebook if c.get("id") == merged)
    book = []
    for code in codebook:
        if code.get("id") == merged:
            continue
        code = dict(code)
        if code.get("id") == keep:
            extra = str(gone.get("description") or "").strip()
            note = f"Merged from '{gone.get('name')}'" + (f": {extra}" if extra else ".")
            code["description"] = "\n".join(p for p in (code.get("description"), note) if p)
            code["pillars"] = list(
                dict.fromkeys(listed(code.get("pillars")) + listed(gone.get("pillars")))
            )
            code["predictors"] = list(
                dict.fromkeys(listed(code.get("predictors")) + listed(gone.get("predictors")))
            )
        if code.get("parent") == merged:
            code["parent"] = keep
        book.append(code)
    moved = []
    for excerpt in excerpts:
        excerpt = dict(excerpt)
        codes = listed(excerpt.get("codes"))
        if merged in codes:
            excerpt["codes"] = list(dict.fromkeys(keep if c == merged else c for c in codes))
        moved.append(excerpt)
    return book, moved


# --- analysis tables ------------------------------------------------------------------


def _names(codebook: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    return {str(c["id"]): str(c.get("name") or c["id"]) for c in codebook if c.get("id")}


def coded_pairs(excerpts: Iterable[Mapping[str, Any]], codebook: Iterable[Mapping[str, Any]]):
    """One row per (excerpt, code) for codes in the codebook: excerpt, source, code."""
    names = _names(codebook)
    rows = [
        (str(e.get("id")), str(e.get("source") or ""), code)
        for e in excerpts
        for code in dict.fromkeys(listed(e.get("codes")))
        if code in names
    ]
    return pd.DataFrame(rows, columns=["excerpt", "source", "code"])


def frequencies(
    excerpts: Iterable[Mapping[str, Any]],
    codebook: Sequence[Mapping[str, Any]],
    sources: Iterable[Mapping[str, Any]],
    by: str,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Excerpts per code and per source type (``by="type"``) or working group (``"group_id"``).

    Columns: code (its name), category (the type's or group's label, 'Not recorded' for
    none), excerpts, sources (distinct sources that used the code there).
    """
    pairs = coded_pairs(excerpts, codebook)
    columns = ["code", "category", "excerpts", "sources"]
    if pairs.empty:
        return pd.DataFrame(columns=columns)
    category = {str(s.get("id")): str(s.get(by) or "") for s in sources}
    pairs["category"] = pairs["source"].map(category).fillna("")
    if labels:
        pairs["category"] = pairs["category"].map(lambda v: labels.get(v, v))
    pairs["category"] = pairs["category"].replace("", "Not recorded")
    table = (
        pairs.groupby(["code", "category"], sort=False)
        .agg(excerpts=("excerpt", "size"), sources=("source", "nunique"))
        .reset_index()
    )
    table["code"] = table["code"].map(_names(codebook))
    return table.sort_values(["excerpts", "code"], ascending=[False, True]).reset_index(drop=True)[
        columns
    ]


def cooccurrence(
    excerpts: Iterable[Mapping[str, Any]], codebook: Sequence[Mapping[str, Any]]
) -> pd.DataFrame:
    """How many excerpts carry each pair of codes (the diagonal: each code's own count).

    A square table indexed and labelled by code name, in codebook order.
    """
    names = _names(codebook)
    order = list(names)
    position = {code: n for n, code in enumerate(order)}
    rows, cols = [], []
    for n, excerpt in enumerate(excerpts):
        for code in dict.fromkeys(listed(excerpt.get("codes"))):
            if code in position:
                rows.append(n)
                cols.append(position[code])
    labels = [names[c] for c in order]
    if not rows:
        return pd.DataFrame(0, index=labels, columns=labels)
    matrix = np.zeros((max(rows) + 1, len(order)), dtype=np.int32)
    matrix[rows, cols] = 1
    counts = matrix.T @ matrix
    return pd.DataFrame(counts, index=labels, columns=labels)


def cooccurrence_long(matrix: pd.DataFrame) -> pd.DataFrame:
    """The co-occurrence matrix as tidy rows (code_a, code_b, excerpts) for a heatmap."""
    long = matrix.rename_axis(index="code_a", columns="code_b").stack().rename("excerpts")
    return long.reset_index()


def code_excerpts(
    code_id: str,
    excerpts: Iterable[Mapping[str, Any]],
    sources: Mapping[str, Mapping[str, Any]],
    shown: bool = True,
) -> pd.DataFrame:
    """Every excerpt of one code: source, quote (redacted unless ``shown=False``), memo."""
    rows = []
    for e in excerpts:
        if code_id not in listed(e.get("codes")):
            continue
        source = sources.get(str(e.get("source")), {})
        rows.append(
            {
                "excerpt": str(e.get("id")),
                "source": str(e.get("source") or ""),
                "type": str(source.get("type") or ""),
                "quote": text_of(e.get("quote"), shown),
                "memo": text_of(e.get("memo"), shown),
            }
        )
    return pd.DataFrame(rows, columns=["excerpt", "source", "type", "quote", "memo"])


def memos(
    excerpts: Iterable[Mapping[str, Any]],
    codebook: Sequence[Mapping[str, Any]],
    shown: bool = True,
) -> pd.DataFrame:
    """All memos together (excerpt memos and code descriptions), for export and reading."""
    names = _names(codebook)
    rows = [
        {
            "kind": "code",
            "about": str(c.get("name") or ""),
            "codes": "",
            "memo": str(c.get("description") or ""),
        }
        for c in codebook
        if c.get("description")
    ]
    for e in excerpts:
        memo = text_of(e.get("memo"), shown)
        if memo:
            codes = "; ".join(names[c] for c in listed(e.get("codes")) if c in names)
            rows.append(
                {"kind": "excerpt", "about": str(e.get("id")), "codes": codes, "memo": memo}
            )
    return pd.DataFrame(rows, columns=["kind", "about", "codes", "memo"])


def reach(activities: Iterable[Mapping[str, Any]], labels: Mapping[str, str]) -> pd.DataFrame:
    """Activities and people reached per activity type (counts only, never people)."""
    rows = []
    for a in activities:
        people = a.get("reached")
        rows.append(
            (
                labels.get(str(a.get("type")), str(a.get("type") or "Other")),
                people if isinstance(people, int | float) else 0,
            )
        )
    frame = pd.DataFrame(rows, columns=["type", "reached"])
    if frame.empty:
        return pd.DataFrame(columns=["type", "activities", "reached"])
    return (
        frame.groupby("type", sort=False)
        .agg(activities=("reached", "size"), reached=("reached", "sum"))
        .reset_index()
        .sort_values("reached", ascending=False, kind="stable")
        .reset_index(drop=True)
    )


# --- joint displays -------------------------------------------------------------------


def themes_by_predictor(
    excerpts: Sequence[Mapping[str, Any]], codebook: Sequence[Mapping[str, Any]]
) -> dict[str, list[tuple[str, int]]]:
    """For each predictor, the codes linked to it with their excerpt counts, most first."""
    pairs = coded_pairs(excerpts, codebook)
    counts = pairs.groupby("code").size().to_dict() if not pairs.empty else {}
    themes: dict[str, list[tuple[str, int]]] = {}
    for code in codebook:
        for predictor in listed(code.get("predictors")):
            themes.setdefault(predictor, []).append(
                (str(code.get("name") or code.get("id")), int(counts.get(code.get("id"), 0)))
            )
    return {p: sorted(t, key=lambda x: (-x[1], x[0])) for p, t in themes.items()}


def permitted_quotes(
    excerpts: Iterable[Mapping[str, Any]],
    sources: Mapping[str, Mapping[str, Any]],
    codes: set[str],
    limit: int = 3,
) -> list[tuple[str, str]]:
    """Up to ``limit`` redacted quotes carrying one of ``codes`` whose source allows quoting.

    Each as (quote, attribution); the attribution names the kind of activity only.
    """
    found = []
    for e in excerpts:
        if not codes.intersection(listed(e.get("codes"))):
            continue
        source = sources.get(str(e.get("source")))
        quote = text_of(e.get("quote"), shown=True)
        if quotable(source) and quote:
            found.append((quote, str(source.get("type") or "")))
            if len(found) >= limit:
                break
    return found


def joint_display(
    predictors: Sequence[str],
    standing: pd.DataFrame,
    local: Mapping[str, list[str]],
    excerpts: Sequence[Mapping[str, Any]],
    codebook: Sequence[Mapping[str, Any]],
    sources: Mapping[str, Mapping[str, Any]],
    findings: Sequence[Mapping[str, Any]] = (),
) -> pd.DataFrame:
    """One row per priority predictor: the metrics, the local data, the themes, the quotes.

    ``standing`` is a comparison table (columns predictor, name, vs_peers, quality);
    ``local`` maps a predictor to sentences about local measures. Quotes are redacted and
    only from sources whose consent allows quoting.
    """
    themes = themes_by_predictor(excerpts, codebook)
    code_ids: dict[str, set[str]] = {}
    for code in codebook:
        for predictor in listed(code.get("predictors")):
            code_ids.setdefault(predictor, set()).add(str(code.get("id")))
    by_predictor = (
        {p: g for p, g in standing.groupby("predictor", sort=False)}
        if not standing.empty and "predictor" in standing
        else {}
    )
    rows = []
    for predictor in predictors:
        metrics = by_predictor.get(predictor)
        parts = []
        if metrics is not None:
            for r in metrics.itertuples():
                judged = PEER_WORDS.get(getattr(r, "vs_peers", "") or "", "not compared")
                quality = getattr(r, "quality", None)
                parts.append(f"{r.name}: {judged}" + (f" ({quality})" if quality else ""))
        linked = [f["statement"] for f in findings if predictor in listed(f.get("predictors"))]
        rows.append(
            {
                "predictor": predictor,
                "metrics": "; ".join(parts) or "No Mobility Metric for this predictor here.",
                "local": "; ".join(local.get(predictor, [])) or "No local data linked yet.",
                "themes": "; ".join(f"{n} ({c})" for n, c in themes.get(predictor, []))
                or "No code linked to this predictor yet.",
                "quotes": [
                    q
                    for q, _ in permitted_quotes(excerpts, sources, code_ids.get(predictor, set()))
                ],
                "findings": linked,
            }
        )
    return pd.DataFrame(
        rows, columns=["predictor", "metrics", "local", "themes", "quotes", "findings"]
    )


def circle_layout(nodes: Sequence[str]) -> dict[str, tuple[float, float]]:
    """Nodes evenly on a circle, in the given order: a layout that never changes by chance."""
    n = max(len(nodes), 1)
    return {
        node: (
            float(np.cos(2 * np.pi * k / n - np.pi / 2)),
            float(np.sin(2 * np.pi * k / n - np.pi / 2)),
        )
        for k, node in enumerate(nodes)
    }
