"""What a story's reports say together against an item, beyond its best fit with one of them (story_fit.py): other
quarters or periods of results, other markets entered, a second site, another product. Pure."""

from __future__ import annotations

import re
from collections.abc import Sequence

from watcher.analyze.signals import FISCAL_YEAR
from watcher.analyze.story_facts import ItemFacts

VETO = -1.0
SECOND_SITE = -0.35  # undoes the same-market bonus and more: "a second plant in Spain, in Valencia"
# A launch whose figures and names are none of a launch story's ("Mate 90 ... Kirin 9100" and "昇腾960"): another
# product. Weighed against the story's launches together, as quarters are, so a report naming no figure does not
# bridge two launches of one company in three days.
OTHER_PRODUCT = -0.35
_DIGITS = re.compile(r"\d+")


def contradiction(item: ItemFacts, members: Sequence[ItemFacts]) -> float:
    """What a story's reports (`members`) as a whole say against the item, beyond its best fit with one report: a
    report that names no quarter must not bridge Q2 and Q3 results, nor one without a place two plants. VETO, or a
    penalty to add to the best fit."""
    quarters = frozenset().union(*(member.signals.quarters for member in members))
    if item.signals.quarters and quarters and not item.signals.quarters & quarters:
        return VETO
    results = [member for member in members if "earnings" in member.event_types]
    if "earnings" in item.event_types and results:
        months = frozenset().union(*(member.signals.months for member in results))
        if other_period(item, frozenset().union(*(member.signals.quarters for member in results)), months):
            return VETO
    launches = [member for member in members if "product_launch" in member.event_types]
    if "product_launch" in item.event_types and launches and _other_product(item, launches):
        return OTHER_PRODUCT
    entered = frozenset().union(*(member.entry_markets for member in members))
    if item.entry_markets and entered and not item.entry_markets & entered:
        # Unless the reports that enter name the item's countries too: one entry into two countries, of which a
        # report read only the first ("signs 60 hotels in Egypt and Morocco ... operating in both countries").
        named = frozenset().union(*(member.places for member in members if member.entry_markets))
        if not item.entry_markets <= named:
            return VETO
    if item.entry_markets & entered:
        # One market entered twice in three days: two sites when the reports' names (towns, partners) and
        # figures (sums, jobs, capacity) both differ; either alone differs between reports of one event.
        entries = [member for member in members if member.entry_markets]
        names = frozenset().union(*(member.signals.names for member in entries))
        figures = frozenset().union(*(member.signals.figures for member in entries))
        mine = item.signals
        if mine.names and names and not mine.names & names and mine.figures and figures and not mine.figures & figures:
            return SECOND_SITE
    return 0.0


def _other_product(item: ItemFacts, launches: Sequence[ItemFacts]) -> bool:
    """The item names a whole number, the story's launches name whole numbers, and no figure or name of the item is
    theirs. Whole numbers, as models are numbered ("Kirin 9100", "昇腾960"): a price or a range with decimals ("Rs 17.5
    lakh") and another report's "500 km" may tell one launch."""
    mine = item.signals
    figures = frozenset().union(*(launch.signals.figures for launch in launches))
    if not (_whole(mine.figures) and _whole(figures)) or any(mine.same_figure(launch.signals) for launch in launches):
        return False
    names = frozenset().union(*(launch.signals.names for launch in launches))
    if mine.figures & _model_numbers(names) or figures & _model_numbers(mine.names):
        return False  # "ایکس 500 الٹرا" is the "X500 Ultra": a model's number, its letters in another script
    return not mine.names & names


def _model_numbers(names: frozenset[str]) -> frozenset[str]:
    """The numbers of model names that join letters and digits ("x500" → "500", "su7" → "7")."""
    return frozenset(number for name in names for number in _DIGITS.findall(name) if number != name)


def _whole(figures: frozenset[str]) -> bool:
    return any("." not in figure for figure in figures)


def other_period(item: ItemFacts, quarters: frozenset[str], months: frozenset[str]) -> bool:
    """Results of another period, for two reports of results: other months ("sales rose 9% in May" and "in
    June"), or a month against a quarter (May's sales are not the second quarter's results). Elsewhere a month
    dates a plan ("production from December") and differs between reports of one event."""
    mine_fy, other_fy = _fiscal(item.signals.months), _fiscal(months)
    mine_q, mine_m, months = item.signals.quarters, item.signals.months - mine_fy, months - other_fy
    if mine_m and months and not mine_m & months:
        return True
    month_only, quarter_only = bool(mine_m and not mine_q), bool(mine_q and not mine_m)
    # A month's sales ("2月の既存店売上高") are not the results of a fiscal year that ends in another month
    # ("2027年3月期"); the month a year ends in may be a report's way to name it ("l'exercice clos fin août").
    if (month_only and not months and _other_year(mine_m, other_fy)) or (
        not mine_m and not quarters and _other_year(months, mine_fy)
    ):
        return True
    return (month_only and bool(quarters) and not months) or (quarter_only and bool(months) and not quarters)


def _other_year(months: frozenset[str], years: frozenset[str]) -> bool:
    """Months named, and fiscal years none of which ends in one of them."""
    return bool(months and years) and not {f"M{year.removeprefix(FISCAL_YEAR)}" for year in years} & months


def _fiscal(months: frozenset[str]) -> frozenset[str]:
    return frozenset(month for month in months if month.startswith(FISCAL_YEAR))
