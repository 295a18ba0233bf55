"""The credit finders' quick gates (a character or word every match needs) never change what they find."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from captioncheck.extract import credits

FRAGMENTS = ["Photo:", "photo by", "PHOTO", "FOTO", "Foto:", "Bild:", "Credit", "©", "(c)", "(C)", "Copyright", "copyrıght",
             "CC-BY-SA 2.0", "cc0", "public domain", "Public Domain", "dominio público", "gemeinfrei", "REUTERS/Jane Doe",
             "AP Photo/Efrem Lukatsky", "(AFP)", "[GETTY]", "| Foto: X", "|", "/", " for ", "Jane Roe for The Times",
             "新华社记者 才扬 摄", "＝ロイター", "=", "写真：X", "Фото: X", "ФОТО", "İstanbul", "ſ", "K", "Kelvin", "on Monday.",
             "Officials meet in the capital.", "2019.", "jroe@example.com", " - ", "Source", "courtesy of", "(", ")", "[", "]"]

texts = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=8), max_size=8).map(" ".join)

@settings(max_examples=400, deadline=None)
@given(texts)
def test_labels_on_lower_cased_ascii_match_where_ignorecase_matches(text: str) -> None:
    if not text.isascii():
        return
    assert [m.span() for m in credits._LABEL_ASCII.finditer(text.lower())] == [m.span() for m in credits._LABEL_RX.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(texts)
def test_caps_labels_need_one_of_their_words(text: str) -> None:
    if credits._CAPS_LABEL_RX.search(text):
        assert any(word in text for word in credits._CAPS_LABELS)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_gates_only_skip_what_the_patterns_cannot_match(text: str) -> None:
    if credits._LICENCE.search(text):
        assert credits._may_hold_licence(text)
    if credits._COPYRIGHT.search(" " + text):
        assert credits._may_hold_copyright(text)
    if credits._TRAIL_PAREN.search(text):
        assert ")" in text or "]" in text
    if credits._FOR_OUTLET.search(text):
        assert "for" in text
    if credits._CJK_XINHUA.search(text) or credits._JA_EQUALS.search(text):
        assert "摄" in text or "=" in text or "＝" in text


@settings(max_examples=400, deadline=None)
@given(texts)
def test_the_credit_hint_is_the_hint_patterns_answer(text: str) -> None:
    from captioncheck.extract import caption_text

    expected = bool(caption_text._CREDIT_HINT.search(text) or caption_text._AGENCY_HINT.search(text))
    assert caption_text.credit_hint(text) == expected


@settings(max_examples=300, deadline=None)
@given(texts)
def test_a_dangling_label_ends_in_a_colon_a_mark_or_a_bracket(text: str) -> None:
    from captioncheck.extract import caption_text

    if caption_text._DANGLING_LABEL.search(text):
        assert text.rstrip()[-1:] in (":", "：", "©", ")")
