"""Reading the material of an engagement activity: notes and transcripts from files.

Plain text (``.txt``, ``.md``), Word (``.docx``, through python-docx) and PDF with a text
layer (``.pdf``, through pypdf). Text files are read as UTF-8; a file in another encoding
is decoded only when its encoding can be told with confidence, otherwise the error says
how to save it as UTF-8. A PDF made of scanned pages has no text to read: the error says
so, and what to do.
"""

from __future__ import annotations

import io
from pathlib import Path

from workbook.errors import WorkbookError

MAX_TRANSCRIPT_BYTES = 10 * 1024 * 1024  # 10 MB: far beyond any typed transcript
SUFFIXES = (".txt", ".md", ".docx", ".pdf")


class TranscriptError(WorkbookError, ValueError):
    """A transcript file that cannot be read, with what to do about it."""

    def __init__(self, file_name: str, problem: str, fix: str) -> None:
        self.file_name = file_name
        self.problem = problem
        self.fix = fix
        super().__init__(f"transcript '{file_name}': {problem}. Fix: {fix}")


def read_transcript(
    content: bytes | str | Path, file_name: str = "", max_bytes: int = MAX_TRANSCRIPT_BYTES
) -> str:
    """The text of a transcript (bytes with their file name, or a path)."""
    if isinstance(content, str | Path):
        path = Path(content)
        file_name = file_name or path.name
        if path.stat().st_size > max_bytes:
            raise _too_big(file_name, path.stat().st_size, max_bytes)
        content = path.read_bytes()
    name = file_name or "transcript"
    if len(content) > max_bytes:
        raise _too_big(name, len(content), max_bytes)
    suffix = Path(name).suffix.lower()
    if suffix in (".txt", ".md", ""):
        text = _decode(content, name)
    elif suffix == ".docx":
        text = _docx(content, name)
    elif suffix == ".pdf":
        text = _pdf(content, name)
    else:
        raise TranscriptError(
            name,
            f"files ending in '{suffix}' cannot be read",
            "save it as .txt, .md, .docx or a .pdf with a text layer",
        )
    return text.replace("\r\n", "\n").replace("\r", "\n").strip("\ufeff")


def _too_big(name: str, size: int, limit: int) -> TranscriptError:
    return TranscriptError(
        name,
        f"the file is {size / 1024 / 1024:.1f} MB, over the limit of {limit / 1024 / 1024:g} MB",
        "split it into several activities, or remove images and attachments",
    )


def decode_text(content: bytes, name: str) -> str:
    """Bytes of a text file (a transcript, a CSV) as text: UTF-8, or a confident guess."""
    return _decode(content, name).lstrip("\ufeff")


def _decode(content: bytes, name: str) -> str:
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as exc:
        from charset_normalizer import from_bytes

        best = from_bytes(content).best()
        # Guessing wrong would corrupt people's words: decode only a confident guess.
        if best is not None and best.encoding and best.chaos < 0.1 and best.coherence > 0.2:
            return str(best)
        raise TranscriptError(
            name,
            f"the text is not UTF-8 (the first unreadable byte is at position {exc.start}) "
            "and its encoding could not be told",
            "open it in a text editor and save it again as UTF-8",
        ) from None


def _docx(content: bytes, name: str) -> str:
    import docx

    try:
        document = docx.Document(io.BytesIO(content))
    except Exception:  # python-docx raises several kinds for a damaged or foreign file
        raise TranscriptError(
            name, "this is not a Word (.docx) document", "open it in Word and save it as .docx"
        ) from None
    return "\n".join(p.text for p in document.paragraphs)


def _pdf(content: bytes, name: str) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(content))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, ValueError, OSError):
        raise TranscriptError(
            name, "this PDF cannot be read", "export the document as PDF again, or as .docx"
        ) from None
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not text:
        raise TranscriptError(
            name,
            f"the PDF has {len(pages)} page(s) but no text layer: it looks scanned",
            "run text recognition (OCR) on it first, or type the notes in",
        )
    return text
