"""The fitted picks ranker kept between runs (issue 36), so it is refitted only when the liked papers change.

The model is saved as one .npz file of plain arrays (the vocabulary as UTF-8 JSON bytes), loaded with
allow_pickle=False: a cache file is data, never code. Its name is a hash of everything the fit depends on but the
store's unliked papers (the liked and refused papers' ids and texts, and the fit's settings), so a new liked paper
or a new not-for-me mark gives a new name and a refit, while a day of new stored papers does not (a store grown by
half since the fit does: see stale). The folder is
.cache/picks/ inside the repository (git ignores it; the daily workflow keeps it with actions/cache). A file that
cannot be read is fitted anew: the cache only saves time.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
from pathlib import Path

import numpy as np

from core import jsonfile
from digest import learn

log = logging.getLogger("daily_papers.picks")

FOLDER = Path(".cache") / "picks"
VERSION = 3  # bump when learn.py's model changes meaning
KEEP = 3  # cached models kept: the newest ones, so a reader's old libraries do not pile up


def key(teaching: learn.Teaching) -> str:
    """A hash of what the fit depends on, apart from the store's unliked papers."""
    digest = hashlib.sha256()
    settings = (VERSION, learn.TRAIN_UNLIKED, learn.CALIBRATE_UNLIKED, learn.FLOOR_SHARE, learn.UNLIKED_WEIGHT,
                learn.REFUSED_WEIGHT, learn.C, learn.MIN_DF, learn.MAX_INTERESTS)
    digest.update(repr(settings).encode())
    for entry in teaching.liked:
        digest.update(b"\0L" + (entry.id or "").encode() + b"\0" + entry.text.encode("utf-8"))
    for paper_id, text in teaching.refused:
        digest.update(b"\0R" + paper_id.encode() + b"\0" + text.encode("utf-8"))
    return digest.hexdigest()[:32]


def to_bytes(model: learn.Model) -> bytes:
    """The model as an .npz file of plain arrays."""
    arrays: dict[str, np.ndarray] = {
        "vocabulary": np.frombuffer(json.dumps(model.vocabulary, sort_keys=True).encode("utf-8"), dtype=np.uint8),
        "idf": model.idf,
        "coef": np.stack([i.coef for i in model.interests]),
        "numbers": np.array([[i.intercept, i.floor, i.scale] for i in model.interests], dtype=np.float64),
        "members": np.concatenate([np.array(i.members, dtype=np.int64) for i in model.interests]),
        "sizes": np.array([len(i.members) for i in model.interests], dtype=np.int64),
        "refused": np.array([i.refused for i in model.interests], dtype=np.int64),
        "model": np.array([model.offset, model.unliked], dtype=np.float64),
    }
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)  # type: ignore[arg-type]
    return buffer.getvalue()


def from_bytes(data: bytes, liked_count: int) -> learn.Model:
    """A model from to_bytes for a library of liked_count papers; ValueError (or KeyError) when the file is not one:
    every index in range, every number finite, every interest with members and a positive scale."""
    with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
        vocabulary = json.loads(arrays["vocabulary"].tobytes().decode("utf-8"))
        idf, coef, numbers = arrays["idf"], arrays["coef"], arrays["numbers"]
        members, sizes, refused, whole = arrays["members"], arrays["sizes"], arrays["refused"], arrays["model"]
    check(vocabulary, idf, coef, numbers, members, sizes, refused, whole, liked_count)
    bounds = np.r_[0, np.cumsum(sizes)]
    interests = tuple(learn.Interest(coef[n].astype(np.float32), float(numbers[n, 0]), float(numbers[n, 1]),
                                     float(numbers[n, 2]), tuple(int(m) for m in members[bounds[n]:bounds[n + 1]]),
                                     int(refused[n]))
                      for n in range(coef.shape[0]))
    return learn.Model({str(k): int(v) for k, v in vocabulary.items()}, idf.astype(np.float32), interests,
                       float(whole[0]), int(whole[1]))


def check(vocabulary: object, idf: np.ndarray, coef: np.ndarray, numbers: np.ndarray, members: np.ndarray,
          sizes: np.ndarray, refused: np.ndarray, whole: np.ndarray, liked_count: int) -> None:
    """Raise ValueError unless the arrays make a model the ranker can use as it is."""
    if not isinstance(vocabulary, dict) or coef.ndim != 2 or coef.shape[0] < 1:
        raise ValueError("not a picks model")
    count, width = coef.shape
    indices = sorted(vocabulary.values())
    if (indices != list(range(width)) or not all(isinstance(k, str) for k in vocabulary)
            or idf.shape != (width,) or numbers.shape != (count, 3) or sizes.shape != (count,)
            or refused.shape != (count,) or whole.shape != (2,) or members.ndim != 1):
        raise ValueError("picks model: shapes do not agree")
    if (sizes.min() < 1 or sizes.sum() != len(members) or refused.min() < 0 or members.min() < 0
            or members.max() >= liked_count):
        raise ValueError("picks model: interests do not fit the library")
    if not (np.isfinite(idf).all() and np.isfinite(coef).all() and np.isfinite(numbers).all()
            and np.isfinite(whole).all()) or numbers[:, 2].min() <= 0 or whole[1] < 0:
        raise ValueError("picks model: numbers out of range")


def stale(model: learn.Model, unliked: int) -> bool:
    """Whether the store has grown so much since the fit that the floor should be set again: the unliked papers
    the fit could use have grown by half (past TRAIN_UNLIKED + CALIBRATE_UNLIKED, more change nothing)."""
    cap = learn.TRAIN_UNLIKED + learn.CALIBRATE_UNLIKED
    return min(unliked, cap) >= 1.5 * min(model.unliked, cap)


def load(root: Path, name: str, liked_count: int, unliked: int) -> learn.Model | None:
    """The cached model of that name, or None when there is none, it cannot be read, it does not fit the library,
    or the store has grown much since it was fitted."""
    path = root / FOLDER / f"{name}.npz"
    if not path.is_file():
        return None
    try:
        model = from_bytes(path.read_bytes(), liked_count)
    except (OSError, ValueError, KeyError, EOFError, TypeError, UnicodeDecodeError):
        log.info("picks: the cached model %s cannot be used; fitting anew", path.name)
        return None
    return None if stale(model, unliked) else model


def save(root: Path, name: str, model: learn.Model) -> None:
    """Write the model atomically and drop all but the KEEP newest cached models."""
    folder = root / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    jsonfile.atomic_write(folder / f"{name}.npz", to_bytes(model))
    cached = sorted(folder.glob("*.npz"), key=lambda p: (p.stat().st_mtime, p.name), reverse=True)
    for old in cached[KEEP:]:
        old.unlink(missing_ok=True)


def fitted(root: Path, teaching: learn.Teaching, write: bool = True) -> learn.Model:
    """The cached model for what the reader has told the ranker, or a new fit (saved when write is True)."""
    name = key(teaching)
    model = load(root, name, len(teaching.liked), len(teaching.unliked))
    if model is None:
        model = learn.fit(teaching)
        if write:
            try:
                save(root, name, model)
            except (OSError, jsonfile.WriteError) as err:
                log.warning("warning: picks: cannot keep the fitted model in %s (%s); the next run fits it again",
                            FOLDER.as_posix(), err.__class__.__name__)
    return model
