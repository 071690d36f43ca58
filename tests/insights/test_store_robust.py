"""The model store under trouble: trainings of the same model at once, model and summary files that cannot be read
(of an older format, cut short, damaged), and very long texts for the similar cases' place-name search."""

from __future__ import annotations

import json
import logging
import os
import random
import threading
import time
from collections.abc import Callable
from pathlib import Path

import joblib
import pytest

from renda.core import files
from renda.insights import hot, services, similar, store
from renda.insights.classifier import TextClassifier, train
from tests.insights.synthetic import history

CONGRESS = 1  # store needs no database: a congress is a directory


@pytest.fixture(scope="module")
def model() -> TextClassifier:
    items = history(per_class=15)
    return train([t for t, _ in items], [c for _, c in items], min_history=50, min_per_class=5,
                 with_estimate=False)


@pytest.fixture(scope="module")
def model_bytes(model: TextClassifier, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("model") / "category.joblib"
    model.save(path)
    return path.read_bytes()


def leftovers(path: Path) -> list[str]:
    """What lies beside the model besides the model and its summary: temporary files left behind."""
    return sorted(p.name for p in path.parent.iterdir() if p.name not in {path.name, path.with_suffix(".json").name})


# --- saving -------------------------------------------------------------------------------------------------------


def test_trainings_of_the_same_model_at_once_all_save_and_leave_one_whole_model(model: TextClassifier) -> None:
    """The nightly job, 立即重新学习, a settings change and a ledger import may each train the same model in their own
    worker: with one fixed temporary name, a save renamed another's file away and failed with FileNotFoundError."""
    threads, rounds = 4, 4
    start = threading.Barrier(threads)
    errors: list[BaseException] = []

    def train_and_save() -> None:
        start.wait()
        for _ in range(rounds):
            try:
                store.save(CONGRESS, "category", model)
            except BaseException as exc:
                errors.append(exc)

    workers = [threading.Thread(target=train_and_save) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()

    assert errors == []
    path = store.model_path(CONGRESS, "category")
    assert leftovers(path) == []
    loaded = store.load(CONGRESS, "category")
    assert loaded is not None and loaded.classes == model.classes
    assert store.summary(CONGRESS, "category") == store.describe(model)


def test_a_save_that_fails_halfway_leaves_the_old_model_and_no_temporary_file(
        model: TextClassifier, monkeypatch: pytest.MonkeyPatch) -> None:
    store.save(CONGRESS, "category", model)
    path = store.model_path(CONGRESS, "category")
    before = path.read_bytes()

    def disk_full(value: object, target: object, **_: object) -> None:
        half = b"half a model"
        if isinstance(target, (str, Path)):
            Path(target).write_bytes(half)
        else:
            target.write(half)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(joblib, "dump", disk_full)
    with pytest.raises(OSError, match="No space"):
        store.save(CONGRESS, "category", model)
    assert path.read_bytes() == before
    assert leftovers(path) == []


def test_the_next_save_removes_what_a_writer_killed_mid_save_left_and_not_what_a_live_writer_is_writing(
        model: TextClassifier) -> None:
    """A worker killed while saving (OOM, a deploy) leaves its temporary file: the next save of the same model
    removes it once it is older than any save takes, and leaves a younger one, which may be another worker's."""
    path = store.model_path(CONGRESS, "category")
    path.parent.mkdir(parents=True)
    killed = path.with_name(f"{path.name}.0123456789abcdef.tmp")
    writing = path.with_name(f"{path.name}.fedcba9876543210.tmp")
    other_model = path.with_name("unit.joblib.00aa.tmp")
    for left in (killed, writing, other_model):
        left.write_bytes(b"half a model")
    old = time.time() - files.STALE_AFTER - 60
    for left in (killed, other_model):
        os.utime(left, (old, old))

    store.save(CONGRESS, "category", model)

    assert leftovers(path) == sorted([writing.name, other_model.name])
    assert store.load(CONGRESS, "category") is not None


def test_a_summary_that_cannot_be_put_in_place_leaves_no_temporary_file(
        model: TextClassifier, monkeypatch: pytest.MonkeyPatch) -> None:
    path = store.summary_path(CONGRESS, "category")
    path.parent.mkdir(parents=True)

    def refused(*_: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "replace", refused)
    with pytest.raises(PermissionError):
        store._write_summary(path, store.describe(model))
    monkeypatch.undo()
    assert list(path.parent.iterdir()) == []


# --- model files that cannot be used --------------------------------------------------------------------------------


def older_format(path: Path, _: bytes) -> None:
    joblib.dump({"format": 2}, path)  # what load finds after an upgrade: ValueError


def empty(path: Path, _: bytes) -> None:
    path.write_bytes(b"")  # EOFError


def cut_short(path: Path, good: bytes) -> None:
    path.write_bytes(good[: len(good) // 2])  # a full disk, a copy interrupted


def damaged(path: Path, good: bytes) -> None:
    middle = len(good) // 2
    path.write_bytes(good[:middle] + bytes(64) + good[middle + 64:])  # zlib.error


def garbage(path: Path, _: bytes) -> None:
    path.write_bytes(random.Random(0).randbytes(200))  # KeyError


Writer = Callable[[Path, bytes], None]
BAD_FILES: list[Writer] = [older_format, empty, cut_short, damaged, garbage]


def bad_model(write: Writer, good: bytes) -> Path:
    path = store.model_path(CONGRESS, "category")
    path.parent.mkdir(parents=True, exist_ok=True)
    write(path, good)
    return path


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every model file joblib reads."""
    out: list[object] = []
    real = joblib.load

    def counting(path: object, *args: object, **kwargs: object) -> object:
        out.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(joblib, "load", counting)
    return out


@pytest.mark.parametrize("write", BAD_FILES, ids=lambda f: f.__name__)
def test_a_model_file_that_cannot_be_used_is_no_model_and_is_logged(
        write: Writer, model_bytes: bytes, caplog: pytest.LogCaptureFixture) -> None:
    path = bad_model(write, model_bytes)
    with caplog.at_level(logging.WARNING, logger="renda.insights.store"):
        assert store.load(CONGRESS, "category") is None
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    assert str(path) in caplog.text


@pytest.mark.parametrize("write", BAD_FILES, ids=lambda f: f.__name__)
def test_a_model_file_that_cannot_be_used_is_read_once_until_it_changes(
        write: Writer, model: TextClassifier, model_bytes: bytes, reads: list[object]) -> None:
    """The assistant asks on every keystroke: a model it cannot use must not be read from disk again each time."""
    bad_model(write, model_bytes)
    for _ in range(3):
        assert store.load(CONGRESS, "category") is None
        assert store.summary(CONGRESS, "category") is None
    assert len(reads) == 1

    store.save(CONGRESS, "category", model)  # the next training replaces it
    assert store.load(CONGRESS, "category") is not None
    assert store.summary(CONGRESS, "category") == store.describe(model)
    assert len(reads) == 2


def test_a_model_file_changed_by_another_process_is_read_again(model_bytes: bytes, reads: list[object]) -> None:
    path = bad_model(empty, model_bytes)
    assert store.load(CONGRESS, "category") is None
    path.with_suffix(".new").write_bytes(model_bytes)  # what a save in another worker does: rename a new file in
    path.with_suffix(".new").replace(path)
    assert store.load(CONGRESS, "category") is not None
    assert store.load(CONGRESS, "category") is not None
    assert len(reads) == 2


def test_a_process_keeps_only_the_models_of_the_congresses_used_last(settings, model_bytes: bytes,
                                                                     reads: list[object]) -> None:
    """Every worker loads the models of every congress whose clerks it serves: kept for good, a county's forty
    models took several hundred MB per worker. The limit counts congresses, each with both its models: the
    assistant asks both on every call, and a limit in files read them all again on every call once clerks of
    more congresses than half of it typed."""
    settings.INSIGHTS_MODELS_KEPT = 2
    for congress in (21, 22, 23):
        for kind in ("category", "unit"):
            path = store.model_path(congress, kind)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(model_bytes)
    for _ in range(3):  # two congresses typed for in turn: both models of each read once
        for congress in (21, 22):
            store.load(congress, "category")
            store.load(congress, "unit")
    assert len(reads) == 4
    store.load(23, "unit")  # a third: the congress used longest ago goes, with both its models
    assert sorted({p.parent.name for p in store._cache if p.parent.name.startswith("congress-2")}) == [
        "congress-22", "congress-23"]
    reads.clear()
    for congress in (11, 12, 13):
        path = store.model_path(congress, "category")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(model_bytes)
    first = store.load(11, "category")
    second = store.load(12, "category")
    assert store.load(11, "category") is first  # used again: now the one used last
    third = store.load(13, "category")
    assert len(reads) == 3
    assert [p.parent.name for p in store._cache if p.parent.parent == store.model_path(11, "x").parent.parent] == [
        "congress-11", "congress-13"]
    assert store.load(11, "category") is first and store.load(13, "category") is third
    again = store.load(12, "category")  # put out: read from its file again
    assert again is not None and again is not second and len(reads) == 4


@pytest.mark.django_db
@pytest.mark.parametrize("write", BAD_FILES, ids=lambda f: f.__name__)
def test_a_damaged_model_gives_no_suggestion_rather_than_an_error(
        write: Writer, tree, model_bytes: bytes) -> None:
    congress = tree.congress_a
    path = store.model_path(congress.pk, "category")
    path.parent.mkdir(parents=True)
    write(path, model_bytes)
    assert services.suggest(congress=congress, kind="category", text="东湖社区油烟扰民") is None
    assert services.reply_weighing(congress.pk) is None


# --- summaries that cannot be used ----------------------------------------------------------------------------------


@pytest.mark.parametrize("content", ['{"trained_at": 17', "null", "[]", '{"trained_at": 1}', "\udcff"],
                         ids=["cut short", "null", "a list", "keys missing", "not utf-8"])
def test_a_summary_that_cannot_be_read_is_made_again_from_the_model(
        content: str, model: TextClassifier, caplog: pytest.LogCaptureFixture) -> None:
    store.save(CONGRESS, "category", model)
    side = store.summary_path(CONGRESS, "category")
    side.write_bytes(content.encode("utf-8", "surrogateescape"))
    with caplog.at_level(logging.WARNING, logger="renda.insights.store"):
        assert store.summary(CONGRESS, "category") == store.describe(model)
    assert str(side) in caplog.text
    assert json.loads(side.read_text(encoding="utf-8")) == store.describe(model)


def test_a_summary_that_cannot_be_written_still_describes_the_model(
        model: TextClassifier, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    store.save(CONGRESS, "category", model)
    store.summary_path(CONGRESS, "category").unlink()

    def read_only(*_: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(store, "_write_summary", read_only)
    with caplog.at_level(logging.WARNING, logger="renda.insights.store"):
        assert store.summary(CONGRESS, "category") == store.describe(model)
    assert "cannot be written" in caplog.text


# --- similar cases: very long texts ---------------------------------------------------------------------------------


def test_places_are_looked_for_in_the_text_the_index_reads_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The assistant asks on every keystroke: a pasted 70,000-character letter must not be searched whole for place
    names when its words are read from the first MAX_CHARS characters only."""
    index = similar.SimilarIndex([similar.Case(1, "幸福村路灯不亮，晚上出行不安全"),
                                  similar.Case(2, "东湖社区垃圾乱堆，河道发臭")], places=["幸福村"])
    searched: list[int] = []
    real = hot.place_spans

    def recording(text: str) -> set[str]:
        searched.append(len(text))
        return real(text)

    monkeypatch.setattr(hot, "place_spans", recording)
    long = "幸福村路灯不亮，晚上出行不安全。" + "希望有关部门尽快处理这个问题。" * 5000
    assert len(long) > 70_000
    assert [m.id for m in index.query(long, near_duplicate_threshold=0.8)] == [1]
    assert searched and max(searched) <= similar.MAX_CHARS

