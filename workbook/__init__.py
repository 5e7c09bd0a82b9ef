"""Mobility Action Planning workbook: the logic behind the step notebooks.

Notebooks stay thin and call into this package: data (``dataset``), comparisons,
charts, forms and documents live here, where they are tested.
"""

import sys

__version__ = "0.1.0"

# jsonschema loads the optional rfc3987-syntax package (pulled in by jupyter-events) to
# check "iri" strings; building its grammar costs about 1.2 s on every kernel start that
# imports altair, papermill or nbformat. No schema the workbook uses has IRI fields, so
# jsonschema is told the package is absent (it then skips that one format check).
sys.modules.setdefault("rfc3987_syntax", None)
