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


# Exercise 07.3's snippets that fit refuses, and why (tests/test_checks_nb07.py runs them under a real strategy).
_SNIPPET_FAULTS = {
    "B": "B builds the model before the scope: build_cnn() creates its kernels and biases there, one plain copy each",
    "C": "C compiles outside the scope: compile() creates the optimizer's variables (iteration, learning_rate) and "
         "the loss tracker's (total, count) where it runs",
    "D": "D creates Adam before the scope: its constructor creates the iteration and learning_rate variables there",
}


@exercise("07.3")
def _which_snippets_train(answer):
    """``trains``: the letters of the snippets whose every variable the strategy creates (A and E)."""
    if isinstance(answer, str):
        letters = {c for c in answer.upper() if c.isalpha()}
    elif isinstance(answer, set | frozenset | list | tuple):
        letters = {str(a).strip().upper() for a in answer}
    else:
        raise Hint(f"give a set of letters such as {{'A', 'B'}}, not a {type(answer).__name__}")
    if unknown := sorted(letters - set("ABCDE")):
        raise Hint(f"the snippets are A to E; {', '.join(unknown)} is not one of them")
    if faulty := sorted(letters & _SNIPPET_FAULTS.keys()):
        raise Hint(f"{_SNIPPET_FAULTS[faulty[0]]}, outside the strategy: fit stops with a RuntimeError")
    if "A" not in letters:
        raise Hint("A builds and compiles inside the scope: the model's, the optimizer's and the loss tracker's "
                   "variables are all the strategy's")
    if "E" not in letters:
        raise Hint("E: load_model creates the model's variables when it runs, here inside the scope, as build_cnn() "
                   "does in A; compile then follows inside too")
    return ("A and E: every variable (the model's, the optimizer's, the loss tracker's) is created under the scope. "
            "Keras 3's fit refuses B, C and D with a RuntimeError instead of training them wrong.")


# (examples in the epoch, global batch): the last step's batch is n % global_batch, or a full one
_LAST_STEP_CASES = ((4_000, 64), (4_096, 64), (100, 64), (10, 64), (1_000, 256), (130, 64))


@exercise("07.4")
def _last_step_divisor(answer):
    """``last_step_divisor(n_examples, global_batch)``: the examples in the epoch's last global batch."""
    if not callable(answer):
        raise Hint("pass the function itself (last_step_divisor), not a number")
    for n, batch in _LAST_STEP_CASES:
        got = answer(n, batch)
        if got is None:
            raise none_returned(answer, f"last_step_divisor({n}, {batch})")
        want = n % batch or batch
        case = f"for {n:,} examples in global batches of {batch}"
        try:
            if math.isclose(float(got), want):
                continue
        except (TypeError, ValueError):
            raise Hint(f"return one number, got {got!r}") from None
        if got == batch:
            raise Hint(f"{case} the last global batch holds only {n} % {batch} = {want} examples: dividing by "
                       f"{batch} makes that step's loss and gradient {want}/{batch} of the mean's")
        if got == 0:
            raise Hint(f"{case} every batch is full: n % global_batch is 0 there, and the last step holds "
                       f"{batch} examples")
        if got == n:
            raise Hint(f"{case}: divide by the examples of that step, not of the whole epoch")
        if got == n // batch:
            raise Hint(f"{case}: n // global_batch = {n // batch} counts the full steps; the last step holds the "
                       f"remainder, n % global_batch")
        raise Hint(f"{case} the last step holds {want} examples, got {got!r}")
    return ("divide by the examples in that step, over all replicas. tf.nn.compute_average_loss without "
            "global_batch_size takes replicas x this replica's count: right only when the step splits evenly.")
