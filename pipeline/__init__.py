"""tcpl: collect, check, score and consolidate communes' self-assessments against the
legal-access standard (chuẩn tiếp cận pháp luật)."""

import os

__version__ = "0.1.0"

# Offline by construction: great-expectations must never send usage statistics, whatever
# the user's environment says. Set before any module imports great_expectations.
os.environ["GX_ANALYTICS_ENABLED"] = "false"
