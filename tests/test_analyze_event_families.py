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
        ("hu", "A Noon 1 milliárd dollárt gyűjtött egy új finanszírozási körben"),
        ("el", "Η Noon άντλησε 1 δισ. δολάρια σε γύρο χρηματοδότησης"),
        ("hi", "Noon ने फंडिंग राउंड में 1 अरब डॉलर जुटाए"),
        ("ro", "Noon atrage 1 miliard de dolari într-o rundă de finanțare"),
        ("uk", "Noon залучила $1 млрд у раунді фінансування"),
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
        ("ru", "Финансовый директор Hilton уходит на пенсию"),
        ("ja", "Hiltonの最高財務責任者が引退へ"),
        ("zh", "Hilton首席财务官将退休"),
        ("ko", "Hilton 최고재무책임자 은퇴"),
        ("tr", "Hilton'un finans direktörü emekli oluyor"),
        ("pl", "Dyrektor finansowy Hilton przechodzi na emeryturę"),
        ("sv", "Hilton: finanschefen går i pension"),
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
        ("nl", "Collectieve actie tegen Valve toegelaten"),
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
        ("ko", "Valve, 'Steam Lens' 상표 출원"),
        ("tr", "Valve, Steam Lens için marka tescil başvurusu yaptı"),
        ("cs", "Valve podala přihlášku ochranné známky Steam Lens"),
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
        ("ru", "Shell будет поставлять СПГ компании CMA CGM"),
        ("pl", "Shell będzie dostarczać LNG dla CMA CGM"),
        ("ja", "ShellがCMA CGMにLNGを供給"),
        ("zh", "Shell将向CMA CGM供应液化天然气"),
        ("ko", "Shell, CMA CGM에 LNG 공급"),
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
        ("es", "Hilton rescinde sus contratos de franquicia en Rusia"),
        ("pt", "Hilton rescinde contratos de franquia na Rússia"),
        ("it", "Hilton rescinde i contratti di franchising in Russia"),
        ("nl", "Hilton beëindigt franchisecontracten in Rusland"),
        ("uk", "Hilton розірвала франчайзингові угоди з російськими готелями"),
        ("fr", "Le chômage technique durera trois semaines chez Shell; aucune suppression d'emplois n'est prévue."),
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
        ("en", "PayNara, founded by ex-employees of Stripe, raises $20 million"),
        ("de", "PayNara, gegründet von ehemaligen Mitarbeitern von Stripe, sammelt 20 Millionen ein"),
        ("fr", "PayNara, fondée par d'anciens salariés de Stripe, lève 20 millions d'euros"),
        ("es", "PayNara, fundada por antiguos empleados de Stripe, recauda 20 millones"),
        ("it", "PayNara, fondata da ex dipendenti di Stripe, raccoglie 20 milioni di euro"),
        ("pt", "PayNara, fundada por ex-funcionários da Stripe, capta R$ 100 milhões"),
        ("pl", "PayNara, założona przez byłych pracowników Stripe, pozyskuje 20 mln zł w rundzie finansowania"),
    ],
)
def test_a_former_employees_or_competitors_company_raises_money_not_the_tracked_one(language: str, title: str) -> None:
    assert not any(entity == "Stripe" for _kind, entity, _market in events(COMPANIES, language, title))
