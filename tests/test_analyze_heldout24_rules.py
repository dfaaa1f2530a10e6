"""Event rules heldout24's mistakes taught, each on sentences of its own: a headline naming the company as no party
is not about it; merging one's own offices buys nothing; a plant another company builds is no entry of its supplier;
Korean "~설" is a rumour; Chinese "进入中国三十五年" an anniversary; French "lever le voile" an unveiling, not money
raised; "as next CEO" a leadership change."""

from __future__ import annotations

from tests.analyze_events import analyzer_of, events

ANALYZER = analyzer_of(["Nokia", "Vodacom", "ABB", "Tesla", "삼성전자", "比亚迪", "Renault", "Sanofi"])


def kinds(language: str, title: str, summary: str = "") -> set[tuple[str, str]]:
    return {(kind, entity) for kind, entity, _market in events(ANALYZER, language, title, summary)}


def test_a_headline_naming_the_company_as_no_party_is_not_about_it() -> None:
    """ "Former Nokia group executive named CEO of X" ("group" a word for a company in its first words): the lead
    names Nokia once more (where she worked), but the headline described is the startup's, not the one tracked
    company the item names."""
    title = "Former Nokia group executive named CEO of drone startup Skyline"
    lead = "Skyline Robotics has hired Anna Virtanen, who ran Nokia's cloud unit until 2025, as its chief executive."
    assert kinds("en", title, lead) == set()


def test_merging_its_own_offices_buys_nothing() -> None:
    assert kinds("en", "Vodacom to cut 300 jobs as it merges regional offices") == {("layoffs", "Vodacom")}
    assert kinds("en", "Vodacom merges three regional units into one") == set()


def test_a_plant_another_company_builds_is_no_entry_of_its_supplier() -> None:
    text = "ABB will supply 500 welding robots to Tesla for the new car plant Tesla is building in Mexico"
    assert {kind for kind, _entity in kinds("en", text)} == {"partnership"}
    assert ("market_entry", "ABB", "MX") in events(ANALYZER, "en", "ABB will build a new robot plant in Mexico")


def test_korean_rumour_suffix() -> None:
    assert kinds("ko", "삼성전자, 美 반도체 공장 인수 추진설") == set()  # reported plan to buy
    assert kinds("ko", "삼성전자, 美 반도체 공장 인수") == {("acquisition", "삼성전자")}


def test_years_since_entering_a_country_written_in_words_are_an_anniversary() -> None:
    assert kinds("zh", "比亚迪进入日本十年：从第一家门店到年销万辆") == set()
    assert kinds("zh", "比亚迪三年内进入日本") == {("market_entry", "比亚迪")}


def test_lifting_the_veil_is_an_unveiling_not_money_raised() -> None:
    assert kinds("fr", "Renault a levé le voile sur la nouvelle Clio, vendue 20 000 euros") == {
        ("product_launch", "Renault")
    }
    assert kinds("fr", "Renault a levé 2 milliards d'euros") == {("funding", "Renault")}


def test_named_as_next_chief_executive_is_a_leadership_change() -> None:
    assert kinds("en", "Sanofi names vaccines head Jana Lind as next CEO") == {("leadership", "Sanofi")}
    lead = "Sanofi said Jana Lind, head of its vaccines unit, will become chief executive in April."
    assert kinds("en", "Sanofi board meets in Paris", lead) == {("leadership", "Sanofi")}
    assert kinds("en", "Sanofi's next CEO faces a tough market") == set()


def test_a_share_move_on_a_rumour_is_a_share_move_whichever_comes_first() -> None:
    """The reports of one story must get the same blocker to be grouped: a Korean headline names the rumour first
    ("매각설에 ... 주가 급락"), an English one the share move ("shares slide on report ...")."""
    from watcher.analyze import analyze_items
    from watcher.analyze.analyzer import ItemInput

    for title in ("Nokia shares jump 5% as sources say Apple is in talks to buy a stake",
                  "Nokia reportedly in talks with Apple, shares jump 5%"):  # fmt: skip
        (result,) = analyze_items(ANALYZER, [ItemInput(id="x", title=title)])
        assert result.facts.blocker == "stock", title
