"""The words each of two close languages writes and the other does not, for the pairs close_languages.py tells apart
whatever the detector's second guess. Data only."""

from __future__ import annotations

# Pairs decided by their words whatever the second guess (the detector's second guess for a Malay headline is as
# often English or Javanese as Malay).
PAIRS = {
    frozenset({"ms", "id"}): {
        "ms": frozenset({
            "syarikat", "kerana", "bahawa", "kerajaan", "baharu", "kereta", "percuma", "kakitangan", "pejabat",
            "mahkamah", "perkhidmatan", "penghantaran", "laluan", "bilion", "peratus", "rm", "ringgit", "tempatan",
            "akaun", "cukai", "bhd", "berhad", "kenderaan", "pengeluar", "cawangan", "jenama", "rasmi", "dijangka",
            "serantau", "persefahaman", "rangkaian", "bimbang", "menjejaskan", "mahu", "khabar", "dikhabarkan", "tiada",
            "perancangan", "kedai", "jawatan", "pengasas", "melabur", "pelaburan", "trak", "jadual", "pemaju", "saman",
            "mula", "memeterai", "pengedar", "melantik", "kewangan", "perniagaan", "telefon", "syarikat-syarikat",
            "teksi", "universiti", "kitar",
        }),
        "id": frozenset({
            "perusahaan", "karena", "bahwa", "pemerintah", "pabrik", "mobil", "uang", "karyawan", "kantor", "gratis",
            "rp", "triliun", "miliar", "persen", "phk", "ponsel", "bisa", "kemarin", "rekening", "pajak", "bandara",
            "polisi", "universitas", "keuangan", "bisnis", "telepon", "investasi", "berinvestasi", "meluncurkan",
            "diluncurkan", "luncurkan", "tbk", "kuartal", "laba", "resmi", "mau", "kabar", "toko", "pendiri", "truk",
            "merek", "cabang", "jaringan", "diperkirakan", "khawatir", "blokir", "jadwal", "pengembang", "pengadilan",
            "menggugat", "konsumen", "penjualan", "ujar",
        }),
    },
    frozenset({"af", "nl"}): {
        "af": frozenset({
            "die", "'n", "nie", "sal", "vir", "sy", "hul", "hulle", "nuwe", "maatskappy", "sê", "gesê", "deur", "oor",
            "teen", "baie", "hierdie", "dié", "word", "ná", "hy", "ek", "jy", "se", "by", "kry", "gekry", "danksy",
            "volgende", "gaan", "maak", "ons", "wees", "verkoop", "kwartaal",
        }),
        "nl": frozenset({
            "de", "een", "niet", "zal", "zullen", "voor", "zijn", "hun", "nieuwe", "bedrijf", "zegt", "door", "over",
            "tegen", "veel", "deze", "wordt", "worden", "werd", "hij", "ik", "jij", "bij", "zich", "zo", "er", "naar",
            "heeft", "hebben", "gaat", "maakt", "zei", "procent", "miljoen", "kabinet",
        }),
    },
    # German headlines the model reads as Dutch ("Amgen verklagt Teva in Delaware wegen ..."): German's function words
    # and the business verbs and nouns it spells otherwise ("verklagt", "übernimmt", "Konzern"); not "die", "der",
    # "wegen", "stellen", "werk", which Dutch writes too.
    frozenset({"de", "nl"}): {
        "de": frozenset({
            "und", "das", "dem", "ein", "eine", "einen", "einem", "einer", "nicht", "für", "über", "mit", "auch",
            "wird", "werden", "wurde", "ist", "sich", "bei", "nach", "zum", "zur", "vom", "gegen", "neue", "neuen",
            "millionen", "milliarden", "prozent", "verklagt", "übernimmt", "kauft", "baut", "eröffnet", "erhält",
            "streicht", "steigt", "sinkt", "unternehmen", "konzern", "gericht", "jahr",
        }),
        "nl": frozenset({
            "de", "het", "een", "van", "niet", "voor", "zijn", "wordt", "worden", "werd", "bij", "naar", "heeft",
            "hebben", "ook", "met", "procent", "miljoen", "miljard", "nieuwe", "bedrijf", "tegen", "zegt", "dat",
            "deze", "maar", "aan", "uit", "koopt", "neemt", "opent", "bouwt", "krijgt", "schrapt", "stijgt", "daalt",
            "jaar",
        }),
    },
    frozenset({"no", "da"}): {
        "no": frozenset({
            "av", "etter", "ble", "nå", "mye", "noe", "hva", "opp", "ut", "gjennom", "mellom", "uke", "uken",
            "selskapet", "selskap", "virksomhet", "virksomheten", "kjøper", "kjøpe", "regjeringen", "sier", "mer",
            "å", "hittil", "kjede", "kjeden", "permitterer", "ifølge", "bot", "selger", "opplyser", "ansatte",
            "bedriften", "ikkje", "norske",
        }),
        "da": frozenset({
            "af", "efter", "blev", "nu", "meget", "noget", "hvad", "op", "ud", "gennem", "mellem", "uge", "ugen",
            "selskabet", "selskab", "virksomhed", "virksomheder", "køber", "købe", "regeringen", "siger", "mere",
            "at", "kæde", "kæden", "bøde", "sælger", "oplyser", "medarbejdere", "give", "danske", "flere",
        }),
    },
    frozenset({"sk", "cs"}): {
        "sk": frozenset({
            "sú", "aj", "ako", "ktorý", "ktorá", "ktoré", "ktorí", "tiež", "podľa", "pre", "spoločnosť", "spoločnosti",
            "ešte", "vyše", "roku", "eur", "miliónov", "zamestnancov", "ľudí", "bude", "budú", "má", "sa", "alebo",
        }),
        "cs": frozenset({
            "jsou", "i", "jako", "který", "která", "které", "kteří", "také", "podle", "pro", "společnost",
            "společnosti", "ještě", "přes", "roce", "korun", "milionů", "zaměstnanců", "lidí", "budou", "mají", "se",
            "nebo", "letos",
        }),
    },
    frozenset({"pt", "gl"}): {
        "pt": frozenset({
            "uma", "não", "já", "também", "mais", "com", "pelo", "pela", "num", "numa", "há", "até", "são", "está",
            "sem", "milhões", "trabalhadores", "seu", "sua", "muito", "ele", "ela",
        }),
        "gl": frozenset({
            "unha", "non", "xa", "tamén", "máis", "coa", "co", "cos", "coas", "polo", "pola", "dun", "dunha", "nun",
            "nunha", "hai", "ata", "sen", "millóns", "traballadores", "súa", "moito", "el", "ela",
        }),
    },
    frozenset({"pt", "es"}): {
        "pt": frozenset({
            "em", "com", "o", "os", "as", "e", "ao", "aos", "do", "dos", "das", "na", "nas", "uma", "um", "não", "seu",
            "sua", "são", "também", "mais", "já", "pelo", "pela", "muito", "é", "sem",
        }),
        "es": frozenset({
            "en", "con", "el", "la", "los", "las", "y", "al", "del", "una", "un", "su", "sus", "es", "también", "más",
            "ya", "muy", "sin", "lo",
        }),
    },
    # The detector reads a Malay headline and an Uzbek one in Latin letters as Turkish ("ThaiBev beli 51% pembuat bir
    # ...": "bir" is Turkish's "one"); Turkish writes "ş", "ğ" and "ı", which neither does (close_languages.py counts
    # them, and Uzbek's "x", "q", "o'", "g'").
    frozenset({"tr", "ms"}): {
        "ms": frozenset({
            "yang", "dan", "di", "itu", "ini", "untuk", "dengan", "pada", "akan", "telah", "kepada", "dalam", "oleh",
            "daripada", "juta", "bilion", "syarikat", "pertama", "pertamanya", "kumpulan", "bernilai", "membeli",
            "kilang", "ke", "dari", "sebagai", "tahun", "berkata", "peratus", "baharu", "negara",
        }),
        "tr": frozenset({
            "ve", "ile", "için", "bu", "da", "de", "olarak", "milyon", "milyar", "şirket", "şirketi", "yüzde", "ilk",
            "yeni", "olan", "en", "daha", "çok", "ise", "gibi", "sonra", "kadar", "yıl", "yılında", "tl",
        }),
    },
    frozenset({"tr", "uz"}): {
        "uz": frozenset({
            "va", "uchun", "bilan", "ham", "yil", "yilda", "mln", "mlrd", "so'm", "kompaniya", "kompaniyasi",
            "birinchi", "bozor", "bozori", "bozoriga", "ochdi", "tushdi", "ishga", "xorijiy", "bo'yicha", "qildi",
            "emas", "esa", "yangi", "o'z", "ko'ra", "dollar",
        }),
        "tr": frozenset({
            "ve", "için", "ile", "da", "de", "olarak", "milyon", "milyar", "şirket", "şirketi", "yüzde", "yeni",
            "olan", "en", "daha", "çok", "ise", "gibi", "sonra", "kadar", "yıl", "yılında", "tl",
        }),
    },
    # Javanese headlines in a Solo or Surabaya paper: the model reads them as Indonesian ("Astra tuku saham ...": buys).
    frozenset({"jv", "id"}): {
        "jv": frozenset({
            "tuku", "ing", "lan", "saka", "kanggo", "sing", "uga", "wis", "arep", "dadi", "karo", "bakal", "ora",
            "iki", "kuwi", "ngedol", "didol", "nambah", "anyar",
        }),
        "id": frozenset({
            "yang", "dan", "dari", "untuk", "akan", "sudah", "juga", "dengan", "membeli", "beli", "tidak", "ini",
            "itu", "menjual", "dijual", "menambah", "baru",
        }),
    },
}  # fmt: skip
