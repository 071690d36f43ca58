"""Speed and memory of the category classifier on raw text (the figures of docs/insights.md).

    .venv/bin/python bench/insights_bench.py [--data ../shared/datasets/tipdm2020] [--n 10000]

Training set: the labelled TipDM 2020 messages with their spaces removed, so that jieba has to cut every one of them
as it would a raw message, repeated until there are --n. Classification: the raw 留言主题 + 留言详情 of 附件2 示例数据
and 附件4 (3,267 messages). Wall-clock and CPU seconds are both printed: on a shared machine the CPU figure is the
one to compare with a target.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from renda.insights import text as textlib
from renda.insights.classifier import TextClassifier, train


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def timed(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    w, c = time.perf_counter(), time.process_time()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - w, time.process_time() - c


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=str(Path(__file__).resolve().parents[2] / "shared/datasets/tipdm2020"))
    parser.add_argument("--n", type=int, default=10000)
    args = parser.parse_args()
    data = Path(args.data)
    labelled = rows(data / "附件2_训练集_分词_一级标签.csv")
    texts = [r["分词文本"].replace(" ", "") for r in labelled]
    labels = [r["一级标签"] for r in labelled]
    while len(texts) < args.n:
        k = args.n - len(texts)
        texts, labels = texts + texts[:k], labels + labels[:k]
    raw = [r["留言主题"] + " " + r["留言详情"] for r in rows(data / "附件2_示例数据_原文_一级标签.csv")]
    raw += [r["留言主题"] + " " + r["留言详情"] for r in rows(data / "附件4_留言_答复意见.csv")]

    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    _, w, c = timed(textlib.warm_up)
    print(f"jieba dictionary load: {w:.2f} s")
    model, w, c = timed(train, texts, labels, min_history=50, min_per_class=5)
    assert isinstance(model, TextClassifier)
    print(f"train on {len(texts)} raw messages: wall {w:.1f} s, CPU {c:.1f} s")
    _, w, c = timed(model.predict, raw)
    print(f"classify {len(raw)} raw messages in one process: {len(raw) / w:.0f}/s wall, {len(raw) / c:.0f}/s CPU")
    cores = os.cpu_count() or 1
    if cores > 1:
        pw = time.perf_counter()
        model.predict(raw, processes=cores)
        pw = time.perf_counter() - pw
        print(f"classify {len(raw)} raw messages in {cores} processes: {len(raw) / pw:.0f}/s wall")
    latencies = []
    for t in raw[:300]:
        _, w, _ = timed(model.suggest, t, threshold=0.6)
        latencies.append(w * 1000)
    latencies.sort()
    print(f"one suggestion with its words: p50 {statistics.median(latencies):.1f} ms, "
          f"p95 {latencies[int(0.95 * len(latencies))]:.1f} ms, max {latencies[-1]:.1f} ms")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.joblib"
        _, w, _ = timed(model.save, path)
        size = path.stat().st_size / 1e6
        _, lw, _ = timed(TextClassifier.load, path)
    print(f"model file {size:.1f} MB (save {w:.1f} s, load {lw:.1f} s); "
          f"{len(model.features.words_.vocabulary_)} word + {len(model.features.chars_.vocabulary_)} char features")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; "
          f"load average {os.getloadavg()[0]:.1f} at end")


if __name__ == "__main__":
    main()
