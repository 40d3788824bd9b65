"""Language identification: writing systems, the English shortcut and py3langid."""

from __future__ import annotations

import subprocess
import sys

import pytest

from retold.lang import UNDETERMINED, detect_language, differ, same_group, script_counts

SAMPLES = {
    "en": "The council said on Monday that the old bridge would reopen to traffic in May.",
    "ru": "Городской совет в понедельник сообщил, что старый мост откроют для движения в мае.",
    "de": "Der Stadtrat teilte am Montag mit, dass die alte Brücke im Mai wieder öffnet.",
    "fr": "Le conseil a annoncé lundi que le vieux pont rouvrira à la circulation en mai.",
    "hr": "Gradsko vijeće u ponedjeljak je objavilo da će se stari most otvoriti u svibnju.",
    "ja": "市議会は月曜日、古い橋が五月に再開通すると発表した。",
    "zh": "市议会周一表示，这座旧桥将于五月重新通车。",
    "ko": "시의회는 월요일 낡은 다리가 오월에 다시 개통된다고 밝혔다.",
}


@pytest.mark.parametrize("code", sorted(SAMPLES))
def test_detects_each_language_of_the_samples(code: str) -> None:
    assert same_group(detect_language(SAMPLES[code])) == code


def test_japanese_is_told_from_chinese_by_its_kana() -> None:
    assert script_counts(SAMPLES["ja"]).get("kana", 0) > 0
    assert "kana" not in script_counts(SAMPLES["zh"])


def test_too_little_text_is_undetermined() -> None:
    assert detect_language("12 345 — 7") == UNDETERMINED
    assert detect_language("") == UNDETERMINED


def test_chinese_with_latin_names_stays_chinese() -> None:
    text = "据Reuters报道，Apple公司周二在加州发布了新款iPhone手机和MacBook电脑。"
    assert detect_language(text) == "zh"


def test_differ_treats_near_identical_standards_and_unknowns_as_same() -> None:
    assert differ("ru", "en")
    assert not differ("hr", "bs")
    assert not differ("en", "en")
    assert not differ(UNDETERMINED, "ru")


def test_english_text_never_loads_the_identifier() -> None:
    code = (
        "import sys\n"
        "from retold.lang import detect_language\n"
        f"assert detect_language({SAMPLES['en']!r}) == 'en'\n"
        f"assert detect_language({SAMPLES['zh']!r}) == 'zh'\n"
        "print('py3langid' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
