"""full_text.workers changed on a reload: the next pass extracts with a pool of the new size, and the old pool's
processes are shut, not left alive beside it (watcher/articles.py, ArticleStage.run). A real watcher polling a real
news site on 127.0.0.1, a real SQLite file, real extractor processes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import wait_until, write_config
from tests.coverage_servers import RSS, NewsServer, Page, article_page
from tests.test_coverage_hostile import ENTITIES, PARAGRAPHS, RUNNER, open_watcher, outcomes, site, teasers
from watcher.config import load_config

__all__ = ["site"]  # the fixture, shared


@pytest.mark.clock
def test_a_reload_that_changes_the_extractor_count_shuts_the_old_extractors(tmp_path: Path, site: NewsServer) -> None:
    for name in ("one", "two"):
        site.pages[f"/{name}.html"] = Page(article_page(name, *PARAGRAPHS))
    site.pages["/feed.xml"] = Page(teasers([site.url("/one.html")]), headers=dict(RSS))
    watcher = open_watcher(tmp_path, site.url("/feed.xml"), full_text={"workers": 1})
    try:
        RUNNER.run(watcher.poll(everything=True))
        first = watcher.poller.articles.extractors
        assert first is not None and first._pool is not None
        old = list(first._pool._processes.values())
        assert len(old) == 1 and old[0].is_alive()

        config = write_config(tmp_path, feeds=[{"url": site.url("/feed.xml")}], entities=ENTITIES,
                              full_text={"workers": 2})  # fmt: skip
        watcher.apply(load_config(config))
        site.pages["/feed.xml"] = Page(teasers([site.url("/two.html"), site.url("/one.html")]), headers=dict(RSS))
        RUNNER.run(watcher.poll(everything=True))

        assert {status for status, _error in outcomes(watcher).values()} == {"ok"}
        assert len(outcomes(watcher)) == 2
        assert watcher.poller.articles.extractors is not first and watcher.poller.articles.extractors.workers == 2
        assert first._pool is None, "the old pool is still open"
        assert wait_until(lambda: not any(process.is_alive() for process in old), 30), "old extractors left running"
    finally:
        RUNNER.run(watcher.aclose())
