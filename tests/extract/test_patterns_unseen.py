"""Rules learned from pages the extractor was not written against (issue 9), one pattern page each.

Every page under testdata/pages/patterns/ is hand-written and small; none is a corpus page.
"""

from __future__ import annotations

from pathlib import Path

from captioncheck.extract import extract

PATTERNS = Path(__file__).resolve().parents[2] / "testdata" / "pages" / "patterns"


def _images(name: str, url: str | None = None, all_images: bool = False):
    return extract(PATTERNS / name, url=url, all_images=all_images).images


def _roles(name: str, url: str | None = None) -> dict[str, str]:
    return {i.url.rsplit("/", 1)[-1]: i.role for i in _images(name, url, all_images=True)}


def test_noscript_only_copy_reads_its_figure_caption() -> None:
    (image,) = _images("noscript-only.html")
    assert image.url == "https://img.example.de/fm/sapria-2000.jpeg"
    assert image.caption == "Sapria himalayana | Ein Parasit aus der Familie der Rafflesiaceae."
    assert image.credit == "© phichak / stock.adobe.com"


def test_layout_wrappers_named_like_sidebars_hold_the_article() -> None:
    images = _images("layout-wrappers.html", all_images=True)
    roles = {i.url.rsplit("/", 1)[-1]: i.role for i in images}
    assert roles["hero-phone.jpg"] == "lead"
    assert roles["inline-screen.jpg"] == "inline"
    assert roles["other-story.jpg"] == "teaser"  # the real sidebar stays furniture
    assert images[0].credit == "Photo by Dan Roe / Example"


def test_sizes_and_file_names_do_not_demote_photos() -> None:
    roles = _roles("sizes-and-names.html", url="https://arabic.example.com/2013/08/03/story.html")
    assert roles["Gal.syria.assad.army.jpg_-1_-1.jpg"] == "inline"  # "assad." is no ad.* tracker host
    assert roles["twitter-lite.jpg"] == "inline"  # height="0" is auto; caption in the outer <figure>
    assert roles["audi-battery-700.jpeg"] == "inline"  # layout=responsive 16x9 is a ratio, not an icon
    assert roles["collect.gif"] == "tracking"
    # a furniture word inside a longer word of a photo's file name names no furniture ("silicon", "fbappicon" hold
    # "icon"); on its own, or in a PNG's name, it still does
    assert roles["silicon-valley-offices_1020.0_standard_640.0.jpg"] == "inline"
    assert roles["fbappicon1_1020.0_standard_640.0.jpg"] == "inline"
    assert roles["share-icon.jpg"] != "inline" and roles["sitelogo.png"] == "logo"
    twitter = next(i for i in _images("sizes-and-names.html") if "twitter" in i.url)
    assert (twitter.caption, twitter.credit) == ("Twitter Lite comes to eleven more countries.", "Twitter")


def test_caption_controls_are_not_caption_and_lightbox_rendition_is_one_image() -> None:
    (image,) = _images("caption-controls.html")
    assert image.caption == "The defendant is escorted from the police station."
    assert image.credit == "Chuck Roe/AP"
    assert "https://media.example.org/img/ap_163426-ec3bdb8a57031-s1200.jpg" in image.urls


def test_infinite_scroll_follow_on_story_is_not_this_article() -> None:
    images = _images("infinite-scroll.html")
    assert [i.url.rsplit("/", 1)[-1] for i in images] == ["bendicion-760x420.jpg"]
    assert images[0].role == "lead"


def test_attribute_pictures_alt_is_not_a_caption() -> None:
    roles = _roles("attribute-teasers.html")
    assert roles["persson.jpg"] == "lead"
    assert roles["grey_line-nc.png"] not in {"lead", "inline"}  # data-height="2": a separator line
    assert roles["lyrics-quiz.jpg"] == "teaser"  # data-alt of a teaser is no caption
    lead = _images("attribute-teasers.html")[0]
    assert lead.caption == "Eva-Marie Persson said the decision had been taken after interviews."
    assert lead.credit == "EPA"


def test_link_card_inside_body_is_a_teaser() -> None:
    images = _images("link-card.html", url="https://example.jp/article/helvetica/")
    assert [i.url.rsplit("/", 1)[-1] for i in images] == ["d7df1ce52223.jpg"]
    assert images[0].credit == "IMAGE COURTESY OF MONOTYPE"


def test_largest_picture_source_wins_without_width_descriptors() -> None:
    (image,) = _images("picture-sizes.html")
    assert image.url == "https://example.eu/uploads/2020/03/boltanski-1340x894.jpg"
    assert image.role == "inline"


def test_image_proxy_embedding_the_og_image_is_the_lead() -> None:
    images = _images("image-proxy.html")
    assert len(images) == 1 and images[0].role == "lead"
    assert "/fit-in/960x540/" in images[0].url  # the <img> itself, not the small-screen <source>
    assert "https://www.example.it/image/contentid/policy:1.384879/image/image.jpeg?f=detail_558&h=720&w=1280" in images[0].urls


def test_banner_names_do_not_make_a_hero_an_ad() -> None:
    roles = _roles("hero-banner.html")
    assert roles["755923-000_hkg10175905.jpg?width=750"] == "lead"
    assert roles["summer-sale.jpg"] == "ad"
    roles = _roles("headline-banner.html")
    assert roles["20170228Dh4X.png?crop=755x450"] == "lead"  # its alt is the headline
    assert roles["phone-sale.png"] == "ad"


def test_credit_line_paragraph_and_gallery_state_in_script() -> None:
    images = _images("credit-line.html")
    names = [i.url.rsplit("/", 1)[-1] for i in images]
    assert names == ["z27025800IH,Zdjecie-ilustracyjne.jpg", "z27025799IH,Zdjecie-ilustracyjne.jpg",
                     "z27025801IH,Zdjecie-ilustracyjne.jpg"]  # page-wide script state is not a gallery
    assert images[0].credit == "Fot. Lukasz Nowak / Agencja Foto" and images[0].caption == ""
    assert images[1].credit == "Fot. Anna Kowal / Agencja Foto" and images[1].caption == ""  # a title is no caption
    assert images[2].caption == "Pies przewodnik w pracy"
    assert all(i.role == "slideshow" for i in images[1:])


def test_jsonld_imageobject_gives_caption_and_credit() -> None:
    (image,) = _images("jsonld-imageobject.html")
    assert image.caption == "The Redonda tree lizard (Anolis nubilus), one of the reptiles that rebounded."
    # the credit line the page shows under the picture (read as the caption's box's credit line), label kept as
    # printed; the ImageObject's own ("author") is what stands where the page shows none
    assert image.credit == "Photograph by Ed Marshall, Restoration Programme"
    assert "https://static.example.co.uk/files/redonda-tree-lizard.jpg" in image.urls


def test_jsonld_imageobject_caption_where_the_page_shows_none(tmp_path: Path) -> None:
    page = (PATTERNS / "jsonld-imageobject.html").read_text()
    start = page.index('<div class="img__cont">')
    page = page[:start] + page[page.index("</div></div></div>", start) + len("</div></div>"):]
    (tmp_path / "bare.html").write_text(page)
    (image,) = extract(tmp_path / "bare.html").images
    assert image.caption == "The Redonda tree lizard (Anolis nubilus), one of the reptiles that rebounded."
    assert image.credit == "Ed Marshall, Restoration Programme"
    assert "caption: structured data" in image.notes


def test_caption_that_is_only_a_credit() -> None:
    (image,) = _images("credit-only-caption.html")
    assert (image.caption, image.credit) == ("", "Bloomberg via Getty Images")


def test_article_wide_credit_line() -> None:
    images = _images("article-credit.html", url="http://ent.example.co.kr/news/1")
    assert len(images) == 2
    assert all(i.credit == "사진=MBC, SBS" for i in images)
    # a picture's own credit in its figure never becomes the article's credit line
    bare = next(i for i in _images("sizes-and-names.html", url="https://arabic.example.com/a.html") if "assad" in i.url)
    assert bare.credit == ""


def test_credit_as_first_block_and_caption_in_the_img_data_caption() -> None:
    scooters, boat = _images("credit-first-data-caption.html")
    assert scooters.credit == "Photo: Adil Boukind Archives Le Journal"
    assert scooters.caption == "Les entreprises de trottinettes ont enregistré 365 000 déplacements."
    assert boat.caption == "Wade Bassi stands near his boat at the terminal."
    assert boat.credit == "Ellen M. Banner / The Times"


def test_teaser_module_article_strip_banner_and_beacon_are_furniture() -> None:
    images = _images("teaser-module-strips-beacons.html", url="https://www.example.de/aktuell/streaming.html")
    assert [i.url.rsplit("/", 1)[-1] for i in images] == ["streaming-1200.jpg"]
    roles = _roles("teaser-module-strips-beacons.html", url="https://www.example.de/aktuell/streaming.html")
    assert roles["praesident-rede.jpg"] == "teaser"  # a small <article> whose headline links to another story
    assert roles["assine_topo_noticias_355x100px_A.png"] not in {"lead", "inline"}  # a 355x100 strip
    assert roles["l.gif?a=1.6604622&d=2.252"] == "tracking"  # whatever text follows it


def test_featured_image_above_the_body_in_the_same_story() -> None:
    images = _images("featured-image.html")
    assert [i.url.rsplit("/", 1)[-1] for i in images] == ["cavalieri-990x574-900x400.jpg"]
    assert images[0].role == "lead"


def test_captions_found_by_their_credit() -> None:
    """credit-boxes.html: an unnamed footer under the picture holding caption, "©" and credit; a figure
    whose only named element is the credit; a name + e-mail; HTML's rel=license; a "More on" module
    after a credit is not part of it; an alt written as a credit line."""
    images = {i.url.rsplit("/", 1)[-1]: i for i in _images("credit-boxes.html")}
    assert [(i.caption, i.credit) for i in images.values()] == [
        ("Cranes stand idle at the eastern harbour, May 6, 2024.", "© Example Wire / Ana Ruiz"),
        ("Union members vote on the offer in the harbour canteen on Sunday", "Jane Roe"),
        ("The empty container quay on Saturday.", "Jim Park jpark@example.net"),
        ("Berths closed by the strike (as of May 2024)", "CC-BY-SA 2.0"),
        ("", "Example Wire"),
        ("", "Photo: Example Wire/Lee Chan"),
    ]
    assert images["harbour-cranes-1600.jpg"].notes == ["caption: box"]


def test_calls_to_subscribe_are_furniture_and_a_figure_keeps_its_caption() -> None:
    """call-to-action.html: an uncaptioned picture in a paywall or call-to-action box is furniture, a
    captioned photo in a "subscriber" box is not; nor is one in a small callout whose only text is its
    headings and a link away ("Keep reading"), while a picture under a subheading without a link stays;
    the caption inside the next picture's <figure> is that picture's, never the one before it."""
    images = {i.url.rsplit("/", 1)[-1]: i for i in _images("call-to-action.html", all_images=True)}
    assert {name: i.role for name, i in images.items()} == {
        "tram-vote-1200.jpg": "inline", "editor-stamp.png": "teaser", "tram-route-map-1200.jpg": "inline",
        "transport-topic.jpg": "teaser", "tram-depot-1200.jpg": "inline", "paywall-bg.jpg": "teaser"}
    assert images["editor-stamp.png"].caption == ""
    assert images["tram-route-map-1200.jpg"].caption == "The planned route, with its nine stops"


def test_a_label_beside_a_credit_is_no_caption(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text('<html><body><article><h1>Title</h1><p>' + "Body text of the story. " * 20 + '</p>'
                    '<figure><img src="https://img.example.org/a/harbour-1200.jpg" width="1200" height="800">'
                    '<div><span>Enlarge</span><cite>Jane Roe</cite></div></figure><p>' + "More text. " * 20 + '</p>'
                    '</article></body></html>', encoding="utf-8")
    (image,) = extract(page).images
    assert (image.caption, image.credit) == ("", "Jane Roe")


def test_a_card_that_is_one_link_links_away() -> None:
    """`_links_away` on a box that is itself the `<a>`: css() matches the element itself, which is meant here."""
    from captioncheck.extract.dom import Doc
    from captioncheck.extract.teasers import _links_away

    doc = Doc.parse('<body><a href="https://news.example.org/2024/05/01/other-story.html"><img src="a.jpg">'
                    "<span>Another story about the harbour strike</span></a></body>")
    card = doc.css("a")[0]
    assert _links_away(card, doc, "https://news.example.org/2024/05/02/this-story.html")
    assert not _links_away(card, doc, "https://news.example.org/2024/05/01/other-story.html")  # the page itself


def test_footer_box_with_an_unmarked_credit(tmp_path: Path) -> None:
    """The box rule also reads a footer whose credit carries no mark: an agency as the last block, a
    credit-named element; a plain sentence under a picture is not read by it (nothing tells a credit)."""
    page = tmp_path / "p.html"
    found = []
    for footer in ('<span>Boats in the harbour at dawn</span> <span>AFP via Getty Images</span>',
                   '<span>Boats in the harbour at dawn</span> <span class="credit">Jane Roe</span>',
                   '<span>Boats in the harbour at dawn, seen from the old pier</span>'):
        page.write_text('<html><body><article><h1>T</h1><p>' + "Body text of the story. " * 20 + '</p><div class="m"><div>'
                        '<img src="https://img.example.org/a/harbour-1200.jpg" width="1200" height="800"></div>'
                        f'<div>{footer}</div></div><p>' + "More text. " * 20 + '</p></article></body></html>', encoding="utf-8")
        (image,) = extract(page).images
        found.append((image.caption, image.credit, "caption: box" in image.notes))
    assert found[:2] == [("Boats in the harbour at dawn", "AFP via Getty Images", True),
                         ("Boats in the harbour at dawn", "Jane Roe", True)]
    assert found[2][1:] == ("", False)  # (read as before, by the wholly-in-one-wrapper rule)


def test_a_photo_player_is_no_video_player(tmp_path: Path) -> None:
    """"player" names a video box, unless a picture word says it shows photos (foto_player, photo-player)."""
    page = tmp_path / "p.html"
    roles = []
    for name in ("foto_player", "photo-player", "video-player", "player"):
        page.write_text('<html><body><article><h1>T</h1><p>' + "Body text of the story. " * 20 + '</p>'
                        f'<div id="{name}"><img src="https://img.example.org/a/court-1200.jpg" width="515" height="337"></div>'
                        '<p>' + "More text. " * 20 + '</p></article></body></html>', encoding="utf-8")
        roles.append({i.url.rsplit("/", 1)[-1]: i.role for i in extract(page, all_images=True).images}["court-1200.jpg"])
    assert roles == ["inline", "inline", "decoration", "decoration"]


def test_unnamed_caption_with_a_credit_line_and_a_spacer_before_the_caption() -> None:
    """unnamed-caption-credit.html: no class says caption or credit. A caption block and a credit line alone in the
    picture's box ("Name, Associated Press"; "Name / Agency / AFP" after an empty icon span), and a caption whose
    text opens after a blank spacer `<span>&nbsp;</span>`."""
    images = {i.url.rsplit("/", 1)[-1]: i for i in _images("unnamed-caption-credit.html")}
    qb, coach, fans = images["quarterback-1080.jpg"], images["coach-800.jpg"], images["fans-610.jpg"]
    assert (qb.caption, qb.credit) == ("The home quarterback runs for a first down in the second half", "Jane Roe, Associated Press")
    assert (coach.caption, coach.credit) == ("The coach talks to reporters after the game.", "Sam Poe / Photoagency / AFP")
    assert fans.caption == "Fans celebrate on the field after the game."
    assert fans.credit == "Mandatory Credit: Ann Doe-Example Sports"
    # a credit line in brackets in a schema.org ImageObject box (no <figure>), read without its brackets
    assert images["stadium-940.jpg"].credit == "Foto: Tony Roe/Ascom-PC"
    # a labelled credit line as short as the room the caption's box leaves
    assert (images["referee-960.jpg"].caption, images["referee-960.jpg"].credit) == ("The referee shows a yellow card.", "Photo : Example TV")
    # an infographic's long sources, opening with "©", in a block of their own before the caption
    chart = images["season-chart.jpg"]
    assert chart.caption.startswith("The season in numbers |")
    assert chart.credit.startswith("© Ann Example / Example Magazine") and chart.credit.endswith("(detail)")


def test_a_credit_that_is_only_a_label_is_no_credit() -> None:
    from captioncheck.extract.caption_text import unbracketed

    assert unbracketed("(Bild: )") == ""
    assert unbracketed("(Image: GETTY )") == "Image: GETTY"
    assert unbracketed("Reuters (file)") == "Reuters (file)"


def test_hero_picture_right_above_the_headline_is_the_lead() -> None:
    """hero-above-headline.html: no class or size says so; the picture right above the page's <h1> (a kicker
    between them) is the story's lead. The linked logo and a PNG badge above another heading are not the article's."""
    roles = _roles("hero-above-headline.html")
    assert roles["000HERO-C461.jpeg"] == "lead"
    assert roles.get("logo-site.png") not in ("lead", "inline")
    assert roles.get("badge.png") not in ("lead", "inline")
    assert roles.get("000OTHER-C200.jpeg") not in ("lead", "inline")


def test_caption_after_the_pictures_controls_in_the_next_box() -> None:
    """caption-after-controls.html: no class says caption. A "show caption" link to a place in the page (and an
    overlay badge) beside the picture is its control, not its caption; the caption with its credit opens the next
    box, whose other text is the article's."""
    images = {i.url.rsplit("/", 1)[-1]: i for i in _images("caption-after-controls.html")}
    singer, ski = images["unterstuetzer-960.jpg"], images["skirennen-1000.jpg"]
    assert (singer.caption, singer.credit) == ("Auch ein bekannter Sänger gehört zu den Unterstützern.", "Bild: dpa")
    assert singer.role == "lead"
    assert (ski.caption, ski.credit) == ("Hat das Potential zum Superstar: eine Skirennfahrerin.", "© AFP / JANE ROE")


def test_a_cards_headline_with_its_source_does_not_make_it_an_article_photo(tmp_path: Path) -> None:
    """The caption-with-credit-line shape read without names is found by where it stands: cards after the article
    (a linked picture, a headline, an agency) read the same, and stay teasers."""
    body = "".join(f"<p>Paragraph {i} of the article about the budget, long enough to be read as the article's text.</p>"
                   for i in range(6))
    cards = "".join(f'<div class="c{i}"><a href="/other-{i}"><img src="https://img.example.net/other-{i}.jpg"></a>'
                    f'<div class="d{i}"><div class="e{i}">Another story about the city council vote number {i}</div>'
                    f'<div class="f{i}">Reuters</div></div></div>' for i in range(3))
    page = tmp_path / "cards.html"
    page.write_text(f"<html><body><div class=a><h1 class=b>The budget story</h1>{body}</div><div class=g>{cards}</div>"
                    "</body></html>")
    roles = {i.url.rsplit("/", 1)[-1]: i.role for i in extract(page, all_images=True).images}
    assert all(roles.get(f"other-{i}.jpg") not in ("lead", "inline") for i in range(3)), roles


def test_a_slides_cite_holding_a_sentence_is_its_caption_and_hidden_slides_read_their_hidden_captions() -> None:
    """`<img><cite>sentence</cite>`: a `<cite>` that reads as a sentence, not a credit line, is the picture's caption;
    a hidden slide's caption is hidden like its picture and still read. A `<cite>` credit stays a credit."""
    images = _images("gallery-cite-captions.html")
    assert [i.caption.split(" ")[0] for i in images[:3]] == ["Police", "Passengers", "Cars"]
    assert all(i.credit == "" for i in images[:3])
    assert (images[3].caption, images[3].credit) == ("A plow clears a road in Albuquerque on Sunday.", "Photo: Jane Doe/Example Press")
    # the slides' 60 px navigation thumbnails (a size set in CSS on the box that holds only the picture), a player's
    # download button (its folder's name) and a spacer pixel are no article pictures
    assert len(images) == 4
    roles = _roles("gallery-cite-captions.html")
    assert roles["slide-02-thumbs.jpg"] not in ("lead", "inline", "slideshow")
    assert roles.get("1px.gif") in (None, "placeholder") and roles["get_player.gif"] == "icon"  # (a spacer: no URL)


def test_a_caption_box_holding_only_a_credit_gives_the_credit_and_a_gallery_link_credits_nothing() -> None:
    """A caption element whose text is only a credit (its "/" separators are no words; a studio signing "X Photography")
    is the picture's credit; a closing "PHOTOS: <a>headline</a>" line is a link to a gallery, no article-wide credit."""
    lead, inline = _images("credit-only-captions.html")
    assert (lead.caption, lead.credit) == ("", "Mandel Ngan / AFP / Getty Images")
    assert (inline.caption, inline.credit) == ("", "Al 'Hughes' Dukes Photography")


def test_pictures_served_by_one_script_are_told_apart_by_the_file_their_query_names() -> None:
    """`image.php?src=/posts/p100_2.jpg&w=660`: the script's name is every picture's; the file in the query is the
    picture's own (three photos were merged into one)."""
    images = _images("script-served-images.html", url="https://www.example.ph/news/2019/11/sedan.html")
    assert [i.url.rsplit("src=", 1)[-1] for i in images] == [
        "/images/posts/post100.jpg&w=1280", "/images/posts/post100_2.jpg&w=660", "/images/posts/post100_3.jpg&w=660"]


def test_a_credit_that_opens_the_caption_box_and_an_ads_noscript_fallback_further_down() -> None:
    """`<div><cite>Name/Agency</cite>Caption text</div>` after the picture: the box's loose text is the caption; an ad's
    <noscript> fallback further down the article's wrapper is no copy of the photo (its URL became the photo's)."""
    (image,) = _images("cite-credit-then-caption.html")
    assert image.url == "https://img.example.com/photo/2010/0813/coach-practice_300.jpg"
    assert image.urls == [image.url]
    assert (image.caption, image.credit) == (
        "The coach closed the first practices to the public and the media this week.", "Jane Doe/Example Images")


def test_the_caption_after_the_credit_line_in_the_pictures_own_box() -> None:
    """`<div><p><img></p><p class=vcard><span>AP</span></p><p>Caption…</p></div>`: the credit line comes first, the
    caption beside it in the picture's own box (it was left unread)."""
    (image,) = _images("credit-then-caption-box.html")
    assert image.credit == "AP"
    assert image.caption.startswith("Apr. 8: The two presidents sign the treaty")


def test_photos_whose_file_names_are_only_a_rendition_are_told_apart_by_their_folders() -> None:
    """`/img/<id>/ku-xlarge.jpg`: the file name is the size's, every photo's; the folder names the photo (seven photos
    were merged into one). A distinctive name in two size folders is still one photo."""
    images = _images("rendition-named-files.html")
    assert [i.url.split("/")[-2] for i in images] == ["18x4gw79fbq0ejpg", "18x4hpiv0p6msjpg", "18x4hwfgooxbgjpg", "976x565"]
    assert "https://cdn.example.com/2000x1200/bus-depot-20220505.jpg" in images[-1].urls


def test_a_long_captions_more_and_less_links_are_no_caption_text() -> None:
    """The "… more" / "less" links that unfold a long caption are controls: without them the caption's closing credit
    is read as the credit, and the picture (a lead in a box also named "related") is the article's."""
    (image,) = _images("expandable-caption.html")
    assert image.caption.endswith("said he is resigning, effective immediately.") and "more" not in image.caption
    assert image.credit == "AP Photo/Jeff Doe, File"


def test_dashes_set_around_a_caption_as_decoration_are_dropped(tmp_path: Path) -> None:
    """`<p class=legende>- Tapie en 2008. REUTERS/Benoit Tessier -</p>`: without the framing dashes the credit splits off
    (the whole line was read as a credit); a leading minus sign stays."""
    page = tmp_path / "framed.html"
    page.write_text('<html lang="fr"><body><article><h1>Titre</h1><figure><img src="https://img.example.fr/nanard.jpg" '
                    'width="600" height="400"><figcaption>- Tapie en 2008. REUTERS/Benoit Tessier -</figcaption></figure>'
                    "<p>" + "Le texte de l'article continue ici avec assez de mots pour être de la prose. " * 3 + "</p>"
                    "</article></body></html>", encoding="utf-8")
    (image,) = extract(page).images
    assert (image.caption, image.credit) == ("Tapie en 2008.", "REUTERS/Benoit Tessier")


def test_a_playlists_posters_inside_their_players_own_elements_are_no_article_photos() -> None:
    """Each poster sits five wrappers deep in its playlist item, the element that carries the player's data
    (`data-duration`): a video's poster. A media id on a photo's own <figure> makes it no player."""
    images = _images("video-playlist.html")
    assert [i.url.rsplit("/", 1)[-1] for i in images] == ["courthouse-steps.jpg"]


def test_folders_named_for_furniture_with_a_prefix() -> None:
    """`/download_buttons/`, `/social-icons/`, a player's `/overlays/` name furniture; a photo folder does not."""
    from captioncheck.extract.roles import _url_furniture

    assert _url_furniture("https://www.example.com/images/shared/download_buttons/get_player.gif") == "icon"
    assert _url_furniture("https://asset.example.com/i/tron/overlays/video-overlay-med.png") == "icon"
    assert _url_furniture("https://img.example.com/photos/2010/08/18/verizon-ipad.jpg") == ""


def test_a_photo_whose_only_text_is_its_credit_linked_to_the_source_is_no_link_card() -> None:
    """`<div><img><p class=source><a href=other-site>Name, Blog</a></p></div>`: the link is the credit's source, not a
    card's headline (the photo was a teaser)."""
    (image,) = _images("linked-source-credit.html")
    assert image.credit == "Doug Roe, Oldtimers" and image.role == "inline"


def test_hidden_slides_beside_a_shown_one_of_the_same_size_are_a_gallery_without_names(tmp_path: Path) -> None:
    """The gallery page with every class and id removed: three pictures of one size in sibling boxes, the first shown,
    the others hidden, are its slides (captions read), told by their shape (they were hidden decoration)."""
    import re

    html = (PATTERNS / "gallery-cite-captions.html").read_text(encoding="utf-8")
    page = tmp_path / "nameless.html"
    page.write_text(re.sub(r'\s(class|id)="[^"]*"', "", html), encoding="utf-8")
    images = extract(page).images
    assert [i.caption.split(" ")[0] for i in images[:3]] == ["Police", "Passengers", "Cars"]
    assert [i.role for i in images[:3]] == ["inline", "slideshow", "slideshow"]  # (the shown one: an inline photo)


def test_an_imageobject_box_whose_block_ends_with_a_credit_line_gives_caption_and_credit() -> None:
    """`<aside itemtype=ImageObject><img><meta itemprop=copyrightHolder…><p>Caption. <span>(Photo: X)</span></p>`,
    no class that names either: the block that ends with its credit line is the caption (an invisible `<meta>` named
    as the credit no longer stands for the box's caption, which it left empty)."""
    (image,) = _images("imageobject-caption-credit.html")
    assert (image.caption, image.credit) == (
        "The home in Liberia where the patient rented a room before he travelled.", "Photo: John Moore/Getty Images")


def test_a_caption_that_is_only_the_publications_own_name_is_its_credit(tmp_path: Path) -> None:
    """`<figcaption>EL PAÍS</figcaption>` under a chart of a page whose og:site_name is "EL PAÍS": the publication made
    the picture (its name is the credit, not a caption)."""
    page = tmp_path / "own-name.html"
    page.write_text('<html lang="es"><head><meta property="og:site_name" content="EL PAÍS"></head><body><article><h1>La'
                    ' sanidad</h1><p>' + "El gasto sanitario por habitante ha caído en todas las comunidades desde 2009. " * 3
                    + '</p><figure><img src="https://img.example.es/graficos/gasto-sanitario.png" width="600" height="400">'
                    "<figcaption>El País</figcaption></figure></article></body></html>", encoding="utf-8")
    (image,) = extract(page).images
    assert (image.caption, image.credit) == ("", "El País")


def test_a_thumbnail_size_written_base64_encoded_in_an_image_cdns_path_makes_a_teaser() -> None:
    # "/res/1.2/<signature>/<base64 of 'appid=news;...;h=75;q=85;w=100'>/<original URL>": the resize parameters an
    # image CDN reads, encoded in one path segment; the lead's own ("h=420;w=630") names no thumbnail
    roles = _roles("encoded-resize-thumbnails.html", url="https://news.example.com/storm")
    assert roles == {"harbour-storm.jpg": "lead", "other-story-0.jpg": "teaser"}


def test_the_articles_byline_after_its_lead_photo_is_no_credit_but_a_photos_own_author_is(tmp_path: Path) -> None:
    """`itemprop="author"` names the photographer inside an ImageObject and the writer inside the NewsArticle: the
    byline right after the lead photo ("By David Roe", a Person of the article's item) is not the photo's credit; the
    caption's own "(Michael Israel)" is."""
    body = "<p>" + "The foundation told the tax authority it had broken the rule on self-dealing, the filing shows. " * 3 + "</p>"
    page = tmp_path / "byline.html"
    page.write_text('<html itemscope itemtype="http://schema.org/NewsArticle" lang="en"><body><div class="article-body">'
                    '<div class="inline-photo"><img src="https://img.example.com/2016/portrait-of-the-owner.jpg"><br>'
                    "<span class=\"caption\">The painter poses with the owner in 2007 at his club. (Michael Israel)</span></div>"
                    '<div class="sig-line"><span class="byline" itemprop="author" itemscope itemtype="http://schema.org/Person">'
                    'By <a href="/people/david-roe/"><span itemprop="name">David Roe</span></a></span></div>'
                    f"<article>{body}</article></div></body></html>", encoding="utf-8")
    (image,) = extract(page).images
    assert (image.caption, image.credit) == ("The painter poses with the owner in 2007 at his club.", "Michael Israel")
    photo = tmp_path / "photo-author.html"
    photo.write_text('<html itemscope itemtype="http://schema.org/NewsArticle" lang="en"><body><article>' + body
                     + '<figure itemscope itemtype="http://schema.org/ImageObject"><img src="https://img.example.com/harbour.jpg">'
                     '<figcaption><span itemprop="caption">Boats in the harbour on Monday.</span> <span itemprop="author">'
                     "Jane Roe</span></figcaption></figure>" + body + "</article></body></html>", encoding="utf-8")
    (image,) = extract(photo).images
    assert (image.caption, image.credit) == ("Boats in the harbour on Monday.", "Jane Roe")


def test_an_img_without_a_url_takes_the_sources_beside_it_and_a_credit_of_punctuation_is_none(tmp_path: Path) -> None:
    """A responsive picture a script builds: empty `<span data-src>` sources (each width in `data-width-N`) beside an
    `<img>` holding only alt and title. The widest source is the picture (the sources are no pictures of their own);
    the photographer's element left holding "." is no credit."""
    sources = "".join(f'<span class="tmp" data-src="https://media.example.com/news/x1y2/picture42/ALTERNATES/FREE_{w}/HARBOUR"'
                      f' data-width-{w}=""></span>' for w in (320, 640, 1140))
    page = tmp_path / "sources.html"
    page.write_text('<html lang="en"><body><article><h1>Storm closes the harbour</h1><div class="item">' + sources
                    + '<img alt="Boats in the harbour."><div class="caption"><span class="caption-text">Boats sheltered in '
                    'the harbour on Monday.</span> <span class="photographer">.</span></div></div><p>'
                    + "The port authority closed the harbour on Monday as the winds rose along the coast. " * 3
                    + "</p></article></body></html>", encoding="utf-8")
    (image,) = extract(page).images
    assert image.url == "https://media.example.com/news/x1y2/picture42/ALTERNATES/FREE_1140/HARBOUR"
    assert (image.caption, image.credit) == ("Boats sheltered in the harbour on Monday.", "")


def test_a_sliders_arrows_between_the_slide_and_its_caption_are_controls(tmp_path: Path) -> None:
    slides = "".join(
        f'<div><div class="slide-media"><img data-lazy="https://media.example.com/r/?i=11654922{n}&ll=780">'
        '<div class="s-l">left</div><div class="s-r">right</div></div><div class="meta"><div class="txt">'
        f'<div class="module-caption">The chair holds a news conference in Washington, December {n}, 2016. '
        f'<span class="module-credit">REUTERS/Gary Roe</span></div></div><div class="num">{n}/3</div></div></div>'
        for n in (1, 2, 3))
    page = tmp_path / "arrows.html"
    page.write_text('<html lang="en"><body><article><h1>Rates rise</h1><div class="slider">' + slides + "</div><p>"
                    + "The central bank raised interest rates on Wednesday and signalled more increases next year. " * 3
                    + "</p></article></body></html>", encoding="utf-8")
    images = extract(page).images
    assert [(i.caption, i.credit) for i in images] == [
        (f"The chair holds a news conference in Washington, December {n}, 2016.", "REUTERS/Gary Roe") for n in (1, 2, 3)]


def test_a_wrapper_hidden_only_by_its_class_name_that_holds_the_article_is_shown(tmp_path: Path) -> None:
    """`suplist_list_hide` around a list article's items (each a heading, a picture and its credit): a page does not
    hide its own article, so a wrapper named hidden that holds at least half as much text as the page shows is read
    as shown. A menu hidden the same way, with little text, stays hidden."""
    items = "".join(f'<div class="item"><h2>{n}. The picture prompted a backlash from fans of the singer, number {n}.</h2>'
                    f'<img src="https://img.example.com/static/sub-item-{n}.png" width="600" height="450">'
                    f'<div class="credit">@fan{n} / Twitter</div><p>{"Many people quickly came to her defence online. " * 6}</p></div>'
                    for n in range(1, 5))
    page = tmp_path / "list-hide.html"
    page.write_text('<html lang="en"><body><div class="menu nav_hide"><img src="https://img.example.com/menu-photo.jpg" '
                    'width="300" height="200"><a href="/a">Home</a></div><article><h1>Fans defend the singer</h1><p>'
                    + "The singer posted a photo of herself on Sunday and the reaction was swift. " * 2 + "</p>"
                    f'<div class="list suplist_list_hide">{items}</div></article></body></html>', encoding="utf-8")
    images = extract(page).images
    assert [i.url.rsplit("/", 1)[-1] for i in images] == [f"sub-item-{n}.png" for n in range(1, 5)]
    assert [i.credit for i in images] == [f"@fan{n} / Twitter" for n in range(1, 5)]


def test_the_articles_byline_read_after_a_lead_photo_is_no_part_of_its_credit(tmp_path: Path) -> None:
    """`<cite>[Photo: Ann Roe/iStock]</cite>` under the lead, then the byline `<cite>By Zach Doe</cite>` of the page's
    author (meta author): the credit is the photo's line alone. "Photo by <the author>" stays a credit."""
    def page(caption: str) -> Path:
        path = tmp_path / f"byline-{len(caption)}.html"
        path.write_text('<html lang="en"><head><meta name="author" content="Zach Doe"></head><body><header><h1>Five folders'
                        '</h1><figure><img src="https://images.example.com/fc/3067012-poster.jpg" width="1153" height="648">'
                        f'</figure><div class="featured-caption">{caption}</div></header><div class="content">'
                        '<div class="byline"><cite class="by">By Zach Doe</cite><span>5 minute read</span></div><article><p>'
                        + "Stop organising your email by subject and start thinking in deadlines instead. " * 4
                        + "</p></article></div></body></html>", encoding="utf-8")
        return path

    (image,) = extract(page("<cite><em>[Photo: Ann Roe/iStock]</em></cite>")).images
    assert image.credit == "Photo: Ann Roe/iStock"
    (image,) = extract(page("<cite>Photo by Zach Doe</cite>")).images
    assert image.credit == "Photo by Zach Doe"


def test_a_lead_photo_in_its_own_aside_or_in_the_posts_header_is_the_articles(tmp_path: Path) -> None:
    """`<aside class="embed" data-content-size="leadart"><figure><img>` outside the body's zone, holding that one
    picture and no links, is the picture's own box, not a rail; a photo in a `<header>` whose `<h1>` is the headline
    belongs to the article even when a sticky bar's copy of the headline comes first."""
    text = "<p>" + "Officials said on Tuesday that the district would review its contracts again next year. " * 4 + "</p>"
    aside = tmp_path / "aside.html"
    aside.write_text('<html lang="en"><head><title>Schools review contracts</title></head><body><article><h1>Schools '
                     'review contracts</h1><div class="lead-art"><aside class="embed" data-content-size="leadart"><figure>'
                     '<img src="https://img.example.com/turbine/schools-photo/750/750x422" alt="Officials"></figure></aside>'
                     f'</div><div class="body">{text}</div><aside class="rail"><a href="/other"><img src="https://img.example'
                     '.com/other-story.jpg"></a><a href="/other">Another story on the schools budget</a></aside></article>'
                     "</body></html>", encoding="utf-8")
    roles = _roles_of(aside)
    assert roles["750x422"] == "lead" and roles["other-story.jpg"] == "teaser"
    header = tmp_path / "header.html"
    header.write_text('<html lang="en"><head><title>An ode to the spacecraft</title></head><body><div class="sticky"><span>'
                      '<h1>An ode to the spacecraft</h1></span></div><main><div class="post"><header class="post-header">'
                      '<h1>An ode to the spacecraft</h1><p>By Jane Roe</p><figure><img src="https://assets.example.com/w_1720/'
                      'impact.jpg"><figcaption><span class="credit">ESA/ATG</span></figcaption></figure></header>'
                      f'<article>{text}</article></div></main></body></html>', encoding="utf-8")
    assert _roles_of(header)["impact.jpg"] in ("lead", "inline")
    from captioncheck.extract import images, roles
    from captioncheck.extract.dom import Doc
    from captioncheck.extract.zones import find_zones

    doc = Doc.parse(header.read_text(encoding="utf-8"))
    (picture,), _ = images.collect(doc, "https://example.com/")
    assert roles._in_title_header(picture, doc, find_zones(doc, "An ode to the spacecraft"))
    doc = Doc.parse(header.read_text(encoding="utf-8").replace("<h1>An ode to the spacecraft</h1><p>By", "<h2>More</h2><p>By"))
    (picture,), _ = images.collect(doc, "https://example.com/")
    assert not roles._in_title_header(picture, doc, find_zones(doc, "An ode to the spacecraft"))


def _roles_of(page: Path) -> dict[str, str]:
    return {i.url.rsplit("/", 1)[-1]: i.role for i in extract(page, all_images=True).images}


def test_an_articles_post_format_video_class_makes_no_poster_of_its_photo(tmp_path: Path) -> None:
    page = tmp_path / "format-video.html"
    page.write_text('<html lang="en"><body><article class="story type-post format-video post-format-video"><header>'
                    '<figure><img src="https://cdn.example.com/uploads/2016/12/salary-photo.jpg" width="940" height="545">'
                    "</figure><h1>The president-elect skips briefings</h1></header><p>"
                    + "The president-elect said he gets the briefings when he needs them, aides said on Sunday. " * 4
                    + "</p></article></body></html>", encoding="utf-8")
    assert _roles_of(page)["salary-photo.jpg"] == "lead"


def test_a_kicker_word_over_the_headline_is_no_caption_and_a_lone_outside_link_is_a_credit(tmp_path: Path) -> None:
    text = "<p>" + "One day you will meet someone who changes the way you see the whole of your life. " * 4 + "</p>"
    kicker = tmp_path / "kicker.html"
    kicker.write_text('<html lang="en"><body><div class="post"><div class="hero"><div class="main-post-img" style="background-image:'
                      "url('https://cdn.example.com/uploads/lamp-1200x587.jpg');\"></div></div><div class=\"wrapper\">"
                      '<main role="main"><div class="custom-header"> <span>crafts</span> </div>'
                      f"<h1>Snip the stems off plastic spoons to make a lamp</h1>{text}</main></div></div></body></html>",
                      encoding="utf-8")
    (image,) = extract(kicker).images
    assert (image.caption, image.credit) == ("", "")
    linked = tmp_path / "linked.html"
    linked.write_text('<html lang="en"><body><article><h1>Meet someone</h1><figure><img src="https://files.example.com/2016/'
                      '12/3156_o.jpg" width="1140" height="761"><figcaption><a href="https://www.stock.example/photos/3e61">'
                      f"herzblut</a></figcaption></figure>{text}</article></body></html>", encoding="utf-8")
    (image,) = extract(linked).images
    assert (image.caption, image.credit) == ("", "herzblut")


def test_a_platforms_own_data_word_src_attribute_names_the_picture(tmp_path: Path) -> None:
    """`<div class="picturefill" data-platform-src="...jpg">` in a figure: a lazy loader's own "data-<word>-src"
    names the picture when its value is an image file; "data-video-src" and an iframe's never do."""
    page = tmp_path / "platform-src.html"
    page.write_text('<html lang="en"><body><article><h1>Offices are too cold for women</h1><p>'
                    + "Office thermostats follow a formula based on the metabolic rate of a 40-year-old man. " * 3 + "</p>"
                    '<figure><div class="frame"><div class="picturefill" data-platform-component="PictureFill" '
                    'data-platform-src="https://news.example.com/content/dam/2015/08/02thermal.jpg"></div></div>'
                    '<figcaption>A thermal camera shows the difference. <span>Photograph by Tyrone Roe</span></figcaption>'
                    '</figure><div class="clip" data-video-src="https://news.example.com/video/clip.mp4"></div>'
                    '<div data-iframe-src="https://embed.example.com/widget.jpg"></div></article></body></html>',
                    encoding="utf-8")
    images = extract(page).images
    assert [i.url for i in images] == ["https://news.example.com/content/dam/2015/08/02thermal.jpg"]
    assert images[0].caption.startswith("A thermal camera shows the difference.")


def test_a_gallery_hidden_until_its_script_runs_is_told_by_its_captioned_boxes(tmp_path: Path) -> None:
    """No class names: a box hidden by its style holds four sibling boxes, each one picture and its own caption (the
    gallery's slides); a hidden menu of linked teasers stays out."""
    slides = "".join(f'<div><img alt="Slide {n}" src="https://media.example.com/picture{n}/FREE_1140/P{n}"><div><span>'
                     f"Passengers aboard the train in December, number {n}.</span> <span>Roberto Roe</span></div></div>"
                     for n in range(1, 5))
    menu = "".join(f'<div><a href="/story-{n}"><img src="https://media.example.com/teaser{n}.jpg"></a><a href="/story-{n}">'
                   f"Another story from the city desk, number {n}</a></div>" for n in range(1, 5))
    page = tmp_path / "hidden-gallery.html"
    page.write_text('<html lang="en"><body><div style="display:none"><nav>' + menu + '</nav></div><article><h1>Who moves '
                    'the city</h1><div style="visibility: hidden;"><div>' + slides + "</div></div><p>"
                    + "The transit agency named fifteen people who will shape the city's trains next year. " * 3
                    + "</p></article></body></html>", encoding="utf-8")
    images = extract(page).images
    assert [i.url.rsplit("/", 1)[-1] for i in images] == ["P1", "P2", "P3", "P4"]
    assert all(i.caption.startswith("Passengers aboard the train") for i in images)
