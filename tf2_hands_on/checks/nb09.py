"""Checkers for notebook 09's exercises."""

from __future__ import annotations

from tf2_hands_on.exercises import Hint, exercise


@exercise("09.1")
def _causal(answer):
    """``causal(n)``: an n x n boolean array, True where query i may attend to key j (j <= i)."""
    import numpy as np

    if not callable(answer):
        raise Hint("pass the function itself (causal), not its result")
    for n in (4, 7, 1):
        got = answer(n)
        if got is None:
            raise Hint("causal returned None: replace the stub's 'return None' with your code")
        got = np.asarray(got)
        want = np.tril(np.ones((n, n), dtype=bool))
        if got.shape != (n, n):
            raise Hint(f"causal({n}) should have shape ({n}, {n}), got {got.shape}")
        if got.dtype != bool:
            raise Hint("return booleans (True = may attend), e.g. with dtype=bool")
        if n > 1 and np.array_equal(got, want.T):
            raise Hint("that is the transpose: rows are query positions, and row i may see columns 0..i")
        if n > 1 and np.array_equal(got, np.tril(want, k=-1)):
            raise Hint("a position may attend to itself: keep the diagonal")
        if not np.array_equal(got, want):
            raise Hint(f"causal({n}) is not lower-triangular with its diagonal: row i must be True for j <= i only")
    return "lower-triangular: each position sees itself and the past, never the future."


Q = ((1.0, 0.0), (0.0, 1.0), (1.0, 1.0))
K = ((1.0, 1.0), (0.0, 2.0), (2.0, 0.0))
V = ((1.0, 0.0), (0.0, 1.0), (3.0, 3.0))


def _attention(scale=True, masked=True, axis=1):
    import numpy as np

    q, k, v = np.array(Q), np.array(K), np.array(V)
    scores = q @ k.T / (np.sqrt(2) if scale else 1)
    if masked:
        scores = np.where(np.tril(np.ones((3, 3), dtype=bool)), scores, -np.inf)
    weights = np.exp(scores - scores.max(axis=axis, keepdims=True))
    weights = weights / weights.sum(axis=axis, keepdims=True)
    return weights @ v


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
    if got.shape != (3, 2):
        raise Hint(f"the output has one row per position and one column per value feature: (3, 2), got {got.shape}")
    if np.allclose(got, _attention()):
        return "position 0 can only copy its own value; later positions average over more of the past."
    if np.allclose(got, _attention(masked=False)):
        raise Hint("no mask: position 0 must not see positions 1 and 2 (set their scores to -inf before softmax)")
    if np.allclose(got, _attention(scale=False)):
        raise Hint("divide the scores by sqrt(2), the square root of the key size, before the softmax")
    if np.allclose(got, _attention(axis=0)):
        raise Hint("the softmax runs along each row (over the keys a query looks at), axis=1")
    raise Hint("not yet: scores = q @ k.T / sqrt(2), mask the future with -inf, softmax each row, then weights @ v")


def _reference(vocab_size, context, width, blocks):
    attention = 4 * (width * width + width)
    mlp = (width * 4 * width + 4 * width) + (4 * width * width + width)
    return vocab_size * width + context * width + blocks * (attention + mlp + 4 * width) + 2 * width + (
        width * vocab_size + vocab_size)


@exercise("09.3")
def _params(answer):
    """``transformer_params(vocab_size, context, width, blocks)``: CharTransformer's weight count."""
    if not callable(answer):
        raise Hint("pass the function itself (transformer_params), not a number")
    for case in ((65, 64, 128, 2), (30, 16, 32, 1), (100, 128, 64, 4)):
        got = answer(*case)
        if got is None:
            raise Hint("transformer_params returned None: replace the stub's 'return None' with your code")
        want = _reference(*case)
        vocab_size, context, width, blocks = case
        if got == want:
            continue
        if got == want - context * width:
            raise Hint("the position embedding has weights too: context x width")
        if got == want - blocks * 4 * width - 2 * width:
            raise Hint("layer normalisation has two weights per feature (scale and offset): 2 per block, 1 at the end")
        no_biases = want - blocks * (4 * width + 5 * width) - vocab_size
        if got == no_biases:
            raise Hint("count the biases: one per output of every Dense projection")
        if got == want - blocks * (4 * (width * width + width)):
            raise Hint("each block's attention has four projections (query, key, value, output) of width x width "
                       "plus biases")
        raise Hint(f"for vocab {vocab_size}, context {context}, width {width}, {blocks} block(s): expected {want:,}, "
                   f"got {got!r}")
    return "the blocks hold most of the weights; the embeddings grow with the vocabulary and the context."
