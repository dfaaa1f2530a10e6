"""Synthetic news article pages for bench/fulltext and bench/_feedserver.py --articles.

A page is shaped like a news site's article page: ~73 KB of HTML, ~1,400 elements: a head full of meta
tags, inline scripts and styles and JSON-LD, a mega-menu of 300 links, forty ad slots six divs deep, the
article (headline, byline, ten paragraphs of ~500 characters, a figure, a quote), a sidebar of related
stories, comments and a footer of forty links. Deterministic in its seed; one page in three names a
tracked entity in its fourth paragraph only (the case full text is for).
"""

from __future__ import annotations

from html import escape

from _feedserver import ENTITIES, WORDS  # the feeds' entities and vocabulary, so articles match alike

_SCRIPT = "window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}" * 40


def _words(seed: int, count: int) -> str:
    state = seed * 2654435761 + 12345
    words = []
    for _ in range(count):
        state = (state * 1103515245 + 12345) % 2**31
        words.append(WORDS[(state >> 8) % len(WORDS)])
    return " ".join(words)


def article_html(seed: int) -> bytes:
    title = f"Quarterly update {seed}: {_words(seed, 8)}"
    head = "".join(f'<meta name="m{n}" content="{_words(seed + n, 12)}">' for n in range(20))
    head += "".join(f"<script>{_SCRIPT}</script>" for _ in range(6))
    head += "<style>" + "".join(f".c{n}{{margin:{n}px;color:#{n:06x}}}" for n in range(250)) + "</style>"
    head += f'<script type="application/ld+json">{{"headline": "{title}", "author": "Staff"}}</script>'
    nav = "".join(  # a mega-menu: 20 sections of 15 links, each in nested lists
        f'<li class="menu"><a href="/section/{n}">{_words(n, 2)}</a><div class="sub"><ul>'
        + "".join(f'<li><a href="/section/{n}/{m}"><span>{_words(n * 15 + m, 3)}</span></a></li>' for m in range(15))
        + "</ul></div></li>"
        for n in range(20)
    )
    slots = "".join(  # ad and widget slots, six divs deep
        '<div class="slot"><div><div><div><div><div class="ad" data-slot="x"><span>Advertisement</span>'
        "</div></div></div></div></div></div>"
        for _ in range(40)
    )
    paragraphs = []
    for n in range(10):
        text = _words(seed * 10 + n, 80).capitalize()
        if n == 3 and seed % 3 == 0:
            text = f"{ENTITIES[seed % len(ENTITIES)]} said that {text}"
        paragraphs.append(f"<p>{escape(text)}.</p>")
    paragraphs.insert(
        5, f'<figure><img src="/img/{seed}.jpg" alt="photo"><figcaption>{_words(seed, 9)}</figcaption></figure>'
    )
    paragraphs.insert(8, f"<blockquote>{_words(seed + 7, 25)}</blockquote>")
    related = "".join(f'<li><a href="/story/{seed + n}">{_words(seed + n, 9)}</a></li>' for n in range(20))
    comments = "".join(f'<div class="comment"><b>reader{n}</b><p>{_words(seed + n, 30)}</p></div>' for n in range(5))
    footer = "".join(f'<a href="/info/{n}">{_words(n + 99, 2)}</a> ' for n in range(40))
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>{head}</head><body>'
        f'<header><div class="logo">The Daily Bench</div><nav><ul>{nav}</ul></nav></header>'
        f'<div class="page"><div class="wrap"><div class="grid">{slots[: len(slots) // 2]}<main><div class="col">'
        f'<article><h1>{title}</h1><p class="byline">By Staff Reporter</p>{"".join(paragraphs)}</article></div>'
        f"<aside><h2>Related</h2><ul>{related}</ul>{slots[len(slots) // 2 :]}</aside>"
        f'<section class="comments">{comments}</section></main></div></div></div>'
        f"<footer>{footer}<p>Copyright The Daily Bench</p></footer></body></html>"
    ).encode()
