"""jusText's stop words shipped as one table: the same words trafilatura collects, read only when needed."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from trafilatura import external

from captioncheck.extract import stopwords
from captioncheck.extract.metadata import main_text

# a page whose text trafilatura's own extractor finds too short: it asks jusText
RESCUED = "<html><body><p>x</p>" + "<div>" * 60 + "<p>" + "The minister spoke about the budget. " * 3 + "</p>" + "</div>" * 60 + "</body></html>"


@pytest.fixture
def fresh_trafilatura(monkeypatch: pytest.MonkeyPatch) -> None:
    """trafilatura as in a new process: no stop words loaded, its own loader in place."""
    monkeypatch.setattr(external, "JT_STOPLIST", None)
    monkeypatch.setattr(external, "jt_stoplist_init", getattr(external.jt_stoplist_init, "__wrapped__", external.jt_stoplist_init))


def test_shipped_table_is_current_rebuild_with_scripts_build_tables(fresh_trafilatura: None) -> None:
    shipped = stopwords.read_table()
    assert shipped is not None, "run `python scripts/build_tables.py`"
    assert list(shipped) == stopwords.build_table(), "run `python scripts/build_tables.py`"
    assert set(shipped) == set(external.jt_stoplist_init())  # what trafilatura itself collects


def test_trafilatura_reads_the_shipped_table_when_it_needs_stop_words(fresh_trafilatura: None) -> None:
    stopwords.use_shipped_table()
    assert external.JT_STOPLIST is None  # nothing read before trafilatura asks
    text = main_text(RESCUED, "")
    assert external.JT_STOPLIST == stopwords.read_table()  # the shipped words, not its own reading
    assert "minister spoke" in text
    stopwords.use_shipped_table()  # once only: the loader is not wrapped twice
    assert not hasattr(external.jt_stoplist_init.__wrapped__, "__wrapped__")


def test_same_text_with_trafilatura_own_stop_words(fresh_trafilatura: None, monkeypatch: pytest.MonkeyPatch) -> None:
    own_words = external.jt_stoplist_init()  # trafilatura's own reading of jusText's files
    own = main_text(RESCUED, "")  # stop words already loaded: used as they are
    assert external.JT_STOPLIST is own_words
    monkeypatch.setattr(external, "JT_STOPLIST", None)
    shipped = main_text(RESCUED, "")
    assert external.JT_STOPLIST is not own_words and external.JT_STOPLIST == stopwords.read_table()
    assert shipped == own and "minister spoke" in own


def test_stale_or_missing_table_leaves_trafilatura_to_read_jusText(tmp_path: Path) -> None:
    stale = tmp_path / "stale.txt.gz"
    stale.write_bytes(gzip.compress(b"justext 0.0.1\nthe\nand"))
    assert stopwords.read_table(stale) is None
    assert stopwords.read_table(tmp_path / "missing.txt.gz") is None
    (tmp_path / "broken.txt.gz").write_bytes(b"not gzip")
    assert stopwords.read_table(tmp_path / "broken.txt.gz") is None
    current = stopwords.write_table(tmp_path / "current.txt.gz")
    assert stopwords.read_table(current) == stopwords.read_table()
