"""Everything that writes outputs: workbooks, forms, CSV and manifest, all through atomic writes."""
