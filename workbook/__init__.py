"""Mobility Action Planning workbook: the logic behind the step notebooks.

Notebooks stay thin and call into this package: data (``dataset``), comparisons,
charts, forms and documents live here, where they are tested.
"""

__version__ = "0.1.0"
