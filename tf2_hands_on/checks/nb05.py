"""Checkers for notebook 05's exercises."""

from __future__ import annotations

import functools
import re

from tf2_hands_on.exercises import Hint, exercise, none_returned, source

_DECODE_S = 0.01  # 05.2: what decoding one file costs in the check

_DATASET_METHODS = {"shuffle", "batch", "map", "cache", "prefetch", "repeat", "take", "skip", "filter", "unbatch"}


def _dataset(answer_result, what: str, function):
    import tensorflow as tf

    if answer_result is None:
        raise none_returned(function, what)
    if not isinstance(answer_result, tf.data.Dataset):
        raise Hint(f"{what} must return a tf.data.Dataset, not a {type(answer_result).__name__}")
    if int(answer_result.cardinality()) == int(tf.data.INFINITE_CARDINALITY):
        raise Hint(f"{what} never ends: leave out repeat(), so that one pass over it is one epoch")
    return answer_result


def _nodes(function) -> list:
    """Every ast node of a function's source ([] when it cannot be read)."""
    import ast

    try:
        return list(ast.walk(ast.parse(source(function))))
    except SyntaxError:
        return []


def _first_arguments(function, method: str) -> list[str]:
    """The first argument of each ``.method(...)`` call in a function's source, as written."""
    import ast

    return [ast.unparse(node.args[0]) for node in _nodes(function) if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute) and node.func.attr == method and node.args]


def _thrown_away(function) -> list[str]:
    """Dataset method calls on a line of their own, e.g. ``dataset.batch(32)``: their new dataset is lost.
    (``np.random.shuffle(x)`` and ``rng.shuffle(x)`` work in place: they are not among them.)"""
    import ast

    return [ast.unparse(node) for node in _nodes(function) if isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Attribute)
            and node.value.func.attr in _DATASET_METHODS
            and not re.search(r"random|rng", ast.unparse(node.value.func.value))]


def _names_lost_datasets(checker):
    """When a check fails, a dataset call whose result the answer threw away is the mistake to name."""

    @functools.wraps(checker)
    def check(answer):
        try:
            return checker(answer)
        except (Hint, AssertionError) as failed:
            if "returned None" in str(failed):  # none_returned's hint names a last line that lacks its return
                raise
            lost = [line for f in (answer if isinstance(answer, tuple) else (answer,)) if callable(f)
                    for line in _thrown_away(f)]
            if not lost:
                raise
            where = "on a line of its own changes" if len(lost) == 1 else "on lines of their own change"
            raise Hint(f"{' and '.join(lost)} {where} nothing: dataset methods never modify a dataset, they return a "
                       "new dataset, which is lost here. Assign it (dataset = dataset.batch(...)) or chain the "
                       "calls") from None

    return check


def _same_order_hint(make_batches) -> str:
    """Why every epoch of the answer's pipeline has the same order, from its source."""
    code = re.sub(r"\s+", "", source(make_batches))
    if "reshuffle_each_iteration=False" in code:
        return ("both epochs have the same order: reshuffle_each_iteration=False replays the first order every "
                "epoch. Leave it out (True is the default)")
    tool = ("tf.random.shuffle" if "tf.random.shuffle" in code else
            "NumPy" if re.search(r"np\.random\.|numpy\.random\.|default_rng|permutation", code) else
            "Python's random" if re.search(r"random\.(shuffle|sample)", code) else "")
    if tool:
        return (f"both epochs have the same order: you shuffled the examples once, with {tool}, before they became a "
                "dataset, so every epoch replays that order. Use dataset.shuffle(...), which draws a new order each "
                "epoch")
    shuffle = re.search(r"(?<!random)(?<!rng)\.shuffle\(", code)
    if shuffle and ".cache(" in code[shuffle.end():]:
        return ("both epochs have the same order: cache() after shuffle() stores the first epoch's order and "
                "replays it. Leave cache() out, or put it before shuffle()")
    return ("both epochs have the same order: dataset.shuffle() draws a new order every epoch unless something "
            "fixes it (reshuffle_each_iteration=False, a cache() after it, or shuffling outside the dataset)")


@exercise("05.1")
@_names_lost_datasets
def _shuffle_then_batch(answer):
    """``make_batches(ds, batch_size)``: shuffle the examples (well mixed, anew each epoch), then batch."""
    import numpy as np
    import tensorflow as tf

    if not callable(answer):
        raise Hint("pass the function itself (make_batches), not the result of calling it")
    n, batch_size = 240, 12
    given = tf.data.Dataset.range(n)
    ds = _dataset(answer(given, batch_size), "make_batches(ds, batch_size)", answer)
    if ds is given:
        raise Hint("make_batches returned the dataset it was given, unchanged: dataset methods never modify a dataset, "
                   "they return a new one. Return dataset.shuffle(...).batch(...)")
    epochs = []
    for _ in range(2):
        batches = [np.asarray(b) for b in ds]
        if not batches or batches[0].ndim != 1:
            raise Hint(f"each element should be a batch of {batch_size} numbers, i.e. batch after shuffling; "
                       f"the first element has shape {batches[0].shape if batches else 'none (empty dataset)'}")
        if any(len(b) != batch_size for b in batches[:-1]):
            raise Hint(f"use batch_size ({batch_size}) for every batch")
        epochs.append(np.concatenate(batches))
    first = epochs[0]
    if sorted(first.tolist()) != list(range(n)):
        raise Hint(f"one epoch must contain every example exactly once; got {len(first)} values for {n} examples "
                   f"(no repeat() or take() here)")
    if (first == np.arange(n)).all():
        raise Hint("the examples come out in their original order: add shuffle()")
    blocks = first.reshape(-1, batch_size)
    if all((np.sort(b) == np.arange(b.min(), b.min() + batch_size)).all() for b in blocks):
        raise Hint("each batch holds consecutive examples: you shuffle whole batches. Shuffle first, then batch")
    if (epochs[0] == epochs[1]).all():
        raise Hint(_same_order_hint(answer))
    # A buffer of b elements can only output, in the first batch, examples among the first b + batch_size - 1.
    # With a buffer as large as the dataset, an example from the last quarter is in the first batch of one of
    # three epochs with probability 1 - 3e-5; with a buffer of fewer than 169 of the 240, never.
    epochs.append(np.concatenate([np.asarray(b) for b in ds]))
    if not any((e[:batch_size] >= 3 * n // 4).any() for e in epochs):
        buffers = _first_arguments(answer, "shuffle")
        yours = f"shuffle({buffers[0]}) has a buffer too small for {n} examples" if buffers else "the buffer is small"
        raise Hint(f"the order is barely mixed: {yours}. A shuffle buffer only mixes the examples that fit in it, so "
                   "the first batches never reach the end of the data. Make the buffer as large as the dataset "
                   "(dataset.cardinality())")
    return "examples are shuffled, then batched, and every epoch sees a new order."


@exercise("05.2")
@_names_lost_datasets
def _cache_position(answer):
    """``build(files, decode, augment, batch_size)``: decode once (cached, in parallel), augment afresh every
    epoch, batches prepared ahead; the verdict reports how much faster than the slow pipeline it runs."""
    import time

    import numpy as np
    import tensorflow as tf

    if not callable(answer):
        raise Hint("pass the function itself (build), not the result of calling it")
    n, batch_size = 6, 4
    calls, spans = [], []  # the files decoded, and when each decoding started and ended

    def slow_decode(name):
        calls.append(bytes(name.numpy()))
        start = time.perf_counter()
        time.sleep(_DECODE_S)  # an expensive decoding: a pause that leaves the GIL, so parallel calls overlap
        spans.append((start, time.perf_counter()))
        return tf.fill((3,), tf.cast(tf.strings.length(name), tf.float32))

    def decode(name):
        out = tf.py_function(slow_decode, [name], tf.float32)
        out.set_shape((3,))
        return out

    rng = tf.random.Generator.from_seed(0)  # its state lives outside the pipeline: new numbers every epoch

    def augment(x):
        return x + rng.uniform((3,), 0.0, 1.0)

    files = tf.data.Dataset.from_tensor_slices([f"img{'x' * i}.jpg" for i in range(n)])
    ds = _dataset(answer(files, decode, augment, batch_size), "build(files, decode, augment, batch_size)", answer)
    epochs = []
    for _ in range(3):
        batches = [np.asarray(b) for b in ds]
        if not batches:
            raise Hint("the pipeline yields nothing: start from files and map decode over it")
        if batches[0].ndim != 2 or batches[0].shape[0] != min(batch_size, n):
            raise Hint(f"batch the examples with .batch(batch_size) (here {batch_size}): the first element has shape "
                       f"{batches[0].shape}, expected ({batch_size}, 3)")
        epochs.append(np.concatenate(batches))
    if len(epochs[0]) != n:
        raise Hint(f"an epoch should hold the {n} files once each, found {len(epochs[0])} examples")
    bases = np.floor(epochs[0][:, 0])
    if sorted(bases.tolist()) != sorted(float(len(f"img{'x' * i}.jpg")) for i in range(n)):
        raise Hint("apply decode and then augment to each file, once each")
    if not calls:
        raise Hint("decode never ran: a cache file from an earlier run was reused (a file cache is never "
                   "invalidated). Use cache() in memory here, or delete that file")
    if len(calls) >= 3 * n:
        ran = f"decode ran {len(calls)} times in 3 epochs for {n} files"
        body = re.sub(r"\s+", "", source(answer)).partition(":")[2]  # after the def line, which names decode too
        if ".cache(" not in body:
            raise Hint(f"{ran}: with no cache() the expensive step runs every epoch: add cache() right after "
                       "map(decode)")
        if body.find(".cache(") < body.find("decode"):
            raise Hint(f"{ran} although you call cache(): it comes before map(decode), so it caches the file names, "
                       "not the decoded images. Put it right after map(decode)")
        raise Hint(f"{ran}: put cache() right after map(decode), so the expensive step runs in the first epoch only")
    in_file_order = [e[np.argsort(e[:, 0])] for e in epochs]  # the same file in the same row, even if shuffled
    if np.allclose(in_file_order[0], in_file_order[1]) and np.allclose(in_file_order[1], in_file_order[2]):
        if "map(augment" not in re.sub(r"\s+", "", source(answer)):
            raise Hint("every epoch sees the same 'random' augmentation: decode and augment run in the same map(), so "
                       "cache() stores augmented images. Use map(decode), then cache(), then map(augment)")
        raise Hint("every epoch sees the same 'random' augmentation: the cache stores augmented images. "
                   "Put cache() before map(augment)")
    assert len(calls) == n, f"decode should run once per file ({n} times) over 3 epochs; it ran {len(calls)} times."
    body = re.sub(r"\s+", "", source(answer)).partition(":")[2]

    def three_epochs(dataset):
        start = time.perf_counter()
        for _ in range(3):
            for _ in dataset:
                pass
        return time.perf_counter() - start

    many = tf.data.Dataset.from_tensor_slices([f"img{'x' * (i % n)}.jpg" for i in range(4 * n)])
    fast = three_epochs(answer(many, decode, augment, batch_size))  # a new pipeline: its cache starts empty
    spans.sort()
    overlapped = any(later < earlier_end - 1e-4 for (_, earlier_end), (later, _) in zip(spans, spans[1:], strict=False))
    from tf2_hands_on import environment

    one_core = environment.cpu_cores() == 1 and "num_parallel_calls" in body  # AUTOTUNE may decode one by one
    if not (overlapped or one_core):
        raise Hint("decode runs on one file at a time (no two decodings overlapped in time): "
                   "map(decode, num_parallel_calls=tf.data.AUTOTUNE) decodes several at once, on all the cores")
    if ".prefetch(" not in body:
        raise Hint("nothing prepares batches ahead of time: end the pipeline with .prefetch(tf.data.AUTOTUNE), so "
                   "the next batches are ready while the accelerator trains on this one")

    slow = three_epochs(many.map(decode).map(augment).batch(batch_size))
    return (f"decoding runs once, in parallel, and is cached; augmentation is fresh every epoch. Three epochs of "
            f"{4 * n} files took {fast:.2f} s against the slow pipeline's {slow:.2f} s ({slow / fast:.1f}x).")


def _image_bytes_hint(stored: bytes, image) -> str:
    """Why the bytes stored as 'image' are not ``image.tobytes()``: what the writer stored instead."""
    import tensorflow as tf

    per_pixel, rest = divmod(len(stored), image.size)
    if not rest and per_pixel in (2, 4, 8):
        became = {2: "float16 or int16", 4: "float32 or int32", 8: "float64 or int64"}[per_pixel]
        return (f"the 'image' feature holds {len(stored)} bytes, {per_pixel} per pixel: the image became {became} "
                f"before tobytes(). Store the uint8 image's own bytes, image.tobytes() ({image.size} bytes)")
    try:
        tf.io.parse_tensor(stored, tf.uint8)
        return ("the 'image' bytes are in tf.io.serialize_tensor's format (a TensorProto, with a header): store the "
                f"{image.size} raw bytes, image.tobytes(), which tf.io.decode_raw reads back")
    except tf.errors.InvalidArgumentError:
        pass
    return (f"the 'image' feature holds {len(stored)} bytes that are not the image's pixels: store image.tobytes() "
            f"(28 * 28 = {image.size} bytes)")


_LISTS = {"bytes_list": "a BytesList", "int64_list": "an Int64List", "float_list": "a FloatList"}


def _check_written(path: str, images, labels) -> None:
    """The file at ``path`` holds one serialised tf.train.Example per image: raw "image" bytes, an int64 "label"."""
    import tensorflow as tf

    raw = list(tf.data.TFRecordDataset(path))
    if len(raw) != len(images):
        raise Hint(f"write one record per image: the file holds {len(raw)} records for {len(images)} images")
    example = tf.train.Example()
    try:
        example.ParseFromString(raw[0].numpy())
    except Exception:
        raise Hint("each record must be a serialised tf.train.Example (example.SerializeToString())") from None
    features = example.features.feature
    if set(features) != {"image", "label"}:
        raise Hint(f"use exactly two features named 'image' and 'label'; found {sorted(features)}")
    image_kind, label_kind = (features[name].WhichOneof("kind") for name in ("image", "label"))
    if image_kind != "bytes_list":
        count = len(getattr(features["image"], image_kind).value) if image_kind else 0
        raise Hint(f"'image' is stored as {_LISTS.get(image_kind, 'no list')} of {count} values: store the pixels as "
                   "one bytes value, BytesList(value=[image.tobytes()])")
    if label_kind != "int64_list":
        raise Hint(f"'label' is stored as {_LISTS.get(label_kind, 'no list')}: store the label as an integer, "
                   "Int64List(value=[int(label)])")
    if features["image"].bytes_list.value[0] != images[0].tobytes():
        raise Hint(_image_bytes_hint(features["image"].bytes_list.value[0], images[0]))
    if features["label"].int64_list.value[:] != [int(labels[0])]:
        raise Hint(f"the first record's label is {features['label'].int64_list.value[:]}, not [{int(labels[0])}]")


@exercise("05.3")
@_names_lost_datasets
def _tfrecord(answer):
    """``(write_records, read_records)``: tf.train.Example with raw uint8 "image" bytes and an int64 "label"."""
    import shutil
    import tempfile
    from pathlib import Path

    import numpy as np
    import tensorflow as tf

    if not (isinstance(answer, tuple) and len(answer) == 2 and all(callable(f) for f in answer)):
        raise Hint("pass both functions as a pair: (write_records, read_records)")
    write_records, read_records = answer
    rng = np.random.default_rng(5)
    images = rng.integers(0, 256, size=(7, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=7)
    folder = Path(tempfile.mkdtemp(prefix="check05_3_"))
    try:
        path = str(folder / "check.tfrecord")
        try:
            write_records(path, images, labels)
        except TypeError as e:
            if "write()" not in str(e):
                raise
            raise Hint("writer.write() takes the record's bytes, not the tf.train.Example itself: write "
                       "example.SerializeToString()") from None
        if not Path(path).is_file():
            raise Hint("write_records(path, images, labels) must create the file at path (tf.io.TFRecordWriter)")
        _check_written(path, images, labels)
        ds = _dataset(read_records(path), "read_records(path)", read_records)
        try:
            pairs = list(ds)
        except tf.errors.InvalidArgumentError as e:
            sizes = re.search(r"tensor with (\d+) values, but the requested shape has (\d+)", str(e))
            if not sizes or int(sizes[2]) % int(sizes[1]):
                raise
            raise Hint(f"reading failed: decode_raw made {sizes[1]} values of each {sizes[2]}-byte image, "
                       f"{int(sizes[2]) // int(sizes[1])} bytes per value. Decode with tf.uint8, one byte per "
                       "pixel") from None
        if len(pairs) != len(images):
            raise Hint(f"read_records should yield one (image, label) pair per record, got {len(pairs)}")
        if not (isinstance(pairs[0], tuple) and len(pairs[0]) == 2):
            raise Hint("each element of read_records(path) should be a pair (image, label)")
        for (image, label), want_image, want_label in zip(pairs, images, labels, strict=True):
            if image.dtype != tf.uint8:
                raise Hint(f"decode the bytes with tf.io.decode_raw(..., tf.uint8); the image came back as "
                           f"{image.dtype.name}")
            if tuple(image.shape) != (28, 28):
                raise Hint(f"reshape each image to (28, 28); got {tuple(image.shape)}")
            assert (image.numpy() == want_image).all(), "an image read back differs from the one written."
            assert int(label) == int(want_label), "a label read back differs from the one written."
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return "the records round-trip: raw uint8 pixels and int64 labels in tf.train.Example."
