"""A digest as the analyser and the store would hand it over: the shipped seeds' stories plus a few more.

Plain values (match rows, stored stories, volumes), no database: the model tests and the browser tests
(screenshots in docs/) build and render it with build_digest, the clock injected (SAMPLE_NOW).
The Italian, Korean and Russian reports of Xiaomi entering South Korea are one story, as the analyser
groups them from seeds/; a Samsung–Xiaomi patent suit is reported in German nine hours before English.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from watcher.store import FeedStatus, MatchRow
from watcher.store.stories import StoredStories, StoryEvent, StoryReport

SAMPLE_NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # the clock is injected: build_digest(now=SAMPLE_NOW)
SAMPLE_ZONE = "Europe/Rome"
ENTITIES = ["Xiaomi", "Mi Pay", "Korea", "Samsung"]  # config order

KO_TITLE = "샤오미, 한국 시장 진출 본격화… 유통업체 두 곳과 판매 계약"
KO_BODY = (
    "중국 전자업체 샤오미가 한국 시장 공략에 본격적으로 나선다. 업계에 따르면 샤오미는 국내 유통업체 두 곳과 "
    "공식 판매 계약을 맺고 보조배터리, 무선 이어폰, 피트니스 밴드 등 주변기기 판매를 확대할 계획이다."
)
KO_EVIDENCE = (
    "업계에 따르면 샤오미는 국내 유통업체 두 곳과 공식 판매 계약을 맺고 보조배터리, 무선 이어폰, 피트니스 밴드 등 "
    "주변기기 판매를 확대할 계획이다."
)
IT_TITLE = "Xiaomi pronta a sbarcare in Corea del Sud: accordi con due distributori e un brevetto per Mi Pay"
RU_TITLE = "Сяоми готовится выйти на рынок Южной Кореи"
RU_EVIDENCE = (
    "Китайская компания Сяоми заключила соглашения с двумя местными дистрибьюторами и намерена начать "
    "официальные продажи аксессуаров и носимой электроники"
)
DE_TITLE = "Samsung verklagt Xiaomi wegen Scharnier-Patenten für Falt-Smartphones"
EN_SUIT_TITLE = "Samsung sues Xiaomi over foldable hinge patents in Germany and the US"
EN_SUIT_BODY = (
    "Samsung Electronics has filed lawsuits against Xiaomi in Munich and in Texas, alleging that the hinge of "
    "the Mix Flip 2 infringes four of its patents. Xiaomi said it would defend itself."
)
EARNINGS_TITLE = "Xiaomi beats third-quarter forecasts on smartphone and EV momentum"
EARNINGS_BODY = (
    "Xiaomi reported third-quarter revenue of 118 billion yuan, up 21% from a year earlier and ahead of analyst "
    "estimates, helped by premium handset sales and rising deliveries of its electric vehicles."
)
BAND_TITLE = "Mi Band 10 ufficiale: schermo AMOLED più grande e fino a 21 giorni di autonomia"
BAND_BODY = "Xiaomi ha presentato la nuova Mi Band 10, l'ultima generazione del suo fitness tracker più venduto."
GRIP_TITLE = "Samsung and LG tighten grip on South Korea's smartphone market as foreign rivals stall"
PYEONGTAEK_TITLE = "삼성전자, 평택 반도체 라인에 30조 원 추가 투자"
PYEONGTAEK_BODY = (
    "삼성전자가 평택캠퍼스 신규 반도체 생산라인에 2028년까지 30조 원을 추가로 투자한다고 22일 밝혔다. "
    "회사 측은 인공지능 반도체 수요 급증에 대응하고 한국 내 공급망을 강화하기 위한 결정이라고 설명했다."
)
EXPORTS_TITLE = "Chip exports lift South Korea's trade surplus to a five-year high"


@dataclass
class Sample:
    rows: list[MatchRow] = field(default_factory=list)
    story_of: dict[int, int] = field(default_factory=dict)
    reports: dict[int, list[StoryReport]] = field(default_factory=dict)
    events: dict[int, list[StoryEvent]] = field(default_factory=dict)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def report(
        self,
        story: int | None,
        title: str,
        *,
        source: str,
        language: str,
        hours_ago: float,
        entities: dict[str, list[str]],  # entity → the texts that matched, the first in the title if `in_title`
        in_title: tuple[str, ...] = (),
        body: str = "",
        link: str | None = None,
        backfilled: bool = False,
    ) -> int:
        item = 100 + len({row.item_id for row in self.rows})
        published = SAMPLE_NOW - timedelta(hours=hours_ago)
        for entity, surfaces in entities.items():
            field_name = "title" if entity in in_title else "summary"
            self.rows.append(
                MatchRow(
                    match_id=next(self.ids),
                    entity=entity,
                    item_id=item,
                    title=title,
                    link=link or f"https://{source.split()[0].lower()}.example/{item}",
                    source=source,
                    published_at=published,
                    first_seen_at=published + timedelta(minutes=10),
                    language=language,
                    field=field_name,
                    alias=surfaces[0],
                    surface=surfaces[0],
                    snippet=title if field_name == "title" else body[:200],
                    highlights=(),
                    backfilled=backfilled,
                    hits=tuple((field_name, 0, len(text), text) for text in surfaces),
                    body=body,
                )
            )
        if story is not None:
            self.story_of[item] = story
            self.reports.setdefault(story, []).append(StoryReport(item, source, language, published))
        return item

    def event(self, story: int, item: int, entity: str, kind: str, evidence: str, market: str | None = None) -> None:
        self.events.setdefault(story, []).append(StoryEvent(item, entity, kind, market, evidence))

    def stored(self) -> StoredStories:
        return StoredStories(
            story_of=dict(self.story_of),
            reports={key: tuple(sorted(value, key=lambda r: r.published)) for key, value in self.reports.items()},
            events={key: tuple(value) for key, value in self.events.items()},
        )


def sample() -> Sample:
    found = Sample()
    # 1. The founding story: Korean first, Italian 7 h later, Russian after it; no English report.
    ko = found.report(
        1, KO_TITLE, source="테크경제신문 (KO)", language="ko", hours_ago=30.75, body=KO_BODY,
        entities={"Xiaomi": ["샤오미"], "Korea": ["한국"]}, in_title=("Xiaomi", "Korea"),
    )  # fmt: skip
    it = found.report(
        1, IT_TITLE, source="TecnoNotizie (IT)", language="it", hours_ago=23.5,
        entities={"Xiaomi": ["Xiaomi"], "Mi Pay": ["Mi Pay"], "Korea": ["Corea"]},
        in_title=("Xiaomi", "Mi Pay", "Korea"),
        link="https://tecnonotizie.example.it/2026/11/xiaomi-corea-del-sud-mi-pay/",
    )  # fmt: skip
    ru = found.report(
        1, RU_TITLE, source="Мировые Технологии (RU)", language="ru", hours_ago=22.33, body=RU_EVIDENCE,
        entities={"Xiaomi": ["Сяоми"], "Korea": ["Кореи"]}, in_title=("Xiaomi", "Korea"),
    )  # fmt: skip
    found.event(1, ko, "Xiaomi", "market_entry", KO_TITLE, "KR")
    found.event(1, ko, "Xiaomi", "partnership", KO_EVIDENCE)
    for kind in ("market_entry", "partnership", "patent"):
        found.event(1, it, "Xiaomi", kind, IT_TITLE, "KR" if kind == "market_entry" else None)
    found.event(1, ru, "Xiaomi", "market_entry", RU_TITLE, "KR")
    found.event(1, ru, "Xiaomi", "partnership", RU_EVIDENCE)
    # 2. A suit between two tracked companies: German first, English nine hours later.
    de = found.report(
        2, DE_TITLE, source="Heise", language="de", hours_ago=14, body="Samsung hat Xiaomi in München verklagt.",
        entities={"Samsung": ["Samsung"], "Xiaomi": ["Xiaomi"]}, in_title=("Samsung", "Xiaomi"),
    )  # fmt: skip
    en = found.report(
        2, EN_SUIT_TITLE, source="Asia Business Wire", language="en", hours_ago=5, body=EN_SUIT_BODY,
        entities={"Samsung": ["Samsung"], "Xiaomi": ["Xiaomi"]}, in_title=("Samsung", "Xiaomi"),
    )  # fmt: skip
    found.event(2, de, "Samsung", "legal", DE_TITLE)
    found.event(2, de, "Xiaomi", "legal", DE_TITLE)
    found.event(2, en, "Samsung", "legal", EN_SUIT_BODY.split(". ")[0] + ".")
    found.event(2, en, "Xiaomi", "legal", EN_SUIT_BODY.split(". ")[0] + ".")
    # 3., 4. One report each.
    q3 = found.report(
        3, EARNINGS_TITLE, source="Asia Business Wire", language="en", hours_ago=68, body=EARNINGS_BODY,
        entities={"Xiaomi": ["Xiaomi"]}, in_title=("Xiaomi",),
    )  # fmt: skip
    found.event(3, q3, "Xiaomi", "earnings", EARNINGS_TITLE)
    band = found.report(
        4, BAND_TITLE, source="TecnoNotizie (IT)", language="it", hours_ago=41.8, body=BAND_BODY,
        entities={"Xiaomi": ["Xiaomi"]},
    )  # fmt: skip
    found.event(4, band, "Xiaomi", "product_launch", BAND_BODY)
    # Also mentioned: no events; one the analyser never saw (no story), one found by a backfill.
    found.report(
        5, GRIP_TITLE, source="Asia Business Wire", language="en", hours_ago=24,
        entities={"Korea": ["South Korea"], "Samsung": ["Samsung"]}, in_title=("Korea", "Samsung"),
    )  # fmt: skip
    found.report(
        None, PYEONGTAEK_TITLE, source="테크경제신문 (KO)", language="ko", hours_ago=41.5, body=PYEONGTAEK_BODY,
        entities={"Samsung": ["삼성"], "Korea": ["한국"]}, in_title=("Samsung",),
    )  # fmt: skip
    found.report(
        6, EXPORTS_TITLE, source="Asia Business Wire", language="en", hours_ago=400, backfilled=True,
        entities={"Korea": ["South Korea"]}, in_title=("Korea",),
    )  # fmt: skip
    return found


def sample_volumes() -> dict[str, list[int | None]]:
    """Reports a day for 30 days, oldest first: Xiaomi spiking, a quiet Mi Pay, Samsung with 20 days of history."""
    xiaomi = [1, 2, 1, 0, 3, 2, 1, 2, 1, 1, 0, 2, 3, 1, 2, 1, 0, 1, 2, 2, 1, 3, 2, 1, 1, 2, 0, 1, 2, 9]
    korea = [3, 4, 2, 5, 3, 3, 4, 2, 6, 3, 2, 4, 3, 3, 5, 2, 3, 4, 3, 2, 4, 3, 5, 3, 2, 3, 4, 3, 2, 5]
    mi_pay = [0] * 29 + [1]
    samsung: list[int | None] = [None] * 10 + [2, 1, 3, 2, 2, 1, 2, 4, 2, 1, 3, 2, 2, 1, 2, 3, 1, 2, 2, 4]
    return {"Xiaomi": list(xiaomi), "Korea": list(korea), "Mi Pay": list(mi_pay), "Samsung": samsung}


FAILING = FeedStatus(
    url="https://gone.example/feed.xml",
    name="Gone Daily",
    active=True,
    items=0,
    last_success_at=None,
    last_error_at=SAMPLE_NOW,
    last_error="HTTP 503 Service Unavailable",
    consecutive_failures=7,
    next_poll_at=SAMPLE_NOW,
)
