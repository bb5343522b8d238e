"""Plausible wrong answers to notebook 07's exercises (distributed training)."""

from __future__ import annotations

import keras
import tensorflow as tf

from tests.wrong_answers import Wrong

# 07.1: scale(per_replica_batch, replicas, base_lr, base_batch) -> (global_batch, learning_rate)


def _prints():
    def scale(per_replica_batch, replicas, base_lr, base_batch):
        global_batch = per_replica_batch * replicas
        print(global_batch, base_lr * global_batch / base_batch)
    return scale


def _rate_unchanged():
    def scale(per_replica_batch, replicas, base_lr, base_batch):
        return per_replica_batch * replicas, base_lr
    return scale


def _rate_times_replicas():
    def scale(per_replica_batch, replicas, base_lr, base_batch):
        return per_replica_batch * replicas, base_lr * replicas
    return scale


def _square_root_rule():
    def scale(per_replica_batch, replicas, base_lr, base_batch):
        global_batch = per_replica_batch * replicas
        return global_batch, base_lr * (global_batch / base_batch) ** 0.5
    return scale


def _ratio_inverted():
    def scale(per_replica_batch, replicas, base_lr, base_batch):
        global_batch = per_replica_batch * replicas
        return global_batch, base_lr * base_batch / global_batch
    return scale


def _swapped_pair():
    def scale(per_replica_batch, replicas, base_lr, base_batch):
        global_batch = per_replica_batch * replicas
        return base_lr * global_batch / base_batch, global_batch
    return scale


def _integer_division():
    def scale(per_replica_batch, replicas, base_lr, base_batch):
        global_batch = per_replica_batch * replicas
        return global_batch, base_lr * (global_batch // base_batch)
    return scale


def _a_dict():
    def scale(per_replica_batch, replicas, base_lr, base_batch):
        global_batch = per_replica_batch * replicas
        return {"global_batch": global_batch, "learning_rate": base_lr * global_batch / base_batch}
    return scale


# 07.2: (sgd_factor, adam_factor) when each replica returns the mean over its own batch


# 07.3: build_and_compile(strategy)


def build_cnn():
    """A small stand-in for the notebook's build_cnn: logits out."""
    return keras.Sequential([keras.Input((8,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(3)])


def _compiled_outside():
    def build_and_compile(strategy):
        with strategy.scope():
            m = build_cnn()
        m.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        return m
    return build_and_compile


def _built_outside():
    def build_and_compile(strategy):
        m = build_cnn()
        with strategy.scope():
            m.compile(optimizer=keras.optimizers.Adam(1e-3),
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        return m
    return build_and_compile


def _new_strategy():
    def build_and_compile(strategy):
        with tf.distribute.MirroredStrategy(["/cpu:0"]).scope():
            m = build_cnn()
            m.compile(optimizer=keras.optimizers.Adam(1e-3),
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        return m
    return build_and_compile


def _loss_string():
    def build_and_compile(strategy):
        with strategy.scope():
            m = build_cnn()
            m.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        return m
    return build_and_compile


def _probabilities_loss():
    def build_and_compile(strategy):
        with strategy.scope():
            m = build_cnn()
            m.compile(optimizer=keras.optimizers.Adam(1e-3), loss=keras.losses.SparseCategoricalCrossentropy())
        return m
    return build_and_compile


def _one_hot_loss():
    def build_and_compile(strategy):
        with strategy.scope():
            m = build_cnn()
            m.compile(optimizer=keras.optimizers.Adam(1e-3),
                      loss=keras.losses.CategoricalCrossentropy(from_logits=True))
        return m
    return build_and_compile


def _sgd():
    def build_and_compile(strategy):
        with strategy.scope():
            m = build_cnn()
            m.compile(optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        return m
    return build_and_compile


def _compile_returns_none():
    def build_and_compile(strategy):
        with strategy.scope():
            m = build_cnn()
            return m.compile(optimizer=keras.optimizers.Adam(1e-3),
                             loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return build_and_compile


# 07.4: replica_loss(per_example, global_batch)


def _replica_mean():
    def replica_loss(per_example, global_batch):
        return tf.reduce_mean(per_example)
    return replica_loss


def _sum_only():
    def replica_loss(per_example, global_batch):
        return tf.reduce_sum(per_example)
    return replica_loss


def _loss_no_return():
    def replica_loss(per_example, global_batch):
        loss = tf.reduce_sum(per_example) / global_batch  # noqa: F841 (the mistake: never returned)
    return replica_loss


def _divided_not_summed():
    def replica_loss(per_example, global_batch):
        return per_example / global_batch
    return replica_loss


def _divided_twice():
    def replica_loss(per_example, global_batch):
        return tf.reduce_mean(per_example) / global_batch
    return replica_loss


CORPUS = [
    Wrong("07.1", "prints instead of returning", _prints, ("no return statement", "print(")),
    Wrong("07.1", "learning rate unchanged", _rate_unchanged, ("scales the rate with the batch",)),
    Wrong("07.1", "rate times replicas", _rate_times_replicas, ("not by the number of replicas",)),
    Wrong("07.1", "square-root rule", _square_root_rule, ("square-root rule", "linear rule")),
    Wrong("07.1", "ratio inverted", _ratio_inverted, ("base_batch / global_batch", "grows")),
    Wrong("07.1", "pair swapped", _swapped_pair, ("wrong way round",)),
    Wrong("07.1", "integer division", _integer_division, ("//", "rounds down")),
    Wrong("07.1", "returns a dict", _a_dict, ("a pair", "dict")),
    Wrong("07.2", "left unanswered", lambda: (None, None), ("both numbers",)),
    Wrong("07.2", "smaller, not larger", lambda: (0.25, 0.25), ("larger than its share",)),
    Wrong("07.2", "means are already right", lambda: (1, 1), ("SUMS", "4 times the mean")),
    Wrong("07.2", "the per-replica batch as the factor", lambda: (16, 1), ("64/16", "number of replicas")),
    Wrong("07.2", "Adam scales like SGD", lambda: (4, 4), ("sqrt(v)", "m 4 times")),
    Wrong("07.2", "Adam by the square root", lambda: (4, 2), ("sqrt(v) 4 times", "m / sqrt(v)")),
    Wrong("07.2", "one number only", lambda: 4, ("the pair",)),
    Wrong("07.3", "compiled outside the scope", _compiled_outside, ("compile", "outside")),
    Wrong("07.3", "built outside the scope", _built_outside, ("created outside strategy.scope()",)),
    Wrong("07.3", "a new MirroredStrategy", _new_strategy, ("another strategy", "strategy.scope()")),
    Wrong("07.3", "loss as the string", _loss_string, ("'sparse_categorical_crossentropy'", "from_logits=True")),
    Wrong("07.3", "loss without from_logits", _probabilities_loss, ("from_logits=True", "logits")),
    Wrong("07.3", "CategoricalCrossentropy", _one_hot_loss, ("CategoricalCrossentropy", "Sparse")),
    Wrong("07.3", "SGD instead of Adam", _sgd, ("SGD", "Adam")),
    Wrong("07.3", "returns compile()'s result", _compile_returns_none, ("compile", "None")),
    Wrong("07.4", "reduce_mean", _replica_mean, ("GLOBAL batch",)),
    Wrong("07.4", "sum, not divided", _sum_only, ("sum of the losses",)),
    Wrong("07.4", "no return statement", _loss_no_return, ("no return statement", "'return loss'")),
    Wrong("07.4", "divided, not summed", _divided_not_summed, ("(32,)", "scalar")),
    Wrong("07.4", "mean divided by the global batch", _divided_twice, ("divided twice", "reduce_mean")),
]
