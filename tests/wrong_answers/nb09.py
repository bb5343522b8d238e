"""Plausible wrong answers to notebook 09's exercises (a small Transformer)."""

from __future__ import annotations

import numpy as np

from tests.wrong_answers import Wrong

# 09.1: causal(n), True where query i may attend to key j


def _upper():
    def causal(n):
        return np.triu(np.ones((n, n), dtype=bool))
    return causal


def _no_diagonal():
    def causal(n):
        return np.tril(np.ones((n, n), dtype=bool), k=-1)
    return causal


def _float_ones():
    def causal(n):
        return np.tril(np.ones((n, n)))
    return causal


def _mask_no_return():
    def causal(n):
        mask = np.tril(np.ones((n, n), dtype=bool))  # noqa: F841 (the mistake: never returned)
    return causal


def _future_marked():
    def causal(n):
        return np.triu(np.ones((n, n), dtype=bool), k=1)
    return causal


def _one_step_ahead():
    def causal(n):
        return np.tril(np.ones((n, n), dtype=bool), k=1)
    return causal


def _fixed_size():
    def causal(n):
        return np.tril(np.ones((4, 4), dtype=bool))
    return causal


# 09.2: causal attention by hand on the notebook's q, k, v

q = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
k = np.array([[1.0, 1.0], [0.0, 2.0], [2.0, 0.0]])
v = np.array([[1.0, 0.0], [0.0, 1.0], [3.0, 3.0]])
past = np.tril(np.ones((3, 3), dtype=bool))


def _softmax_rows(scores):
    weights = np.exp(scores - scores.max(axis=1, keepdims=True))
    return weights / weights.sum(axis=1, keepdims=True)


def _no_mask():
    return _softmax_rows(q @ k.T / np.sqrt(2)) @ v


def _no_scale():
    return _softmax_rows(np.where(past, q @ k.T, -np.inf)) @ v


def _masked_with_zero():
    return _softmax_rows(np.where(past, q @ k.T / np.sqrt(2), 0.0)) @ v


def _masked_after_softmax():
    return (_softmax_rows(q @ k.T / np.sqrt(2)) * past) @ v


def _weights_only():
    return _softmax_rows(np.where(past, q @ k.T / np.sqrt(2), -np.inf))


def _divided_by_2():
    return _softmax_rows(np.where(past, q @ k.T / 2, -np.inf)) @ v


def _past_masked():
    return _softmax_rows(np.where(past.T, q @ k.T / np.sqrt(2), -np.inf)) @ v


def _softmax_over_columns():
    scores = np.where(past, q @ k.T / np.sqrt(2), -np.inf)
    weights = np.exp(scores) / np.exp(scores).sum(axis=0, keepdims=True)
    return weights @ v


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
    Wrong("09.1", "upper triangle", _upper, ("transpose",)),
    Wrong("09.1", "no diagonal", _no_diagonal, ("keep the diagonal",)),
    Wrong("09.1", "float ones", _float_ones, ("float64", "dtype=bool")),
    Wrong("09.1", "no return statement", _mask_no_return, ("no return statement", "'return mask'")),
    Wrong("09.1", "True marks the future", _future_marked, ("True marks the future", "~")),
    Wrong("09.1", "k=1", _one_step_ahead, ("k=1", "future")),
    Wrong("09.1", "size fixed at 4", _fixed_size, ("causal(7)", "(4, 4)")),
    Wrong("09.2", "no mask", _no_mask, ("no mask",)),
    Wrong("09.2", "no scaling", _no_scale, ("sqrt(2)",)),
    Wrong("09.2", "masked with 0, not -inf", _masked_with_zero, ("0", "-inf", "exp(0) = 1")),
    Wrong("09.2", "masked after the softmax", _masked_after_softmax, ("after the softmax", "sum to 1")),
    Wrong("09.2", "the weights, not the output", _weights_only, ("weights", "@ v")),
    Wrong("09.2", "divided by 2", _divided_by_2, ("by 2", "sqrt(2)")),
    Wrong("09.2", "the past masked", _past_masked, ("the past", "np.tril")),
    Wrong("09.2", "softmax over columns", _softmax_over_columns, ("axis=1",)),
    Wrong("09.3", "no position embedding", lambda: _params(position=False), ("position embedding",)),
    Wrong("09.3", "one weight per norm feature", lambda: _params(norm_weights=1), ("layer normalisation", "two")),
    Wrong("09.3", "no biases", lambda: _params(biases=False), ("biases",)),
    Wrong("09.3", "no return statement", _count_no_return, ("no return statement", "'return total'")),
    Wrong("09.3", "MLP without the 4x", lambda: _params(mlp_factor=1), ("MLP", "4 * width")),
    Wrong("09.3", "no final normalisation", lambda: _params(final_norm=False), ("final", "normalisation")),
    Wrong("09.3", "no output layer", lambda: _params(output_layer=False), ("output layer",)),
    Wrong("09.3", "attention without biases", lambda: _params(attention_biases=False), ("attention", "biases")),
]
