"""Coverage beyond the feeds an analyst found (issue 13): what Google Alerts, Miniflux and changedetection.io do.

search   — news-search feed URLs from entities × markets × engines (pure)
results  — a search feed's entries with the publisher each names (pure)
keys     — an article's identity across sources: publisher URL, site + title (pure)
fulltext — which feeds carry teasers, and an article page's main text (pure; run in an extractor process)
pages    — a web page's article links as entries (pure)
sitemap  — a news sitemap's URLs as entries (pure)
discover — the feeds a site offers, for `feeds add` (pure)
generated — the search feeds a config generates, as the feeds table and the poller see them

The package itself imports nothing: the parse workers and extractor processes import only the reader they run.

The stages that use them: poll.py (search feeds, pages and sitemaps polled like feeds, engine links followed
to the publisher), articles.py (fetching and extracting full text), store (one item per article).
"""
