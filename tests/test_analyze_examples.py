"""The analyze stage on labelled items: the shared examples exactly, the project's own sets to the targets,
the founding article's three reports as one story, and `watcher analyze` end to end."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from tests.conftest import ago
from watcher.analyze import Analyzer, ItemAnalysis, analyze_items
from watcher.analyze.evaluation import item_input, load_labelled, score
from watcher.config import EntityConfig

STORIES = Path(__file__).resolve().parent / "data" / "stories"
SEEDS = Path(__file__).resolve().parent.parent / "seeds" / "feeds"


def entities(name: str) -> list[EntityConfig]:
    raw = yaml.safe_load((STORIES / name).read_text(encoding="utf-8"))
    return [EntityConfig.model_validate(entity) for entity in raw["entities"]]


def entities_file(file: str) -> str:
    """The entities a set is labelled with: its own file where it has one (heldout9 on), which keeps a new set's
    entities from changing the older sets' answers."""
    own = file.removesuffix(".jsonl") + ".entities.yaml"
    if (STORIES / own).exists():
        return own
    return "entities.yaml" if file == "examples.jsonl" else "entities-own.yaml"


@cache
def analysed(file: str, keep_language: bool = True) -> tuple[list[dict], list[ItemAnalysis]]:
    rows = load_labelled(STORIES / file)
    analyzer = Analyzer(entities(entities_file(file)))
    return rows, analyze_items(analyzer, [item_input(row, keep_language=keep_language) for row in rows])


def test_every_shared_example_gets_its_story_and_events_exactly() -> None:
    rows, analyses = analysed("examples.jsonl")
    by_id = {analysis.id: analysis for analysis in analyses}
    first_of_story: dict[str, str] = {}
    for row in rows:
        analysis = by_id[row["id"]]
        expected = sorted((e["type"], e["entity"], e.get("market")) for e in row["events"])
        assert sorted((e.type, e.entity, e.market) for e in analysis.events) == expected, row["id"]
        assert all(event.evidence for event in analysis.events)
        first_of_story.setdefault(row["story"], analysis.story)
        assert analysis.story == first_of_story[row["story"]], row["id"]
    assert len(set(first_of_story.values())) == len(first_of_story)  # no two stories merged


OWN_SETS = (
    "dev.jsonl",
    "heldout.jsonl",
    "heldout2.jsonl",
    "heldout3.jsonl",
    "heldout4.jsonl",
    "heldout5.jsonl",
    "heldout6.jsonl",
)


def test_own_sets_are_labelled_by_the_taxonomy() -> None:
    from watcher.analyze.sentences import EVENT_TYPES

    names_file = Path(__file__).resolve().parent.parent / "watcher" / "analyze" / "data" / "english_names.json"
    countries = json.loads(names_file.read_text(encoding="utf-8"))
    names = {entity.name for entity in entities("entities-own.yaml")}
    rows = [row for file in OWN_SETS for row in load_labelled(STORIES / file)]
    assert len(rows) >= 300 and len({row["lang"] for row in rows}) >= 12
    assert len({row["id"] for row in rows}) == len(rows)
    for row in rows:
        assert row["id"].startswith(f"{row['story']}-{row['lang']}"), row["id"]
        for event in row["events"]:
            assert event["type"] in EVENT_TYPES and event["entity"] in names, row["id"]
            assert ("market" in event) == (event["type"] == "market_entry"), row["id"]
            assert event.get("market", "KR") in countries["countries"], row["id"]
    negatives = [row for row in rows if not row["events"]]
    assert len(negatives) >= 40  # reviews, rumours, denials, opinion, share moves, anniversaries, mentions


@pytest.mark.parametrize("file", ["dev.jsonl", "heldout.jsonl"])
def test_own_sets_meet_the_targets_with_languages_detected(file: str) -> None:
    rows, analyses = analysed(file, keep_language=False)
    result = score(rows, analyses)
    assert len(rows) >= 60
    assert result.pairs_f1 >= 0.90, result.mistakes
    assert result.event_precision >= 0.90, result.mistakes
    assert result.event_recall >= 0.70, result.mistakes
    assert result.market_accuracy >= 0.90, result.mistakes
    assert result.language_accuracy >= 0.95, result.mistakes


def test_the_second_held_out_part_after_the_fixes_its_mistakes_taught() -> None:
    """heldout2 was measured unseen once (docs/benchmarks.md); its mistakes were then read and general fixes
    made from them, so it is a tuning set now, held at what it reached."""
    rows, analyses = analysed("heldout2.jsonl", keep_language=False)
    result = score(rows, analyses)
    assert result.pairs_f1 >= 0.95 and result.event_precision >= 0.97 and result.event_recall >= 0.93, result.mistakes
    assert result.market_accuracy >= 0.85 and result.language_accuracy >= 0.95, result.mistakes


def test_the_third_held_out_part_after_the_fixes_its_mistakes_taught() -> None:
    """heldout3 was measured unseen once (F1 0.925, events P 0.968 R 0.882, markets 4 of 6: docs/benchmarks.md);
    its mistakes were then read and general fixes made from them, so it is a tuning set now, held at what it
    reached."""
    rows, analyses = analysed("heldout3.jsonl", keep_language=False)
    result = score(rows, analyses)
    assert len(rows) >= 75
    # Precision 0.956 since a report with no event may join one whose events come several at a time (a plant at
    # home, "日立、茨城県に新工場", joins the US plant's story of the day before): the rule gained 5 pairs elsewhere.
    assert result.pairs_f1 >= 0.95 and result.pairs_precision >= 0.95, result.mistakes
    assert result.event_precision >= 0.97 and result.event_recall >= 0.95, result.mistakes
    assert result.market_accuracy >= 0.9 and result.language_accuracy >= 0.95, result.mistakes


# The blind sets, each written by someone who had read neither the analyser nor the other sets, measured unseen
# once (docs/benchmarks.md), and a tuning set since: held at what each reached. Thresholds, in order: items,
# languages at least; story pairs F1 and precision; events precision and recall; markets entered.
BLIND_SETS = [
    # heldout4: 27 languages, 13 of them in no cue table then; unseen F1 0.549, events P 0.850 R 0.651, markets
    # 0.518 (d91e07b). Markets 0.929 since issue 11's fifth round.
    ("heldout4.jsonl", 150, 25, (0.92, 0.94), (0.95, 0.94), 0.96),
    # heldout5: 40 languages, 14 entities new to the analyser; unseen F1 0.633, events P 0.920 R 0.591, markets
    # 0.352 (8444f3f).
    ("heldout5.jsonl", 140, 38, (0.92, 0.95), (0.95, 0.95), 0.96),
    # heldout6: 34 languages, 15 new entities; unseen F1 0.906, events P 0.911 R 0.810, markets 0.684 (ab7470b).
    # Held without any entity's `home` set.
    ("heldout6.jsonl", 130, 32, (0.92, 0.97), (0.95, 0.86), 0.94),
    # heldout7: 33 languages, 12 new entities, 46 market entries; unseen "story pairs F1 0.901 (P 1.000 R 0.821) ·
    # events P 0.930 R 0.802 · market 0.761 · language 0.991" (fc681fe). Markets 1.000 after its mistakes taught.
    ("heldout7.jsonl", 100, 30, (0.96, 0.99), (0.95, 0.92), 0.99),
    # heldout8: 27 languages, 12 new entities, 47 market entries; unseen "story pairs F1 0.820 (P 1.000 R 0.694) ·
    # events P 0.910 R 0.786 · market 0.617" (6d39177). F1 0.917, events 0.960 / 0.922, markets 0.894 once read.
    ("heldout8.jsonl", 90, 25, (0.90, 0.99), (0.95, 0.94), 0.94),
    # heldout9, heldout10: blind, each with its own entities file (12 new entities each: consumer brands; industry
    # and emerging markets), 37 and 38 languages, 47 market entries each; unseen on 4c059a9: "F1 0.904 (P 1.000
    # R 0.824) · events P 0.897 R 0.813 · market 0.681 · language 0.990" and "F1 0.849 (P 1.000 R 0.738) · events
    # P 0.871 R 0.661 · market 0.553 · language 0.981". heldout9's mistakes read since (F1 0.912, events 0.951 /
    # 0.916, markets 0.766); heldout10's in session 6 (F1 0.926, events 0.906 / 0.777, markets 0.766).
    ("heldout9.jsonl", 100, 35, (0.96, 0.99), (0.95, 0.97), 0.96),
    ("heldout10.jsonl", 100, 35, (0.94, 0.99), (0.90, 0.90), 0.94),
    # heldout11, heldout12: blind (consumer and services; industry, energy, banking, construction), 34 and 36
    # languages, 49 and 48 market entries. heldout11 unseen on 0c155db "F1 0.892 (P 0.969 R 0.827) · events P 0.868
    # R 0.738 · market 0.612" and on 4725a21 "F1 0.915 · events 0.860 / 0.748 · market 0.633"; read since.
    # heldout12 unseen, on 0c155db "F1 0.842 (P 1.000 R 0.727) · events P 0.900 R 0.664 · market 0.375" and on
    # session 6's last code "F1 0.892 (P 1.000 R 0.805) · events P 0.906 R 0.713 · market 0.458"; read in session 7.
    ("heldout11.jsonl", 100, 32, (0.94, 0.96), (0.97, 0.93), 0.92),
    ("heldout12.jsonl", 100, 34, (0.95, 0.99), (0.94, 0.95), 0.92),
    # heldout13, heldout14: blind (technology, media, payments, EVs; food, agriculture, chemicals, mining, travel,
    # health, fashion), 35 and 34 languages, 45 and 49 market entries. Unseen, with the language detected, on session
    # 7's first code (e54cd19) "F1 0.922 (P 0.985 R 0.867) · events P 0.918 R 0.824 · market 0.733" and "F1 0.897
    # (P 1.000 R 0.814) · events P 0.944 R 0.757 · market 0.653"; on its last (9db5b13) "F1 0.922 · events P 0.913
    # R 0.880 · market 0.800 · language 0.981" and "F1 0.904 · events P 0.936 R 0.793 · market 0.673 · language
    # 0.991"; read in session 8.
    ("heldout13.jsonl", 100, 33, (0.95, 0.97), (0.93, 0.95), 0.94),
    ("heldout14.jsonl", 100, 32, (0.95, 0.99), (0.95, 0.94), 0.90),
    # heldout15: blind (steel, insurance, logistics, ports, defence, energy, telecom), 38 languages, 49 market entries;
    # unseen on session 8's first code (8a50e8c) "F1 0.861 (P 1.000 R 0.756) · events P 0.955 R 0.791 · market 0.673
    # · language 0.982" and on 30ae673 "F1 0.861 · events P 0.959 R 0.881 · market 0.837"; read in session 8.
    ("heldout15.jsonl", 100, 35, (0.95, 0.99), (0.96, 0.93), 0.90),
    # heldout16: blind (appliances, two-wheelers, beauty, quick commerce, edtech, sportswear, pharmacies, coworking), 38
    # languages, 50 market entries; unseen on 8a50e8c "F1 0.884 (P 0.915 R 0.855) · events P 0.915 R 0.829 · market
    # 0.780 · language 0.973" and on e154d40 "F1 0.884 · events P 0.917 R 0.855 · market 0.880"; on session 10's
    # merge "F1 0.932 (P 0.958) · events P 0.928 R 0.880 · market 0.940 · language 0.982": its mistakes unread.
    ("heldout16.jsonl", 100, 35, (0.92, 0.95), (0.92, 0.87), 0.93),
    # heldout17, heldout18: blind, written in session 9 (rail, solar, buses, ride-hailing, BNPL, furnishing and
    # discount retail; food, banking, insurance, telecom, super-apps, pay TV, generics, IT services), 37 languages
    # each, 50 and 49 market entries. Unseen on c65b46d "F1 0.886 (P 0.814 R 0.972) · events P 0.833 R 0.825 ·
    # market 0.780 · language 0.964" and "F1 0.929 (P 0.973 R 0.889) · events P 0.919 R 0.836 · market 0.857 ·
    # language 0.973"; on session 9's merge "F1 0.879 · events 0.835 / 0.835 · market 0.800" and "F1 0.943 ·
    # events 0.920 / 0.844 · market 0.878". heldout17's read in session 10 (F1 0.971 (P 1.000),
    # events P 0.931 R 0.922, market 0.880 on one branch; 0.960 with session 10's market fixes): a tuning set since.
    # heldout18 on session 10's merge and on 600e9fc "F1 0.943 (P 0.974) · events P 0.920 R 0.852 · market 0.878";
    # read in session 12 (F1 0.988 (P 0.976), events P 0.975 R 0.951, market 1.000): a tuning set since.
    ("heldout17.jsonl", 105, 35, (0.96, 0.99), (0.93, 0.95), 0.95),
    ("heldout18.jsonl", 105, 35, (0.98, 0.97), (0.96, 0.94), 0.98),
    # heldout19: blind, written in session 10 (cosmetics, shipping, cement, airlines, dairy, eyewear, luxury,
    # lithography, hospitals, cloud data, paints, toys), 38 languages, 47 market entries; unseen on a520f08 "F1
    # 0.897 (P 0.859 R 0.938) · events P 0.950 R 0.828 · market 0.894 · language 0.956" and on session 10's merge
    # "F1 0.922 (P 0.937) · events P 0.961 R 0.845 · market 0.915 · language 0.965": its mistakes unread.
    ("heldout19.jsonl", 110, 36, (0.91, 0.92), (0.95, 0.83), 0.90),
    # heldout20: blind, written in session 11 (aircraft engines, fashion, cameras, mining, dairy, telecom, airlines,
    # tyres, brewing, oil, software, food retail), 41 languages, 44 market entries; unseen on 267ff26 (session 10's
    # last code) "F1 0.922 (P 1.000 R 0.855) · events P 0.898 R 0.765 · market 0.750 (of entries found 0.917) ·
    # language 0.992"; read in session 11 (F1 0.937 (P 1.000), events P 0.925 R 0.852, market 0.886): a tuning set,
    # held at what it reached.
    ("heldout20.jsonl", 120, 40, (0.93, 0.99), (0.92, 0.85), 0.88),
    # heldout21: written blind in session 11 to measure market entries (tea shops, appliances, cars, airlines, air
    # conditioning, bakeries, DIY, drugstores, fast food, IT services, convenience stores, banking), 47 languages, 73
    # market-entry labels; unseen figure, with the language detected, on c7c3d07 (main's 9c96664) "F1 0.955 (P 1.000
    # R 0.913) · events P 0.829 R 0.872 · market 0.808 (of entries found 0.922) · language 0.979"; read since (F1
    # 0.978, events P 0.880 R 0.936, market 0.932): a tuning set, held at what it reached.
    ("heldout21.jsonl", 95, 45, (0.97, 0.99), (0.87, 0.93), 0.93),
    # heldout22: written blind in session 12 (pharma, gaming, telecom, cosmetics, food, energy, payments, e-commerce,
    # hotels, steel, shipping, parcels), 45 languages, 29 market-entry labels; unseen, with the language detected, on
    # 48003f5 "F1 0.957 (P 1.000 R 0.917) · events P 0.922 R 0.847 · market 0.897 (of entries found 1.000) · language
    # 0.992"; read since (F1 0.992 (P 1.000), events P 0.982 R 0.964, market 1.000): a tuning set, held at what it
    # reached.
    ("heldout22.jsonl", 120, 44, (0.98, 0.99), (0.96, 0.94), 0.97),
    # heldout23: written blind in session 12 (construction, farm machinery, insurance, streaming, chemicals,
    # furniture, chip equipment, drinks, mining, online courses, travel, hearing implants), 54 languages, 42
    # market-entry labels and their traps; unseen, with the language detected, on 600e9fc "F1 0.911 (P 0.958 R 0.868)
    # · events P 0.896 R 0.812 · market 0.881 (of entries found 1.000) · language 0.991": its mistakes unread.
    ("heldout23.jsonl", 115, 50, (0.90, 0.95), (0.88, 0.80), 0.87),
    # heldout24: written blind in session 13 (chip design, biosimilars, aquaculture, fintech, logistics, games, robots,
    # medical devices, airlines, dairy, sports cars, telecom towers), 52 languages, 59 market-entry labels; unseen,
    # with the language detected, on f1d6044 "F1 0.929 (P 0.981 R 0.881) · events P 0.873 R 0.809 · market 0.729 (of
    # entries found 0.935) · language 0.951"; read since (F1 0.974 (P 0.983), events P 0.956 R 0.991, market 0.983,
    # language 0.992): a tuning set, held at what it reached.
    ("heldout24.jsonl", 120, 50, (0.96, 0.97), (0.94, 0.97), 0.96),
    # heldout25: written blind in session 14 (consumer health, staffing, betting, water, watches, cruises, tobacco,
    # glass, motors, car rental, chargers, off-grid solar), 57 languages, 44 market-entry labels, 43 items with no
    # event; unseen, with the language detected, on eb107f0 "F1 0.927 (P 1.000 R 0.864) · events P 0.861 R 0.868 ·
    # market 0.955 (of entries found 1.000) · language 0.985"; read in session 14 (F1 1.000 (P 1.000), events P 0.974
    # R 0.991, market 0.977, language 0.985): a tuning set, held a little under what it reached.
    ("heldout25.jsonl", 130, 55, (0.98, 0.98), (0.95, 0.97), 0.95),
    # heldout27: written blind in session 15 in a Google-News flavour (search-feed titles, empty or link summaries,
    # all-caps flashes, press releases, live-blog round-ups; pharma, ride-hailing, infrastructure, payments, purifiers,
    # scooters, garden tools, mining, retail, probiotics, food), 58 languages, 41 market-entry labels, 47 items with no
    # event; unseen, with the language detected, on d598f06 "F1 0.865 (P 0.779 R 0.971) · events P 0.839 R 0.867 ·
    # market 0.976 (of entries found 0.976) · language 0.972"; read in session 15 (F1 0.993 (P 0.986), events P 0.945
    # R 1.000, market 1.000, language 0.972): a tuning set, held a little under what it reached.
    ("heldout27.jsonl", 140, 55, (0.98, 0.98), (0.93, 0.99), 0.97),
    # heldout29: written blind in session 17 (follow-ups and sequels within 72 h that must stay apart, updates of one
    # event that must not; headline-only items in languages with little web text), 55 languages, 51 market-entry
    # labels, 47 items with no event; unseen, with the language detected, on 2acee3f "F1 0.703 (P 0.765 R 0.650) ·
    # events P 0.865 R 0.789 · market 0.784 (of entries found 0.930) · language 0.935"; read in session 17 (F1 0.830
    # (P 0.929), events P 0.905 R 0.836, market 0.804, language 0.960): held a little under what it reached.
    ("heldout29.jsonl", 195, 50, (0.81, 0.91), (0.89, 0.82), 0.78),
    # heldout31: written blind in session 19 (full text as a fetcher extracts it: 119 items with `content`, banners,
    # bylines, related lists, features with the event in paragraph 2-5, background paragraphs), 43 languages, 56
    # market-entry labels; unseen, with the language detected, on e952ca1 "F1 0.747 (P 0.812 R 0.691) · events P 0.969
    # R 0.691 · market 0.786 (of entries found 0.978) · language 0.956"; read in session 19 (F1 0.789 (P 0.791),
    # events P 0.915 R 0.825, market 0.929, language 0.956) and again on branch read31b (F1 0.866 (P 0.844), events P
    # 0.934 R 0.883, market 0.982, language 0.978): held a little under what it reached.
    ("heldout31.jsonl", 220, 40, (0.85, 0.83), (0.92, 0.87), 0.97),
    # heldout32: written blind in session 20 (event days: one company's several announcements of one kind on one day,
    # each its own story in several languages; round-ups one-item stories), 52 languages; unseen, with the language
    # detected, on d44d1a0 "F1 0.707 (P 0.615 R 0.831) · events P 0.917 R 0.807 · market 0.833 (of entries found
    # 0.976) · language 0.992"; read in session 20 (F1 0.787 (P 0.712), events P 0.922 R 0.807, market 0.833,
    # language 0.992): held a little under what it reached.
    ("heldout32.jsonl", 235, 50, (0.77, 0.70), (0.90, 0.79), 0.81),
]


@pytest.mark.parametrize(("file", "items", "languages", "stories", "events", "markets"), BLIND_SETS)
def test_a_blind_set_keeps_its_level(
    file: str, items: int, languages: int, stories: tuple[float, float], events: tuple[float, float], markets: float
) -> None:
    rows, analyses = analysed(file, keep_language=False)
    result = score(rows, analyses)
    assert len(rows) >= items and len({row["lang"] for row in rows}) >= languages
    assert result.pairs_f1 >= stories[0] and result.pairs_precision >= stories[1], result.mistakes
    assert result.event_precision >= events[0] and result.event_recall >= events[1], result.mistakes
    assert result.market_accuracy >= markets and result.language_accuracy >= 0.95, result.mistakes


def test_a_configured_home_is_never_entered() -> None:
    """config.yaml's `home:` for an entity: no market entry into it, even where the item's words do not say it
    ("Rheinmetall ... a new plant in Germany" has no adjective for Rheinmetall)."""
    from watcher.analyze import Analyzer, analyze_items
    from watcher.analyze.evaluation import item_input
    from watcher.config import EntityConfig

    row = {"id": "h1-en", "lang": "en", "published": ago(hours=2).isoformat(), "feed": "x", "story": "h1",
           "title": "Rheinmetall opens a new ammunition plant in Germany", "summary": "", "events": []}  # fmt: skip
    for home, expected in ((None, [("market_entry", "DE")]), ("de", [])):
        entity = EntityConfig.model_validate({"name": "Rheinmetall", **({"home": home} if home else {})})
        [analysis] = analyze_items(Analyzer([entity]), [item_input(row)])
        assert [(e.type, e.market) for e in analysis.events if e.type == "market_entry"] == expected


def test_hard_cases_stay_apart() -> None:
    _rows, analyses = analysed("dev.jsonl")
    story = {analysis.id: analysis.story for analysis in analyses}
    assert story["d34-en"] == story["d34-zh"] != story["d35-en"] == story["d35-es"]  # two plants in Spain
    assert story["d36-en"] != story["d37-en"]  # two Bayer verdicts, Philadelphia and Washington
    assert story["d40-en"] != story["d41-en"]  # Nokia's Q3 results and its restated Q2
    assert story["d42-en"] == story["d42-de"] == story["d42-zh"]  # Nokia and Maersk: one deal, one story
    assert story["d01-en"] != story["d02-en"]  # BYD plants in Hungary and in Turkey
    assert story["d04-en"] != story["d05-en"]  # two Tesla legal cases
    assert story["d25-en"] != story["d26-en"]  # Q1 results and a Q2 of a listed unit
    assert story["d09-en"] == story["d09-ja"] == story["d09-fr"]  # one deal between two tracked entities
    events = {analysis.id: {(e.type, e.entity) for e in analysis.events} for analysis in analyses}
    assert events["d09-ja"] == {("partnership", "Renault"), ("partnership", "Toyota")}
    assert ("market_entry", "Toyota") not in events["d10-en"] and events["d10-fr"] == {("market_entry", "Renault")}
    assert events["d42-zh"] == {("partnership", "Nokia"), ("partnership", "Maersk")}
    assert events["d61-en"] == set() and events["d63-en"] == set()  # "beating rival Heineken"; HMD's Nokia phone


def seed_items() -> list[dict]:
    from watcher.parse.feed import parse_feed

    items = []
    for name in ("tech-it.rss.xml", "korea-news.ko.rss.xml", "world-ru.rss.xml", "asia-business.atom.xml"):
        parsed = parse_feed((SEEDS / name).read_bytes())
        for index, entry in enumerate(parsed.entries):
            items.append(
                {"id": f"{name.split('.')[0]}-{index}", "title": entry.title, "summary": entry.summary,
                 "content": entry.content, "published": entry.published.isoformat(), "feed": parsed.title,
                 "lang": entry.language}
            )  # fmt: skip
    return items


def test_the_founding_article_is_one_story_in_italian_korean_and_russian() -> None:
    from tests.conftest import ROOT
    from watcher.config import load_config

    config = load_config(ROOT / "config.yaml")
    items = seed_items()
    analyses = {a.id: a for a in analyze_items(Analyzer(config.entities), [item_input(row) for row in items])}
    italian, korean, russian = analyses["tech-it-0"], analyses["korea-news-0"], analyses["world-ru-0"]
    assert italian.story == korean.story == russian.story
    assert (italian.language, korean.language, russian.language) == ("it", "ko", "ru")
    story_events = {(e.type, e.entity, e.market) for a in (italian, korean, russian) for e in a.events}
    assert story_events == {
        ("market_entry", "Xiaomi", "KR"),
        ("partnership", "Xiaomi", None),
        ("patent", "Xiaomi", None),
    }
    assert {(e.type, e.entity, e.market) for e in italian.events} == story_events  # all three in its headline
    assert all(e.entity != "Korea" for a in analyses.values() for e in a.events)  # a country is a market, not an actor
    others = {a.story for key, a in analyses.items() if key not in ("tech-it-0", "korea-news-0", "world-ru-0")}
    assert italian.story not in others


def test_analyze_command_end_to_end(tmp_path: Path) -> None:
    from watcher.cli import main

    config = tmp_path / "config.yaml"
    config.write_text(
        yaml.safe_dump({"feeds": [], "state_dir": str(tmp_path / "state"),
                        "entities": yaml.safe_load((STORIES / "entities.yaml").read_text())["entities"]},
                       allow_unicode=True),
        encoding="utf-8",
    )  # fmt: skip
    lines = (STORIES / "examples.jsonl").read_text(encoding="utf-8").splitlines()
    given = [json.loads(line) for line in lines]
    for row in given:  # what the command reads: no labels, no language for half of them
        row.pop("story"), row.pop("events")
        if row["id"].endswith(("en", "de", "ko")):
            row.pop("lang")
    stdin = "\n".join(json.dumps(row, ensure_ascii=False) for row in given) + "\n"
    result = CliRunner().invoke(main, ["--config", str(config), "analyze", "-"], input=stdin)
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.output.splitlines()]
    assert [row["id"] for row in out] == [row["id"] for row in given]
    by_id = {row["id"]: row for row in out}
    assert by_id["p01-it"]["story"] == by_id["p01-ko"]["story"] == by_id["p01-en"]["story"] == "p01-it"
    assert by_id["p02-ko"]["story"] != by_id["p10-ko"]["story"]
    assert by_id["p01-ko"]["lang"] == "ko" and by_id["p02-de"]["lang"] == "de"
    assert by_id["p01-it"]["entities"] == ["Xiaomi"]
    assert {"type": "market_entry", "entity": "Xiaomi", "market": "KR"}.items() <= by_id["p01-it"]["events"][0].items()
    assert by_id["p13-en"]["events"] == [] and by_id["p19-zh"]["entities"] == []
    bad = CliRunner().invoke(main, ["--config", str(config), "analyze", "-"], input="not json\n")
    assert bad.exit_code == 1 and "line 1" in bad.output
