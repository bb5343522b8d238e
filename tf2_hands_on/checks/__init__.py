"""Exercise checkers, one module per notebook (``nb00.py`` for notebook 00); see ``tf2_hands_on.exercises``."""
