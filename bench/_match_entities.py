"""bench/match's entity sets: the real entities and synthetic company-like names across scripts."""

from __future__ import annotations

import random

from _match_items import words

from watcher.config import AliasConfig, EntityConfig

# --- the real entities (config.yaml and ../shared/matcher/entities.yaml) -------------------------

REAL_ENTITIES: list[dict] = [
    {
        "name": "Xiaomi",
        "aliases": ["Xiaomi", "小米集团", "小米公司", "小米手机", "샤오미", "シャオミ", "Сяоми", "Ксяоми"],
    },
    {"name": "Samsung", "aliases": ["Samsung", "삼성", "三星", "サムスン", "Самсунг"], "exclude": ["三星堆"]},
    {
        "name": "Mi Pay",
        "aliases": [{"text": "Mi Pay", "case_sensitive": True}, {"text": "MiPay", "case_sensitive": True}, "小米支付"],
    },
    {
        "name": "Korea",
        "aliases": [
            "Korea",
            "Korea*",
            "South Korea*",
            "Corea*",
            "Coreia*",
            "sudcorean*",
            "surcorean*",
            "Corée*",
            "coréen*",
            "Südkorea*",
            "koreanisch*",
            "Южн* Коре*",
            "Коре*",
            "한국",
            "대한민국",
            "韩国",
            "韓国",
            "南韩",
        ],
        "exclude": ["North Korea", "Corea del Nord", "Corée du Nord", "Nordkorea", "Северн* Коре*", "북한", "朝鲜"],
    },
    {"name": "Nestlé", "aliases": ["Nestlé", "雀巢"]},
    {
        "name": "Apple",
        "aliases": [{"text": "Apple", "case_sensitive": True}, "苹果公司", "애플"],
        "require_any": ["iPhone", "iPad", "Mac", "Cupertino", "Tim Cook", "App Store", "애플", "苹果公司"],
    },
    {
        "name": "Germany",
        "aliases": [
            "Germany",
            "German",
            "Deutschland",
            "deutsch*",
            "Germania",
            "tedesc*",
            "Allemagne",
            "allemand*",
            "Alemania",
            "aleman*",
            "독일",
            "德国",
            "ドイツ",
        ],
        "exclude": ["German shepherd", "pastore tedesco"],
    },
    {
        "name": "Mergers",
        "aliases": ["merger*", "acquisition*", "fusion*", "acquisizion*", "Übernahme*", "인수", "收购"],
    },
]
SMALL_SET = [  # exactly 10 aliases
    {"name": "Xiaomi", "aliases": ["Xiaomi", "小米集团", "샤오미", "シャオミ", "Сяоми"]},
    REAL_ENTITIES[1],
]


def _alias_text(alias: str | dict) -> str:
    return alias if isinstance(alias, str) else alias["text"]


REAL_ALIASES = [_alias_text(a).replace("*", "") for e in REAL_ENTITIES for a in e["aliases"]]

# --- synthetic company-like names across scripts ------------------------------------------------

SYLLABLES = {
    "latin": words("ka ve lor tri ne mon dax sel qui ra zen bo fi gal tor vi no ster ex um pel cor dri ano wek"),
    "cyrillic": words("ка ве лор три не мон дакс сел ра зен бо фи гал тор ви но стер екс ум"),
    "greek": words("κα βε λορ τρι νε μον δαξ σελ ρα ζεν μπο φι γαλ τορ βι νο"),
    "arabic": words("كا في لور تري نو مون دا سل را زين بو فيل"),
    "hebrew": words("קה וה לור טרי נו מון דה סל רה זן בו פי"),
    "devanagari": words("का वे लोर त्री ने मोन दा सेल रा ज़ेन बो फ़ि"),
    "thai": words("กา เว ลอ ตรี เน มอน ดา เซล รา เซน โบ ฟี"),
    "katakana": words("カ ヴェ ロ トリ ネ モン ダ セル ラ ゼン ボ フィ ガル"),
}
HAN_POOL = "华新东方海天宏达盛金泰安恒信科创联合远航瑞丰嘉鼎晟昊锐博通汇鑫康利源宝隆星光明辉腾飞永兴"
HANGUL_POOL = "가나다라마바사아자차카타파하강남동서한신대성진우현태영민준호"
LATIN_SUFFIXES = ["", "", "", " Systems", " Holdings", " Group", " Labs", " Motors", " Bank", " Pharma", " Energy"]
ACCENTS = str.maketrans({"e": "é", "o": "ö", "a": "á", "u": "ü"})


def synthetic_aliases(rng: random.Random, count: int, taken: set[str]) -> list[AliasConfig]:
    """`count` distinct company-like aliases, mostly Latin, the rest across other scripts."""
    out: list[AliasConfig] = []
    scripts = ["latin"] * 10 + ["cyrillic", "greek", "arabic", "hebrew", "devanagari", "thai", "katakana"]
    scripts += ["han", "han", "hangul", "hangul"]
    while len(out) < count:
        script = rng.choice(scripts)
        case_sensitive = False
        if script == "han":
            text = "".join(rng.choice(HAN_POOL) for _ in range(rng.randint(3, 4))) + rng.choice(["", "集团", "科技"])
        elif script == "hangul":
            text = "".join(rng.choice(HANGUL_POOL) for _ in range(rng.randint(3, 4)))
        else:
            parts = SYLLABLES[script]
            text = "".join(rng.choice(parts) for _ in range(rng.randint(3, 4)))
            if script == "latin":
                text = text.capitalize()
                roll = rng.random()
                if roll < 0.1:
                    text = text.translate(ACCENTS)
                elif roll < 0.15:
                    text += "*"
                elif roll < 0.18:
                    case_sensitive = True
                text += rng.choice(LATIN_SUFFIXES) if not text.endswith("*") else ""
            elif script in ("cyrillic", "greek"):
                text = text.capitalize()
        key = text.casefold()
        if key in taken:
            continue
        taken.add(key)
        out.append(AliasConfig(text=text, case_sensitive=case_sensitive))
    return out


def entity_set(rng: random.Random, total_aliases: int, synthetic: list[AliasConfig]) -> list[EntityConfig]:
    if total_aliases <= 10:
        return [EntityConfig.model_validate(e) for e in SMALL_SET]
    entities = [EntityConfig.model_validate(e) for e in REAL_ENTITIES]
    need = total_aliases - sum(len(e.aliases) for e in entities)
    pool = synthetic[:need]
    index = 0
    while index < len(pool):
        size = rng.randint(1, 4)
        chunk = pool[index : index + size]
        entities.append(EntityConfig(name=f"Synthetic {len(entities):05d}", aliases=chunk))
        index += size
    return entities
