"""bench/match's items: deterministic sentences in 17 languages and scripts, with entity names mixed in."""

from __future__ import annotations

import random

# --- vocabulary ----------------------------------------------------------------------------------


def words(text: str) -> list[str]:
    return text.split()


SPACED_WORDS = {
    "en": "the market shares rose after quarterly results beat forecasts while investors weighed new chip "
    "export rules and supply chains across the region company said its outlook for next year remains strong",
    "it": "il mercato delle azioni è salito dopo i risultati trimestrali mentre gli investitori valutano le nuove "
    "regole sulle esportazioni di chip e la catena di fornitura della società più forte già però perché",
    "fr": "le marché des actions a progressé après des résultats trimestriels supérieurs aux prévisions tandis "
    "que les investisseurs évaluent les règles d’exportation société français économie déjà très",
    "de": "der Markt für Aktien stieg nach den Quartalszahlen während Anleger die neuen Exportregeln für Chips "
    "prüften Straße größer Gründe Übersicht Lieferkette Unternehmen außerdem Maßnahmen schließlich",
    "es": "el mercado de acciones subió tras los resultados trimestrales mientras los inversores evalúan las "
    "nuevas reglas de exportación de chips compañía también según año próximo",
    "pl": "rynek akcji wzrósł po wynikach kwartalnych podczas gdy inwestorzy oceniali nowe zasady eksportu "
    "chipów łańcuch dostaw spółka źródło żeby więcej",
    "tr": "piyasa hisseleri çeyreklik sonuçların ardından yükseldi yatırımcılar yeni çip ihracat kurallarını "
    "değerlendirdi şirket İstanbul ılımlı büyüme ağır",
    "vi": "thị trường cổ phiếu tăng sau kết quả quý trong khi các nhà đầu tư đánh giá quy định xuất khẩu chip "
    "mới chuỗi cung ứng công ty Việt Nam",
    "ru": "рынок акций вырос после квартальных результатов пока инвесторы оценивали новые правила экспорта чипов "
    "цепочки поставок компания заявила прогноз ещё",
    "el": "η αγορά μετοχών ανέβηκε μετά τα τριμηνιαία αποτελέσματα ενώ οι επενδυτές αξιολογούσαν νέους κανόνες "
    "εξαγωγών εταιρεία Αθήνα",
    "ar": "ارتفعت أسهم السوق بعد النتائج الفصلية بينما قيم المستثمرون القواعد الجديدة لتصدير الرقائق الشركة "
    "سلاسل التوريد العام المقبل",
    "he": "מניות השוק עלו לאחר התוצאות הרבעוניות בזמן שהמשקיעים בחנו כללי יצוא חדשים לשבבים החברה שרשרת האספקה",
    "hi": "तिमाही नतीजों के बाद बाज़ार के शेयर बढ़े जबकि निवेशकों ने चिप निर्यात के नए नियमों का आकलन किया कंपनी आपूर्ति श्रृंखला भारतीय",
}
UNSPACED_WORDS = {
    "zh": "市场 股价 上涨 季度 业绩 超出 预期 投资者 评估 芯片 出口 新规 "
    "供应链 公司 表示 明年 前景 强劲 发布 手机 首尔 北京",
    "ja": "市場 株価 上昇 四半期 決算 予想 投資家 半導体 輸出 規制 供給網 "
    "会社 発表 来年 見通し スマートフォン の は が を に",
    "th": "ตลาด หุ้น ปรับตัว ขึ้น หลัง ผล ประกอบการ รายไตรมาส นักลงทุน ประเมิน กฎ การส่งออก ชิป บริษัท",
}
KOREAN_WORDS = words("시장 주가 상승 분기 실적 예상 투자자 반도체 수출 규제 공급망 회사 발표 내년 전망 서울")
KOREAN_PARTICLES = ["은", "는", "이", "가", "을", "를", "의", "에서", ""]
DECORATIONS = [
    "📈",
    "🚀",
    "👩\u200d💻",
    "𝐍𝐄𝐖𝐒",
    "—",
    "«\u00a0Reuters\u00a0»",
    "“",
    "”",
    "(",
    ")",
    "10\u00a0%",
    "’s",
    "ＡＩ",
    "（3）",
]

# --- items ---------------------------------------------------------------------------------------


def sentence(rng: random.Random, lang: str, words: int) -> str:
    if lang in SPACED_WORDS:
        vocabulary = SPACED_WORDS[lang].split()
        return " ".join(rng.choice(vocabulary) for _ in range(words))
    if lang == "ko":
        return " ".join(rng.choice(KOREAN_WORDS) + rng.choice(KOREAN_PARTICLES) for _ in range(words))
    vocabulary = UNSPACED_WORDS[lang].split()
    text = "".join(rng.choice(vocabulary) for _ in range(words))
    return text + ("。" if lang != "th" else " ")


LANGS = list(SPACED_WORDS) + list(UNSPACED_WORDS) + ["ko"]


def make_item(rng: random.Random, number: int, mentions: tuple[list[str], list[str]]) -> dict[str, str]:
    """~600 characters over title, summary and content; a mention of a real or synthetic alias now and then."""
    lang = rng.choice(LANGS)
    fields = {}
    for name, length in (("title", 60), ("summary", 150), ("content", 350)):
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < length:
            other = rng.random() < 0.15
            parts.append(sentence(rng, rng.choice(LANGS) if other else lang, rng.randint(4, 9)))
            if rng.random() < 0.25:
                parts.append(rng.choice(DECORATIONS))
        if rng.random() < (0.5 if name == "title" else 0.35):
            real, synthetic = mentions
            parts.insert(rng.randrange(len(parts) + 1), rng.choice(real if rng.random() < 0.3 else synthetic))
        fields[name] = " ".join(parts)[: length + 20]
    return {"id": str(number), **fields}
