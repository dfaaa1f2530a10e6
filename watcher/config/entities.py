"""The tracked entities of config.yaml: an entity's names (aliases), its exclusions and its home country."""

from __future__ import annotations

import hashlib
import json
from functools import cache, cached_property
from importlib import resources
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, field_validator, model_validator

from watcher.config.values import Strict


class AliasConfig(Strict):
    """One way an entity is written. A ``*`` ending a word lets that word continue. `inflect`: whether case endings
    may follow it in the languages that inflect names ("Renaulta", "Nokian"), and Arabic or Hebrew prefixes precede
    it ("لشاومي", "בשיאומי"); unset, the entity's, else decided by the alias (watcher.match.table.takes_endings,
    takes_prefixes)."""

    text: str = Field(min_length=1)
    case_sensitive: bool = False
    inflect: bool | None = None

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("an alias must not be blank")
        for word in value.split(" "):
            if "*" in word.rstrip("*") or word.startswith("*"):
                raise ValueError(f"{value!r}: '*' may only end a word, after at least one letter")
        return value

    @model_validator(mode="after")
    def _can_inflect(self) -> AliasConfig:
        if self.inflect:
            problem = inflect_problem(self.text)
            if problem:
                raise ValueError(f"{self.text!r}: inflect: true, but {problem}")
        return self


@cache
def _country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes: the territories the analyser names (CLDR's, in watcher/analyze/data)."""
    data = json.loads(resources.files("watcher.analyze").joinpath("data", "territories.json").read_text("utf-8"))
    return frozenset(code for code in data["en"]["names"] if len(code) == 2 and code.isalpha())


def inflect_problem(text: str) -> str | None:
    """Why case endings cannot follow an alias that asks for them, or None."""
    from watcher.match.endings import MIN_STEM
    from watcher.match.words import written_unspaced

    last = " ".join(text.split()).split(" ")[-1]
    if last.endswith("*"):
        return "its last word ends with '*', which already lets the word go on: drop one or the other"
    if written_unspaced(last):
        return "it is written in a script without spaces, where an alias already matches inside longer words"
    if not last[-1].isalpha():
        return "it does not end with a letter"
    if sum(char.isalpha() for char in last) < MIN_STEM:
        return f"its last word has fewer than {MIN_STEM} letters"
    return None


def _alias_from_string(value: Any) -> Any:
    return {"text": value} if isinstance(value, str) else value


class EntityConfig(Strict):
    """A tracked company, product, country or topic."""

    name: str = Field(min_length=1, max_length=300)  # the database's column width (PostgreSQL enforces it)
    aliases: list[Annotated[AliasConfig, BeforeValidator(_alias_from_string)]] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    require_any: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    # News searches (search: in config.yaml) follow the entity unless this is false; search_terms are
    # searched besides its aliases (each in the markets of its script).
    search: bool = True
    search_terms: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(default_factory=list)
    # The company's home country (ISO 3166-1 alpha-2, e.g. CN): the analyser never reports a market entry into it.
    home: str | None = None
    # Whether case endings (and prefixes) may go with its aliases (each alias may say otherwise); unset, decided by
    # each alias.
    inflect: bool | None = None

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("an entity's name must not be blank")
        return value

    @field_validator("home")
    @classmethod
    def _home_is_a_country(cls, value: str | None) -> str | None:
        if value is None:
            return None
        code = value.strip().upper()
        if code not in _country_codes():
            raise ValueError(f"not an ISO 3166-1 alpha-2 country code: {value!r}")
        return code

    @model_validator(mode="after")
    def _default_alias_is_the_name(self) -> EntityConfig:
        if not self.aliases:
            object.__setattr__(self, "aliases", [AliasConfig(text=self.name)])
        return self

    @cached_property
    def fingerprint(self) -> str:
        """Changes exactly when what the entity matches may change: the trigger for a backfill (the entities
        table keeps it). Kept with the instance, and so in the config's cache (watcher/config/cache.py)."""
        # Unset settings left out: an entity that says nothing of `inflect` keeps the fingerprint it had before.
        definition = self.model_dump(
            mode="json", include={"aliases", "exclude", "require_any", "inflect"}, exclude_none=True
        )
        return hashlib.sha256(json.dumps(definition, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
