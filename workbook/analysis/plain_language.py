"""Plain-language checks of a text: how hard it is to read, and words that label people.

Both checks only suggest: they return tables of what they found and leave the text as
it is, so the coalition decides every change. They work on plain text, section by
section, and know nothing of documents or plans.

Reading grade is the Flesch-Kincaid grade level (``textstat``): roughly the years of
school a reader needs. textstat counts English syllables with a pronunciation dictionary
it downloads on first use; the workbook runs offline, so syllables are counted from
hyphenation patterns (Pyphen, installed with textstat) instead, as textstat itself did
before version 0.7.4. Grades then differ from the dictionary's by a fraction of a grade.

The word list (``data/framework/messaging_terms.csv``) is written in the project's own
words: each term with an asset-based or people-first alternative and why. A coalition
adds its own terms, replaces a suggestion, or keeps a word it has chosen to use.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import pandas as pd

from workbook.data.catalog import FRAMEWORK_DIR

TERMS_FILE = FRAMEWORK_DIR / "messaging_terms.csv"
DEFAULT_TARGET_GRADE = 8.0  # most public documents aim at a grade 8 reader
MIN_WORDS = 30  # below this a grade says little: the table says so instead
LONG_SENTENCE = 25  # words; a hint to split, not a rule
# textstat's language: "en-US" (not "en_US") makes it count syllables by hyphenation,
# without the pronunciation dictionary it would try to download (see the module doc).
_LANGUAGE = "en-US"
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")

KINDS = {
    "deficit": "deficit-based",
    "stigmatising": "stigmatising",
    "people-first": "people-first",
}


@dataclass(frozen=True)
class Term:
    """A word or phrase to reconsider, with what to say instead and why."""

    term: str
    suggestion: str
    kind: str = "deficit"
    why: str = ""
    source: str = "workbook"  # "workbook" (the default list) or "coalition"

    @property
    def pattern(self) -> re.Pattern[str]:
        """Whole words, any case, any run of spaces or hyphens, a plural 's' allowed."""
        words = [re.escape(w) for w in re.split(r"[\s-]+", self.term.strip()) if w]
        body = r"[\s-]+".join(words)
        return re.compile(rf"(?<![\w-])({body})(?:s|es)?(?![\w-])", re.IGNORECASE)


@cache
def default_terms() -> tuple[Term, ...]:
    """The workbook's own list (``messaging_terms.csv``)."""
    with open(TERMS_FILE, newline="", encoding="utf-8") as handle:
        return tuple(
            Term(row["term"].strip(), row["suggestion"].strip(), row["kind"].strip(),
                 row["why"].strip())
            for row in csv.DictReader(handle)
            if row.get("term", "").strip()
        )  # fmt: skip


def merge_terms(defaults: Iterable[Term], additions: Iterable[Mapping[str, object]]) -> list[Term]:
    """The list in use: the defaults, changed by the coalition's own records.

    A record with ``keep`` true removes its term from the checks (the coalition chose to
    use that word); any other record adds its term or replaces the default's suggestion.
    """
    merged = {t.term.lower(): t for t in defaults}
    for record in additions:
        term = str(record.get("term") or "").strip()
        if not term:
            continue
        if record.get("keep") is True:
            merged.pop(term.lower(), None)
            continue
        suggestion = str(record.get("suggestion") or "").strip()
        merged[term.lower()] = Term(
            term, suggestion, str(record.get("kind") or "deficit"),
            str(record.get("why") or "").strip(), source="coalition",
        )  # fmt: skip
    return list(merged.values())


def sentences(text: str) -> list[str]:
    """``text`` split into sentences (and at line breaks), blank pieces dropped."""
    out = []
    for line in str(text).splitlines():
        out += [s.strip() for s in _SENTENCE_END.split(line) if s.strip()]
    return out


def words(text: str) -> int:
    return len(_WORD.findall(str(text)))


def reading_grade(text: str) -> float:
    """The Flesch-Kincaid grade of ``text`` (0 for text with no words)."""
    import textstat

    stats = textstat.textstat.__class__()  # its own instance: the shared one stays as it was
    stats.set_lang(_LANGUAGE)
    return float(stats.flesch_kincaid_grade(str(text)))


READABILITY_COLUMNS = ["section", "words", "sentences", "grade", "target", "verdict", "longest"]


def readability(
    texts: Sequence[tuple[str, str]], target: float = DEFAULT_TARGET_GRADE
) -> pd.DataFrame:
    """One row per (section, text): words, sentences, grade, and how it compares to ``target``.

    ``longest`` is the longest sentence's word count, a place to start when the grade is
    too high. Sections with fewer than :data:`MIN_WORDS` words get no grade.
    """
    rows = []
    for section, text in texts:
        pieces = sentences(text)
        count = words(text)
        longest = max((words(s) for s in pieces), default=0)
        if count < MIN_WORDS:
            grade, verdict = None, "too little text to grade"
        else:
            grade = round(reading_grade(" ".join(pieces)), 1)
            verdict = (
                "plain enough" if grade <= target
                else "harder than the target: shorten sentences, use everyday words"
            )  # fmt: skip
        rows.append({"section": section, "words": count, "sentences": len(pieces),
                     "grade": grade, "target": float(target), "verdict": verdict,
                     "longest": longest})  # fmt: skip
    return pd.DataFrame(rows, columns=READABILITY_COLUMNS)


FINDING_COLUMNS = ["section", "sentence", "found", "suggestion", "kind", "why", "source"]


def find_terms(texts: Sequence[tuple[str, str]], terms: Iterable[Term]) -> pd.DataFrame:
    """Every sentence holding a listed term: section, sentence, the words found, suggestion.

    Nothing is changed: the table is for the coalition to read and decide.
    """
    terms = list(terms)
    rows = []
    for section, text in texts:
        for sentence in sentences(text):
            seen: set[tuple[int, int]] = set()  # two spellings of one term match once
            for term in terms:
                for match in term.pattern.finditer(sentence):
                    if match.span() in seen:
                        continue
                    seen.add(match.span())
                    rows.append({
                        "section": section, "sentence": sentence, "found": match.group(0),
                        "suggestion": term.suggestion or "(the coalition gave no alternative)",
                        "kind": KINDS.get(term.kind, term.kind), "why": term.why,
                        "source": term.source,
                    })  # fmt: skip
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def long_sentences(texts: Sequence[tuple[str, str]], limit: int = LONG_SENTENCE) -> pd.DataFrame:
    """Sentences longer than ``limit`` words: candidates to split in two."""
    rows = [
        {"section": section, "sentence": s, "words": words(s)}
        for section, text in texts
        for s in sentences(text)
        if words(s) > limit
    ]
    return pd.DataFrame(rows, columns=["section", "sentence", "words"])
