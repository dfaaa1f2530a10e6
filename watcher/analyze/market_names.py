"""Country names CLDR does not give, written by hand: everyday and short forms (EXTRA_NAMES), adjectives where a
language's name for the country is not its adjective (EXTRA_ADJECTIVES), and regions that stand for several
countries (REGIONS). market_table.py builds them into the markets' automaton with CLDR's."""

from __future__ import annotations

# Short and everyday names CLDR does not give (it has one name per territory and locale).
EXTRA_NAMES: dict[str, list[str]] = {
    "KR": ["South Korea*", "Korea", "Sud Corea", "Sudcorea", "sudcorean*", "surcorean*", "Южн* Коре*", "Corée du Sud",
           "한국", "韩国", "南韩", "韓國", "Güney Kore*", "Korei Południowej", "كوريا الجنوبية"],
    "KP": ["North Korea*", "Corea del Nord", "Nordkorea*", "Северн* Коре*", "북한", "朝鲜"],
    "US": [{"text": "US", "case_sensitive": True}, {"text": "U.S.", "case_sensitive": True},
           {"text": "USA", "case_sensitive": True}, "America", "Amerika", "Stati Uniti", "Estados Unidos",
           "États-Unis", "США", "미국", "美国", "アメリカ", "米国", "الولايات المتحدة", "Stanów Zjednoczonych",
           "Stanach Zjednoczonych", "Stany Zjednoczone"],
    "GB": [{"text": "UK", "case_sensitive": True}, "Britain", "Great Britain", "Großbritannien", "Regno Unito",
           "Royaume-Uni", "Reino Unido", "Британи*", "영국", "英国", "イギリス"],
    "TR": ["Turkey", "Türkei", "Turquie", "Turchia", "Turquía", "Turquia", "Турци*", "Türkiye*", "Turkiye*",
           "터키", "튀르키예", "土耳其", "トルコ", "Turcji", "Turkije"],
    "HK": ["Hong Kong", "香港", "홍콩", "Гонконг*"],
    "MO": ["Macau", "Macao", "澳门"],
    # "Emirates" alone is the airline unless "the Emirates" (companies.py); "nos Emirados Árabes", "negli Emirati".
    "AE": [{"text": "UAE", "case_sensitive": True}, "Emirates", "الإمارات", "Emirados Árabes", "Emirados",
           "Emiratos Árabes", "Emiratos", "Emirati Arabi", "Émirats arabes", "Émirats", "ОАЭ", "阿联酋", "阿聯酋",
           "아랍에미리트연합", "アラブ首長国"],
    "SA": [{"text": "KSA", "case_sensitive": True}, "Saudi Arabia", "Saudi", "السعودية", "사우디", "사우디아라비아",
           "サウジ", "沙特", "沙烏地", "沙地阿拉伯"],
    "RU": ["Russland*", "Россия", "Росси*"],
    "DE": ["Deutschlands", "Германи*", "독일", "德国", "ドイツ", "Niemiec"],
    "CN": ["Chinas", "Кита*", "중국", "中国", "中國"],
    "JP": ["Japans", "Япони*", "일본", "日本"],
    # Telugu "భారత్‌లో" (in India): its everyday name, not CLDR's "భారతదేశం".
    "IN": ["India", "భారత్*", "Indien", "Inde", "Индия", "Индии", "Индию", "인도", "印度", "インド", "الهند"],
    "VN": ["Vietnam", "Viet Nam", "Wietnam*", "Вьетнам*", "베트남", "越南", "ベトナム", "فيتنام"],
    "HU": ["Węgrzech", "Węgier", "Венгри*"],
    "BA": ["Bosnia-Herzegovina", "Bosnien-Herzegowina", "Bosnie-Herzégovine", "Bosna i Hercegovina",
           "Bosni i Hercegovini", {"text": "BiH", "case_sensitive": True}, "Босни* и Херцеговин*",
           "Босна и Херцеговина"],
    "CZ": ["Czech Republic", "Tschechien", "Česk*"],  # "v Česku", "do Česka" (Czech and Slovak)
    "FI": ["Suome*"],  # Finnish: "Suomeen", "Suomessa", "Suomen markkinoille"
    "PH": [{"text": "PH", "case_sensitive": True}, "Pinas", "Pilipinas"],  # "rolls into PH", "pasok na sa Pinas"
    # Irish "in Éirinn" (in Ireland: CLDR's "Éire" in the dative); Sinhala "ශ්‍රී ලංකා" without CLDR's ending "-ව"
    # ("ශ්‍රී ලංකා වෙළඳපොළ", the Sri Lankan market).
    "IE": ["Éirinn", "hÉireann"],
    "LK": ["ශ්\u200dරී ලංකා*"],
    # Estonian illatives that double a consonant ("Hilton jõudis Lätti", "tuleb Leetu"), which no ending finds.
    "LT": ["Литв*", {"text": "Leetu", "case_sensitive": True}],
    "LV": [{"text": "Lätti", "case_sensitive": True}],
    # Polish cases the stems miss: "do Polski", "w Polsce", "do Niemiec", "we Włoszech", "w Stanach Zjednoczonych".
    "PL": [{"text": "Polski", "case_sensitive": True}, "Polsce", "nad Wisłą", "nad Wisłę"],  # "rusza nad Wisłą": Poland
    "IT": ["Włoszech"],
    "KE": ["Kenii", "Kenię"],  # Russian and Ukrainian "в Литве", "у Литві" (a 5-letter name keeps its ending otherwise)
    "IQ": ["Irak*", "Iraq", "Ирак*", "이라크", "伊拉克", "イラク", "العراق"],
    # The Democratic Republic of the Congo, not the Republic of the Congo that "Congo" alone names.
    "CD": ["DR Congo", "D.R. Congo", {"text": "DRC", "case_sensitive": True}, "Democratic Republic of Congo",
           "Democratic Republic of the Congo", {"text": "RDC", "case_sensitive": True}, "RD Congo", "RD du Congo",
           "République démocratique du Congo", "República Democrática del Congo", "DR Kongo", "ДР Конго",
           "Демократическ* Республик* Конго", "刚果（金）", "刚果金", "コンゴ民主共和国", "콩고민주공화국",
           "الكونغو الديمقراطية"],
    # Spellings the news uses beside CLDR's: Amharic "አውስትራሊያ" (CLDR "አውስትራልያ"), Hindi "नीदरलैंड्स"; the
    # everyday names of Chinese, Japanese and Korean ("호주", "澳洲", "豪州" beside "오스트레일리아", "澳大利亚").
    "AU": ["አውስትራሊያ", "호주", "澳洲", "豪州"],  # Amharic's take its affixes (inflections.py)
    "ZA": ["남아공", "南ア", "南非共和国"],
    "ID": ["印尼", "인니"],
    "MY": ["大马", "大馬"],
    "NZ": ["紐西蘭", "纽西兰"],
    "TW": ["臺灣"],
    "NG": ["Najeriya"],  # Hausa, beside CLDR's "Nijeriya"
    "NL": ["Holland", "नीदरलैंड्स"],
}  # fmt: skip
# Persian everyday names beside CLDR's "امارات متحدهٔ عربی", "ایالات متحده", "بریتانیا", "افریقای جنوبی"; Tamil's
# "South Africa" written as one word ("தென்னாப்பிரிக்காவில்"), its endings after a '*' as CLDR's get (inflections.py).
for _code, _more in {
    "AE": ["امارات"],
    "US": ["آمریکا", "امریکا"],
    "GB": ["انگلیس"],
    "SA": ["சவூதி அரேபியா", "சவூதி அரேபியா*"],  # beside CLDR's "சவுதி அரேபியா"
    "ZA": ["آفریقای جنوبی", "தென்னாப்பிரிக்கா", "தென்னாப்பிரிக்கா*", "தென்னாபிரிக்கா*", "தென் ஆப்ரிக்கா*"],
}.items():
    EXTRA_NAMES[_code].extend(_more)

# Vietnamese names of one syllable (left out of the CLDR table: folded, "Mỹ" is "my", "Lào" is "lao", as in "lao động",
# labour) are safe after "thị trường" (market), capitalised as written: "thị trường Lào", not "thị trường lao động";
# and after "tại", "ở", "sang" (in, at, to), where a capitalised syllable is a place: "mỏ than tại Úc" (a coal mine in
# Australia), "xuất khẩu sang Mỹ".
_VIETNAMESE_SHORT = {"US": "Mỹ", "IT": "Ý", "LA": "Lào", "FR": "Pháp", "DE": "Đức", "RU": "Nga", "GB": "Anh",
                     "JP": "Nhật", "KR": "Hàn", "TH": "Thái", "AU": "Úc", "BE": "Bỉ", "CZ": "Séc"}  # fmt: skip
for _code, _name in _VIETNAMESE_SHORT.items():
    EXTRA_NAMES.setdefault(_code, []).extend(
        {"text": f"{before} {_name}", "case_sensitive": True} for before in ("thị trường", "tại", "ở", "sang")
    )

# Adjectives of countries whose language name is not the adjective (or not one country's), per language.
EXTRA_ADJECTIVES: dict[str, list[str]] = {
    "GR": ["ελληνικ*"],  # "την ελληνική αγορά": CLDR gives Greek no adjective
    "US": ["American", "amerikanisch*", "américain*", "american*", "estadounidense*", "americano*", "американск*",
           "Amerikan", "amerikaans*", "amerykańsk*", "अमेरिकी", "امریکی", "الأمريكي", "الأمريكية", "الأميركي",
           "الأميركية"],
    "GB": ["British", "britisch*", "britannique*", "britannic*", "británic*", "britânic*", "британск*",
           "ब्रिटिश", "برطانوی", "البريطاني", "البريطانية"],
    "IN": ["Indian", "भारतीय", "بھارتی", "indisch*", "indien*", "indian*", "индийск*", "Hint"],
    "CN": ["Chinese", "chinesisch*", "chinois*", "cines*", "chines*", "китайск*", "Çin", "chiński*"],
    "CH": ["Swiss", "Schweizer*", "suisse*", "svizzer*", "швейцарск*"],
    "AT": ["Austrian", "österreichisch*", "autrichien*", "austriac*", "austríac*", "австрийск*"],
    "BR": ["Brazilian", "brasilianisch*", "brésilien*", "brasilian*", "brasileñ*", "brasileir*", "бразильск*"],
    "MX": ["Mexican", "mexikanisch*", "mexicain*", "messican*", "mexican*", "мексиканск*"],
    "CA": ["Canadian", "kanadisch*", "canadien*", "canades*", "canadiens*", "канадск*"],
    "AU": ["Australian", "australisch*", "australien*", "australian*", "австралийск*"],
    "EG": ["Egyptian", "ägyptisch*", "égyptien*", "egizian*", "egipci*", "египетск*", "egípci*"],
    "MA": ["Moroccan", "marokkanisch*", "marocain*", "marocchin*", "marroquí*", "марокканск*"],
    "SA": ["Saudi", "saudisch*", "saoudien*", "saudit*", "саудовск*", "السعودي"],
    "AE": ["Emirati", "الإماراتي", "الإماراتية"],
    "KR": ["Korean", "koreanisch*", "coréen*", "corean*", "корейск*", "koreańsk*", "الكوري", "الكورية"],
    "IQ": ["Iraqi", "irakisch*", "irakien*", "iracheno", "iraquí*", "иракск*", "iraquien*", "iraquian*"],
    "VN": ["Vietnamese", "vietnamesisch*", "vietnamien*", "vietnamit*", "вьетнамск*"],
}  # fmt: skip


# Regions that stand for several countries: "enters the Baltic states" enters three.
REGIONS: dict[str, list[str]] = {
    "EE LV LT": ["Baltic states", "Baltic countries", "the Baltics", "Baltikum*", "baltischen Staaten", "pays baltes",
                 "países bálticos", "paesi baltici", "Baltische staten", "Baltijos šal*", "Baltij*", "Baltimaad*",
                 "Baltia", "Baltiassa", "Baltiaan", "Балти*", "Прибалти*", "Baltycki*", "krajach bałtyckich",
                 "baltiska länder*", "Baltikum", "Baltikummet", "Baltic", "Pobaltí", "balti államok*",
                 "Baltische Staaten", "países bálticos", "バルト三国", "波罗的海三国", "발트 3국", "발트3국"],
    "DK NO SE FI IS": ["Nordics", "Nordic countries", "nordiske land*", "Norden", "Nordeuropa"],
    "BE NL LU": ["Benelux*"],
    # Continents named with America: no country, and no United States ("South America", "América Latina").
    "": ["South America", "Latin America", "North America", "Central America", "América Latina", "América del Sur",
         "América del Norte", "Amérique latine", "Amérique du Sud", "Amérique du Nord", "América do Sul",
         "América Central", "Mittelamerika", "Süd-Amerika", "Latin American", "South American", "North American",
         "Central American", "Latin-American", "Pan-American"],  # "its Latin American debut" is no US
}  # fmt: skip
