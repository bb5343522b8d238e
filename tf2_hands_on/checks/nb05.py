"""Checkers for notebook 05's exercises."""

from __future__ import annotations

from tf2_hands_on.exercises import Hint, exercise


def _dataset(answer_result, what: str):
    import tensorflow as tf

    if answer_result is None:
        raise Hint(f"{what} returned None: replace the stub's 'return None' with your pipeline")
    if not isinstance(answer_result, tf.data.Dataset):
        raise Hint(f"{what} must return a tf.data.Dataset, not a {type(answer_result).__name__}")
    if int(answer_result.cardinality()) == int(tf.data.INFINITE_CARDINALITY):
        raise Hint(f"{what} never ends: leave out repeat(), so that one pass over it is one epoch")
    return answer_result


@exercise("05.1")
def _shuffle_then_batch(answer):
    """``make_batches(ds, batch_size)``: shuffle the examples (well mixed, anew each epoch), then batch."""
    import numpy as np
    import tensorflow as tf

    if not callable(answer):
        raise Hint("pass the function itself (make_batches), not the result of calling it")
    n, batch_size = 240, 12
    ds = _dataset(answer(tf.data.Dataset.range(n), batch_size), "make_batches(ds, batch_size)")
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
        raise Hint("both epochs have the same order: keep reshuffle_each_iteration=True (the default)")
    # A buffer of b elements can only output, in the first batch, examples among the first b + batch_size - 1.
    # With a buffer as large as the dataset, an example from the last quarter is in the first batch of one of
    # three epochs with probability 1 - 3e-5; with a buffer of fewer than 169 of the 240, never.
    epochs.append(np.concatenate([np.asarray(b) for b in ds]))
    if not any((e[:batch_size] >= 3 * n // 4).any() for e in epochs):
        raise Hint("the order is barely mixed: a shuffle buffer only mixes the examples that fit in it, so the first "
                   "batches never reach the end of the data. Make the buffer as large as the dataset "
                   "(dataset.cardinality())")
    return "examples are shuffled, then batched, and every epoch sees a new order."


@exercise("05.2")
def _cache_position(answer):
    """``build(files, decode, augment, batch_size)``: decode once (cached), augment afresh every epoch."""
    import numpy as np
    import tensorflow as tf

    if not callable(answer):
        raise Hint("pass the function itself (build), not the result of calling it")
    n, batch_size = 6, 4
    calls = []

    def slow_decode(name):
        calls.append(bytes(name.numpy()))
        return tf.fill((3,), tf.cast(tf.strings.length(name), tf.float32))

    def decode(name):
        out = tf.py_function(slow_decode, [name], tf.float32)
        out.set_shape((3,))
        return out

    rng = tf.random.Generator.from_seed(0)  # its state lives outside the pipeline: new numbers every epoch

    def augment(x):
        return x + rng.uniform((3,), 0.0, 1.0)

    files = tf.data.Dataset.from_tensor_slices([f"img{'x' * i}.jpg" for i in range(n)])
    ds = _dataset(answer(files, decode, augment, batch_size), "build(files, decode, augment, batch_size)")
    epochs = []
    for _ in range(3):
        batches = [np.asarray(b) for b in ds]
        if not batches:
            raise Hint("the pipeline yields nothing: start from files and map decode over it")
        if batches[0].ndim != 2 or batches[0].shape[0] != min(batch_size, n):
            raise Hint(f"batch the examples (batch_size={batch_size}): the first element has shape "
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
        raise Hint(f"decode ran {len(calls)} times in 3 epochs for {n} files: add cache() right after decoding, so "
                   "the expensive step runs in the first epoch only")
    in_file_order = [e[np.argsort(e[:, 0])] for e in epochs]  # the same file in the same row, even if shuffled
    if np.allclose(in_file_order[0], in_file_order[1]) and np.allclose(in_file_order[1], in_file_order[2]):
        raise Hint("every epoch sees the same 'random' augmentation: the cache stores augmented images. "
                   "Put cache() before map(augment)")
    assert len(calls) == n, f"decode should run once per file ({n} times) over 3 epochs; it ran {len(calls)} times."
    return "decoding runs once and is cached; augmentation is fresh every epoch."


@exercise("05.3")
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
        write_records(path, images, labels)
        if not Path(path).is_file():
            raise Hint("write_records(path, images, labels) must create the file at path (tf.io.TFRecordWriter)")
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
        if features["image"].WhichOneof("kind") != "bytes_list":
            raise Hint("store 'image' as a BytesList holding image.tobytes()")
        if features["label"].WhichOneof("kind") != "int64_list":
            raise Hint("store 'label' as an Int64List")
        if features["image"].bytes_list.value[0] != images[0].tobytes():
            raise Hint("the 'image' bytes should be the raw pixels, image.tobytes() (28 * 28 = 784 bytes)")
        ds = _dataset(read_records(path), "read_records(path)")
        pairs = list(ds)
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
