"""The event precision grid (tests/event_traps.py): each row's events exactly, and the grid's precision and recall.

Rows the analyser still gets wrong are marked xfail (strict), with why, so a fix shows as an unexpected pass.
Round 4 (tests/data/event_traps/fourth_*.tsv, 207 rows) measured before any tuning on it: P 0.697 (69/99), R 0.775
(69/89); the whole grid then P 0.877 (306/349), R 0.903 (306/339), 75 rows wrong. After its rules (branch
events-precision5): round 4 P 0.945 (86/91), R 0.966 (86/89); the whole grid P 0.962 (328/341), R 0.962 (328/341), 25
rows wrong (two older labels corrected by the taxonomy on the way: both parties of Lufthansa and Airbus's maintenance
deal, and Boeing's new head of its defence unit, as in the row that says so without the Airbus veteran).
"""

from __future__ import annotations

import pytest

from tests.event_traps import TrapRow, found_events, trap_analyzer, trap_rows
from watcher.analyze import Analyzer

# Rows the analyser still gets wrong, by (language, kind), with why.
KNOWN_MISSES: dict[tuple[str, str], str] = {
    ("tr", "pos_acq"): "'Anlaşmayla' (with the deal) in the lead adds a partnership to the purchase",
    ("hu", "pos_entry"): "'belép a bosnyák piacra': 'belép a' is a cue, the Bosnian adjective after 'a' is not found",
    ("ro", "pos_legal"): "'Consiliul Concurenței amendează Carrefour România': the country after the name hides it",
    ("fr", "supply_deal"): "'des batteries de CATL': the supplier of a deal, named after 'de', is not taken as a party",
    ("pt", "rival_results"): "'ultrapassa Ambev em vendas': no figure, so the weak 'vendas' makes no results",
    ("zh", "rumour3"): "a headline opening with 传 (reportedly): 传 opens names too (传音, Transsion)",
    ("en", "prize"): "'The jury praised its software': a prize's jury is read as a court's",
    ("de", "pos_launch2"): "'startet' alone is no launch cue: it also starts production, talks or strikes",
    ("es", "rival2"): "'gana cuota' (gains share): 'gana' (earns) is a results cue",
    ("pl", "pos_launch2"): "'uruchamia' (launches) is no Polish launch cue: it also starts production lines",
    ("ja", "strike"): "'受注システム' (the ordering system): 受注 (orders won) is a partnership cue",
    ("ja", "pos_earnings3"): "'新型機' (the new console) in the lead makes a launch beside the forecast",
    ("en", "pos_legal3"): "'adds Tencent to list of Chinese military companies': a blacklisting has no legal cue",
    ("it", "strike"): "'protestano contro': 'contro' (against) is an Italian legal cue",
    (
        "pl",
        "lead_event",
    ): "'podpisał umowę zakupu' (signed a purchase agreement): the agreement is read, the purchase not",
    (
        "ja",
        "chosen",
    ): "'新型車両の供給元' (supplier of new trains): 新型 (new model) makes a launch beside the supply deal",
    ("zh", "chosen"): "'获选为...供应商' (chosen as supplier): no Chinese cue for being chosen as a supplier",
    ("ko", "lead_event"): "'조직 개편' (a reorganisation): 개편 (revamp) is a launch cue, for services revamped",
    (
        "tl",
        "lead_event",
    ): "'Binili ng kumpanya' (the company bought): the agent after 'ng' is a description, not a name",
    (
        "en",
        "home_plant",
    ): "'Hyundai opens a new plant in Ulsan': a plant at home, which only a configured home can tell",
    (
        "es",
        "home_plant",
    ): "'Inditex abre un nuevo centro logístico en Zaragoza': at home, which only a configured home tells",
}


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return trap_analyzer()


def _param(row: TrapRow) -> object:
    reason = KNOWN_MISSES.get((row.language, row.kind))
    marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
    return pytest.param(row, id=f"{row.language}-{row.kind}", marks=marks)


@pytest.mark.parametrize("row", [_param(row) for row in trap_rows()])
def test_event_trap(analyzer: Analyzer, row: TrapRow) -> None:
    assert found_events(analyzer, row) == row.events


def test_grid_precision_and_recall(analyzer: Analyzer) -> None:
    right = given = labelled = 0
    for row in trap_rows():
        got = found_events(analyzer, row)
        right += len(got & row.events)
        given += len(got)
        labelled += len(row.events)
    # Measured 0.962 / 0.962 on the four rounds (0.877 / 0.903 when round 4 was added, before its rules; three rounds
    # 0.948 / 0.948, and 0.804 / 0.900 before theirs); issue 11's targets on unseen items are 0.90 / 0.70.
    assert right / given >= 0.95
    assert right / labelled >= 0.95


def test_grid_covers_the_languages_and_traps() -> None:
    rows = trap_rows()
    assert len({row.language for row in rows}) >= 40
    keys = [(row.language, row.kind) for row in rows]
    assert len(keys) == len(set(keys))  # one row per language and kind, for KNOWN_MISSES to name
    assert set(KNOWN_MISSES) <= set(keys)
    traps = [row for row in rows if not row.events]
    assert len(traps) >= len(rows) / 2
    families = {row.family for row in traps}
    assert {"rumour", "denial", "preview", "review", "stock", "rival", "recall", "exit"} <= families
