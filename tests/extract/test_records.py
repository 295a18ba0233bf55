"""The extract stage's plain records (`_records`) and the pydantic schema (`_types`) stay twins:
same fields in the same order with the same defaults, and the same JSON byte for byte."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from pydantic_core import PydanticUndefined

from captioncheck import _records, _types
from captioncheck.extract import as_result, extract, extract_records

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(p for p in (ROOT / "testdata" / "pages").rglob("*") if p.suffix in (".html", ".htm", ".mhtml"))
TWINS = [(_records.JsonLdImageRecord, _types.JsonLdImage), (_records.PageRecord, _types.PageInfo),
         (_records.ImageRecord, _types.ImageInContext), (_records.ExtractRecord, _types.ExtractResult)]


@pytest.mark.parametrize(("plain", "model"), TWINS, ids=lambda c: c.__name__)
def test_fields_names_order_and_defaults_are_the_same(plain: type, model: type) -> None:
    fields = dataclasses.fields(plain)
    assert [f.name for f in fields] == list(model.model_fields)
    for f in fields:
        info = model.model_fields[f.name]
        ours = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        theirs = info.default_factory() if info.default_factory is not None else info.default  # type: ignore[call-arg]
        assert (ours is dataclasses.MISSING) == (theirs is PydanticUndefined), f.name
        if ours is not dataclasses.MISSING:
            assert ours == theirs, f.name


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_plain_json_is_the_schema_json_byte_for_byte(page: Path) -> None:
    record = extract_records(page, all_images=True)
    assert record.json() == as_result(record).model_dump_json(indent=2)
    assert extract(page, all_images=True) == as_result(record)


def test_odd_strings_are_written_as_pydantic_writes_them() -> None:
    odd = "ctl \x00\x01\x1f\x7f tab\t nl\n cr\r bs\b ff\f quote\" backslash\\ slash/ \u2028\u2029 é ß 中文 😀 \ufeff </script>"
    image = _records.ImageRecord(url=odd, urls=[odd, ""], caption=odd, width=None, height=0, position=3, notes=[odd])
    page = _records.PageRecord(title=odd, authors=[odd], jsonld_images=[_records.JsonLdImageRecord(url=odd, caption=odd)])
    record = _records.ExtractRecord(page=page, images=[image, _records.ImageRecord(url="")])
    assert record.json() == as_result(record).model_dump_json(indent=2)


def test_a_lone_surrogate_is_refused_like_pydantic_refuses_it() -> None:
    record = _records.ExtractRecord(page=_records.PageRecord(title="a\ud800b"), images=[])
    with pytest.raises(UnicodeEncodeError):
        record.json()
    with pytest.raises(Exception, match="surrogates not allowed"):
        as_result(record).model_dump_json(indent=2)
