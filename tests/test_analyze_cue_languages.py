"""Cue tables and country names of languages heldout24 brought that had none (Khmer, Lao, Mongolian, Malayalam,
Sinhala, Maltese, Irish, Zulu, Yoruba, Gujarati, Kyrgyz), and forms missing in languages that had them (Telugu
"started operations" with "మొదలు", Spanish "abre operaciones en", Hausa "samu jari", Amharic "በመግዛት"). Before,
such an item was read with every language's phrases and found none of its own: no entry, no purchase, no funding."""

from __future__ import annotations

import pytest

from tests.analyze_events import analyzer_of, events
from watcher.analyze.markets import market_finder

ANALYZER = analyzer_of(["Grab", "Samsung", "Yandex", "Revolut", "Stripe", "Shoprite", "Tata", "Flutterwave",
                        "Paystack", "Rappi", "Safaricom"])  # fmt: skip


@pytest.mark.parametrize(
    ("language", "title", "market"),
    [
        ("km", "ក្រុមហ៊ុន Grab ចូលទីផ្សារឡាវ ខែក្រោយ", "LA"),  # enters the Lao market next month
        ("lo", "ບໍລິສັດ Grab ເຂົ້າສູ່ຕະຫຼາດກຳປູເຈຍ", "KH"),  # enters the Cambodian market
        ("mn", "Samsung компани Монголын зах зээлд нэвтэрлээ", "MN"),  # has entered the Mongolian market
        ("ml", "സിംഗപ്പൂർ കമ്പനി Grab ഇന്ത്യയിൽ പ്രവർത്തനം ആരംഭിച്ചു", "IN"),  # started operations in India
        ("si", "Grab සමාගම ශ්‍රී ලංකා වෙළඳපොළට පිවිසෙයි", "LK"),  # enters the Sri Lankan market
        ("mt", "Revolut tidħol fis-suq tal-Italja", "IT"),  # enters the Italian market
        ("mt", "Revolut se tiftaħ l-ewwel uffiċċju tagħha fi Spanja", "ES"),  # will open its first office in Spain
        ("ga", "Stripe ag oscailt a chéad oifige sa Fhrainc", "FR"),  # opening its first office in France
        ("ky", "Yandex Өзбекстандын рыногуна чыкты", "UZ"),  # went into the Uzbek market
        ("te", "సింగపూర్ సంస్థ Grab భారత్‌లో కార్యకలాపాలు మొదలుపెట్టింది", "IN"),  # started operations in India
        ("es", "Rappi abre operaciones en Uruguay", "UY"),
    ],
)
def test_a_market_entry_in_a_language_that_had_no_cues(language: str, title: str, market: str) -> None:
    found = events(ANALYZER, language, title)
    assert {(kind, got) for kind, _entity, got in found} == {("market_entry", market)}, found


@pytest.mark.parametrize(
    ("language", "title", "kind"),
    [
        ("mn", "Yandex Казахстаны нэг компанийн 60 хувийг худалдан авлаа", "acquisition"),  # bought 60% of
        ("ga", "Cheannaigh Stripe comhlacht Éireannach", "acquisition"),  # Stripe bought an Irish company
        ("zu", "I-Shoprite ithenga inkampani yaseKenya", "acquisition"),  # buys a Kenyan company
        ("gu", "Tata એ પુણેની કંપનીમાં 30% હિસ્સો ખરીદ્યો", "acquisition"),  # bought a 30% stake
        ("am", "Safaricom የኢትዮጵያ ኩባንያ በመግዛት ገበያውን አሰፋ", "acquisition"),  # by buying an Ethiopian company
        ("yo", "Flutterwave gba owó ìdókòwò tó tó ọgọ́rùn-ún mílíọ̀nù dọ́là", "funding"),  # investment money
        ("ha", "Kamfanin Paystack ya samu jarin dala miliyan 50", "funding"),  # got $50m of capital
        ("en", "Flutterwave secures $40 million loan from Afreximbank", "funding"),
        ("km", "Grab ចុះហត្ថលេខាលើកិច្ចព្រមព្រៀងជាមួយ Samsung", "partnership"),  # signs an agreement with
        ("lo", "Grab ເຊັນສັນຍາຮ່ວມມືກັບ Samsung", "partnership"),  # signs a cooperation contract with
    ],
)
def test_other_events_in_those_languages(language: str, title: str, kind: str) -> None:
    assert kind in {found for found, _entity, _market in events(ANALYZER, language, title)}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("ក្រុមហ៊ុនចូលទីផ្សារកម្ពុជា", "KH"),  # Khmer, written without spaces
        ("ເຂົ້າສູ່ຕະຫຼາດກຳປູເຈຍ", "KH"),  # Lao
        ("Revolut tidħol fil-Ġappun", "JP"),  # Maltese: CLDR's "il-Ġappun" without its article
        ("oifig nua in Éirinn", "IE"),  # Irish: "Éire" in the dative
        ("ශ්‍රී ලංකා වෙළඳපොළ", "LK"),  # Sinhala: the name without CLDR's ending "-ව"
        ("në Maqedoninë e Veriut", "MK"),  # Albanian: "Maqedonia e Veriut" declined
    ],
)
def test_country_names_in_those_languages(text: str, code: str) -> None:
    assert code in {hit.code for hit in market_finder().find(text)}


def test_a_basque_language_name_is_no_dutch_adjective() -> None:
    """Basque "nederlandera" (the Dutch language) stemmed to "nederlander*" made Dutch "Nederlanders" an adjective
    (the country no longer named): Basque gives no adjectives."""
    (hit,) = market_finder().find("Nederlanders kunnen vanaf woensdag een rekening openen")
    assert (hit.code, hit.is_name) == ("NL", True)


@pytest.mark.parametrize(
    ("language", "title", "markets"),
    [
        ("ky", "Yandex Кыргызстанга жана Өзбекстанга биринчи жолу учат.", {"KG", "UZ"}),  # flies there a first time
        ("sq", "Yandex hyn në tregun e Shqipërisë dhe Kosovës", {"AL", "XK"}),  # enters the market of ... and ...
    ],
)
def test_countries_listed_with_the_languages_own_and(language: str, title: str, markets: set[str]) -> None:
    """ "жана", "dhe" (and) join two countries as "and" does: both are entered."""
    assert {market for _kind, _entity, market in events(ANALYZER, language, title)} == markets


def test_a_first_business_in_the_country_is_an_entry() -> None:
    title = "Yandex will pay $50 million for 40% of Armenia's biggest taxi firm, its first business in the country."
    assert ("market_entry", "Yandex", "AM") in events(ANALYZER, "en", title)
