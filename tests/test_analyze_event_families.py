"""Event cue families checked across languages (issue 11, heldout22): funding rounds and bonds, a manager retiring,
class actions, trademarks, supply deals between two tracked companies, and what takes an event back (no job cuts, a
contract terminated, a former employee's or a competitor's company). Test sentences written for these tests."""

from __future__ import annotations

import pytest

from tests.analyze_events import analyzer_of, events

COMPANIES = analyzer_of(["Noon", "Yamato", "Hilton", "Valve", "Shell", "CMA CGM", "Stripe"])


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("ar", "Noon تجمع مليار دولار في جولة تمويل جديدة"),
        ("ru", "Noon привлекла $1 млрд в раунде финансирования"),
        ("pl", "Noon pozyskuje 1 mld dolarów w rundzie finansowania"),
        ("nl", "Noon haalt 1 miljard dollar op in nieuwe financieringsronde"),
        ("sv", "Noon tar in en miljard dollar i en ny finansieringsrunda"),
        ("cs", "Noon získal miliardu dolarů v investičním kole"),
        ("tr", "Noon yeni yatırım turunda 1 milyar dolar topladı"),
        ("ja", "Yamato、300億円のグリーンボンドを発行"),
        ("zh", "Yamato发行50亿元绿色债券"),
        ("ko", "Yamato, 3000억원 규모 녹색채권 발행"),
        ("de", "Yamato begibt grüne Anleihen über 300 Millionen Euro"),
        ("fr", "Yamato émet des obligations vertes pour 300 millions d'euros"),
        ("es", "Yamato emite bonos verdes por 300 millones"),
        ("pt", "Yamato emite títulos verdes de 300 milhões"),
    ],
)
def test_funding_rounds_and_bonds(language: str, title: str) -> None:
    found = events(COMPANIES, language, title)
    assert {kind for kind, _entity, _market in found} == {"funding"}


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("en", "Hilton's CFO to retire at the end of the year"),
        ("he", 'סמנכ"ל הכספים של Hilton יפרוש בסוף השנה'),
        ("fr", "Le directeur financier de Hilton prendra sa retraite en fin d'année"),
        ("es", "El director financiero de Hilton se jubilará a final de año"),
        ("it", "Il direttore finanziario di Hilton andrà in pensione a fine anno"),
        ("pt", "O diretor financeiro da Hilton vai se aposentar no fim do ano"),
        ("de", "Hilton-CFO geht in den Ruhestand"),
        ("nl", "Financieel directeur van Hilton gaat met pensioen"),
        ("ar", "المدير المالي لشركة Hilton سيتقاعد نهاية العام"),
    ],
)
def test_a_manager_retiring_is_a_change_of_leadership(language: str, title: str) -> None:
    assert ("leadership", "Hilton", None) in events(COMPANIES, language, title)


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("fr", "Valve perd une bataille judiciaire au Royaume-Uni"),
        ("fr", "Une action collective contre Valve autorisée à Londres"),
        ("en", "Valve loses a legal battle in the UK"),
        ("es", "Valve pierde una batalla judicial en el Reino Unido"),
        ("it", "Via libera alla class action contro Valve"),
        ("pt", "Ação coletiva contra a Valve é autorizada em Londres"),
        ("de", "Sammelklage gegen Valve zugelassen"),
        ("pl", "Pozew zbiorowy przeciwko Valve dopuszczony w Londynie"),
    ],
)
def test_class_actions_and_legal_battles(language: str, title: str) -> None:
    assert ("legal", "Valve", None) in events(COMPANIES, language, title)


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("uk", "Valve подала заявку на торговельну марку Steam Lens"),
        ("ru", "Valve подала заявку на торговую марку Steam Lens"),
        ("es", "Valve presenta una solicitud de marca para Steam Lens"),
        ("pl", "Valve zgłasza znak towarowy Steam Lens"),
        ("nl", "Valve dient merkaanvraag in voor Steam Lens"),
        ("ja", "Valve、「Steam Lens」の商標を出願"),
        ("zh", "Valve申请Steam Lens商标"),
    ],
)
def test_a_trademark_filed_is_a_patent_event(language: str, title: str) -> None:
    assert ("patent", "Valve", None) in events(COMPANIES, language, title)


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("nl", "Shell gaat tien jaar lng leveren aan CMA CGM"),
        ("en", "Shell to supply LNG to CMA CGM for ten years"),
        ("fr", "Shell fournira du GNL à CMA CGM pendant dix ans"),
        ("es", "Shell suministrará GNL a CMA CGM durante diez años"),
        ("de", "Shell liefert künftig LNG an CMA CGM"),
        ("it", "Shell fornirà GNL a CMA CGM per dieci anni"),
    ],
)
def test_a_supply_deal_between_two_tracked_companies_is_theirs(language: str, title: str) -> None:
    found = events(COMPANIES, language, title)
    assert {("partnership", "Shell", None), ("partnership", "CMA CGM", None)} <= found


def test_supplying_customers_is_no_deal() -> None:
    assert events(COMPANIES, "en", "Shell will build a terminal to supply food makers across the region") == set()


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("en", "The stoppage will last three weeks at Shell; no job cuts are planned."),
        ("ru", "Hilton расторгла франчайзинговые договоры с российскими отелями"),
        ("en", "Hilton terminates franchise agreements with its Russian hotels"),
        ("fr", "Hilton résilie ses contrats de franchise en Russie"),
        ("de", "Hilton kündigt die Franchiseverträge in Russland"),
        ("pl", "Hilton zrywa umowy franczyzowe w Rosji"),
    ],
)
def test_no_job_cuts_and_a_terminated_contract_are_no_event(language: str, title: str) -> None:
    assert events(COMPANIES, language, title) == set()


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("th", "PayNara ซึ่งก่อตั้งโดยอดีตพนักงานของ Stripe ปิดการระดมทุนรอบซีรีส์ A มูลค่า 300 ล้านบาท"),
        ("he", "החברה, שמפתחת תשתית סליקה ומתחרה בין היתר ב-Stripe, השלימה סבב גיוס של 50 מיליון דולר"),
        ("ru", "PayNara, основанная бывшими сотрудниками Stripe, привлекла $20 млн"),
        ("nl", "PayNara, opgericht door voormalige medewerkers van Stripe, haalt 20 miljoen op in financieringsronde"),
        ("vi", "PayNara do cựu nhân viên Stripe sáng lập huy động vốn 20 triệu USD"),
        ("id", "PayNara yang didirikan mantan karyawan Stripe meraih pendanaan 20 juta dolar"),
    ],
)
def test_a_former_employees_or_competitors_company_raises_money_not_the_tracked_one(language: str, title: str) -> None:
    assert not any(entity == "Stripe" for _kind, entity, _market in events(COMPANIES, language, title))
