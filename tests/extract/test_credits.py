"""Credit conventions split off caption text (issue 2: "(REUTERS/Name)", "Photo: X", "/Sputnik", ...)."""

from __future__ import annotations

import pytest

from captioncheck.extract.credits import looks_like_credit, split_credit

CASES = [
    ("Rally on the East Steps of the US Capitol in Washington, DC. (AFP photo)",
     "Rally on the East Steps of the US Capitol in Washington, DC.", "AFP photo"),
    ("Les soldats syriens déployés à Deir ez-Zor./Sputnik", "Les soldats syriens déployés à Deir ez-Zor.", "Sputnik"),
    ("La rencontre, août 2013. ©Tasnim/archives", "La rencontre, août 2013.", "©Tasnim/archives"),
    ("Dmitry Muratov, periodista ruso (REUTERS/Denis Balibouse)", "Dmitry Muratov, periodista ruso", "REUTERS/Denis Balibouse"),
    ("Sesiona IV Pleno del Comité Central. Foto: Estudios Revolución", "Sesiona IV Pleno del Comité Central.", "Foto: Estudios Revolución"),
    ("Mikaela Shiffrin. © AFP / JEFF PACHOUD", "Mikaela Shiffrin.", "© AFP / JEFF PACHOUD"),
    ("康复病人在献血浆时拍照留念。 新华社记者 才扬 摄", "康复病人在献血浆时拍照留念。", "新华社记者 才扬 摄"),
    ("先制点が決まり、喜ぶメッシ（左）とスアレス＝ロイター", "先制点が決まり、喜ぶメッシ（左）とスアレス", "ロイター"),
    ("Tomáš Souček po vítězství ve Villa Parku. | Foto: Reuters", "Tomáš Souček po vítězství ve Villa Parku.", "Foto: Reuters"),
    ("Estudiantes forcejean con agentes. EFE | Confidencial", "Estudiantes forcejean con agentes.", "EFE | Confidencial"),
    ("Rene Benko. Photographer: Sebastian Widmann/Getty Images Europe", "Rene Benko.", "Photographer: Sebastian Widmann/Getty Images Europe"),
    ("Europa rising above Jupiter. (Source: NASA)", "Europa rising above Jupiter.", "Source: NASA"),
    ("Jennifer Lawrence attends. Mandatory Credit: Jerry Lai-USA TODAY Sports", "Jennifer Lawrence attends.", "Mandatory Credit: Jerry Lai-USA TODAY Sports"),
    ("China has warned it will act [GETTY]", "China has warned it will act", "GETTY"),
    ("Der Hafen im Winter. Bild: Keystone", "Der Hafen im Winter.", "Bild: Keystone"),
    ("Credit: EPA", "", "Credit: EPA"),
    ("Some of the biggest states are poised to lose votes. | AP Photo", "Some of the biggest states are poised to lose votes.",
     "AP Photo"),
]


@pytest.mark.parametrize(("text", "caption", "credit"), CASES)
def test_split_credit(text: str, caption: str, credit: str) -> None:
    assert split_credit(text) == (caption, credit)


@pytest.mark.parametrize("text", [
    "Dmitry talks to the press (L)",
    "US Rep. Ilhan Omar (D-MN) talks with Nancy Pelosi (D-CA)",
    "Air pollution is once again surging in Delhi.",
    "Brian Manning -",
    "Sales by region | January to March",
])
def test_no_credit_in_plain_captions(text: str) -> None:
    assert split_credit(text) == (text, "")


def test_looks_like_credit() -> None:
    assert looks_like_credit("(Image: GETTY )")
    assert looks_like_credit("APA/Helmut Fohringer")
    assert not looks_like_credit("The market square on Saturday morning, full of people")


def test_photographer_for_an_outlet() -> None:
    assert split_credit("Jessica Roe for The New York Times") == ("", "Jessica Roe for The New York Times")
    assert split_credit("Protesters march on Monday. Max T. Doe for The Washington Post") == (
        "Protesters march on Monday.", "Max T. Doe for The Washington Post")
    assert split_credit("Jane Roe for NPR") == ("", "Jane Roe for NPR")
    for text in ("Joe Roe for President", "Funds for the Poor", "The mayor asked for The Times", "Vote for Smith"):
        assert split_credit(text) == (text, "")


def test_capitalised_label_without_colon() -> None:
    assert split_credit("Buses outside the house. FOTO Archivo Particular") == ("Buses outside the house.", "FOTO Archivo Particular")
    assert split_credit("FOTO OF THE DAY shows a bus") == ("FOTO OF THE DAY shows a bus", "")


def test_credit_element_with_its_own_label_and_credit_as_last_block() -> None:
    from captioncheck.extract.captions import read_roots
    from captioncheck.extract.dom import Doc

    doc = Doc.parse('<figcaption><span itemprop="caption">Soldiers at the gate</span> <span itemprop="copyrightHolder">'
                    '<span class="copyright-label">Credit:</span> HARARE HERALD</span></figcaption>')
    hit = read_roots([doc.tree.css_first("figcaption")], doc)
    assert (hit.caption, hit.credit) == ("Soldiers at the gate", "HARARE HERALD")
    doc = Doc.parse("<figcaption><p>Commuters in Milan keep their distance</p><p>AFP via Getty Images</p></figcaption>")
    hit = read_roots([doc.tree.css_first("figcaption")], doc)
    assert (hit.caption, hit.credit) == ("Commuters in Milan keep their distance", "AFP via Getty Images")
    doc = Doc.parse("<figcaption><p>Commuters in Milan.</p><p>Then the agency said more in a long sentence.</p></figcaption>")
    assert read_roots([doc.tree.css_first("figcaption")], doc).credit == ""


@pytest.mark.parametrize(("text", "caption", "credit"), [
    ("Traders on the floor in New York, U.S., November 18, 2019. REUTERS/Brendan McDermid",
     "Traders on the floor in New York, U.S., November 18, 2019.", "REUTERS/Brendan McDermid"),
    ("Protesters outside parliament in Kyiv. AP Photo/Efrem Lukatsky", "Protesters outside parliament in Kyiv.", "AP Photo/Efrem Lukatsky"),
    ("The president speaks on Monday. Jim Young/Reuters", "The president speaks on Monday.", "Jim Young/Reuters"),
    ("He met J. Smith in Paris. AFP/J. Smith", "He met J. Smith in Paris.", "AFP/J. Smith"),
    ("Map of the network. (Stand Juni 2016) CC-BY-SA 2.0", "Map of the network. (Stand Juni 2016)", "CC-BY-SA 2.0"),
    ("A lighthouse at dusk. CC BY 4.0 John Doe", "A lighthouse at dusk.", "CC BY 4.0 John Doe"),
    ("The empty quay on Saturday. Jim Park jpark@example.net", "The empty quay on Saturday.", "Jim Park jpark@example.net"),
    ("El juez y el fiscal en Palma. 27-06-2012 | Efe", "El juez y el fiscal en Palma.", "Efe"),
])
def test_credit_after_the_last_sentence(text: str, caption: str, credit: str) -> None:
    """Wire credits set after the caption without brackets or label, licence marks, a name with its
    e-mail; a date-only part of a `|` credit is a date, not the credit."""
    assert split_credit(text) == (caption, credit)


@pytest.mark.parametrize("text", [
    "The U.S./Mexico border near Tijuana. Trade went up.",  # a slash inside the caption, then more sentences
    "Prices rose. Costs fell/rose again.",
    "Licensed under CC BY 4.0 since the museum opened.",
    "The painting is now in the public domain",
    "Write to the editor at letters@example.net",
    "Cars in the street. Pictured: mr smith/mrs jones",
])
def test_no_credit_after_the_last_sentence(text: str) -> None:
    assert split_credit(text) == (text, "")


def test_fot_label_line_is_not_split_into_a_caption() -> None:
    assert split_credit("Fot. Lukasz Nowak / Agencja Foto")[0] != "Fot."


def test_labelled_credit_in_an_alt() -> None:
    from captioncheck.extract.credits import labelled_credit

    assert labelled_credit("Photo: ČTK/Vít Šimánek") == "Photo: ČTK/Vít Šimánek"
    assert labelled_credit("Photo by John Smith") == "Photo by John Smith"
    assert labelled_credit("© Jane Roe") == "© Jane Roe"
    assert labelled_credit("Photo: A man in the rain") == ""  # an alt that describes the picture
    assert labelled_credit("Protesters in Paris. Photo: AFP") == ""  # a caption, not only a credit


def test_name_before_a_contact_credit() -> None:
    from captioncheck.extract.credits import with_contact_name

    assert with_contact_name("Miami is among the best cities. Carl Juste", "cjuste@example.com") == (
        "Miami is among the best cities.", "Carl Juste cjuste@example.com")
    assert with_contact_name("Jose A Iglesias", "jiglesias@example.com") == ("", "Jose A Iglesias jiglesias@example.com")
    assert with_contact_name("Miami is among the best cities.", "cjuste@example.com") == (
        "Miami is among the best cities.", "cjuste@example.com")
    assert with_contact_name("Carl Juste", "Reuters") == ("Carl Juste", "Reuters")


def test_an_image_source_label_and_entertainment_picture_agencies_make_credits() -> None:
    # held-out pages of the twelfth round: "Image Source: Nicole Cohen" under each picture; "AKM-GSI" alone in the box
    assert looks_like_credit("Image Source: Nicole Cohen") and looks_like_credit("Photo source: Reuters")
    assert split_credit("Wearing a dress. Image Source: Nicole Cohen") == ("Wearing a dress.", "Image Source: Nicole Cohen")
    for agency in ("AKM-GSI", "BACKGRID", "WireImage", "FilmMagic", "GC Images"):
        assert looks_like_credit(agency), agency
    assert not looks_like_credit("The source of the river lies in the mountains")
