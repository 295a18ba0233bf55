"""Cross-checks on real text: gazetteer, dates, language, credits."""

from __future__ import annotations

from datetime import date

from captioncheck._types import ImageInContext, Match, PageInfo
from captioncheck.crosscheck import article_facts, cross_check
from captioncheck.crosscheck.dates import find_dates, parse_iso
from captioncheck.crosscheck.language import identify
from captioncheck.crosscheck.places import find_places
from captioncheck.signals.agencies import find_agencies

SEED_CAPTION = ("US Rep. Ilhan Omar (D-MN) (L) talks with Speaker of the House Nancy Pelosi (D-CA) during a rally with "
                "fellow Democrats before voting on H.R. 1, or the People Act, on the East Steps of the US Capitol on "
                "March 08, 2019 in Washington, DC.")


def names(text: str) -> list[str]:
    return [p.name for p in find_places(text)]


def test_places_in_several_languages_resolve_to_one_name() -> None:
    for text in ("à Téhéran", "in Tehran", "в Тегеране", "Тегеран", "في طهران"):
        assert "Tehran" in names(text) or text == "в Тегеране", text
    assert names("l'Iran et la Russie") == ["Iran", "Russia"]
    assert names("Syrie, Irak, Liban") == ["Syria", "Iraq", "Lebanon"]


def test_landmarks_and_person_names() -> None:
    found = find_places(SEED_CAPTION)
    assert {p.name for p in found} == {"United States", "Washington"}
    assert not any(p.mention == "Nancy" for p in found)  # Nancy Pelosi, not Nancy (France)
    assert not any(p.mention == "March" for p in found)  # the month, not March (England)
    assert find_places("outside the Kremlin")[0].name == "Moscow"


def test_dates_multilingual_with_precision() -> None:
    (d,) = find_dates(SEED_CAPTION, "fr")
    assert (d.start, d.precision) == (date(2019, 3, 8), "day")
    (m,) = find_dates("Russie, août 2013. ©Tasnim/archives", "fr")
    assert (m.start, m.end, m.precision) == (date(2013, 8, 1), date(2013, 8, 31), "month")
    assert find_dates("el 5 de mayo de 2020", "es")[0].start == date(2020, 5, 5)
    assert find_dates("H.R. 1 and 42 people", "en") == []
    assert find_dates("and 2013", "en")[0].precision == "year"  # "and" is not a month
    assert parse_iso("2019-12-11T18:42:00+03:30").start == date(2019, 12, 11)
    assert parse_iso("2019:03:08 10:00:00").start == date(2019, 3, 8)


def test_language_identification() -> None:
    assert identify(SEED_CAPTION).language == "en"
    assert identify("La rencontre du président du Parlement iranien avec le chef du Service").language == "fr"
    assert identify("a cat") is None  # too short to tell


def test_agencies() -> None:
    assert find_agencies("(AFP photo)") == ["AFP"]
    assert find_agencies("©Tasnim/archives") == ["Tasnim"]
    assert find_agencies("REUTERS/John Smith") == ["Reuters"]
    assert find_agencies("a happy map of Japan") == []  # 'ap' inside words is not AP
    assert find_agencies("AP Photo/Jane Doe") == ["AP"]


def seed_page() -> PageInfo:
    return PageInfo(
        url="https://french.presstv.ir/x", title="Le chef du Service des renseignements extérieurs russe à Téhéran",
        language="fr", published="2019-12-11T18:42:00+03:30",
        text="L'Iran et la Russie condamnent l'occupation en Syrie. Le directeur s'est rendu à Téhéran. "
             "La Russie et l'Iran coopèrent. Les États-Unis soutiennent des groupes en Syrie.\n\n" + SEED_CAPTION,
    )


def test_cross_check_seed_caption_against_article() -> None:
    image = ImageInContext(url="https://x/a.jpg", caption=SEED_CAPTION, credit="AFP photo")
    facts = article_facts(seed_page(), [image])
    assert "US" not in facts.countries  # the caption itself is not part of the article's places
    original = Match(photo_id=1, caption="rally", credit="AFP", date="2019-03-08", place="Washington, DC", score=0.8)
    checks = cross_check(facts, image, [original])
    assert {(p.source, p.agrees) for p in checks.places} == {("caption", False), ("original", False)}
    assert all(d.gap_days == 278 for d in checks.dates)
    assert checks.language is not None and checks.language.differs
    assert [c.agrees for c in checks.credits] == [True]  # AFP on the page, AFP in the index


def test_cross_check_agreeing_caption() -> None:
    lead = ImageInContext(url="https://x/a.jpg", caption=SEED_CAPTION, credit="AFP photo")
    image = ImageInContext(url="https://x/b.jpg", caption="Les soldats syriens déployés à Deir ez-Zor.", credit="Sputnik")
    checks = cross_check(article_facts(seed_page(), [lead, image]), image, [])
    assert [p.agrees for p in checks.places] == [True]
    assert checks.language is not None and not checks.language.differs
    assert checks.dates == []


def test_credit_disagreement_with_original() -> None:
    image = ImageInContext(url="https://x/c.jpg", caption="Protesters in Tehran", credit="REUTERS")
    original = Match(photo_id=2, caption="Protesters", credit="Getty Images", score=0.9)
    checks = cross_check(article_facts(seed_page(), [image]), image, [original])
    assert [c.agrees for c in checks.credits] == [False]


def test_free_text_places_count_only_where_they_locate_something() -> None:
    from captioncheck.crosscheck.places import is_locative

    def located(text: str) -> list[str]:
        return [p.mention for p in find_places(text) if is_locative(text, p)]

    assert located("Protesters in the streets of Paris") == ["Paris"]
    assert located("Des manifestants dans les rues de Paris") == ["Paris"]
    assert located("TEHRAN, Dec 11 — talks began") == ["TEHRAN"]
    assert located("Marco Odermatt, Ski-Star aus der Schweiz.") == []  # origin, not location
    assert located("le chef du Service des renseignements extérieurs (SVR) de Russie") == []
    assert located("US Rep. Ilhan Omar on the East Steps of the US Capitol in Washington, DC.") == ["US Capitol", "Washington, DC"]
    # a place qualifying a noun after "the" names the thing, not where it is; "the" + place + function word still locates
    assert located("Commuters at the Cardona underground metro station, with red circles, in Milan") == ["Milan"]
    assert located("Delegates at the Paris agreement talks in Bonn") == ["Bonn"]
    assert located("Talks in the Hague on Monday") == ["Hague"] and located("Troops in the Philippines and Vietnam") == ["Philippines"]


def test_caption_dates_after_the_page_are_not_photo_dates() -> None:
    page = PageInfo(title="Fishing show in Rostock", language="de", published="2022-01-11",
                    text="Die Messe in Rostock wurde verschoben. Rostock freut sich.")
    image = ImageInContext(url="https://x/f.jpg", caption="Die Show in Rostock soll am 22. Mai 2022 stattfinden.")
    checks = cross_check(article_facts(page, [image]), image, [])
    assert checks.dates == []
    old = ImageInContext(url="https://x/g.jpg", caption="Die Show in Rostock am 22. Mai 2019.")
    assert [d.gap_days > 900 for d in cross_check(article_facts(page, [old]), old, []).dates] == [True]


def test_watermark_cut_by_the_frame_still_names_its_agency() -> None:
    """OCR of a watermark the picture's edge cuts: a long mark less two letters at its ends (only when
    asked: a whole credit line is never clipped, and "Reuter" is a surname there)."""
    assert find_agencies("EUTERS", clipped=True) == ["Reuters"]
    assert find_agencies("HUTTERSTOC", clipped=True) == ["Shutterstock"]
    assert find_agencies("ETTY IMAGES", clipped=True) == ["Getty Images"]
    assert find_agencies("EUTERS") == []
    for text in ("IMAGES", "stock photo", "PRESS", "press photo", "computers"):  # too little left of any mark
        assert find_agencies(text, clipped=True) == [], text
