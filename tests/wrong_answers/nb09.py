"""Plausible wrong answers to notebook 09's exercises (a small Transformer)."""

from __future__ import annotations

import numpy as np

from tests.wrong_answers import Wrong

# 09.1: visible(t, w, blocks), the input positions that reach position t through stacked sliding windows


def _visible(first):
    def visible(t, w, blocks):
        return list(range(first(t, w, blocks), t + 1))
    return visible


def _one_block():
    return _visible(lambda t, w, blocks: max(0, t - w + 1))


def _w_per_block():
    return _visible(lambda t, w, blocks: max(0, t - blocks * w))


def _w_minus_one_once():
    return _visible(lambda t, w, blocks: max(0, t - blocks * w + 1))


def _no_clamp():
    return _visible(lambda t, w, blocks: t - blocks * (w - 1))


def _reach_multiplies():
    return _visible(lambda t, w, blocks: max(0, t - (w - 1) ** blocks))


def _whole_past():
    return _visible(lambda t, w, blocks: 0)


def _without_itself():
    def visible(t, w, blocks):
        return list(range(max(0, t - blocks * (w - 1)), t))
    return visible


def _looks_ahead():
    def visible(t, w, blocks):
        return list(range(t, t + blocks * (w - 1) + 1))  # the mistake: the window drawn the wrong way
    return visible


def _visible_no_return():
    def visible(t, w, blocks):
        positions = list(range(max(0, t - blocks * (w - 1)), t + 1))  # noqa: F841 (the mistake: never returned)
    return visible


# 09.2: position 1's new key, so that position 2 ignores it and position 1 still attends to itself

k = np.array([[1.0, 1.0], [0.0, 2.0], [2.0, 0.0]])


def _whole_k_other_row_changed():
    new_k = k.copy()
    new_k[1] = [-10.0, 3.0]
    new_k[2] = [0.0, 0.0]  # the mistake: another key changed too
    return new_k


# 09.3: transformer_params(vocab_size, context, width, blocks)


def _params(position=True, norm_weights=2, biases=True, mlp_factor=4, final_norm=True, output_layer=True,
            attention_biases=True):
    def transformer_params(vocab_size, context, width, blocks):
        attention = 4 * (width * width + (width if biases and attention_biases else 0))
        hidden = mlp_factor * width
        mlp = width * hidden + (hidden if biases else 0) + hidden * width + (width if biases else 0)
        norms = 2 * norm_weights * width
        embeddings = vocab_size * width + (context * width if position else 0)
        head = (norm_weights * width if final_norm else 0) + (
            width * vocab_size + (vocab_size if biases else 0) if output_layer else 0)
        return embeddings + blocks * (attention + mlp + norms) + head
    return transformer_params


def _count_no_return():
    def transformer_params(vocab_size, context, width, blocks):
        attention = 4 * (width * width + width)
        mlp = (width * 4 * width + 4 * width) + (4 * width * width + width)
        norms = 2 * (2 * width)
        embeddings = vocab_size * width + context * width
        head = 2 * width + width * vocab_size + vocab_size
        total = embeddings + blocks * (attention + mlp + norms) + head  # noqa: F841 (the mistake: never returned)
    return transformer_params


CORPUS = [
    Wrong("09.1", "one block only", _one_block, ("one block",)),
    Wrong("09.1", "w per block, not w - 1", _w_per_block, ("w - 1",)),
    Wrong("09.1", "the position itself subtracted once", _w_minus_one_once, ("blocks * (w - 1)",)),
    Wrong("09.1", "negative positions", _no_clamp, ("start at 0", "max(0")),
    Wrong("09.1", "the reach multiplies", _reach_multiplies, ("adds up",)),
    Wrong("09.1", "the whole past", _whole_past, ("full causal mask",)),
    Wrong("09.1", "without the position itself", _without_itself, ("include t",)),
    Wrong("09.1", "the future", _looks_ahead, ("future",)),
    Wrong("09.1", "no return statement", _visible_no_return, ("no return statement", "'return positions'")),
    Wrong("09.2", "both numbers very negative: position 1 ignores itself too", lambda: np.array([-10.0, -10.0]),
          ("second number",)),
    Wrong("09.2", "a + b not far enough below 0", lambda: np.array([-2.0, 2.0]), ("a + b",)),
    Wrong("09.2", "only the second number raised", lambda: np.array([0.0, 5.0]), ("a + b",)),
    Wrong("09.2", "the key unchanged", lambda: k[1].copy(), ("as it is",)),
    Wrong("09.2", "another key changed too", _whole_k_other_row_changed, ("only position 1",)),
    Wrong("09.2", "an infinite key", lambda: np.array([-np.inf, 3.0]), ("finite",)),
    Wrong("09.3", "no position embedding", lambda: _params(position=False), ("position embedding",)),
    Wrong("09.3", "one weight per norm feature", lambda: _params(norm_weights=1), ("layer normalisation", "two")),
    Wrong("09.3", "no biases", lambda: _params(biases=False), ("biases",)),
    Wrong("09.3", "no return statement", _count_no_return, ("no return statement", "'return total'")),
    Wrong("09.3", "MLP without the 4x", lambda: _params(mlp_factor=1), ("MLP", "4 * width")),
    Wrong("09.3", "no final normalisation", lambda: _params(final_norm=False), ("final", "normalisation")),
    Wrong("09.3", "no output layer", lambda: _params(output_layer=False), ("output layer",)),
    Wrong("09.3", "attention without biases", lambda: _params(attention_biases=False), ("attention", "biases")),
]
