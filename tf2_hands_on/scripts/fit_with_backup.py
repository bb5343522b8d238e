"""Train a saved Keras model with model.fit and keras.callbacks.BackupAndRestore (notebook 07).

Run it, kill it at any moment, run the same command again: training resumes from the last completed epoch.
It prints one JSON object per line (an epoch beginning or ending, with its loss) so the notebook can follow it.

    python fit_with_backup.py --model model.keras --data train.npz --backup-dir backup --epochs 6 --batch 64
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


class EpochLog(keras.callbacks.Callback):
    """Prints each epoch's start, middle and end. Listed after BackupAndRestore: an 'end' line means it is saved."""

    def __init__(self, steps_per_epoch):
        super().__init__()
        self.halfway, self.epoch = steps_per_epoch // 2, 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch
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
    parser.add_argument("--threads", type=int, default=1, help="CPU threads (1: the same result on every run)")
    args = parser.parse_args()

    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    tf.config.experimental.enable_op_determinism()
    with np.load(args.data) as arrays:
        x, y = arrays["x"], arrays["y"]
    # The same order every epoch, whatever happened before: a restarted process must see the data an
    # uninterrupted one would. (To shuffle, derive each epoch's order from the epoch number.)
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(args.batch, drop_remainder=True)
    model = keras.models.load_model(args.model, compile=False)
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    log(event="start", pid=os.getpid())
    backup = keras.callbacks.BackupAndRestore(args.backup_dir, double_checkpoint=True)
    model.fit(dataset, epochs=args.epochs, shuffle=False, verbose=0, callbacks=[backup, EpochLog(len(x) // args.batch)])
    log(event="done")


if __name__ == "__main__":
    main()
