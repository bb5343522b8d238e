"""tf2_hands_on.board: where TensorBoard opens, and the scalars it plots are the ones fit logged."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from tf2_hands_on import board


@pytest.mark.parametrize("platform, environ, headroom, expected", [
    ("colab", {}, None, "inline"),
    ("binder", {"TENSORBOARD_PROXY_URL": "/user/a/proxy/%PORT%/"}, None, "inline"),
    ("binder", {"TENSORBOARD_PROXY_URL": "/user/a/proxy/%PORT%/"}, 2000, "inline"),
    ("binder", {"TENSORBOARD_PROXY_URL": "/user/a/proxy/%PORT%/"}, 500, "no room"),
    ("local", {}, None, "terminal"),
    ("ci", {}, None, "terminal"),
])
def test_where_tensorboard_opens(platform, environ, headroom, expected):
    assert board.where(platform, environ, headroom) == expected


def test_the_terminal_command_names_the_venvs_tensorboard(tmp_path):
    assert board.command(tmp_path).startswith((".venv/bin/tensorboard --logdir ", r".venv\Scripts\tensorboard --logdir "))


def test_show_plots_what_fit_logged_and_prints_the_command(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("TUTORIAL_HOME", str(tmp_path / "home"))
    for key in ("TENSORBOARD_PROXY_URL", "COLAB_RELEASE_TAG"):
        monkeypatch.delenv(key, raising=False)
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(64, 3)).astype("float32"), rng.integers(0, 2, 64)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    log_dir = tmp_path / "logs" / "run1"
    history = model.fit(x, y, validation_data=(x, y), epochs=3, verbose=0,
                        callbacks=[keras.callbacks.TensorBoard(log_dir=log_dir)])
    logged = board.show(log_dir, mark_epoch=2, name="test_board")
    assert [epoch for epoch, _ in logged["train"]] == [1, 2, 3]
    np.testing.assert_allclose([v for _, v in logged["train"]], history.history["loss"], rtol=1e-5)
    np.testing.assert_allclose([v for _, v in logged["validation"]], history.history["val_loss"], rtol=1e-5)
    assert f"tensorboard --logdir {log_dir.parent}" in capsys.readouterr().out
    assert (tmp_path / "home" / "figures" / "test_board.png").is_file()
    with pytest.raises(ValueError, match="no 'epoch_loss' scalars"):
        board.show(tmp_path / "empty", open_tensorboard=False)


def test_no_room_on_binder_says_what_to_do_there(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("COLAB_RELEASE_TAG", raising=False)
    monkeypatch.setenv("TENSORBOARD_PROXY_URL", "/user/a/proxy/%PORT%/")
    monkeypatch.setattr(board.environment, "memory_headroom_mib", lambda: 300.0)
    assert board.open_board(tmp_path) == "no room"
    out = capsys.readouterr().out
    assert "300 MB" in out and "plot below" in out and "Colab" in out
    assert "other kernels" not in out
