"""watcher.match across languages and scripts: folding, word edges, wildcards, offsets, exclude/require_any.

Each case names its aliases, a text and the surface texts that must be found there (in text order);
every hit's span is checked against the text it was found in.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from pathlib import Path

import pytest

from watcher.config import AliasConfig, EntityConfig, load_config
from watcher.errors import ConfigError
from watcher.match.fold import fold
from watcher.match.matcher import Matcher
from watcher.match.results import EntityMatch, Hit, make_snippet, snippet_for

ROOT = Path(__file__).resolve().parent.parent
SEED_ARTICLE = Path(__file__).resolve().parent / "data" / "xiaomi-korea.it.txt"  # from ../shared/seed

Alias = str | tuple[str, bool]  # text, or (text, case_sensitive)


def entity(name: str, *aliases: Alias, exclude: Sequence[str] = (), require_any: Sequence[str] = ()) -> EntityConfig:
    return EntityConfig(
        name=name,
        aliases=[
            AliasConfig(text=a) if isinstance(a, str) else AliasConfig(text=a[0], case_sensitive=a[1]) for a in aliases
        ],
        exclude=list(exclude),
        require_any=list(require_any),
    )


def checked(fields: dict[str, str], found: list[EntityMatch]) -> list[EntityMatch]:
    """Every hit must point at its own surface text in its own field."""
    for match in found:
        for hit in match.hits:
            assert hit.entity == match.entity
            assert 0 <= hit.start < hit.end <= len(fields[hit.field])
            assert fields[hit.field][hit.start : hit.end] == hit.text, hit
    return found


def hits(aliases: Sequence[Alias], text: str) -> list[Hit]:
    fields = {"title": text}
    found = checked(fields, Matcher.build([entity("E", *aliases)]).match(fields))
    return [hit for match in found for hit in match.hits]


def surfaces(aliases: Sequence[Alias], text: str) -> list[str]:
    return [hit.text for hit in hits(aliases, text)]


def names(entities: Sequence[EntityConfig], **fields: str) -> list[str]:
    return [match.entity for match in checked(fields, Matcher.build(entities).match(fields))]


NFD = lambda text: unicodedata.normalize("NFD", text)  # noqa: E731

CASES: list[tuple[str, list[Alias], str, list[str]]] = [
    # --- Latin with diacritics ------------------------------------------------------------------
    ("fr-accent", ["Nestlé"], "Nestlé rachète une start-up", ["Nestlé"]),
    ("fr-no-accent", ["Nestlé"], "NESTLE et nestle", ["NESTLE", "nestle"]),
    ("fr-alias-without-accent", ["Societe Generale"], "La Société Générale publie", ["Société Générale"]),
    ("fr-curly-apostrophe", ["L'Oréal"], "Les ventes de L’Oréal progressent", ["L’Oréal"]),
    ("fr-elision", ["Oréal"], "l’Oréal et d'Oréal", ["Oréal", "Oréal"]),
    ("fr-wildcard", ["Corée*", "coréen*"], "La Corée du Sud et les groupes coréens", ["Corée", "coréens"]),
    ("fr-not-inside-word", ["Renault"], "un renaultiste convaincu", []),
    ("fr-guillemets-nbsp", ["Renault"], "«\u00a0Renault\u00a0» a dit", ["Renault"]),
    ("fr-narrow-nbsp", ["Mi Pay"], "le service Mi\u202fPay arrive", ["Mi\u202fPay"]),
    ("de-umlaut", ["Müller"], "MÜLLER und Muller", ["MÜLLER", "Muller"]),
    ("de-umlaut-is-not-e", ["Müller"], "Mueller", []),
    ("de-sharp-s-to-ss", ["Straße"], "in der STRASSE", ["STRASSE"]),
    ("de-ss-to-sharp-s", ["Strasse"], "die Straße ist", ["Straße"]),
    ("de-wildcard-umlaut", ["Südkorea*"], "Südkoreas Exporte, SUEDKOREA nicht", ["Südkoreas"]),
    ("de-compound-wildcard", ["Übernahme*"], "Das Übernahmeangebot", ["Übernahmeangebot"]),
    ("de-hyphen-compound", ["Siemens"], "Der Siemens-Chef, nicht Siemensstadt", ["Siemens"]),
    ("pl-stroke-l", ["Łódź"], "Fabryka w LODZ i w Łodzi", ["LODZ"]),
    ("pl-wildcard", ["Orlen*"], "Zarząd Orlenu oraz ORLEN", ["Orlenu", "ORLEN"]),
    ("pl-no-wildcard", ["Orlen"], "Zarząd Orlenu", []),
    ("tr-dotted-capital-i", ["İstanbul"], "ISTANBUL, istanbul ve İSTANBUL'da", ["ISTANBUL", "istanbul", "İSTANBUL"]),
    ("tr-dotless-i", ["Işık"], "ISIK ve ışık", ["ISIK", "ışık"]),
    ("tr-apostrophe-suffix", ["Türk Telekom"], "TÜRK TELEKOM'un kârı", ["TÜRK TELEKOM"]),
    ("vi-tones", ["Việt Nam"], "VIET NAM và Việt Nam", ["VIET NAM", "Việt Nam"]),
    ("vi-d-stroke", ["Đà Nẵng"], "Da Nang, ĐÀ NẴNG", ["Da Nang", "ĐÀ NẴNG"]),
    ("vi-word-edges", ["Vingroup"], "Tập đoàn Vingroup công bố", ["Vingroup"]),
    ("nordic-ligature", ["Ærø"], "AERO og ærø", ["AERO", "ærø"]),
    ("ligature-fi", ["Fiat"], "la ﬁat nuova", ["ﬁat"]),
    # --- Cyrillic -------------------------------------------------------------------------------
    ("ru-case", ["Сбербанк"], "СБЕРБАНК и сбербанк", ["СБЕРБАНК", "сбербанк"]),
    ("ru-inflection-needs-wildcard", ["Сбербанк"], "акции Сбербанка", []),
    ("ru-wildcard", ["Сбербанк*"], "акции Сбербанка", ["Сбербанка"]),
    ("ru-two-word-wildcard", ["Южн* Коре*"], "в Южной Корее и Южная Корея", ["Южной Корее", "Южная Корея"]),
    ("ru-two-word-wildcard-needs-both", ["Южн* Коре*"], "в Южной Африке", []),
    ("ru-yo", ["Ёлка"], "ЕЛКА и ёлка", ["ЕЛКА", "ёлка"]),
    ("uk-yi", ["Київ"], "КИЇВ, Киев", ["КИЇВ"]),
    ("ru-latin-touching-cyrillic", ["Samsung"], "Samsungом, но Samsung-ом", ["Samsung"]),
    # --- Greek ----------------------------------------------------------------------------------
    ("el-tonos", ["Αθήνα"], "ΑΘΗΝΑ και Αθηνα", ["ΑΘΗΝΑ", "Αθηνα"]),
    ("el-final-sigma", ["Ολυμπιακός"], "ΟΛΥΜΠΙΑΚΟΣ: ο Ολυμπιακος", ["ΟΛΥΜΠΙΑΚΟΣ", "Ολυμπιακος"]),
    ("el-inflection", ["Κύπρ*"], "της Κύπρου", ["Κύπρου"]),
    ("el-whole-word", ["Κύπρος"], "της Κύπρου", []),
    # --- Arabic and Hebrew (right to left, spaces between words) --------------------------------
    ("ar-word", ["أرامكو"], "قالت أرامكو السعودية", ["أرامكو"]),
    ("ar-harakat", ["أرامكو"], "قالت أَرَامْكُو اليوم", ["أَرَامْكُو"]),
    ("ar-tatweel", ["شركة"], "أعلنت شـركة النفط", ["شـركة"]),
    ("ar-decomposed-hamza", ["أرامكو"], NFD("قالت أرامكو"), [NFD("أرامكو")]),
    ("ar-hamza-is-a-letter", ["أرامكو"], "ارامكو", []),
    ("ar-two-words", ["السعودية"], "المملكة العربية السعودية", ["السعودية"]),
    ("ar-not-inside-word", ["سعود"], "السعودية", []),
    ("he-word", ["טבע"], "חברת טבע הודיעה", ["טבע"]),
    ("he-niqqud", ["טבע"], "חברת טֶבַע הודיעה", ["טֶבַע"]),
    ("he-not-inside-word", ["טבע"], "מזון טבעי", []),
    # --- Devanagari -----------------------------------------------------------------------------
    ("hi-word", ["भारत"], "भारत में निवेश", ["भारत"]),
    ("hi-vowel-sign-continues-word", ["भारत"], "भारतीय बाज़ार", []),
    ("hi-wildcard-takes-vowel-signs", ["भारत*"], "भारतीय बाज़ार", ["भारतीय"]),
    ("hi-company", ["रिलायंस"], "रिलायंस इंडस्ट्रीज ने कहा", ["रिलायंस"]),
    # --- Thai (no spaces between words) ---------------------------------------------------------
    ("th-substring", ["ปตท"], "บริษัทปตทประกาศผลกำไร", ["ปตท"]),
    ("th-country", ["ไทย"], "ประเทศไทยและธนาคารไทย", ["ไทย", "ไทย"]),
    # --- Chinese and Japanese -------------------------------------------------------------------
    ("zh-substring", ["小米集团"], "小米集团发布新款手机，小米集团股价上涨", ["小米集团", "小米集团"]),
    ("zh-compatibility-ideograph", ["豈"], "\uf900", ["\uf900"]),
    ("ja-katakana", ["トヨタ"], "トヨタ自動車は新型車を発表", ["トヨタ"]),
    ("ja-kanji-with-kana", ["任天堂"], "任天堂の新型ゲーム機", ["任天堂"]),
    ("ja-halfwidth-katakana", ["トヨタ"], "ﾄﾖﾀ自動車", ["ﾄﾖﾀ"]),
    ("ja-halfwidth-voiced", ["ドイツ"], "ﾄﾞｲﾂ政府", ["ﾄﾞｲﾂ"]),
    ("ja-fullwidth-latin", ["Sony"], "ＳＯＮＹの決算", ["ＳＯＮＹ"]),
    # --- Korean: particles attach ---------------------------------------------------------------
    ("ko-topic-particle", ["삼성"], "삼성은 투자를 늘린다", ["삼성"]),
    ("ko-compound", ["삼성"], "삼성전자가 발표했다", ["삼성"]),
    ("ko-object-particle", ["카카오"], "카카오뱅크를 인수", ["카카오"]),
    ("ko-decomposed-jamo", ["삼성"], NFD("삼성은 좋다"), [NFD("삼성")]),
    ("ko-mixed-alias", ["LG전자"], "LG전자는 LGBT와 무관", ["LG전자"]),
    # --- mixed scripts --------------------------------------------------------------------------
    ("mixed-latin-in-han", ["Xiaomi"], "小米Xiaomi发布", ["Xiaomi"]),
    ("mixed-han-after-latin", ["小米"], "Xiaomi小米手机", ["小米"]),
    ("mixed-latin-before-hangul", ["Xiaomi"], "Xiaomi는 새 휴대폰을", ["Xiaomi"]),
    ("mixed-wildcard-stops-at-han", ["Korea*"], "Korea韩国", ["Korea"]),
    ("mixed-latin-prefix", ["LG"], "LG전자, LGBT", ["LG"]),
    # --- emoji and astral-plane characters ------------------------------------------------------
    ("emoji-around", ["Samsung"], "🚀Samsung🚀 👩\u200d💻Samsung", ["Samsung", "Samsung"]),
    ("math-bold-letters", ["Samsung"], "𝐒𝐚𝐦𝐬𝐮𝐧𝐠 news", ["𝐒𝐚𝐦𝐬𝐮𝐧𝐠"]),
    ("astral-han", ["𠀀𠀁"], "前𠀀𠀁後", ["𠀀𠀁"]),
    # --- decomposed input, invisible characters, spaces -----------------------------------------
    ("nfd-text", ["Nestlé"], NFD("Nestlé rachète"), [NFD("Nestlé")]),
    ("nfd-alias", [NFD("Nestlé")], "Nestlé rachète", ["Nestlé"]),
    ("nfd-vietnamese", ["Việt Nam"], NFD("Tiếng Việt Nam"), [NFD("Việt Nam")]),
    ("combining-mark-on-plain-letter", ["Samsung"], "Samsung\u0301 x", ["Samsung\u0301"]),
    ("zero-width-joiner", ["Samsung"], "Sam\u200dsung", ["Sam\u200dsung"]),
    ("soft-hyphen", ["Samsung"], "Sam\u00adsung", ["Sam\u00adsung"]),
    ("byte-order-mark", ["Samsung"], "\ufeffSamsung", ["Samsung"]),
    ("nbsp-in-phrase", ["South Korea"], "South\u00a0Korea", ["South\u00a0Korea"]),
    ("ideographic-space", ["Mi Pay"], "Mi\u3000Pay", ["Mi\u3000Pay"]),
    ("space-run", ["South Korea"], "South  \t Korea", ["South  \t Korea"]),
    ("line-break-in-phrase", ["South Korea"], "South\nKorea", ["South\nKorea"]),
    # --- punctuation and hyphens ----------------------------------------------------------------
    ("possessive", ["Samsung"], "Samsung's and Samsung’s", ["Samsung", "Samsung"]),
    ("alias-with-apostrophe", ["McDonald's"], "MCDONALD’S and McDonald's", ["MCDONALD’S", "McDonald's"]),
    ("hyphen-variants", ["Coca-Cola"], "Coca‑Cola, coca–cola, Coca Cola", ["Coca‑Cola", "coca–cola"]),
    ("hyphenated-prefix", ["Xiaomi"], "pro-Xiaomi and Xiaomi-backed", ["Xiaomi", "Xiaomi"]),
    ("digits-continue-word", ["Samsung"], "Samsung5G", []),
    ("underscore-is-not-a-letter", ["Samsung"], "Samsung_Galaxy", ["Samsung"]),
    ("repeated", ["Samsung"], "Samsung Samsung", ["Samsung", "Samsung"]),
    # --- case-sensitive aliases -----------------------------------------------------------------
    ("cased-exact", [("Mi Pay", True)], "Mi Pay, mi pay, MI PAY", ["Mi Pay"]),
    ("cased-spanish", [("Mi Pay", True)], "con mi pay de siempre", []),
    ("cased-still-accent-blind", [("Nestlé", True)], "Nestle, NESTLE", ["Nestle"]),
    ("cased-fullwidth", [("Mi Pay", True)], "Ｍｉ Ｐａｙ, ＭＩ ＰＡＹ", ["Ｍｉ Ｐａｙ"]),
    ("cased-wildcard", [("Apple*", True)], "Apples, apples", ["Apples"]),
    ("cased-space-run", [("Mi Pay", True)], "Mi  Pay", ["Mi  Pay"]),
    ("cased-and-caseless-aliases", [("Apple", True), "苹果公司"], "apple 苹果公司", ["苹果公司"]),
]


@pytest.mark.parametrize(("aliases", "text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_case(aliases: list[Alias], text: str, expected: list[str]) -> None:
    assert surfaces(aliases, text) == expected


def test_case_ids_are_unique() -> None:
    assert len({case[0] for case in CASES}) == len(CASES)


# --- offsets ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("😀😀 Samsung 𝒳 Samsung", [(3, 10), (13, 20)]),
        ("👩\u200d💻Samsung", [(3, 10)]),
        ("🇰🇷 Samsung", [(3, 10)]),
        ("e\u0301e\u0301 Samsung", [(5, 12)]),
        ("ﬁﬁ Samsung", [(3, 10)]),
        ("Straße Samsung", [(7, 14)]),
        ("İİ Samsung", [(3, 10)]),
        ("\u200b\u200b Samsung\u200b", [(3, 10)]),
        ("a  \u00a0 b Samsung", [(7, 14)]),
        (NFD("삼성 Samsung"), [(7, 14)]),
    ],
)
def test_offsets_count_code_points_of_the_original_text(text: str, spans: list[tuple[int, int]]) -> None:
    found = hits(["Samsung"], text)
    assert [(hit.start, hit.end) for hit in found] == spans
    assert all(hit.text == "Samsung" for hit in found)


def test_span_takes_in_the_accent_of_the_last_letter() -> None:
    (hit,) = hits(["Nestlé"], NFD("Nestlé's"))
    assert (hit.start, hit.end) == (0, 7)
    assert unicodedata.normalize("NFC", hit.text) == "Nestlé"


def test_span_of_decomposed_hangul_covers_every_jamo() -> None:
    text = NFD("오늘 삼성은")
    (hit,) = hits(["삼성"], text)
    assert unicodedata.normalize("NFC", hit.text) == "삼성"
    assert unicodedata.normalize("NFC", text[: hit.start]) == "오늘 "


def test_offsets_in_every_field() -> None:
    fields = {"title": "🚀 Xiaomi", "summary": "ＸＩＡＯＭＩ и Сяоми", "content": "小米集团\n\nXiaomi's"}
    matcher = Matcher.build([entity("Xiaomi", "Xiaomi", "小米集团", "Сяоми")])
    (match,) = checked(fields, matcher.match(fields))
    assert [(h.field, h.start, h.end, h.text) for h in match.hits] == [
        ("title", 2, 8, "Xiaomi"),
        ("summary", 0, 6, "ＸＩＡＯＭＩ"),
        ("summary", 9, 14, "Сяоми"),
        ("content", 0, 4, "小米集团"),
        ("content", 6, 12, "Xiaomi"),
    ]


def test_other_fields_are_matched_after_the_known_ones() -> None:
    fields = {"note": "Samsung Samsung", "extra": "Samsung", "title": "Samsung"}
    (match,) = checked(fields, Matcher.build([entity("Samsung", "Samsung")]).match(fields))
    assert [(h.field, h.start) for h in match.hits] == [("title", 0), ("note", 0), ("note", 8), ("extra", 0)]


def test_overlapping_hits_in_different_extra_fields_are_all_kept() -> None:
    # Hits in two fields outside title/summary/content interleave by offset; each field keeps its own.
    fields = {"a": "Korea Korea", "b": "xx South Korea"}
    (match,) = checked(fields, Matcher.build([entity("Korea", "Korea", "South Korea")]).match(fields))
    assert sorted((h.field, h.start, h.text) for h in match.hits) == [
        ("a", 0, "Korea"),
        ("a", 6, "Korea"),
        ("b", 3, "South Korea"),
    ]


# --- overlapping aliases ---------------------------------------------------------------------------


def test_longest_of_overlapping_aliases_wins() -> None:
    assert surfaces(["Corea", "Corea del Sud"], "in Corea del Sud e in Corea") == ["Corea del Sud", "Corea"]


def test_alias_and_its_wildcard_give_one_hit() -> None:
    found = hits(["Korea", "Korea*"], "Korea and Koreans")
    assert [(h.text, h.alias) for h in found] == [("Korea", "Korea"), ("Koreans", "Korea*")]


def test_same_alias_in_two_entities_matches_both() -> None:
    entities = [entity("Samsung", "Galaxy"), entity("Astronomy", "Galaxy")]
    assert names(entities, title="New Galaxy phone") == ["Samsung", "Astronomy"]


def test_overlapping_aliases_of_different_entities_both_match() -> None:
    entities = [entity("Korea", "South Korea"), entity("KT", "Korea Telecom")]
    fields = {"title": "South Korea Telecom shares"}
    found = checked(fields, Matcher.build(entities).match(fields))
    assert [(m.entity, m.primary.start, m.primary.end) for m in found] == [("Korea", 0, 11), ("KT", 6, 19)]


def test_hit_records_alias_as_configured() -> None:
    (hit,) = hits(["Südkorea*"], "SUDKOREANISCHE Firmen")
    assert (hit.alias, hit.text, hit.field) == ("Südkorea*", "SUDKOREANISCHE", "title")


# --- exclude and require_any -----------------------------------------------------------------------

KOREA = entity(
    "Korea",
    "Korea*",
    "Corea*",
    "Южн* Коре*",
    "한국",
    exclude=["North Korea", "Corea del Nord", "Северн* Коре*", "북한"],
)
APPLE = entity("Apple", ("Apple", True), "苹果公司", require_any=["iPhone", "Mac", "Tim Cook", "苹果公司"])


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"title": "Korea exports rise"}, ["Korea"]),
        ({"title": "Korea exports rise", "content": "North Korea fired a missile"}, []),
        ({"title": "South and NORTH KOREA talk"}, []),
        ({"title": "Южной Кореи"}, ["Korea"]),
        ({"title": "Южной Кореи", "summary": "и Северной Кореи"}, []),
        ({"title": "한국 경제", "summary": "북한은"}, []),
        ({"title": "Corea del Nordest"}, ["Korea"]),  # the exclude phrase has word edges too
        ({"title": "Apple results"}, []),
        ({"title": "Apple results", "content": "the iPhone sold well"}, ["Apple"]),
        ({"title": "Apple results", "content": "Macintosh history"}, []),
        ({"title": "Apple results", "content": "the Mac's future"}, ["Apple"]),
        ({"title": "apple harvest", "content": "iPhone of fruit"}, []),
        ({"title": "苹果公司发布新品"}, ["Apple"]),  # the alias is its own requirement
        ({"title": "TIM COOK visits Seoul, says Apple"}, ["Apple"]),
    ],
)
def test_exclude_and_require_any(fields: dict[str, str], expected: list[str]) -> None:
    assert names([KOREA, APPLE], **fields) == expected


def test_exclude_vetoes_only_its_own_entity() -> None:
    entities = [entity("Samsung", "三星", exclude=["三星堆"]), entity("Sichuan", "四川"), entity("Deals", "收购")]
    assert names(entities, title="三星堆遗址在四川", summary="三星收购") == ["Sichuan", "Deals"]


def test_exclude_beats_require_any() -> None:
    both = entity("Apple", "Apple", require_any=["iPhone"], exclude=["apple pie"])
    assert names([both], title="Apple iPhone", summary="an apple pie") == []
    assert names([both], title="Apple iPhone") == ["Apple"]


def test_require_any_alone_does_not_match() -> None:
    assert names([APPLE], title="the iPhone and the Mac") == []


# --- wildcards and configuration errors ------------------------------------------------------------


@pytest.mark.parametrize("alias", ["Kor*ea", "*Korea", "South *Korea", "* Korea"])
def test_wildcard_only_ends_a_word_in_config(tmp_path: Path, alias: str) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(f'entities:\n  - name: Korea\n    aliases: ["{alias}"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="'\\*' may only end a word"):
        load_config(path)


@pytest.mark.parametrize("phrase", ["Nord*korea", "*Korea"])
def test_wildcard_only_ends_a_word_in_exclude_and_require_any(phrase: str) -> None:
    with pytest.raises(ConfigError, match="'\\*' may only end a word"):
        Matcher.build([entity("Korea", "Korea", exclude=[phrase])])
    with pytest.raises(ConfigError, match="'\\*' may only end a word"):
        Matcher.build([entity("Korea", "Korea", require_any=[phrase])])


@pytest.mark.parametrize("alias", ["\u200b", "\u0301", "\u00ad\u200d"])
def test_alias_with_nothing_to_match_is_refused(alias: str) -> None:
    with pytest.raises(ConfigError, match="no letters to match"):
        Matcher.build([entity("Nothing", alias)])


def test_empty_matcher_matches_nothing() -> None:
    assert Matcher.build([]).match({"title": "Samsung"}) == []


def test_empty_and_missing_fields() -> None:
    matcher = Matcher.build([entity("Samsung", "Samsung")])
    assert matcher.match({}) == []
    assert matcher.match({"title": "", "summary": "", "content": ""}) == []


# --- folding -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("ＮＥＳＴＬＥ", "nestle"),
        ("Nestlé", "nestle"),
        (NFD("Nestlé"), "nestle"),
        ("Straße", "strasse"),
        ("İstanbul", "istanbul"),
        ("ĞÜŞİÖÇ ığüşiöç", "gusioc igusioc"),
        ("Ærøskøbing Łódź", "aeroskobing lodz"),
        ("ΟΔΥΣΣΕΥΣ Ὀδυσσεύς", "οδυσσευσ οδυσσευσ"),
        ("Ёжик", "ежик"),
        ("L’Oréal – Coca‑Cola", "l'oreal - coca-cola"),
        ("a\u00a0b\u3000c\td", "a b c d"),
        ("a  \t\n b", "a b"),
        ("Sam\u200dsung\u00ad", "samsung"),
        ("ﬁ ㈱ ①", "fi (株) 1"),
        ("ﾄﾞｲﾂ", "ドイツ"),
        (NFD("한국"), "한국"),
        ("مُحَمَّد", "محمد"),
        ("שָׁלוֹם", "שלום"),
        ("भारत", "भारत"),
        ("小米集团", "小米集团"),
        ("🚀 𝐒𝐚𝐦", "🚀 sam"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_fold_keeps_case_when_asked() -> None:
    assert fold("Ｍｉ Ｐａｙ Nestlé", casefold=False) == "Mi Pay Nestle"
    assert fold(NFD("Nestlé"), casefold=False) == "Nestle"


# --- snippets ----------------------------------------------------------------------------------------


def test_snippet_highlights_the_hit_with_astral_characters_before_it() -> None:
    text = "🚀" * 300 + " Samsung unveils 👩\u200d💻 a new phone " + "𝒳 " * 200
    matcher = Matcher.build([entity("Samsung", "Samsung")])
    fields = {"content": text}
    (match,) = checked(fields, matcher.match(fields))
    snippet = snippet_for(fields, match)
    assert len(snippet.text) <= 200 + 2
    assert [snippet.text[start:end] for start, end in snippet.highlights] == ["Samsung"]
    assert snippet.text.startswith("…") and snippet.text.endswith("…")
    assert "".join(text for text, _ in snippet.segments()) == snippet.text
    assert [text for text, highlighted in snippet.segments() if highlighted] == ["Samsung"]


def test_snippet_of_a_short_text_is_the_whole_text() -> None:
    (hit,) = hits(["Сяоми"], "Сяоми выходит на рынок")
    snippet = make_snippet("Сяоми выходит на рынок", [hit])
    assert snippet.text == "Сяоми выходит на рынок"
    assert snippet.highlights == ((0, 5),)


def test_snippet_is_cut_on_spaces_around_the_hit() -> None:
    words = [f"w{i:03d}" for i in range(200)]
    text = " ".join([*words[:100], "Samsung", *words[100:]])
    (hit,) = hits(["Samsung"], text)
    snippet = make_snippet(text, [hit])
    body = snippet.text.strip("…")
    assert 150 <= len(snippet.text) <= 202
    assert body.split(" ")[0] in words and body.split(" ")[-1] in words
    assert [snippet.text[s:e] for s, e in snippet.highlights] == ["Samsung"]


# --- the founding article ----------------------------------------------------------------------------


@pytest.mark.skipif(not SEED_ARTICLE.exists(), reason="../shared/seed is not mounted")
def test_founding_article_with_the_shipped_config() -> None:
    config = load_config(ROOT / "config.yaml")
    text = SEED_ARTICLE.read_text(encoding="utf-8")
    fields = {"title": "Xiaomi pronta a sbarcare in Corea del Sud", "content": text}
    found = checked(fields, Matcher.build(config.entities).match(fields))
    by_entity = {m.entity: m for m in found}
    assert set(by_entity) == {"Xiaomi", "Mi Pay", "Korea"}
    assert {h.text for h in by_entity["Korea"].hits} >= {"Corea", "sudcoreano"}
    assert {h.text for h in by_entity["Mi Pay"].hits} == {"Mi Pay"}


def test_a_phrase_never_spans_two_fields() -> None:
    from watcher.config import EntityConfig
    from watcher.match.matcher import Matcher

    matcher = Matcher.build([EntityConfig(name="Mi Pay", aliases=["Mi Pay", "Korea*"])])
    assert matcher.match({"title": "Xiaomi Mi", "summary": "Pay attention"}) == []
    found = matcher.match({"title": "Xiaomi", "summary": "Korea", "content": "Mi Pay arrives"})
    assert [(hit.field, hit.start, hit.end, hit.text) for hit in found[0].hits] == [
        ("summary", 0, 5, "Korea"),
        ("content", 0, 6, "Mi Pay"),
    ]
