"""Checkers for notebook 09's exercises."""

from __future__ import annotations

from tf2_hands_on.exercises import Hint, exercise, none_returned


@exercise("09.1")
def _causal(answer):
    """``causal(n)``: an n x n boolean array, True where query i may attend to key j (j <= i)."""
    import numpy as np

    if not callable(answer):
        raise Hint("pass the function itself (causal), not its result")
    for n in (4, 7, 1):
        got = answer(n)
        if got is None:
            raise none_returned(answer, f"causal({n})")
        got = np.asarray(got)
        want = np.tril(np.ones((n, n), dtype=bool))
        if got.shape != (n, n):
            raise Hint(f"causal({n}) should have shape ({n}, {n}), got {got.shape}")
        if got.dtype != bool:
            raise Hint(f"return booleans (True = may attend), not {got.dtype}: e.g. with dtype=bool")
        if n > 1 and np.array_equal(got, want.T):
            raise Hint("that is the transpose: rows are query positions, and row i may see columns 0..i")
        if n > 1 and np.array_equal(got, ~want):
            raise Hint("True marks the future here, the positions to hide (PyTorch's attn_mask convention); here "
                       "True means 'may attend': invert it with ~, or build it with np.tril")
        if n > 1 and np.array_equal(got, np.tril(want, k=-1)):
            raise Hint("a position may attend to itself: keep the diagonal")
        if n > 1 and got.all():
            raise Hint("all True: every position sees the whole sequence, the future too. The mask must be "
                       "lower-triangular (np.tril)")
        shifted = next((k for k in range(1, n) if np.array_equal(got, np.tril(np.ones((n, n), dtype=bool), k=k))), 0)
        if shifted:
            raise Hint(f"that is np.tril(..., k={shifted}): each position sees {shifted} step(s) into the future. "
                       "Leave k at 0")
        if not np.array_equal(got, want):
            raise Hint(f"causal({n}) is not lower-triangular with its diagonal: row i must be True for j <= i only")
    return "lower-triangular: each position sees itself and the past, never the future."


Q = ((1.0, 0.0), (0.0, 1.0), (1.0, 1.0))
K = ((1.0, 1.0), (0.0, 2.0), (2.0, 0.0))
V = ((1.0, 0.0), (0.0, 1.0), (3.0, 3.0))


def _weights(scale=True, masked=True, axis=1, *, divisor=2 ** 0.5, fill=float("-inf"), upper=False,
             mask_after=False):
    """The 3 x 3 attention weights of Q on K, right by default; each argument makes one mistake."""
    import numpy as np

    q, k = np.array(Q), np.array(K)
    scores = q @ k.T / (divisor if scale else 1)
    allowed = np.tril(np.ones((3, 3), dtype=bool))
    allowed = allowed.T if upper else allowed
    if masked and not mask_after:
        scores = np.where(allowed, scores, fill)
    weights = np.exp(scores - scores.max(axis=axis, keepdims=True))
    weights = weights / weights.sum(axis=axis, keepdims=True)
    return weights * allowed if mask_after else weights


def _attention(scale=True, masked=True, axis=1, **mistake):
    """The 3 x 2 output of causal attention on Q, K, V (with a mistake, given ``_weights``' arguments)."""
    import numpy as np

    return _weights(scale, masked, axis, **mistake) @ np.array(V)


_MISTAKES = (  # (the arguments of _attention that make the mistake, its hint)
    ({"masked": False}, "no mask: position 0 must not see positions 1 and 2 (set their scores to -inf before softmax)"),
    ({"scale": False}, "divide the scores by sqrt(2), the square root of the key size, before the softmax"),
    ({"axis": 0}, "the softmax runs along each row (over the keys a query looks at), axis=1"),
    ({"fill": 0.0}, "you set the future's scores to 0, but exp(0) = 1: those keys still get weight. Set them to -inf, "
                    "whose exp is 0"),
    ({"mask_after": True}, "you masked after the softmax, so each row's remaining weights no longer sum to 1: mask the "
                           "scores with -inf before the softmax"),
    ({"divisor": 2}, "you divided the scores by 2, the key size: divide by sqrt(2), its square root"),
    ({"upper": True}, "you hid the past, not the future: position i sees keys 0..i, the lower triangle (np.tril)"),
)


@exercise("09.2")
def _tiny_attention(answer):
    """The 3 x 2 output of causal attention on the Q, K, V above."""
    import numpy as np

    if callable(answer):
        raise Hint("give the 3 x 2 array itself, not a function")
    try:
        got = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        raise Hint("give a 3 x 2 array of numbers (a NumPy array or nested lists)") from None
    if got.shape == (3, 3) and np.allclose(got, _weights()):
        raise Hint("those are the 3 x 3 attention weights: the output averages the values with them, weights @ v")
    if got.shape != (3, 2):
        raise Hint(f"the output has one row per position and one column per value feature: (3, 2), got {got.shape}")
    if np.allclose(got, _attention()):
        return "position 0 can only copy its own value; later positions average over more of the past."
    for mistake, hint in _MISTAKES:
        if np.allclose(got, _attention(**mistake)):
            raise Hint(hint)
    raise Hint("not yet: scores = q @ k.T / sqrt(2), mask the future with -inf, softmax each row, then weights @ v")


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
