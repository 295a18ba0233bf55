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


def test_json_text_reads_as_the_page_shows_it():
    from captioncheck.extract.jsontext import plain

    assert plain("mis&nbsp;en <em>garde</em> AT&amp;T") == "mis en garde AT&T"
    assert plain("<p>Line one</p><p>Line two<br/>three</p>") == "Line one Line two three"
    assert plain("a < b and 1 <3") == "a < b and 1 <3"  # a "<" that opens no tag stays


def test_jsonld_caption_entities_and_tags_are_decoded(tmp_path):
    page = tmp_path / "page.html"
    page.write_text('<html><head><script type="application/ld+json">{"@type":"NewsArticle","headline":"Caf&eacute; <b>news</b>",'
                    '"image":{"@type":"ImageObject","url":"http://x.org/a.jpg","caption":"Le ministre a mis&nbsp;en '
                    '<em>garde</em> les Fran&ccedil;ais","creditText":"X &amp; Y / AFP"}}</script></head><body><article>'
                    '<h1>T</h1><p>' + "Some article text. " * 20 + '</p><img src="http://x.org/a.jpg" width=800><p>'
                    + "More article text. " * 30 + '</p><p>' + "And more. " * 30 + '</p></article></body></html>')
    result = extract(page, url="http://x.org/story")
    (image,) = result.images
    assert (image.caption, image.credit) == ("Le ministre a mis en garde les Français", "X & Y / AFP")
    assert result.page.title == "Café news"
