"""Errors that end a run with one plain message (the CLI shows them as `Error: …`, exit 1).

Every such error derives from `TcplError`, so the CLI catches them in one place; anything
else is unexpected (exit 2, details in a log file). The second base of each class is the one
it had before the common base existed, so code catching `RuntimeError` still does.
"""


class TcplError(Exception):
    """A run-ending error whose message is written for the office, in Vietnamese, one line or a
    short list. Raise a subclass, never this class itself."""


class NothingToDo(TcplError, RuntimeError):
    """The run cannot produce any output (no inputs folder, no spreadsheets in it)."""


class RunLocked(TcplError, RuntimeError):
    """Another run is writing to the same outputs folder."""


class OutputInUse(RunLocked):
    """An output file cannot be replaced: another program (Excel) has it open."""
