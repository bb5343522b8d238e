"""pytest set-up shared by the unit tests and nbval's notebook runs.

Notebook kernels inherit this process's environment, so the smoke profile set here reaches them.
An explicit TUTORIAL_PROFILE (e.g. TUTORIAL_PROFILE=default python3 tasks.py test) is kept.
"""

import os

os.environ.setdefault("TUTORIAL_PROFILE", "smoke")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")

collect_ignore_glob = ["tests/fixtures/*"]  # fixture notebooks are run by the tests, not collected by nbval
