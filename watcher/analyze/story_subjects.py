"""Event days: one report's event is another company's. Pure.

At a trade show several companies launch the same day, and a report of one often names the other ("Oppo Find N6
launches hours after Honor's Magic V6"): both reports name both companies and read a launch, but of different
companies, so two launches. Events one company makes alone are compared by whose they are; a deal, a purchase, an
investment or a suit has two parties, and a report may read it for either ("Aeon buys 5% of LuLu in a share sale":
Aeon's purchase, LuLu's funding).
"""

from __future__ import annotations

from watcher.analyze.story_facts import ItemFacts

# Event types with one subject: the same type read for different companies is two events.
_ONE_SUBJECT = frozenset({"product_launch", "market_entry", "earnings", "layoffs", "leadership", "patent"})


def other_subjects(a: ItemFacts, b: ItemFacts) -> bool:
    """Both read an event of one type that a company makes alone, and never for the same company."""
    for event_type in a.event_types & b.event_types & _ONE_SUBJECT:
        subjects_a = {entity for kind, entity in a.events if kind == event_type}
        if subjects_a.isdisjoint(entity for kind, entity in b.events if kind == event_type):
            return True
    return False
