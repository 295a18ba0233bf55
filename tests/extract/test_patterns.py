"""One small page per tricky pattern (testdata/pages/patterns/)."""

from __future__ import annotations

from pathlib import Path

from captioncheck.extract import extract

PATTERNS = Path(__file__).resolve().parents[2] / "testdata" / "pages" / "patterns"


def _images(name: str, url: str | None = None, all_images: bool = False):
    return extract(PATTERNS / name, url=url, all_images=all_images).images


def test_lazy_loading_picture_and_noscript_copy_merge() -> None:
    harbour, market = _images("lazy-picture.html")
    assert harbour.url == "https://cdn.example.org/photos/harbour-2400.jpg"
    assert not any(u.startswith("data:") for u in harbour.urls)
    assert (harbour.caption, harbour.credit) == ("Boats in the harbour at dawn.", "Credit: EPA")
    assert "https://cdn.example.org/photos/market-1200.webp" in market.urls  # <picture><source>
    assert "https://cdn.example.org/crops/w=600,q=80/market-600.jpg" in market.urls  # comma inside a srcset URL
    assert (market.caption, market.credit) == ("The market square on Saturday.", "Photo: Jane Doe/Reuters")


def test_adjacent_caption_and_credit_elements_never_run_together() -> None:
    harbour = _images("lazy-picture.html")[0]
    assert "dawnCredit" not in harbour.caption + harbour.credit


def test_captions_outside_figure_sibling_cite_and_credit_before_caption() -> None:
    a, b, c, d = _images("caption-outside-figure.html", url="https://zeitung.example.de/artikel/1")
    assert a.url == "https://zeitung.example.de/img/a-1280.jpg"  # relative src resolved against --url
    assert (a.caption, a.credit) == ("Der Bürgermeister spricht im Rathaus", "REUTERS/Max Muster")
    assert (b.caption, b.credit) == ("Der Hafen im Winter.", "© AFP / JOHN SMITH")
    assert "https://zeitung.example.de/img/b-big.jpg" in b.urls  # the lightbox link is a candidate
    assert (c.caption, c.credit) == ("Luftqualität in der Stadt.", "Berkeley Earth")
    assert (d.caption, d.credit) == ("Besucher auf der Messe.", "Bild: Jahr Media")


def test_teaser_rails_inside_article_are_not_article_images() -> None:
    images = _images("teaser-rail.html", url="https://news.example.com/news/hunter")
    assert [i.url for i in images] == ["https://cdn.example.com/p/lead-1600.jpg"]
    assert images[0].role == "lead"
    assert (images[0].caption, images[0].credit) == ("The hospital where the hunter is treated", "Credit: Getty")


def test_all_images_names_the_furniture() -> None:
    roles = {i.url.rsplit("/", 1)[-1]: i.role for i in _images("teaser-rail.html", all_images=True)}
    assert roles["logo.png"] == "logo"
    assert roles["other-1.jpg"] == roles["other-2.jpg"] == roles["related-3.jpg"] == "teaser"
    assert roles["facebook.svg"] == "icon"
    assert roles["jane.jpg"] in {"avatar", "icon"}
    assert roles["banner-300x250.jpg"] == "ad"
    assert roles["p?c1=2"] == "tracking"


def test_shared_caption_belongs_to_each_image() -> None:
    first, second, third = _images("shared-caption.html")
    assert first.caption == second.caption == "背面はガラス素材、側面はチタンカラー"
    assert (third.caption, third.credit) == ("先制点が決まり、喜ぶメッシ（左）とスアレス", "ロイター")


def test_centred_next_paragraph_caption_and_chinese_credit() -> None:
    result = extract(PATTERNS / "centred-paragraph.html", url="http://www.example.cn/local/2020-02/19/c_1.htm")
    assert result.page.charset == "gb2312"
    first, second = result.images
    assert first.url == "http://www.example.cn/local/2020-02/19/1125597921_15821148894141n.jpg"
    assert first.credit == "新华社记者 才扬 摄"
    assert first.caption.startswith("2月17日")
    assert (second.caption, second.credit) == ("", "")  # the next paragraph is body text


def test_context_before_and_after() -> None:
    harbour = _images("lazy-picture.html")[0]
    assert harbour.context_before.startswith("First paragraph")
    assert harbour.context_after.startswith("Second paragraph")


def test_copies_of_one_picture_merge_and_data_credit() -> None:
    images = _images("copies-and-data-credit.html", url="https://www.example.net/news/buses")
    assert len(images) == 2
    lead, gate = images
    assert lead.role in {"lead", "slideshow"}
    assert "https://img.example.net/976x565/bus-depot-20220505.jpg" in lead.urls  # protocol-relative resolved
    assert "https://img.example.net/2000x1200/bus-depot-20220505.jpg" in lead.urls  # hidden copy + og:image
    assert (lead.caption, lead.credit) == ("Buses outside the house.", "FOTO Archivo Particular")
    assert gate.credit == "Jane Roe/Example Press"


def test_a_fragment_without_prose_still_yields_its_picture(tmp_path: Path) -> None:
    page = tmp_path / "fragment.html"
    page.write_text('<img src="https://example.org/a-photo.jpg"><p>A photo</p>', encoding="utf-8")
    images = extract(page).images
    assert [i.url for i in images] == ["https://example.org/a-photo.jpg"]


def test_credit_before_caption_hidden_label_and_jsonld() -> None:
    result = extract(PATTERNS / "credit-before-caption.html", all_images=True)
    avatar, lead, inline = result.images
    assert avatar.role == "avatar"
    assert (lead.role, lead.caption, lead.credit) == (
        "lead", "Residents wade through a flooded street in the town centre", "Getty Images")
    assert "Image caption" not in lead.caption  # screen-reader-only text is not visible
    assert inline.url.endswith("/master/1000.jpg")  # the largest <source> candidate
    assert (inline.caption, inline.credit) == ("Sandbags outside a shop on the high street.", "Photograph: Jane Smith/PA")
    page = result.page
    assert page.jsonld_images[0].credit == "Getty Images" and page.authors == ["A. Reporter"]
    assert page.published == "2023-03-01T08:00:00Z" and page.site_name == "Example News"


def test_amp_gallery_hidden_slides_are_slideshow_images_with_captions_and_credits() -> None:
    images = _images("amp-gallery.html")
    assert [i.url.rsplit("/", 1)[-1] for i in images] == ["metro-station.jpg?width=1368", "island-street.jpg?width=640"]
    metro, island = images
    assert "https://img.example.net/2020/05/metro-station.jpg?width=640" in metro.urls  # the preview is the same image
    assert (metro.caption, metro.credit) == ("Commuters keep their distance at a metro station in Milan", "AFP via Getty Images")
    assert (island.caption, island.credit) == (
        "People walk on a street of the island, which reopens to visitors next week", "Reuters")
    assert {metro.role, island.role} == {"slideshow"}
    roles = {i.url.rsplit("/", 1)[-1]: i.role for i in _images("amp-gallery.html", all_images=True)}
    assert roles["site-mark.png"] != "slideshow" and roles["site-mark.png"] not in {"lead", "inline"}


def test_pictures_named_only_by_attributes() -> None:
    one, two, store = _images("data-only-slides.html")
    assert one.url == "https://media.example.com/pgfull/robbery-suspects-1.png"
    assert (one.caption, one.credit) == ("Surveillance image of the two men police are looking for.", "Police handout")
    assert two.caption == "The second man left on foot."  # data-title holds a file name, not a caption
    assert one.role == two.role == "slideshow"
    assert store.url == "https://media.example.com/2014/store-front-articleLarge.jpg"  # ImageObject itemid, no <img>
    assert (store.caption, store.credit) == ("The store on Main Street, where the robbery took place.", "Jane Roe for Local News")


def test_imageobject_box_is_the_pictures_own_figure() -> None:
    first, second = _images("imageobject-slides.html")
    assert (first.caption, first.credit) == (
        "It is designed to look like last year's model, but it is a big upgrade on it.", "Image credit: www.example.com")
    assert second.caption == "The screen puts it in the smaller size category."  # not the slide heading
