"""A corpus of plausible wrong answers to every exercise: test data for the checkers' hints.

Each notebook's module (``nb02.py`` for notebook 02) holds ``CORPUS``, a list of :class:`Wrong`: what a learner
might really write, built lazily (some answers need Keras or a trained model), and the words the verdict must
contain so that it names what *this* learner did. ``tests/test_wrong_answers.py`` checks that none passes, that
each hint names the mistake, and that every exercise has at least five.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Wrong:
    exercise: str  # "02.2"
    did: str  # what the learner did, in a few words: the test's id
    build: Callable[[], object]  # returns the answer as the answer cell would define it
    says: tuple[str, ...]  # phrases the verdict's message must contain (it names what the learner did)
    hint: bool = True  # a recognised mistake: the verdict says "Not yet. Hint: ..."


def corpus() -> list[Wrong]:
    """Every notebook module's CORPUS, in notebook order."""
    items = []
    for module in sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith("nb")):
        items += importlib.import_module(f"{__name__}.{module}").CORPUS
    return items
