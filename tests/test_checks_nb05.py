"""Notebook 05's exercise checkers: reference answers pass, the common mistakes get their hint."""

from __future__ import annotations

import tensorflow as tf

from tf2_hands_on import exercises


def verdict(exercise_id, answer):
    return exercises.check(exercise_id, answer, quiet=True)


def test_05_1_shuffle_then_batch():
    assert verdict("05.1", lambda ds, b: ds.shuffle(ds.cardinality()).batch(b))
    assert "returned None" in verdict("05.1", lambda ds, b: None).message
    assert "shuffle whole batches" in verdict("05.1", lambda ds, b: ds.batch(b).shuffle(100)).message
    assert "original order" in verdict("05.1", lambda ds, b: ds.batch(b)).message
    assert "barely mixed" in verdict("05.1", lambda ds, b: ds.shuffle(8).batch(b)).message
    for _ in range(5):  # a buffer of 100 for 240 examples is rejected every time, not at random
        assert "barely mixed" in verdict("05.1", lambda ds, b: ds.shuffle(100).batch(b)).message
    assert "never ends" in verdict("05.1", lambda ds, b: ds.shuffle(1000).batch(b).repeat()).message
    assert "same order" in verdict(
        "05.1", lambda ds, b: ds.shuffle(1000, seed=1, reshuffle_each_iteration=False).batch(b)).message
    assert "batch after shuffling" in verdict("05.1", lambda ds, b: ds.shuffle(1000)).message
    assert "exactly once" in verdict("05.1", lambda ds, b: ds.repeat(2).shuffle(1000).batch(b)).message
    assert "tf.data.Dataset" in verdict("05.1", lambda ds, b: [1, 2]).message


def test_05_2_cache_position():
    fast = verdict("05.2", lambda files, decode, augment, b: files.map(decode, num_parallel_calls=tf.data.AUTOTUNE)
                   .cache().map(augment).batch(b).prefetch(tf.data.AUTOTUNE))
    assert fast and "slow pipeline's" in fast.message
    assert "prefetch" in verdict("05.2", lambda files, decode, augment, b: files.map(decode, num_parallel_calls=4)
                                 .cache().map(augment).batch(b)).message
    assert "num_parallel_calls" in verdict(
        "05.2", lambda files, decode, augment, b: files.map(decode).cache().map(augment).batch(b).prefetch(2)).message
    assert "add cache()" in verdict("05.2", lambda files, decode, augment, b: files.map(decode).map(augment).batch(b)).message
    assert "Put cache() before" in verdict(
        "05.2", lambda files, decode, augment, b: files.map(decode).map(augment).cache().batch(b)).message
    assert "Put cache() before" in verdict(
        "05.2", lambda files, decode, augment, b: files.map(decode).map(augment).batch(b).cache()).message
    assert "batch the examples" in verdict("05.2", lambda files, decode, augment, b: files.map(decode).cache()).message
    assert "Put cache() before" in verdict(  # frozen augmentation, hidden by a shuffle after the cache
        "05.2", lambda files, decode, augment, b: files.map(decode).map(augment).cache().shuffle(6).batch(b)).message
    assert verdict("05.2", lambda files, decode, augment, b: files.map(decode, num_parallel_calls=2).cache().shuffle(6)
                   .map(augment).batch(b).prefetch(1))
    # parallelism is judged from the decodings overlapping in time, however the map is written
    assert verdict("05.2", lambda files, decode, augment, b: files.map(map_func=decode, num_parallel_calls=-1)
                   .cache().map(augment).batch(b).prefetch(1))
    assert verdict("05.2", lambda files, decode, augment, b: files.map(lambda f: decode(f), num_parallel_calls=2)
                   .cache().map(augment).batch(b).prefetch(1))
    assert "overlapped" in verdict("05.2", lambda files, decode, augment, b: files.map(decode, num_parallel_calls=1)
                                   .cache().map(augment).batch(b).prefetch(1)).message


def test_05_2_reused_cache_file(tmp_path):
    def build(files, decode, augment, b):
        return files.map(decode, num_parallel_calls=2).cache(str(tmp_path / "decoded")).map(augment).batch(b).prefetch(1)

    assert verdict("05.2", build)  # the first time, the file cache is written
    assert "cache file from an earlier run" in verdict("05.2", build).message


def int64_label(label):
    return tf.train.Feature(int64_list=tf.train.Int64List(value=[int(label)]))


def float_label(label):
    return tf.train.Feature(float_list=tf.train.FloatList(value=[float(label)]))


def write_good(path, images, labels, label_feature=int64_label):
    with tf.io.TFRecordWriter(path) as writer:
        for image, label in zip(images, labels, strict=True):
            example = tf.train.Example(features=tf.train.Features(feature={
                "image": tf.train.Feature(bytes_list=tf.train.BytesList(value=[image.tobytes()])),
                "label": label_feature(label),
            }))
            writer.write(example.SerializeToString())


def read_good(path, dtype=tf.uint8, shape=(28, 28)):
    spec = {"image": tf.io.FixedLenFeature([], tf.string), "label": tf.io.FixedLenFeature([], tf.int64)}

    def parse(record):
        features = tf.io.parse_single_example(record, spec)
        return tf.reshape(tf.io.decode_raw(features["image"], dtype), shape), features["label"]

    return tf.data.TFRecordDataset(path).map(parse)


def test_05_3_tfrecord():
    assert verdict("05.3", (write_good, read_good))
    assert "pair" in verdict("05.3", write_good).message
    assert "(28, 28)" in verdict("05.3", (write_good, lambda p: read_good(p, shape=(784,)))).message

    def write_float_labels(path, images, labels):
        write_good(path, images, labels, label_feature=float_label)

    def write_nothing(path, images, labels):
        return None

    assert "Int64List" in verdict("05.3", (write_float_labels, read_good)).message
    assert "create the file" in verdict("05.3", (write_nothing, read_good)).message
