"""Old home of the xlsx toolkit, now pipeline.writers.xlsx (and the labels pipeline.core.text);
kept only while callers move."""

from pipeline.core.text import date_text, number_text, on_time_text, place_name, verdict_text  # noqa: F401
from pipeline.writers.xlsx import *  # noqa: F403
from pipeline.writers.xlsx import __all__  # noqa: F401
