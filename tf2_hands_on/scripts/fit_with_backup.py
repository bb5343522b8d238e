"""Train a saved Keras model with model.fit and keras.callbacks.BackupAndRestore (notebook 07).

Run it, kill it at any moment, run the same command again: training resumes from the last completed epoch.
It prints one JSON object per line (an epoch beginning or ending, with its loss) so the notebook can follow it.

    python fit_with_backup.py --model model.keras --data train.npz --backup-dir backup --epochs 6 --batch 64 --seed 42
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


class EpochOrder(keras.utils.PyDataset):
    """Batches of (x, y) in an order drawn from (seed, epoch) alone, so that a restarted process sees in each epoch
    what an uninterrupted one would. (A dataset reshuffled at every pass would start over at epoch 0's order.)"""

    def __init__(self, x, y, batch, seed):
        super().__init__()
        self.x, self.y, self.batch, self.seed = x, y, batch, seed
        self.epoch = 0  # set by EpochLog when an epoch begins, a restored one included

    def __len__(self):
        return len(self.x) // self.batch

    def __getitem__(self, i):
        order = np.random.default_rng([self.seed, self.epoch]).permutation(len(self.x))
        picked = order[i * self.batch:(i + 1) * self.batch]
        return self.x[picked], self.y[picked]


class EpochLog(keras.callbacks.Callback):
    """Tells the data which epoch begins; prints each epoch's start, middle and end. Listed after BackupAndRestore:
    an 'end' line means the epoch is saved."""

    def __init__(self, data):
        super().__init__()
        self.data, self.halfway, self.epoch = data, len(data) // 2, 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = self.data.epoch = epoch
        log(event="begin", epoch=epoch, time=time.time())

    def on_train_batch_end(self, batch, logs=None):
        if batch == self.halfway:
            log(event="step", epoch=self.epoch, step=batch, time=time.time())

    def on_epoch_end(self, epoch, logs=None):
        log(event="end", epoch=epoch, loss=float(logs["loss"]), time=time.time())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="a .keras file: the architecture and initial weights")
    parser.add_argument("--data", required=True, help="a .npz file with arrays x and y")
    parser.add_argument("--backup-dir", required=True, help="where BackupAndRestore keeps its state")
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--seed", type=int, default=42, help="with the epoch number, fixes each epoch's order")
    parser.add_argument("--threads", type=int, default=1, help="CPU threads (1: the same result on every run)")
    args = parser.parse_args()

    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    tf.config.experimental.enable_op_determinism()
    with np.load(args.data) as arrays:
        x, y = arrays["x"], arrays["y"]
    data = EpochOrder(x, y, args.batch, args.seed)
    model = keras.models.load_model(args.model, compile=False)
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    log(event="start", pid=os.getpid())
    backup = keras.callbacks.BackupAndRestore(args.backup_dir, double_checkpoint=True)
    # shuffle=False: Keras would otherwise reorder the batches itself, from a state a restart does not restore.
    model.fit(data, epochs=args.epochs, shuffle=False, verbose=0, callbacks=[backup, EpochLog(data)])
    log(event="done")


if __name__ == "__main__":
    main()
