"""Text handling: pre-cut and raw text give comparable words; the segmenter cuts as jieba does; jieba's cache goes to
our data directory."""

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


# Messages written for this test in the style of constituents' opinions, with place names a congress would add.
_MESSAGES = [
    "魅力之城小区楼下的夜宵摊每天营业到凌晨两点，油烟和噪音严重扰民，希望城管部门尽快处理。",
    "我是青山镇东湖村的村民，村里通往镇上的公路年久失修，下雨天积水严重，学生上学很不方便。",
    "涉外经济学院强制学生到指定企业实习，不去就不发毕业证，请教育部门调查。",
    "2019年7月起，丽发新城附近的搅拌站夜间施工，粉尘很大，老人小孩都不敢开窗。",
    "希望县医保局把职工医疗保险个人账户的余额放到网上，方便大家查询。",
]


def test_the_segmenter_cuts_as_jieba_does() -> None:
    """rjieba replaces jieba for speed (docs/insights.md); the words, and so every trained model, must not change.
    Checked with and without a user dictionary, on the form the engines cut (punctuation gone, numbers as 0)."""
    for userdict in ((), ("魅力之城", "丽发新城", "东湖村")):
        reference = textlib.jieba_tokenizer(userdict)
        for message in _MESSAGES:
            prepared = textlib.for_cutting(textlib.normalise(message))
            assert textlib.cut(prepared, userdict) == reference.lcut(prepared, HMM=False), message
    assert "魅力之城" in textlib.cut("魅力之城小区", ("魅力之城",))
    assert "魅力之城" not in textlib.cut("魅力之城小区")


def test_common_words_are_the_words_jieba_knows_at_that_frequency() -> None:
    """The hot-issue place finder reads the common words from jieba's dictionary file, not from a tokenizer (about
    50 MB less per process); they must be exactly the words whose frequency in jieba reaches the threshold."""
    freq = textlib.jieba_tokenizer().FREQ
    for threshold in (1, 100, 10_000):
        assert textlib.common_words(threshold) == {w for w, n in freq.items() if n >= threshold}
    assert "幸福" in textlib.common_words(100) and "魅力之城" not in textlib.common_words(1)
