"""The analyze stage: items in, language, entities, events and story facts out. Used by the daemon's
polling (watcher.poll) and by `watcher analyze`, with the same code.

Only the headline and the first sentences of the summary are read: they say what happened (later
paragraphs add background that misleads both events and stories), and they keep the cost per item low.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from watcher.analyze.article_prose import article_prose, from_the_news
from watcher.analyze.embed import Encoder, covered, readable
from watcher.analyze.events import evidence_at, extract_events, item_blocker, previews_results
from watcher.analyze.heap import release_free_pages
from watcher.analyze.homes import homes
from watcher.analyze.language import item_language
from watcher.analyze.markets import market_finder
from watcher.analyze.previous_market import after_another
from watcher.analyze.questions import stated
from watcher.analyze.reporting import reporting_text
from watcher.analyze.roundups import ROUNDUP, is_roundup
from watcher.analyze.sections import opinion_feed
from watcher.analyze.sentences import Cue, Event, Party, Sentence, cue_finder
from watcher.analyze.signals import Signals, char_trigrams, shared_empty, signals
from watcher.analyze.sounds import name_sounds, script_sounds, skeleton
from watcher.analyze.stories import ItemFacts
from watcher.analyze.succession import succession
from watcher.coverage.fulltext import TEASER_CHARS
from watcher.match.fold import fold
from watcher.match.matcher import UNDETERMINED, Matcher
from watcher.parse.text import visible_text

if TYPE_CHECKING:
    from watcher.config import EntityConfig

LEAD_SENTENCES = 3  # sentences of the summary read for events, after the headline
LEAD_CHARS = 300  # characters of the summary read with the headline, for signals and for the vector
NAMES_REMEMBERED = 20_000  # names whose country test is kept (~3 MB at most), forgotten together past that
# Entities tagged so are places or products, not actors: they take no event and tie no story (a product
# acts through its maker, which is tracked under its own name).
NOT_ACTOR_TAGS = frozenset({"country", "countries", "place", "region", "market", "city", "product", "products"})
# Not after a day or an ordinal ("zum 1. Januar", "im 3. Quartal"); a year ending a sentence still ends it.
# Thai writes no full stop at a sentence's end: a point after a Thai letter ends an abbreviation ("ปตท.", "บมจ.").
# Urdu (۔), Armenian (։), Hindi, Marathi, Nepali and Bengali (।), Amharic (።) end sentences with their own marks;
# Arabic asks with ؟. Not after an abbreviated amount ("3 Mrd. US-Dollar", "1,3 mld. zł"). A summary's HTML blocks
# (paragraphs, list items, line breaks: a live blog's entries, each of its own company) end sentences too, their tags
# dropped.
_SENTENCE_END = re.compile(
    r"(?<=[.!?])(?<!\s\d\.)(?<!\s\d\d\.)(?<![\u0e00-\u0e7f]\.)(?<![A-Z]\.[A-Z]\.)"
    r"(?<!Mrd\.)(?<!Mio\.)(?<!Tsd\.)(?<!mld\.)(?<!mln\.)\s+(?=[^a-z\d])|(?<=[。！？])|(?<=[۔։।؟።])\s*|\n+|(?<=…)\s*"
    r"|(?<=[^\W\d_A-Z]{4}\.)\s+(?=\d)"
    r"|\s*</?(?i:p|li|ul|ol|br|div|h[1-6])\b[^>]*>\s*"
)


@dataclass(frozen=True)
class ItemInput:
    id: str
    title: str
    summary: str = ""
    content: str = ""
    published: datetime | None = None
    feed: str = ""
    language: str | None = None  # as the feed declares it


@dataclass
class ItemAnalysis:
    id: str
    language: str | None
    entities: list[str]  # every tracked entity recognised, by name
    events: list[Event]
    facts: ItemFacts
    story: str | None = None  # set by the story grouping
    extra: dict[str, object] = field(default_factory=dict)


def split_sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text) if part and part.strip()]


class Analyzer:
    """Built once per config (entity matcher, markets and cues automata, encoder); analyses in batches."""

    def __init__(self, entities: Sequence[EntityConfig], encoder: Encoder | None = None) -> None:
        self.matcher = Matcher.build(entities)
        self.encoder = encoder if encoder is not None else Encoder()
        self.markets = market_finder()
        self.cues = cue_finder()
        self.actors = frozenset(entity.name for entity in entities if self._is_actor(entity))
        self.home = {entity.name: entity.home for entity in entities if entity.home}  # config.yaml's `home:`
        # An alias's words as written, and without the '*' that lets one continue ("Yutong*" is "Yutong").
        self.alias_words = frozenset(
            word.rstrip("*") for entity in entities for alias in entity.aliases for word in fold(alias.text).split()
        )
        # A tracked company's name written in another script is no name of its story ("ल्यूपिन", Lupin).
        self.alias_sounds = frozenset(skeleton(word) for word in self.alias_words | {fold(e.name) for e in entities})
        self._country_names: dict[str, bool] = {}  # a name of the signals → whether it names a country

    def _is_actor(self, entity: EntityConfig) -> bool:
        if NOT_ACTOR_TAGS & {tag.lower() for tag in entity.tags}:
            return False
        # "Korea" tracked as an entity is a place: its name, or an alias, is a country's name.
        return not any(self.markets.is_country_name(text) for text in [entity.name, *(a.text for a in entity.aliases)])

    def analyse(self, items: Sequence[ItemInput], *, embed: bool = True) -> list[ItemAnalysis]:
        """With `embed` false, the vectors are left to embed_facts (ItemFacts.unembedded: the text each is made of):
        only the reports placing compares get one (StoryBook.meeting), and a one-pass process embeds after it has let
        the tables go (watcher/storykeeper.py)."""
        analyses = [self._analyse_one(item) for item in items]
        if embed:
            embed_items(self.encoder, analyses)
        return analyses

    def _analyse_one(self, item: ItemInput) -> ItemAnalysis:
        # Its facts and its language are the outlet's account: not a dateline, a spokesperson's quote (an English one
        # in a Hausa report read as English) or the headline again.
        # Read as its visible text where it keeps its HTML (`watcher analyze` reads what it is given; the daemon's is
        # the feed parser's): a link's address and a font's colour ("CBMit3q8", "6f6f6f") are no names of the story.
        # After the quotes are taken out, which join the sentences left with spaces: the tags still part them then.
        # A fetched page's text read as its article's prose: not the consent banner, byline, captions' credits and
        # the lists of other headlines ("Related": other tracked companies, older events) around it (article_prose).
        content = article_prose(visible_body(item.content)) if item.content else ""
        read = body_of(item.summary, content)
        body = visible_body(reporting_text(read, item.title, item.feed))
        language = item_language(item.language, item.title, body)
        fields = {"title": item.title, "summary": item.summary, "content": content}
        matched = self.matcher.match(fields, language=language or UNDETERMINED)
        entities = [found.entity for found in matched]
        actors = self.actors & set(entities)
        named_at = [hit.start for found in matched if found.entity in actors for hit in found.hits
                    if hit.field == "content"]  # fmt: skip
        news = from_the_news(content, named_at)
        # A feature's opening scene ("For years, travellers between Istanbul and Tashkent ...") is no report: the text
        # compared with other reports (vector, names, figures) starts where the article first names the company.
        told = body
        if news is not content and read is content:
            told = visible_body(reporting_text(news, item.title, item.feed))
        # A question asked after the headline's statement is no rumour of the statement ("X lands in Brazil: will
        # Argentina be next?"): the headline's facts and events are the statement's.
        sentences = [self._sentence(0, stated(item.title), language, actors)]
        leading = split_sentences(body)[:LEAD_SENTENCES]
        for index, text in enumerate(leading, 1):
            sentences.append(self._sentence(index, text, language, actors))
        known = frozenset(self.home[entity] for entity in actors if entity in self.home)
        year = (item.published or datetime.now(UTC)).year
        # An outlet's opinion section ("Bloomberg Opinion") carries columns: no event, however its headline reads.
        column = opinion_feed(item.feed)
        events = extract_events(sentences, language, known, year) if actors and not column else []
        lead = _lead(item.title, told)
        # Countries the headline and lead name, not the company's own ("the Spanish group", "西班牙企业").
        # Nor the one it went to before ("बांग्लादेश के बाद नेपाल", after Bangladesh, Nepal).
        named = [(hit.code, evidence_at(sentence.text, hit.start)) for sentence in sentences[:2]
                 for hit in sentence.markets if hit.is_name and not after_another(sentence, hit)]  # fmt: skip
        places = frozenset(code for code, _text in named) - homes(sentences[:2], language)
        facts = ItemFacts(
            key=item.id,
            published=item.published or datetime.now(UTC),
            language=language,
            feed=item.feed,
            actors=frozenset(entity for entity in entities if entity in self.actors),
            events=frozenset((event.type, event.entity) for event in events),
            entry_markets=frozenset(event.market for event in events if event.market),
            places=places,
            signals=self._signals(lead, language),
            blocker=item_blocker(sentences[0])
            or ("opinion" if column else None)
            or ("preview" if previews_results(sentences[0]) else None)
            or (ROUNDUP if is_roundup(sentences[0]) else None),
            entries=frozenset((event.entity, event.market) for event in events if event.market),
            place_evidence={code: text for code, text in reversed(named) if code in places},
        )
        if facts.actors:
            facts.title_names = shared_empty(title_names(item.title, facts.signals.names))
            facts.sounds = shared_empty(name_sounds(facts.signals.names, self.alias_sounds))
            facts.script_words = shared_empty(script_sounds(lead, self.alias_sounds))
            if "leadership" in facts.event_types:
                facts.succession = succession(lead, {cue.kind for sentence in sentences for cue in sentence.cues})
            # Its vector is made where placing it compares it with another report (StoryBook.meeting, embed_facts), of
            # the headline and the lead's first LEAD_CHARS. Not of the first sentence alone, though it tells the event
            # as often: a lead opening on a quote or a dateline made every report read alike (our own sets with a
            # spokesperson's quote before each lead: story F1 on dev 0.891 -> 0.633; docs/benchmarks.md).
            facts.unembedded = lead
            facts.native = covered(language)
            facts.readable = facts.native or readable(lead)
        return ItemAnalysis(item.id, language, entities, events, facts)

    def _signals(self, lead: str, language: str | None) -> Signals:
        found = signals(lead, self.alias_words, language)
        # Country names are weighed as places; as names they would count twice.
        names = frozenset(name for name in found.names if not self._names_a_country(name))
        return Signals(found.quarters, found.figures, names, found.months, found.amounts)

    def _names_a_country(self, name: str) -> bool:
        """markets.find on a name, remembered: a company's names ("Tesla", "Model Y") come back in every report."""
        known = self._country_names.get(name)
        if known is None:
            if len(self._country_names) >= NAMES_REMEMBERED:
                self._country_names.clear()
            known = self._country_names[name] = bool(self.markets.find(name, any_case=True))
        return known

    def _sentence(self, index: int, text: str, language: str | None, actors: frozenset[str] | None = None) -> Sentence:
        """`actors`: the tracked organisations the item names. Their require_any words are the item's to have, not
        the sentence's: "Safran va construire une usine en Inde" is the engine maker when the lead says "moteurs".
        Without `actors` (a sentence read alone), the sentence must have the words itself."""
        parties = tuple(
            Party(hit.entity, hit.start, hit.end)
            for found in self.matcher.match({"text": text}, require=actors is None, language=language or UNDETERMINED)
            if found.entity in (self.actors if actors is None else actors)
            for hit in found.hits
        )
        # A country inside a tracked organisation's name is no place: "Turkcell" is not "Türkçe*", Turkish.
        markets = [hit for hit in self.markets.find(text)
                   if not any(party.start < hit.end and hit.start < party.end for party in parties)]  # fmt: skip
        return Sentence(
            index=index,
            text=text,
            parties=tuple(sorted(parties, key=lambda party: party.start)),
            markets=tuple(markets),
            cues=tuple(Cue(cue.kind, cue.start, cue.end) for cue in self.cues.find(text, language)),
        )


def embed_items(encoder: Encoder, analyses: Sequence[ItemAnalysis]) -> None:
    """A vector for each item that can join a story, and character trigrams for those in a language the
    encoder was not trained on (or with no model): two reports in such a language compare by trigrams, and
    one in it with another language by a vector that still carries names and shared word pieces (weighed
    on a lower scale: story_fit.similarity). Trigrams cost ~15 KB an item against the vector's 2 KB, and an
    open story's items are held for 72 hours: only those items keep both."""
    embed_facts(encoder, [analysis.facts for analysis in analyses if analysis.facts.unembedded is not None])


def embed_facts(encoder: Encoder, waiting: Sequence[ItemFacts]) -> None:
    """The vectors of reports whose text waits (ItemFacts.unembedded), in one batch, and their trigrams where wanted.
    Given to the encoder by language: a batch's texts then share more of their word pieces, which the forward pass
    computes once each (use_forward.py; heldout31's full-text leads: 10% fewer), the vectors the same to float32
    rounding."""
    waiting = sorted(waiting, key=lambda facts: facts.language or "")
    texts = [facts.unembedded or "" for facts in waiting]
    vectors = encoder.encode(texts) if texts and encoder.enabled else None
    if vectors is not None:
        release_free_pages()  # the forward pass's arrays, freed into malloc's heap (heap.py)
    for index, facts in enumerate(waiting):
        if vectors is not None:
            facts.vector = vectors[index].copy()  # its own row: a view would keep the whole batch alive
        if facts.vector is None or not facts.native:
            facts.trigrams = shared_empty(char_trigrams(texts[index]))
        facts.unembedded = None


def body_of(summary: str, content: str) -> str:
    """The text whose first sentences are read: the summary, unless it is a teaser of the article the content
    holds (fetched in full, watcher/articles.py): then the article's own lead, where the evidence is."""
    if content and (not summary or (len(summary) < TEASER_CHARS and len(content) >= 2 * len(summary))):
        return content
    return summary


def visible_body(text: str) -> str:
    """The text without its HTML, a block's end kept as a line's (a sentence's) end."""
    return visible_text(text) if "<" in text else text


def _lead(title: str, body: str) -> str:
    lead = " ".join(body.split())[:LEAD_CHARS]
    return f"{title}. {lead}" if lead else title


def title_names(title: str, lead_names: frozenset[str]) -> frozenset[str]:
    """The names of the headline-with-lead that its headline gives, none where the headline capitalises most words
    ("Spotify Snaps Up Podcast Firm": every word would be a name)."""
    words = [word for word in title.split()[1:] if word[:1].isalpha() and word.isascii()]
    if sum(word[0].isupper() for word in words) * 2 > len(words):
        return frozenset()
    folded = fold(title)
    return frozenset(name for name in lead_names if name in folded)
