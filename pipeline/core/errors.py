"""Errors that end a run with one plain message (the CLI shows them as `Error: …`)."""


class NothingToDo(RuntimeError):
    """The run cannot produce any output (no inputs folder, no spreadsheets in it)."""


class RunLocked(RuntimeError):
    """Another run is writing to the same outputs folder."""


class OutputInUse(RunLocked):
    """An output file cannot be replaced: another program (Excel) has it open."""
