"""The order of names: pinyin for Chinese, case-insensitive for English, a configured order first."""

from __future__ import annotations

from generator.collate import Collation, name_key


def _sorted(names: list[str], language: str) -> list[str]:
    return sorted(names, key=lambda n: name_key(n, language))


def test_chinese_names_sort_by_pinyin_then_tone() -> None:
    # gong gong, gong wu, hui yi, ji guan hou, ji guan you; code point order differs (会 < 公).
    names = ["机关幼儿园", "会议接待中心", "公务用车服务中心", "机关后勤服务中心", "公共机构节能中心"]
    assert _sorted(names, "zh") == [
        "公共机构节能中心",
        "公务用车服务中心",
        "会议接待中心",
        "机关后勤服务中心",
        "机关幼儿园",
    ]
    assert sorted(names) != _sorted(names, "zh")
    # the same syllable: by tone (mā, má, mǎ, mà)
    assert _sorted(["骂", "马", "麻", "妈"], "zh") == ["妈", "麻", "马", "骂"]


def test_a_character_of_several_readings_is_read_in_its_word() -> None:
    # 银行 is yin hang (not yin xing), 重庆 chong qing (not zhong): both before 中 (zhong).
    assert _sorted(["中心", "银行", "重庆", "银杏"], "zh") == ["重庆", "银行", "银杏", "中心"]


def test_letters_and_digits_come_first_full_width_as_ascii() -> None:
    assert _sorted(["中心", "GPS中心", "２号楼", "1号楼"], "zh") == ["1号楼", "２号楼", "GPS中心", "中心"]


def test_english_names_sort_without_case() -> None:
    assert _sorted(["b unit", "A unit", "a Unit"], "en") == ["A unit", "a Unit", "b unit"]


def test_a_configured_order_comes_first_then_names() -> None:
    collation = Collation("zh", {"unit": ("U-3", "U-1")})
    records = [("U-1", "会议"), ("U-2", "公务"), ("U-3", "机关"), ("U-4", "阿")]
    ordered = sorted(records, key=lambda r: collation.key("unit", r[0], r[1]))
    assert [r[0] for r in ordered] == ["U-3", "U-1", "U-4", "U-2"]
    assert collation.ordered("unit") and not collation.ordered("team")
