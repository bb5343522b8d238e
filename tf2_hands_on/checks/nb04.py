"""Checkers for notebook 04's exercises."""

from __future__ import annotations

import re

from tf2_hands_on.exercises import Hint, answer_array, exercise, none_returned, source


@exercise("04.1")
def _head(answer):
    """``build_head(num_classes)``: 5 x 5 x 1280 features -> pooling, dropout -> ``num_classes`` logits."""
    import keras
    import numpy as np

    if not callable(answer):
        raise Hint("pass the function itself (build_head), not the result of calling it")
    for num_classes in (3, 10):
        head = answer(num_classes)
        if head is None:
            raise none_returned(answer, f"build_head({num_classes})")
        if not isinstance(head, keras.Model):
            raise Hint(f"return a Keras model (keras.Sequential or keras.Model), not a {type(head).__name__}")
        try:
            input_shape = tuple(head.input_shape)
        except AttributeError:  # a Sequential model without keras.Input: it takes its shape from the first call
            input_shape = None
        if input_shape and input_shape != (None, 5, 5, 1280):
            raise Hint(f"your head's input is {input_shape}: it sits on the base, so it takes the base's "
                       "5 x 5 x 1280 features, keras.Input((5, 5, 1280))")
        grid = np.random.default_rng(num_classes).normal(2.0, 3.0, size=(4, 5, 5, 1280)).astype("float32")
        try:
            out = np.asarray(head(grid, training=False))
        except Exception as e:  # the learner's model rejects the feature grid
            raise Hint(f"the head must accept the base's features of shape (batch, 5, 5, 1280); calling it "
                       f"failed with {type(e).__name__}: {str(e).splitlines()[0][:120]}") from None
        if out.ndim == 2 and out.shape[1] != num_classes:
            raise Hint(f"for num_classes = {num_classes} the output shape should be (4, {num_classes}), not "
                       f"{out.shape}: the last layer is Dense(num_classes), not a fixed number of classes")
        if out.shape != (4, num_classes):
            raise Hint(f"for {num_classes} classes and a batch of 4 the output shape is (4, {num_classes}), "
                       f"not {out.shape}: pool the 5 x 5 grid, then one Dense({num_classes})")
        layers = [layer for layer in head.layers if not isinstance(layer, keras.layers.InputLayer)]
        dense = [layer for layer in layers if isinstance(layer, keras.layers.Dense)]
        dropouts = [i for i, layer in enumerate(layers) if isinstance(layer, keras.layers.Dropout)]
        n_params = head.count_params()
        if n_params == 5 * 5 * 1280 * num_classes + num_classes:
            raise Hint("Flatten keeps all 32,000 numbers (25 times more weights): use GlobalAveragePooling2D")
        if len(dense) > 1:
            raise Hint(f"your head has {len(dense)} Dense layers ({n_params:,} parameters): one Dense(num_classes) "
                       "on the 1,280 pooled features is the whole classifier")
        if n_params != 1280 * num_classes + num_classes:
            raise Hint(f"expected {1280 * num_classes + num_classes:,} parameters (one Dense layer on 1,280 pooled "
                       f"features), found {n_params:,}")
        if np.allclose(out.sum(axis=1), 1.0, atol=1e-4) and out.min() >= 0:
            raise Hint("the outputs are probabilities: leave out the softmax and return logits "
                       "(the loss is built with from_logits=True)")
        if len(dense) != 1:
            raise Hint("build the head from layers directly (pooling, Dropout, Dense) rather than nesting models")
        if not dropouts:
            raise Hint("your head has no Dropout layer: add one, e.g. Dropout(0.2), before the last Dense layer")
        if dropouts[0] > layers.index(dense[0]):
            raise Hint("your Dropout comes after the Dense layer, so it would randomly zero the logits: put it "
                       "before the Dense layer")
        if not 0 < layers[dropouts[0]].rate < 1:
            raise Hint(f"a Dropout rate of {layers[dropouts[0]].rate} does nothing useful: use e.g. 0.2")
        if keras.activations.serialize(dense[0].activation) not in ("linear", None):
            raise Hint("the last layer must have no activation: the loss expects logits (from_logits=True)")
        kernel, bias = np.asarray(dense[0].kernel), np.asarray(dense[0].bias)
        if np.allclose(out, grid.max(axis=(1, 2)) @ kernel + bias, rtol=1e-2, atol=1e-2):
            raise Hint("that is max pooling: use GlobalAveragePooling2D, the average of each feature map")
        expected = grid.mean(axis=(1, 2)) @ kernel + bias
        assert np.allclose(out, expected, rtol=1e-2, atol=1e-2), (  # loose enough for TF32 on recent GPUs
            "the output is not Dense(GlobalAveragePooling2D(features)) at inference: check the layer order.")
    return "pooled features, dropout, and one Dense layer of logits."


def _order_of_flags(function) -> str | None:
    """From the source: "model last" when model.trainable = True follows the layers' flags, "never false" when
    every .trainable assignment is True (nothing is ever frozen), else None (or no source to read). The model is
    the stub's parameter name, model."""
    assignments = re.findall(r"([\w.\[\]-]+)\.trainable\s*=(?!=)\s*([^#\n]+)", source(function))
    model = [i for i, (target, _) in enumerate(assignments) if target == "model"]
    layers = [i for i, (target, _) in enumerate(assignments) if target != "model"]
    if model and layers and model[-1] > layers[-1]:
        return "model last"
    if layers and all(value.strip() == "True" for _, value in assignments):
        return "never false"
    return None


@exercise("04.2")
def _unfreeze(answer):
    """``unfreeze_last(model, n)``: the last n layers with weights trainable, all others frozen."""
    import keras

    if not callable(answer):
        raise Hint("pass the function itself (unfreeze_last), not the result of calling it")

    def fresh(frozen):
        model = keras.Sequential([
            keras.Input((12, 12, 1)),
            keras.layers.Conv2D(2, 3, name="c1"), keras.layers.BatchNormalization(name="bn"),
            keras.layers.MaxPooling2D(name="p1"), keras.layers.Conv2D(2, 3, name="c2"), keras.layers.Flatten(name="f"),
            keras.layers.Dense(4, name="d1"), keras.layers.Dropout(0.1, name="drop"), keras.layers.Dense(3, name="d2"),
        ])
        model.trainable = not frozen
        return model

    expected = {1: {"d2"}, 2: {"d1", "d2"}, 3: {"c2", "d1", "d2"}, 4: {"c1", "c2", "d1", "d2"}}
    everything = {"c1", "bn", "c2", "d1", "d2"}
    for frozen in (True, False):
        for n, names in expected.items():
            model = fresh(frozen)
            answer(model, n)
            trainable_ids = {id(w) for w in model.trainable_weights}
            got = {layer.name for layer in model.layers if any(id(w) in trainable_ids for w in layer.weights)}
            flagged = {layer.name for layer in model.layers if layer.trainable and layer.weights}
            if frozen and not model.trainable_weights and flagged:
                raise Hint("the layers are unfrozen but the model itself is still frozen, so Keras ignores them: "
                           "set model.trainable = True first")
            if got == everything:
                order = _order_of_flags(answer)
                if order == "model last":
                    raise Hint("everything trains: your model.trainable = True comes after you chose the layers, "
                               "and it sets every layer inside back to trainable; set it first and choose the "
                               "layers after")
                if order == "never false":
                    raise Hint("everything trains: your function sets model.trainable = True, which unfreezes every "
                               "layer, and never freezes the others again (layer.trainable = False)")
                raise Hint("everything trains: model.trainable = True also sets every layer inside, so set it "
                           "first and choose the layers after")
            if frozen and not got:
                raise Hint("nothing trains: the model arrived frozen (model.trainable == False), which froze every "
                           "layer inside, and your function unfroze none; set model.trainable = True first")
            if "bn" in got:
                raise Hint(f"for n = {n} the trainable layers are {sorted(got)}: keep BatchNormalization layers "
                           "frozen (trainable = False) and do not count them")
            if n == 1 and got == {"c1"} or n == 2 and got == {"c1", "c2"}:
                raise Hint(f"for n = {n} you unfroze {sorted(got)}, the first layers with weights: count from the "
                           "end, e.g. layers[-n:]")
            if n == 2 and got == {"d2"}:
                raise Hint(f"for n = 2 only {sorted(got)} trains: count only the layers that have weights "
                           "(layer.weights): pooling, Flatten and Dropout have none")
            if got > names:
                raise Hint(f"for n = {n} only {sorted(names)} should train, but {sorted(got - names)} also do: "
                           f"freeze every other layer")
            assert got == names, (
                f"for n = {n} the trainable layers should be {sorted(names)}, found {sorted(got)} "
                f"(model arriving {'frozen' if frozen else 'trainable'}).")
    return "exactly the last n layers with weights train, BatchNormalization stays frozen, even from a frozen model."


@exercise("04.3")
def _seconds(answer):
    """``seconds_to_reach(curve, goal)``: the seconds of the first point at or above ``goal``, else -1."""
    if not callable(answer):
        raise Hint("pass the function itself (seconds_to_reach), not the result of calling it")
    curve = [(1.5, 0.5), (3.0, 0.86), (4.5, 0.88), (6.0, 0.9), (7.5, 0.84), (9.0, 0.93)]
    cases = [(curve, 0.88, 4.5), (curve, 0.9, 6.0), (curve, 0.5, 1.5), (curve, 0.95, -1), ([], 0.88, -1)]
    for points, goal, expected in cases:
        try:
            result = answer(points, goal)
        except StopIteration:
            raise Hint(f"for goal {goal} no point reaches it, and next(...) without a default raises StopIteration: "
                       "give it one, next((...), -1)") from None
        if result is None and expected == -1 and points:
            raise Hint("when no point reaches the goal your function returns None: end it with 'return -1'")
        got = answer_array(result, "seconds_to_reach(curve, goal)", answer)
        if got.shape == (2,) and got[0] == expected:
            raise Hint(f"your function returned the pair {tuple(got.tolist())}: return only its seconds, {expected}")
        if got.shape != ():
            raise Hint(f"return one number of seconds, not an array of shape {got.shape}")
        got = float(got)
        said = f"for goal {goal} your function returned {got}"
        if expected == 4.5 and got == 6.0:
            raise Hint(f"{said}, but the point (4.5, 0.88) already reaches it: the goal is reached when "
                       "accuracy >= goal, not >")
        if expected == 4.5 and got == 9.0:
            raise Hint(f"{said}, the last point at or above it: return the FIRST time the goal is reached, even if "
                       "accuracy dips afterwards")
        if expected == 4.5 and abs(got - 0.88) < 1e-9:
            raise Hint(f"{said}: return the seconds of that point, not its accuracy")
        if expected != -1 and got == [seconds for seconds, _ in points].index(expected):
            raise Hint(f"{said}, the point's position in the list: return its seconds, the first number of the pair")
        if expected == -1 and got != -1:
            raise Hint(f"when no point reaches the goal return -1; {said} (curve of {len(points)} points)")
        assert got == expected, f"for goal {goal} expected {expected}, got {got}."
    return "the first time at or above the goal, and -1 when it is never reached."
