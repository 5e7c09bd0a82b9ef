"""Live workshop ballots: the room votes from their phones (or on paper) into the plan.

A step notebook opens a ballot (:func:`open_ballot`), shows its join link, code and QR
code with :func:`ballot_panel`, and closes it to get the :class:`Tally`, whose
:meth:`Tally.as_vote_record` is what a step saves as the vote it received. Participants
answer on the small server ``workbook workshop`` starts (:mod:`workbook.workshop`).

* ``model``: kinds, options, a participant's choices and their points (Borda for ranking).
* ``storage``: the ``ballots`` section and the ballot tables in the plan file.
* ``tally``: counts, voters, order and ties; the step's vote record.
* ``api``: opening, reading, paper counts and closing.
* ``panel``: the facilitator's view in the notebook.
"""

from workbook.ballots.api import (
    Ballot,
    get_ballot,
    list_ballots,
    open_ballot,
    record_paper_counts,
)
from workbook.ballots.errors import BallotError
from workbook.ballots.model import BORDA_NOTE, KINDS
from workbook.ballots.storage import BALLOTS_SECTION
from workbook.ballots.tally import Tally


def ballot_panel(session, ballot, **options):
    """The facilitator's view of a ballot (see :func:`workbook.ballots.panel.ballot_panel`)."""
    from workbook.ballots.panel import ballot_panel as build

    return build(session, ballot, **options)


__all__ = [
    "BALLOTS_SECTION",
    "BORDA_NOTE",
    "KINDS",
    "Ballot",
    "BallotError",
    "Tally",
    "ballot_panel",
    "get_ballot",
    "list_ballots",
    "open_ballot",
    "record_paper_counts",
]
