"""The operator's commands: feeds add/import/export (OPML), entities add, status; config edits keep comments."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import FeedServer, Route, founding_feed, write_config
from watcher.cli import main
from watcher.config import load_config
from watcher.configfile import read_opml, write_opml

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def invoke(config: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--config", str(config), *args])
    return result.exit_code, result.output


def commented_config(tmp_path: Path) -> Path:
    """The shipped config.yaml (comments and all), with the sample feed paths made absolute."""
    text = (ROOT / "config.yaml").read_text(encoding="utf-8").replace("url: seeds/", f"url: {ROOT}/seeds/")
    path = tmp_path / "config.yaml"
    path.write_text(text.replace("block_private_addresses: true", "block_private_addresses: false"))
    return path


def comment_lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip().startswith("#")]


def test_feeds_add_fetches_first_and_keeps_comments(tmp_path: Path, feed_server: FeedServer) -> None:
    config = commented_config(tmp_path)
    before = comment_lines(config)
    feed_server.routes["/feed.xml"] = Route(body=founding_feed())
    feed_server.routes["/page.html"] = Route(
        body=b"<html><body>Sign in</body></html>", headers={"Content-Type": "text/html"}
    )

    code, output = invoke(config, "feeds", "add", feed_server.url("/feed.xml"), "--tag", "italy")
    assert code == 0, output
    assert "added" in output and "3 entries" in output
    loaded = load_config(config)
    added = [feed for feed in loaded.feeds if feed.url == feed_server.url("/feed.xml")]
    assert added and added[0].name == "Test feed" and added[0].tags == ["italy"]
    assert comment_lines(config) == before  # every comment kept, in order

    code, output = invoke(config, "feeds", "add", feed_server.url("/page.html"))
    assert code == 1 and "not added" in output and "not a feed" in output
    assert feed_server.url("/page.html") not in config.read_text()

    code, output = invoke(config, "feeds", "add", feed_server.url("/feed.xml"))
    assert code == 0 and "already there" in output
    assert config.read_text().count(feed_server.url("/feed.xml")) == 1


def test_feeds_add_of_a_document_that_is_no_feed_says_so(tmp_path: Path, feed_server: FeedServer) -> None:
    config = commented_config(tmp_path)
    text = config.read_text()
    code, output = invoke(config, "feeds", "add", str(ROOT / "README.md"))
    assert code == 1
    assert f"not added: {ROOT / 'README.md'} is not a feed (plain text, no RSS, Atom or RDF document found)" in output
    assert "truncated" not in output and "SAXParseException" not in output

    # A web page that names its feed: the feed's address is offered.
    feed_server.routes["/site/"] = Route(
        body=b'<html><head><link rel="alternate" type="application/rss+xml" title="News" href="/site/rss.xml">'
        b"</head><body>Welcome</body></html>",
        headers={"Content-Type": "text/html"},
    )
    code, output = invoke(config, "feeds", "add", feed_server.url("/site/"))
    assert code == 1 and "is not a feed (the server returned an HTML page)" in output
    assert f"the page names a feed: {feed_server.url('/site/rss.xml')} (News)" in output
    assert config.read_text() == text


def test_opml_import_export_round_trip(tmp_path: Path) -> None:
    config = commented_config(tmp_path)
    before = comment_lines(config)
    opml = DATA / "subscriptions.opml"
    code, output = invoke(config, "feeds", "import", str(opml))
    assert code == 0, output
    expected = read_opml(opml.read_bytes())
    assert len(expected) == 6 and "imported 6 feeds" in output
    loaded = load_config(config)
    by_url = {feed.url: feed for feed in loaded.feeds}
    korea = by_url["https://www.koreaherald.com/common/rss_xml.php?ct=102"]
    assert korea.name == "The Korea Herald — Business" and korea.tags == ["News", "Asia"]
    assert by_url["https://www.ansa.it/sito/notizie/tecnologia/tecnologia_rss.xml"].tags == ["News", "Italia"]
    assert comment_lines(config) == before

    # Importing again adds nothing; export gives back every feed with its name and tags.
    code, output = invoke(config, "feeds", "import", str(opml))
    assert code == 0 and "imported 0 feeds" in output and "6 already there" in output
    exported = tmp_path / "out.opml"
    assert invoke(config, "feeds", "export", str(exported))[0] == 0
    round_trip = {feed.url: feed for feed in read_opml(exported.read_bytes())}
    for feed in loaded.feeds:
        assert round_trip[feed.url].name == feed.name
        assert round_trip[feed.url].tags == feed.tags


def test_opml_with_entity_bomb_is_refused(tmp_path: Path) -> None:
    config = commented_config(tmp_path)
    original = config.read_text()
    bomb = tmp_path / "bomb.opml"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><opml><body><outline text="&b;"/></body></opml>'
    )
    code, output = invoke(config, "feeds", "import", str(bomb))
    assert code == 2 and "entit" in output
    assert config.read_text() == original


def test_write_opml_escapes_and_reads_back() -> None:
    from watcher.config import FeedConfig

    feeds = [FeedConfig(url="https://example.com/rss?a=1&b=2", name='Quotes "and" <tags>', tags=["x"])]
    back = read_opml(write_opml(feeds))
    assert back == feeds


def test_entities_add_keeps_comments_and_validates(tmp_path: Path) -> None:
    config = commented_config(tmp_path)
    before = comment_lines(config)
    code, output = invoke(
        config,
        "entities",
        "add",
        "Samsung",
        "-a",
        "Samsung",
        "-a",
        "삼성",
        "--case-sensitive",
        "SDI",
        "--exclude",
        "三星堆",
        "--tag",
        "company",
    )
    assert code == 0, output
    entity = next(e for e in load_config(config).entities if e.name == "Samsung")
    assert [a.text for a in entity.aliases] == ["Samsung", "삼성", "SDI"]
    assert entity.aliases[2].case_sensitive and entity.exclude == ["三星堆"] and entity.tags == ["company"]
    assert comment_lines(config) == before

    text = config.read_text()
    code, output = invoke(config, "entities", "add", "Broken", "-a", "Bro*ken")
    assert code == 2 and "'*' may only end a word" in output
    code, output = invoke(config, "entities", "add", "samsung")
    assert code == 2 and "already configured" in output
    assert config.read_text() == text


def test_entities_add_reports_a_bad_alias_as_check_config_does(tmp_path: Path) -> None:
    config = commented_config(tmp_path)
    text = config.read_text()
    code, output = invoke(config, "entities", "add", "Bad", "-a", "fine", "-a", "*x")
    assert code == 2
    assert f"{config}: entity Bad: alias 2: '*x': '*' may only end a word" in output
    assert "pydantic" not in output and "validation error" not in output and "type=" not in output
    code, output = invoke(config, "entities", "add", "")
    assert code == 2 and f"{config}: entity: name:" in output, output
    assert config.read_text() == text


@pytest.mark.clock  # the founding feed's matches are digest material only while its dates are recent
def test_status_summarises_feeds_items_and_digests(tmp_path: Path, feed_server: FeedServer) -> None:
    feed_server.routes["/it.xml"] = Route(body=founding_feed())
    feed_server.routes["/down.xml"] = Route(status=500, body=b"oops")
    config = write_config(tmp_path, feeds=[{"url": feed_server.url("/it.xml")}, {"url": feed_server.url("/down.xml")}])
    assert invoke(config, "poll", "--once")[0] == 0
    code, output = invoke(config, "status")
    assert code == 0, output
    assert "1 ok" in output and "1 backing off" in output
    assert "3 new items, 4 matches" in output
    assert "4 matches not yet in a digest" in output
    assert "last never" in output and "next " in output
    assert invoke(config, "digest")[0] == 0
    code, output = invoke(config, "status")
    assert "0 matches not yet in a digest" in output and "(sent)" in output


def test_every_command_has_help_and_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    runner = CliRunner()

    def walk(group: object, prefix: list[str]) -> list[list[str]]:
        commands = []
        for name, command in getattr(group, "commands", {}).items():
            commands.append([*prefix, name])
            commands.extend(walk(command, [*prefix, name]))
        return commands

    for path in walk(main, []):
        result = runner.invoke(main, [*path, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output, path
        assert f"watcher {' '.join(path)}" in readme, f"`watcher {' '.join(path)}` is not documented in README.md"
