"""Checkers for notebook 04's exercises."""

from __future__ import annotations

import re

from tf2_hands_on.exercises import Hint, exercise, none_returned, source


def _params_from(model, index) -> int:
    """Parameters of model.layers[index:], BatchNormalization layers excepted (frozen or not)."""
    import keras

    return sum(layer.count_params() for layer in model.layers[index:]
               if not isinstance(layer, keras.layers.BatchNormalization))


def _fine_tune_at(model, budget) -> int:
    return min(i for i in range(len(model.layers) + 1) if _params_from(model, i) <= budget)


@exercise("04.1")
def _fine_tune_at_check(answer):
    """``choose_fine_tune_at(base, budget)``: the smallest index whose layers, BatchNorm excepted, fit the budget."""
    import keras

    if not callable(answer):
        raise Hint("pass the function itself (choose_fine_tune_at), not the result of calling it")
    model = keras.Sequential([
        keras.Input((12, 12, 3)),
        keras.layers.Conv2D(8, 3, name="c1"), keras.layers.BatchNormalization(name="bn1"),  # 224, 32
        keras.layers.ReLU(name="r1"), keras.layers.Conv2D(8, 3, name="c2"),  # 584
        keras.layers.BatchNormalization(name="bn2"), keras.layers.GlobalAveragePooling2D(name="pool"),  # 32
        keras.layers.Dense(16, name="d1"), keras.layers.Dense(2, name="d2"),  # 144, 34
    ])
    model.trainable = False  # as the base arrives in the notebook: frozen, trainable_weights empty
    n = len(model.layers)
    for budget in (34, 100, 178, 500, 762, 986, 10_000, 0):
        expected = _fine_tune_at(model, budget)
        got = answer(model, budget)
        if got is None:
            raise none_returned(answer, f"choose_fine_tune_at(base, {budget})")
        if not isinstance(got, int) or isinstance(got, bool):
            raise Hint(f"return a layer index (an int), not {type(got).__name__} {got!r}")
        if not 0 <= got <= n:
            raise Hint(f"for budget {budget} your function returned {got}, which is not an index into base.layers "
                       f"(0 to {n}, where {n} unfreezes nothing)")
        if got == expected:
            continue
        said = f"for budget {budget:,} your function returned {got}"
        with_bn = min(i for i in range(n + 1) if sum(layer.count_params() for layer in model.layers[i:]) <= budget)
        if got == 0 and expected > 0 and not model.trainable_weights:
            raise Hint(f"{said}: count each layer's parameters with layer.count_params(), frozen or not; "
                       "trainable_weights is empty while the base is frozen")
        if got == with_bn:
            raise Hint(f"{said}: BatchNormalization layers stay frozen in fine-tuning, so do not count their "
                       "parameters")
        if got == n - expected:
            raise Hint(f"{said}, the number of layers that train: return the index they start at, "
                       f"len(base.layers) - that number")
        if _params_from(model, got) > budget:
            raise Hint(f"{said}: the layers from index {got} on hold {_params_from(model, got):,} parameters, "
                       "more than the budget")
        if got > expected:
            raise Hint(f"{said}, but index {expected} also fits the budget: return the smallest index that fits, "
                       "so that as many layers as the budget allows can learn")
        raise AssertionError(f"for budget {budget:,} the answer is {expected}, not {got}.")
    return "the smallest index whose layers fit the budget, BatchNormalization left out."


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
def _learning_rate(answer):
    """``(lr_accuracy, chosen_learning_rate)``: validation accuracies at three rates (a list per rate, one per seed,
    or one number), and a rate within the tolerance of the best: 0.02, or the seed spread if that is larger."""
    import numbers

    import numpy as np

    if not isinstance(answer, tuple) or len(answer) != 2:
        raise Hint("check the pair (lr_accuracy, chosen_learning_rate), as the check cell passes it")
    measured, chosen = answer
    if measured is None:
        raise Hint("lr_accuracy is still None: fine-tune with each learning rate and store "
                   "{learning_rate: [validation accuracy per seed]}")
    if not isinstance(measured, dict):
        raise Hint(f"lr_accuracy should be a dict {{learning_rate: [validation accuracy per seed]}}, "
                   f"not a {type(measured).__name__}")
    if sorted(measured) != [1e-4, 1e-3, 1e-2]:
        raise Hint(f"measure the three learning rates 1e-2, 1e-3 and 1e-4; lr_accuracy has {sorted(measured)}")
    runs = {}
    for rate, scores in measured.items():
        values = list(np.ravel(scores)) if isinstance(scores, (list, tuple, np.ndarray)) else [scores]
        if not values or any(isinstance(v, bool) or not isinstance(v, numbers.Real) or not 0 <= v <= 1
                             for v in values):
            raise Hint(f"lr_accuracy[{rate}] is {scores!r}: store validation accuracies, numbers from 0 to 1 "
                       "(what accuracy(model, val_x, val_y) returns), one per seed")
        runs[rate] = [float(v) for v in values]
    means = {rate: float(np.mean(values)) for rate, values in runs.items()}
    if len(set(means.values())) == 1:
        raise Hint("the three accuracies are identical: did each run really use its own learning rate "
                   "(transfer('all', x, y, run_seed, learning_rate))?")
    if chosen is None:
        raise Hint("chosen_learning_rate is still None: pick one of the rates you measured")
    if chosen not in means:
        raise Hint(f"choose one of the rates you measured ({sorted(means)}), not {chosen}")
    spread = max(float(np.std(values)) for values in runs.values())
    tolerance = max(0.02, spread)
    best = max(means, key=means.get)
    if means[chosen] < means[best] - tolerance - 1e-9:
        raise Hint(f"you chose {chosen:g} (mean {means[chosen]:.3f}), but {best:g} scores {means[best]:.3f}, more "
                   f"than {tolerance:.3f} better (0.02, or your seed spread if larger): choose from the evidence")
    return (f"{chosen:g} scores {means[chosen]:.3f} on validation images, within {tolerance:.3f} of the best "
            f"({best:g}, {means[best]:.3f}); a rate that suits this small CNN need not suit MobileNetV2, whose "
            "ImageNet weights have more to lose.")
