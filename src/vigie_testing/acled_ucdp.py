"""Synthetic rows in the real file formats of ACLED and UCDP GED, for tests and benchmarks.

ACLED's terms forbid redistributing its data, so Vigie never ships ACLED rows: the test suite and the
benchmarks use rows generated here, in ACLED's (and UCDP GED's) column sets, vocabularies and quirks.
Every value is invented; places are real Malian admin units plus generated village names.

Standard library only, streaming (row by row) and deterministic for a given seed.

    python -m vigie_testing.acled_ucdp acled 100000 /tmp/acled.csv --form monadic --inter-as words
    python -m vigie_testing.acled_ucdp ucdp 20000 /tmp/ged.csv
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from heapq import heappop, heappush
from typing import Any, TextIO

__all__ = [
    "ACLED_COLUMNS_CURRENT",
    "ACLED_COLUMNS_LEGACY",
    "UCDP_GED_COLUMNS",
    "DAMAGES",
    "AcledEvent",
    "acled_events",
    "write_acled",
    "ucdp_ged_rows",
    "write_ucdp_ged",
    "damage_rows",
    "main",
]

# --------------------------------------------------------------------------------------------------
# Column sets

ACLED_COLUMNS_CURRENT: list[str] = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]

ACLED_COLUMNS_LEGACY: list[str] = [
    "data_id",
    "iso",
    "event_id_cnty",
    "event_id_no_cnty",
    "event_date",
    "year",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "timestamp",
    "iso3",
]

UCDP_GED_COLUMNS: list[str] = [
    "id",
    "relid",
    "year",
    "active_year",
    "code_status",
    "type_of_violence",
    "conflict_dset_id",
    "conflict_new_id",
    "conflict_name",
    "dyad_dset_id",
    "dyad_new_id",
    "dyad_name",
    "side_a_dset_id",
    "side_a_new_id",
    "side_a",
    "side_b_dset_id",
    "side_b_new_id",
    "side_b",
    "number_of_sources",
    "source_article",
    "source_office",
    "source_date",
    "source_headline",
    "source_original",
    "where_prec",
    "gwnoa",
    "gwnob",
    "where_coordinates",
    "where_description",
    "adm_1",
    "adm_2",
    "latitude",
    "longitude",
    "geom_wkt",
    "priogrid_gid",
    "country",
    "country_id",
    "region",
    "event_clarity",
    "date_prec",
    "date_start",
    "date_end",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "best",
    "high",
    "low",
]

# --------------------------------------------------------------------------------------------------
# ACLED vocabulary

INTER_WORDS: dict[int, str] = {
    1: "State forces",
    2: "Rebel group",
    3: "Political militia",
    4: "Identity militia",
    5: "Rioters",
    6: "Protesters",
    7: "Civilians",
    8: "External/Other forces",
}

EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "Battles": (
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    ),
    "Explosions/Remote violence": (
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ),
    "Violence against civilians": ("Sexual violence", "Attack", "Abduction/forced disappearance"),
    "Protests": (
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
    ),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
}

DISORDER_TYPES: dict[str, str] = {
    sub: "Political violence"
    for sub in (
        EVENT_TYPES["Battles"]
        + EVENT_TYPES["Explosions/Remote violence"]
        + EVENT_TYPES["Violence against civilians"]
    )
}
DISORDER_TYPES.update(
    {
        "Peaceful protest": "Demonstrations",
        "Protest with intervention": "Demonstrations",
        "Excessive force against protesters": "Political violence; Demonstrations",
        "Violent demonstration": "Demonstrations",
        "Mob violence": "Political violence",
    }
)
DISORDER_TYPES.update(
    {sub: "Strategic developments" for sub in EVENT_TYPES["Strategic developments"]}
)

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_T_RECODE = 1552003200  # 2019-03-08: ACLED's big recoding touched every older event's timestamp.

# --------------------------------------------------------------------------------------------------
# Places. admin1 -> (weight of events, [(admin2, lat, lon, radius in degrees, communes)]).
# Cercle seats are real and roughly placed; communes are real names where known.

_MALI_ADMIN: dict[str, tuple[int, list[tuple[str, float, float, float, str]]]] = {
    "Mopti": (
        34,
        [
            (
                "Mopti",
                14.49,
                -4.19,
                0.30,
                "Mopti,Socoura,Fatoma,Konna,Korombana,Dialloube,Borondougou,Sio,Soye,"
                "Ouro Modi,Kounari,Bassirou,Sasalbe",
            ),
            (
                "Bandiagara",
                14.35,
                -3.61,
                0.35,
                "Bandiagara,Dandoli,Doucombo,Dourou,Kendie,Kani-Gogouna,Ondougou,"
                "Pignari,Sangha,Wadouba,Segue Ire,Soroly",
            ),
            (
                "Bankass",
                14.08,
                -3.52,
                0.30,
                "Bankass,Baye,Diallassagou,Dimbal Habbe,Kani-Bonzon,Koulogon Habbe,"
                "Lessagou Habbe,Ouenkoro,Segue,Sokoura,Soubala,Tori",
            ),
            (
                "Djenne",
                13.91,
                -4.55,
                0.30,
                "Djenne,Dandougou Fakala,Derary,Fakala,Femaye,Kewa,Madiama,"
                "Nema-Badenyakafo,Niansanari,Ouro Ali,Pondori,Togue Mourari",
            ),
            (
                "Douentza",
                15.00,
                -2.95,
                0.55,
                "Douentza,Boni,Dallah,Dangol-Bore,Debere,Dianweli,Djaptodji,Gandamia,"
                "Haire,Hombori,Kerena,Koubewel Koundia,Mondoro,Petaka,Tedie",
            ),
            (
                "Koro",
                14.07,
                -3.08,
                0.35,
                "Koro,Bamba,Barapireli,Bondo,Diankabou,Dinangourou,Dioungani,Dougoutene I,"
                "Dougoutene II,Kassa,Madougou,Pel Maoude,Yoro,Youdiou",
            ),
            (
                "Tenenkou",
                14.46,
                -4.92,
                0.35,
                "Tenenkou,Diafarabe,Diaka,Diondiori,Kareri,Ouro Ardo,Ouro Guire,"
                "Sougoulbe,Togoro Kotia,Toguere Coumbe",
            ),
            ("Youwarou", 15.37, -4.26, 0.35, "Youwarou,Bimbere Tama,Deboye,Dirma,Dongo,Farimake"),
        ],
    ),
    "Segou": (
        12,
        [
            (
                "Segou",
                13.43,
                -6.26,
                0.30,
                "Segou,Pelengana,Sebougou,Markala,Dioro,Farako,Katiena,Sakoiba,Cinzana,Konodimini",
            ),
            (
                "Niono",
                14.25,
                -5.99,
                0.45,
                "Niono,Diabaly,Dogofry,Mariko,Nampala,Pogo,Siribala,Sokolo,Toridaga-Ko,"
                "Kala Siguida",
            ),
            (
                "Macina",
                13.96,
                -5.36,
                0.30,
                "Macina,Kokry Centre,Monimpebougou,Saloba,Sana,Souleye,Matomo,Kolongo,Folomana",
            ),
            ("San", 13.30, -4.90, 0.30, "San,Djeli,Diakourouna,Kassorola,Niasso,Sy,Tene,Waki,Somo"),
            (
                "Tominian",
                13.29,
                -4.39,
                0.25,
                "Tominian,Mafoune,Mandiakuy,Ouan,Timissa,Fangasso,Benena",
            ),
            (
                "Bla",
                12.95,
                -5.76,
                0.25,
                "Bla,Diaramana,Falo,Fani,Kazangasso,Tiemena,Touna,Yangasso",
            ),
            (
                "Baroueli",
                13.07,
                -6.57,
                0.25,
                "Baroueli,Boidie,Dougoufie,Kalake,Konobougou,Tesserla",
            ),
        ],
    ),
    "Gao": (
        12,
        [
            (
                "Gao",
                16.27,
                -0.04,
                0.55,
                "Gao,Anchawadi,Gabero,Gounzoureye,N'Tillit,Soni Aliber,Sony,Tilemsi",
            ),
            (
                "Ansongo",
                15.66,
                0.50,
                0.50,
                "Ansongo,Bara,Bourra,Ouattagouna,Talataye,Tessit,Tin-Hama",
            ),
            ("Bourem", 16.95, -0.35, 0.55, "Bourem,Bamba,Tarkint,Temera,Taboye"),
        ],
    ),
    "Timbuktu": (
        12,
        [
            ("Timbuktu", 16.77, -3.01, 0.40, "Timbuktu,Ber,Alafia,Bourem-Inaly,Lafia,Salam"),
            (
                "Dire",
                16.28,
                -3.38,
                0.30,
                "Dire,Arham,Binga,Bourem Sidi Amar,Dangha,Garbakoira,Haibongo,Kirchamba,"
                "Kondi,Sareyamou,Tienkour,Tindirma,Tinguereguif",
            ),
            (
                "Goundam",
                16.41,
                -3.67,
                0.50,
                "Goundam,Alzounoub,Bintagoungou,Doukouria,Essakane,Gargando,Issa Bery,"
                "Kaneye,M'Bouna,Raz-El-Ma,Tele,Tin Aicha,Tonka,Douekire",
            ),
            (
                "Gourma-Rharous",
                16.88,
                -1.93,
                0.55,
                "Gourma-Rharous,Bambara Maoude,Banikane,Gossi,Haribomo,"
                "Hamzakoma,Inadiatafane,Ouinerden,Rharous,Serere",
            ),
            (
                "Niafunke",
                15.93,
                -3.99,
                0.35,
                "Niafunke,Banikane Narhawa,Dianke,Fittouga,Koumaira,Lere,N'Gorkou,Soboundou,Soumpi",
            ),
        ],
    ),
    "Menaka": (
        7,
        [
            ("Menaka", 15.92, 2.40, 0.45, "Menaka,Alata,Inekar"),
            ("Anderamboukane", 15.42, 3.03, 0.35, "Anderamboukane"),
            ("Tidermene", 16.10, 2.05, 0.35, "Tidermene"),
            ("Inekar", 15.95, 3.15, 0.30, "Inekar"),
        ],
    ),
    "Kidal": (
        5,
        [
            ("Kidal", 18.44, 1.41, 0.60, "Kidal,Anefif,Essouk"),
            ("Tessalit", 20.20, 1.01, 0.60, "Tessalit,Adjelhoc,Timtaghene"),
            ("Abeibara", 19.12, 1.75, 0.50, "Abeibara,Boghassa,Tinzawaten"),
            ("Tin-Essako", 18.45, 2.48, 0.50, "Tin-Essako,Intadjedite"),
        ],
    ),
    "Koulikoro": (
        6,
        [
            (
                "Koulikoro",
                12.86,
                -7.56,
                0.25,
                "Koulikoro,Dinandougou,Doumba,Koula,Meguetan,Sirakorola,Tienfala",
            ),
            (
                "Kati",
                12.74,
                -8.07,
                0.35,
                "Kati,Baguineda-Camp,Kalabancoro,Ouelessebougou,Sanankoroba,Siby,"
                "Dialakorodji,Kambila,Mande,Dio-Gare",
            ),
            (
                "Banamba",
                13.55,
                -7.45,
                0.30,
                "Banamba,Boron,Duguwolowula,Kiban,Madina Sacko,Toubacoro",
            ),
            (
                "Dioila",
                12.49,
                -6.79,
                0.30,
                "Dioila,Banco,Benkadi,Degnekoro,Massigui,N'Dlondougou,Wacoro",
            ),
            (
                "Kangaba",
                11.93,
                -8.42,
                0.25,
                "Kangaba,Balan Bakama,Benkadi,Minidian,Narena,Nouga,Selefougou",
            ),
            (
                "Kolokani",
                13.57,
                -8.03,
                0.30,
                "Kolokani,Didieni,Guihoyo,Massantola,Nossombougou,Sebekoro",
            ),
            (
                "Nara",
                15.17,
                -7.29,
                0.50,
                "Nara,Allahina,Dabo,Dilly,Fallou,Guire,Guenibe,Mourdiah,Niamana,Ouagadou",
            ),
        ],
    ),
    "Kayes": (
        4,
        [
            (
                "Kayes",
                14.45,
                -11.44,
                0.40,
                "Kayes,Diamou,Sadiola,Segala,Ambidedi,Koussane,Logo,Somankidi",
            ),
            ("Bafoulabe", 13.81, -10.83, 0.35, "Bafoulabe,Mahina,Oualia,Kontela,Diakon"),
            ("Diema", 14.54, -9.18, 0.35, "Diema,Bema,Dianguirde,Fatao,Lakamane,Madiga Sacko"),
            ("Kenieba", 12.84, -11.24, 0.35, "Kenieba,Dombia,Faraba,Kassama,Sitakily,Dabia"),
            ("Kita", 13.04, -9.49, 0.40, "Kita,Bendougouba,Djidian,Kokofata,Sirakoro,Sebekoro"),
            (
                "Nioro",
                15.23,
                -9.59,
                0.35,
                "Nioro,Diabigue,Gogui,Kadiaba Kadiel,Sandare,Troungoumbe",
            ),
            (
                "Yelimane",
                15.12,
                -10.57,
                0.30,
                "Yelimane,Diafounou Gory,Guidime,Kirane,Konsiga,Tambacara",
            ),
        ],
    ),
    "Sikasso": (
        3,
        [
            (
                "Sikasso",
                11.32,
                -5.67,
                0.35,
                "Sikasso,Danderesso,Finkolo,Kaboila,Kafouziela,Kapala,Lobougoula,Niena,"
                "Zangaradougou",
            ),
            (
                "Bougouni",
                11.42,
                -7.48,
                0.40,
                "Bougouni,Faragouaran,Garalo,Kologo,Koumantou,Sanso,Zantiebougou",
            ),
            (
                "Kadiolo",
                10.56,
                -5.76,
                0.25,
                "Kadiolo,Diou,Dioumatene,Fourou,Kai,Loulouni,Misseni,Zegoua",
            ),
            ("Kolondieba", 11.09, -6.89, 0.30, "Kolondieba,Fakola,Kebila,Mena,Nangalasso,Tiongui"),
            (
                "Koutiala",
                12.39,
                -5.46,
                0.30,
                "Koutiala,Kafo Faboli,Kolonigue,Konseguela,M'Pessoba,Zebala",
            ),
            (
                "Yanfolila",
                11.17,
                -8.15,
                0.30,
                "Yanfolila,Baya,Djallon Foula,Gouanan,Sere Moussa Ani Samou,Wassoulou Balle",
            ),
            ("Yorosso", 12.36, -4.78, 0.25, "Yorosso,Boura,Koury,Kiffosso I,Mahou,Menamba I"),
        ],
    ),
    "Bamako": (
        4,
        [
            (
                "Bamako",
                12.64,
                -8.00,
                0.06,
                "Commune I,Commune II,Commune III,Commune IV,Commune V,Commune VI",
            ),
        ],
    ),
    "Taoudeni": (
        1,
        [
            ("Taoudeni", 22.68, -3.98, 0.60, "Taoudeni,Foum-Elba,Al-Ourche"),
            ("Araouane", 18.90, -3.53, 0.50, "Araouane,Achouratt,Boujbeha"),
        ],
    ),
}

# Notable real localities (attached to their cercle; coordinates are generated near it).
_MALI_NOTABLE: dict[str, str] = {
    "Bankass": "Ogossagou,Ogossagou-Peul,Gueourou,Sobane Da,Diallassagou,Djallassagou,Ouenkoro,Bidi,Sembe",
    "Bandiagara": "Sangha,Sobane Da,Gangafani,Djibasso,Kani-Kombole,Dourou",
    "Koro": "Dinangourou,Yoro,Madougou,Bondo,Koulogon,Mondoro,Diankabou",
    "Djenne": "Moura,Sofara,Kouakourou,Mougna,Senossa,Soala",
    "Douentza": "Boni,Hombori,Boulkessi,Mondoro,Gossi,Dallah,Djaptodji,Tongo Tongo",
    "Mopti": "Sevare,Konna,Kona,Fatoma,Dialloube,Sio,Diona,Toguel",
    "Tenenkou": "Dioura,Diafarabe,Toguere Coumbe,Sossobe,Macina",
    "Youwarou": "Dirma,Nampala,Deboye",
    "Niono": "Farabougou,Diabaly,Nampala,Sokolo,Dogofry,Molodo,Kourouma",
    "Macina": "Monimpebougou,Kokry,Sarro,Souleye",
    "San": "Sy,Sourountouna,Waki",
    "Menaka": "Intahaka,Tinabaw,Ikadogotane,Talataye,Tamalat,Akabar",
    "Ansongo": "Indelimane,Tessit,Ouattagouna,Talataye,Fafa,Labbezanga",
    "Gao": "Tabankort,Djebock,Kadji,Wabaria",
    "Bourem": "Temera,Bamba,Tarkint",
    "Timbuktu": "Ber,Toya,Koriome,Kabara",
    "Goundam": "Tin Aicha,Gargando,Razelma",
    "Gourma-Rharous": "Gossi,Inadiatafane,Ngouma",
    "Niafunke": "Lere,Soumpi,Dianke",
    "Kidal": "Anefis,Takalote,Etambar",
    "Tessalit": "Aguelhok,Amachach",
    "Kati": "Kati,Kambila,Kassela",
    "Nara": "Nara,Mourdiah,Guire",
    "Bamako": "Bamako,Badalabougou,Hamdallaye,Lafiabougou,Djicoroni Para,Sebenikoro,Niamakoro,Banconi,"
    "Magnambougou,Kalaban Coura,Faladie,Sotuba,Hippodrome,Senou",
}

# Syllables for generated villages: south (Bambara/Malinke), centre (Dogon/Fulani), north (Songhai/Tuareg/Arab).
_SYLL = {
    "south": (
        (
            "Ba",
            "Ko",
            "Ka",
            "Si",
            "Fa",
            "Ma",
            "Ni",
            "Di",
            "Sa",
            "Kou",
            "Dou",
            "Tie",
            "Ben",
            "Sou",
            "Mo",
            "Fala",
            "Niama",
            "Kala",
            "Sama",
            "Bana",
        ),
        ("la", "ro", "ma", "na", "ni", "ba", "ko", "so", "ra", "ka", "fa", ""),
        ("bougou", "dougou", "koro", "ni", "la", "kan", "sso", "bala", "ko", "ya", "dji", "koro"),
    ),
    "centre": (
        (
            "Ouro ",
            "Sare ",
            "Do",
            "Ogo",
            "Tin",
            "Kou",
            "Die",
            "Gue",
            "Ba",
            "Seg",
            "Ya",
            "Dia",
            "Ind",
            "Ko",
            "Ti",
            "Nan",
            "Yo",
            "Pe",
            "Da",
            "Dje",
        ),
        ("go", "ma", "bo", "nda", "ssa", "ri", "li", "ka", "lo", "tem", "nie", ""),
        ("ssagou", "gou", "dou", "ra", "ly", "ne", "kana", "mbe", "dio", "bere", "koun", "tara"),
    ),
    "north": (
        (
            "In",
            "Tin ",
            "Ag",
            "Ta",
            "Ti",
            "Ha",
            "Bou",
            "Te",
            "A",
            "Ta",
            "Kel ",
            "Ghar",
            "Oua",
            "Ach",
            "Ame",
            "Ibo",
            "Tar",
            "Ina",
            "Bara",
            "Dj",
        ),
        ("kal", "za", "ra", "bo", "ma", "gha", "ss", "ba", "ne", "ko", "ssi", ""),
        (
            "dan",
            "tagui",
            "akane",
            "ara",
            "bi",
            "daia",
            "rar",
            "lou",
            "iss",
            "ouel",
            "ganda",
            "hane",
        ),
    ),
}
_ZONE = {
    "Bamako": "south",
    "Kayes": "south",
    "Koulikoro": "south",
    "Sikasso": "south",
    "Segou": "south",
    "Mopti": "centre",
    "Gao": "north",
    "Timbuktu": "north",
    "Menaka": "north",
    "Kidal": "north",
    "Taoudeni": "north",
}

# --------------------------------------------------------------------------------------------------
# Actors. pool -> [(name, inter, first year, last year, weight)]; "{C}" is the country name.

_MALI_ACTORS: dict[str, list[tuple[str, int, int, int, int]]] = {
    "state": [
        ("Military Forces of Mali (2013-2020)", 1, 1900, 2020, 1),
        ("Military Forces of Mali (2021-)", 1, 2021, 9999, 1),
    ],
    "police": [
        ("Police Forces of Mali (2013-2020)", 1, 1900, 2020, 1),
        ("Police Forces of Mali (2021-)", 1, 2021, 9999, 1),
    ],
    "jihadist": [
        ("JNIM: Group for Support of Islam and Muslims", 2, 2017, 9999, 10),
        ("Islamic State (Sahel)", 2, 2022, 9999, 4),
        ("Islamic State (Greater Sahara)", 2, 2015, 2021, 3),
        ("Katiba Macina", 2, 2015, 2016, 3),
        ("AQIM: Al Qaeda in the Islamic Maghreb", 2, 1900, 2016, 4),
        ("Ansar Dine", 2, 1900, 2016, 3),
        ("MUJAO: Movement for Unity and Jihad in West Africa", 2, 1900, 2014, 3),
    ],
    "rebel": [
        ("MNLA: National Movement for the Liberation of Azawad", 2, 1900, 2014, 3),
        ("CMA: Coordination of Azawad Movements", 2, 2014, 9999, 3),
        (
            "CSP-PSD: Permanent Strategic Framework for Peace, Security and Development",
            2,
            2023,
            9999,
            2,
        ),
    ],
    "progov": [
        ("GATIA: Imghad Tuareg and Allies Self-Defense Group", 3, 2014, 9999, 3),
        ("MSA: Movement for the Salvation of Azawad", 3, 2016, 9999, 2),
    ],
    "communal": [
        ("Dan Na Ambassagou", 3, 2016, 9999, 4),
        ("Dozo Communal Militia (Mali)", 4, 1900, 9999, 3),
        ("Fulani Ethnic Militia (Mali)", 4, 1900, 9999, 2),
        ("Dogon Ethnic Militia (Mali)", 4, 1900, 9999, 2),
        ("Bambara Ethnic Militia (Mali)", 4, 1900, 9999, 1),
    ],
    "foreign": [
        ("Military Forces of France", 8, 2013, 2022, 3),
        (
            "MINUSMA: United Nations Multidimensional Integrated Stabilization Mission in Mali (2013-2023)",
            8,
            2013,
            2023,
            3,
        ),
        ("Wagner Group", 8, 2022, 9999, 3),
    ],
    "uag": [("Unidentified Armed Group (Mali)", 3, 1900, 9999, 1)],
    "civ": [("Civilians (Mali)", 7, 1900, 9999, 1)],
    "prot": [("Protesters (Mali)", 6, 1900, 9999, 1)],
    "riot": [("Rioters (Mali)", 5, 1900, 9999, 1)],
}

_MALI_ASSOC: dict[str, tuple[str, ...]] = {
    "Civilians (Mali)": (
        "",
        "",
        "",
        "",
        "Fulani Ethnic Group (Mali)",
        "Fulani Ethnic Group (Mali)",
        "Dogon Ethnic Group (Mali)",
        "Bambara Ethnic Group (Mali)",
        "Tuareg Ethnic Group (Mali)",
        "Farmers (Mali)",
        "Herders (Mali)",
        "Fulani Ethnic Group (Mali); Herders (Mali)",
        "Women (Mali)",
        "Local Administrators (Mali)",
        "Teachers (Mali)",
        "Health Workers (Mali)",
        "Aid Workers (International)",
        "Muslim Group (Mali); Fulani Ethnic Group (Mali)",
        "Traders (Mali)",
        "Christian Group (Mali)",
        "Village Chiefs (Mali)",
    ),
    "Protesters (Mali)": (
        "",
        "",
        "",
        "Students (Mali)",
        "Women (Mali)",
        "Teachers (Mali)",
        "Traders (Mali)",
        "Labour Group (Mali)",
        "Youth (Mali)",
        "Health Workers (Mali)",
        "Fulani Ethnic Group (Mali)",
        "Refugees/IDPs (Mali)",
        "Transport Workers (Mali)",
    ),
    "Rioters (Mali)": ("", "", "Youth (Mali)", "Students (Mali)"),
    "JNIM: Group for Support of Islam and Muslims": (
        "",
        "",
        "",
        "Katiba Macina",
        "Ansar Dine",
        "Katiba Serma",
    ),
    "Military Forces of Mali (2021-)": (
        "",
        "",
        "Wagner Group",
        "Wagner Group",
        "Dozo Communal Militia (Mali)",
        "Police Forces of Mali (2021-)",
    ),
    "Military Forces of Mali (2013-2020)": (
        "",
        "",
        "",
        "Military Forces of France",
        "Police Forces of Mali (2013-2020)",
    ),
    "Military Forces of France": ("", "", "", "Military Forces of Mali (2013-2020)"),
    "CMA: Coordination of Azawad Movements": (
        "",
        "",
        "HCUA: High Council for the Unity of Azawad",
        "MNLA: National Movement for the Liberation of Azawad",
    ),
    "GATIA: Imghad Tuareg and Allies Self-Defense Group": (
        "",
        "",
        "MSA: Movement for the Salvation of Azawad",
    ),
}

_DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "Military Forces of Mali (2013-2020)": (
        "Malian soldiers",
        "the Malian army (FAMa)",
        "FAMa soldiers",
    ),
    "Military Forces of Mali (2021-)": (
        "Malian soldiers",
        "the Malian army (FAMa)",
        "FAMa soldiers",
    ),
    "Police Forces of Mali (2013-2020)": ("the police", "Malian police officers"),
    "Police Forces of Mali (2021-)": ("the police", "Malian police officers"),
    "JNIM: Group for Support of Islam and Muslims": (
        "JNIM militants",
        "suspected JNIM militants",
        "militants of JNIM (Katiba Macina)",
    ),
    "Islamic State (Sahel)": ("IS Sahel militants", "suspected Islamic State (Sahel) militants"),
    "Islamic State (Greater Sahara)": ("ISGS militants", "suspected ISGS militants"),
    "Katiba Macina": ("militants of Katiba Macina", 'the so-called "Katiba Macina"'),
    "Dan Na Ambassagou": ("Dan Na Ambassagou militiamen", "Dogon hunters of Dan Na Ambassagou"),
    "Dozo Communal Militia (Mali)": ("Dozo hunters", "armed Dozos", "a Dozo militia"),
    "Fulani Ethnic Militia (Mali)": ("armed Fulani men", "a Fulani militia"),
    "Dogon Ethnic Militia (Mali)": ("armed Dogon men", "a Dogon militia"),
    "Unidentified Armed Group (Mali)": (
        "unidentified gunmen",
        "unidentified armed men on motorbikes",
        "armed men",
    ),
    "Wagner Group": ("Wagner Group mercenaries", "Russian paramilitaries"),
    "Military Forces of France": ("French Barkhane forces", "French troops"),
    "CMA: Coordination of Azawad Movements": ("CMA fighters", "fighters of the CMA"),
    "GATIA: Imghad Tuareg and Allies Self-Defense Group": ("GATIA fighters",),
    "Civilians (Mali)": ("civilians", "villagers", "residents"),
}

_GENERIC_DESC = {
    1: ("soldiers",),
    2: ("militants",),
    3: ("militiamen",),
    4: ("communal militiamen",),
    5: ("rioters",),
    6: ("protesters",),
    7: ("civilians",),
    8: ("foreign forces",),
}

# Other Sahel countries: a smaller gazetteer, generic actor names.
_OTHER_COUNTRIES: dict[str, dict[str, Any]] = {
    "Burkina Faso": {
        "iso": 854,
        "iso3": "BFA",
        "bbox": (9.4, 15.1, -5.5, 2.4),
        "mil": [
            ("Military Forces of Burkina Faso (2015-2022)", 1900, 2021),
            ("Military Forces of Burkina Faso (2022-)", 2022, 9999),
        ],
        "admin": {
            "Sahel": (
                30,
                [
                    ("Soum", 14.10, -1.63, 0.35, "Djibo,Arbinda,Koutougou,Tongomayel,Nassoumbou"),
                    ("Oudalan", 14.44, -0.24, 0.35, "Gorom-Gorom,Markoye,Tin-Akoff,Oursi,Deou"),
                    ("Seno", 14.03, -0.03, 0.30, "Dori,Seytenga,Falagountou,Bani,Gorgadji"),
                    ("Yagha", 13.44, 0.53, 0.30, "Sebba,Solhan,Mansila,Titabe,Boundore"),
                ],
            ),
            "Nord": (
                15,
                [
                    ("Loroum", 13.77, -2.07, 0.25, "Titao,Banh,Ouindigui,Solle"),
                    ("Yatenga", 13.58, -2.42, 0.30, "Ouahigouya,Thiou,Koumbri,Barga,Kain"),
                ],
            ),
            "Centre-Nord": (
                20,
                [
                    ("Bam", 13.33, -1.53, 0.30, "Kongoussi,Bourzanga,Rollo,Zimtenga"),
                    (
                        "Sanmatenga",
                        13.09,
                        -1.08,
                        0.30,
                        "Kaya,Barsalogho,Pissila,Dablo,Namissiguima",
                    ),
                    ("Namentenga", 12.66, -0.57, 0.30, "Boulsa,Tougouri,Yalgo,Zeguedeguin"),
                ],
            ),
            "Est": (
                20,
                [
                    ("Gourma", 12.06, 0.36, 0.35, "Fada N'gourma,Matiacoali,Diabo,Tibga"),
                    ("Gnagna", 12.97, -0.14, 0.30, "Bogande,Manni,Coalla,Piela"),
                    ("Tapoa", 12.07, 1.79, 0.40, "Diapaga,Kantchari,Tansarga,Logobou"),
                ],
            ),
            "Boucle du Mouhoun": (
                10,
                [
                    ("Kossi", 12.73, -3.86, 0.30, "Nouna,Djibasso,Barani,Doumbala"),
                    ("Sourou", 13.07, -3.07, 0.30, "Tougan,Di,Kassoum,Lanfiera"),
                ],
            ),
            "Centre": (5, [("Kadiogo", 12.37, -1.53, 0.08, "Ouagadougou,Saaba,Komsilga")]),
        },
    },
    "Niger": {
        "iso": 562,
        "iso3": "NER",
        "bbox": (11.7, 23.5, 0.2, 15.9),
        "mil": [
            ("Military Forces of Niger (2011-2023)", 1900, 2022),
            ("Military Forces of Niger (2023-)", 2023, 9999),
        ],
        "admin": {
            "Tillaberi": (
                50,
                [
                    ("Ouallam", 14.32, 2.09, 0.35, "Ouallam,Tondikiwindi,Dingazibanda,Simiri"),
                    ("Ayorou", 14.73, 0.92, 0.25, "Ayorou,Inates"),
                    ("Tera", 14.01, 0.75, 0.30, "Tera,Diagourou,Gorouol,Kokorou"),
                    ("Banibangou", 15.04, 2.70, 0.30, "Banibangou"),
                    ("Torodi", 13.12, 1.80, 0.30, "Torodi,Makalondi"),
                ],
            ),
            "Tahoua": (
                15,
                [
                    ("Tillia", 16.13, 4.79, 0.40, "Tillia,Tahoua"),
                    ("Tahoua", 14.89, 5.26, 0.30, "Tahoua,Kalfou"),
                ],
            ),
            "Diffa": (
                25,
                [
                    ("Diffa", 13.32, 12.61, 0.30, "Diffa,Chetimari,Gueskerou"),
                    ("Bosso", 13.70, 13.31, 0.25, "Bosso,Toumour"),
                    ("N'Guigmi", 14.25, 13.11, 0.35, "N'Guigmi,Kablewa"),
                ],
            ),
            "Niamey": (5, [("Niamey", 13.51, 2.11, 0.08, "Niamey I,Niamey II,Niamey III")]),
            "Agadez": (5, [("Agadez", 16.97, 7.99, 0.40, "Agadez,Arlit,Dirkou")]),
        },
    },
}

# --------------------------------------------------------------------------------------------------
# Scenarios: (event type, sub-event type, actor1 pool, actor2 pool or "", weight, fatality profile, place).

_SCENARIOS: list[tuple[str, str, str, str, float, str, str]] = [
    ("Battles", "Armed clash", "state", "jihadist", 10, "battle", "any"),
    ("Battles", "Armed clash", "foreign", "jihadist", 3, "battle", "any"),
    ("Battles", "Armed clash", "jihadist", "communal", 4, "battle", "any"),
    ("Battles", "Armed clash", "communal", "communal", 2, "battle", "any"),
    ("Battles", "Armed clash", "jihadist", "jihadist", 2, "battle", "any"),
    ("Battles", "Armed clash", "rebel", "progov", 1.5, "battle", "any"),
    ("Battles", "Armed clash", "state", "rebel", 1, "battle", "any"),
    ("Battles", "Armed clash", "state", "uag", 3, "battle", "any"),
    ("Battles", "Government regains territory", "state", "jihadist", 0.6, "battle", "any"),
    ("Battles", "Non-state actor overtakes territory", "jihadist", "state", 0.6, "battle", "any"),
    ("Battles", "Non-state actor overtakes territory", "rebel", "state", 0.2, "battle", "any"),
    (
        "Explosions/Remote violence",
        "Remote explosive/landmine/IED",
        "jihadist",
        "state",
        4,
        "explosion",
        "any",
    ),
    (
        "Explosions/Remote violence",
        "Remote explosive/landmine/IED",
        "uag",
        "foreign",
        2,
        "explosion",
        "any",
    ),
    (
        "Explosions/Remote violence",
        "Remote explosive/landmine/IED",
        "uag",
        "civ",
        2,
        "explosion",
        "any",
    ),
    ("Explosions/Remote violence", "Air/drone strike", "state", "jihadist", 2, "explosion", "any"),
    (
        "Explosions/Remote violence",
        "Air/drone strike",
        "foreign",
        "jihadist",
        1.2,
        "explosion",
        "any",
    ),
    ("Explosions/Remote violence", "Air/drone strike", "state", "civ", 0.6, "explosion", "any"),
    (
        "Explosions/Remote violence",
        "Shelling/artillery/missile attack",
        "jihadist",
        "foreign",
        1.4,
        "explosion",
        "any",
    ),
    (
        "Explosions/Remote violence",
        "Shelling/artillery/missile attack",
        "uag",
        "state",
        0.8,
        "explosion",
        "any",
    ),
    ("Explosions/Remote violence", "Suicide bomb", "jihadist", "foreign", 0.3, "explosion", "any"),
    ("Explosions/Remote violence", "Grenade", "uag", "civ", 0.2, "explosion", "urban"),
    ("Explosions/Remote violence", "Chemical weapon", "uag", "civ", 0.01, "explosion", "any"),
    ("Violence against civilians", "Attack", "jihadist", "civ", 8, "vac", "any"),
    ("Violence against civilians", "Attack", "communal", "civ", 6, "vac", "any"),
    ("Violence against civilians", "Attack", "state", "civ", 4, "vac", "any"),
    ("Violence against civilians", "Attack", "uag", "civ", 6, "vac", "any"),
    ("Violence against civilians", "Attack", "foreign", "civ", 0.8, "vac", "any"),
    (
        "Violence against civilians",
        "Abduction/forced disappearance",
        "jihadist",
        "civ",
        3,
        "none",
        "any",
    ),
    (
        "Violence against civilians",
        "Abduction/forced disappearance",
        "uag",
        "civ",
        3,
        "none",
        "any",
    ),
    (
        "Violence against civilians",
        "Abduction/forced disappearance",
        "state",
        "civ",
        1,
        "none",
        "any",
    ),
    ("Violence against civilians", "Sexual violence", "uag", "civ", 0.3, "rare", "any"),
    ("Violence against civilians", "Sexual violence", "jihadist", "civ", 0.2, "rare", "any"),
    ("Protests", "Peaceful protest", "prot", "", 8, "zero", "urban"),
    ("Protests", "Protest with intervention", "prot", "police", 1.2, "zero", "urban"),
    ("Protests", "Excessive force against protesters", "prot", "police", 0.4, "rare", "urban"),
    ("Riots", "Violent demonstration", "riot", "", 1, "zero", "urban"),
    ("Riots", "Violent demonstration", "riot", "police", 1, "rare", "urban"),
    ("Riots", "Mob violence", "riot", "civ", 0.8, "rare", "any"),
    ("Strategic developments", "Agreement", "jihadist", "communal", 0.3, "zero", "any"),
    ("Strategic developments", "Agreement", "rebel", "state", 0.2, "zero", "urban"),
    ("Strategic developments", "Arrests", "state", "civ", 2, "zero", "any"),
    ("Strategic developments", "Change to group/activity", "jihadist", "", 1, "zero", "any"),
    ("Strategic developments", "Change to group/activity", "state", "", 0.5, "zero", "any"),
    ("Strategic developments", "Disrupted weapons use", "state", "", 1.5, "zero", "any"),
    (
        "Strategic developments",
        "Headquarters or base established",
        "jihadist",
        "",
        0.3,
        "zero",
        "any",
    ),
    ("Strategic developments", "Headquarters or base established", "state", "", 0.3, "zero", "any"),
    ("Strategic developments", "Looting/property destruction", "jihadist", "civ", 2, "zero", "any"),
    ("Strategic developments", "Looting/property destruction", "uag", "civ", 1, "zero", "any"),
    (
        "Strategic developments",
        "Non-violent transfer of territory",
        "foreign",
        "",
        0.3,
        "zero",
        "any",
    ),
    (
        "Strategic developments",
        "Non-violent transfer of territory",
        "rebel",
        "",
        0.2,
        "zero",
        "any",
    ),
    ("Strategic developments", "Other", "state", "", 0.3, "zero", "any"),
]

# Share of events per year (Mali's violence grows sharply from 2017).
_YEAR_WEIGHTS = {
    2012: 5,
    2013: 6,
    2014: 3,
    2015: 4,
    2016: 4,
    2017: 6,
    2018: 10,
    2019: 12,
    2020: 14,
    2021: 15,
    2022: 18,
    2023: 16,
    2024: 14,
}

_SOURCES = (
    "Studio Tamani",
    "RFI",
    "AFP",
    "MINUSMA",
    "Twitter",
    "Jeune Afrique",
    "Reuters",
    "Malijet",
    "Mali Web",
    "Menastream",
    "Xinhua",
    "Associated Press",
    "Sahelien",
    "Le Républicain (Mali)",
    "L'Indépendant (Mali)",
    "Human Rights Watch",
    "Long War Journal",
    "Al Jazeera",
    "Bamada.net",
    "Mali Actu",
    "Facebook",
    "Kibaru",
    "Radio Kledu",
    "Studio Tamani; RFI",
    "AFP; Reuters",
)
_SCALES = (
    "National",
    "National",
    "International",
    "Subnational",
    "Local partner",
    "Local partner-International",
    "National-International",
    "Subnational-National",
    "New media",
    "New media-National",
    "Other",
    "Other-National",
    "Local partner-National",
)

# --------------------------------------------------------------------------------------------------
# The event


@dataclass(slots=True)
class AcledEvent:
    """One synthetic ACLED event: the truth its rows are generated from (dyadic view)."""

    event_id_cnty: str
    event_id_no_cnty: int
    event_date: date
    year: int
    time_precision: int
    disorder_type: str
    event_type: str
    sub_event_type: str
    actor1: str
    assoc_actor_1: str
    inter1: int
    actor2: str
    assoc_actor_2: str
    inter2: int  # 0 when there is no actor2
    interaction: int
    civilian_targeting: str
    iso: int
    iso3: str
    region: str
    country: str
    admin1: str
    admin2: str
    admin3: str
    location: str
    latitude: float
    longitude: float
    geo_precision: int
    source: str
    source_scale: str
    notes: str
    fatalities: int
    tags: str
    timestamp: int

    @property
    def has_actor2(self) -> bool:
        return bool(self.actor2)


def interaction_code(inter1: int, inter2: int) -> int:
    """ACLED's interaction: the two actor types, smaller first (17, 48); 10 x inter1 without actor2."""
    if not inter2:
        return inter1 * 10
    return min(inter1, inter2) * 10 + max(inter1, inter2)


def interaction_words(code: int) -> str:
    """The 2024+ spelling of an interaction code: 'State forces-Civilians', 'Protesters only'."""
    first, second = divmod(code, 10)
    if not second:
        return f"{INTER_WORDS[first]} only"
    return f"{INTER_WORDS[first]}-{INTER_WORDS[second]}"


# --------------------------------------------------------------------------------------------------
# Country profiles (built once, independent of the seed)


@dataclass(slots=True)
class _Place:
    admin1: str
    admin2: str
    admin3: str
    location: str
    latitude: float
    longitude: float
    seat: bool


@dataclass(slots=True)
class _Profile:
    country: str
    iso: int
    iso3: str
    bbox: tuple[float, float, float, float]
    admin1_table: list[str]
    urban_admin1_table: list[str]
    places: dict[str, list[_Place]]  # admin1 -> weighted table of places
    seats: dict[str, list[_Place]]  # admin1 -> weighted table of seats (urban events)
    cercle_seat: dict[tuple[str, str], _Place]
    actors: dict[str, list[tuple[str, int, int, int, int]]]
    assoc: dict[str, tuple[str, ...]]
    descriptions: dict[str, tuple[str, ...]]


def _table(items: Iterable[tuple[Any, float]], size: int = 1000) -> list[Any]:
    """A lookup table for O(1) weighted choice: table[int(random() * len(table))]."""
    pairs = [(item, weight) for item, weight in items if weight > 0]
    total = sum(weight for _, weight in pairs)
    table: list[Any] = []
    for item, weight in pairs:
        table.extend([item] * max(1, round(size * weight / total)))
    return table


def _clip(value: float, low: float, high: float) -> float:
    return low if value < low else high if value > high else value


def _village_name(rng: random.Random, zone: str) -> str:
    first, middle, last = _SYLL[zone]
    name = rng.choice(first) + rng.choice(middle) + rng.choice(last)
    if name.endswith(" "):
        name = name.strip()
    return name[0].upper() + name[1:]


@lru_cache(maxsize=8)
def _profile(country: str) -> _Profile:
    rng = random.Random(f"vigie-gazetteer-{country}")
    if country == "Mali":
        admin = _MALI_ADMIN
        iso, iso3, bbox = 466, "MLI", (10.2, 24.9, -12.2, 4.2)
        actors = _MALI_ACTORS
        assoc = dict(_MALI_ASSOC)
        descriptions = dict(_DESCRIPTIONS)
        notable = _MALI_NOTABLE
        per_cercle = 46
    elif country in _OTHER_COUNTRIES:
        spec = _OTHER_COUNTRIES[country]
        admin, iso, iso3, bbox = spec["admin"], spec["iso"], spec["iso3"], spec["bbox"]
        actors = {
            key: [
                (name.replace("(Mali)", f"({country})"), inter, y0, y1, w)
                for name, inter, y0, y1, w in pool
            ]
            for key, pool in _MALI_ACTORS.items()
            if key not in ("state", "police", "rebel", "progov")
        }
        actors["state"] = [(name, 1, y0, y1, 1) for name, y0, y1 in spec["mil"]]
        actors["police"] = [(f"Police Forces of {country}", 1, 1900, 9999, 1)]
        actors["rebel"] = [("JNIM: Group for Support of Islam and Muslims", 2, 2017, 9999, 1)]
        actors["progov"] = [(f"Unidentified Armed Group ({country})", 3, 1900, 9999, 1)]
        actors["foreign"] = [("Military Forces of France", 8, 1900, 2022, 1)]
        actors["communal"] = [
            (f"Fulani Ethnic Militia ({country})", 4, 1900, 9999, 1),
            (f"Dozo Communal Militia ({country})", 4, 1900, 9999, 1),
        ]
        assoc = {
            name.replace("(Mali)", f"({country})"): tuple(
                a.replace("(Mali)", f"({country})") for a in opts
            )
            for name, opts in _MALI_ASSOC.items()
        }
        descriptions = {
            name.replace("(Mali)", f"({country})"): d for name, d in _DESCRIPTIONS.items()
        }
        notable = {}
        per_cercle = 40
    else:
        raise ValueError(f"no synthetic gazetteer for {country!r} (Mali, Burkina Faso or Niger)")
    lat_lo, lat_hi, lon_lo, lon_hi = bbox

    seen: set[str] = set()
    places: dict[str, list[_Place]] = {}
    seats: dict[str, list[_Place]] = {}
    cercle_seat: dict[tuple[str, str], _Place] = {}
    for admin1, (_, cercles) in admin.items():
        zone = _ZONE.get(admin1, "centre")
        weighted: list[tuple[_Place, float]] = []
        seat_weighted: list[tuple[_Place, float]] = []
        for admin2, lat, lon, radius, communes_text in cercles:
            communes = [c.strip() for c in communes_text.split(",") if c.strip()]
            seat = _Place(admin1, admin2, communes[0], admin2, lat, lon, True)
            seen.add(admin2)
            cercle_seat[(admin1, admin2)] = seat
            weighted.append((seat, 12.0))
            seat_weighted.append((seat, 10.0))
            centres: list[tuple[str, float, float]] = []
            for commune in communes:
                clat = _clip(lat + rng.gauss(0, radius * 0.5), lat - radius, lat + radius)
                clon = _clip(lon + rng.gauss(0, radius * 0.5), lon - radius, lon + radius)
                clat, clon = _clip(clat, lat_lo, lat_hi), _clip(clon, lon_lo, lon_hi)
                centres.append((commune, clat, clon))
                if commune not in seen and commune != admin2 and not commune.startswith("Commune "):
                    seen.add(commune)
                    place = _Place(admin1, admin2, commune, commune, clat, clon, True)
                    weighted.append((place, 3.0))
                    seat_weighted.append((place, 1.0))
            for name in notable.get(admin2, "").split(",") if notable.get(admin2) else []:
                commune, clat, clon = centres[rng.randrange(len(centres))]
                if name in seen:
                    continue
                seen.add(name)
                plat = _clip(clat + rng.gauss(0, radius * 0.2), lat_lo, lat_hi)
                plon = _clip(clon + rng.gauss(0, radius * 0.2), lon_lo, lon_hi)
                weighted.append((_Place(admin1, admin2, commune, name, plat, plon, False), 5.0))
            count = per_cercle if admin1 != "Bamako" else 0
            for k in range(count):
                commune, clat, clon = centres[rng.randrange(len(centres))]
                name = _village_name(rng, zone)
                while name in seen:
                    name = (
                        _village_name(rng, zone)
                        if rng.random() < 0.7
                        else name
                        + rng.choice(
                            (
                                " Peul",
                                " Dogon",
                                " I",
                                " II",
                                " Bozo",
                                " Marka",
                                "-Ouro",
                                " Sud",
                                " Nord",
                            )
                        )
                    )
                seen.add(name)
                plat = _clip(clat + rng.gauss(0, radius * 0.25), lat_lo, lat_hi)
                plon = _clip(clon + rng.gauss(0, radius * 0.25), lon_lo, lon_hi)
                weighted.append(
                    (_Place(admin1, admin2, commune, name, plat, plon, False), 1.0 + 4.0 / (k + 1))
                )
        places[admin1] = _table(weighted, 4000)
        seats[admin1] = _table(seat_weighted, 400)
    admin1_table = _table(((a, w) for a, (w, _) in admin.items()), 1000)
    urban = {a: w for a, (w, _) in admin.items()}
    capital = "Bamako" if country == "Mali" else "Centre" if country == "Burkina Faso" else "Niamey"
    urban[capital] = urban.get(capital, 1) * 8
    urban_table = _table(urban.items(), 1000)
    return _Profile(
        country,
        iso,
        iso3,
        bbox,
        admin1_table,
        urban_table,
        places,
        seats,
        cercle_seat,
        actors,
        assoc,
        descriptions,
    )


_PoolEntry = tuple[str, int, tuple[str, ...], tuple[str, ...]]


def _actor_pools(profile: _Profile, year: int) -> dict[str, list[_PoolEntry]]:
    """Actors active in ``year``, per pool: (name, inter, note descriptions, associated actors)."""
    pools: dict[str, list[_PoolEntry]] = {}
    for key, pool in profile.actors.items():
        active = [
            (
                (
                    name,
                    inter,
                    profile.descriptions.get(name) or _GENERIC_DESC[inter],
                    profile.assoc.get(name, ("",)),
                ),
                w,
            )
            for name, inter, y0, y1, w in pool
            if y0 <= year <= y1
        ]
        pools[key] = _table(active, 60) if active else []
    return pools


def _scenario_table(pools: dict[str, list[Any]]) -> list[tuple[Any, ...]]:
    usable = []
    for etype, sub, p1, p2, weight, fatal, place in _SCENARIOS:
        if pools.get(p1) and (not p2 or pools.get(p2)):
            if etype == "Violence against civilians" or sub == "Excessive force against protesters":
                civ = 2  # always civilian targeting
            elif etype == "Explosions/Remote violence":
                civ = 1  # when the victims are civilians
            else:
                civ = 0
            usable.append(
                (
                    (
                        etype,
                        sub,
                        p1,
                        p2,
                        fatal,
                        place,
                        DISORDER_TYPES[sub],
                        _NOTES[sub],
                        civ,
                        etype == "Protests" or etype == "Riots",
                    ),
                    weight,
                )
            )
    return _table(usable, 5000)


# --------------------------------------------------------------------------------------------------
# Notes

# Note templates, one f-string each, all taking the same arguments:
#   d: the date ("23 March 2019"); a1, a2: how the note names the actors; loc, adm2, adm1: the place;
#   fat: a sentence on fatalities; kill: a clause on fatalities; k: a crowd or group size.
_NoteFn = Callable[[str, str, str, str, str, str, str, str, int], str]
_NOTES: dict[str, tuple[_NoteFn, ...]] = {
    "Armed clash": (
        lambda d, a1, a2, loc, adm2, adm1, fat, kill, k: (
            f"On {d}, {a1} clashed with {a2} near {loc} ({adm2}, {adm1}). {fat}"
        ),
        lambda d, a1, a2, loc, adm2, adm1, fat, kill, k: (
            f"On {d}, {a2} attacked a position of {a1} in {loc} ({adm2}, {adm1}); "
            f"the fighting lasted several hours. {fat}"
        ),
        lambda d, a1, a2, loc, adm2, adm1, fat, kill, k: (
            f"On {d}, {a1} and {a2} exchanged fire in the area of {loc} ({adm2}, {adm1}), "
            f"according to local sources. {fat}"
        ),
    ),
    "Government regains territory": (
        lambda d, a1, a2, loc, adm2, adm1, fat, kill, k: (
            f"On {d}, {a1} retook control of {loc} ({adm2}, {adm1}) from {a2}, who had occupied it "
            f"for weeks. {fat}"
        ),
    ),
    "Non-state actor overtakes territory": (
        lambda d, a1, a2, loc, adm2, adm1, fat, kill, k: (
            f"On {d}, {a1} took control of {loc} ({adm2}, {adm1}) after {a2} withdrew from their camp. {fat}"
        ),
    ),
    "Remote explosive/landmine/IED": (
        lambda d, a1, a2, loc, adm2, adm1, fat, kill, k: (
            f"On {d}, a vehicle carrying {a2} hit an IED planted by {a1} between {loc} and {adm2} ({adm1}). "
            f"{fat}"
        ),
        lambda d, a1, a2, loc, adm2, adm1, fat, kill, k: (
            f"On {d}, an improvised explosive device went off as {a2} were travelling near {loc} "
            f"({adm2}, {adm1}). {fat}"
        ),
    ),
    "Air/drone strike": (
        lambda d, a1, a2, loc, adm2, adm1, fat, kill, k: (
            f"On {d}, {a1} carried out a drone strike on a gathering of {a2} near {loc} ({adm2}, {adm1}). {fat}"
        ),
        lambda d, a1, a2, loc, adm2, adm1, fat, kill, k: (
            f"On {d}, an air strike by {a1} hit {a2} in the area of {loc} ({adm2}, {adm1}). {fat}"
        ),
    ),
    "Shelling/artillery/missile attack": (
        lambda d, a1, a2, loc, adm2, adm1, fat, kill, k: (
            f"On {d}, {a1} fired several mortar shells at the camp of {a2} in {loc} ({adm2}, {adm1}). {fat}"
        ),
    ),
    "Suicide bomb": (
        lambda d, a1, a2, loc, adm2, adm1, fat, kill, k: (
            f"On {d}, a suicide bomber of {a1} drove a car bomb into a base of {a2} in {loc} ({adm2}, {adm1}). "
            f"{fat}"
        ),
    ),
    "Grenade": (
        lambda d, a1, a2, loc, adm2, adm1, fat, kill, k: (
            f"On {d}, {a1} threw a grenade into a bar in {loc} ({adm2}, {adm1}). {fat}"
        ),
    ),
    "Chemical weapon": (
        lambda d, a1, a2, loc, adm2, adm1, fat, kill, k: (
            f"On {d}, {a1} reportedly used a toxic substance against {a2} in {loc} ({adm1}). {fat}"
        ),
    ),
    "Attack": (
        lambda d, a1, a2, loc, adm2, adm1, fat, kill, k: (
            f"On {d}, {a1} attacked the village of {loc} ({adm2}, {adm1}), {kill}. "
            f"Houses and granaries were burned."
        ),
        lambda d, a1, a2, loc, adm2, adm1, fat, kill, k: (
            f"On {d}, {a1} attacked {a2} at the weekly market of {loc} ({adm2}, {adm1}), {kill}."
        ),
        lambda d, a1, a2, loc, adm2, adm1, fat, kill, k: (
            f"On {d}, {a1} stormed {loc} ({adm2}, {adm1}) on motorbikes, {kill}. "
            f'A survivor said: "they shot at everyone who ran".'
        ),
        lambda d, a1, a2, loc, adm2, adm1, fat, kill, k: (
            f"On {d}, {a1} ambushed {a2} travelling on the road between {loc} and {adm2} ({adm1}), {kill}."
        ),
    ),
    "Abduction/forced disappearance": (
        lambda d, a1, a2, loc, adm2, adm1, fat, kill, k: (
            f"On {d}, {a1} abducted {k} people, including the village chief, in {loc} ({adm2}, {adm1}). "
            f"Their whereabouts remain unknown."
        ),
        lambda d, a1, a2, loc, adm2, adm1, fat, kill, k: (
            f"On {d}, {a1} kidnapped a trader near {loc} ({adm2}, {adm1}) and took him to an unknown "
            f"destination."
        ),
    ),
    "Sexual violence": (
        lambda d, a1, a2, loc, adm2, adm1, fat, kill, k: (
            f"On {d}, {a1} raped a woman near {loc} ({adm2}, {adm1}). {fat}"
        ),
    ),
    "Peaceful protest": (
        lambda d, a1, a2, loc, adm2, adm1, fat, kill, k: (
            f"On {d}, residents of {loc} ({adm1}) held a sit-in to denounce insecurity and demand the return "
            f"of the army. [size=no report]"
        ),
        lambda d, a1, a2, loc, adm2, adm1, fat, kill, k: (
            f"On {d}, {k} people, mostly women, marched in {loc} ({adm2}, {adm1}) against the high cost of "
            f"living. [size=around {k}]"
        ),
        lambda d, a1, a2, loc, adm2, adm1, fat, kill, k: (
            f'On {d}, teachers demonstrated in {loc} ({adm1}) over unpaid salaries, chanting "no pay, '
            f'no school". [size=no report]'
        ),
    ),
    "Protest with intervention": (
        lambda d, a1, a2, loc, adm2, adm1, fat, kill, k: (
            f"On {d}, {a2} dispersed with tear gas a demonstration of young people in {loc} ({adm1}) "
            f"protesting power cuts. [size=no report]"
        ),
    ),
    "Excessive force against protesters": (
        lambda d, a1, a2, loc, adm2, adm1, fat, kill, k: (
            f"On {d}, {a2} fired live rounds at protesters in {loc} ({adm1}). {fat} [size=no report]"
        ),
    ),
    "Violent demonstration": (
        lambda d, a1, a2, loc, adm2, adm1, fat, kill, k: (
            f"On {d}, angry youths blocked the main road of {loc} ({adm1}), burning tyres and throwing "
            f"stones. {fat} [size=no report]"
        ),
    ),
    "Mob violence": (
        lambda d, a1, a2, loc, adm2, adm1, fat, kill, k: (
            f"On {d}, a mob lynched a suspected thief in {loc} ({adm2}, {adm1}). {fat}"
        ),
    ),
    "Agreement": (
        lambda d, a1, a2, loc, adm2, adm1, fat, kill, k: (
            f"On {d}, {a1} and {a2} concluded a local truce in {loc} ({adm2}, {adm1}), allowing access to "
            f"fields and markets."
        ),
    ),
    "Arrests": (
        lambda d, a1, a2, loc, adm2, adm1, fat, kill, k: (
            f"On {d}, {a1} arrested {k} people suspected of links with jihadist groups in {loc} "
            f"({adm2}, {adm1})."
        ),
    ),
    "Change to group/activity": (
        lambda d, a1, a2, loc, adm2, adm1, fat, kill, k: (
            f"On {d}, {a1} imposed a blockade on {loc} ({adm2}, {adm1}), forbidding the movement of goods "
            f"and people."
        ),
    ),
    "Disrupted weapons use": (
        lambda d, a1, a2, loc, adm2, adm1, fat, kill, k: (
            f"On {d}, {a1} found and defused an IED on the road near {loc} ({adm2}, {adm1})."
        ),
    ),
    "Headquarters or base established": (
        lambda d, a1, a2, loc, adm2, adm1, fat, kill, k: (
            f"On {d}, {a1} set up a camp in {loc} ({adm2}, {adm1})."
        ),
    ),
    "Looting/property destruction": (
        lambda d, a1, a2, loc, adm2, adm1, fat, kill, k: (
            f"On {d}, {a1} looted shops and stole livestock in {loc} ({adm2}, {adm1})."
        ),
    ),
    "Non-violent transfer of territory": (
        lambda d, a1, a2, loc, adm2, adm1, fat, kill, k: (
            f"On {d}, {a1} handed over their base in {loc} ({adm2}, {adm1}) and left the area."
        ),
    ),
    "Other": (
        lambda d, a1, a2, loc, adm2, adm1, fat, kill, k: (
            f"On {d}, {a1} announced a curfew in {loc} ({adm2}, {adm1}) after a series of incidents."
        ),
    ),
}


def _fatality_sentence(f: int) -> str:
    if f == 0:
        return "No fatalities were reported."
    if f == 1:
        return "One person was killed."
    return f"{f} people were killed, according to a tally that includes combatants."


def _kill_clause(f: int) -> str:
    if f == 0:
        return "without causing casualties"
    if f == 1:
        return "killing one civilian"
    return f"killing {f} civilians"


_FAT_SENTENCE = tuple(_fatality_sentence(f) for f in range(161))
_KILL_CLAUSE = tuple(_kill_clause(f) for f in range(161))


# --------------------------------------------------------------------------------------------------
# ACLED events


def _year_counts(n: int, start_year: int, end_year: int) -> list[tuple[int, int]]:
    years = list(range(start_year, end_year + 1))
    weights = [_YEAR_WEIGHTS.get(y, 10) for y in years]
    total = sum(weights)
    counts = [n * w // total for w in weights]
    remainder = n - sum(counts)
    order = sorted(range(len(years)), key=lambda i: -(n * weights[i] % total))
    for i in order[:remainder]:
        counts[i] += 1
    return list(zip(years, counts, strict=True))


def _fatalities(rnd: Any, profile: str) -> int:
    if profile == "zero":
        return 0
    r = rnd()
    if profile == "rare":
        return 0 if r < 0.85 else 1 + int(rnd() * 3)
    if profile == "none":
        return 0 if r < 0.97 else 1
    p0 = 0.45 if profile == "battle" else 0.5 if profile == "explosion" else 0.3
    if r < p0:
        return 0
    # Pareto tail: mostly 1-5, rarely dozens, capped like the worst massacres (~160).
    f = int(1.0 / (1.0 - rnd()) ** 0.8)
    return 160 if f > 160 else f


def acled_events(
    n: int, seed: int = 0, country: str = "Mali", start_year: int = 2012, end_year: int = 2024
) -> Iterator[AcledEvent]:
    """``n`` synthetic ACLED events, in date order, streamed; the same seed gives the same events."""
    if n < 0:
        raise ValueError("n must be >= 0")
    if start_year > end_year:
        raise ValueError("start_year must be <= end_year")
    prof = _profile(country)
    rng = random.Random(seed)
    rnd = rng.random
    iso, iso3 = prof.iso, prof.iso3
    civ_name = f"Civilians ({country})"
    uag = (f"Unidentified Armed Group ({country})", 3, _GENERIC_DESC[3], ("",))
    places, seats = prof.places, prof.seats
    admin1_table, urban_table = prof.admin1_table, prof.urban_admin1_table
    cercle_seat = prof.cercle_seat
    fat_sentence, kill_clause = _FAT_SENTENCE, _KILL_CLAUSE
    n_sources, n_scales = len(_SOURCES), len(_SCALES)
    la1, lu1 = len(admin1_table), len(urban_table)
    event = AcledEvent
    event_no = 1 + int(rnd() * 50)
    t_max = (
        date(end_year + 1, 3, 31).toordinal() - _EPOCH_ORDINAL
    ) * 86400  # when the export was made
    for year, count in _year_counts(n, start_year, end_year):
        if not count:
            continue
        pools = _actor_pools(prof, year)
        scenarios = _scenario_table(pools)
        ls = len(scenarios)
        first = date(year, 1, 1).toordinal()
        ndays = date(year + 1, 1, 1).toordinal() - first
        last_ordinal = -1
        d = date(year, 1, 1)
        d_long, epoch = "", 0
        for k in range(count):
            ordinal = first + (k * ndays) // count
            if ordinal != last_ordinal:
                last_ordinal = ordinal
                d = date.fromordinal(ordinal)
                d_long = f"{d.day} {_MONTHS[d.month - 1]} {year}"
                epoch = (ordinal - _EPOCH_ORDINAL) * 86400
            etype, sub, p1, p2, fatal, where, disorder, templates, civ_rule, crowd = scenarios[
                int(rnd() * ls)
            ]
            pool = pools[p1]
            actor1, inter1, desc1, assocs1 = pool[int(rnd() * len(pool))]
            assoc1 = assocs1[int(rnd() * len(assocs1))]
            if p2:
                pool = pools[p2]
                actor2, inter2, desc2, assocs2 = pool[int(rnd() * len(pool))]
                if actor2 == actor1:  # JNIM v. JNIM: take another group of the pool, or a UAG
                    actor2, inter2, desc2, assocs2 = next((a for a in pool if a[0] != actor1), uag)
                assoc2 = assocs2[int(rnd() * len(assocs2))]
                if assoc1 == actor2:
                    assoc1 = ""
                if assoc2 == actor1:
                    assoc2 = ""
                a2 = desc2[int(rnd() * len(desc2))]
                inter = (inter1 * 10 + inter2) if inter1 <= inter2 else (inter2 * 10 + inter1)
            else:
                actor2, inter2, assoc2, a2 = "", 0, "", "the authorities"
                inter = inter1 * 10
            # place and precision
            if where == "urban":
                table = seats[urban_table[int(rnd() * lu1)]]
            else:
                table = places[admin1_table[int(rnd() * la1)]]
            place = table[int(rnd() * len(table))]
            r = rnd()
            geo = 1 if r < 0.72 else 2 if r < 0.93 else 3
            if geo == 3:
                place = cercle_seat[(place.admin1, place.admin2)]
            r = rnd()
            tp = 1 if r < 0.8 else 2 if r < 0.95 else 3
            fat = _fatalities(rnd, fatal)
            # notes
            extra = 2 + int(rnd() * 40)
            text = templates[int(rnd() * len(templates))](
                d_long,
                desc1[int(rnd() * len(desc1))],
                a2,
                place.location,
                place.admin2,
                place.admin1,
                fat_sentence[fat],
                kill_clause[fat],
                extra,
            )
            r = rnd()
            if r < 0.002:  # the odd multi-line note, as pasted from a report
                text = (
                    text.replace(". ", ".\n", 1)
                    if ". " in text
                    else text + "\nSource: local partner."
                )
            elif r < 0.03:
                text += ' Figures are "approximate", a local official said.'
            if crowd:
                tags = (
                    "crowd size=no report"
                    if text.endswith("[size=no report]")
                    else (
                        f"crowd size=around {extra}"
                        if text.endswith(f"[size=around {extra}]")
                        else ""
                    )
                )
            elif r > 0.985 and sub == "Attack":
                tags = (
                    "women targeted: candidates"
                    if r > 0.996
                    else "women targeted: relatives of targeted groups"
                )
            else:
                tags = ""
            if civ_rule == 2 or (civ_rule == 1 and actor2 == civ_name):
                civ = "Civilian targeting"
            else:
                civ = ""
            lat = place.latitude
            lon = place.longitude
            if geo == 2:
                lat = round(lat + (rnd() - 0.5) * 0.02, 4)
                lon = round(lon + (rnd() - 0.5) * 0.02, 4)
            ts = epoch + 86400 + int(rnd() * 1814400)  # 1 to 22 days after the event
            if ts < _T_RECODE:
                ts = _T_RECODE + int(rnd() * 3456000)
            r = rnd()
            if r < 0.15:  # revised later, up to ~400 days on, but not after the export
                ts += int(r * 230400000)
                if ts > t_max:
                    ts = t_max - int(rnd() * 864000)
                    if ts < epoch:
                        ts = epoch + 86400
            event_no += 1 if r < 0.9 or r > 0.95 else 2 + int(rnd() * 4)
            yield event(
                f"{iso3}{event_no}",
                event_no,
                d,
                year,
                tp,
                disorder,
                etype,
                sub,
                actor1,
                assoc1,
                inter1,
                actor2,
                assoc2,
                inter2,
                inter,
                civ,
                iso,
                iso3,
                "Western Africa",
                country,
                place.admin1,
                place.admin2,
                place.admin3,
                place.location,
                lat,
                lon,
                geo,
                _SOURCES[int(rnd() * n_sources)],
                _SCALES[int(rnd() * n_scales)],
                text,
                fat,
                tags,
                ts,
            )


# --------------------------------------------------------------------------------------------------
# Writing ACLED


class _Output:
    """A text stream to write to: a path (opened here, closed on exit) or an open file."""

    def __init__(self, path_or_file: Any, encoding: str, bom: bool):
        if hasattr(path_or_file, "write"):
            self.file: TextIO = path_or_file
            self.owned = False
            if bom:
                self.file.write("\ufeff")
        else:
            if bom and encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
                encoding = "utf-8-sig"
            self.file = open(path_or_file, "w", encoding=encoding, newline="")
            self.owned = True
            if bom and encoding != "utf-8-sig" and not encoding.lower().startswith("utf-16"):
                self.file.write("\ufeff")

    def __enter__(self) -> TextIO:
        return self.file

    def __exit__(self, *exc: object) -> None:
        if self.owned:
            self.file.close()


def _quote(value: str) -> str:
    """One CSV field as csv.QUOTE_MINIMAL writes it."""
    if '"' in value:
        return '"' + value.replace('"', '""') + '"'
    if "," in value or "\n" in value or "\r" in value:
        return '"' + value + '"'
    return value


def _csv_line(values: list[str], special: int) -> str:
    """values (all str) joined as a CSV record; the field at ``special`` (free text) is always checked.

    Same bytes as csv.writer(QUOTE_MINIMAL), except that a bare "\r" is always quoted (so that the
    record reads back). The other fields are checked together, in one pass, and quoted one by one
    only when something in them needs it.
    """
    text = values[special]
    values[special] = ""
    line = ",".join(values)
    if '"' in line or "\n" in line or "\r" in line or line.count(",") != len(values) - 1:
        values = [_quote(v) for v in values]
    values[special] = _quote(text)
    return ",".join(values)


def write_acled(
    path_or_file: Any,
    events: Iterable[AcledEvent],
    *,
    form: str = "dyadic",
    columns: str = "current",
    inter_as: str = "numbers",
    date_format: str = "iso",
    shuffle_columns: bool = False,
    upper_case_header: bool = False,
    encoding: str = "utf-8",
    bom: bool = False,
    seed: int = 0,
    line_terminator: str = "\n",
) -> int:
    """Write events as an ACLED CSV export; returns the number of data rows written.

    form: "dyadic" (one row per event) or "monadic" (a two-actor event on two rows, the second with
    actor2 moved into actor1; pairs are not always adjacent). columns: "current" (2023+) or "legacy".
    inter_as: "numbers" or "words" (2024+). date_format: "iso" or "long" ("23 March 2019").
    A path is opened with ``encoding`` (and a BOM if asked); an open file must use newline="".
    """
    if form not in ("dyadic", "monadic"):
        raise ValueError("form must be 'dyadic' or 'monadic'")
    if columns not in ("current", "legacy"):
        raise ValueError("columns must be 'current' or 'legacy'")
    if inter_as not in ("numbers", "words"):
        raise ValueError("inter_as must be 'numbers' or 'words'")
    if date_format not in ("iso", "long"):
        raise ValueError("date_format must be 'iso' or 'long'")
    legacy = columns == "legacy"
    header = list(ACLED_COLUMNS_LEGACY if legacy else ACLED_COLUMNS_CURRENT)
    rng = random.Random(f"vigie-write-{seed}")
    perm: list[int] | None = None
    if shuffle_columns:
        perm = list(range(len(header)))
        while perm == sorted(perm):
            rng.shuffle(perm)
        header = [header[i] for i in perm]
    if upper_case_header:
        header = [h.upper() for h in header]
    words = inter_as == "words"
    inter_text = {i: (INTER_WORDS[i] if words else str(i)) for i in INTER_WORDS}
    inter_text[0] = "" if words else "0"
    interaction_cache: dict[int, str] = {}
    date_cache: dict[date, str] = {}
    long_dates = date_format == "long"
    monadic = form == "monadic"
    if legacy:
        i_a1, i_as1, i_in1, i_a2, i_as2, i_in2, i_notes = 9, 10, 11, 12, 13, 14, 27
    else:
        i_a1, i_as1, i_in1, i_a2, i_as2, i_in2, i_notes = 7, 8, 9, 10, 11, 12, 27
    if perm is not None:
        i_notes_out = perm.index(i_notes)
    else:
        i_notes_out = i_notes
    data_id = 5_000_000 + rng.randrange(1_000_000)
    pending: list[
        tuple[int, int, str | list[str]]
    ] = []  # (release before event index, tiebreak, row)
    rows = 0
    chunk: list[str] = []
    nl = line_terminator

    def values(e: AcledEvent, ds: str, inter: str, second: bool) -> list[str]:
        """The row as a list of str, in the unshuffled column order (data_id left empty)."""
        if legacy:
            row = [
                "",
                str(e.iso),
                e.event_id_cnty,
                str(e.event_id_no_cnty),
                ds,
                str(e.year),
                str(e.time_precision),
                e.event_type,
                e.sub_event_type,
                e.actor1,
                e.assoc_actor_1,
                inter_text[e.inter1],
                e.actor2,
                e.assoc_actor_2,
                inter_text[e.inter2],
                inter,
                e.region,
                e.country,
                e.admin1,
                e.admin2,
                e.admin3,
                e.location,
                f"{e.latitude:.4f}",
                f"{e.longitude:.4f}",
                str(e.geo_precision),
                e.source,
                e.source_scale,
                e.notes,
                str(e.fatalities),
                str(e.timestamp),
                e.iso3,
            ]
        else:
            row = [
                e.event_id_cnty,
                ds,
                str(e.year),
                str(e.time_precision),
                e.disorder_type,
                e.event_type,
                e.sub_event_type,
                e.actor1,
                e.assoc_actor_1,
                inter_text[e.inter1],
                e.actor2,
                e.assoc_actor_2,
                inter_text[e.inter2],
                inter,
                e.civilian_targeting,
                str(e.iso),
                e.region,
                e.country,
                e.admin1,
                e.admin2,
                e.admin3,
                e.location,
                f"{e.latitude:.4f}",
                f"{e.longitude:.4f}",
                str(e.geo_precision),
                e.source,
                e.source_scale,
                e.notes,
                str(e.fatalities),
                e.tags,
                str(e.timestamp),
            ]
        if second:  # monadic: the other actor, alone
            row[i_a1], row[i_as1], row[i_in1] = e.actor2, e.assoc_actor_2, inter_text[e.inter2]
            row[i_a2] = row[i_as2] = row[i_in2] = ""
        return row

    def line(e: AcledEvent, ds: str, inter: str, second: bool) -> str | list[str]:
        """The CSV record as one string (legacy: without its leading data_id), or, when a field other
        than notes needs quoting or the columns are shuffled, the list of values."""
        if perm is not None:
            return values(e, ds, inter, second)
        if second:
            a1, as1, i1, a2, as2, i2 = e.actor2, e.assoc_actor_2, inter_text[e.inter2], "", "", ""
        else:
            a1, as1, i1 = e.actor1, e.assoc_actor_1, inter_text[e.inter1]
            a2, as2, i2 = e.actor2, e.assoc_actor_2, inter_text[e.inter2]
        if legacy:
            head = (
                f",{e.iso},{e.event_id_cnty},{e.event_id_no_cnty},{ds},{e.year},{e.time_precision},"
                f"{e.event_type},{e.sub_event_type},{a1},{as1},{i1},{a2},{as2},{i2},{inter},{e.region},"
                f"{e.country},{e.admin1},{e.admin2},{e.admin3},{e.location},{e.latitude:.4f},"
                f"{e.longitude:.4f},{e.geo_precision},{e.source},{e.source_scale},"
            )
            tail = f",{e.fatalities},{e.timestamp},{e.iso3}"
        else:
            head = (
                f"{e.event_id_cnty},{ds},{e.year},{e.time_precision},{e.disorder_type},{e.event_type},"
                f"{e.sub_event_type},{a1},{as1},{i1},{a2},{as2},{i2},{inter},{e.civilian_targeting},"
                f"{e.iso},{e.region},{e.country},{e.admin1},{e.admin2},{e.admin3},{e.location},"
                f"{e.latitude:.4f},{e.longitude:.4f},{e.geo_precision},{e.source},{e.source_scale},"
            )
            tail = f",{e.fatalities},{e.tags},{e.timestamp}"
        probe = head + tail
        if probe.count(",") != 30 or '"' in probe or "\n" in probe or "\r" in probe:
            return values(e, ds, inter, second)
        return head + _quote(e.notes) + tail

    with _Output(path_or_file, encoding, bom) as out:
        writer = csv.writer(out, lineterminator=nl)
        writer.writerow(header)
        rnd = rng.random
        write = out.write
        add = chunk.append

        def emit(item: str | list[str]) -> None:
            nonlocal data_id
            if type(item) is str:
                if legacy:
                    add(str(data_id))
                    data_id += 1
                add(item)
            else:
                if legacy:
                    item[0] = str(data_id)
                    data_id += 1
                add(_csv_line(item if perm is None else [item[i] for i in perm], i_notes_out))
            add(nl)

        for index, e in enumerate(events):
            d = e.event_date
            ds = date_cache.get(d)
            if ds is None:
                ds = f"{d.day} {_MONTHS[d.month - 1]} {d.year}" if long_dates else d.isoformat()
                date_cache[d] = ds
            inter = interaction_cache.get(e.interaction)
            if inter is None:
                inter = interaction_words(e.interaction) if words else str(e.interaction)
                interaction_cache[e.interaction] = inter
            if monadic:
                while pending and pending[0][0] <= index:
                    emit(heappop(pending)[2])
                    rows += 1
                if e.actor2:
                    r = rnd()
                    delay = 1 if r < 0.35 else 2 + int(rnd() * 6)
                    heappush(pending, (index + delay, index, line(e, ds, inter, True)))
            emit(line(e, ds, inter, False))
            rows += 1
            if len(chunk) >= 4096:
                write("".join(chunk))
                chunk.clear()
        while pending:
            emit(heappop(pending)[2])
            rows += 1
        write("".join(chunk))
    return rows


# --------------------------------------------------------------------------------------------------
# UCDP GED

# (type of violence, conflict id, conflict name, dyad id, side a, side a id, side b, side b id, gwnoa,
#  first year, last year, weight). Ids are invented but stable; names follow UCDP's spelling.
_UCDP_DYADS: list[tuple[int, int, str, int, str, int, str, int, str, int, int, float]] = [
    (
        1,
        11347,
        "Mali: Government",
        14101,
        "Government of Mali",
        116,
        "JNIM",
        6612,
        "432",
        2017,
        2023,
        10,
    ),
    (
        1,
        11347,
        "Mali: Government",
        14102,
        "Government of Mali",
        116,
        "IS",
        234,
        "432",
        2018,
        2023,
        5,
    ),
    (
        1,
        11347,
        "Mali: Government",
        14103,
        "Government of Mali",
        116,
        "AQIM",
        1034,
        "432",
        2012,
        2017,
        3,
    ),
    (
        1,
        11347,
        "Mali: Government",
        14104,
        "Government of Mali",
        116,
        "MUJAO",
        1107,
        "432",
        2012,
        2014,
        2,
    ),
    (
        1,
        11347,
        "Mali: Government",
        14105,
        "Government of Mali",
        116,
        "Ansar Dine",
        1108,
        "432",
        2012,
        2016,
        2,
    ),
    (1, 353, "Mali: Azawad", 11092, "Government of Mali", 116, "MNLA", 1109, "432", 2012, 2014, 2),
    (1, 353, "Mali: Azawad", 11093, "Government of Mali", 116, "CMA", 6615, "432", 2023, 2023, 2),
    (2, 14730, "CMA - Platform", 15731, "CMA", 6615, "Platform", 6616, "", 2014, 2018, 1.5),
    (2, 14731, "IS - JNIM", 15732, "IS", 234, "JNIM", 6612, "", 2020, 2023, 3),
    (2, 14732, "Dogon - Fulani", 15733, "Dogon", 6617, "Fulani", 6618, "", 2016, 2023, 2),
    (
        2,
        14733,
        "Dan Na Ambassagou - JNIM",
        15734,
        "Dan Na Ambassagou",
        6619,
        "JNIM",
        6612,
        "",
        2018,
        2023,
        2,
    ),
    (
        3,
        624,
        "Government of Mali - Civilians",
        1225,
        "Government of Mali",
        116,
        "Civilians",
        1,
        "432",
        2012,
        2023,
        5,
    ),
    (3, 5723, "JNIM - Civilians", 6324, "JNIM", 6612, "Civilians", 1, "", 2017, 2023, 5),
    (3, 1115, "IS - Civilians", 1716, "IS", 234, "Civilians", 1, "", 2016, 2023, 5),
    (
        3,
        6025,
        "Dan Na Ambassagou - Civilians",
        6626,
        "Dan Na Ambassagou",
        6619,
        "Civilians",
        1,
        "",
        2018,
        2023,
        3,
    ),
    (
        3,
        5724,
        "Fulani militia - Civilians",
        6327,
        "Fulani militia",
        6620,
        "Civilians",
        1,
        "",
        2016,
        2023,
        1,
    ),
]

_UCDP_OFFICES = (
    "Agence France Presse",
    "Reuters News",
    "Associated Press Newswires",
    "BBC Monitoring Africa",
    "Xinhua News Agency",
    "Studio Tamani",
    "MINUSMA",
    "Jeune Afrique",
    "Human Rights Watch",
    "Radio France Internationale",
)
_UCDP_HEADLINES = (
    "Mali: dozens killed in attack on village",
    "Gunmen kill villagers in central Mali",
    'Malian army says it killed "terrorists" near the border',
    "Attack on army camp, several soldiers dead",
    "Mali: clashes between armed groups, toll rises",
    "Jihadists kill civilians, burn houses, local officials say",
)
_UCDP_ORIGINAL = (
    "Local residents",
    "Malian army",
    "Local official",
    "MINUSMA",
    "Local sources",
    "Malian army; local residents",
    "Hospital source",
    "Security source",
    "",
)


def _priogrid(lat: float, lon: float) -> int:
    row = int((lat + 90.0) * 2.0)
    col = int((lon + 180.0) * 2.0)
    return row * 720 + col + 1


def ucdp_ged_rows(
    n: int,
    seed: int = 0,
    start_year: int = 2012,
    end_year: int = 2023,
    *,
    out_of_order: float = 0.0,
) -> Iterator[list[Any]]:
    """``n`` synthetic UCDP GED rows for Mali (lists in UCDP_GED_COLUMNS order), in date order.

    ``out_of_order``: the share of rows whose low, best and high are published out of order, as in
    real GED releases (best above high, or low above best); drawn apart, so the other rows are the
    same whatever the share.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    disorder = random.Random(f"vigie-ucdp-disorder-{seed}")
    prof = _profile("Mali")
    rng = random.Random(f"vigie-ucdp-{seed}")
    rnd = rng.random
    admin1_table = prof.admin1_table
    places = prof.places
    seats = prof.cercle_seat
    region_centre = {
        a1: (
            sum(p.latitude for p in ps if p.seat) / max(1, sum(1 for p in ps if p.seat)),
            sum(p.longitude for p in ps if p.seat) / max(1, sum(1 for p in ps if p.seat)),
        )
        for a1, ps in places.items()
    }
    relid_seq: dict[tuple[int, int, int], int] = {}
    event_id = 100000 + rng.randrange(50000)
    for year, count in _year_counts(n, start_year, end_year):
        if not count:
            continue
        dyads = _table([(d, d[11]) for d in _UCDP_DYADS if d[9] <= year <= d[10]], 1000)
        first = date(year, 1, 1).toordinal()
        ndays = date(year + 1, 1, 1).toordinal() - first
        for k in range(count):
            start = date.fromordinal(first + (k * ndays) // count)
            tov, cid, cname, did, side_a, aid, side_b, bid, gwnoa, _, _, _ = dyads[
                int(rnd() * len(dyads))
            ]
            admin1 = admin1_table[int(rnd() * len(admin1_table))]
            table = places[admin1]
            place = table[int(rnd() * len(table))]
            r = rnd()
            where_prec = (
                1
                if r < 0.6
                else 2
                if r < 0.78
                else 3
                if r < 0.88
                else 4
                if r < 0.95
                else 5
                if r < 0.97
                else 6
                if r < 0.995
                else 7
            )
            if where_prec <= 2:
                lat, lon = place.latitude, place.longitude
                kind = "town" if place.seat else "village"
                where_coordinates = f"{place.location} {kind}"
                near = "near " if where_prec == 2 else ""
                where_description = (
                    f"{near}{place.location}, {place.admin2} cercle, {admin1} region"
                )
                adm_1, adm_2 = f"{admin1} region", f"{place.admin2} cercle"
            elif where_prec == 3 or where_prec == 5:
                seat = seats[(admin1, place.admin2)]
                lat, lon = seat.latitude, seat.longitude
                where_coordinates = f"{place.admin2} cercle" if where_prec == 3 else "Niger river"
                where_description = (
                    f"in {place.admin2} cercle"
                    if where_prec == 3
                    else f"along the Niger river, {admin1} region"
                )
                adm_1, adm_2 = f"{admin1} region", f"{place.admin2} cercle"
            elif where_prec == 4:
                lat, lon = region_centre[admin1]
                where_coordinates = f"{admin1} region"
                where_description = f"in {admin1} region, exact place unknown"
                adm_1, adm_2 = f"{admin1} region", ""
            else:
                lat, lon = 17.5707, -3.9962
                where_coordinates = "Mali"
                where_description = "somewhere in Mali" if where_prec == 6 else "Malian airspace"
                adm_1 = adm_2 = ""
            lat, lon = round(lat, 6), round(lon, 6)
            r = rnd()
            date_prec = (
                1 if r < 0.75 else 2 if r < 0.85 else 3 if r < 0.92 else 4 if r < 0.97 else 5
            )
            span = (0, 1 + int(rnd() * 5), 6, int(rnd() * 30), 31 + int(rnd() * 150))[date_prec - 1]
            end = start + timedelta(days=span)
            if end.year != start.year:
                end = date(start.year, 12, 31)
            # deaths
            big = min(1.0 / (1.0 - rnd()) ** 0.75, 160.0)  # mostly 1-5, a long tail to ~160
            if tov == 3:
                da = db = 0
                dc = int(big)
                du = int(rnd() * 2) if rnd() < 0.1 else 0
            else:
                da = int(big * rnd())
                db = int(big * rnd() * 1.5)
                dc = int(rnd() * 3) if rnd() < 0.2 else 0
                du = int(big * rnd()) if rnd() < 0.3 else 0
            if da + db + dc + du == 0 and rnd() < 0.97:
                if tov == 3:
                    dc = 1
                else:
                    db = 1
            best = da + db + dc + du
            low = best - int(rnd() * (best * 0.3 + 0.5)) if rnd() < 0.3 else best
            high = best + int(rnd() * (best * 0.6 + 2)) if rnd() < 0.4 else best
            if best == 0:
                high = max(high, 1)
            if out_of_order and disorder.random() < out_of_order:
                if disorder.random() < 0.5:  # best above high
                    high = max(best - 1 - int(disorder.random() * 3), 0) if best > 0 else 0
                    best = max(best, high + 1)
                else:  # low above best
                    low = best + 1 + int(disorder.random() * 5)
            key = (year, tov, cid)
            seq = relid_seq.get(key, 0) + 1
            relid_seq[key] = seq
            event_id += 1 + (rnd() < 0.2)
            nsrc = 1 + int(rnd() * 4)
            offices = [_UCDP_OFFICES[int(rnd() * len(_UCDP_OFFICES))] for _ in range(nsrc)]
            pub = [(start + timedelta(days=1 + int(rnd() * 3))).isoformat() for _ in range(nsrc)]
            heads = [_UCDP_HEADLINES[int(rnd() * len(_UCDP_HEADLINES))] for _ in range(nsrc)]
            article = ";".join(
                f'"{o},{p},{h}"' for o, p, h in zip(offices, pub, heads, strict=True)
            )
            yield [
                event_id,
                f"MLI-{year}-{tov}-{cid}-{seq}",
                year,
                1,
                "Clear",
                tov,
                cid,
                cid,
                cname,
                did,
                did,
                f"{side_a} - {side_b}",
                aid,
                aid,
                side_a,
                bid,
                bid,
                side_b,
                nsrc,
                article,
                ";".join(offices),
                ";".join(f"{p} 00:00:00.000" for p in pub),
                ";".join(heads),
                _UCDP_ORIGINAL[int(rnd() * len(_UCDP_ORIGINAL))],
                where_prec,
                gwnoa,
                "",
                where_coordinates,
                where_description,
                adm_1,
                adm_2,
                lat,
                lon,
                f"POINT ({lon} {lat})",
                _priogrid(lat, lon),
                "Mali",
                432,
                "Africa",
                1 if rnd() < 0.9 else 2,
                date_prec,
                f"{start.isoformat()} 00:00:00.000",
                f"{end.isoformat()} 00:00:00.000",
                da,
                db,
                dc,
                du,
                best,
                high,
                low,
            ]


def write_ucdp_ged(
    path_or_file: Any,
    n: int,
    seed: int = 0,
    *,
    encoding: str = "utf-8",
    bom: bool = False,
    line_terminator: str = "\n",
    out_of_order: float = 0.0,
    hxl: bool = False,
) -> int:
    """Write ``n`` synthetic Mali events as a UCDP GED CSV (23.1+ columns); returns rows written."""
    rows = 0
    with _Output(path_or_file, encoding, bom) as out:
        writer = csv.writer(out, lineterminator=line_terminator)
        writer.writerow(UCDP_GED_COLUMNS)
        if hxl:  # HDX's copies carry a row of HXL hashtags under the header
            writer.writerow(hxl_tags(UCDP_GED_COLUMNS))
        write = writer.writerow
        for row in ucdp_ged_rows(n, seed, out_of_order=out_of_order):
            write(row)
            rows += 1
    return rows


# HXL hashtags as HDX puts them under a dataset's header (the common ones; others get #x_ tags).
_HXL = {
    "id": "#event+id",
    "event_id_cnty": "#event+id",
    "report_id": "#report+id",
    "year": "#date+year",
    "date_start": "#date+start",
    "date_end": "#date+end",
    "event_date": "#date+occurred",
    "country": "#country+name",
    "iso": "#country+code",
    "adm_1": "#adm1+name",
    "admin1": "#adm1+name",
    "adm_2": "#adm2+name",
    "admin2": "#adm2+name",
    "admin3": "#adm3+name",
    "location": "#loc+name",
    "latitude": "#geo+lat",
    "longitude": "#geo+lon",
    "best": "#affected+killed",
    "fatalities": "#affected+killed",
    "killed": "#affected+killed",
    "source": "#meta+source",
    "side_a": "#group+name+first",
    "side_b": "#group+name+second",
    "actor1": "#group+name+first",
    "actor2": "#group+name+second",
    "event_type": "#event+type",
}


def hxl_tags(columns: Iterable[str]) -> list[str]:
    """The HXL hashtag row for these columns."""
    return [
        _HXL.get(name.lower(), "#x_" + "".join(c for c in name.lower() if c.isalnum()))
        for name in columns
    ]


def add_hxl_row(in_path: Any, out_path: Any) -> None:
    """Copy a CSV, adding the HXL hashtag row under its header (as HDX serves its datasets)."""
    with (
        open(in_path, encoding="utf-8", newline="") as src,
        open(out_path, "w", encoding="utf-8", newline="") as dst,
    ):
        reader = csv.reader(src)
        writer = csv.writer(dst, lineterminator="\n")
        header = next(reader)
        writer.writerow(header)
        writer.writerow(hxl_tags(header))
        for row in reader:
            writer.writerow(row)


# --------------------------------------------------------------------------------------------------
# Damaged rows, for the importer's error reports

# damage -> (candidate columns, first found is damaged)
DAMAGES: dict[str, tuple[str, ...]] = {
    "bad_date": ("event_date", "date_start"),
    "lat_out_of_range": ("latitude",),
    "lon_not_number": ("longitude",),
    "missing_id": ("event_id_cnty", "id"),
    "negative_fatalities": ("fatalities", "best"),
    "fatalities_not_int": ("fatalities", "best"),
    "unknown_event_type": ("event_type", "type_of_violence"),
}


def _damaged_value(damage: str, column: str, value: str, variant: int) -> str:
    if damage == "bad_date":
        text = value.strip()
        year = text[:4] if text[:4].isdigit() else text[-4:] if text[-4:].isdigit() else "2019"
        if text[:4].isdigit():  # ISO, maybe with UCDP's time part
            bad = f"{year}-02-31" if variant % 2 == 0 else f"{year}-13-45"
            return bad + text[10:]
        return f"31 February {year}"
    if damage == "lat_out_of_range":
        return "123.5"
    if damage == "lon_not_number":
        return "unknown"
    if damage == "missing_id":
        return ""
    if damage == "negative_fatalities":
        return "-3"
    if damage == "fatalities_not_int":
        return "2.5" if variant % 2 == 0 else "several"
    if damage == "unknown_event_type":
        return "4" if column == "type_of_violence" else "Alien invasion"
    raise ValueError(f"unknown damage {damage!r}")


def damage_rows(
    in_path: Any, out_path: Any, damages: list[tuple[int, str]], *, encoding: str = "utf-8"
) -> list[tuple[int, str, str]]:
    """Copy a CSV, damaging the given data rows (1-based); returns (physical line, column, damage).

    The physical line is where the damaged record starts in the output file (header = line 1),
    counting the extra lines of quoted multi-line fields. Column names are returned lower-cased.
    """
    wanted: dict[int, list[str]] = {}
    for index, damage in damages:
        if damage not in DAMAGES:
            raise ValueError(f"unknown damage {damage!r}; known: {', '.join(DAMAGES)}")
        if index < 1:
            raise ValueError("data row indexes start at 1")
        wanted.setdefault(index, []).append(damage)
    with open(in_path, "rb") as raw:
        head = raw.read(1 << 16)
    has_bom = head.startswith(b"\xef\xbb\xbf")
    first_end = head.find(b"\n")
    terminator = "\r\n" if first_end > 0 and head[first_end - 1 : first_end] == b"\r" else "\n"
    enc = (
        "utf-8-sig"
        if has_bom and encoding.lower().replace("_", "-") in ("utf-8", "utf8")
        else encoding
    )
    produced: list[tuple[int, str, str]] = []
    with (
        open(in_path, encoding=enc, newline="") as src,
        open(out_path, "w", encoding=enc, newline="") as dst,
    ):
        reader = csv.reader(src)
        writer = csv.writer(dst, lineterminator=terminator)
        header = next(reader)
        writer.writerow(header)
        lower = [h.strip().lower() for h in header]
        positions = {name: i for i, name in enumerate(lower)}
        line_after = reader.line_num
        index = 0
        for row in reader:
            index += 1
            start_line = line_after + 1
            line_after = reader.line_num
            todo = wanted.get(index)
            if todo:
                for damage in todo:
                    column = next((c for c in DAMAGES[damage] if c in positions), None)
                    if column is None:
                        raise ValueError(
                            f"{damage}: none of the columns {DAMAGES[damage]} is in the file"
                        )
                    pos = positions[column]
                    row[pos] = _damaged_value(damage, column, row[pos], index)
                    produced.append((start_line, column, damage))
            writer.writerow(row)
    missing = sorted(i for i in wanted if i > index)
    if missing:
        raise ValueError(f"the file has {index} data rows; cannot damage row(s) {missing}")
    return produced


# --------------------------------------------------------------------------------------------------
# Command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m vigie_testing.acled_ucdp",
        description="Write synthetic ACLED or UCDP GED rows (invented data, real formats).",
    )
    sub = parser.add_subparsers(dest="dataset", required=True)
    acled = sub.add_parser("acled", help="an ACLED export of N events")
    acled.add_argument("n", type=int)
    acled.add_argument("out")
    acled.add_argument("--form", choices=("dyadic", "monadic"), default="dyadic")
    acled.add_argument("--columns", choices=("current", "legacy"), default="current")
    acled.add_argument("--inter-as", choices=("numbers", "words"), default="numbers")
    acled.add_argument("--date-format", choices=("iso", "long"), default="iso")
    acled.add_argument("--country", default="Mali")
    acled.add_argument("--start-year", type=int, default=2012)
    acled.add_argument("--end-year", type=int, default=2024)
    acled.add_argument("--shuffle-columns", action="store_true")
    acled.add_argument("--upper-case-header", action="store_true")
    acled.add_argument("--encoding", default="utf-8")
    acled.add_argument("--bom", action="store_true")
    acled.add_argument("--seed", type=int, default=0)
    ucdp = sub.add_parser("ucdp", help="a UCDP GED file of N events")
    ucdp.add_argument("n", type=int)
    ucdp.add_argument("out")
    ucdp.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    if args.dataset == "acled":
        events = acled_events(
            args.n,
            seed=args.seed,
            country=args.country,
            start_year=args.start_year,
            end_year=args.end_year,
        )
        rows = write_acled(
            args.out,
            events,
            form=args.form,
            columns=args.columns,
            inter_as=args.inter_as,
            date_format=args.date_format,
            shuffle_columns=args.shuffle_columns,
            upper_case_header=args.upper_case_header,
            encoding=args.encoding,
            bom=args.bom,
            seed=args.seed,
        )
    else:
        rows = write_ucdp_ged(args.out, args.n, seed=args.seed)
    elapsed = time.perf_counter() - started
    rate = rows / elapsed if elapsed > 0 else float("inf")
    print(
        f"{args.dataset}: wrote {rows} rows to {args.out} in {elapsed:.2f} s ({rate:,.0f} rows/s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
