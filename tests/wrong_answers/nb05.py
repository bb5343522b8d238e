"""Plausible wrong answers to notebook 05's exercises (tf.data pipelines)."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from tests.wrong_answers import Wrong

# 05.1: make_batches(dataset, batch_size), shuffled well, anew every epoch, then batched


def _no_return():
    def make_batches(dataset, batch_size):
        dataset.shuffle(dataset.cardinality()).batch(batch_size)
    return make_batches


def _numpy_shuffle_once():
    def make_batches(dataset, batch_size):
        examples = np.array(list(dataset.as_numpy_iterator()))
        np.random.shuffle(examples)
        return tf.data.Dataset.from_tensor_slices(examples).batch(batch_size)
    return make_batches


def _unassigned_calls():
    def make_batches(dataset, batch_size):
        dataset.shuffle(dataset.cardinality())
        dataset.batch(batch_size)
        return dataset
    return make_batches


def _unassigned_batch():
    def make_batches(dataset, batch_size):
        dataset = dataset.shuffle(dataset.cardinality())
        dataset.batch(batch_size)
        return dataset
    return make_batches


def _shuffle_batches():
    def make_batches(dataset, batch_size):
        return dataset.batch(batch_size).shuffle(dataset.cardinality())
    return make_batches


def _batch_sized_buffer():
    def make_batches(dataset, batch_size):
        return dataset.shuffle(batch_size).batch(batch_size)
    return make_batches


def _no_reshuffle():
    def make_batches(dataset, batch_size):
        return dataset.shuffle(dataset.cardinality(), reshuffle_each_iteration=False).batch(batch_size)
    return make_batches


def _cache_after_shuffle():
    def make_batches(dataset, batch_size):
        return dataset.shuffle(dataset.cardinality()).cache().batch(batch_size)
    return make_batches


# 05.2: build(files, decode, augment, batch_size), decoding cached, augmentation fresh


def _no_cache():
    def build(files, decode, augment, batch_size):
        return files.map(decode).map(augment).batch(batch_size)
    return build


def _cache_after_augment():
    def build(files, decode, augment, batch_size):
        return files.map(decode).map(augment).cache().batch(batch_size)
    return build


def _cache_file_names():
    def build(files, decode, augment, batch_size):
        return files.cache().map(decode).map(augment).batch(batch_size)
    return build


def _one_map():
    def build(files, decode, augment, batch_size):
        return files.map(lambda name: augment(decode(name))).cache().batch(batch_size)
    return build


def _unassigned_cache():
    def build(files, decode, augment, batch_size):
        images = files.map(decode)
        images.cache()
        return images.map(augment).batch(batch_size)
    return build


def _build_no_return():
    def build(files, decode, augment, batch_size):
        dataset = files.map(decode).cache().map(augment).batch(batch_size)  # noqa: F841 (the mistake: never returned)
    return build


def _not_batched():
    def build(files, decode, augment, batch_size):
        return files.map(decode).cache().map(augment)
    return build


def _not_prefetched():
    def build(files, decode, augment, batch_size):
        return files.map(decode, num_parallel_calls=tf.data.AUTOTUNE).cache().map(augment).batch(batch_size)
    return build


def _decoded_one_at_a_time():
    def build(files, decode, augment, batch_size):
        return files.map(decode).cache().map(augment).batch(batch_size).prefetch(tf.data.AUTOTUNE)
    return build


def _one_parallel_call():
    def build(files, decode, augment, batch_size):
        decoded = files.map(decode, num_parallel_calls=1).cache()
        return decoded.map(augment).batch(batch_size).prefetch(tf.data.AUTOTUNE)
    return build


# 05.3: (write_records, read_records), raw uint8 "image" bytes and an int64 "label"


def _bytes(value):
    return tf.train.Feature(bytes_list=tf.train.BytesList(value=[value]))


def _int64s(values):
    return tf.train.Feature(int64_list=tf.train.Int64List(value=values))


def _floats(values):
    return tf.train.Feature(float_list=tf.train.FloatList(value=values))


def _write(image_feature=lambda image: _bytes(image.tobytes()), label_feature=lambda label: _int64s([int(label)])):
    def write_records(path, images, labels):
        with tf.io.TFRecordWriter(path) as writer:
            for image, label in zip(images, labels, strict=True):
                features = {"image": image_feature(image), "label": label_feature(label)}
                writer.write(tf.train.Example(features=tf.train.Features(feature=features)).SerializeToString())
    return write_records


def _read(dtype=tf.uint8, shape=(28, 28)):
    def read_records(path):
        description = {"image": tf.io.FixedLenFeature([], tf.string), "label": tf.io.FixedLenFeature([], tf.int64)}

        def parse(record):
            features = tf.io.parse_single_example(record, description)
            return tf.reshape(tf.io.decode_raw(features["image"], dtype), shape), features["label"]

        return tf.data.TFRecordDataset(path).map(parse)
    return read_records


def _read_no_return():
    def read_records(path):
        description = {"image": tf.io.FixedLenFeature([], tf.string), "label": tf.io.FixedLenFeature([], tf.int64)}

        def parse(record):
            features = tf.io.parse_single_example(record, description)
            return tf.reshape(tf.io.decode_raw(features["image"], tf.uint8), (28, 28)), features["label"]

        tf.data.TFRecordDataset(path).map(parse)
    return _write(), read_records


def _write_example_object():
    def write_records(path, images, labels):
        with tf.io.TFRecordWriter(path) as writer:
            for image, label in zip(images, labels, strict=True):
                features = {"image": tf.train.Feature(bytes_list=tf.train.BytesList(value=[image.tobytes()])),
                            "label": tf.train.Feature(int64_list=tf.train.Int64List(value=[int(label)]))}
                writer.write(tf.train.Example(features=tf.train.Features(feature=features)))
    return write_records, _read()


def _read_list():
    def read_records(path):
        description = {"image": tf.io.FixedLenFeature([], tf.string), "label": tf.io.FixedLenFeature([], tf.int64)}
        pairs = []
        for record in tf.data.TFRecordDataset(path):
            features = tf.io.parse_single_example(record, description)
            pairs.append((tf.reshape(tf.io.decode_raw(features["image"], tf.uint8), (28, 28)), features["label"]))
        return pairs
    return _write(), read_records


CORPUS = [
    Wrong("05.1", "no return statement", _no_return, ("no return statement", "return")),
    Wrong("05.1", "shuffled once with NumPy", _numpy_shuffle_once, ("NumPy", "once", "dataset.shuffle")),
    Wrong("05.1", "shuffle and batch results not assigned", _unassigned_calls,
          ("dataset.shuffle(", "dataset.batch(", "new dataset")),
    Wrong("05.1", "batch result not assigned", _unassigned_batch, ("dataset.batch(batch_size)", "new dataset")),
    Wrong("05.1", "shuffled after batching", _shuffle_batches, ("whole batches",)),
    Wrong("05.1", "buffer of one batch", _batch_sized_buffer, ("buffer", "dataset.cardinality()")),
    Wrong("05.1", "reshuffle_each_iteration=False", _no_reshuffle, ("reshuffle_each_iteration=False",)),
    Wrong("05.1", "cache() after shuffle()", _cache_after_shuffle, ("cache()", "first epoch's order")),
    Wrong("05.2", "no cache", _no_cache, ("decode ran 18 times", "no cache()")),
    Wrong("05.2", "cache() after augment", _cache_after_augment, ("augmented", "before map(augment)")),
    Wrong("05.2", "cache() before decode", _cache_file_names, ("file names", "after map(decode)")),
    Wrong("05.2", "decode and augment in one map", _one_map, ("same map()",)),
    Wrong("05.2", "cache() result not assigned", _unassigned_cache, ("images.cache()", "new dataset")),
    Wrong("05.2", "no return statement", _build_no_return, ("no return statement", "'return dataset'")),
    Wrong("05.2", "not batched", _not_batched, ("batch(", "shape (3,)")),
    Wrong("05.2", "no prefetch", _not_prefetched, ("prefetch(tf.data.AUTOTUNE)",)),
    Wrong("05.2", "decode not parallel", _decoded_one_at_a_time, ("num_parallel_calls",)),
    Wrong("05.2", "num_parallel_calls=1", _one_parallel_call, ("overlapped", "AUTOTUNE")),
    Wrong("05.3", "read_records has no return", _read_no_return, ("read_records", "no return statement")),
    Wrong("05.3", "label as a FloatList",
          lambda: (_write(label_feature=lambda label: _floats([float(label)])), _read()), ("a FloatList", "Int64List")),
    Wrong("05.3", "image as an Int64List of pixels",
          lambda: (_write(image_feature=lambda image: _int64s(image.ravel())), _read()),
          ("an Int64List of 784 values", "tobytes()")),
    Wrong("05.3", "image converted to float32 before tobytes",
          lambda: (_write(image_feature=lambda image: _bytes(image.astype(np.float32).tobytes())), _read()),
          ("3136 bytes", "4 per pixel")),
    Wrong("05.3", "image stored with serialize_tensor",
          lambda: (_write(image_feature=lambda image: _bytes(tf.io.serialize_tensor(image).numpy())), _read()),
          ("bytes", "serialize_tensor")),
    Wrong("05.3", "decoded as float32", lambda: (_write(), _read(dtype=tf.float32)), ("4 bytes per value", "tf.uint8")),
    Wrong("05.3", "not reshaped", lambda: (_write(), _read(shape=(784,))), ("(784,)", "(28, 28)")),
    Wrong("05.3", "wrote the Example, not its bytes", _write_example_object, ("SerializeToString()",)),
    Wrong("05.3", "read_records returns a list", _read_list, ("list", "tf.data.Dataset")),
]
