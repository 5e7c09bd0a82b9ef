"""The participant server of live ballots (``workbook workshop``).

A small tornado app that serves the plan's open ballots and nothing else: a page to
type a join code, a ballot's phone page, and where its form is sent. No notebook, no
kernel and no other part of the plan is reachable through it.

* ``app``: the routes, the checks every request passes (rate limit, body size, CSRF),
  the participant's cookie;
* ``pages``: the pages' stylesheet and the script that only enhances them;
* ``server``: starting and stopping it, and telling the plan where it runs.
"""
