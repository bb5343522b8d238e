"""Input pipelines that let ``fit`` return as soon as training ends: a workaround for a TensorFlow 2.21 race.

In TensorFlow 2.21, deleting an autotuned ``tf.data`` iterator sometimes waits for the autotuner's sleep to run out.
The autotuning thread (``Model::OptimizeLoop`` in ``tensorflow/core/framework/model.cc``) sleeps for a period that
doubles over the iterator's life, up to 60 s. ``CancellationManager::StartCancel`` (``tsl/platform/cancellation.cc``)
runs the cancel callbacks, which wake that thread, *before* it marks itself cancelled; a thread that wakes in between
sees ``IsCancelled()`` still false and sleeps out its period. ``fit`` deletes its iterator when it ends, so with one
iterator feeding a whole run (``repeat()`` with ``steps_per_epoch``) it returned 26 s and 58 s late in 2 of 6 runs of
notebook 09 on a 2-core machine. With the autotuner off there is no such thread, and ``fit`` returns at once.

``fit_callbacks`` notes when training ends, so that a notebook's figures can hold how late ``fit`` returned
(``training_ended_at``).
"""

from __future__ import annotations

import time

_ended_at: float | None = None  # time.perf_counter() when the last fit given fit_callbacks() ended its training


def without_autotuner(dataset):
    """``dataset`` with tf.data's autotuner turned off (``options.autotune.enabled = False``).

    ``tf.data.AUTOTUNE`` in ``map`` and ``prefetch`` then keeps its starting value (one call per core, at most 16;
    a buffer of one batch), which is all a small pipeline feeding a model on a CPU needs.
    """
    import tensorflow as tf

    options = tf.data.Options()
    options.autotune.enabled = False
    return dataset.with_options(options)


def training_end_clock():
    """A Keras callback whose ``.at`` is the ``time.perf_counter()`` at which ``fit``'s training ended.

    ``fit`` calls ``on_train_end`` before it deletes its data iterator: ``time.perf_counter() - clock.at`` after
    ``fit`` returns is how long that deletion took.
    """
    import keras

    class TrainingEndClock(keras.callbacks.Callback):
        at: float | None = None

        def on_train_end(self, logs=None):
            global _ended_at
            self.at = _ended_at = time.perf_counter()

    return TrainingEndClock()


def fit_callbacks():
    """The callbacks to pass to ``fit``: a clock that notes when training ends (read by ``training_ended_at``)."""
    return [training_end_clock()]


def training_ended_at():
    """``time.perf_counter()`` when the last ``fit`` given :func:`fit_callbacks` ended its training (None: none yet).

    ``time.perf_counter()`` right after ``fit`` returns, minus this, is how long ``fit`` took to let go of its data.
    """
    return _ended_at
