"""Plausible wrong answers (tests/wrong_answers/) never pass, and each gets a hint that names what was done."""

from __future__ import annotations

import json
import re

import pytest

from tests.wrong_answers import corpus
from tf2_hands_on import exercises
from tools import nbtools

CORPUS = corpus()
MINIMUM = 5


def _exercise_ids() -> list[str]:
    ids = []
    for path in nbtools.notebook_paths():
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if "exercise" in cell["metadata"].get("tags", []):
                ids.append(re.match(r"\*\*Exercise (\d\d\.\d+)\.\*\*", nbtools.source(cell)).group(1))
    return ids


def test_every_exercise_has_at_least_five_wrong_answers():
    counts = {ex: sum(w.exercise == ex for w in CORPUS) for ex in _exercise_ids()}
    short = {ex: n for ex, n in counts.items() if n < MINIMUM}
    assert not short, f"exercises with fewer than {MINIMUM} wrong answers in tests/wrong_answers/: {short}"
    assert {w.exercise for w in CORPUS} <= set(counts), "a wrong answer for an exercise that does not exist"


@pytest.mark.parametrize("wrong", CORPUS, ids=[f"{w.exercise}-{w.did}" for w in CORPUS])
def test_a_wrong_answer_fails_with_a_hint_that_names_it(wrong):
    verdict = exercises.check(wrong.exercise, wrong.build(), quiet=True)
    assert not verdict, f"{wrong.exercise}: the wrong answer '{wrong.did}' passed"
    missing = [phrase for phrase in wrong.says if phrase not in verdict.message]
    assert not missing, f"{wrong.exercise} '{wrong.did}': the verdict does not say {missing}: {verdict}"
    assert verdict.hint is wrong.hint, f"{wrong.exercise} '{wrong.did}': {verdict}"
