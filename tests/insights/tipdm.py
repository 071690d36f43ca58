"""The public TipDM 2020 data (read from ../shared/datasets, never copied into the repository) and how the
evaluations on it are run: shared by test_tipdm2020*.py, which are two files so that pytest-xdist's loadfile
spreads the evaluations over both workers."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "datasets" / "tipdm2020"
TRAIN = DATA / "附件2_训练集_分词_一级标签.csv"
SAMPLE = DATA / "附件2_示例数据_原文_一级标签.csv"
HOT = DATA / "附件3_热点问题_留言_点赞反对.csv"
REPLIES = DATA / "附件4_留言_答复意见.csv"
WEAK = DATA / "附件4_第三方标注_可解释性_Syucryingstar.csv"
TAXONOMY = DATA / "附件1_三级标签体系.csv"

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
MARKS = [
    pytest.mark.skipif(not TRAIN.exists(), reason=f"TipDM 2020 data set not found at {DATA}"),
    # these evaluations read CSV files and never the database: bin/test runs them once, in its SQLite pass
    pytest.mark.skipif(ON_POSTGRES, reason="TipDM evaluations use no database; they run in the SQLite pass"),
]


def run(*args: str) -> list[str]:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().splitlines()
