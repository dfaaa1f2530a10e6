"""The digest model and its rendering on fixed, hand-built match rows: no database, no servers."""

from __future__ import annotations

import email
import email.policy
import itertools
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from watcher.digest import (
    SUBJECT_MAX,
    DigestModel,
    EntitySection,
    build_digest,
    compose_message,
    make_subject,
    render_digest,
    render_nothing_new,
)
from watcher.store import FeedStatus, MatchRow

# A fixed date is safe here: build_digest and the renderers take `now` as an argument (the clock is
# injected) and read no clock of their own; the --clock-shift runs check that this stays so.
NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
pytestmark = pytest.mark.clock
_ids = itertools.count(1)


def row(
    entity: str = "Xiaomi",
    *,
    title: str,
    item_id: int | None = None,
    link: str | None = None,
    source: str = "Feed A",
    published: datetime | None = None,
    field: str = "summary",
    snippet: str | None = None,
    highlights: tuple[tuple[int, int], ...] | None = None,
    **extra: Any,
) -> MatchRow:
    """One match row as the store hands it to the digest; a fresh item unless item_id is given."""
    match_id = next(_ids)
    snippet = snippet if snippet is not None else f"News about {entity} today."
    if highlights is None:
        start = snippet.find(entity)
        highlights = ((start, start + len(entity)),) if start >= 0 else ()
    return MatchRow(
        match_id=match_id,
        entity=entity,
        item_id=item_id if item_id is not None else 10_000 + match_id,
        title=title,
        link=link,
        source=source,
        published_at=published or NOW - timedelta(hours=2),
        first_seen_at=NOW - timedelta(hours=1),
        language=extra.pop("language", "en"),
        field=field,
        alias=entity,
        surface=entity,
        snippet=snippet,
        highlights=highlights,
        backfilled=extra.pop("backfilled", False),
        **extra,
    )


def digest(rows: list[MatchRow], **kwargs: Any) -> DigestModel:
    return build_digest(rows, timezone=kwargs.pop("timezone", "UTC"), now=kwargs.pop("now", NOW), **kwargs)


def section(model: DigestModel, entity: str) -> EntitySection:
    return next(s for s in model.sections if s.entity == entity)


def titles(model: DigestModel, entity: str) -> list[str]:
    return [entry.title for entry in section(model, entity).entries]


def html_and_text(model: DigestModel, prefix: str = "watcher") -> tuple[str, str]:
    rendered = render_digest(model, prefix)
    return rendered.html, rendered.text


# --- ranking -------------------------------------------------------------------------------------


def test_title_hit_ranks_above_a_more_recent_body_hit() -> None:
    model = digest(
        [
            row(title="Phones of the week", published=NOW - timedelta(hours=1)),
            row(title="Xiaomi opens a store in Milan", field="title", published=NOW - timedelta(hours=20)),
        ]
    )
    assert titles(model, "Xiaomi") == ["Xiaomi opens a store in Milan", "Phones of the week"]


def test_more_distinct_aliases_rank_above_one() -> None:
    model = digest(
        [
            row(title="One alias", alias_count=1, published=NOW - timedelta(hours=1)),
            row(title="Two aliases", alias_count=2, published=NOW - timedelta(hours=9)),
        ]
    )
    assert titles(model, "Xiaomi") == ["Two aliases", "One alias"]


def test_a_story_carried_by_more_sources_ranks_above_one_carried_by_one() -> None:
    model = digest(
        [
            row(title="Single-source story", link="https://solo.example/1", published=NOW - timedelta(hours=1)),
            row(title="Wide story", link="https://wire.example/w", source="Wire", published=NOW - timedelta(hours=9)),
            row(title="Wide story (repost)", link="https://wire.example/w", source="Blog", published=NOW),
        ]
    )
    entries = section(model, "Xiaomi").entries
    assert entries[0].title in ("Wide story", "Wide story (repost)")
    assert entries[0].also_in and entries[1].title == "Single-source story"


def test_recency_breaks_ties() -> None:
    model = digest(
        [
            row(title="Older", published=NOW - timedelta(hours=30)),
            row(title="Newest", published=NOW - timedelta(minutes=5)),
            row(title="Middle", published=NOW - timedelta(hours=3)),
        ]
    )
    assert titles(model, "Xiaomi") == ["Newest", "Middle", "Older"]


def test_undated_item_is_placed_by_when_it_was_first_seen() -> None:
    undated = replace(row(title="Undated"), published_at=None, first_seen_at=NOW - timedelta(minutes=1))
    model = digest([row(title="Dated", published=NOW - timedelta(hours=5)), undated])
    assert titles(model, "Xiaomi") == ["Undated", "Dated"]


# --- clustering ----------------------------------------------------------------------------------


def test_same_link_modulo_tracking_scheme_and_www_folds_into_one_entry() -> None:
    model = digest(
        [
            row(
                title="Xiaomi enters Korea",
                link="https://www.news.example/xiaomi-korea?utm_source=rss&utm_medium=feed",
                source="Wire",
                field="title",
            ),
            row(title="Xiaomi: arrivo in Corea", link="http://news.example/xiaomi-korea/", source="TecnoNotizie"),
            row(title="샤오미 한국 진출", link="https://news.example/xiaomi-korea?utm_campaign=x#top", source="테크"),
            row(title="Unrelated", link="https://news.example/other-story", source="Wire"),
        ]
    )
    entries = section(model, "Xiaomi").entries
    assert len(entries) == 2
    folded = entries[0]
    assert folded.title == "Xiaomi enters Korea"  # the best-ranked (title hit) is the one shown
    assert folded.source == "Wire"
    assert set(folded.also_in) == {"TecnoNotizie", "테크"}
    assert entries[1].title == "Unrelated" and entries[1].also_in == ()
    assert section(model, "Xiaomi").count == 4  # every source counts as a mention

    html, text = html_and_text(model)
    assert "also in: " in text and "TecnoNotizie" in text and "테크" in text
    assert html.count('class="also"') == 1


def test_near_identical_titles_in_the_same_script_within_48h_fold() -> None:
    model = digest(
        [
            row(title="Xiaomi launches Mi Pay in South Korea", link="https://a.example/1", source="A"),
            row(
                title="Xiaomi launches Mi Pay in South Korea today",
                link="https://b.example/2",
                source="B",
                published=NOW - timedelta(hours=30),
            ),
            row(title="小米支付正式登陆韩国", link="https://c.example/3", source="C", language="zh"),
            row(title="小米支付正式登陆韩国市场", link="https://d.example/4", source="D", language="zh"),
        ]
    )
    entries = section(model, "Xiaomi").entries
    assert len(entries) == 2
    assert {(entry.source, entry.also_in) for entry in entries} == {("A", ("B",)), ("C", ("D",))}


def test_the_same_title_five_days_apart_is_two_stories() -> None:
    model = digest(
        [
            row(title="Xiaomi weekly roundup", link="https://a.example/week-47", published=NOW - timedelta(hours=1)),
            row(title="Xiaomi weekly roundup", link="https://a.example/week-46", published=NOW - timedelta(days=5)),
        ]
    )
    entries = section(model, "Xiaomi").entries
    assert len(entries) == 2 and all(entry.also_in == () for entry in entries)


def test_a_title_and_its_translation_into_another_script_are_not_folded() -> None:
    model = digest(
        [
            row(title="Xiaomi launches Mi Pay in South Korea", link="https://en.example/1", source="EN"),
            row(title="샤오미, 한국에서 Mi Pay 출시", link="https://ko.example/1", source="KO", language="ko"),
            row(title="小米支付正式登陆韩国", link="https://zh.example/1", source="ZH", language="zh"),
            row(title="Сяоми запускает Mi Pay в Южной Корее", link="https://ru.example/1", source="RU"),
            row(title="Xiaomi запускает Mi Pay в Южной Корее", link="https://ru.example/2", source="RU2"),
        ]
    )
    entries = section(model, "Xiaomi").entries
    assert len(entries) == 5 and all(entry.also_in == () for entry in entries)


def test_different_stories_stay_apart() -> None:
    stories = [
        "Xiaomi beats third-quarter forecasts on smartphone and EV momentum",
        "Xiaomi recalls power banks over overheating risk",
        "Xiaomi to open 50 stores in Europe next year",
        "Mi Band 10 ufficiale: schermo AMOLED più grande",
    ]
    model = digest([row(title=title, link=f"https://x.example/{n}") for n, title in enumerate(stories)])
    assert sorted(titles(model, "Xiaomi")) == sorted(stories)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Apple sues Xiaomi", "Xiaomi sues Apple"),
        ("Samsung beats Xiaomi in Korea", "Xiaomi beats Samsung in Korea"),
        ("Xiaomi", "Xiaomi recalls 2 million power banks"),
    ],
)
def test_titles_sharing_words_but_telling_different_stories_stay_apart(first: str, second: str) -> None:
    model = digest([row(title=first, link="https://a.example/1"), row(title=second, link="https://b.example/2")])
    assert len(section(model, "Xiaomi").entries) == 2


def test_titles_differing_in_a_model_number_stay_apart() -> None:
    model = digest(
        [
            row(title="Xiaomi 14 review", link="https://a.example/14"),
            row(title="Xiaomi 15 review", link="https://b.example/15"),
        ]
    )
    assert len(section(model, "Xiaomi").entries) == 2


# --- co-mentions ---------------------------------------------------------------------------------


def test_item_naming_two_entities_is_listed_together_at_the_top() -> None:
    both = 501
    model = digest(
        [
            row("Xiaomi", title="Xiaomi alone", link="https://x.example/alone"),
            row("Xiaomi", item_id=both, title="Xiaomi brings Mi Pay to Korea", link="https://x.example/both"),
            row("Korea", item_id=both, title="Xiaomi brings Mi Pay to Korea", link="https://x.example/both"),
            row("Korea", title="Korea alone", link="https://x.example/korea"),
        ],
        entity_order=["Xiaomi", "Korea"],
    )
    assert [entry.item_id for entry in model.co_mentions] == [both]
    assert model.co_mentions[0].entities == ("Xiaomi", "Korea")
    assert [s.entity for s in model.sections] == ["Xiaomi", "Korea"]  # the config's order
    # ... and it stays listed under each of its entities too.
    assert "Xiaomi brings Mi Pay to Korea" in titles(model, "Xiaomi")
    assert "Xiaomi brings Mi Pay to Korea" in titles(model, "Korea")
    assert model.item_count == 3 and model.match_count == 4

    html, text = html_and_text(model)
    together = html.index("Together: 1 story")
    assert together < html.index("Xiaomi alone") and together < html.index("Korea alone")
    assert "Xiaomi + Korea" in html
    assert text.index("== Together") < text.index("== Xiaomi")


def test_items_with_one_entity_each_make_no_together_section() -> None:
    model = digest([row("Xiaomi", title="Xiaomi alone"), row("Korea", title="Korea alone")])
    assert model.co_mentions == ()
    html, text = html_and_text(model)
    assert "Together" not in html and "Together" not in text


# --- caps ----------------------------------------------------------------------------------------


def test_cap_lists_the_best_stories_and_counts_the_rest() -> None:
    stories = [
        "Earnings beat forecasts",
        "Store opens in Milan",
        "Recall of power banks",
        "New EV plant",
        "CEO interview",
    ]
    rows = [row(title=title, link=f"https://x.example/{n}") for n, title in enumerate(stories)]
    rows.append(row(title="Earnings: a syndicated copy", link="https://x.example/0", source="Feed B"))
    model = digest(rows, max_per_entity=2)
    xiaomi = section(model, "Xiaomi")
    assert len(xiaomi.entries) == 2 and xiaomi.more == 3
    assert xiaomi.mentions == 6 and xiaomi.count == 6  # every mention counts, listed or not
    assert xiaomi.entries[0].also_in == ("Feed B",)  # the syndicated story ranks first

    html, text = html_and_text(model)
    assert "… and 3 more" in html and "… and 3 more" in text
    assert "6 mentions" in html and "== Xiaomi (6 mentions) ==" in text
    assert "Xiaomi 6" in make_subject("watcher", model)


def test_the_together_section_is_capped_too() -> None:
    # A big day: 30 stories each naming both entities. Listed under each entity (capped) and, up to the
    # same cap, together; the rest counted, so the mail stays short enough not to be clipped.
    rows = []
    for n in range(30):
        for entity in ("Xiaomi", "Korea"):
            rows.append(row(entity, item_id=900 + n, title=f"Deal number {n} signed", link=f"https://x.example/{n}"))
    model = digest(rows, max_per_entity=5, entity_order=["Xiaomi", "Korea"])
    assert len(model.co_mentions) == 5 and model.co_mentions_more == 25
    html, text = html_and_text(model)
    assert "Together: 30 stories" in html
    assert "… and 25 more, each listed under its entities below" in html
    assert "… and 25 more, each listed under its entities below" in text
    assert html.count("Deal number") == 15  # 5 together + 5 under each entity


# --- spikes --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("usual", "mentions", "expected"),
    [
        (1.0, 12, "12× usual"),
        (1.0, 3, "3× usual"),
        (2.0, 3, None),
        (None, 12, None),
        (0.0, 3, "usually quiet"),
        (0.0, 2, None),  # too few to call a spike
    ],
)
def test_spike_label(usual: float | None, mentions: int, expected: str | None) -> None:
    assert EntitySection("Xiaomi", (), 0, mentions=mentions, usual=usual).spike == expected


def test_spike_is_shown_in_both_parts_from_the_daily_baseline() -> None:
    rows = [row("Xiaomi", title=f"Xiaomi story {n}", link=f"https://x.example/{n}") for n in range(12)]
    rows += [row("Korea", title=f"Korea story {n}", link=f"https://k.example/{n}") for n in range(3)]
    rows += [row("Mi Pay", title=f"Mi Pay story {n}", link=f"https://m.example/{n}") for n in range(3)]
    model = digest(rows, daily_baseline={"Xiaomi": 1.0, "Korea": 2.0})
    assert section(model, "Xiaomi").spike == "12× usual"
    assert section(model, "Korea").spike is None
    assert section(model, "Mi Pay").spike == "usually quiet"  # not in the baseline: no mention in 14 days
    html, text = html_and_text(model)
    assert re.search(r'<span class="spike"[^>]*>12× usual</span>', html)
    assert "== Xiaomi (12 mentions, 12× usual) ==" in text
    assert "(12× usual)" in model.summary

    without_history = digest(rows, daily_baseline=None)
    assert all(s.spike is None for s in without_history.sections)
    assert 'class="spike"' not in html_and_text(without_history)[0]


# --- subject -------------------------------------------------------------------------------------


def test_subject_gives_counts_and_the_top_entities() -> None:
    rows = [row("Xiaomi", title=f"X {n}", link=f"https://x.example/{n}") for n in range(3)]
    rows += [row("Korea", title=f"K {n}", link=f"https://k.example/{n}") for n in range(5)]
    rows += [row("Mi Pay", title="M", link="https://m.example/1")]
    assert make_subject("watcher", digest(rows)) == "watcher: 9 new mentions — Korea 5, Xiaomi 3, Mi Pay 1"
    assert make_subject("watcher", digest(rows[-1:])) == "watcher: 1 new mention — Mi Pay 1"


def test_line_breaks_in_an_entity_name_never_reach_the_header() -> None:
    evil = "Korea\r\nBcc: victim@example.com\u2028X-Injected: 1\u2029\x85\x0bend"
    model = digest([row(evil, title="Anything", snippet="nothing highlighted", highlights=())])
    subject = make_subject("watch\ner\r", model)
    assert not re.search(r"[\r\n\u2028\u2029\x85\x0b\x0c]", subject)

    message = compose_message(
        render_digest(model, "watcher"),
        sender="watcher@example.com",
        recipients=["analyst@example.com"],
        message_id="<1@example.com>",
        date=NOW,
    )
    parsed = email.message_from_bytes(message.as_bytes(policy=email.policy.SMTP), policy=email.policy.default)
    assert parsed["Bcc"] is None and parsed["X-Injected"] is None
    assert parsed["To"] == "analyst@example.com"
    assert "Bcc: victim@example.com" in parsed["Subject"]  # harmless text on the one subject line


def test_subject_is_capped() -> None:
    rows = [row("Entity with a very long name number " + "x" * 40 + str(n), title=f"T{n}") for n in range(6)]
    subject = make_subject("watcher", digest(rows))
    assert len(subject) == SUBJECT_MAX and subject.endswith("…")
    assert len(make_subject("p" * 300, digest(rows[:1]))) == SUBJECT_MAX
    assert len(render_nothing_new("p" * 300, NOW, "UTC").subject) <= SUBJECT_MAX


# --- HTML safety ---------------------------------------------------------------------------------


def test_feed_text_is_escaped_in_the_html_part() -> None:
    model = digest(
        [
            row(title="<script>alert(1)</script>", link="https://x.example/1", source="<b>Evil feed</b>"),
            row(
                title='"><img src=x onerror=alert(2)>',
                link='https://x.example/2"onmouseover="alert(3)',
                snippet="Xiaomi <iframe src=//evil.example></iframe> & more",
            ),
        ],
        failing_feeds=[
            FeedStatus(
                url="https://broken.example/feed",
                name="<svg onload=alert(4)>",
                active=True,
                items=0,
                last_success_at=None,
                last_error_at=NOW,
                last_error="<script>alert(5)</script>",
                consecutive_failures=3,
                next_poll_at=NOW,
            )
        ],
    )
    html, text = html_and_text(model)
    for raw in ("<script>alert", "<img", "<iframe", "<svg", "<b>Evil", 'x.example/2"', " onmouseover="):
        assert raw not in html, raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "&lt;iframe" in html and "&amp; more" in html
    assert "&lt;svg onload=alert(4)&gt;" in html and "&lt;script&gt;alert(5)" in html
    # The plain-text part is text: shown as written.
    assert "<script>alert(1)</script>" in text and "&lt;" not in text


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "data:text/html,<b>x</b>"]
)
def test_a_link_that_is_not_http_is_not_made_a_link(link: str) -> None:
    model = digest([row(title="Click me", link=link)])
    assert section(model, "Xiaomi").entries[0].link is None
    html, text = html_and_text(model)
    assert "href" not in html.split("<body", 1)[1]
    assert "Click me" in html and "javascript" not in html.lower() and "data:text" not in html
    assert link.strip() not in text


# --- content of the two parts --------------------------------------------------------------------


def test_plain_text_part_carries_the_same_stories_and_links_as_the_html_part() -> None:
    rows = [
        row("Xiaomi", title="Xiaomi beats forecasts", link="https://wire.example/xiaomi-q3", field="title"),
        row("Korea", title="Samsung tightens grip on South Korea", link="https://wire.example/korea"),
        row("Korea", title="삼성, 한국 시장 점유율 확대", link="https://ko.example/1", language="ko"),
        row("Mi Pay", title="Mi Pay arriva in Corea", link="https://it.example/mipay", language="it"),
    ]
    html, text = html_and_text(digest(rows))
    for r in rows:
        assert r.title in html and r.title in text
        assert f'href="{r.link}"' in html
        assert r.link in text
    for heading in ("== Xiaomi (1 mention) ==", "== Korea (2 mentions) ==", "== Mi Pay (1 mention) =="):
        assert heading in text


def test_highlights_are_marked() -> None:
    snippet = "Secondo fonti, Xiaomi porterà Mi Pay in Corea del Sud <entro> marzo."
    start = snippet.index("Mi Pay")
    model = digest([row("Mi Pay", title="Mi Pay", snippet=snippet, highlights=((start, start + 6),))])
    html, text = html_and_text(model)
    assert re.search(r'<mark class="hit"[^>]*>Mi Pay</mark> in Corea del Sud &lt;entro&gt; marzo', html)
    assert html.count("<mark") == 1
    assert "»Mi Pay« in Corea" in text


def test_times_are_shown_in_the_digest_timezone() -> None:
    published = datetime(2026, 11, 22, 20, 30, tzinfo=UTC)
    rows = [row(title="Late-night story", published=published)]
    seoul_html, seoul_text = html_and_text(digest(rows, timezone="Asia/Seoul"))
    utc_html, utc_text = html_and_text(digest(rows, timezone="UTC"))
    assert "Mon 23 Nov 05:30" in seoul_html and "Mon 23 Nov 05:30" in seoul_text
    assert "Sun 22 Nov 20:30" in utc_html and "Sun 22 Nov 20:30" in utc_text
    assert "2026-11-24 17:00 Asia/Seoul" in seoul_html and "2026-11-24 17:00 Asia/Seoul" in seoul_text
    assert "2026-11-24 08:00 UTC" in utc_html
    assert "Sun 22 Nov" not in seoul_html and "Mon 23 Nov" not in utc_html


def test_css_is_inlined_and_the_dark_mode_query_stays_in_the_style_block() -> None:
    model = digest([row(title="Styled", link="https://x.example/s", snippet="Xiaomi here")])
    html, _ = html_and_text(model)
    body = html.split("<body", 1)[1]
    for cls in ("page", "entry", "title", "title-link", "meta", "snippet", "hit"):
        tag = re.search(rf'<[a-z0-9]+ [^>]*class="{cls}"[^>]*>', body)
        assert tag and "style=" in tag.group(0), cls
    assert re.search(r'class="page"[^>]*style="[^"]*width: 600px', body)
    style = re.search(r"<style>(.*?)</style>", html, flags=re.DOTALL)
    assert style and "@media (prefers-color-scheme: dark)" in style.group(1)
    assert "prefers-color-scheme" not in body
    assert "<link" not in html and "@import" not in html  # nothing loaded from the network


def test_backfilled_item_is_badged_in_both_parts() -> None:
    html, text = html_and_text(digest([row(title="Old news", backfilled=True)]))
    assert "already out" in html and "Old news [already out]" in text


def test_nothing_new_mail() -> None:
    rendered = render_nothing_new("watcher", NOW, "Asia/Seoul")
    assert rendered.subject == "watcher: nothing new today"
    assert "nothing new" in rendered.subject.lower()
    assert "Nothing new since the last digest." in rendered.html
    assert "Nothing new since the last digest." in rendered.text
    assert "2026-11-24 17:00 Asia/Seoul" in rendered.text
    assert "<mark" not in rendered.html and "Together" not in rendered.html


# --- the whole mail's budget ---------------------------------------------------------------------


def _round_robin(budget: int, wants: list[int]) -> list[int]:
    given = [0] * len(wants)
    while budget and any(g < w for g, w in zip(given, wants, strict=True)):
        for i, want in enumerate(wants):
            if budget and given[i] < want:
                given[i] += 1
                budget -= 1
    return given


@pytest.mark.parametrize("budget", [0, 1, 3, 7, 10, 40, 200])
@pytest.mark.parametrize("wants", [[], [5], [50, 2, 0, 9], [1, 1, 1, 1, 1], [30, 30, 30]])
def test_the_budget_is_shared_turn_by_turn(budget: int, wants: list[int]) -> None:
    from watcher.digest import share_fairly

    given = share_fairly(budget, wants)
    assert given == _round_robin(budget, wants)
    assert sum(given) == min(budget, sum(wants)) and all(0 <= g <= w for g, w in zip(given, wants, strict=True))


def test_a_busy_day_lists_at_most_max_items_and_every_entity_gets_its_share() -> None:
    rows = []
    for n in range(200):
        rows.append(row("Xiaomi", title=f"Xiaomi story {n} about phones", link=f"https://x.example/x{n}"))
    for n in range(3):
        rows.append(row("Korea", title=f"Korea story {n} about trade", link=f"https://x.example/k{n}"))
    for n in range(20):  # stories naming both
        for entity in ("Xiaomi", "Korea"):
            rows.append(row(entity, item_id=700 + n, title=f"Joint story {n} on deals", link=f"https://x.example/j{n}"))
    model = digest(rows, max_per_entity=50, max_items=40, entity_order=["Xiaomi", "Korea"])
    listed = len(model.co_mentions) + sum(len(s.entries) for s in model.sections)
    assert listed == 40
    assert len(model.co_mentions) == 10 and model.co_mentions_more == 10  # a quarter of the budget
    korea, xiaomi = section(model, "Korea"), section(model, "Xiaomi")
    assert len(korea.entries) == 15 and korea.more == 8  # its 23 stories: it gets half of the 30 left
    assert len(xiaomi.entries) == 15 and xiaomi.more == 205
    assert xiaomi.count == 220  # every mention still counted in the heading and the subject
    html, text = html_and_text(model)
    assert "… and 205 more" in html and "… and 8 more" in text
    assert len(html.encode()) < 102_000  # Gmail clips longer messages


def test_when_stories_are_left_out_every_one_is_in_an_attached_csv() -> None:
    import csv
    import io

    rows = [row("Xiaomi", title=f"Story {n}", link=f"https://x.example/{n}") for n in range(12)]
    rows.append(row("Korea", title='=HYPERLINK("http://evil.example")', link="https://k.example/1"))
    model = digest(rows, max_items=5, entity_order=["Xiaomi", "Korea"])
    assert model.unlisted == 8
    rendered = render_digest(model, "watcher")
    message = compose_message(
        rendered, sender="w@localhost", recipients=["a@example.com"], message_id="<x@y>", date=NOW
    )
    attachments = list(message.iter_attachments())
    assert [part.get_filename() for part in attachments] == ["digest-all-stories.csv"]
    table = list(csv.reader(io.StringIO(attachments[0].get_content())))
    assert table[0][:4] == ["entity", "published", "title", "link"]
    assert len(table) == 1 + 13  # every story, listed or not
    assert {f"https://x.example/{n}" for n in range(12)} <= {line[3] for line in table}
    assert [table[-1][0], table[-1][2]] == ["Korea", '\'=HYPERLINK("http://evil.example")']  # never a formula
    assert message.get_body(("plain",)).get_content().count("Story ") == 4  # the mail lists the budget
    assert "every story of this digest is in the attached digest-all-stories.csv" in rendered.text
    assert "every story of this digest is in the attached digest-all-stories.csv" in rendered.html


def test_a_digest_that_lists_everything_has_no_attachment() -> None:
    model = digest([row("Xiaomi", title=f"Story {n}", link=f"https://x.example/{n}") for n in range(3)])
    rendered = render_digest(model, "watcher")
    assert rendered.listing_csv is None and model.unlisted == 0
    message = compose_message(rendered, sender="w@localhost", recipients=[], message_id="<x@y>", date=NOW)
    assert list(message.iter_attachments()) == [] and message.get_content_type() == "multipart/alternative"
    assert "attached" not in rendered.text
