"""Everything that opens input files: discovery, sniffing and safety checks, the workbook readers."""
