"""Checkers for notebook 09's exercises."""

from __future__ import annotations

from tf2_hands_on.exercises import Hint, exercise, none_returned


def _visible(t, w, blocks):
    """The input positions that can reach the output at position t through ``blocks`` sliding windows of w."""
    return list(range(max(0, t - blocks * (w - 1)), t + 1))


_VISIBLE_CASES = ((40, 4, 3), (5, 4, 3), (20, 1, 5), (7, 8, 1), (30, 4, 2), (12, 5, 2))
_VISIBLE_MISTAKES = (  # (a wrong visible(t, w, blocks), its hint)
    (lambda t, w, b: list(range(max(0, t - w + 1), t + 1)),
     "that is one block's window. Block 2 attends to block 1's outputs, and each of those already mixed in its own "
     "window: every block reaches w - 1 positions further back"),
    (lambda t, w, b: list(range(max(0, t - b * w), t + 1)),
     "one position too far back per block: the window of w includes the position itself, so a block reaches "
     "w - 1 positions back, not w"),
    (lambda t, w, b: list(range(max(0, t - b * w + 1), t + 1)),
     "you subtracted the position itself once, but every block's window includes it: each block reaches "
     "w - 1 positions back, so the stack reaches blocks * (w - 1)"),
    (lambda t, w, b: list(range(t - b * (w - 1), t + 1)),
     "positions start at 0: near the start of the text the window is cut off (use max(0, ...))"),
    (lambda t, w, b: list(range(max(0, t - b * (w - 1)), t)),
     "a position always sees itself (the window includes i): include t"),
    (lambda t, w, b: list(range(0, t + 1)),
     "that is the full causal mask, which sees every earlier position: the sliding window cuts off the distant past"),
    (lambda t, w, b: list(range(max(0, t - (w - 1) ** b), t + 1)),
     "the reach adds up block by block (w - 1 each), it does not multiply"),
)


@exercise("09.1")
def _sliding_window(answer):
    """``visible(t, w, blocks)``: the input positions a stack of sliding-window blocks lets position t see."""
    if not callable(answer):
        raise Hint("pass the function itself (visible), not its result")
    for case in _VISIBLE_CASES:
        got = answer(*case)
        if got is None:
            raise none_returned(answer, f"visible{case}")
        try:
            got = sorted(int(p) for p in got)
        except (TypeError, ValueError):
            raise Hint(f"visible{case} should be a list of positions (ints), got {got!r}") from None
        want = _visible(*case)
        if got == want:
            continue
        if any(p > case[0] for p in got):
            raise Hint("the mask never lets a position see the future: no position after t")
        for mistake, hint in _VISIBLE_MISTAKES:
            if got == mistake(*case):
                raise Hint(hint)
        t, w, blocks = case
        raise Hint(f"for t={t}, w={w}, blocks={blocks}: expected positions {want[0]}..{want[-1]}, got {got}")
    return ("each block adds w - 1 positions of reach: depth widens a narrow window, which is how sliding-window "
            "models read long texts.")


Q = ((1.0, 0.0), (0.0, 1.0), (1.0, 1.0))
K = ((1.0, 1.0), (0.0, 2.0), (2.0, 0.0))


def _weights(key_1):
    """The 3 x 3 causal attention weights softmax(q · k / sqrt(2)) of Q on K, with K's row 1 replaced by key_1."""
    import numpy as np

    k = np.array(K)
    k[1] = key_1
    scores = np.where(np.tril(np.ones((3, 3), dtype=bool)), np.array(Q) @ k.T / np.sqrt(2), -np.inf)
    weights = np.exp(scores - scores.max(axis=1, keepdims=True))
    return weights / weights.sum(axis=1, keepdims=True)


@exercise("09.2")
def _ignored_key(answer):
    """Position 1's new key: position 2 gives it under 1 % of its weight, position 1 keeps over half of its own."""
    import numpy as np

    if callable(answer):
        raise Hint("give the new key itself (two numbers), not a function")
    try:
        got = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        raise Hint("give position 1's new key: two numbers, e.g. np.array([a, b])") from None
    if got.shape == (3, 2):
        if not np.allclose(got[[0, 2]], np.array(K)[[0, 2]]):
            raise Hint("change only position 1's key (row 1): the other keys stay as they are")
        got = got[1]
    if got.shape != (2,):
        raise Hint(f"give position 1's new key: two numbers, shape (2,), got shape {got.shape}")
    if not np.all(np.isfinite(got)):
        raise Hint("use finite numbers: an infinite key makes some scores inf - inf, which is nan")
    if np.allclose(got, K[1]):
        raise Hint("that is position 1's key as it is: position 2 gives it about a third of its weight")
    weights = _weights(got)
    ignored, kept = weights[2, 1], weights[1, 1]
    if ignored >= 0.01:
        raise Hint(f"position 2 still gives position 1 {ignored:.1%}: its query is (1, 1), so it scores a key "
                   "(a, b) by (a + b) / sqrt(2), against 2 / sqrt(2) for keys 0 and 2. Make a + b far below 0 (-4 or less)")
    if kept <= 0.5:
        raise Hint(f"position 1 now gives itself only {kept:.0%}: its query is (0, 1), so it reads only the key's "
                   "second number b. Keep b above position 0's key's second number (1)")
    return (f"position 2 gives position 1 {ignored:.2%}, position 1 keeps {kept:.0%} of its own: their queries "
            "point different ways, so one key can answer them differently.")


def _reference(vocab_size, context, width, blocks):
    attention = 4 * (width * width + width)
    mlp = (width * 4 * width + 4 * width) + (4 * width * width + width)
    return vocab_size * width + context * width + blocks * (attention + mlp + 4 * width) + 2 * width + (
        width * vocab_size + vocab_size)


_OMISSIONS = (  # (the weights a learner left out, from (vocab_size, context, width, blocks); the hint)
    (lambda v, c, w, b: c * w, "the position embedding has weights too: context x width"),
    (lambda v, c, w, b: b * 4 * w + 2 * w,
     "you left out the layer normalisations: each has two weights per feature (scale and offset), 2 per block and 1 "
     "at the end"),
    (lambda v, c, w, b: b * 2 * w + w, "layer normalisation has two weights per feature, a scale and an offset: "
                                       "you counted one"),
    (lambda v, c, w, b: b * 9 * w + v, "count the biases: one per output of every Dense projection"),
    (lambda v, c, w, b: b * 4 * (w * w + w), "each block's attention has four projections (query, key, value, "
                                             "output) of width x width plus biases"),
    (lambda v, c, w, b: b * 4 * w, "the attention's four projections have biases too: 4 x width per block"),
    (lambda v, c, w, b: b * (6 * w * w + 3 * w), "the MLP widens to 4 * width and back: width x 4*width + 4*width, "
                                                 "then 4*width x width + width"),
    (lambda v, c, w, b: 2 * w, "the final normalisation, before the output layer, has 2 x width weights too"),
    (lambda v, c, w, b: w * v + v, "count the output layer: width x vocab_size weights plus vocab_size biases"),
)


@exercise("09.3")
def _params(answer):
    """``transformer_params(vocab_size, context, width, blocks)``: CharTransformer's weight count."""
    if not callable(answer):
        raise Hint("pass the function itself (transformer_params), not a number")
    for case in ((65, 64, 128, 2), (30, 16, 32, 1), (100, 128, 64, 4)):
        got = answer(*case)
        if got is None:
            raise none_returned(answer, f"transformer_params{case}")
        want = _reference(*case)
        if got == want:
            continue
        for missing, hint in _OMISSIONS:
            if got == want - missing(*case):
                raise Hint(hint)
        vocab_size, context, width, blocks = case
        raise Hint(f"for vocab {vocab_size}, context {context}, width {width}, {blocks} block(s): expected {want:,}, "
                   f"got {got!r}")
    return "the blocks hold most of the weights; the embeddings grow with the vocabulary and the context."
