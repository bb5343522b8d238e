"""Checkers for notebook 07's exercises."""

from __future__ import annotations

import math

from tf2_hands_on.exercises import Hint, exercise, none_returned

# (per-replica batch, replicas, base learning rate, the batch that base rate was tuned for)
_SCALING_CASES = ((32, 8, 1e-3, 32), (64, 2, 0.1, 128), (16, 4, 3e-4, 16), (128, 1, 0.01, 64), (40, 4, 0.1, 64))


@exercise("07.1")
def _global_batch_and_rate(answer):
    """``scale(per_replica_batch, replicas, base_lr, base_batch)`` -> (global batch, learning rate), linear rule."""
    if not callable(answer):
        raise Hint("pass the function itself (scale), not the result of calling it")
    for per_replica, replicas, base_lr, base_batch in _SCALING_CASES:
        got = answer(per_replica, replicas, base_lr, base_batch)
        if got is None:
            raise none_returned(answer, f"scale({per_replica}, {replicas}, {base_lr}, {base_batch})")
        if not isinstance(got, tuple | list) or len(got) != 2:
            raise Hint(f"return a pair: (global_batch, learning_rate); got a {type(got).__name__}")
        batch, rate = got
        want_batch = per_replica * replicas
        want_rate = base_lr * want_batch / base_batch
        case = f"{per_replica} per replica on {replicas} replicas, {base_lr} tuned for batch {base_batch}"
        if batch == want_batch and math.isclose(rate, want_rate, rel_tol=1e-9):
            continue
        if rate == want_batch and math.isclose(batch, want_rate):
            raise Hint(f"for {case}: the pair is the wrong way round, return (global_batch, learning_rate)")
        if batch == per_replica and replicas > 1:
            raise Hint(f"for {case}: the global batch is what all replicas process together in one step, "
                       "per-replica batch x replicas")
        if batch != want_batch:
            raise Hint(f"for {case}: the global batch should be {want_batch}, got {batch}")
        if math.isclose(rate, base_lr * (want_batch // base_batch)):
            raise Hint(f"for {case}: global_batch // base_batch rounds down ({want_batch} // {base_batch} = "
                       f"{want_batch // base_batch}): use / for the ratio")
        if math.isclose(rate, base_lr):
            raise Hint(f"for {case}: the linear rule scales the rate with the batch, by global/base = "
                       f"{want_batch / base_batch:g}")
        if math.isclose(rate, base_lr * replicas):
            raise Hint(f"for {case}: scale by global batch / the batch the rate was tuned for, not by the "
                       "number of replicas")
        if math.isclose(rate, base_lr * (want_batch / base_batch) ** 0.5):
            raise Hint(f"for {case}: expected a learning rate of {want_rate:g} by the linear rule, base_lr x "
                       "global/base; yours follows the square-root rule, base_lr x sqrt(global/base)")
        if math.isclose(rate, base_lr * base_batch / want_batch):
            raise Hint(f"for {case}: you multiplied by base_batch / global_batch, but the rate grows with the batch: "
                       "multiply by global_batch / base_batch")
        raise Hint(f"for {case}: expected a learning rate of {want_rate:g}, got {rate!r}")
    return "global batch = per-replica x replicas, and the rate grows with it (then warm it up, as the text says)."


@exercise("07.2")
def _reduction_factors(answer):
    """(sgd_factor, adam_factor): how much each update grows when 4 replicas of a global batch of 64 each return
    the mean over their own 16 examples (tf.reduce_mean) instead of dividing the sum by 64."""
    if not isinstance(answer, tuple | list) or len(answer) != 2:
        raise Hint("give the pair (sgd_factor, adam_factor), two numbers")
    if any(a is None for a in answer):
        raise Hint("set both numbers, sgd_factor and adam_factor (your prediction, before you run anything)")
    try:
        sgd, adam = (float(a) for a in answer)
    except (TypeError, ValueError):
        raise Hint(f"two numbers, please: got {answer!r}") from None
    close = lambda a, b: math.isclose(a, b, rel_tol=0.02)  # noqa: E731
    if not close(sgd, 4):
        if close(sgd, 0.25):
            raise Hint("reduce_mean divides by 16 (the replica's own batch), fewer than 64: each replica's loss, and "
                       "so its gradient, is larger than its share, not smaller")
        if close(sgd, 1):
            raise Hint("each replica's mean over 16 examples is about the global mean; the strategy then SUMS the 4 "
                       "replicas' gradients: 4 means add up to 4 times the mean")
        if close(sgd, 16) or close(sgd, 64):
            raise Hint("each replica divides by 16 instead of 64: its gradient is 64/16 = 4 times its share, and the "
                       "sum over replicas is 4 times the right gradient (the factor is the number of replicas)")
        raise Hint(f"sgd_factor = {sgd:g}: compare what each replica divides by (16) with what it should (64); "
                   "SGD's update is the learning rate times the gradient")
    if not close(adam, 1):
        if close(adam, 4):
            raise Hint("Adam divides the running mean of the gradients (m) by the root of the running mean of their "
                       "squares (sqrt(v)): gradients 4 times larger make m 4 times and sqrt(v) 4 times larger")
        if close(adam, 2) or close(adam, 0.25) or close(adam, 16):
            raise Hint("with gradients 4 times larger, v (mean of squares) grows 16 times and sqrt(v) 4 times, as "
                       "m does: work out m / sqrt(v)")
        raise Hint(f"adam_factor = {adam:g}: write Adam's update as m / (sqrt(v) + epsilon) and scale every "
                   "gradient by the sgd_factor you found")
    return ("SGD takes steps 4 times too long, like a learning rate 4 times too high; Adam hardly notices (only its "
            "tiny epsilon sees the scale), which is why this bug often goes unseen until someone switches optimizer.")


def _check_logits_loss(loss) -> None:
    """The loss must be sparse categorical cross-entropy on logits (build_cnn has no softmax; labels are 0..9).
    Only Keras' own losses are judged: a string, a Loss object or a function of keras.losses."""
    import keras

    if isinstance(loss, str):
        name, shown, from_logits = loss, repr(loss), False  # a string always means the default, from_logits=False
    elif isinstance(loss, keras.losses.Loss):
        name = shown = type(loss).__name__
        from_logits = getattr(loss, "from_logits", True)
    elif callable(loss) and getattr(loss, "__module__", "").startswith("keras"):
        name, shown, from_logits = loss.__name__, f"keras.losses.{loss.__name__}", False
    else:
        return  # a loss of the learner's own making: the checks above are what matter here
    if "sparse" not in name.lower():
        labels = "expects one-hot labels, but" if "crossentropy" in name.lower() else "is not for classes:"
        raise Hint(f"the loss {shown} {labels} the labels are class numbers (0 to 9): use "
                   "keras.losses.SparseCategoricalCrossentropy(from_logits=True)")
    if from_logits is not True:
        raise Hint(f"the loss {shown} expects probabilities (from_logits=False), but build_cnn ends in a Dense layer "
                   "without softmax: its outputs are logits, so use SparseCategoricalCrossentropy(from_logits=True)")


@exercise("07.3")
def _under_scope(answer):
    """``build_and_compile(strategy)``: a compiled Keras model whose variables the strategy created."""
    import keras
    import tensorflow as tf

    if isinstance(answer, keras.Model) or not callable(answer):
        raise Hint("pass the function itself (build_and_compile), not a model")
    devices = [d.name for d in tf.config.list_logical_devices("CPU")][:2]
    strategy = tf.distribute.MirroredStrategy(devices, cross_device_ops=tf.distribute.ReductionToOneDevice())
    model = answer(strategy)
    if model is None:
        raise none_returned(answer, "build_and_compile(strategy)")
    if not getattr(model, "weights", None):
        raise Hint("the model has no weights yet: give its first layer an input shape (keras.Input) so the "
                   "variables are created right away, inside the scope")
    outside = [w for w in model.weights if not strategy.extended.variable_created_in_scope(w.value)]
    if outside and isinstance(outside[0].value, tf.distribute.DistributedValues):
        raise Hint(f"the variables, e.g. {outside[0].path}, belong to another strategy than the one passed in: "
                   "build and compile under 'with strategy.scope():', the strategy argument, not a new one")
    if outside:
        raise Hint(f"{len(outside)} variable(s), e.g. {outside[0].path}, were created outside strategy.scope(): "
                   "build the model inside 'with strategy.scope():'")
    if getattr(model, "optimizer", None) is None or not getattr(model, "compiled", False):
        raise Hint("compile the model, inside the scope too (its optimizer's variables belong to the strategy)")
    if any(not strategy.extended.variable_created_in_scope(v.value) for v in model.optimizer.variables):
        raise Hint("the optimizer's variables (the step count, the learning rate, later Adam's moments) were "
                   "created outside strategy.scope(): the model was compiled, or its optimizer made, outside it. "
                   "Create the optimizer and call compile inside the 'with strategy.scope():' block too")
    if not isinstance(model.optimizer, keras.optimizers.Adam):
        raise Hint(f"the optimizer is {type(model.optimizer).__name__}: the exercise asks for Adam "
                   "(keras.optimizers.Adam(1e-3))")
    _check_logits_loss(model.loss)
    return "the model's variables are mirrored: each replica holds a copy, kept equal by the strategy."


@exercise("07.4")
def _replica_loss(answer):
    """``replica_loss(per_example, global_batch)``: this replica's share of the global mean loss."""
    import numpy as np
    import tensorflow as tf

    if not callable(answer):
        raise Hint("pass the function itself (replica_loss), not a number")
    rng = np.random.default_rng(7)
    for replicas, per_replica in ((2, 32), (4, 16), (8, 8)):
        global_batch = replicas * per_replica
        per_example = tf.constant(rng.uniform(0.1, 3.0, global_batch).astype("float32"))
        shares = [answer(per_example[i * per_replica:(i + 1) * per_replica], global_batch)
                  for i in range(replicas)]
        if any(s is None for s in shares):
            raise none_returned(answer, "replica_loss(per_example, global_batch)")
        if any(tf.rank(s) != 0 for s in shares):
            shape = tuple(tf.convert_to_tensor(shares[0]).shape)
            raise Hint(f"return one number per replica (a scalar), not shape {shape}: sum the per-example losses, "
                       "then divide")
        total = float(sum(float(tf.reduce_sum(s)) for s in shares))
        want = float(tf.reduce_mean(per_example))
        if math.isclose(total, want * replicas, rel_tol=1e-5):
            raise Hint("the replicas' losses add up to N times the mean: divide by the GLOBAL batch, not the "
                       "replica's own batch (reduce_mean divides by the local batch)")
        if math.isclose(total, want * replicas / global_batch, rel_tol=1e-5):
            raise Hint("you divided twice: reduce_mean already divides by the replica's own batch, and then you "
                       "divided by the global batch. Sum the losses (tf.reduce_sum), then divide once, by global_batch")
        if math.isclose(total, want * global_batch, rel_tol=1e-5):
            raise Hint("that is the sum of the losses: divide it by the global batch size")
        if not math.isclose(total, want, rel_tol=1e-5):
            raise Hint(f"summed over {replicas} replicas the shares give {total:.5f}, but the global mean loss "
                       f"is {want:.5f}")
    return "summed over replicas (as the all-reduce sums gradients), the shares give the mean over the global batch."
