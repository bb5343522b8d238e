"""Plausible wrong answers to notebook 07's exercises (distributed training)."""

from __future__ import annotations


from tests.wrong_answers import Wrong

# 07.1: scale(per_replica_batch, replicas, base_lr, base_batch) -> (global_batch, learning_rate)


def _prints():
    def scale(per_replica_batch, replicas, base_lr, base_batch):
        global_batch = per_replica_batch * replicas
        print(global_batch, base_lr * global_batch / base_batch)
    return scale


def _rate_unchanged():
    def scale(per_replica_batch, replicas, base_lr, base_batch):
        return per_replica_batch * replicas, base_lr
    return scale


def _rate_times_replicas():
    def scale(per_replica_batch, replicas, base_lr, base_batch):
        return per_replica_batch * replicas, base_lr * replicas
    return scale


def _square_root_rule():
    def scale(per_replica_batch, replicas, base_lr, base_batch):
        global_batch = per_replica_batch * replicas
        return global_batch, base_lr * (global_batch / base_batch) ** 0.5
    return scale


def _ratio_inverted():
    def scale(per_replica_batch, replicas, base_lr, base_batch):
        global_batch = per_replica_batch * replicas
        return global_batch, base_lr * base_batch / global_batch
    return scale


def _swapped_pair():
    def scale(per_replica_batch, replicas, base_lr, base_batch):
        global_batch = per_replica_batch * replicas
        return base_lr * global_batch / base_batch, global_batch
    return scale


def _integer_division():
    def scale(per_replica_batch, replicas, base_lr, base_batch):
        global_batch = per_replica_batch * replicas
        return global_batch, base_lr * (global_batch // base_batch)
    return scale


def _a_dict():
    def scale(per_replica_batch, replicas, base_lr, base_batch):
        global_batch = per_replica_batch * replicas
        return {"global_batch": global_batch, "learning_rate": base_lr * global_batch / base_batch}
    return scale


# 07.2: (sgd_factor, adam_factor) when each replica returns the mean over its own batch


# 07.3: trains, the letters of the snippets that train under the strategy (A and E)
# 07.4: last_step_divisor(n_examples, global_batch)


def _full_batch():
    def last_step_divisor(n_examples, global_batch):
        return global_batch
    return last_step_divisor


def _remainder_only():
    def last_step_divisor(n_examples, global_batch):
        return n_examples % global_batch
    return last_step_divisor


def _whole_epoch():
    def last_step_divisor(n_examples, global_batch):
        return n_examples
    return last_step_divisor


def _full_steps():
    def last_step_divisor(n_examples, global_batch):
        return n_examples // global_batch
    return last_step_divisor


def _divisor_no_return():
    def last_step_divisor(n_examples, global_batch):
        divisor = n_examples % global_batch or global_batch  # noqa: F841 (the mistake: never returned)
    return last_step_divisor


CORPUS = [
    Wrong("07.1", "prints instead of returning", _prints, ("no return statement", "print(")),
    Wrong("07.1", "learning rate unchanged", _rate_unchanged, ("scales the rate with the batch",)),
    Wrong("07.1", "rate times replicas", _rate_times_replicas, ("not by the number of replicas",)),
    Wrong("07.1", "square-root rule", _square_root_rule, ("square-root rule", "linear rule")),
    Wrong("07.1", "ratio inverted", _ratio_inverted, ("base_batch / global_batch", "grows")),
    Wrong("07.1", "pair swapped", _swapped_pair, ("wrong way round",)),
    Wrong("07.1", "integer division", _integer_division, ("//", "rounds down")),
    Wrong("07.1", "returns a dict", _a_dict, ("a pair", "dict")),
    Wrong("07.2", "left unanswered", lambda: (None, None), ("both numbers",)),
    Wrong("07.2", "smaller, not larger", lambda: (0.25, 0.25), ("larger than its share",)),
    Wrong("07.2", "means are already right", lambda: (1, 1), ("SUMS", "4 times the mean")),
    Wrong("07.2", "the per-replica batch as the factor", lambda: (16, 1), ("64/16", "number of replicas")),
    Wrong("07.2", "Adam scales like SGD", lambda: (4, 4), ("sqrt(v)", "m 4 times")),
    Wrong("07.2", "Adam by the square root", lambda: (4, 2), ("sqrt(v) 4 times", "m / sqrt(v)")),
    Wrong("07.2", "one number only", lambda: 4, ("the pair",)),
    Wrong("07.3", "the model built outside is fine", lambda: {"A", "B", "E"}, ("before the scope",)),
    Wrong("07.3", "compile may come after the scope", lambda: {"A", "C", "E"}, ("compiles outside", "loss tracker")),
    Wrong("07.3", "the optimizer may come from outside", lambda: "ADE", ("constructor", "iteration")),
    Wrong("07.3", "a loaded model is not mirrored", lambda: {"A"}, ("load_model", "inside the scope")),
    Wrong("07.3", "a letter that is not there", lambda: ["A", "E", "F"], ("A to E",)),
    Wrong("07.4", "the full global batch", _full_batch, ("holds only", "examples")),
    Wrong("07.4", "the remainder, 0 when even", _remainder_only, ("is 0 there",)),
    Wrong("07.4", "the whole epoch", _whole_epoch, ("whole epoch",)),
    Wrong("07.4", "the number of full steps", _full_steps, ("full steps",)),
    Wrong("07.4", "no return statement", _divisor_no_return, ("no return statement",)),
]
