"""Checkers for notebook 04's exercises."""

from __future__ import annotations

from tf2_hands_on.exercises import Hint, answer_array, exercise


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
            raise Hint("build_head returned None: replace the stub's 'return None' with your model")
        if not isinstance(head, keras.Model):
            raise Hint(f"return a Keras model (keras.Sequential or keras.Model), not a {type(head).__name__}")
        grid = np.random.default_rng(num_classes).normal(2.0, 3.0, size=(4, 5, 5, 1280)).astype("float32")
        try:
            out = np.asarray(head(grid, training=False))
        except Exception as e:  # the learner's model rejects the feature grid
            raise Hint(f"the head must accept the base's features of shape (batch, 5, 5, 1280); calling it "
                       f"failed with {type(e).__name__}: {str(e).splitlines()[0][:120]}") from None
        if out.shape != (4, num_classes):
            raise Hint(f"for {num_classes} classes and a batch of 4 the output shape is (4, {num_classes}), "
                       f"not {out.shape}: pool the 5 x 5 grid, then one Dense({num_classes})")
        n_params = head.count_params()
        if n_params == 5 * 5 * 1280 * num_classes + num_classes:
            raise Hint("Flatten keeps all 32,000 numbers (25 times more weights): use GlobalAveragePooling2D")
        if n_params != 1280 * num_classes + num_classes:
            raise Hint(f"expected {1280 * num_classes + num_classes:,} parameters (one Dense layer on 1,280 pooled "
                       f"features), found {n_params:,}")
        if np.allclose(out.sum(axis=1), 1.0, atol=1e-4) and out.min() >= 0:
            raise Hint("the outputs are probabilities: leave out the softmax and return logits "
                       "(the loss is built with from_logits=True)")
        layers = [layer for layer in head.layers if not isinstance(layer, keras.layers.InputLayer)]
        dense = [layer for layer in layers if isinstance(layer, keras.layers.Dense)]
        dropouts = [i for i, layer in enumerate(layers) if isinstance(layer, keras.layers.Dropout)]
        if len(dense) != 1:
            raise Hint("build the head from layers directly (pooling, Dropout, Dense) rather than nesting models")
        if not dropouts:
            raise Hint("add a Dropout layer before the last Dense layer")
        if dropouts[0] > layers.index(dense[0]):
            raise Hint("put the Dropout before the Dense layer: dropout after the logits would randomly zero them")
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
                raise Hint("everything trains: model.trainable = True also sets every layer inside, so set it "
                           "first and choose the layers after")
            if "bn" in got:
                raise Hint("keep BatchNormalization layers frozen (trainable = False) and do not count them")
            if n == 1 and got == {"c1"} or n == 2 and got == {"c1", "c2"}:
                raise Hint("you unfroze the first layers: count from the end, e.g. layers[-n:]")
            if n == 2 and got == {"d2"}:
                raise Hint("count only the layers that have weights (layer.weights): pooling, Flatten and Dropout "
                           "have none")
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
        result = answer(points, goal)
        if result is None and expected == -1 and points:
            raise Hint("when no point reaches the goal your function returns None: end it with 'return -1'")
        got = answer_array(result, "seconds_to_reach(curve, goal)")
        if got.shape != ():
            raise Hint(f"return one number of seconds, not an array of shape {got.shape}")
        got = float(got)
        if expected == 4.5 and got == 6.0:
            raise Hint("0.88 reaches a goal of 0.88: the goal is reached when accuracy >= goal, not >")
        if expected == 4.5 and got == 9.0:
            raise Hint("return the FIRST time the goal is reached, even if accuracy dips afterwards")
        if expected == 4.5 and abs(got - 0.88) < 1e-9:
            raise Hint("return the seconds of that point, not its accuracy")
        if expected == -1 and got != -1:
            raise Hint(f"when no point reaches the goal return -1 (goal {goal}, curve of {len(points)} points)")
        assert got == expected, f"for goal {goal} expected {expected}, got {got}."
    return "the first time at or above the goal, and -1 when it is never reached."
