"""`watcher match`: JSON lines or plain text in, one JSON line per item out, with spans into the visible text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from watcher.cli import main
from watcher.parse.text import visible_text

CONFIG = """\
entities:
  - name: Xiaomi
    aliases: [Xiaomi, "小米集团", "샤오미", "Сяоми"]
  - name: Mi Pay
    aliases:
      - {text: "Mi Pay", case_sensitive: true}
      - "小米支付"
  - name: Korea
    aliases: ["Korea*", "Corea*", "Южн* Коре*", "한국"]
    exclude: ["North Korea", "Corea del Nord"]
  - name: Apple
    aliases: [{text: Apple, case_sensitive: true}]
    require_any: [iPhone, Cupertino]
  - name: Aardvark Labs
    aliases: ["Aardvark"]
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


def run_match(config: Path, stdin: str | None = None, *args: str) -> list[dict[str, Any]]:
    result = CliRunner().invoke(main, ["--config", str(config), "match", *args], input=stdin)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def jsonl(*items: dict[str, Any]) -> str:
    return "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items)


def assert_evidence_points_at_text(item: dict[str, Any], output: dict[str, Any]) -> None:
    for match in output["matches"]:
        text = visible_text(item[match["field"]])
        assert text[match["start"] : match["end"]] == match["text"], match
        assert match["text"] in match["snippet"]


def test_json_lines_in_json_lines_out(config: Path) -> None:
    items = [
        {"id": "a", "title": "Xiaomi lancia Mi Pay in Corea del Sud", "summary": "Il pagamento via smartphone."},
        {"id": "b", "title": "🚀🚀 小米集团 e Сяоми", "content": "<p>Южной Кореи</p>"},
        {"id": "c", "title": "Nothing to see"},
    ]
    out = run_match(config, jsonl(*items))
    assert [o["id"] for o in out] == ["a", "b", "c"]
    assert out[0]["entities"] == ["Korea", "Mi Pay", "Xiaomi"]
    assert [(m["entity"], m["alias"], m["field"], m["start"], m["end"], m["text"]) for m in out[0]["matches"]] == [
        ("Xiaomi", "Xiaomi", "title", 0, 6, "Xiaomi"),
        ("Mi Pay", "Mi Pay", "title", 14, 20, "Mi Pay"),
        ("Korea", "Corea*", "title", 24, 29, "Corea"),
    ]
    assert [(m["entity"], m["field"], m["start"], m["end"], m["text"]) for m in out[1]["matches"]] == [
        ("Xiaomi", "title", 3, 7, "小米集团"),
        ("Xiaomi", "title", 10, 15, "Сяоми"),
        ("Korea", "content", 0, 11, "Южной Кореи"),
    ]
    assert out[1]["entities"] == ["Korea", "Xiaomi"]
    assert out[2] == {"id": "c", "entities": [], "matches": []}
    for item, output in zip(items, out, strict=True):
        assert_evidence_points_at_text(item, output)


def test_every_match_carries_all_its_evidence(config: Path) -> None:
    (out,) = run_match(config, jsonl({"id": 7, "summary": "Xiaomi’s plan"}))
    assert out["id"] == 7
    (match,) = out["matches"]
    assert set(match) == {"entity", "alias", "field", "start", "end", "text", "snippet"}
    assert match["snippet"] == "Xiaomi’s plan"


def test_entities_are_sorted_by_name(config: Path) -> None:
    # Config order is Xiaomi, ..., Aardvark Labs; the output lists names sorted.
    (out,) = run_match(config, jsonl({"id": 1, "title": "Xiaomi buys Aardvark, Apple says iPhone"}))
    assert out["entities"] == ["Aardvark Labs", "Apple", "Xiaomi"]


def test_exclude_and_require_any_apply(config: Path) -> None:
    out = run_match(
        config,
        jsonl(
            {"id": 1, "title": "Korea talks", "content": "North Korea fired a missile"},
            {"id": 2, "title": "Apple pie"},
            {"id": 3, "title": "Apple in Cupertino"},
            {"id": 4, "title": "mi pay"},
        ),
    )
    assert [o["entities"] for o in out] == [[], [], ["Apple"], []]


def test_optional_fields_and_missing_id(config: Path) -> None:
    out = run_match(config, jsonl({"content": "한국 시장"}, {"title": "Xiaomi"}, {}))
    assert [(o["id"], o["entities"]) for o in out] == [(1, ["Korea"]), (2, ["Xiaomi"]), (3, [])]
    assert out[0]["matches"][0]["field"] == "content"


def test_html_is_reduced_to_visible_text(config: Path) -> None:
    item = {
        "id": "h",
        "summary": '<a href="https://xiaomi.com/korea">Read more</a> &amp; <b>Xia</b>omi &eacute;t&eacute;',
        "content": "<script>Xiaomi()</script><p>In&nbsp;Corea</p>",
    }
    (out,) = run_match(config, jsonl(item))
    assert [(m["field"], m["text"]) for m in out["matches"]] == [("summary", "Xiaomi"), ("content", "Corea")]
    assert_evidence_points_at_text(item, out)


def test_blank_lines_between_json_lines_are_skipped(config: Path) -> None:
    out = run_match(config, "\n" + jsonl({"id": "x", "title": "Xiaomi"}) + "\n\n" + jsonl({"id": "y"}))
    assert [o["id"] for o in out] == ["x", "y"]


def test_plain_text_is_one_item_per_line(config: Path) -> None:
    # One "North Korea" on a line vetoes Korea on that line only; ids are line numbers (blank lines count).
    text = "Xiaomi arriva in Corea del Sud.\n\nKim Jong-un visita la North Korea\nIl servizio Mi Pay seguirà.\n"
    out = run_match(config, text)
    assert [(o["id"], o["entities"]) for o in out] == [(1, ["Korea", "Xiaomi"]), (3, []), (4, ["Mi Pay"])]
    assert {m["field"] for o in out for m in o["matches"]} == {"content"}
    lines = text.splitlines()
    for output in out:
        assert_evidence_points_at_text({"content": lines[output["id"] - 1]}, output)


def test_whole_input_as_one_item(config: Path) -> None:
    text = "Xiaomi arriva in Corea del Sud.\nKim Jong-un visita la North Korea\n"
    (out,) = run_match(config, text, "--whole")
    assert out["id"] is None
    assert out["entities"] == ["Xiaomi"]  # the exclude vetoes Korea for the whole item
    assert_evidence_points_at_text({"content": text}, out)


def test_json_and_text_lines_mix(config: Path) -> None:
    stdin = jsonl({"id": "j", "title": "Xiaomi"}) + "and then 한국 prose\n" + jsonl({"title": "Сяоми"})
    out = run_match(config, stdin)
    assert [(o["id"], o["entities"]) for o in out] == [("j", ["Xiaomi"]), (2, ["Korea"]), (3, ["Xiaomi"])]


def test_reads_a_file_argument(config: Path, tmp_path: Path) -> None:
    source = tmp_path / "items.jsonl"
    source.write_text(jsonl({"id": "f", "title": "샤오미는 한국에"}), encoding="utf-8")
    (out,) = run_match(config, None, str(source))
    assert out["entities"] == ["Korea", "Xiaomi"]
    assert [(m["start"], m["end"], m["text"]) for m in out["matches"]] == [(0, 3, "샤오미"), (5, 7, "한국")]


def test_output_keeps_non_ascii_readable(config: Path) -> None:
    result = CliRunner().invoke(main, ["--config", str(config), "match"], input=jsonl({"id": "u", "title": "Сяоми"}))
    assert "Сяоми" in result.output
    assert "\\u" not in result.output


def test_bad_config_exits_2_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text('entities:\n  - name: Korea\n    aliases: ["Kor*ea"]\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(path), "match"], input="Korea\n")
    assert result.exit_code == 2
    assert "may only end a word" in result.output
    assert "Traceback" not in result.output


# --- trying an entity that is not saved yet ---------------------------------------------------------


def run_try(stdin: str, *args: str, config: Path | None = None) -> tuple[int, str]:
    prefix = ["--config", str(config)] if config else ["--config", "/nonexistent/config.yaml"]
    result = CliRunner().invoke(main, [*prefix, "match", *args], input=stdin)
    return result.exit_code, result.output


def entities_of(output: str) -> list[tuple[Any, list[str]]]:
    return [(line["id"], line["entities"]) for line in map(json.loads, output.splitlines())]


def test_an_entity_from_the_command_line_needs_no_config() -> None:
    text = "Samsung apre a Milano\n삼성전자 실적\nSamsungite rocks\n三星堆 Samsung museum\n"
    code, output = run_try(text, "--entity", "Samsung", "-a", "Samsung", "-a", "삼성", "--exclude", "三星堆")
    assert code == 0, output
    assert entities_of(output) == [(1, ["Samsung"]), (2, ["Samsung"]), (3, []), (4, [])]


def test_command_line_entity_case_sensitive_and_require(config: Path) -> None:
    text = "SDI batteries for Galaxy\nsdi batteries for Galaxy\nSDI batteries\n"
    code, output = run_try(text, "--entity", "Samsung SDI", "--case-sensitive", "SDI", "--require", "Galaxy")
    assert code == 0, output
    assert entities_of(output) == [(1, ["Samsung SDI"]), (2, []), (3, [])]
    # Only the entity given is tried, not the configured ones.
    code, output = run_try("Xiaomi in Korea\n", "--entity", "Korea", config=config)
    assert code == 0 and entities_of(output) == [(1, ["Korea"])], output
    code, output = run_try("Aardvark Labs and Aardvark\n", "--entity", "Aardvark Labs", "-a", "Aardvark Labs")
    assert code == 0 and [m["text"] for m in json.loads(output)["matches"]] == ["Aardvark Labs"], output


def test_an_entity_name_alone_is_its_alias() -> None:
    code, output = run_try("Nothing Phone (3) is out\n", "--entity", "Nothing Phone")
    assert code == 0 and entities_of(output) == [(1, ["Nothing Phone"])], output


def test_a_bad_command_line_alias_is_reported_like_the_config(config: Path) -> None:
    code, output = run_try("x\n", "--entity", "Bad", "-a", "fine", "-a", "*x")
    assert code == 2
    assert "entity Bad: alias 2: '*x': '*' may only end a word" in output
    assert "pydantic" not in output and "validation error" not in output


def test_aliases_need_an_entity_name() -> None:
    code, output = run_try("x\n", "-a", "Samsung")
    assert code == 2 and "--entity" in output


def test_entities_from_a_config_fragment(tmp_path: Path) -> None:
    fragment = tmp_path / "try.yaml"
    fragment.write_text('- name: Samsung\n  aliases: [Samsung, 삼성]\n- name: LG\n  aliases: ["LG Electronics"]\n')
    code, output = run_try("삼성 and LG Electronics\nLG only\n", "--entities", str(fragment))
    assert code == 0, output
    assert entities_of(output) == [(1, ["LG", "Samsung"]), (2, [])]
    fragment.write_text("entities:\n  - name: LG\n    aliases: [LG]\n")
    code, output = run_try("LG only\n", "--entities", str(fragment))
    assert code == 0 and entities_of(output) == [(1, ["LG"])], output


def test_a_bad_config_fragment_names_its_line(tmp_path: Path) -> None:
    fragment = tmp_path / "try.yaml"
    fragment.write_text("- name: Samsung\n  aliases: [Samsung]\n- name: LG\n  aliases: [Samsung, L*G]\n")
    code, output = run_try("x\n", "--entities", str(fragment))
    assert code == 2
    assert "try.yaml:4: entity 2 (LG): alias 2: 'L*G': '*' may only end a word" in output
