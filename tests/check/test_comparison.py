"""Caption vs original, people the article never names, and earlier uses of the photo: from page
facts through the cross-checks to the verdict."""

from __future__ import annotations

from captioncheck._types import ImageInContext, Match, PageInfo, Sighting
from captioncheck.crosscheck import article_facts, cross_check
from captioncheck.crosscheck.names import names_in, people_in, same_person
from captioncheck.verdict import ImageEvidence, judge

LIBYA_TEXT = ("Floodwaters swept through the eastern Libyan city of Derna after two dams collapsed during Storm Daniel. "
              "Rescue teams in Derna and Benghazi searched for survivors as Libya declared three days of mourning. "
              "Officials in Libya said thousands were missing, and aid began arriving at Benina airport in Benghazi. ") * 2


def judged(page: PageInfo, caption: str, matches: list[Match]):  # type: ignore[no-untyped-def]
    image = ImageInContext(url="https://news.example/img.jpg", caption=caption)
    checks = cross_check(article_facts(page, [image]), image, matches)
    return checks, judge(ImageEvidence(checks=checks, matches=matches, page_url=page.url))


def test_names_people_and_spellings() -> None:
    caption = "US Rep. Ilhan Omar (D-MN) talks with Speaker Nancy Pelosi on the East Steps of the US Capitol, March 08, 2019"
    assert names_in(caption) == ["Ilhan Omar", "Nancy Pelosi"]
    assert same_person("Sergei Naryshkin", "Sergueï Narychkine") and not same_person("Nancy Pelosi", "Sergei Naryshkin")
    assert people_in("Traders on the floor. REUTERS/Brendan McDermid") == []  # a credit, not a person shown
    assert people_in("Gesichter der Angelszene am Hafen") == [] and people_in("Ursula von der Leyen in Brüssel") == ["Ursula von der Leyen"]


def test_caption_contradicts_original_without_page_date_or_place() -> None:
    page = PageInfo(url="https://health.example/duvet-lung", language="en",
                    text="Doctors warn that feathers in bedding can cause a rare lung condition. " * 8)
    original = Match(photo_id=7, score=0.93, credit="NASA", date="2013-10-07", place="McGregor, Texas",
                     caption="SpaceX's Grasshopper rocket lander rises during a test flight with engineer Elon Musk watching, "
                             "McGregor, Texas, October 7, 2013")
    checks, result = judged(page, "Dr Jane Smith examines a patient with duvet lung at a clinic in Manchester, England, "
                                  "in January 2024", [original])
    assert checks.page_date == "" and checks.article_countries == []
    cmp = checks.original_comparison
    assert cmp is not None and {"people", "place", "date"} <= set(cmp.differs) and not cmp.agrees
    codes = {r.code: r for r in result.reasons}
    assert codes["caption_contradicts_original"].severity == "medium" and "known_original" not in codes
    assert result.verdict == "suspicious"


def test_agreeing_original_corroborates() -> None:
    page = PageInfo(url="https://news.example/pelosi", language="en", published="2019-03-09",
                    text="Speaker Nancy Pelosi and Ilhan Omar rallied in Washington before the vote. " * 8)
    original = Match(photo_id=1, score=0.9, credit="AFP", date="2019-03-08", place="Washington, DC",
                     caption="US Rep. Ilhan Omar talks with Speaker of the House Nancy Pelosi in Washington, DC, March 8, 2019")
    checks, result = judged(page, "Ilhan Omar and Nancy Pelosi at the rally in Washington on Friday", [original])
    assert checks.original_comparison is not None and "people" in checks.original_comparison.agrees
    assert result.verdict == "consistent"
    assert next(r for r in result.reasons if r.code == "known_original").evidence["agrees"] is True


def test_people_not_in_article() -> None:
    page = PageInfo(url="https://news.example/svr", language="en", published="2019-12-11",
                    text=("Sergei Naryshkin, head of Russia's foreign intelligence service, met Iranian officials in Tehran on "
                          "Wednesday. The visit follows talks on regional security, sanctions and the nuclear agreement, which "
                          "both governments say they want to preserve. Iranian state media said the two sides discussed Syria, "
                          "Iraq and Afghanistan, and agreed to meet again early next year in Moscow."))
    _, result = judged(page, "US Rep. Ilhan Omar talks with Speaker Nancy Pelosi", [])
    reason = next(r for r in result.reasons if r.code == "people_not_in_article")
    assert reason.severity == "low" and reason.evidence["names"] == ["Ilhan Omar", "Nancy Pelosi"]
    _, named = judged(page, "Sergueï Narychkine in Tehran", [])
    assert "people_not_in_article" not in {r.code for r in named.reasons}


def _seen(*sightings: Sighting) -> Match:
    first = sightings[0]
    return Match(photo_id=3, origin="seen", score=0.95, caption=first.caption, page_url=first.page_url,
                 date=first.published, seen_at=first.seen_at, sightings=list(sightings))


def test_earlier_use_shows_the_earlier_page_its_date_and_caption() -> None:
    page = PageInfo(url="https://news.example/2023/09/12/derna", language="en", published="2023-09-12", text=LIBYA_TEXT)
    earlier = Sighting(page_url="https://archive.example/2015/05/dhaka-floods", seen_at="2023-01-01T00:00:00+00:00",
                       published="2015-05-02", caption="Flooded streets in Dhaka, Bangladesh, after monsoon rains on May 2, 2015",
                       lang="en", countries=["BD"], source="archive")
    checks, result = judged(page, "Flooded streets in Derna after the dams collapsed", [_seen(earlier)])
    assert checks.sightings[0].earlier and checks.sightings[0].days_before > 3000
    reason = next(r for r in result.reasons if r.code == "earlier_use")
    assert reason.severity == "high" and {"place", "date"} <= set(reason.evidence["differs"])
    assert "archive.example/2015/05/dhaka-floods" in reason.message and "2015-05-02" in reason.message
    assert "Dhaka" in reason.message and reason.evidence["timeline"][0]["published"] == "2015-05-02"
    assert result.verdict == "suspicious"  # one high finding: flagged, not yet inconsistent on its own


def test_agreeing_earlier_sighting_stays_seen_before_and_corroborates() -> None:
    page = PageInfo(url="https://news.example/2023/09/12/derna", language="en", published="2023-09-12", text=LIBYA_TEXT)
    same_story = Sighting(page_url="https://wire.example/libya-floods", published="2023-09-11", lang="en", countries=["LY"],
                          caption="Flooded streets in Derna, Libya, on September 11, 2023", source="archive")
    _, result = judged(page, "Flooded streets in Derna after the dams collapsed", [_seen(same_story)])
    reason = next(r for r in result.reasons if r.code == "seen_before")
    assert reason.severity == "info" and reason.evidence["agrees"] is True
    assert result.verdict == "consistent"


def test_earlier_use_on_the_same_site_within_a_month_is_not_earlier() -> None:
    page = PageInfo(url="https://news.example/2023/09/12/derna", language="en", published="2023-09-12", text=LIBYA_TEXT)
    update = Sighting(page_url="https://news.example/2023/09/11/live", published="2023-09-11", lang="en", countries=["LY"],
                      caption="Rescue teams in Benghazi", source="check")
    checks, result = judged(page, "Flooded streets in Derna after the dams collapsed", [_seen(update)])
    assert not checks.sightings[0].earlier
    assert "earlier_use" not in {r.code for r in result.reasons}


GERMAN_TEXT = ("Der Bundestag hat am Donnerstag nach langer Debatte das neue Heizungsgesetz beschlossen. Die Abgeordneten stimmten "
               "mit knapper Mehrheit für den Entwurf, der den Einbau neuer Öl- und Gasheizungen ab dem kommenden Jahr "
               "einschränkt. Kritiker warnen vor hohen Kosten für Mieter und Eigentümer, Befürworter sprechen von einem "
               "wichtigen Schritt für den Klimaschutz. Das Gesetz muss noch vom Bundesrat gebilligt werden.")


def _people(page: PageInfo, caption: str) -> list[str]:
    _, result = judged(page, caption, [])
    reason = next((r for r in result.reasons if r.code == "people_not_in_article"), None)
    return reason.evidence["names"] if reason else []


def test_people_not_in_article_ignores_capitalised_common_nouns_in_german() -> None:
    page = PageInfo(url="https://zeitung.example/heizung", language="de", published="2023-09-08", text=GERMAN_TEXT)
    # German capitalises every noun: none of these runs is a person
    for caption in ("Polizei Regierung Bundeskanzler", "Tausende Menschen demonstrieren vor dem Kanzleramt gegen die Regierung.",
                    "Einsatzkräfte der Polizei sichern am Montag Abend den Tatort Bahnhof ab.",
                    "Rotes Kreuz Helfer verteilen Decken an Wohnungslose", "Gesichter der Angelszene am Hafen"):
        assert _people(page, caption) == [], caption
    # people are still people, titles and genitives in front dropped
    assert _people(page, "Frankreichs Präsident Emmanuel Macron und Außenministerin Annalena Baerbock in Paris") == [
        "Emmanuel Macron", "Annalena Baerbock"]
    assert _people(page, "Ursula von der Leyen spricht mit Journalisten") == ["Ursula von der Leyen"]


def test_people_not_in_article_ignores_german_nouns_with_umlauts() -> None:
    # the word table and the page's own lower-case words keep their accents: "Bürger" is a common word, not "Burger"
    page = PageInfo(url="https://zeitung.example/heizung", language="de", published="2023-09-08", text=GERMAN_TEXT)
    assert _people(page, "Wütende Bürger Vor Dem Gebäude Des Rathauses") == []
    assert _people(page, "Mieter Und Eigentümer Kritiker Befürworter") == []
    assert _people(page, "Außenministerin Annalena Baerbock Mit Bürgern") == ["Annalena Baerbock"]


def test_people_not_in_article_in_french_finnish_and_english() -> None:
    fr = PageInfo(url="https://journal.example/budget", language="fr", published="2023-10-01",
                  text=("Le gouvernement a présenté mercredi son projet de budget pour l'année prochaine, lors d'une conférence "
                        "de presse au ministère de l'Économie. Les économies prévues touchent surtout les collectivités locales "
                        "et la santé, tandis que la défense verra ses crédits augmenter. L'opposition dénonce un budget "
                        "d'austérité et promet de déposer des centaines d'amendements à l'Assemblée, où le débat commencera "
                        "dans deux semaines, avant un vote final prévu en décembre."))
    assert _people(fr, "Le Président Emmanuel Macron lors d'une Conférence de Presse à Paris") == ["Emmanuel Macron"]
    assert _people(fr, "Conférence de Presse du Gouvernement, Mercredi") == []
    fi = PageInfo(url="https://uutiset.example/budjetti", language="fi", published="2023-10-01",
                  text=("Hallitus esitteli keskiviikkona ensi vuoden talousarvioesityksensä. Säästöt kohdistuvat erityisesti "
                        "sosiaaliturvaan ja kuntien rahoitukseen, kun taas puolustusmäärärahat kasvavat. Oppositio arvosteli "
                        "esitystä ankarasti ja lupasi tehdä siihen lukuisia muutosehdotuksia eduskunnan käsittelyssä. "
                        "pääministeri vastasi kritiikkiin tiedotustilaisuudessa ja sanoi, että talouden tasapainottaminen on "
                        "välttämätöntä velkaantumisen pysäyttämiseksi. Eduskunta äänestää esityksestä joulukuussa, ja ammattiliitot "
                        "ovat jo ilmoittaneet mielenosoituksista useissa kaupungeissa."))
    assert _people(fi, "Pääministeri Petteri Orpo puhui eduskunnassa tiistaina.") == ["Petteri Orpo"]
    assert _people(fi, "Eduskunnan Täysistunto Tiistaina") == []
    en = PageInfo(url="https://news.example/budget", language="en", published="2023-10-01",
                  text=("The government presented its budget for next year on Wednesday at a press conference in the finance "
                        "ministry. The planned savings mostly hit local councils and health, while defence spending rises. "
                        "The opposition called it an austerity budget and promised to table hundreds of amendments when "
                        "parliament debates it next month, and police officers guarded the scene outside."))
    assert _people(en, "Police Officers Guard The Scene On Wednesday") == []
    assert _people(en, "US Rep. Ilhan Omar talks with Speaker Nancy Pelosi") == ["Ilhan Omar", "Nancy Pelosi"]


def _similarity(cosine: float, usable: bool = True):  # type: ignore[no-untyped-def]
    """What the pipeline passes in: a model's caption<->caption cosine with the thresholds of its probe."""
    from captioncheck.crosscheck.models import TextSimilarity

    return lambda a, b: TextSimilarity(cosine=cosine, usable=usable, agree_from=0.85, differ_below=0.6, probe_auc=0.98)


def test_clip_text_similarity_is_the_subject_aspect_only_for_a_model_that_passed_its_probe() -> None:
    page = PageInfo(url="https://health.example/duvet-lung", language="en",
                    text="Doctors warn that feathers in bedding can cause a rare lung condition. " * 8)
    image = ImageInContext(url="https://health.example/img.jpg", caption="A woman sleeps under a feather duvet at home")
    original = Match(photo_id=7, score=0.93, credit="NASA", caption="The rocket lander rises during a test flight")
    facts = article_facts(page, [image])
    plain = cross_check(facts, image, [original])
    assert plain.original_comparison is not None and not plain.original_comparison.differs  # nothing to compare without CLIP
    assert judge(ImageEvidence(checks=plain, matches=[original], page_url=page.url)).verdict == "no_findings"
    differs = cross_check(facts, image, [original], similarity=_similarity(0.41))
    cmp = differs.original_comparison
    assert cmp is not None and cmp.differs == ["subject"] and cmp.text_similarity == 0.41 and "0.41" in cmp.details["subject"]
    result = judge(ImageEvidence(checks=differs, matches=[original], page_url=page.url))
    assert result.verdict == "suspicious"
    assert next(r for r in result.reasons if r.code == "caption_contradicts_original").evidence["text_similarity"] == 0.41
    agrees = cross_check(facts, image, [original], similarity=_similarity(0.9)).original_comparison
    assert agrees is not None and agrees.agrees == ["subject"]
    between = cross_check(facts, image, [original], similarity=_similarity(0.7)).original_comparison
    assert between is not None and not between.agrees and not between.differs
    untrusted = cross_check(facts, image, [original], similarity=_similarity(0.1, usable=False)).original_comparison
    assert untrusted is not None and not untrusted.differs and untrusted.text_similarity == 0.1
