"""Recognising tracked entities in text. Pure: entity definitions and text in, hits out.

One Aho-Corasick automaton holds every alias, exclude and require_any phrase of every entity, so the
cost of matching grows with the length of the text, not with the number of aliases. Around it:

- folding: both sides are NFKC-normalised, case-folded and stripped of Latin/Greek/Cyrillic diacritics
  and of Hebrew and Arabic vowel points ("Nestlé" == "NESTLE" == "ＮＥＳＴＬＥ"), zero-width characters
  dropped and runs of spaces made one; a case-sensitive alias is then checked against the surface text;
- word edges: in scripts that separate words with spaces an alias matches whole words only, while in
  Han, Kana, Hangul and the Southeast Asian scripts written without spaces it matches as a substring;
- ``*`` ending a word of an alias lets that word continue ("sudcorean*", "Южн* Коре*").
- case endings: told the item's language, an alias also matches with the endings that language puts on names
  ("Renaulta", "Nokian", "Самсунга"); endings.py holds the tables, table.py decides which aliases take them.
- prefixes: in Arabic and Hebrew, the prepositions, conjunctions and article joined to a name's front ("لشاومي",
  "בשיאומי"), by the item's language too (prefixes.py).

The parts: words.py (scripts without spaces, word edges), endings.py (case endings by language), prefixes.py
(prefixes by language), chars.py (one character's fold), fold.py (a text's fold and its offsets back), table.py
(compile_table: phrases as plain data), matcher.py (Matcher: the automaton and its scan) and results.py (Hit,
EntityMatch, snippets). Callers import from the part itself: the package imports none of them (a store or digest
module that wants Snippet does not load the automaton).
"""
