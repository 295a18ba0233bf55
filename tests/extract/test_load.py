"""Saved-page inputs: charsets, page address, MHTML parts, given HTML and image bytes."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from captioncheck._exceptions import InputError
from captioncheck.extract import extract
from captioncheck.load import decode_html, load_page, page_from_html

PATTERNS = Path(__file__).resolve().parents[2] / "testdata" / "pages" / "patterns"


def test_undeclared_utf8_is_detected() -> None:
    page = load_page(PATTERNS / "undeclared-utf8.html")
    assert page.charset == "utf-8"
    assert "Le café de la gare" in page.html


def test_declared_charset_and_bom() -> None:
    assert decode_html("<meta charset=gb2312>中文".encode("gb2312")) == ("<meta charset=gb2312>中文", "gb2312")
    assert decode_html(codecs.BOM_UTF8 + "été".encode())[0] == "été"
    text, charset = decode_html("<meta charset=iso-8859-1>été".encode())  # the declaration lies
    assert text.endswith("été") and charset == "utf-8"


def test_windows_1252_without_declaration() -> None:
    raw = ("<html><body><p>" + "Les élèves répètent déjà leur leçon près de la fenêtre. " * 5 + "</p></body></html>").encode("cp1252")
    text, _ = decode_html(raw)
    assert "élèves" in text


def test_page_address_from_saved_from_mark_and_canonical() -> None:
    seed = load_page(PATTERNS.parent / "presstv-fr-2019-12-11.html")
    assert seed.url == "https://french.presstv.ir/Detail/2019/12/11/613482/Iran-Russie-SVR-Narychkine-Teheran"
    assert load_page(PATTERNS / "lazy-picture.html").url == "https://news.example.org/2024/05/lazy-images"
    assert load_page(PATTERNS / "lazy-picture.html", url="https://other.example/x").url == "https://other.example/x"


def test_mhtml_html_part_and_image_parts() -> None:
    page = load_page(PATTERNS / "chrome-saved.mhtml")
    assert page.url == "https://diario.example.com/nota/123"
    result = extract(page)
    (image,) = result.images
    assert (image.caption, image.credit) == ("Sesiona el pleno del comité.", "Foto: Estudios Revolución")
    data = page.image_bytes(image)
    assert data is not None and data[:3] == b"\xff\xd8\xff"


def test_page_from_html_with_given_image_bytes() -> None:
    html = (PATTERNS / "lazy-picture.html").read_bytes()
    page = page_from_html(html, "https://news.example.org/2024/05/lazy-images",
                          images={"https://cdn.example.org/photos/harbour-2400.jpg": b"JPEGDATA"})
    harbour = extract(page).images[0]
    assert page.image_bytes(harbour) == b"JPEGDATA"
    assert page.image_bytes(extract(page).images[1]) is None


def test_bad_inputs_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such page"):
        load_page(tmp_path / "missing.html")
    binary = tmp_path / "photo.html"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    with pytest.raises(InputError, match="does not look like an HTML page"):
        load_page(binary)


def test_image_reference_with_a_nul_byte_or_a_huge_name_is_no_local_file(tmp_path: Path) -> None:
    """`src="a%00b.jpg"` made Path.resolve raise ValueError (a traceback from load_page); a name
    longer than the OS allows raised OSError. Neither names a file of the saved page."""
    page = tmp_path / "page.html"
    page.write_text('<html><body><img src="a%00b.jpg"><img src="' + "x" * 5000 + '.jpg"></body></html>')
    assert load_page(page).local_images == {}


def test_local_files_stay_inside_the_page_folder(tmp_path: Path) -> None:
    outside = tmp_path / "secret.jpg"
    outside.write_bytes(b"\xff\xd8secret")
    page_dir = tmp_path / "saved"
    files = page_dir / "a_files"
    files.mkdir(parents=True)
    (files / "photo.jpg").write_bytes(b"\xff\xd8photo")
    (files / "escape.jpg").symlink_to(outside)
    page = page_dir / "a.html"
    page.write_text('<html><body><img src="a_files/photo.jpg"><img src="a_files/escape.jpg">'
                    '<img src="../secret.jpg"><img src="a_files/../a_files/./photo.jpg?x=1">'
                    '<img src="/etc/passwd"><img src="a_files/missing.jpg"></body></html>')
    local = load_page(page, url="https://news.example/a").local_images
    files_found = {Path(v).name for v in local.values()}
    assert files_found == {"photo.jpg"}
    assert local["https://news.example/a_files/photo.jpg"] == (files / "photo.jpg").resolve()


def test_only_relative_references_name_saved_files(tmp_path: Path) -> None:
    """A root-relative or absolute URL names a file of the site, never one saved with the page, even
    when a file of that name lies beside the page; references into a folder that does not exist, or
    to a missing file of an existing one, give nothing (the folder is looked at once)."""
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8photo")
    (tmp_path / "p_files").mkdir()
    (tmp_path / "p_files" / "inner.jpg").write_bytes(b"\xff\xd8inner")
    page = tmp_path / "p.html"
    refs = ["photo.jpg", "/photo.jpg", "//photo.jpg", "p_files/inner.jpg", "%70_files/inner.jpg?w=2",
            *(f"gone/{i}.jpg" for i in range(50)), "p_files/none.jpg"]
    page.write_text("<html><body>" + "".join(f'<img src="{r}">' for r in refs) + "</body></html>")
    local = load_page(page, url="https://news.example/x/p.html").local_images
    assert set(local) == {(tmp_path / "photo.jpg").resolve().as_uri(), "https://news.example/x/photo.jpg",
                          (tmp_path / "p_files" / "inner.jpg").resolve().as_uri(),
                          "https://news.example/x/p_files/inner.jpg", "https://news.example/x/%70_files/inner.jpg?w=2"}
