"""The digest model and its rendering on hand-built match rows and stored stories: no database, no servers.

Most tests use tests/digest_sample.py: the shipped seeds' stories as the analyser stores them (the Italian,
Korean and Russian reports of Xiaomi entering South Korea are one story) plus a few more.
"""

from __future__ import annotations

import csv
import email
import email.policy
import io
import itertools
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.digest_sample import (
    BAND_TITLE,
    DE_TITLE,
    EARNINGS_TITLE,
    EN_SUIT_TITLE,
    ENTITIES,
    EXPORTS_TITLE,
    FAILING,
    GRIP_TITLE,
    IT_TITLE,
    KO_EVIDENCE,
    KO_TITLE,
    PYEONGTAEK_TITLE,
    RU_TITLE,
    SAMPLE_NOW,
    SAMPLE_ZONE,
    sample,
    sample_volumes,
)
from watcher.digest import (
    SUBJECT_MAX,
    DigestModel,
    DigestStory,
    EntityLine,
    build_digest,
    compose_message,
    make_subject,
    render_digest,
    render_nothing_new,
    share_fairly,
)
from watcher.digest.render import HTML_BUDGET
from watcher.store import FeedStatus, MatchRow
from watcher.store.stories import StoredStories, StoryEvent, StoryReport

# A fixed date is safe here: build_digest and the renderers take `now` as an argument (the clock is
# injected) and read no clock of their own; the --clock-shift runs check that this stays so.
NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
pytestmark = pytest.mark.clock
_ids = itertools.count(1)


def sample_digest(**kwargs: Any) -> DigestModel:
    found = sample()
    return build_digest(
        found.rows,
        timezone=SAMPLE_ZONE,
        now=kwargs.pop("now", SAMPLE_NOW),
        stories=found.stored(),
        entity_order=ENTITIES,
        volumes=kwargs.pop("volumes", sample_volumes()),
        failing_feeds=[FAILING],
        **kwargs,
    )


def row(
    entity: str = "Xiaomi",
    *,
    title: str,
    item_id: int | None = None,
    link: str | None = None,
    source: str = "Feed A",
    published: datetime | None = None,
    field: str = "summary",
    body: str = "",
    **extra: Any,
) -> MatchRow:
    """One match row as the store hands it to the digest; a fresh item unless item_id is given."""
    match_id = next(_ids)
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
        snippet=title,
        highlights=(),
        backfilled=extra.pop("backfilled", False),
        hits=((field, 0, len(entity), entity),),
        body=body or f"{entity} did something today. More follows.",
        **extra,
    )


def digest(rows: list[MatchRow], **kwargs: Any) -> DigestModel:
    return build_digest(rows, timezone=kwargs.pop("timezone", "UTC"), now=kwargs.pop("now", NOW), **kwargs)


def story_with(model: DigestModel, title: str) -> DigestStory:
    return next(story for story in model.complete_listing or model.listed if story.lead.title == title)


def html_and_text(model: DigestModel, prefix: str = "watcher") -> tuple[str, str]:
    rendered = render_digest(model, prefix)
    return rendered.html, rendered.text


# --- one entry per story -------------------------------------------------------------------------


def test_the_founding_storys_three_languages_are_one_story_shown_once() -> None:
    model = sample_digest()
    founding = [story for story in model.listed if {r.title for r in story.reports} >= {KO_TITLE, IT_TITLE, RU_TITLE}]
    assert len(founding) == 1
    story = founding[0]
    assert story.gist == "Xiaomi · market entry · South Korea · partnership · patent"
    assert story.entities == ("Xiaomi", "Korea", "Mi Pay") and story.subjects == ("Xiaomi",)
    assert story.lead.title == KO_TITLE  # no English report: the first one is shown
    assert story.quote is not None and story.quote.text == KO_EVIDENCE  # the evidence, not the headline again
    assert [story.quote.text[a:b] for a, b in story.quote.highlights] == ["샤오미"]
    assert story.coverage == "3 outlets, 3 languages, first: 테크경제신문 (KO), 7 h before the next report"
    assert story.age == "30 h ago"

    html, text = html_and_text(model)
    gist = "Xiaomi · market entry · South Korea · partnership · patent"
    assert re.findall(r'class="gist"[^>]*>([^<]*)<', html).count(gist) == 1 and text.count(gist) == 1
    for part in (html, text):
        assert part.count(KO_TITLE) == 1 and IT_TITLE not in part and RU_TITLE not in part
        assert "3 languages" in part
        assert part.count("https://tecnonotizie.example.it/2026/11/xiaomi-corea-del-sud-mi-pay/") == 1  # also in
    assert "»샤오미«는 국내 유통업체" in text
    assert re.search(r"<mark[^>]*>샤오미</mark>는 국내 유통업체", html)


def test_every_report_is_in_the_digest_once() -> None:
    found = sample()
    html, text = html_and_text(sample_digest())
    for link in {r.link for r in found.rows}:
        assert link and html.count(f'href="{link}"') == 1 and text.count(link) == 1, link


def test_an_english_report_stands_for_its_story_and_the_first_report_is_named() -> None:
    story = story_with(sample_digest(), EN_SUIT_TITLE)
    assert [report.title for report in story.reports] == [EN_SUIT_TITLE, DE_TITLE]
    assert story.gist == "Xiaomi · legal action with Samsung"
    assert story.coverage == "2 outlets, 2 languages, first: Heise (de), 9 h before the first English report"
    assert story.age == "14 h ago"  # of the first report


def test_an_item_the_analyser_did_not_place_is_a_story_of_its_own() -> None:
    model = sample_digest()
    story = story_with(model, PYEONGTAEK_TITLE)
    assert story in model.also and story.key.startswith("item:") and story.gist is None
    assert story.entities == ("Korea", "Samsung")


def test_unplaced_reports_with_the_same_link_are_one_story() -> None:
    model = digest(
        [
            row(title="Xiaomi enters Korea", link="https://www.news.example/x?utm_source=rss", source="Wire"),
            row(title="Xiaomi: arrivo in Corea", link="http://news.example/x/", source="TecnoNotizie"),
            row(title="Unrelated", link="https://news.example/other", source="Wire"),
        ]
    )
    assert model.story_count == 2 and model.report_count == 3
    assert sorted(len(story.reports) for story in model.listed) == [1, 2]


def test_a_story_naming_several_entities_counts_once_for_each() -> None:
    model = sample_digest()
    assert [(line.entity, line.stories) for line in model.entities] == [
        ("Xiaomi", 4),
        ("Korea", 4),
        ("Samsung", 3),
        ("Mi Pay", 1),
    ]
    assert model.story_count == 7 and model.report_count == 10
    assert model.summary == "7 stories from 10 reports in 5 languages; 4 with business events"


# --- order ---------------------------------------------------------------------------------------


def test_stories_with_events_come_first_weightiest_first_then_also_mentioned() -> None:
    model = sample_digest()
    assert [story.lead.title for story in model.events] == [KO_TITLE, EN_SUIT_TITLE, EARNINGS_TITLE, BAND_TITLE]
    assert {story.lead.title for story in model.also} == {GRIP_TITLE, PYEONGTAEK_TITLE, EXPORTS_TITLE}
    assert all(story.gist is None for story in model.also)
    html, text = html_and_text(model)
    for part in (html, text):
        assert part.index("Business events") < part.index(KO_TITLE) < part.index(EARNINGS_TITLE)
        assert part.index(EARNINGS_TITLE) < part.index("Also mentioned") < part.index(GRIP_TITLE)


def test_an_event_outranks_coverage_and_a_headline_mention_outranks_a_body_one() -> None:
    def story(item: int, title: str, kind: str, field: str, outlets: int) -> tuple[list[MatchRow], int]:
        rows = [
            row(
                title=title,
                item_id=item * 10 + n,
                link=f"https://x.example/{item}/{n}",
                source=f"Outlet {n}",
                field=field,
            )
            for n in range(outlets)
        ]
        return rows, item

    rows: list[MatchRow] = []
    story_of, reports, events = {}, {}, {}
    for item, title, kind, field, outlets in [
        (1, "Xiaomi files a patent", "patent", "title", 1),
        (2, "Xiaomi enters India", "market_entry", "title", 1),
        (3, "Phones of the week", "market_entry", "summary", 1),
        (4, "Xiaomi signs with a carrier", "partnership", "title", 5),
    ]:
        made, story_id = story(item, title, kind, field, outlets)
        rows += made
        for r in made:
            story_of[r.item_id] = story_id
        reports[story_id] = tuple(StoryReport(r.item_id, r.source, "en", r.published_at or NOW) for r in made)
        events[story_id] = (
            StoryEvent(made[0].item_id, "Xiaomi", kind, "IN" if kind == "market_entry" else None, title),
        )
    model = digest(rows, stories=StoredStories(story_of, reports, events))
    assert [story.lead.title for story in model.events] == [
        "Xiaomi signs with a carrier",  # weight 2, but five outlets
        "Xiaomi enters India",  # 3, in the headline
        "Phones of the week",  # 3, in the body only
        "Xiaomi files a patent",  # 1
    ]


def test_a_spiking_entity_lifts_its_stories() -> None:
    rows = [
        row("Xiaomi", title="Xiaomi news", link="https://x.example/1", published=NOW - timedelta(hours=1)),
        row("Korea", title="Korea news", link="https://x.example/2", published=NOW - timedelta(hours=5)),
    ]
    calm = digest(rows, volumes={"Xiaomi": [1] * 30, "Korea": [1] * 30})
    assert [story.lead.title for story in calm.also] == ["Xiaomi news", "Korea news"]  # the newer first
    spiking = digest(rows, volumes={"Xiaomi": [1] * 30, "Korea": [1] * 29 + [6]})
    assert [story.lead.title for story in spiking.also] == ["Korea news", "Xiaomi news"]


def test_entity_order_is_the_same_in_the_subject_the_chips_and_the_trend() -> None:
    model = sample_digest()
    rendered = render_digest(model, "watcher")
    assert rendered.subject == "watcher: 7 new stories — Xiaomi 4, Korea 4, Samsung 3, Mi Pay 1"
    order = [line.entity for line in model.entities]
    for story in model.listed:
        assert list(story.entities) == [name for name in order if name in story.entities]
    trend = rendered.html[rendered.html.index("30-day trend") :]
    assert re.findall(r'class="name"[^>]*>([^<]+)<', trend) == order
    text_trend = rendered.text[rendered.text.index("== 30-day trend") :]
    assert re.findall(r"^(\w[\w ]*): \d+ stor", text_trend, flags=re.MULTILINE) == order
    chips = re.findall(r'class="(?:chip|subject)"[^>]*>([^<]+)<', rendered.html)
    assert chips[:3] == ["Xiaomi", "Korea", "Mi Pay"]


# --- caps and the CSV ----------------------------------------------------------------------------


def many_stories(count: int, entity: str = "Xiaomi", *, language: str = "en", title: str = "") -> list[MatchRow]:
    return [
        row(
            entity, title=f"{title or entity + ' story'} {n}", link=f"https://x.example/{entity}/{n}", language=language
        )
        for n in range(count)
    ]


def test_caps_share_the_mail_among_entities_and_count_the_rest() -> None:
    rows = many_stories(200, "Xiaomi") + many_stories(3, "Korea")
    model = digest(rows, max_per_entity=50, max_items=40, entity_order=["Xiaomi", "Korea"])
    assert len(model.listed) == 40 and model.unlisted == 163
    lines = {line.entity: line for line in model.entities}
    assert lines["Korea"].unlisted == 0 and lines["Xiaomi"].unlisted == 163
    assert lines["Xiaomi"].stories == 200  # every story still counted
    html, text = html_and_text(model)
    note = "163 more stories not listed here (Xiaomi 163): every story of this digest is in the attached"
    assert note in html and note in text
    assert "Xiaomi 200" in make_subject("watcher", model)

    per_entity = digest(rows, max_per_entity=5, max_items=60)
    assert sorted(len([s for s in per_entity.listed if s.entity == name]) for name in ("Xiaomi", "Korea")) == [3, 5]


def test_when_stories_are_left_out_every_report_is_in_an_attached_csv() -> None:
    rows = many_stories(12)
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
    assert table[0][:4] == ["story", "entities", "events", "first report"]
    assert len(table) == 1 + 13  # every report of every story, listed or not
    assert {f"https://x.example/Xiaomi/{n}" for n in range(12)} <= {line[6] for line in table}
    evil = next(line for line in table if "HYPERLINK" in line[5])
    assert evil[5] == '\'=HYPERLINK("http://evil.example")'  # never a formula
    assert message.get_body(("plain",)).get_content().count("Xiaomi story ") == 4  # the mail lists the budget


def test_the_csv_has_one_row_per_report() -> None:
    model = sample_digest(max_items=2)
    rendered = render_digest(model, "watcher")
    assert rendered.listing_csv is not None
    table = list(csv.reader(io.StringIO(rendered.listing_csv)))[1:]
    assert len(table) == model.report_count == 10
    founding = [line for line in table if line[2].startswith("Xiaomi · market entry")]
    assert {line[5] for line in founding} == {KO_TITLE, IT_TITLE, RU_TITLE} and {line[0] for line in founding} == {"1"}


def test_a_digest_that_lists_everything_has_no_attachment() -> None:
    model = digest(many_stories(3))
    rendered = render_digest(model, "watcher")
    assert rendered.listing_csv is None and model.unlisted == 0
    message = compose_message(rendered, sender="w@localhost", recipients=[], message_id="<x@y>", date=NOW)
    assert list(message.iter_attachments()) == [] and message.get_content_type() == "multipart/alternative"
    assert "attached" not in rendered.text


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
    given = share_fairly(budget, wants)
    assert given == _round_robin(budget, wants)
    assert sum(given) == min(budget, sum(wants)) and all(0 <= g <= w for g, w in zip(given, wants, strict=True))


def big_day() -> list[MatchRow]:
    """70 stories of three reports each, in scripts that cost UTF-8 bytes, with long links and quotes."""
    rows = []
    titles = [
        ("ko", "샤오미, 한국 시장 진출 본격화… 유통업체 두 곳과 계약하고 모바일 결제 서비스 상표 출원"),
        ("ru", "Сяоми готовится выйти на рынок Южной Кореи вместе с двумя местными дистрибьюторами"),
        ("zh", "小米集团宣布小米支付将于明年登陆韩国市场，并与两家本地经销商签署协议"),
    ]
    for n in range(70):
        entity = f"Company {chr(65 + n % 10)}"
        for k, (language, title) in enumerate(titles):
            body = f"{entity} " + "ha firmato un accordo di distribuzione con due aziende locali nel paese. " * 3
            rows.append(
                row(
                    entity,
                    title=f"{title} {entity} {n}",
                    item_id=n * 10 + k,
                    link=f"https://news{k}.example.com/2026/11/{n}/a-rather-long-slug-for-story-{n}-{k}",
                    source=f"Outlet number {k}",
                    language=language,
                    body=body,
                    published=NOW - timedelta(hours=n + k),
                )
            )
    return rows


def big_day_stories(rows: list[MatchRow]) -> StoredStories:
    story_of = {r.item_id: r.item_id // 10 for r in rows}
    reports: dict[int, list[StoryReport]] = {}
    events: dict[int, list[StoryEvent]] = {}
    for r in rows:
        story = r.item_id // 10
        reports.setdefault(story, []).append(StoryReport(r.item_id, r.source, r.language, r.published_at or NOW))
        events.setdefault(story, []).append(StoryEvent(r.item_id, r.entity, "market_entry", "KR", r.body[:200]))
    return StoredStories(story_of, {k: tuple(v) for k, v in reports.items()}, {k: tuple(v) for k, v in events.items()})


def test_a_big_day_stays_under_gmails_clipping_size_and_both_parts_list_the_same_stories() -> None:
    rows = big_day()
    volumes = {f"Company {chr(65 + n)}": [n % 4 + 1] * 30 for n in range(10)}
    model = digest(rows, stories=big_day_stories(rows), volumes=volumes, max_items=60, timezone="Asia/Seoul")
    assert model.story_count == 70 and len(model.listed) == 60
    rendered = render_digest(model, "watcher")
    assert len(rendered.html.encode()) <= HTML_BUDGET < 102_000  # Gmail clips longer messages
    shown = re.findall(r"Company [A-J] (\d+)</a>", rendered.html)
    assert 30 < len(shown) <= 60
    text_shown = re.findall(r"^  \S.* Company [A-J] (\d+)$", rendered.text, flags=re.MULTILINE)
    assert text_shown == shown  # the same stories, in the same order
    left_out = 70 - len(shown)
    assert f"{left_out} more stories not listed here" in rendered.html
    assert f"{left_out} more stories not listed here" in rendered.text
    table = list(csv.reader(io.StringIO(rendered.listing_csv or "")))
    assert len(table) == 1 + 210  # every report of every story


# --- the subject ---------------------------------------------------------------------------------


def test_subject_counts_stories_and_names_the_top_entities() -> None:
    rows = many_stories(3, "Xiaomi") + many_stories(5, "Korea") + many_stories(1, "Mi Pay")
    assert make_subject("watcher", digest(rows)) == "watcher: 9 new stories — Korea 5, Xiaomi 3, Mi Pay 1"
    assert make_subject("watcher", digest(rows[-1:])) == "watcher: 1 new story — Mi Pay 1"


def test_line_breaks_in_an_entity_name_never_reach_the_header() -> None:
    evil = "Korea\r\nBcc: victim@example.com\u2028X-Injected: 1\u2029\x85\x0bend"
    model = digest([row(evil, title="Anything")])
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


# --- the two parts -------------------------------------------------------------------------------


def test_the_plain_text_part_says_what_the_html_part_says_in_the_same_order() -> None:
    model = sample_digest()
    html, text = html_and_text(model)
    unescaped = html.replace("&#39;", "'").replace("&amp;", "&").replace("&nbsp;", " ")
    last_html = last_text = 0
    for story in model.listed:
        facts = [story.lead.title, story.age, *([story.lead.link] if story.lead.link else [])]
        facts += [story.gist] if story.gist else []
        facts += [story.coverage] if story.gist else []
        for fact in facts:
            assert fact in text and fact in unescaped, fact
        assert text.index(story.lead.title) > last_text and unescaped.index(story.lead.title) > last_html
        last_text, last_html = text.index(story.lead.title), unescaped.index(story.lead.title)
        if story.quote and (story.gist or not story.headline_names_entity):
            plain = "".join(f"»{piece}«" if hit else piece for piece, hit in story.quote.segments())
            assert plain[:60] in text.replace("\n   ", " ")
            assert story.quote.text[:40] in re.sub(r"</?mark[^>]*>", "", unescaped)
    for line in model.entities:
        assert line.trend_text in text and line.trend_text in unescaped
    assert "Gone Daily" in text and "Gone Daily" in html


def opening_tag(html: str, text: str) -> str:
    """The tag whose content starts with `text`."""
    found = re.search(rf"(<[a-z]+ [^>]*>){re.escape(text)}", html)
    assert found, text
    return found.group(1)


def test_every_storys_text_carries_its_language_and_korean_keeps_words_whole() -> None:
    html, _ = html_and_text(sample_digest())
    for start, language in [
        ("샤오미, 한국", "ko"),
        ("업계에 따르면", "ko"),
        ("Samsung sues", "en"),
        ("삼성전자, 평택", "ko"),
    ]:
        tag = opening_tag(html, start)
        assert f'lang="{language}"' in tag, tag
        assert ("keep-all" in tag) is (language == "ko"), tag
    assert 'lang="en"' in opening_tag(html, "<mark")  # the quote of the English report
    chinese = digest([row(title="小米集团宣布小米支付登陆韩国", language="zh", link="https://z.example/1")])
    tag = opening_tag(html_and_text(chinese)[0], "小米集团")
    assert 'lang="zh"' in tag and "keep-all" not in tag  # Chinese has no spaces: lines break between characters
    assert '<html lang="en">' in html  # gist, counts and ages are English


def test_feed_text_is_escaped_in_the_html_part() -> None:
    model = digest(
        [
            row(title="<script>alert(1)</script>", link="https://x.example/1", source="<b>Evil feed</b>"),
            row(
                title='"><img src=x onerror=alert(2)>',
                link='https://x.example/2"onmouseover="alert(3)',
                body="Xiaomi <iframe src=//evil.example></iframe> & more.",
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
    assert "<script>alert(1)</script>" in text and "&lt;" not in text  # the plain-text part is text


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "data:text/html,<b>x</b>"]
)
def test_a_link_that_is_not_http_is_not_made_a_link(link: str) -> None:
    model = digest([row(title="Click me", link=link)])
    assert model.listed[0].lead.link is None
    html, text = html_and_text(model)
    assert "href" not in html.split("<body", 1)[1]
    assert "Click me" in html and "javascript" not in html.lower() and "data:text" not in html
    assert link.strip() not in text


def test_an_also_mentioned_story_quotes_its_body_only_when_the_headline_does_not_say_why_it_is_here() -> None:
    body = "삼성전자가 투자한다. 회사 측은 한국 내 공급망을 강화한다고 설명했다."
    quiet_headline = row("Korea", title=PYEONGTAEK_TITLE, link="https://k.example/1", language="ko", body=body)
    quiet_headline = replace(quiet_headline, hits=(("summary", 23, 25, "한국"),))
    loud_headline = row(
        "Korea", title="Samsung tightens grip on South Korea", field="title", link="https://k.example/2"
    )
    model = digest([quiet_headline, loud_headline])
    html, text = html_and_text(model)
    assert "“회사 측은 »한국« 내 공급망을 강화한다고 설명했다.”" in text
    assert 'lang="ko"' in opening_tag(html, "회사 측은 <mark")
    assert "Korea did something today" not in text and "Korea did something today" not in html


def test_badges_for_a_backfilled_story_and_a_follow_up() -> None:
    model = sample_digest()
    html, text = html_and_text(model)
    assert re.search(r'class="badge"[^>]*>already out</span>', html) and "(already out) " + EXPORTS_TITLE in text
    rows = [row(title="Xiaomi: a late report", item_id=2, link="https://x.example/late")]
    stored = StoredStories(
        {2: 9},
        {9: (StoryReport(1, "Earlier Wire", "en", NOW - timedelta(days=2)), StoryReport(2, "Feed A", "en", NOW))},
        {9: (StoryEvent(1, "Xiaomi", "funding", None, "Xiaomi raised money."),)},
    )
    late = digest(rows, stories=stored)
    story = late.events[0]
    assert story.follow_up and story.age == "2 d ago" and story.coverage.startswith("2 outlets, 1 language, first:")
    html, text = html_and_text(late)
    assert ">follow-up</span>" in html and "(follow-up)" in text


# --- the 30-day trend ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "spike", "words"),
    [
        ([1] * 29 + [12], "12× usual", "12 reports in the last 24 h, usual 1.0 a day"),
        ([1] * 29 + [3], "3× usual", "3 reports in the last 24 h, usual 1.0 a day"),
        ([2] * 29 + [3], None, "3 reports in the last 24 h, usual 2.0 a day"),
        ([0] * 29 + [3], "usually quiet", "3 reports in the last 24 h, usually none"),
        ([0] * 29 + [2], None, "2 reports in the last 24 h, usually none"),  # too few to call a spike
        ([None] * 20 + [1] * 10, None, "1 report in the last 24 h, history of 10 days"),
        ([None] * 29 + [5], None, "5 reports in the last 24 h, no history before today"),
        ([], None, ""),
    ],
)
def test_spike_and_trend_words(days: list[int | None], spike: str | None, words: str) -> None:
    line = EntityLine("Xiaomi", 1, 1, tuple(days))
    assert line.spike == spike and line.trend_text == words


def test_trend_bars_and_their_text_alternative() -> None:
    line = EntityLine("Xiaomi", 1, 1, (None, None, 0, 1, 2, 4))
    assert line.bars == (None, None, 0, 6, 12, 24)
    assert line.sparkline == "  ·▃▅█"
    html, text = html_and_text(sample_digest())
    trend = html[html.index("30-day trend") :]
    assert trend.count('aria-hidden="true"') == 4  # the bars, one table per entity, hidden from screen readers
    assert "9 reports in the last 24 h, usual 1.4 a day" in trend and re.search(r'class="spike"[^>]*>7× usual<', trend)
    assert "border-bottom:24px solid" in trend  # Xiaomi's spike is its tallest bar
    assert "<img" not in html and "<script" not in html and "url(" not in html  # no image, no script
    assert "Xiaomi: 4 stories · 9 reports in the last 24 h, usual 1.4 a day (7× usual)" in text


def test_no_volumes_no_trend() -> None:
    html, text = html_and_text(digest(many_stories(2)))
    assert "30-day trend" not in html and "30-day trend" not in text and 'class="spike"' not in html


# --- the page ------------------------------------------------------------------------------------


def test_css_is_inlined_and_the_dark_mode_query_stays_in_the_style_block() -> None:
    html, _ = html_and_text(sample_digest())
    body = html.split("<body", 1)[1]
    for cls in ("page", "story", "chip", "subject", "gist", "headline", "quote", "meta", "link"):
        tag = re.search(rf'<[a-z0-9]+ [^>]*class="{cls}"[^>]*>', body)
        assert tag and "style=" in tag.group(0), cls
    assert re.search(r"<mark style=", body)
    assert re.search(r'class="page"[^>]*style="[^"]*max-width: 600px', body)
    style = re.search(r"<style>(.*?)</style>", html, flags=re.DOTALL)
    assert style and "@media (prefers-color-scheme: dark)" in style.group(1)
    assert "prefers-color-scheme" not in body
    assert "<link" not in html and "@import" not in html  # nothing loaded from the network


def test_the_inbox_preview_is_the_first_gist() -> None:
    html, _ = html_and_text(sample_digest())
    assert re.search(
        r'<div class="preheader"[^>]*>Xiaomi · market entry · South Korea · partnership · patent — and 6 more stories<',
        html,
    )


def test_nothing_new_mail() -> None:
    rendered = render_nothing_new("watcher", NOW, "Asia/Seoul")
    assert rendered.subject == "watcher: nothing new today"
    assert "Nothing new since the last digest." in rendered.html
    assert "Nothing new since the last digest." in rendered.text
    assert "2026-11-24 17:00 Asia/Seoul" in rendered.text
    assert "<mark" not in rendered.html and "Business events" not in rendered.html


def test_the_header_time_is_in_the_digest_timezone_and_ages_are_relative_to_it() -> None:
    model = sample_digest()
    html, text = html_and_text(model)
    assert "2026-11-24 09:00 Europe/Rome" in html and "2026-11-24 09:00 Europe/Rome" in text
    next_year = sample_digest(now=SAMPLE_NOW + timedelta(days=45))  # 8 January: the stories are last year's
    assert story_with(next_year, KO_TITLE).age == "46 d ago (23 Nov 2026)"
    assert story_with(next_year, EN_SUIT_TITLE).age == "45 d ago (23 Nov 2026)"


def test_reports_past_the_also_in_links_are_in_the_attached_csv() -> None:
    rows = [row(title=f"Xiaomi report {n}", link=f"https://x.example/{n}", source=f"Outlet {n}") for n in range(6)]
    stored = StoredStories(
        {r.item_id: 1 for r in rows},
        {1: tuple(StoryReport(r.item_id, r.source, "en", r.published_at or NOW) for r in rows)},
        {},
    )
    model = digest(rows, stories=stored)
    assert model.story_count == 1 and model.unlisted == 0
    rendered = render_digest(model, "watcher")
    assert "and 2 more" in rendered.text and "and 2 more" in rendered.html  # three links shown, two counted
    assert "Every report of every story is in the attached digest-all-stories.csv." in rendered.text
    table = list(csv.reader(io.StringIO(rendered.listing_csv or "")))
    assert {line[6] for line in table[1:]} == {f"https://x.example/{n}" for n in range(6)}
