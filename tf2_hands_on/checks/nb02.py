"""Checkers for notebook 02's exercises."""

from __future__ import annotations

from tf2_hands_on.exercises import Hint, exercise


def _layer_kinds(model) -> list[str]:
    return [type(layer).__name__ for layer in model.layers if type(layer).__name__ != "InputLayer"]


def _activation(fn) -> str:
    """An activation's name as the learner would write it: 'relu', 'softmax', 'linear' (for no activation)."""
    return getattr(fn, "__name__", type(fn).__name__)


def _is_relu(fn) -> bool:
    import numpy as np

    return np.allclose(np.asarray(fn(np.array([-1.0, 2.0], dtype="float32"))), [0.0, 2.0])


def _is_softmax(fn) -> bool:
    import numpy as np

    out = np.asarray(fn(np.array([[1.0, 2.0, 3.0]], dtype="float32")))
    return np.allclose(out.sum(), 1.0) and np.allclose(out, np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum(), atol=1e-6)


@exercise("02.1")
def _small_cnn(answer):
    """A Sequential CNN: Conv2D(16, 3x3, relu, same) -> MaxPooling2D(2x2) -> Flatten -> Dense(10, softmax)."""
    import keras

    if not isinstance(answer, keras.Model):
        raise Hint(f"assign the model itself to answer, not {type(answer).__name__}")
    if not answer.built or answer.inputs is None:
        raise Hint("the model has no Input, so its shapes are unknown: start it with keras.Input((28, 28, 1))")
    if tuple(answer.input_shape) != (None, 28, 28, 1):
        raise Hint(f"the input shape is {answer.input_shape}; Fashion-MNIST images are keras.Input((28, 28, 1))")
    kinds = _layer_kinds(answer)
    expected = ["Conv2D", "MaxPooling2D", "Flatten", "Dense"]
    if kinds == [kind for kind in expected if kind != "Flatten"]:
        raise Hint(f"no Flatten: the Dense layer then works on each of the 14 x 14 positions, and the output is "
                   f"{answer.output_shape}; put keras.layers.Flatten() before it")
    if kinds != expected:
        raise Hint(f"the layers are {kinds}; the architecture is {expected}")
    conv, pool, _, dense = [layer for layer in answer.layers if type(layer).__name__ != "InputLayer"]
    if conv.filters != 16 or tuple(conv.kernel_size) != (3, 3):
        raise Hint(f"the convolution has {conv.filters} filters of {conv.kernel_size}: use Conv2D(16, (3, 3), ...)")
    if conv.padding != "same":
        raise Hint("with padding='valid' (the default) the 28x28 image shrinks to 26x26: pass padding='same'")
    if not _is_relu(conv.activation):
        raise Hint(f"the convolution's activation is {_activation(conv.activation)}: it needs activation='relu'")
    if tuple(pool.pool_size) != (2, 2):
        raise Hint(f"the pooling window is {tuple(pool.pool_size)}: 2 x 2 max-pooling, MaxPooling2D((2, 2)), "
                   "halves 28 x 28 to 14 x 14")
    if dense.units != 10 or not _is_softmax(dense.activation):
        raise Hint(f"the last layer is Dense({dense.units}) with activation {_activation(dense.activation)}: "
                   "it should be Dense(10, activation='softmax'), ten class probabilities")
    assert tuple(answer.output_shape) == (None, 10), f"the output shape is {answer.output_shape}, expected (None, 10)."
    assert answer.count_params() == 31_530, f"{answer.count_params():,} parameters, expected 31,530."
    return "31,530 parameters: 160 in the convolution, 31,370 in the classifier over 14 x 14 x 16 features."


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


@exercise("02.2")
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

    full = train([])
    keys = sorted(full)  # what logs holds at the end of an epoch here: ['accuracy', 'loss']
    for target in (0.7, 0.9):
        first = next(epoch for epoch, accuracy in enumerate(full["accuracy"]) if accuracy >= target)
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


@exercise("02.3")
def _functional_twin(answer):
    """The functional version of Sequential([Input((20,)), Dense(32, relu), Dense(3, softmax)])."""
    import keras
    import numpy as np

    if isinstance(answer, (list, tuple)) and any(isinstance(item, keras.layers.Layer) for item in answer):
        raise Hint(f"answer is a list of layers ({', '.join(type(item).__name__ for item in answer)}): that is how "
                   "Sequential is built. In the functional API you call each layer on a tensor, hidden = "
                   "keras.layers.Dense(32, activation='relu')(inputs), and finish with keras.Model(inputs, outputs)")
    if isinstance(answer, keras.KerasTensor):
        raise Hint(f"answer is the output tensor (a KerasTensor of shape {answer.shape}), not a model: finish with "
                   "answer = keras.Model(inputs, outputs)")
    if not isinstance(answer, keras.Model):
        raise Hint(f"assign the model itself to answer, not {type(answer).__name__}")
    if isinstance(answer, keras.Sequential):
        raise Hint("this is still a Sequential model: start from inputs = keras.Input((20,)), call the layers "
                   "on it, and finish with keras.Model(inputs, outputs)")
    nested = [layer for layer in answer.layers if isinstance(layer, keras.Model)]
    if nested:
        raise Hint(f"your model calls a whole {type(nested[0]).__name__} model on its input, "
                   "keras.Model(inputs, sequential(inputs)), so its layers are still stacked the Sequential way: "
                   "call each Dense layer on a tensor instead")
    if not answer.inputs or tuple(answer.input_shape) != (None, 20):
        raise Hint(f"the input should be keras.Input((20,)), not {getattr(answer, 'input_shape', None)}")
    reference = keras.Sequential([keras.Input((20,)), keras.layers.Dense(32, activation="relu"),
                                  keras.layers.Dense(3, activation="softmax")])
    if answer.count_params() != reference.count_params():
        raise Hint(f"{answer.count_params()} parameters instead of {reference.count_params()}: "
                   "Dense(32, relu) then Dense(3, softmax)")
    try:
        answer.set_weights(reference.get_weights())
    except ValueError as e:
        raise Hint("the weights have other shapes than Dense(32) then Dense(3)") from e
    x = np.random.default_rng(0).normal(size=(8, 20)).astype("float32")
    got, expected = np.asarray(answer(x)), np.asarray(reference(x))
    if not np.allclose(got.sum(axis=1), 1.0, atol=1e-5):
        raise Hint("the outputs do not sum to 1: the last layer needs activation='softmax'")
    hidden = next((layer for layer in answer.layers if isinstance(layer, keras.layers.Dense)), None)
    if not np.allclose(got, expected, atol=1e-5) and hidden is not None and not _is_relu(hidden.activation):
        raise Hint(f"the hidden Dense(32) has activation {_activation(hidden.activation)}: use activation='relu'")
    assert np.allclose(got, expected, atol=1e-5), "with the same weights the outputs differ: check the activations."
    return "the same layers and weights compute the same outputs: Sequential is a special case of functional."
