"""Why a Mobility Action Plan could not be built or recorded, and what to do about it."""

from __future__ import annotations

from dataclasses import dataclass

from workbook.errors import WorkbookError


@dataclass(frozen=True)
class MissingPart:
    """A part of the MAP still to write: where it goes and which step writes it."""

    section: str  # the MAP section's title
    what: str
    step: int
    step_title: str

    def __str__(self) -> str:
        return f"{self.section}: {self.what} (filled by Step {self.step}, {self.step_title})"


class MapError(WorkbookError):
    """The MAP document could not be built, rendered or recorded."""


class IncompleteMapError(MapError):
    """A final MAP was asked for while parts of it are still empty or it is not signed off.

    ``missing`` lists the empty parts; ``signoff`` says why the sign-off does not allow
    a release yet ('' when it approves). The message names everything at once.
    """

    def __init__(self, missing: list[MissingPart], signoff: str = "") -> None:
        self.missing = list(missing)
        self.signoff = signoff
        messages = []
        if self.missing:
            lines = "\n".join(f"  - {part}" for part in self.missing)
            messages.append(
                f"a final MAP cannot have empty parts, and {len(self.missing)} are still "
                f"empty:\n{lines}\nFix: complete those steps in the plan, or build a draft "
                "(leave out --final); a draft marks each empty part in the text"
            )
        if signoff:
            lead = "it also needs" if self.missing else "a final MAP needs"
            messages.append(f"{lead} the coalition's sign-off, and {signoff}")
        if not messages:
            messages.append("a final MAP was refused")
        super().__init__("\n".join(messages))


class FrozenVersionError(MapError):
    """A build tried to reuse the number of a version already released as final."""

    def __init__(self, number: int, next_number: int) -> None:
        self.number = number
        self.next_number = next_number
        super().__init__(
            f"MAP version {number} is final and frozen: it cannot be built again under the "
            f"same number. Fix: build again, which gives version {next_number}"
        )
