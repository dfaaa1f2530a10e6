"""Leads as real feeds write them, made from a labelled set's clean ones: a spokesperson's quote before the lead, a
wire dateline before it, or a summary that only repeats the headline (Google News); or the quote after the lead's
first sentence, as press releases put it. Used by bench/perturb-leads and
bench/analyze-quality --perturb to measure how much each costs the story grouping and the events. Deterministic:
an item's choices follow from its id alone.

The quotes are our own, in the item's language (the 32 most common of the tuning sets; others get English): some
plain, some naming the company, some with a figure or a year, in the language's own quote marks and attribution.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from typing import Any

from watcher.analyze.analyzer import split_sentences

MODES = ("quote", "quote-after", "dateline", "headline")

# Per language: (quote marks, attributions, quotes). "{company}" is the item's tracked company (a quote without it is
# chosen where the item names none); the figures and years vary by item.
_Q = tuple[str, str]
_QUOTES: dict[str, tuple[_Q, Sequence[str], Sequence[str]]] = {
    "en": (("“", "”"), ("said a spokesperson", "the chief executive said", "a company spokeswoman told reporters"), (
        "We are very pleased with this step", "This is an important milestone for {company}",
        "We expect to reach {n} customers by {year}", "Our customers have been asking for this for a long time",
        "{company} remains fully committed to its long-term strategy")),
    "de": (("„", "“"), ("sagte ein Sprecher", "erklärte der Vorstandschef", "teilte eine Sprecherin mit"), (
        "Wir freuen uns sehr über diesen Schritt", "Das ist ein wichtiger Meilenstein für {company}",
        "Wir wollen bis {year} rund {n} Kunden erreichen", "Unsere Kunden haben lange darauf gewartet")),
    "fr": (("« ", " »"),
        ("a déclaré un porte-parole", "a indiqué le directeur général", "a précisé une porte-parole"), (
        "Nous sommes très heureux de cette étape", "C'est une étape importante pour {company}",
        "Nous visons {n} clients d'ici {year}", "Nos clients l'attendaient depuis longtemps")),
    "es": (("«", "»"), ("dijo un portavoz", "afirmó el consejero delegado", "señaló una portavoz"), (
        "Estamos muy satisfechos con este paso", "Es un hito importante para {company}",
        "Esperamos llegar a {n} clientes en {year}", "Nuestros clientes lo pedían desde hace tiempo")),
    "pt": (("“", "”"), ("disse um porta-voz", "afirmou o presidente executivo", "declarou uma porta-voz"), (
        "Estamos muito satisfeitos com este passo", "Este é um marco importante para a {company}",
        "Esperamos atingir {n} clientes até {year}", "Os nossos clientes pediam isto há muito tempo")),
    "it": (("«", "»"),
        ("ha detto un portavoce", "ha dichiarato l'amministratore delegato", "ha spiegato una portavoce"), (
        "Siamo molto soddisfatti di questo passo", "È una tappa importante per {company}",
        "Puntiamo a {n} clienti entro il {year}", "I nostri clienti lo chiedevano da tempo")),
    "nl": (("‘", "’"), ("zei een woordvoerder", "aldus de topman", "verklaarde een woordvoerster"), (
        "We zijn erg blij met deze stap", "Dit is een belangrijke mijlpaal voor {company}",
        "We willen in {year} {n} klanten bereiken", "Onze klanten vroegen hier al lang om")),
    "pl": (("„", "”"), ("powiedział rzecznik", "oświadczył prezes", "przekazała rzeczniczka"), (
        "Jesteśmy bardzo zadowoleni z tego kroku", "To ważny kamień milowy dla {company}",
        "Chcemy do {year} roku dotrzeć do {n} klientów", "Nasi klienci długo na to czekali")),
    "tr": (("“", "”"), ("dedi şirket sözcüsü", "diye konuştu genel müdür", "açıklamasında bulundu bir sözcü"), (
        "Bu adımdan çok memnunuz", "Bu, {company} için önemli bir dönüm noktası",
        "{year} yılına kadar {n} müşteriye ulaşmayı hedefliyoruz", "Müşterilerimiz bunu uzun süredir istiyordu")),
    "ru": (("«", "»"), ("сказал представитель компании", "заявил генеральный директор", "отметила пресс-секретарь"), (
        "Мы очень рады этому шагу", "Это важная веха для {company}",
        "Мы рассчитываем привлечь {n} клиентов к {year} году", "Наши клиенты давно этого ждали")),
    "uk": (("«", "»"), ("сказав речник компанії", "заявив генеральний директор", "зазначила речниця"), (
        "Ми дуже раді цьому кроку", "Це важлива віха для {company}",
        "Ми розраховуємо залучити {n} клієнтів до {year} року")),
    "ar": (("«", "»"), ("قال متحدث باسم الشركة", "صرح الرئيس التنفيذي", "أوضحت متحدثة"), (
        "نحن سعداء جدا بهذه الخطوة", "هذه محطة مهمة لشركة {company}",
        "نتوقع الوصول إلى {n} عميل بحلول عام {year}", "طالما طلب عملاؤنا ذلك")),
    "zh": (("“", "”"), ("一位发言人表示", "首席执行官说", "公司发言人对记者表示"), (
        "我们对这一步感到非常高兴", "这是{company}的一个重要里程碑",
        "我们预计到{year}年将拥有{n}名客户", "我们的客户期待这一天已经很久了")),
    "ja": (("「", "」"), ("と広報担当者は述べた", "と社長は語った", "と同社の広報担当者は記者団に語った"), (
        "この一歩を大変うれしく思います", "{company}にとって重要な節目です",
        "{year}年までに{n}人の顧客獲得を目指します", "お客様から長くご要望をいただいていました")),
    "ko": (("“", "”"), ("라고 회사 대변인이 말했다", "라고 최고경영자가 밝혔다", "라고 관계자는 설명했다"), (
        "이번 조치에 매우 만족한다", "{company}에 중요한 이정표다",
        "{year}년까지 고객 {n}명을 확보할 계획이다", "고객들이 오랫동안 기다려 온 일이다")),
    "hi": (("“", "”"), ("एक प्रवक्ता ने कहा", "मुख्य कार्यकारी अधिकारी ने कहा", "कंपनी की प्रवक्ता ने बताया"), (
        "हम इस कदम से बहुत खुश हैं", "यह {company} के लिए एक महत्वपूर्ण पड़ाव है",
        "हम {year} तक {n} ग्राहकों तक पहुंचने की उम्मीद करते हैं")),
    "vi": (("“", "”"), ("một người phát ngôn cho biết", "tổng giám đốc nói", "nữ phát ngôn viên cho biết"), (
        "Chúng tôi rất vui mừng với bước đi này", "Đây là cột mốc quan trọng của {company}",
        "Chúng tôi kỳ vọng đạt {n} khách hàng vào năm {year}")),
    "sv": (("”", "”"), ("säger en talesperson", "säger vd", "uppger en presstalesperson"), (
        "Vi är mycket glada över det här steget", "Det här är en viktig milstolpe för {company}",
        "Vi räknar med {n} kunder år {year}")),
    "da": (("»", "«"), ("siger en talsperson", "udtaler den administrerende direktør", "oplyser en pressechef"), (
        "Vi er meget glade for dette skridt", "Det er en vigtig milepæl for {company}",
        "Vi forventer {n} kunder i {year}")),
    "no": (("«", "»"), ("sier en talsperson", "sier konsernsjefen", "opplyser en pressetalsperson"), (
        "Vi er svært fornøyde med dette steget", "Dette er en viktig milepæl for {company}",
        "Vi venter {n} kunder i {year}")),
    "fi": (("”", "”"), ("sanoo tiedottaja", "kertoo toimitusjohtaja", "toteaa yhtiön tiedottaja"), (
        "Olemme erittäin tyytyväisiä tähän askeleeseen", "Tämä on tärkeä virstanpylväs yhtiölle {company}",
        "Odotamme {n} asiakasta vuoteen {year} mennessä")),
    "id": (("“", "”"), ("kata seorang juru bicara", "ujar direktur utama", "jelas juru bicara perusahaan"), (
        "Kami sangat senang dengan langkah ini", "Ini tonggak penting bagi {company}",
        "Kami menargetkan {n} pelanggan pada {year}")),
    "ms": (("“", "”"), ("kata seorang jurucakap", "kata ketua pegawai eksekutif", "jelas jurucakap syarikat"), (
        "Kami amat gembira dengan langkah ini", "Ini satu pencapaian penting bagi {company}",
        "Kami menyasarkan {n} pelanggan menjelang {year}")),
    "sw": (("“", "”"), ("alisema msemaji", "alisema mkurugenzi mtendaji", "alieleza msemaji wa kampuni"), (
        "Tunafurahi sana na hatua hii", "Hii ni hatua muhimu kwa {company}",
        "Tunatarajia kufikia wateja {n} ifikapo {year}")),
    "th": (("“", "”"), ("โฆษกกล่าว", "ประธานเจ้าหน้าที่บริหารกล่าว", "โฆษกของบริษัทระบุ"), (
        "เรายินดีอย่างยิ่งกับก้าวนี้", "นี่คือหมุดหมายสำคัญของ {company}",
        "เราคาดว่าจะมีลูกค้า {n} รายภายในปี {year}")),
    "cs": (("„", "“"), ("řekl mluvčí", "uvedl generální ředitel", "sdělila mluvčí společnosti"), (
        "Z tohoto kroku máme velkou radost", "Je to důležitý milník pro {company}",
        "Do roku {year} chceme oslovit {n} zákazníků")),
    "ro": (("„", "”"),
        ("a declarat un purtător de cuvânt", "a spus directorul general", "a precizat o purtătoare de cuvânt"), (
        "Suntem foarte mulțumiți de acest pas", "Este o etapă importantă pentru {company}",
        "Ne propunem {n} de clienți până în {year}")),
    "hu": (("„", "”"), ("mondta a szóvivő", "nyilatkozta a vezérigazgató", "közölte a cég szóvivője"), (
        "Nagyon örülünk ennek a lépésnek", "Ez fontos mérföldkő a(z) {company} számára",
        "{year}-ig {n} ügyfelet szeretnénk elérni")),
    "bn": (("“", "”"), ("একজন মুখপাত্র বলেন", "প্রধান নির্বাহী বলেন", "প্রতিষ্ঠানের মুখপাত্র জানান"), (
        "এই পদক্ষেপে আমরা খুবই আনন্দিত", "এটি {company}-এর জন্য একটি গুরুত্বপূর্ণ মাইলফলক",
        "{year} সালের মধ্যে আমরা {n} গ্রাহকের কাছে পৌঁছাতে চাই")),
    "kk": (("«", "»"), ("деді компания өкілі", "деді бас атқарушы директор", "деп атап өтті баспасөз хатшысы"), (
        "Бұл қадамға өте қуаныштымыз", "Бұл {company} үшін маңызды кезең",
        "{year} жылға қарай {n} клиентке жетуді көздейміз")),
    "el": (("«", "»"), ("δήλωσε εκπρόσωπος", "είπε ο διευθύνων σύμβουλος", "ανέφερε εκπρόσωπος της εταιρείας"), (
        "Είμαστε πολύ ικανοποιημένοι με αυτό το βήμα", "Είναι σημαντικό ορόσημο για την {company}",
        "Στόχος μας είναι {n} πελάτες έως το {year}")),
    "he": (('"', '"'), ("אמר דובר החברה", "אמר המנכ\"ל", "מסרה דוברת החברה"), (
        "אנחנו מרוצים מאוד מהצעד הזה", "זהו ציון דרך חשוב עבור {company}",
        "אנו מצפים להגיע ל-{n} לקוחות עד {year}")),
    "tl": (("“", "”"),
        ("sabi ng isang tagapagsalita", "ayon sa punong ehekutibo", "paliwanag ng tagapagsalita ng kumpanya"), (
        "Lubos kaming natutuwa sa hakbang na ito", "Mahalagang yugto ito para sa {company}",
        "Inaasahan naming maabot ang {n} na customer pagsapit ng {year}")),
}  # fmt: skip
_FIGURES = ("10,000", "250,000", "1 million", "5,000", "40,000")
_YEARS = ("2027", "2028", "2030")

# Wire datelines: a city where the agency's reporter is (not the story's), and how the item's language writes one.
_CITIES = ("PARIS", "LONDON", "FRANKFURT", "NEW YORK", "TOKYO", "SINGAPORE", "DUBAI", "SAO PAULO", "MUMBAI", "SEOUL")
_DATELINES: dict[str, Callable[[str, int, int], str]] = {
    "en": lambda city, month, day: f"{city}, {_MONTHS_EN[month - 1]} {day} (Reuters) - ",
    "de": lambda city, _m, _d: f"{city} (dpa) - ",
    "fr": lambda city, _m, _d: f"{city.title()} (AFP) - ",
    "es": lambda city, _m, _d: f"{city} (EFE) — ",
    "it": lambda city, _m, _d: f"{city.title()} (ANSA) - ",
    "pt": lambda city, _m, _d: f"{city} (Reuters) - ",
    "ru": lambda city, month, day: f"МОСКВА, {day} {_MONTHS_RU[month - 1]}. /ТАСС/. ",
    "zh": lambda _c, month, day: f"新华社北京{month}月{day}日电 ",
    "ja": lambda _c, _m, _d: "【東京＝共同】",
    "ko": lambda _c, _m, _d: "(서울=연합뉴스) ",
    "ar": lambda _c, _m, _d: "دبي (رويترز) - ",
}
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December")  # fmt: skip
_MONTHS_RU = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
              "ноября", "декабря")  # fmt: skip


def _pick(key: str, salt: str, choices: Sequence[Any]) -> Any:
    return choices[zlib.crc32(f"{salt}:{key}".encode()) % len(choices)]


def spokesperson_quote(key: str, language: str | None, company: str | None) -> str:
    """One quote sentence with its attribution, in the language (English where none is written), chosen by `key`."""
    (opening, closing), attributions, quotes = _QUOTES.get(language or "", _QUOTES["en"])
    usable = [quote for quote in quotes if company or "{company}" not in quote]
    quote = _pick(key, "quote", usable).format(
        company=company, n=_pick(key, "figure", _FIGURES), year=_pick(key, "year", _YEARS)
    )
    attribution = _pick(key, "who", attributions)
    if language == "ja":  # the attribution follows the quote without a comma: 「…」と述べた。
        return f"{opening}{quote}{closing}{attribution}。"
    if language == "ko":
        return f"{opening}{quote}{closing}{attribution}."
    if language in ("zh",):
        return f"{opening}{quote}，{closing}{attribution}。"
    return f"{opening}{quote},{closing} {attribution}."


def dateline(key: str, language: str | None, month: int, day: int) -> str:
    write = _DATELINES.get(language or "", lambda city, _m, _d: f"{city} (Reuters) — ")
    return write(_pick(key, "city", _CITIES), month, day)


def perturb(row: dict[str, Any], mode: str, companies: Sequence[str] = ()) -> dict[str, Any]:
    """A labelled row with its summary as `mode` writes it; `companies`: the tracked names to look for in its
    headline (one of them is named in some quotes)."""
    key, language = str(row["id"]), row.get("lang")
    title, summary = str(row.get("title") or ""), str(row.get("summary") or "")
    if mode in ("quote", "quote-after"):
        company = next((name for name in companies if name.casefold() in title.casefold()), None)
        quote = spokesperson_quote(key, language, company)
        # quote-after: the press release's order, the news first, then what its chief says of it
        parts = split_sentences(summary) if mode == "quote-after" else [summary]
        at = 1 if mode == "quote-after" else 0
        summary = " ".join(part for part in (*parts[:at], quote, *parts[at:]) if part)
    elif mode == "dateline":
        published = str(row.get("published") or "2025-01-01")
        month, day = int(published[5:7]), int(published[8:10])
        summary = f"{dateline(key, language, month, day)}{summary}"
    elif mode == "headline":
        summary = f"{title}  {row.get('feed') or ''}".strip()  # Google News: the headline and the outlet again
    else:
        raise ValueError(f"unknown perturbation {mode!r}: one of {', '.join(MODES)}")
    return {**row, "summary": summary}
