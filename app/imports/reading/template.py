"""The CSV template administrators download and fill in."""

import codecs

from app.imports.reading.user_row import TEMPLATE_COLUMNS

TEMPLATE_FILENAME = "User Import Template.csv"
# The BOM makes spreadsheet programs open (and save) the file as UTF-8.
TEMPLATE_BYTES = codecs.BOM_UTF8 + (",".join(TEMPLATE_COLUMNS) + "\r\n").encode("utf-8")
