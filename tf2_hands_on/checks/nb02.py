"""Checkers for notebook 02's exercises."""

from __future__ import annotations

from tf2_hands_on.exercises import Hint, exercise


def _parameter_mistakes() -> dict[int, str]:
    """Counts that a recognised slip gives for 02.1's model, and what to look at for each."""
    conv, conv_w, dense_b = 5 * 5 * 1 * 8 + 8, 5 * 5 * 1 * 8, 10

    def dense(side, bias=True):
        return side * side * 8 * 10 + (dense_b if bias else 0)

    return {
        conv_w + dense(12, bias=False): "you left out the biases: each of the 8 filters and each of the 10 Dense "
                                        "units has one",
        conv_w + dense(12): "you left out the convolution's biases: one per filter, 8 of them",
        conv + dense(12, bias=False): "you left out the Dense layer's biases: one per unit, 10 of them",
        conv + dense(14): "a 5 x 5 filter without padding does not fit 28 times across 28 pixels: count the positions "
                          "where it fits whole (28 - 5 + 1), then halve for the pooling",
        conv + dense(24): "you left out the pooling: MaxPooling2D((2, 2)) halves each side before Flatten",
        conv + dense(11): "a 5-wide filter fits 28 - 5 + 1 times across 28 pixels (positions 0 to 23), not 28 - 5",
        conv + dense(28): "the convolution has no padding and the pooling halves each side: the feature maps are "
                          "not 28 x 28 when they reach Flatten",
        dense(12): "that is the Dense layer alone: the convolution's filters are weights too",
        conv: "that is the convolution alone: the Dense layer's weights count too (and they are most of them)",
    }


@exercise("02.1")
def _parameter_count(answer):
    """The parameters of Sequential([Input((28, 28, 1)), Conv2D(8, (5, 5)), MaxPooling2D((2, 2)), Flatten,
    Dense(10)]), worked out by hand: 208 + 11,530 = 11,738."""
    import numbers

    import keras

    if answer is None:
        raise Hint("work the number out and assign it: answer = ... (an integer)")
    if isinstance(answer, keras.Model):
        raise Hint("answer is a model: the exercise asks for its number of parameters, worked out by hand "
                   "(model.count_params() would tell you, but not why)")
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real) or float(answer) != int(answer):
        raise Hint(f"answer is {answer!r}: assign a whole number, the count of weights and biases")
    expected = 5 * 5 * 1 * 8 + 8 + 12 * 12 * 8 * 10 + 10
    answer = int(answer)
    if answer == expected:
        return ("11,738: 208 in the convolution (8 filters of 5 x 5 + 8 biases), 11,530 in the Dense layer "
                "(12 x 12 x 8 = 1,152 features after pooling, times 10, + 10 biases).")
    mistakes = _parameter_mistakes()
    if answer in mistakes:
        raise Hint(f"{answer:,}: {mistakes[answer]}")
    raise AssertionError(f"{answer:,} is not the count. Work layer by layer: the convolution's weights and biases; "
                         "the shape after the convolution and after pooling; then the Dense layer's weights and "
                         "biases.")


# 02.2: EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True) on these validation losses.
# tests/test_checks_nb02.py checks EARLY_STOPPING_ANSWER against Keras' own EarlyStopping.
VAL_LOSS = (0.62, 0.51, 0.47, 0.46, 0.48, 0.45, 0.47, 0.49, 0.52, 0.55)
PATIENCE = 2
EARLY_STOPPING_ANSWER = (8, 6)  # stops after epoch 8, keeps epoch 6's weights (epochs counted from 1)


@exercise("02.2")
def _early_stopping(answer):
    """After which epoch EarlyStopping(patience=2) stops on VAL_LOSS, and which epoch's weights it keeps."""
    import numbers

    stop, kept = EARLY_STOPPING_ANSWER
    if not (isinstance(answer, (tuple, list)) and len(answer) == 2):
        raise Hint("assign two epoch numbers: answer = (stop_epoch, kept_epoch)")
    if not all(isinstance(n, numbers.Integral) and not isinstance(n, bool) for n in answer):
        raise Hint(f"answer is {tuple(answer)!r}: both parts are epoch numbers, whole numbers counted from 1")
    got_stop, got_kept = (int(n) for n in answer)
    if (got_stop, got_kept) == (stop, kept):
        return ("it stops after epoch 8, the second epoch in a row without beating epoch 6's 0.45, and keeps "
                "epoch 6's weights.")
    if (got_stop, got_kept) == (stop - 1, kept - 1):
        raise Hint("those are the epochs counted from 0, as Python indexes the list: count from 1, as fit prints "
                   "them (the callback's best_epoch attribute counts from 0)")
    if got_stop == len(VAL_LOSS):
        raise Hint("training ends before the 10th epoch: EarlyStopping stops as soon as patience runs out")
    if got_stop < kept or got_kept == 4:
        raise Hint("epoch 6's 0.45 beats epoch 4's 0.46: it is a new best, and the count of epochs without "
                   "improvement starts again from there")
    if got_stop == stop - 1:
        raise Hint("at the end of epoch 7 only one epoch has passed without improving on 0.45; with patience=2 "
                   "training goes on for a second one")
    if got_stop == stop + 1:
        raise Hint("patience=2 stops at the end of the second epoch without improvement, not the third: "
                   "count the epochs after the best one")
    if got_stop != stop:
        raise AssertionError(f"training does not stop after epoch {got_stop}: find the best epoch, then count "
                             f"{PATIENCE} epochs that do not beat it.")
    if got_kept == stop:
        raise Hint("restore_best_weights=True puts back the weights of the best epoch, not the last one's")
    raise AssertionError(f"epoch {got_kept} is not the one whose weights the model keeps: which epoch has the lowest "
                         "validation loss before training stops?")


class _Logs(dict):
    """The logs a callback receives, remembering how it read them: ("get", key) or ("[]", key)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reads = []

    def __getitem__(self, key):
        self.reads.append(("[]", key))
        return super().__getitem__(key)

    def get(self, key, default=None):
        self.reads.append(("get", key))
        return super().get(key, default)


def _hooks(callback_class) -> set[str]:
    """The on_... methods the learner's class (and its own bases) define, above keras.callbacks.Callback."""
    import keras

    mro = callback_class.__mro__
    return {name for klass in mro[:mro.index(keras.callbacks.Callback)] for name in vars(klass)
            if name.startswith("on_")}


def _why_no_stop(answer, keys: list[str]) -> str | None:
    """Say what the learner's StopAtAccuracy did, from its hooks and from calling on_epoch_end on probe logs."""
    import inspect
    import types

    hooks = _hooks(answer)
    if "on_epoch_end" not in hooks:
        batch = sorted(hooks & {"on_train_batch_end", "on_batch_end", "on_train_batch_begin", "on_batch_begin"})
        if batch:
            return (f"StopAtAccuracy checks in {batch[0]}, after every batch, so it stops in the middle of an epoch "
                    "on the running accuracy of the batches so far; check once per epoch, in "
                    "on_epoch_end(self, epoch, logs=None)")
        defined = f"defines {', '.join(sorted(hooks))} but" if hooks else "defines"
        return (f"StopAtAccuracy {defined} no on_epoch_end, the method Keras calls after each epoch with the "
                "epoch's accuracy in logs: def on_epoch_end(self, epoch, logs=None)")

    def probe(accuracy):
        """Call on_epoch_end as Keras does, with target 0.5; return (stopped?, reads, callback)."""
        callback = answer(0.5)
        model = types.SimpleNamespace(stop_training=False)
        callback.set_model(model)
        logs = _Logs(loss=0.5, accuracy=accuracy)
        try:
            callback.on_epoch_end(3, logs)
        except KeyError:
            pass  # the reads say which key
        except Exception as e:  # the learner's hook fails on logs like Keras's: say how it is called, or what failed
            signature = inspect.signature(answer.on_epoch_end)
            if isinstance(e, TypeError) and len(signature.parameters) != 3:
                raise Hint(f"Keras calls on_epoch_end(epoch, logs), but yours is on_epoch_end{signature} "
                           f"({e}): def on_epoch_end(self, epoch, logs=None)") from None
            raise Hint(f"on_epoch_end(epoch, logs) raised {type(e).__name__}: {e}") from None
        return model.stop_training is True, logs.reads, callback

    stopped_low, reads, _ = probe(0.0)
    stopped, more_reads, callback = probe(1.0)
    unknown = [(how, key) for how, key in reads + more_reads if key not in keys]
    if unknown:
        how, key = unknown[0]
        read = f"logs.get({key!r})" if how == "get" else f"logs[{key!r}]"
        why = ("finds nothing, so your default comes back and training never stops" if how == "get"
               else "raises KeyError")
        validation = (" (keys starting with val_ exist only when fit has validation data; the exercise asks for the "
                      "training accuracy)" if key.startswith("val_") else "")
        return (f"on_epoch_end reads {read}, but logs has only {keys}: {read} {why}{validation}. "
                "Read logs['accuracy']")
    if stopped_low:
        return ("with logs['accuracy'] = 0.0, below the target 0.5, on_epoch_end stopped training"
                f"{'' if stopped else ' (with 1.0 it did not)'}: stop only when logs['accuracy'] >= self.target")
    if not stopped:
        if "stop_training" in vars(callback):
            return ("on_epoch_end sets self.stop_training, an attribute of the callback that Keras never reads: "
                    "set self.model.stop_training = True, the model's flag")
        if not more_reads:
            return "on_epoch_end never reads logs['accuracy'] and never sets self.model.stop_training = True"
        return ("with logs['accuracy'] = 1.0 and target 0.5, on_epoch_end did not set "
                "self.model.stop_training = True")
    if not probe(0.6)[0]:
        return ("with target 0.5 and logs['accuracy'] = 0.6 it did not stop (with 1.0 it did): compare with the "
                "target given to the constructor, self.target, not a number of your own")
    return None


@exercise("02.3")
def _stop_at_accuracy(answer):
    """``StopAtAccuracy(target)``: a callback that stops training once the epoch's training accuracy >= target."""
    import keras
    import numpy as np

    if not (isinstance(answer, type) and issubclass(answer, keras.callbacks.Callback)):
        raise Hint("pass the class itself (StopAtAccuracy), a subclass of keras.callbacks.Callback")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, 2)).astype("float32")
    y = (x[:, 0] * x[:, 1] > 0).astype("int32")  # XOR-like: accuracy climbs over ~15 epochs
    batches = 256 // 32

    class Steps(keras.callbacks.Callback):  # counts the batches trained: a stop mid-epoch shows here
        steps = 0

        def on_train_batch_end(self, batch, logs=None):
            self.steps += 1

    def train(callbacks):  # deterministic: seeded initializers, no shuffling, plain SGD; no global seed touched
        model = keras.Sequential([
            keras.Input((2,)),
            keras.layers.Dense(16, activation="relu", kernel_initializer=keras.initializers.GlorotUniform(seed=1)),
            keras.layers.Dense(2, activation="softmax", kernel_initializer=keras.initializers.GlorotUniform(seed=2)),
        ])
        model.compile(optimizer=keras.optimizers.SGD(0.05), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        return model.fit(x, y, epochs=40, batch_size=32, shuffle=False, verbose=0, callbacks=callbacks).history

    try:  # the check's own steps, before any of the learner's code runs: their failure is not the learner's
        full = train([])
        keys = sorted(full)  # what logs holds at the end of an epoch here: ['accuracy', 'loss']
        accuracies = list(full["accuracy"])
    except Exception as e:
        raise AssertionError(f"the check's own training run failed ({type(e).__name__}: {e}); this says nothing "
                             "about your answer. Restart the kernel and run the check again.") from e
    targets = [t for t in (0.7, 0.9) if max(accuracies) >= t]  # the reference run reaches both (tests)
    if len(targets) < 2:  # a Keras whose run learns differently: targets the run reaches, after its first epoch
        targets = sorted({a for a in accuracies[1:] if a > accuracies[0]})[-2:]
    if len(targets) < 2:
        raise Hint("the check's own training run did not learn on this machine, so it cannot test your callback; "
                   "this says nothing about your answer")
    for target in targets:
        first = next(epoch for epoch, accuracy in enumerate(accuracies) if accuracy >= target)
        try:
            callback = answer(target)
        except TypeError as e:
            raise Hint("the constructor takes the target accuracy: def __init__(self, target): ...") from e
        steps = Steps()
        try:
            epochs = len(train([callback, steps])["accuracy"])
        except Exception as e:  # the learner's hook raised: say what it did, else pass the error on
            raise Hint(_why_no_stop(answer, keys) or f"training with your callback raised {type(e).__name__}: {e}") \
                from e
        if epochs == first + 1 and steps.steps == epochs * batches:
            continue
        why = _why_no_stop(answer, keys)
        if why:
            raise Hint(why)
        raise AssertionError(
            f"with target {target} training should stop after epoch {first + 1}, the first to reach it, but it "
            f"stopped after epoch {epochs}{'' if steps.steps == epochs * batches else ', in the middle'}: "
            "compare logs['accuracy'] with self.target.")
    return "it stops at the end of the first epoch that reaches the target, for two different targets."
