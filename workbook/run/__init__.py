"""run: papermill runs, batch, publishing.

The batch command's modes and default folder are here, not in ``batch``, so that the
command line can describe its options without importing pandas (``workbook workshop``
and ``workbook --help`` start in a fraction of the time and memory).
"""

from pathlib import Path

MODES = ("fast", "papermill")
DEFAULT_OUTPUT = Path("output") / "batch"
