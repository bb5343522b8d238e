"""Shared helpers for the TensorFlow 2 Hands-On notebooks.

These are helpers, not lessons: device queries, data download and caching, timing, plotting,
exercise checks and the run report. What a notebook teaches stays in the notebook, in plain
``tf`` / ``keras`` calls. Importing this package (or any module in it) changes nothing: no seeds,
no plot styles, no environment variables.

Import a module by name, e.g. ``from tf2_hands_on import data, profiles``.
"""
