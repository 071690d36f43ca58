"""Text handling: pre-cut and raw text give comparable words; jieba's cache goes to our data directory."""

from __future__ import annotations

from pathlib import Path

from renda.insights import text as textlib


def test_pre_cut_text_is_recognised_and_raw_text_is_not() -> None:
    assert textlib.is_pretokenised("市 西湖 建筑 集团 占 道 施工 安全隐患 大道 西行")
    assert not textlib.is_pretokenised("A市西湖建筑集团占道施工有安全隐患")
    assert not textlib.is_pretokenised("A市 经济学院 强制实习")  # a title typed with a few spaces


def test_raw_and_pre_cut_versions_of_a_message_share_their_words() -> None:
    raw = "东湖社区的路灯坏了三个月，晚上一片漆黑。"
    pre_cut = " ".join(textlib.words(raw))
    assert textlib.words(pre_cut) == textlib.words(raw)
    assert textlib.compact(pre_cut) in textlib.compact(raw).replace("的", "").replace("了", "") or \
        set(textlib.compact(pre_cut)) <= set(textlib.compact(raw))


def test_jieba_cache_is_written_under_the_data_directory(data_dir: Path) -> None:
    assert textlib._cache_dir() == str(data_dir / "cache" / "jieba")
    assert (data_dir / "cache" / "jieba").is_dir()
