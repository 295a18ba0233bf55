"""Captions and credits found by the page's structure alone, on markup whose class and id values mean
nothing (hashed names, as CSS-in-JS sites write them): every snippet here is hand-written and names no
caption, credit or teaser by class."""

from __future__ import annotations

import re

from captioncheck.extract import extract
from captioncheck.load import page_from_html

BODY = "<p class='q1'>The council met on Tuesday to vote on the budget, which had been delayed twice since spring.</p>" * 4


def _page(inner: str) -> str:
    return (f"<html><head><title>Council votes on the budget</title></head><body><div class='a0'><article class='b3'>"
            f"<h1>Council votes on the budget</h1>{BODY}{inner}{BODY}</article></div>"
            f"<div class='z9'><p>Footer text of the site, contact and imprint.</p></div></body></html>")


def _images(inner: str, all_images: bool = False):
    return extract(page_from_html(_page(inner), "https://news.example/2024/budget"), all_images=all_images).images


def _by_file(inner: str, all_images: bool = False):
    return {i.url.rsplit("/", 1)[-1]: i for i in _images(inner, all_images)}


def test_unnamed_credit_line_inside_the_figure_after_its_caption() -> None:
    (image,) = _images("<figure class='f7 f8'><img src='/p/harbour.jpg' width='1200'><figcaption class='c1'><span>"
                       "Police take up positions outside the station on June 12.</span></figcaption>"
                       "<p class='c2'>Photo by Jane Roe/Getty Images</p></figure>")
    assert image.caption == "Police take up positions outside the station on June 12."
    assert image.credit == "Photo by Jane Roe/Getty Images"


def test_credit_beside_the_picture_in_its_wrapper_and_a_label_is_not_taken() -> None:
    (image,) = _images("<figure class='f7'><span class='w1'><img src='/p/persson.jpg' width='976'>"
                       "<span class='l1'>Image copyright</span><span class='l2'>EPA</span></span>"
                       "<figcaption class='c1'>Eva Persson said the decision was taken after interviews</figcaption></figure>")
    assert image.credit == "EPA"
    assert image.caption == "Eva Persson said the decision was taken after interviews"


def test_figure_without_figcaption_reads_its_own_text() -> None:
    (image,) = _images("<figure class='f7'><div class='w1'><span class='w2'><picture><img src='/p/type.jpg' width='1600'>"
                       "</picture></span></div><div class='t1'><span class='t2'>IMAGE COURTESY OF ACME TYPE</span></div></figure>")
    assert image.credit == "IMAGE COURTESY OF ACME TYPE"
    (image,) = _images("<figure class='f7'><div class='w1'><img src='/p/dam.jpg' width='1600'></div>"
                       "<div class='t1'>The dam after the flood, seen from the north bank. APA/Jane Roe</div></figure>")
    assert (image.caption, image.credit) == ("The dam after the flood, seen from the north bank.", "APA/Jane Roe")


def test_figure_text_before_the_picture_is_an_overlay_not_its_caption() -> None:
    (image,) = _images("<div class='d1'><figure class='f2'><a class='f3'></a><div class='f4'><p class='f5'>View photo</p></div>"
                       "<img src='/p/flag-baby.jpg' width='630'></figure><p class='d2'>Vanessa Roe</p></div>")
    assert image.caption == "Vanessa Roe"


def test_a_block_alone_with_its_pictures_in_their_box_is_their_caption() -> None:
    files = _by_file("<div class='x1 x2'><div class='x3'><div class='x4'><div class='x5'><img src='/p/hood.jpg' width='900'>"
                     "</div><div class='x5'><img src='/p/robe.jpg' width='900'></div></div>"
                     "<p class='x6'><span>Powerful objects</span> The collection includes potent artifacts.</p></div></div>")
    for name in ("hood.jpg", "robe.jpg"):
        assert files[name].caption == "Powerful objects The collection includes potent artifacts."
        assert files[name].role in ("lead", "inline")


def test_a_block_alone_with_its_picture_on_a_page_without_classes() -> None:
    html = ("<html><body><article><h1>Council votes on the budget</h1>" + BODY.replace(" class='q1'", "")
            + "<div><div><img src='/p/hood.jpg' width='900'></div><p><span>Powerful objects</span> The collection includes "
            "potent artifacts.</p></div>" + BODY.replace(" class='q1'", "") + "</article></body></html>")
    (image,) = extract(page_from_html(html, "https://news.example/2024/budget")).images
    assert image.caption == "Powerful objects The collection includes potent artifacts."


def test_a_block_written_like_the_articles_paragraphs_is_no_caption() -> None:
    # the same class as the body's paragraphs: the article goes on after the picture
    (image,) = _images("<div class='x1'><div class='x4'><img src='/p/hall.jpg' width='900'></div>"
                       "<p class='q1'>The hall was full long before the vote began.</p></div>")
    assert image.caption == ""


def test_a_block_alone_with_a_linked_thumbnail_outside_the_article_stays_a_teaser() -> None:
    rail = ("<div class='r1'>" + "".join(
        f"<div class='r2'><a href='/2024/other-story-{i}'><img src='/t/other-{i}.jpg' width='300'></a>"
        f"<p class='r3'>Another story about the city budget number {i}</p></div>" for i in range(3)) + "</div>")
    html = _page("").replace("<div class='z9'>", rail + "<div class='z9'>")
    found = extract(page_from_html(html, "https://news.example/2024/budget"), all_images=True).images
    assert found and all(i.role == "teaser" for i in found)


def test_a_caption_block_that_opens_with_a_credit_mark_is_the_credit_to_its_line_end() -> None:
    (image,) = _images("<figure class='f1'><img src='/p/sweater.jpg' width='407'><figcaption><p>Anna Roe, booking assistant</p>"
                       "<p class='m1'>&copy; Jane Doe<br>Topics: <a href='/tags/winter'><strong>Winter</strong></a></p>"
                       "<ul class='m2'><li class='m3'>1 <span>/ 8</span></li></ul></figcaption></figure>")
    assert (image.caption, image.credit) == ("Anna Roe, booking assistant", "© Jane Doe")
    (image,) = _images("<figure class='f1'><noscript><img src='/p/flower.jpg'></noscript><figcaption><div class='w1'>"
                       "<div class='w2'><div class='c1'>&copy; Max Roe / stock.example.com (detail)</div><div class='c2'>"
                       "The largest flower in the world lives inside its host plant.</div></div></div></figcaption></figure>")
    assert (image.caption, image.credit) == ("The largest flower in the world lives inside its host plant.",
                                             "© Max Roe / stock.example.com (detail)")


def test_a_name_set_apart_after_the_caption_is_the_credit() -> None:
    (image,) = _images("<figure class='f1'><img src='/p/office.jpeg' width='800'><figcaption class='c0'>"
                       "<span class='c1'>Walter Roe, engineer and manager of the institute</span>"
                       "<strong class='c2'>Cedida</strong></figcaption></figure>")
    assert (image.caption, image.credit) == ("Walter Roe, engineer and manager of the institute", "Cedida")
    # an inline name inside the caption's own text stays caption
    (image,) = _images("<figure class='f1'><img src='/p/mayor.jpeg' width='800'><figcaption class='c0'>"
                       "The new mayor, <strong>Walter Roe</strong></figcaption></figure>")
    assert (image.caption, image.credit) == ("The new mayor, Walter Roe", "")


def test_a_caption_with_its_credit_right_after_the_pictures_box_inside_the_text() -> None:
    inner = ("<p class='q1'><b>Eileen Gu (freestyle):</b> She could become the star of the games.<br><br>"
             "<div class='g1'><a href='/img/gu-large.jpg'><img class='g2' src='/p/gu.jpg'></a></div>"
             "<p class='q2'>Eileen Gu, freestyle skier. © AFP / MADDIE ROE</p><br><b>Next:</b> the skater.</p>")
    (image,) = _images(inner)
    assert (image.caption, image.credit) == ("Eileen Gu, freestyle skier.", "© AFP / MADDIE ROE")
    # a line without a credit after the picture inside the text is the article's, not a caption
    (image,) = _images(inner.replace(" © AFP / MADDIE ROE", " She trains in Lake Tahoe."))
    assert (image.caption, image.credit) == ("", "")


def test_a_picture_beside_a_players_data_is_a_video_poster() -> None:
    files = _by_file("<div class='v1'><div class='v2'><div class='v3' data-slug='mall' data-duration='15.8'></div>"
                     "<div class='v4'><img src='/p/mall-poster.jpg' width='1200'></div></div></div>"
                     "<figure class='f1'><img src='/p/hall.jpg' width='1200'><figcaption>The hall before the vote.</figcaption></figure>",
                     all_images=True)
    assert files["mall-poster.jpg"].role == "decoration"
    assert files["hall.jpg"].role in ("lead", "inline")


def test_a_row_of_same_shaped_linked_cards_inside_the_body_is_a_teaser_rail() -> None:
    cards = "".join(
        f"<div class='c1 c2'><div class='c3'><div class='c8'><a href='/news/{i}/other-story/'><picture><img width='150' "
        f"height='96' src='/t/other-{i}.jpg'></picture></a></div></div><div class='c4'><h3 class='c5'>KICKER {i}</h3>"
        f"<span class='c6'>The headline of another story number {i}</span></div><div class='c9'></div>"
        f"<a href='/news/{i}/other-story/' class='c7'></a></div>"
        for i in range(4))
    files = _by_file(f"<div class='r1'><h3>Most read</h3><div class='r2'>{cards}</div></div>", all_images=True)
    assert {files[f"other-{i}.jpg"].role for i in range(4)} == {"teaser"}
    bare = re.sub(r" class='[^']*'", "", cards)  # no classes: the card's own parts are alike too, the row is found above them
    files = _by_file(f"<div><h3>Most read</h3><div>{bare}</div></div>", all_images=True)
    assert {files[f"other-{i}.jpg"].role for i in range(4)} == {"teaser"}
    # the same row whose pictures open bigger copies of themselves is a gallery of the article
    gallery = cards.replace("/news/", "/img/big-").replace("/other-story/'", ".jpg'")
    files = _by_file(f"<div class='r1'><div class='r2'>{gallery}</div></div>", all_images=True)
    assert {files[f"other-{i}.jpg"].role for i in range(4)} <= {"lead", "inline"}


def test_a_teaser_card_with_a_noscript_twin_is_still_one_picture() -> None:
    card = ("<aside class='s1'><h2 class='s2'><a href=''><span>Read also:</span></a></h2><article class='s3'>"
            "<figure class='s4'><picture><img data-src='/t/drought-290x163.jpg' alt=''><noscript><img src='/t/drought-290x163.jpg'>"
            "</noscript></picture></figure><div class='s5'><h2 class='s6'><a href='/2020/02/13/news/the-great-drought-1.38'>"
            "The great drought: two months without rain</a></h2><span class='s7'>jane roe</span></div></article></aside>")
    files = _by_file(card, all_images=True)
    assert files["drought-290x163.jpg"].role == "teaser"


def test_hidden_attribute_slides_with_their_own_captions_are_a_slideshow() -> None:
    slides = "".join(
        f"<span class='s1' data-big='/g/big-{i}.jpg' data-description='Surveillance photo {i} of the suspect.' "
        f"data-credit='City Police'></span>" for i in range(3))
    files = _by_file(f"<div class='g0'><div class='g1'><p>Loading photo gallery</p></div>"
                     f"<div style='display:none'>{slides}</div></div>")
    assert {files[f"big-{i}.jpg"].role for i in range(3)} == {"slideshow"}
    assert files["big-1.jpg"].caption == "Surveillance photo 1 of the suspect."
    # one hidden attribute picture alone is no gallery
    files = _by_file("<div style='display:none'><span class='s1' data-big='/g/alone.jpg' data-description='A photo.'></span></div>",
                     all_images=True)
    assert files["alone.jpg"].role == "decoration"


def test_aria_labels_name_caption_and_credit_and_controls_are_skipped() -> None:
    (image,) = _images("<div class='e1'><div class='e2'><picture><img src='/p/roof-s1200.jpg' width='1200'></picture>"
                       "<div class='e3'><a class='e4' href='/p/roof-s1600.jpg'>Enlarge this image</a></div></div>"
                       "<div class='e5'><div class='e6' aria-label='Image caption'><p>The suspect is escorted from the "
                       "police station on June 18.<b class='e7' aria-label='Image credit'>Chuck Roe</b>"
                       "<b class='e8'><b>hide caption</b></b></p></div><b class='e9'><b>toggle caption</b></b></div></div>")
    assert (image.caption, image.credit) == ("The suspect is escorted from the police station on June 18.", "Chuck Roe")


def test_a_credit_line_with_the_caption_block_after_it() -> None:
    caption = "The show in the park was first planned for September and has now moved to May."
    (image,) = _images(f"<div class='b1'><img src='/p/show.jpg' width='770'><p class='b2'>Bild: Jahr Media</p>"
                       f"<p class='b3'>{caption}</p></div>")
    assert (image.caption, image.credit) == (caption, "Bild: Jahr Media")
    (image,) = _images(f"<div class='b0'><img src='/p/show.jpg' width='770'></div><div class='b1'><p class='b2'>Bild: Jahr Media</p>"
                       f"<p class='b3'>{caption}</p></div>")
    assert (image.caption, image.credit) == (caption, "Bild: Jahr Media")
    # a control after the credit line (an icon and "Open the gallery") is no caption
    (image,) = _images("<div class='b1'><img src='/p/show.jpg' width='770'><p class='b2'>Fot. Jan Roe / Agencja</p>"
                       "<div class='b4'><p><svg viewBox='0 0 2 2'><path d='M0 0'/></svg><span>Open the gallery</span> "
                       "<span>on the site</span></p></div></div>")
    assert (image.caption, image.credit) == ("", "Fot. Jan Roe / Agencja")


def test_a_long_copyright_block_before_the_caption_is_still_the_credit() -> None:
    credit = "© with kind permission of Jane Roe, Long Island University (LIU), and the Field Station of the Museum (detail)"
    (image,) = _images(f"<figure class='f1'><img src='/p/team.jpg' width='1200'><figcaption><div class='w1'><div class='c1'>"
                       f"{credit}</div><div class='c2'>Jane Roe | (in red) and her team pose with the soldiers who guarded "
                       f"them.</div></div></figcaption></figure>")
    assert (image.caption, image.credit) == ("Jane Roe | (in red) and her team pose with the soldiers who guarded them.", credit)
