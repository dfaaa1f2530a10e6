"""Facts no language hides, weighed where the encoder cannot compare two reports: the same deal between two tracked
companies, names written in another script."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from watcher.analyze import Analyzer, ItemInput
from watcher.analyze.embed import Encoder
from watcher.analyze.signals import signals
from watcher.analyze.sounds import script_sounds, shared_sounds, skeleton
from watcher.analyze.story_facts import ItemFacts
from watcher.analyze.story_fit import agree, fit
from watcher.config import EntityConfig

START = datetime.now(UTC) - timedelta(days=1)


def facts(key: str, language: str, actors: set[str], events: set[tuple[str, str]], text: str = "") -> ItemFacts:
    return ItemFacts(key, START + timedelta(hours=len(key)), language, key, frozenset(actors), frozenset(events),
                     frozenset(), frozenset(), signals(text, language=language),
                     vector=np.ones(4) / 2)  # fmt: skip


def test_one_deal_between_two_tracked_companies_is_a_fact_both_reports_name() -> None:
    deal = {("partnership", "Nvidia"), ("partnership", "MediaTek")}
    english = facts("en", "en", {"Nvidia", "MediaTek"}, deal)
    chinese = facts("zh", "zh", {"Nvidia", "MediaTek"}, deal)
    assert agree(english, chinese)
    # A partnership of one of them with a third company: partnerships come several at a time, nothing in common.
    other = facts("zh-2", "zh", {"Nvidia", "MediaTek"}, {("partnership", "Nvidia")})
    assert not agree(english, other)


def test_names_written_in_another_script_are_the_same_names() -> None:
    assert skeleton("Pithampur") == skeleton("पीथमपुर") == "ptmpr"
    assert skeleton("Copenhagen") == skeleton("कोपेनहेगन") and skeleton("Amsterdam") == skeleton("एम्स्टर्डम")
    assert skeleton("Rayong") == skeleton("ระยอง") and skeleton("Batumi") == skeleton("ბათუმი")
    assert skeleton("Lululemon") == skeleton("לולולמון")  # Hebrew writes its vowels, when at all, as v and y
    words = script_sounds("महिंद्रा नागपूरमध्ये उभारणार Nagpur plant", frozenset({skeleton("Mahindra")}))
    assert skeleton("महिंद्रा") not in words and skeleton("plant") not in words  # the company; Latin words
    assert shared_sounds(frozenset({skeleton("Nagpur")}), words) == 1  # "in Nagpur", with Marathi's ending
    assert shared_sounds(frozenset({skeleton("Pune")}), words) == 0


def test_a_hindi_report_joins_its_story_through_the_plant_it_names() -> None:
    lupin = EntityConfig.model_validate({"name": "Lupin", "aliases": ["Lupin", "ल्यूपिन*"]})
    analyzer = Analyzer([lupin], encoder=Encoder(enabled=False))
    rows = [
        ("en", "en", "US FDA issues warning letter to Lupin's Pithampur plant",
         "The regulator cited lapses at the Unit-2 facility in Madhya Pradesh, the company said on Tuesday."),
        ("hi", "hi", "ल्यूपिन के पीथमपुर संयंत्र को अमेरिकी एफडीए की चेतावनी", "मध्य प्रदेश स्थित इकाई में खामियां पाई गईं।"),
        ("hi-2", "hi", "ल्यूपिन के पुणे संयंत्र में नई उत्पादन लाइन", "कंपनी ने मंगलवार को यह जानकारी दी।"),
    ]  # fmt: skip
    items = [ItemInput(key, title, summary, published=START + timedelta(hours=n), feed=key, language=language)
             for n, (key, language, title, summary) in enumerate(rows)]  # fmt: skip
    english, hindi, other = (analysis.facts for analysis in analyzer.analyse(items))
    assert "lpn" not in hindi.script_words and "ptmpr" in hindi.script_words
    assert fit(english, hindi) > fit(english, other) and agree(english, hindi)


def test_a_report_nothing_can_read_joins_the_story_whose_country_it_names() -> None:
    """An Amharic report of Sanlam's Ethiopian licence: no vector to compare, no event read, but the company and the
    country in common with reports that agree with it in everything else."""
    from watcher.analyze import StoryBook

    def report(key: str, places: set[str], hours: float, axis: int | None = None) -> ItemFacts:
        """Read by the encoder along `axis` (reports on two axes do not resemble each other), or not at all."""
        vector = None if axis is None else np.eye(4)[axis]
        return ItemFacts(key, START + timedelta(hours=hours), key[:2], key, frozenset({"Sanlam"}), frozenset(),
                         frozenset(), frozenset(places), signals(""), vector=vector,
                         native=axis is not None)  # fmt: skip

    book = StoryBook()
    ethiopia = book.place(report("en", {"ET"}, 0, axis=0))
    kenya = book.place(report("en-2", {"KE"}, 1, axis=1))
    assert kenya is not ethiopia
    assert book.place(report("am", {"ET"}, 5)) is ethiopia
    assert book.place(report("am-2", set(), 6)) not in (ethiopia, kenya)  # nothing in common: its own story


def test_cosines_across_scripts_are_read_on_the_scale_of_those_within_one() -> None:
    from watcher.analyze.story_fit import CROSS_SCRIPT_SHIFT, similarity

    def read(key: str, language: str) -> ItemFacts:
        vector = np.array([1.0, 0.0]) if language == "en" else np.array([0.6, 0.8])
        return ItemFacts(key, START, language, key, frozenset({"CATL"}), frozenset(), frozenset(), frozenset(),
                         signals(""), vector=vector)  # fmt: skip

    english = read("en", "en")
    assert similarity(english, read("de", "de")) == 0.6  # both in Latin letters
    assert similarity(english, read("zh", "zh")) == 0.6 + CROSS_SCRIPT_SHIFT > 0.6


def test_two_reviews_are_two_stories_however_alike_they_read() -> None:
    def review(key: str, blocker: str | None) -> ItemFacts:
        return ItemFacts(key, START, "en", key, frozenset({"Lenovo"}), frozenset(), frozenset(), frozenset(),
                         signals("ThinkBook Plus Gen 6 Rollable"), vector=np.ones(4) / 2, blocker=blocker)  # fmt: skip

    assert fit(review("verge", "review"), review("heise", "review")) == -1.0
    assert fit(review("verge", "review"), review("launch", None)) > -1.0  # a review may still join its launch


def test_two_languages_spelling_one_name_their_own_way_name_it_both() -> None:
    from watcher.analyze.sounds import name_sounds
    from watcher.analyze.story_names import same_names_across

    def report(key: str, language: str, text: str) -> ItemFacts:
        item = facts(key, language, {"Wizz Air"}, set(), text)
        item.sounds = name_sounds(item.signals.names, frozenset())
        return item

    english = report("en", "en", "Wizz Air opens a base in Tashkent")
    assert same_names_across(english, report("uz", "uz", "Wizz Air Toshkentda baza ochadi")) == 1
    assert same_names_across(english, report("uz-2", "uz", "Wizz Air Samarqandda baza ochadi")) == 0


def test_a_takeover_recalling_an_earlier_one_is_not_its_story() -> None:
    """ "Spotify snaps up Chartwell", its lead recalling "after buying Storyloom on Monday": two deals; the headlines
    of one deal name its target however a language writes it ("d'Ubisoft", "s americkou Axaltou")."""
    spotify = EntityConfig.model_validate({"name": "Spotify"})
    analyzer = Analyzer([spotify], encoder=Encoder(enabled=False))
    rows = [
        ("first", "en", "Spotify acquires audiobook startup Storyloom", "Spotify bought the Berlin company."),
        ("second", "en", "Spotify snaps up podcast analytics firm Chartwell",
         "It is Spotify's second acquisition this week, after buying audiobook producer Storyloom on Monday."),
        ("fr", "fr", "Spotify rachète la société d'analyse de podcasts Chartwell", "Elle rachète la start-up."),
        ("cs", "cs", "Spotify se spojí s americkou Chartwellou", "Fúze vytvoří velkou firmu."),
        ("title", "en", "Spotify Snaps Up Podcast Analytics Firm Chartwell", ""),
    ]  # fmt: skip
    items = [ItemInput(key, title, summary, published=START + timedelta(hours=n), feed=key, language=language)
             for n, (key, language, title, summary) in enumerate(rows)]  # fmt: skip
    first, second, french, czech, title_case = (analysis.facts for analysis in analyzer.analyse(items))
    from watcher.analyze.story_names import other_targets

    assert other_targets(first, second) and not agree(first, second)
    assert not other_targets(second, french) and agree(second, french)
    czech.events = second.events  # "se spojí" (will merge) read as the takeover it is here
    assert not other_targets(second, czech)
    assert title_case.title_names == frozenset()  # a headline in Title Case names everything: nothing to compare


def test_a_deal_is_not_one_with_a_report_entering_a_country_it_never_names() -> None:
    deal = {("partnership", "Yutong")}
    uzbekistan = facts("en", "en", {"Yutong"}, {*deal, ("market_entry", "Yutong")}, "Yutong opens a plant in Jizzakh")
    uzbekistan.entry_markets = uzbekistan.places = frozenset({"UZ"})
    santiago = facts("es", "es", {"Yutong"}, deal, "Yutong suministrará 400 buses para Santiago")
    named = facts("ru", "ru", {"Yutong"}, deal, "Yutong и Узавтосаноат")
    named.places = frozenset({"UZ"})
    assert fit(uzbekistan, named) - fit(uzbekistan, santiago) > 0.1
