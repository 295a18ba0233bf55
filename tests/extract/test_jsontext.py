import json

from captioncheck.extract import extract
from captioncheck.extract.jsontext import loads


def test_lone_surrogate_halves_become_replacement_characters():
    assert loads(r'"a \ud83d b"') == "a \ufffd b"
    assert loads(r'"a \ude00 b"') == "a \ufffd b"
    assert loads(r'"\ude00\ud83d"') == "\ufffd\ufffd"


def test_escaped_surrogate_pairs_are_kept():
    assert loads(r'"smile \ud83d\ude00"') == "smile \U0001F600"
    assert loads(r'"\uD83D\uDE00 \u00e9"') == "\U0001F600 \u00e9"


def test_jsonld_caption_with_a_lone_surrogate_is_written_as_json(tmp_path):
    page = tmp_path / "page.html"
    page.write_text('<html><head><script type="application/ld+json">{"@type":"NewsArticle","image":'
                    '{"@type":"ImageObject","url":"http://x.org/a.jpg","caption":"bad \\ud83d caption"}}'
                    '</script></head><body><article><h1>T</h1><p>text</p></article></body></html>')
    result = extract(page, url="http://x.org/story")
    text = result.model_dump_json()  # failed with PydanticSerializationError before
    assert json.loads(text)["page"]["jsonld_images"][0]["caption"] == "bad \ufffd caption"
