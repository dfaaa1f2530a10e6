"""Property tests for watcher.match: case, accent and width variants still match; word edges hold for
Latin words; arbitrary Unicode never breaks the matcher and every span points at its surface text."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from watcher.config import AliasConfig, EntityConfig
from watcher.match.chars import _CASELESS
from watcher.match.fold import _fold_mapped, _fold_text, fold
from watcher.match.matcher import Matcher
from watcher.match.results import Hit

PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

LATIN = "abcdefghijklmnopqrstuvwxyzàáâãäåæçèéêëìíîïñòóôõöøùúûüýÿßąćęłńśźżğışţăđơư"
CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ"
GREEK = "αβγδεζηθικλμνξοπρστυφχψωάέήίόύώϊϋ"
HAN = "小米集团三星苹果公司德国收购华为腾讯阿里巴巴"
HANGUL = "삼성전자애플독일인수카오한국대민"
KATAKANA = "シャオミサムスンドイツトヨタソニー"
SEPARATORS = [" ", ", ", " (", ") ", "\n", "\u00a0", " — ", "’s ", " «", "» ", ": ", "/", "🚀", "\u3000"]
MARKS = [chr(code) for code in range(0x0300, 0x0370)]


def word(alphabet: str, min_size: int = 2) -> st.SearchStrategy[str]:
    return st.text(alphabet=alphabet, min_size=min_size, max_size=8)


def phrase(alphabet: str) -> st.SearchStrategy[str]:
    return st.lists(word(alphabet), min_size=1, max_size=3).map(" ".join)


spaced_alias = st.one_of(phrase(LATIN), phrase(CYRILLIC), phrase(GREEK))
unspaced_alias = st.one_of(word(HAN), word(HANGUL), word(KATAKANA))
context = st.lists(st.one_of(word(LATIN), word(CYRILLIC), word(HAN), st.sampled_from(SEPARATORS)), max_size=6).map(
    "".join
)


def find(alias: str, text: str, *, case_sensitive: bool = False) -> list[Hit]:
    entity = EntityConfig(name="E", aliases=[AliasConfig(text=alias, case_sensitive=case_sensitive)])
    found = Matcher.build([entity]).match({"title": text})
    return [hit for match in found for hit in match.hits]


def planted(alias_surface: str, left: str, right: str, left_sep: str, right_sep: str) -> tuple[str, int, int]:
    start = len(left) + len(left_sep)
    return left + left_sep + alias_surface + right_sep + right, start, start + len(alias_surface)


def assert_found_at(alias: str, text: str, start: int, end: int) -> None:
    """The alias planted at text[start:end] is found there (or inside an overlapping earlier occurrence
    of itself: "aa aa" in "aa aa aa" is one hit, at 0)."""
    spans = [(hit.start, hit.end) for hit in find(alias, text)]
    assert any(hit_start <= start < hit_end for hit_start, hit_end in spans), (alias, text, spans)
    assert all(hit_end == end for hit_start, hit_end in spans if hit_start == start), (alias, text, spans)


separator = st.sampled_from(SEPARATORS)


@PROPERTY
@given(
    alias=spaced_alias,
    left=context,
    right=context,
    left_sep=separator,
    right_sep=separator,
    variant=st.sampled_from(["upper", "lower", "swapcase", "title", "capitalize", "casefold"]),
)
def test_case_variants_of_a_match_still_match(
    alias: str, left: str, right: str, left_sep: str, right_sep: str, variant: str
) -> None:
    surface = getattr(alias, variant)()
    text, start, end = planted(surface, left, right, left_sep, right_sep)
    assert_found_at(alias, text, start, end)


@PROPERTY
@given(
    alias=st.one_of(phrase(LATIN), phrase(CYRILLIC), phrase(GREEK)),
    left=context,
    right=context,
    left_sep=separator,
    right_sep=separator,
    data=st.data(),
)
def test_accent_variants_of_a_match_still_match(
    alias: str, left: str, right: str, left_sep: str, right_sep: str, data: st.DataObject
) -> None:
    # Strip the accents, or add random combining marks to every letter, composed (NFC) or not (NFD).
    stripped = "".join(c for c in unicodedata.normalize("NFD", alias) if not unicodedata.combining(c))
    marks = data.draw(st.lists(st.sampled_from(MARKS), min_size=len(alias), max_size=len(alias)))
    decorated = "".join(c + m if c != " " else c for c, m in zip(alias, marks, strict=True))
    form = data.draw(st.sampled_from(["NFC", "NFD"]))
    for surface in (stripped, unicodedata.normalize(form, decorated), unicodedata.normalize("NFD", alias)):
        text, start, end = planted(surface, left, right, left_sep, right_sep)
        assert_found_at(alias, text, start, end)
    # ... and the other way round: the alias carries accents the text does not have.
    text, start, end = planted(alias, left, right, left_sep, right_sep)
    assert_found_at(unicodedata.normalize(form, decorated), text, start, end)


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" if c == " " else c for c in text)


@PROPERTY
@given(
    alias=phrase("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
    left=context,
    right=context,
    left_sep=separator,
    right_sep=separator,
    cased=st.booleans(),
)
def test_fullwidth_variant_of_a_match_still_matches(
    alias: str, left: str, right: str, left_sep: str, right_sep: str, cased: bool
) -> None:
    text, start, end = planted(fullwidth(alias), left, right, left_sep, right_sep)
    spans = [(hit.start, hit.end) for hit in find(alias, text, case_sensitive=cased)]
    assert any(hit_start <= start < hit_end for hit_start, hit_end in spans), (alias, text, spans)
    assert all(hit_end == end for hit_start, hit_end in spans if hit_start == start), (alias, text, spans)


@PROPERTY
@given(
    alias=unspaced_alias,
    left=st.text(HAN + HANGUL + KATAKANA + LATIN, max_size=6),
    right=st.text(HAN + HANGUL + KATAKANA + LATIN, max_size=6),
)
def test_han_kana_hangul_aliases_match_as_substrings(alias: str, left: str, right: str) -> None:
    text, start, end = planted(alias, left, right, "", "")
    assert_found_at(alias, text, start, end)


@PROPERTY
@given(
    alias=word(LATIN),
    left=st.text(LATIN, max_size=5),
    right=st.text(LATIN, max_size=5),
    star=st.booleans(),
    variant=st.sampled_from(["lower", "upper"]),
)
def test_latin_alias_never_matches_inside_a_longer_latin_word(
    alias: str, left: str, right: str, star: bool, variant: str
) -> None:
    if not left and not right:
        right = "x"
    text = getattr(left + alias + right, variant)()
    if not star:
        assert find(alias, text) == []
    else:
        # A '*' lets the word go on to its end, but a hit still starts where the word starts.
        for hit in find(alias + "*", text):
            assert (hit.start, hit.end) == (0, len(text))


ENTITIES = [
    EntityConfig(name="Samsung", aliases=["Samsung", "삼성", "三星", "サムスン", "Самсунг"], exclude=["三星堆"]),
    EntityConfig(name="Nestlé", aliases=["Nestlé", "雀巢"]),
    EntityConfig(name="Korea", aliases=["Korea*", "Corée*", "Южн* Коре*", "한국", "Κορέα"]),
    EntityConfig(name="Mi Pay", aliases=[AliasConfig(text="Mi Pay", case_sensitive=True), "小米支付"]),
    EntityConfig(name="Apple", aliases=[AliasConfig(text="Apple", case_sensitive=True)], require_any=["iPhone"]),
    EntityConfig(name="Germany", aliases=["deutsch*", "Straße", "ドイツ", "भारत*", "شركة", "טבע"]),
]
MATCHER = Matcher.build(ENTITIES)
# Many aliases starting with many different characters: the automaton's root then holds extra entries for
# frequent characters (space, punctuation), which must never match anything.
BIG_ENTITIES = [
    EntityConfig(name=f"E{index}", aliases=[first + rest for rest in ("ntra", "lpco*", "x")])
    for index, first in enumerate(LATIN[:26] + CYRILLIC[:10] + GREEK[:6] + HAN[:6] + HANGUL[:6])
]
BIG = Matcher.build([*ENTITIES, *BIG_ENTITIES])
PLANTS = [
    "Samsung",
    "SAMSUNG’s",
    "삼성은",
    "三星",
    "Nestle\u0301",
    "ＮＥＳＴＬＥ",
    "Korean",
    "Corées",
    "Южной Кореи",
    "Mi Pay",
    "mi pay",
    "Apple iPhone",
    "DEUTSCHE",
    "STRASSE",
    "ﾄﾞｲﾂ",
    "भारतीय",
    "شـركة",
    "טֶבַע",
    "Κορεα",
]
noisy_text = st.lists(
    st.one_of(st.text(max_size=12), st.sampled_from(PLANTS), st.sampled_from(SEPARATORS)), max_size=12
).map("".join)


@PROPERTY
@given(title=noisy_text, summary=st.text(), content=noisy_text, big=st.booleans())
def test_arbitrary_text_never_raises_and_spans_point_at_the_surface(
    title: str, summary: str, content: str, big: bool
) -> None:
    fields = {"title": title, "summary": summary, "content": content}
    entities = [*ENTITIES, *BIG_ENTITIES] if big else ENTITIES
    found = (BIG if big else MATCHER).match(fields)
    assert [m.entity for m in found] == [e.name for e in entities if e.name in {m.entity for m in found}]
    for match in found:
        previous: Hit | None = None
        for hit in match.hits:
            text = fields[hit.field]
            assert 0 <= hit.start < hit.end <= len(text)
            assert text[hit.start : hit.end] == hit.text
            literal = fold(hit.alias.split("*")[0])
            assert literal in fold(hit.text), (hit, literal)
            if previous is not None and previous.field == hit.field:
                assert previous.end <= hit.start  # one hit per place, in text order
            previous = hit


@PROPERTY
@given(left=st.text(max_size=20), right=st.text(max_size=20), alias=st.sampled_from(["Samsung", "Сяоми", "Ολυμπια"]))
def test_planted_alias_is_found_after_any_text(left: str, right: str, alias: str) -> None:
    text, start, end = planted(alias, left, right, " ", " ")
    assert_found_at(alias, text, start, end)


@PROPERTY
@given(text=st.text())
def test_fast_fold_agrees_with_the_character_by_character_fold(text: str) -> None:
    # The hot path (lowercase, fold only the unusual characters) against the slow, composing one.
    folded = _fold_text(text)
    assert folded.folded == _fold_mapped(text, _CASELESS)[0]
    if folded.exact:
        assert len(folded.folded) == len(text)


@PROPERTY
@given(text=st.text(st.characters(categories=["L", "M", "N", "P", "Zs"]), max_size=12))
def test_fold_is_the_same_for_every_normal_form(text: str) -> None:
    # "NFKC on both sides": a text and its NFC, NFD and NFKC forms fold alike, so they match alike.
    folded = fold(text)
    for form in ("NFC", "NFD", "NFKC", "NFKD"):
        assert fold(unicodedata.normalize(form, text)) == folded, form


def test_root_padding_never_matches() -> None:
    assert len({alias.text[0] for entity in BIG_ENTITIES for alias in entity.aliases}) >= 30
    assert BIG.match({"title": " , . - ' \x00 ,\x00 .\x00", "summary": "\x00" * 5}) == []
    found = BIG.match({"title": "antra, Ζlpcos. 小ntra"})
    assert [(m.entity, [h.text for h in m.hits]) for m in found] == [
        ("E0", ["antra"]),
        (f"E{26 + 10 + 5}", ["Ζlpcos"]),
        (f"E{26 + 10 + 6}", ["小ntra"]),
    ]


def test_the_shipped_fold_scan_is_what_the_scan_finds() -> None:
    # watcher/fold_scan.py spares every process the scan; after a change to how characters fold, it must be
    # written again (`.venv/bin/python scripts/build_fold_scan.py`), or folding would use stale ranges.
    from watcher import fold_scan
    from watcher.match.chars import _UNCHANGED_BLOCKS, scan_folds, unchanged_blocks

    assert unicodedata.unidata_version == fold_scan.UNIDATA_VERSION
    unchanged, irregular = scan_folds()
    assert fold_scan.ranges(fold_scan.UNCHANGED) == unchanged
    assert [code for code, _ in fold_scan.ranges(fold_scan.IRREGULAR)] == irregular
    # With the shipped scan, the big blocks are taken as checked: every one of them holds.
    assert unchanged_blocks() == list(_UNCHANGED_BLOCKS)


def test_an_upper_case_letter_with_an_irregular_fold_keeps_its_offsets() -> None:
    # "Ǆ" lowers to "ǆ", which folds to "dž": the offset map must know the upper-case letter too, as the scan
    # made it know every irregular character below CJK before it was shipped precomputed.
    text = "Ǆemal Ørsted"
    folded = _fold_text(text)
    start = folded.folded.index("ørsted".replace("ø", fold("ø")))
    assert text[slice(*folded.span(start, start + 6))] == "Ørsted"


def test_a_character_class_holds_exactly_its_ranges() -> None:
    # _char_class writes characters as themselves (ASCII punctuation and controls escaped): every ASCII character
    # alone, and ranges whose ends are regex syntax ('-', ']', '\\', '^', '['), match exactly their code points.
    from watcher.match.words import _char_class

    codes = [*range(0x300), 0x3400, 0x4DBF, 0xFFFF, 0x10000, 0x1F600, 0x2A6DF, 0x10FFFF]
    for code in range(0x80):
        pattern = re.compile(f"[{_char_class([(code, code)])}]")
        assert [c for c in codes if pattern.fullmatch(chr(c))] == [code], hex(code)
    ranges = [(0x00, 0x08), (0x2D, 0x2D), (0x5B, 0x5E), (0x20, 0x2B), (0x7B, 0x7E), (0x1F600, 0x1F64F)]
    ranges.append((0x3400, 0x4DBF))
    inside = {code for low, high in ranges for code in range(low, high + 1)}
    pattern = re.compile(f"[{_char_class(ranges)}]")
    negated = re.compile(f"[^{_char_class(ranges)}]")
    for code in [*codes, *range(0x1F5FF, 0x1F651), 0x33FF, 0x4DC0]:
        assert bool(pattern.fullmatch(chr(code))) == (code in inside), hex(code)
        assert bool(negated.fullmatch(chr(code))) == (code not in inside), hex(code)
