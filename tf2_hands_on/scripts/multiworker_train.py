"""Train a saved Keras model on several workers with MultiWorkerMirroredStrategy and a custom loop (notebook 07).

Every worker runs this same script; the TF_CONFIG environment variable tells each one the cluster's addresses and
its own index. Worker 0 is the chief: it writes the checkpoints that a restarted job resumes from.
It prints one JSON object per line so the notebook can follow it.

    TF_CONFIG='{"cluster": {"worker": ["host0:port", "host1:port"]}, "task": {"type": "worker", "index": 0}}' \
        python multiworker_train.py --model model.keras --data train.npz --checkpoint-dir ckpt --epochs 4 --seed 42
"""

import argparse
import json
import os
import time

import keras
import numpy as np
import tensorflow as tf


def log(**event):
    print(json.dumps(event), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="a .keras file: the architecture and initial weights")
    parser.add_argument("--data", required=True, help="a .npz file with arrays x and y")
    parser.add_argument("--checkpoint-dir", required=True, help="where the chief keeps checkpoints")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--global-batch", type=int, default=64, help="examples per step, over all workers")
    parser.add_argument("--seed", type=int, default=42, help="with the epoch number, fixes each epoch's order")
    parser.add_argument("--threads", type=int, default=1, help="CPU threads per worker")
    args = parser.parse_args()

    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    tf.config.experimental.enable_op_determinism()
    # Created before any other TensorFlow work: it reads TF_CONFIG and connects to the other workers.
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    task = json.loads(os.environ["TF_CONFIG"])["task"]
    is_chief = task["index"] == 0
    log(event="start", worker=task["index"], pid=os.getpid(), replicas=strategy.num_replicas_in_sync)

    with np.load(args.data) as arrays:
        x, y = arrays["x"], arrays["y"]
    options = tf.data.Options()
    # DATA: every worker reads the same file and keeps its share of each global batch.
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    steps_per_epoch = len(x) // args.global_batch

    def epoch_batches(epoch):
        """This epoch's global batches, in an order drawn from (seed, epoch) alone: the same on every worker
        (DATA sharding needs it) and the same after a restart as in an uninterrupted run."""
        order = np.random.default_rng([args.seed, epoch]).permutation(len(x))
        dataset = tf.data.Dataset.from_tensor_slices((x[order], y[order])).batch(args.global_batch, drop_remainder=True)
        return strategy.experimental_distribute_dataset(dataset.with_options(options))

    with strategy.scope():  # variables created here are mirrored on every worker and kept in sync
        model = keras.models.load_model(args.model, compile=False)
        optimizer = keras.optimizers.Adam(1e-3)
        optimizer.build(model.trainable_variables)
        epoch = tf.Variable(0, dtype=tf.int64, trainable=False)
    per_example_loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction="none")

    checkpoint = tf.train.Checkpoint(model=model, optimizer=optimizer, epoch=epoch)
    # Every worker saves (saving may need all of them), but only the chief's copy is kept.
    save_dir = args.checkpoint_dir if is_chief else os.path.join(args.checkpoint_dir, f"worker{task['index']}-copy")
    manager = tf.train.CheckpointManager(checkpoint, save_dir, max_to_keep=2)
    # On separate machines, checkpoint_dir (and the data) must be on storage every worker can read (NFS, GCS):
    # all of them restore the chief's checkpoint.
    latest = tf.train.latest_checkpoint(args.checkpoint_dir)
    if latest:
        checkpoint.restore(latest)
    log(event="restored" if latest else "fresh", worker=task["index"], epoch=int(epoch.numpy()))

    def replica_step(images, labels):
        with tf.GradientTape() as tape:
            # Divide by the GLOBAL batch: summed over replicas, the gradients are those of the global mean loss.
            loss = tf.nn.compute_average_loss(per_example_loss(labels, model(images, training=True)),
                                              global_batch_size=args.global_batch)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables, strict=True))  # all-reduces the gradients
        return loss

    @tf.function
    def train_step(images, labels):
        per_replica = strategy.run(replica_step, args=(images, labels))
        return strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica, axis=None)

    while int(epoch.numpy()) < args.epochs:
        log(event="begin", worker=task["index"], epoch=int(epoch.numpy()), time=time.time())
        total = 0.0
        for step, (images, labels) in enumerate(epoch_batches(int(epoch.numpy()))):
            total += float(train_step(images, labels))
            if step == steps_per_epoch // 2:
                log(event="step", worker=task["index"], epoch=int(epoch.numpy()), step=step, time=time.time())
        epoch.assign_add(1)
        manager.save()
        log(event="end", worker=task["index"], epoch=int(epoch.numpy()) - 1, loss=total / steps_per_epoch,
            time=time.time())
    if not is_chief:
        tf.io.gfile.rmtree(save_dir)
    log(event="done", worker=task["index"])


if __name__ == "__main__":
    main()
