"""Checkers for notebook 02's exercises."""

from __future__ import annotations

from tf2_hands_on.exercises import Hint, exercise


def _layer_kinds(model) -> list[str]:
    return [type(layer).__name__ for layer in model.layers if type(layer).__name__ != "InputLayer"]


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
        raise Hint("start the model with keras.Input((28, 28, 1)) so its shapes are known")
    if tuple(answer.input_shape) != (None, 28, 28, 1):
        raise Hint(f"the input shape is {answer.input_shape}; Fashion-MNIST images are keras.Input((28, 28, 1))")
    kinds = _layer_kinds(answer)
    expected = ["Conv2D", "MaxPooling2D", "Flatten", "Dense"]
    if kinds != expected:
        raise Hint(f"the layers are {kinds}; the architecture is {expected}")
    conv, _, _, dense = [layer for layer in answer.layers if type(layer).__name__ != "InputLayer"]
    if conv.filters != 16 or tuple(conv.kernel_size) != (3, 3):
        raise Hint(f"the convolution has {conv.filters} filters of {conv.kernel_size}: use Conv2D(16, (3, 3), ...)")
    if conv.padding != "same":
        raise Hint("with padding='valid' (the default) the 28x28 image shrinks to 26x26: pass padding='same'")
    if not _is_relu(conv.activation):
        raise Hint("the convolution needs activation='relu'")
    if dense.units != 10 or not _is_softmax(dense.activation):
        raise Hint("the last layer is Dense(10, activation='softmax'): ten class probabilities")
    assert tuple(answer.output_shape) == (None, 10), f"the output shape is {answer.output_shape}, expected (None, 10)."
    assert answer.count_params() == 31_530, f"{answer.count_params():,} parameters, expected 31,530."
    return "31,530 parameters: 160 in the convolution, 31,370 in the classifier over 14 x 14 x 16 features."


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

    def train(callbacks):  # deterministic: seeded initializers, no shuffling, plain SGD; no global seed touched
        model = keras.Sequential([
            keras.Input((2,)),
            keras.layers.Dense(16, activation="relu", kernel_initializer=keras.initializers.GlorotUniform(seed=1)),
            keras.layers.Dense(2, activation="softmax", kernel_initializer=keras.initializers.GlorotUniform(seed=2)),
        ])
        model.compile(optimizer=keras.optimizers.SGD(0.05), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        return model.fit(x, y, epochs=40, batch_size=32, shuffle=False, verbose=0, callbacks=callbacks)

    full = train([]).history["accuracy"]
    for target in (0.7, 0.9):
        first = next(epoch for epoch, accuracy in enumerate(full) if accuracy >= target)
        try:
            callback = answer(target)
        except TypeError as e:
            raise Hint("the constructor takes the target accuracy: def __init__(self, target): ...") from e
        try:
            accuracy = train([callback]).history["accuracy"]
        except KeyError as e:
            raise Hint(f"logs has no key {e}: the training accuracy is logs['accuracy']") from e
        if len(accuracy) == len(full):
            raise Hint("training went on after reaching the target: set self.model.stop_training = True "
                       "in on_epoch_end")
        assert len(accuracy) == first + 1, (
            f"with target {target} training should stop after epoch {first + 1}, the first to reach it, "
            f"but it stopped after epoch {len(accuracy)}: compare logs['accuracy'] with self.target.")
    return "it stops at the end of the first epoch that reaches the target, for two different targets."


@exercise("02.3")
def _functional_twin(answer):
    """The functional version of Sequential([Input((20,)), Dense(32, relu), Dense(3, softmax)])."""
    import keras
    import numpy as np

    if not isinstance(answer, keras.Model):
        raise Hint(f"assign the model itself to answer, not {type(answer).__name__}")
    if isinstance(answer, keras.Sequential):
        raise Hint("this is still a Sequential model: start from inputs = keras.Input((20,)), call the layers "
                   "on it, and finish with keras.Model(inputs, outputs)")
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
    assert np.allclose(got, expected, atol=1e-5), "with the same weights the outputs differ: check the activations."
    return "the same layers and weights compute the same outputs: Sequential is a special case of functional."
