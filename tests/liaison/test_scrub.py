"""Masking phones and ID numbers in text meant for the public or for an exported file (`scrub`): written the ways
constituents write them, and nothing else touched."""

from __future__ import annotations

import pytest

from renda.core.masking import scrub


@pytest.mark.parametrize("written", [
    "13912345678", "+8613912345678", "8613912345678", "+86 139 1234 5678", "86-139-1234-5678", "139-1234-5678",
    "139 1234 5678", "0731-88888888", "0731 8888 8888", "010-12345678", "0731-1234567", "430101198001010000",
    "43010119800101001X",
])
def test_a_phone_or_id_number_is_masked_however_it_is_written(written: str) -> None:
    masked = scrub(f"请回电{written}，谢谢")
    assert masked.startswith("请回电") and masked.endswith("，谢谢")
    number = masked[len("请回电"):-len("，谢谢")]
    assert len(number) == len(written) and sum(ch.isdigit() for ch in number) <= 3, masked


@pytest.mark.parametrize("text", ["2026-05-03 10:00 反映", "共1390元", "订单号20260503123456789", "编号 2020 0115 1234",
                                  "3号楼12单元", "订单号 2026-0503-1234-5678", "合同编号 2026-0731-2020-0101",
                                  "2019 2020 2021 三年"])
def test_dates_amounts_and_codes_are_left_as_they_are(text: str) -> None:
    assert scrub(text) == text
