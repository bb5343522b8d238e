"""tf2_hands_on.pipelines: the autotuner switch and the clock that notes when fit's training ends."""

from __future__ import annotations

import time

import numpy as np

from tf2_hands_on import pipelines


def test_without_autotuner_turns_only_the_autotuner_off():
    import tensorflow as tf

    ds = pipelines.without_autotuner(tf.data.Dataset.range(5).map(lambda x: x * 2, num_parallel_calls=tf.data.AUTOTUNE))
    assert ds.options().autotune.enabled is False
    assert list(ds.as_numpy_iterator()) == [0, 2, 4, 6, 8]


def test_fit_callbacks_note_when_training_ends():
    import keras

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    start = time.perf_counter()
    model.fit(np.zeros((8, 3)), np.zeros((8, 1)), epochs=2, verbose=0, callbacks=pipelines.fit_callbacks())
    returned = time.perf_counter()
    assert start < pipelines.training_ended_at() <= returned
