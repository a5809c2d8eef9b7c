"""Labelled authors for the author-to-customer matcher: writes tests/data/match_eval.jsonl.

    python bench/make_match_eval.py            # deterministic: same seed, same file

The customer base (`build_customers()`, rebuilt by bench/match_bench.py rather than stored)
is the 340 demo customers (scrm_tui/fixtures/customers.jsonl, ids 1-340) plus synthetic
ones up to 5,200: multi-national names drawn with Zipf-like weights (so "John", "Maria",
"Smith", "Nguyen" are common and many people share a first name or a surname; a whole
name already taken is redrawn a few times, as the small pools would otherwise repeat
whole names far more often than a real CRM does), some stored
without their accents as CRM imports often do, some in their own script (佐藤 美咲, Олена
Коваленко) with a romanised e-mail, 120 namesakes (same name, another company or a personal
e-mail) and 150 look-alikes (same first name, a surname one spelling away: Smith/Smyth,
Lindqvist/Lindquist, Meyer/Meier). E-mails are mostly first.last@ a company domain or a
personal provider; about three in four customers have handles on 1-5 networks, mostly one
base handle re-used with each network's syntax (kate_lindqvist, kate-lindqvist.bsky.social).

Each line: {"author": {"channel", "handle", "name"}, "truth": <id> | null, "kind": <kind>}.
No author is an exact known identity (same channel and normalised handle as a customer):
the database links those before the matcher is asked. A positive whose clues fit more than
three customers alike ("Kate" with kate_codes when the base has thirty Kates, "J. Williams"
among five) is redrawn (`Cases.fits`): no matcher could rank its truth in a top three but
by luck. Kinds that carry one of the customer's own identifiers are kept as they come.

Positive kinds (truth is the customer the author is):
  exact_name            the name as stored (or all upper/lower case); an unrelated handle
  decorated             emoji, pronouns, honorifics, "| tagline", flags: "Dr. Kate Lindqvist 🇸🇪";
                        or only the first name decorated ("Kate 🌻 (she/her)") with a handle
                        spelled from the name
  nickname              Robert -> Bob, Katherine -> Kate, Aleksandr -> Sasha, Guillermo -> Memo
  diacritics_stripped   "Zoe Angstrom" for Zoë Ångström
  diacritics_added      "José Núñez" for a customer stored as Jose Nunez
  initial_first         "K. Lindqvist"
  initial_last          "Kate L." (half of them with a handle spelled from the name)
  swapped               "Lindqvist Kate", "LINDQVIST, Kate"
  typo1, typo2          one or two edits (substitution by a keyboard neighbour, deletion,
                        insertion, transposition), anywhere, first letters included
  handle_pattern        a handle spelled from the name (kate_lindqvist, klindqvist, kate.l,
                        lindqvist.k, katelindqvist88, thekate...); name missing, first only or full
  handle_cross_network  a handle the customer has on one network, on another (same characters in
                        that network's syntax); name missing, full, first only or decorated
  handle_close          one of the customer's handles changed a little (digits, a letter, a "_")
  handle_email          the e-mail local part as a handle
  company_account       the account of the customer's company ("Acme AB", acme_ab), for companies
                        with at most three customers in the CRM; truth is one of them. Policy:
                        the matcher suggests the company's contacts, it never links a company
                        account to a person automatically.
  other_script          the same name in another script: romanised for a customer stored as
                        佐藤 美咲 (matched through the e-mail), Cyrillic for Olena Kovalenko
Negative kinds (the trap is a different person; truth is null unless said):
  neg_lookalike_surname    a customer's first name with a surname a spelling away (John Smyth
                           for customer John Smith); no customer has that name
  neg_lookalike_customer   exactly customer B, who has a look-alike A in the CRM; truth is B
  neg_same_first           a customer's first name, another surname no customer has
  neg_same_surname         another first name, a customer's surname
  neg_first_name_only      a common first name alone ("Alex", "Maria ☕")
  neg_random_person        a real-looking person who is not a customer, handle from their name
  neg_namesake             a customer's exact name but another person with their own handles
  neg_brand                newsletters, feeds, bots, departments ("SaaS Digest", "nullptr")
  neg_company_not_customer the account of a company with no customer in the CRM
  neg_handle_lookalike     a customer's handle (or one edit from it) held by someone else, whose
                           display name is not the customer's
Evidence a name cannot fake (issue 13; drawn after the kinds above, which stay as they were):
  evidence_domain          an account on the customer's company domain (their e-mail's, not a
                           free provider's): Bluesky kate.harborlabs.se / klindqvist.harborlabs.se,
                           Mastodon kate@social.harborlabs.se; shown as the full name, decorated,
                           "Kate L.", the first name alone or nothing (the last two often
                           undecidable: which Kate of the company?)
  evidence_handle          one of the customer's handles that says more than their name
                           (katelindqvist88, kate_codes, Fuzzy_Lynx_4716) on another network;
                           no name, the name, decorated, first name, nickname or a typo'd surname
  evidence_email           the customer's e-mail local part as the handle, when it says more
                           than the name (kate.codes, katelindqvist42), shown the same ways
  neg_domain_colleague     someone else at a customer's company (not a customer) on its domain
  neg_domain_lookalike     a customer's exact name on a domain one step from their company's
                           (harborlabs.co, harbor-labs.com, a typo)
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scrm_tui.core.handles import handle_key  # noqa: E402
from scrm_tui.enrich.matching import CustomerKey, fold, handle_core, nicknames  # noqa: E402


def words(text: str, sep: str | None = None) -> list[str]:
    """The items of a word list written as one string."""
    return text.split(sep)


SEED = 20261121
CUSTOMERS = 5_200
OUT = ROOT / "tests" / "data" / "match_eval.jsonl"
DEMO = ROOT / "scrm_tui" / "fixtures" / "customers.jsonl"
CHANNELS = ("mastodon", "bluesky", "hackernews", "reddit", "github", "x")

POSITIVE_KINDS = {
    "exact_name": 100,
    "decorated": 120,
    "nickname": 140,
    "diacritics_stripped": 100,
    "diacritics_added": 80,
    "initial_first": 100,
    "initial_last": 100,
    "swapped": 100,
    "typo1": 120,
    "typo2": 100,
    "handle_pattern": 180,
    "handle_cross_network": 180,
    "handle_close": 100,
    "handle_email": 80,
    "company_account": 80,
    "other_script": 60,
}
# Positives redrawn when their clues fit more than three customers alike (Cases.fits);
# the handle_* kinds carry one of the customer's own identifiers and company accounts
# name the company, so those are kept whatever the name.
CLUE_CHECKED = set(POSITIVE_KINDS) - {
    "handle_cross_network",
    "handle_close",
    "handle_email",
    "company_account",
}
NEGATIVE_KINDS = {
    "neg_lookalike_surname": 150,
    "neg_lookalike_customer": 100,
    "neg_same_first": 120,
    "neg_same_surname": 100,
    "neg_first_name_only": 100,
    "neg_random_person": 180,
    "neg_namesake": 80,
    "neg_brand": 60,
    "neg_company_not_customer": 60,
    "neg_handle_lookalike": 80,
}
# Evidence a name cannot fake (issue 13), drawn after the kinds above so that those stay
# as they were. Positives: truth is the customer; the two neg_ kinds are traps for it.
EVIDENCE_KINDS = {
    "evidence_domain": 560,
    "evidence_handle": 360,
    "evidence_email": 280,
    "neg_domain_colleague": 100,
    "neg_domain_lookalike": 60,
}

# --------------------------------------------------------------------------------------
# Name pools: first names and surnames per culture, most common first.
# --------------------------------------------------------------------------------------

CULTURES: dict[str, tuple[int, str, str]] = {
    # culture: (weight, first names, surnames)
    "anglo": (
        30,
        """John Michael David James Robert William Sarah Emily Jessica Jennifer Chris
        Christopher Katherine Elizabeth Ashley Daniel Matthew Andrew Joseph Thomas Richard
        Kate Megan Lauren Rachel Hannah Grace Olivia Amelia Emma Charlotte Oliver Jack Harry
        George Liam Noah Ethan Benjamin Samuel Jonathan Nicholas Anthony Steven Edward Charles
        Margaret Patricia Susan Rebecca Victoria Abigail Molly Isla Freya Niamh Eilidh Callum
        Rhys Hamish Tyler Brandon Kevin Jordan Taylor Aaron Brittany Derek Courtney Danielle
        Marcus Chloe Ben Alex Zoe Timothy Gregory Jeffrey Lawrence Henry Harold Frederick
        Douglas Kenneth Raymond Peter Philip Deborah Theodore Nathan Zachary Eleanor Jacqueline
        Amy Lucy Sophie Ella Jake Connor Declan Siobhan Aoife Seamus""",
        """Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore
        Martin Jackson Thompson White Harris Clark Lewis Walker Hall Young Allen Wright Scott
        Green Baker Adams Nelson Carter Mitchell Roberts Turner Phillips Campbell Parker Evans
        Edwards Collins Stewart Morris Murphy Cook Rogers Reed Bailey Cooper Richardson Howard
        Ward Peterson Gray Hughes Price Sanders Bennett Barnes Ross Henderson Coleman Jenkins
        Powell Patterson Walsh O'Brien McCarthy Byrne Fitzgerald Lloyd Pritchard MacLeod
        Fraser Sullivan Kelly Hale Whitaker Brennan Davies Robertson Stuart McDonald Reid Grey
        Fisher Thomson Smyth Kennedy Gallagher Doyle Quinn Murray Hamilton Graham Wallace
        Chapman Ellis Harrison Knight Lawrence Marshall Palmer Russell Spencer Webb Wood
        Holmes Hunt Foster Butler Barker Fletcher Shaw Holland Mason Burke Dunne Lynch Nolan""",
    ),
    "german": (
        10,
        """Jonas Lena Lukas Anna Felix Mia Maximilian Sophie Jürgen Käthe Jörg Birgit Tobias
        Annika Moritz Leonie Niklas Hannah Sebastian Katrin Florian Jana Matthias Svenja Dennis
        Franziska Bernd Ute Timo Merle Johannes Friedrich Wolfgang Stefan Andreas Claudia
        Sabine Ulrike Dieter Klaus Heike Marlene Greta Emil Paul""",
        """Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer
        Koch Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Krüger Hartmann Lange
        Köhler Vogel Weiß Jäger Groß Brandt Bergmann Huber Gruber Meier Maier Schmitt Hofmann
        Braun Krause Lehmann Werner Hahn Schubert Winkler Lorenz Fuchs Keller Vogt Frank
        Berger Kaiser Peters Scholz Möller Günther Haas""",
    ),
    "french": (
        7,
        """Camille Léa Hugo Chloé Théo Manon Mathieu Élodie Nicolas Océane Benoît Inès Gaëlle
        Sébastien François Julien Margaux Antoine Lucie Maxime Anaïs Guillaume Clémence
        Bastien Noémie Hélène René Thierry Amélie Cécile Jérôme Stéphane Aurélie Pierre
        Louis Emma Jeanne""",
        """Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent
        Lefèvre Michel Garcia Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent
        Mercier Chevalier Benali Perrin Gauthier Masson Faure André Blanc Guérin Boyer Roux
        Lemaire Morel Mathieu Clément""",
    ),
    "spanish": (
        8,
        """José María Lucía Alejandro Carmen Javier Sergio Paula Álvaro Nuria Íñigo Begoña
        Pablo Marta Sofía Mateo Valentina Santiago Camila Diego Ximena Joaquín Renata Emiliano
        Andrés Catalina Guillermo Francisco Ignacio Enrique Eduardo Fernando Alberto Antonio
        Jesús Dolores Isabel Concepción Ramón Mónica Verónica Raúl Tomás Ángel Elena Daniela
        Gabriela""",
        """García Fernández González Rodríguez López Martínez Sánchez Pérez Gómez Martín
        Jiménez Ruiz Hernández Díaz Moreno Muñoz Álvarez Romero Núñez Iglesias Ortega Castillo
        Etxeberria Ramírez Torres Flores Vargas Castro Rojas Mendoza Aguilar Salazar Cárdenas
        Navarro Domínguez Vázquez Ramos Gil Serrano Blanco Molina Delgado Suárez Ortiz
        Méndez""",
    ),
    "portuguese": (
        6,
        """João Ana Pedro Beatriz Lucas Gabriela Rafael Larissa Thiago Fernanda Gonçalo Inês
        Conceição Mariana Felipe Letícia Bruno Juliana Caio Tatiane Antônio Luíza Vitória
        Matheus Leonardo""",
        """Silva Santos Oliveira Souza Lima Pereira Ferreira Costa Rodrigues Almeida
        Nascimento Carvalho Araújo Ribeiro Gonçalves Magalhães Barbosa Teixeira Moura Cardoso
        Martins Mendes Lopes Fernandes Rocha Dias Alves Gomes Sousa Correia""",
    ),
    "italian": (
        4,
        """Giulia Marco Francesca Alessandro Chiara Matteo Federica Lorenzo Niccolò Martina
        Davide Elisa Simone Valentina Riccardo Sara Giuseppe Vincenzo Leonardo Antonio
        Beatrice Paolo""",
        """Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo
        Conti De Luca Fontana Caruso Moretti Barbieri Lombardi Galli Conte Bruni Ferrara
        Rinaldi Leone Longo Gentile Martinelli Serra""",
    ),
    "dutch": (
        4,
        """Daan Sanne Bram Lotte Thijs Femke Joris Anouk Sem Eline Ruben Maaike Jeroen Iris
        Wouter Fleur Pieter Sven Noor Lieke""",
        """de Jong Jansen de Vries van den Berg van Dijk Bakker Visser Smit Meijer de Boer
        Mulder Bos Vos Peeters Janssens Maes Hendriks Dekker Janssen van Leeuwen Kok Willems
        de Groot""",
    ),
    "nordic": (
        5,
        """Erik Astrid Lars Ingrid Johan Sofia Anders Elin Björn Maja Oskar Sigrid Mikael Saara
        Aino Joonas Freja Magnus Linnea Henrik Ebba Mats Kate Søren Åsa Örjan Kari Nils""",
        """Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Lindberg
        Sjöberg Åberg Öberg Hansen Nielsen Virtanen Korhonen Mäkinen Berg Lund Holm Dahl
        Bergström Ström Nyström Lindqvist Lindquist Lindgren Carlsson Pedersen Petersen
        Johansen Jensen Sørensen Halvorsen""",
    ),
    "indian": (
        7,
        """Priya Rahul Ananya Arjun Kavya Vikram Sneha Rohan Aditi Karthik Lakshmi Siddharth
        Neha Aman Divya Harsh Pooja Varun Meera Nikhil Aarav Ishaan Riya Sanjay Deepa
        Anil Sunita""",
        """Sharma Patel Iyer Reddy Nair Gupta Mehta Rao Krishnan Banerjee Chatterjee Desai
        Kulkarni Menon Joshi Bhat Pillai Agarwal Verma Srinivasan Patil Mehra Kumar Singh
        Shah Das""",
    ),
    "african": (
        4,
        """Chinedu Amara Tunde Ngozi Kwame Abena Thabo Lerato Wanjiru Kofi Chiamaka Sipho
        Zanele Emeka Folake Baraka Ama Yaw Nia""",
        """Okafor Adeyemi Mensah Boateng Nkosi Dlamini Mwangi Otieno Balogun Eze Okonkwo Asante
        Ndlovu Kamau Adebayo Mokoena Owusu Achieng""",
    ),
    "turkish": (
        2,
        "Emre Elif Mehmet Zeynep Can Ayşe Burak Selin Deniz Ahmet Yusuf Ebru",
        "Yılmaz Kaya Demir Şahin Çelik Öztürk Aydın Arslan Doğan Koç Kurt",
    ),
    "sea": (
        3,
        """Lan Minh Thu Huy Maria Juan Angelica Paolo Putri Budi Siti Rizky Wei Ling Linh
        Anh""",
        """Nguyen Tran Le Pham Santos Reyes Cruz Bautista Santoso Wulandari Hidayat Tan Lim Goh
        Tang Lin""",
    ),
    "polish": (
        3,
        """Agnieszka Piotr Katarzyna Tomasz Małgorzata Paweł Zofia Michał Joanna Wojciech
        Marta Krzysztof Aleksandra Jakub Magdalena Bartosz Natalia Grzegorz Ewa Kamil""",
        """Nowak Kowalski Wiśniewski Wójcik Kamiński Lewandowski Zieliński Szymański Woźniak
        Dąbrowski Kozłowski Mazur Krawczyk Zając Król Pawlak Sikora Baran Jabłoński Wieczorek
        Novak Kowalsky""",
    ),
    "slavic": (
        3,
        """Olena Andriy Iryna Maksym Kateryna Oleksandr Dmitri Natalia Anastasia Pavel Yulia
        Aleksandr Mikhail Ivan Ekaterina Olga Sergei Tatiana""",
        """Kovalenko Melnyk Savchenko Kravchenko Moroz Tkachenko Volkov Ivanova Orlova Sokolov
        Bondarenko Petrov Smirnov Popov Kuznetsov Novikov Shevchenko""",
    ),
    "arabic": (
        3,
        """Omar Layla Youssef Fatima Karim Nour Hassan Amira Tariq Salma Khaled Rania Ahmed
        Mariam""",
        """Haddad Khalil Nasser Mansour Saleh Farouk Aziz Hamdan El-Masri Al-Sayed Barakat
        Hussein Ibrahim""",
    ),
    "hebrew": (
        2,
        "Noa Yonatan Tamar Itai Maya Eitan Shira Ariel Yael Daniel",
        "Cohen Levi Mizrahi Peretz Biton Friedman Avraham Katz Shapiro Levy Cohn",
    ),
    "japanese": (
        4,
        """Misaki Kenta Shota Hina Daisuke Sakura Takumi Yui Naoki Aya Ryo Mayumi Haruto Yuki
        Sho Emi""",
        """Sato Tanaka Suzuki Takahashi Ito Watanabe Yamamoto Nakamura Kobayashi Kato Yoshida
        Sasaki Matsumoto Inoue Kimura Hayashi Saito""",
    ),
    "chinese": (
        3,
        "Fang Na Min Jing Lei Yang Ting Jie Xinyi Haoran Zihan Kevin Grace Wei Hao",
        "Wang Li Zhao Chen Huang Liu Wu Zhou Lin Guo Yang Zhang Chan Wong",
    ),
    "korean": (
        2,
        "Minjun Seoyeon Jihoon Yujin Haeun Doyoon Subin Yejun Jiwoo Hyun",
        "Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim",
    ),
}

# Names stored in their own script by some customers: "Latin=Native".
NATIVE = {
    "japanese": """Misaki Sato=佐藤 美咲; Kenta Tanaka=田中 健太; Shota Suzuki=鈴木 翔太; Hina
        Takahashi=高橋 陽菜; Daisuke Ito=伊藤 大輔; Yui Nakamura=中村 結衣; Ryo Yoshida=吉田 亮;
        Mayumi Sasaki=佐々木 真由美; Yuki Inoue=井上 由紀; Emi Hayashi=林 恵美""",
    "chinese": """Fang Wang=王芳; Na Li=李娜; Min Zhao=赵敏; Jing Chen=陈静; Lei Huang=黄磊;
        Yang Liu=刘洋; Jie Zhou=周杰; Haoran Guo=郭浩然; Zihan Yang=杨子涵; Wei Zhang=张伟""",
    "korean": """Minjun Kim=김민준; Seoyeon Lee=이서연; Jihoon Park=박지훈; Yujin Choi=최유진;
        Haeun Jung=정하은; Doyoon Kang=강도윤; Subin Cho=조수빈; Yejun Yoon=윤예준""",
    "arabic": """Omar Haddad=عمر حداد; Layla Khalil=ليلى خليل; Youssef Nasser=يوسف ناصر;
        Fatima Mansour=فاطمة منصور; Karim Saleh=كريم صالح; Hassan Aziz=حسن عزيز; Amira
        Hamdan=أميرة حمدان; Rania Haddad=رانيا حداد""",
    "hebrew": """Noa Cohen=נועה כהן; Yonatan Levi=יונתן לוי; Tamar Mizrahi=תמר מזרחי; Itai
        Peretz=איתי פרץ; Maya Biton=מאיה ביטון; Ariel Katz=אריאל כץ""",
    "slavic": """Olena Kovalenko=Олена Коваленко; Andriy Melnyk=Андрій Мельник; Iryna
        Savchenko=Ірина Савченко; Maksym Kravchenko=Максим Кравченко; Kateryna Moroz=Катерина
        Мороз; Oleksandr Tkachenko=Олександр Ткаченко; Dmitri Volkov=Дмитрий Волков; Natalia
        Ivanova=Наталья Иванова; Anastasia Orlova=Анастасия Орлова; Pavel Sokolov=Павел
        Соколов; Ivan Petrov=Иван Петров; Olga Smirnova=Ольга Смирнова""",
}

# Surnames that are each other's look-alikes (all real spellings).
LOOKALIKE_SURNAMES = [
    line.split()
    for line in words(
        """smith smyth; lindqvist lindquist lindkvist; meyer meier maier mayer;
    schmidt schmitt schmid; nielsen nilsen nielson; andersson anderson andersen; jansen
    janssen janssens; hansen hanson hanssen; fischer fisher; phillips philips; thompson
    thomson; reed reid read; gray grey; karlsson carlsson carlson; petersen peterson pedersen;
    johansson johanson johansen; novak nowak; cohen cohn kohn; levi levy; chen chan; wang
    wong; tan tang; lim lin; patel patil; sato saito; kowalski kowalsky; muller mueller;
    hoffmann hofmann hoffman; conti conte; bruno bruni; fernandez fernandes; gonzalez
    gonzales; rodriguez rodrigues; martinez martins; lopez lopes; perez peres; mendes mendez;
    davies davis; stewart stuart; macleod mcleod; mcdonald macdonald; walsh welsh; kelly
    kelley; weber webber; neumann naumann; roberts robertson; ferrari ferrara""",
        ";",
    )
]

# Accents a plain-stored name may have had: Jose -> José.
ACCENTED = {
    fold(w): w
    for w in words("""José Núñez Zoë Müller André René Hélène François João Björn Jürgen López
    García Pérez Gómez Sofía Lucía María Martínez Rodríguez Hernández Sánchez Ramírez Jiménez
    Álvarez Díaz González Fernández Inès Chloé Noémie Océane Élodie Léa Théo Sébastien Benoît Gaëlle
    Anaïs Clémence Joaquín Andrés Ramón Ángel Mónica Verónica Tomás Søren Åsa Örjan Käthe Jörg
    Schäfer Krüger Köhler Schröder Öztürk Yılmaz Şahin Çelik Jäger Möller Günther Araújo
    Gonçalves Magalhães Letícia Conceição Luíza Antônio Niccolò Lefèvre Amélie Cécile Jérôme
    Stéphane Aurélie Raúl Íñigo Begoña Muñoz Cárdenas Domínguez Vázquez Suárez Méndez Wójcik
    Małgorzata Paweł Michał Bergström Åberg Öberg Sjöberg Ström Nyström Mäkinen Sørensen Aydın
    Doğan Koç Ayşe Guérin Clément""")
}

EMOJI = words("🌻 ☕ ✨ 🏔️ 🌊 🚀 🎸 📚 🌱 🐈 🧶 🏳️‍🌈 💻 🎨 🍕 ⚽ 🌍 🧗")
FLAGS = words("🇸🇪 🇩🇪 🇫🇷 🇪🇸 🇧🇷 🇺🇸 🇬🇧 🇮🇹 🇳🇱 🇯🇵 🇮🇳 🇰🇪 🇵🇱 🇺🇦 🇨🇦 🇦🇺")
PRONOUNS = ["she/her", "he/him", "they/them", "she/they", "he/they"]
TAGLINES = [
    "PM @ {company}",
    "product @ day job",
    "freelance dev",
    "building things",
    "ops",
    "designer",
    "PhD student",
    "agency life",
    "eng manager",
    "{company}",
]
HONORIFICS = ["Dr.", "Dr", "Prof.", "Mr.", "Ms.", "Mx."]
SUFFIXES = [", PhD", " PhD", " MBA", " Jr."]
WORDS = words("codes builds reads designs makes runs ships plans dev writes")
PREFIXES = words("data py ux pm fe infra rust k8s devops ml")
ADJECTIVES = words("""Tired Original Busy Quiet Hungry Salty Distinct Apprehensive Late Dramatic Ok
    Sleepy Brave Clever Lucky Fuzzy""")
ANIMALS = words("""Cactus Wolverine Badger Pangolin Otter Marmot Walrus Owl Fern Spirit Kettle Lab
    Station Toaster Heron Lynx""")
NOUNS = words("""nightowl pixel coffee coder rustacean gardener hiker cyclist tinkerer nomad
    climber baker shutterbug synth byte packet lambda kernel async mango""")
BRANDS = words(
    """SaaS Digest; Tool Stack Reviews; Google Alerts - Kestrel; Planner Planet;
    Billing Department; The Async Engineer; Remote Ops Notes; Digitale Werkbank; Planmatig;
    The Product Margin; Maker's Schedule Weekly; SaaS Pricing Teardown; nullptr; ticket.closer;
    Kestrel Status; Productivity Pulse; DevTools Daily; Indie Hackers FR; Open Source Friday;
    Weekly Standup Podcast; HR Team; Customer Success; Growth Notes; Kanban Corner; Le Blog
    Produit; Agile Amsterdam Meetup; PyData Berlin; Remote First Jobs; Startup Stack; No-Code
    Nation; The Changelog Bot; Sprint Retro Memes; Tech Deals Bot; Cloud Cost Watch; API
    Weekly; UX Collective; Design Systems Digest; Hacker Newsletter; Release Radar; Lisbon
    Tech Meetup; Engineering Leadership; Ops Weekly; Data Eng Digest; Job Board Bot;
    CoffeeOps""",
    ";",
)
COMPANY_A = words("""Harbor Cedar Lumen Copper Iron Willow Granite Falcon Heron Aurora Birch Maple
    Summit Silver Tide Ember Pine Juniper Meadow Raven Sparrow Orchid Coral Basalt Nimbus
    Polar Saffron Indigo Obsidian Quartz Vela Zephyr Larch Alder Fjord Kestrel Osprey Marten
    Lotus Monsoon Sahara Atlas Delta Nova Orbit Prism Vertex Beacon Compass Anchor Lantern
    Bridge Canyon Delta Estuary Glacier Harvest Horizon Island Lagoon Mesa Oasis Prairie
    Ridge Savanna Terrace Valley Vista Wharf""")
COMPANY_B = words("""Labs Studio Logistics Health Analytics Software Systems Media Robotics Design
    Consulting Digital Capital Energy Foods Games Legal Partners Freight Bikes Coffee Dental
    Realty Marketing Learning Security Solar Cloud Works Data Tech Ventures Retail Events
    Publishing Architects""")
LEGAL = {
    "US": ["Inc", "LLC", ""],
    "GB": ["Ltd", "LLP", ""],
    "DE": ["GmbH", "AG"],
    "FR": ["SAS", "SARL", ""],
    "ES": ["S.L.", "S.A."],
    "IT": ["S.r.l.", "S.p.A."],
    "NL": ["B.V.", ""],
    "SE": ["AB"],
    "NO": ["AS"],
    "DK": ["ApS"],
    "FI": ["Oy"],
    "PL": ["sp. z o.o.", ""],
    "JP": ["K.K.", "Inc."],
    "BR": ["Ltda", ""],
    "IN": ["Pvt Ltd", ""],
    "AU": ["Pty Ltd", ""],
}
LEGAL_WORDS = frozenset(words("inc llc ltd gmbh ab as oy sas sl srl bv kk aps ag llp"))
TLD = {
    "US": "com",
    "GB": "co.uk",
    "DE": "de",
    "FR": "fr",
    "ES": "es",
    "IT": "it",
    "NL": "nl",
    "SE": "se",
    "NO": "no",
    "DK": "dk",
    "FI": "fi",
    "PL": "pl",
    "JP": "jp",
    "BR": "com.br",
    "IN": "in",
    "AU": "com.au",
}
PERSONAL_MAIL = words("""gmail.com gmail.com gmail.com outlook.com icloud.com proton.me pm.me
    hey.com fastmail.com web.de gmx.de posteo.de orange.fr free.fr libero.it hotmail.es uol.com.br
    ziggo.nl wp.pl naver.com qq.com 163.com yahoo.co.jp""")
INSTANCES = words("""mastodon.social hachyderm.io fosstodon.org mas.to chaos.social mstdn.social
    infosec.exchange toot.community techhub.social mastodon.online""")
BSKY_TLDS = words("dev net me io com")
KEYBOARD = {
    "a": "qswz",
    "b": "vghn",
    "c": "xdfv",
    "d": "serfcx",
    "e": "wsdr",
    "f": "drtgvc",
    "g": "ftyhbv",
    "h": "gyujnb",
    "i": "ujko",
    "j": "huikmn",
    "k": "jiolm",
    "l": "kop",
    "m": "njk",
    "n": "bhjm",
    "o": "iklp",
    "p": "ol",
    "q": "wa",
    "r": "edft",
    "s": "awedxz",
    "t": "rfgy",
    "u": "yhji",
    "v": "cfgb",
    "w": "qase",
    "x": "zsdc",
    "y": "tghu",
    "z": "asx",
}


# --------------------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------------------


@dataclass
class Person:
    """A customer as the generator knows them (with the romanised name parts)."""

    id: int
    name: str  # as stored in the CRM
    first: str  # romanised, with accents: "Zoë"
    last: str  # romanised, may be several words: "van den Berg"
    email: str | None
    company: str | None
    handles: list[tuple[str, str]] = field(default_factory=list)
    culture: str = "anglo"
    native: bool = False  # name stored in its own script

    def key(self) -> CustomerKey:
        return CustomerKey(self.id, self.name, self.email, self.company, tuple(self.handles))


def ascii_name(text: str) -> str:
    """Accents off, case kept: "Zoë Ångström" -> "Zoe Angstrom"."""
    out = []
    for ch in text:
        low = fold(ch)
        out.append(low.upper() if ch.isupper() and low else low if ch.isalpha() else ch)
    return "".join(out)


def slug(text: str) -> str:
    return "".join(ch for ch in fold(text) if ch.isalnum() and ch.isascii())


T = TypeVar("T")


def zipf_choice(rng: random.Random, items: list[T], skew: float = 4.0) -> T:
    weights = [1.0 / (rank + skew) for rank in range(len(items))]
    return rng.choices(items, weights)[0]


def pools() -> dict[str, tuple[list[str], list[str]]]:
    out = {}
    for culture, (_, firsts, lasts) in CULTURES.items():
        # Dutch surnames carry particles ("van den Berg"): _dutch keeps them together.
        surnames = _dutch(lasts) if culture == "dutch" else lasts.split()
        out[culture] = (firsts.split(), surnames)
    return out


def _dutch(text: str) -> list[str]:
    words, out, pending = text.split(), [], []
    for word in words:
        pending.append(word)
        if word[0].isupper():
            out.append(" ".join(pending))
            pending = []
    return out


def native_pairs() -> dict[str, dict[str, str]]:
    pairs: dict[str, dict[str, str]] = {}
    for culture, text in NATIVE.items():
        for item in text.split(";"):
            latin, native = (" ".join(part.split()) for part in item.split("="))
            pairs.setdefault(culture, {})[latin] = native
    return pairs


# --------------------------------------------------------------------------------------
# Companies, e-mails, handles
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Company:
    name: str
    domain: str


def demo_companies() -> list[Company]:
    seen = {}
    for line in DEMO.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["company"] and row["email"] and "@" in row["email"]:
            domain = row["email"].split("@", 1)[1]
            if domain.split(".")[0] not in {slug(d.split(".")[0]) for d in PERSONAL_MAIL}:
                seen.setdefault(row["company"], Company(row["company"], domain))
    return list(seen.values())


def synthetic_companies(rng: random.Random, count: int, taken: set[str]) -> list[Company]:
    out = []
    while len(out) < count:
        a, b = rng.choice(COMPANY_A), rng.choice(COMPANY_B)
        country = rng.choice(list(LEGAL))
        suffix = rng.choice(LEGAL[country])
        name = f"{a} {b}" + (f" {suffix}" if suffix else "")
        if name in taken or f"{a} {b}" in taken:
            continue
        taken.update((name, f"{a} {b}"))
        out.append(Company(name, f"{slug(a + b)}.{TLD[country]}"))
    return out


def email_for(rng: random.Random, first: str, last: str, domain: str, taken: set[str]) -> str:
    f, sur = slug(first), slug(last)
    roll = rng.random()
    if roll < 0.55:
        local = f"{f}.{sur}"
    elif roll < 0.63:
        local = f"{f}{sur}"
    elif roll < 0.73:
        local = f"{f[0]}{sur}"
    elif roll < 0.77:
        local = f"{f}_{sur}"
    elif roll < 0.85:
        local = f"{f}{sur}{rng.randint(10, 99)}"
    elif roll < 0.88:
        local = f"{sur}.{f}"
    elif roll < 0.92:
        local = f
    else:
        local = f"{f}.{rng.choice(WORDS + NOUNS)}"
    address = f"{local}@{domain}"
    while address in taken:
        address = f"{local}{rng.randint(1, 99)}@{domain}"
    taken.add(address)
    return address


def handle_base(rng: random.Random, first: str, last: str) -> str:
    """A handle a person with this name might choose, in neutral syntax (any of _ . -)."""
    f, sur = slug(first), slug(last)
    if not f or not sur:
        f = sur = f or sur or "user"
    patterns = [
        (f"{f}{sur}", 10),
        (f"{f}_{sur}", 8),
        (f"{f}.{sur}", 3),
        (f"{f}-{sur}", 3),
        (f"{f[0]}{sur}", 10),
        (f"{sur}{f[0]}", 5),
        (f"{f}{sur[0]}", 3),
        (f"{f}_{sur[0]}", 2),
        (f"{sur}.{f[0]}", 2),
        (f"{f}{sur}{rng.randint(1, 99)}", 6),
        (f"{f}{rng.randint(1, 99)}", 5),
        (f"{f[0]}{sur}{rng.randint(1, 9)}", 3),
        (f"the{f}", 2),
        (f"{f}_{rng.choice(WORDS)}", 5),
        (f"{rng.choice(PREFIXES)}_{f}", 4),
        (f"{sur}{f}", 2),
    ]
    return rng.choices([p for p, _ in patterns], [w for _, w in patterns])[0]


def unrelated_handle(rng: random.Random, channel: str) -> str:
    if channel == "reddit" or rng.random() < 0.2:
        base = f"{rng.choice(ADJECTIVES)}_{rng.choice(ANIMALS)}_{rng.randint(1000, 9999)}"
    else:
        a, b = rng.sample(NOUNS, 2)
        base = rng.choice([f"{a}_{b}", f"{a}{b}{rng.randint(1, 99)}", f"{a}.{b}", f"{a}{b}"])
    return on_network(rng, channel, base)


def on_network(rng: random.Random, channel: str, base: str) -> str:
    """The handle as the network writes it."""
    if channel == "mastodon":
        return f"{base.replace('.', '_').replace('-', '_')}@{rng.choice(INSTANCES)}"
    if channel == "bluesky":
        dashed = base.replace("_", "-").replace(".", "-")
        if rng.random() < 0.8:
            return f"{dashed}.bsky.social"
        return f"{dashed.replace('-', '')}.{rng.choice(BSKY_TLDS)}"
    if channel == "github":
        return base.replace("_", "-").replace(".", "-")
    if channel == "x":
        return base.replace(".", "_").replace("-", "_")[:15]
    if channel == "reddit":
        flat = base.replace(".", "_")
        return flat[:1].upper() + flat[1:] if rng.random() < 0.3 else flat
    return base.replace(".", "_")  # hackernews


# --------------------------------------------------------------------------------------
# The customer base
# --------------------------------------------------------------------------------------


def demo_people() -> list[Person]:
    people = []
    for line in DEMO.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        handles = [(ch, h) for ch in CHANNELS for h in row[ch].split(";") if h]
        name = row["name"]
        native = not ascii_name(name).replace(" ", "").replace("'", "").replace("-", "").isascii()
        if native and row["email"]:
            parts = row["email"].split("@")[0].split(".")
            first, last = (parts[0].title(), parts[-1].title()) if len(parts) >= 2 else ("", "")
        else:
            words = name.split()
            first, last = words[0], " ".join(words[1:])
        people.append(
            Person(
                id=int(row["id"].split("-")[1]),
                name=name,
                first=first,
                last=last,
                email=row["email"] or None,
                company=row["company"] or None,
                handles=handles,
                native=native,
            )
        )
    return people


class Base:
    """Uniqueness bookkeeping while the customer base grows."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.people: list[Person] = []
        self.emails: set[str] = set()
        self.identities: set[tuple[str, str]] = set()

    def add(self, person: Person) -> None:
        self.people.append(person)
        if person.email:
            self.emails.add(person.email)
        for channel, handle in person.handles:
            self.identities.add((channel, handle_key(channel, handle)))

    def free(self, channel: str, handle: str) -> bool:
        return (channel, handle_key(channel, handle)) not in self.identities

    def handles_for(self, first: str, last: str) -> list[tuple[str, str]]:
        rng = self.rng
        count = rng.choices([0, 1, 2, 3, 4, 5], [25, 25, 22, 14, 9, 5])[0]
        base = handle_base(rng, first, last)
        out = []
        for channel in rng.sample(CHANNELS, count):
            chosen = base if rng.random() < 0.65 else handle_base(rng, first, last)
            if channel == "reddit" and rng.random() < 0.25:
                chosen = f"{rng.choice(ADJECTIVES)}_{rng.choice(ANIMALS)}_{rng.randint(1000, 9999)}"
            handle = on_network(rng, channel, chosen)
            tries = 0
            while not self.free(channel, handle):
                # X cuts handles at 15 characters: the number must fit inside them, and it
                # grows with the tries so that a crowded name always finds a free handle.
                tries += 1
                number = str(rng.randint(1, 10 ** (2 + tries // 10) - 1))
                stem = chosen[: 15 - len(number)] if channel == "x" else chosen
                handle = on_network(rng, channel, f"{stem}{number}")
            out.append((channel, handle))
        return out


def build_customers(count: int = CUSTOMERS, seed: int = SEED) -> list[Person]:
    """The demo customers plus synthetic ones, `count` in all, ids 1..count."""
    rng = random.Random(seed)
    base = Base(rng)
    demo = demo_people()
    for person in demo:
        base.add(person)
    companies = demo_companies()
    # COMPANY_A x COMPANY_B makes ~2,300 names: a large base shares them out, as real ones do.
    wanted = min(max(400, count // 5), 2_000)
    companies += synthetic_companies(rng, wanted, {c.name for c in companies})
    rng.shuffle(companies)
    cultures = list(CULTURES)
    weights = [CULTURES[c][0] for c in cultures]
    name_pools, natives = pools(), native_pairs()
    special = {"namesake": 120, "lookalike": 150} if count >= 2000 else {}
    plain_count = count - len(base.people) - sum(special.values())
    taken = {(p.first, p.last) for p in base.people}
    for _ in range(plain_count):
        culture = rng.choices(cultures, weights)[0]
        firsts, lasts = name_pools[culture]
        first, last = zipf_choice(rng, firsts), zipf_choice(rng, lasts)
        # The pools are small, so Zipf draws repeat whole names far more than a real CRM
        # does (42% of customers shared one): redraw a taken name a few times. Namesakes
        # are added on purpose below; a large base still ends up with many.
        for _ in range(6):
            if (first, last) not in taken:
                break
            first, last = zipf_choice(rng, firsts), zipf_choice(rng, lasts)
        taken.add((first, last))
        base.add(_new_person(base, companies, culture, first, last, natives))
    latin = [p for p in base.people[len(demo) :] if not p.native]
    grouped = {s for group in LOOKALIKE_SURNAMES for s in group}
    for kind, n in special.items():
        models = latin
        if kind == "lookalike":
            models = [p for p in latin if fold(p.last).replace(" ", "") in grouped]
        for _ in range(n):
            model = rng.choice(models)
            last = model.last
            if kind == "lookalike":
                last = lookalike_surname(rng, model.last) or model.last
            base.add(_new_person(base, companies, model.culture, model.first, last, {}))
    return base.people


def _new_person(
    base: Base,
    companies: list[Company],
    culture: str,
    first: str,
    last: str,
    natives: dict[str, dict[str, str]],
) -> Person:
    rng = base.rng
    company = zipf_choice(rng, companies, skew=2.0) if rng.random() < 0.55 else None
    if company is not None and rng.random() < 0.85:
        domain = company.domain
    else:
        domain = rng.choice(PERSONAL_MAIL)
    name = f"{first} {last}"
    native = False
    if (script := natives.get(culture, {}).get(name)) and rng.random() < 0.5:
        name, native = script, True
    elif name != ascii_name(name) and rng.random() < 0.15:
        name = ascii_name(name)  # an import that lost the accents
    return Person(
        id=len(base.people) + 1,
        name=name,
        first=first,
        last=last,
        email=email_for(rng, first, last, domain, base.emails),
        company=company.name if company is not None else None,
        handles=base.handles_for(first, last),
        culture=culture,
        native=native,
    )


def lookalike_surname(rng: random.Random, last: str) -> str | None:
    key = fold(last).replace(" ", "")
    for group in LOOKALIKE_SURNAMES:
        if key in group:
            other = rng.choice([g for g in group if g != key])
            return other[:1].upper() + other[1:] if other[:2] != "mc" else "Mc" + other[2:].title()
    return None


# --------------------------------------------------------------------------------------
# Variants of a name
# --------------------------------------------------------------------------------------


def typo(rng: random.Random, word: str) -> str:
    """One edit: a keyboard neighbour, a dropped, doubled or swapped letter; anywhere."""
    if len(word) < 3:
        return word
    i = rng.randrange(len(word))
    ch = word[i].lower()
    op = rng.choice(["sub", "del", "ins", "swap"])
    if op == "sub" and ch in KEYBOARD:
        new = rng.choice(KEYBOARD[ch])
        new = new.upper() if word[i].isupper() else new
        return word[:i] + new + word[i + 1 :]
    if op == "del":
        return word[:i] + word[i + 1 :]
    if op == "ins":
        extra = rng.choice([ch, *KEYBOARD.get(ch, ch)])
        return word[: i + 1] + extra + word[i + 1 :]
    if i < len(word) - 1:
        a, b = word[i], word[i + 1]
        if i == 0:
            a, b = b.upper() if a.isupper() else b, a.lower()
        return word[:i] + b + a + word[i + 2 :]
    return word[:-1]


def decorate(rng: random.Random, name: str, company: str | None) -> str:
    roll = rng.randrange(7)
    if roll == 0:
        return f"{name} {rng.choice(EMOJI)}"
    if roll == 1:
        return f"{name} ({rng.choice(PRONOUNS)})"
    if roll == 2:
        return f"{rng.choice(HONORIFICS)} {name}"
    if roll == 3:
        tagline = rng.choice(TAGLINES).format(company=company or "work")
        return f"{name} | {tagline}"
    if roll == 4:
        return f"{name} {rng.choice(FLAGS)}"
    if roll == 5:
        return f"{name}{rng.choice(SUFFIXES)}"
    return f"{name} {rng.choice(EMOJI)} ({rng.choice(PRONOUNS)})"


def recase(rng: random.Random, name: str) -> str:
    return rng.choice([name, name, name.upper(), name.lower()])


# --------------------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------------------

Case = dict[str, object]


class Cases:
    """Builds each kind of labelled author."""

    def __init__(self, people: list[Person], rng: random.Random) -> None:
        self.people = people
        self.rng = rng
        self.latin = [p for p in people if not p.native and p.first and p.last]
        self.base = Base(rng)
        for person in people:
            self.base.add(person)
        self.full_names = {self._folded(p.name) for p in people}
        self.full_names |= {self._folded(f"{p.first} {p.last}") for p in people}
        self.by_company: dict[str, list[Person]] = defaultdict(list)
        for person in people:
            if person.company:
                self.by_company[person.company].append(person)
        self.first_counts = Counter(fold(p.first) for p in self.latin)
        # How many customers each kind of clue fits: (first, last), (first, last initial),
        # (first initial, last), first alone, last alone.
        self.clues: Counter[tuple[str, ...]] = Counter()
        for person in people:
            f, sur = slug(person.first), slug(person.last)
            if f and sur:
                self.clues.update([(f, sur), (f, sur[0] + "."), (f[0] + ".", sur), (f,), ("", sur)])
        self.pools = pools()
        # Look-alike customers: same first name, surnames from one LOOKALIKE_SURNAMES line.
        self.surname_group = {s: i for i, group in enumerate(LOOKALIKE_SURNAMES) for s in group}
        self.by_first_group: dict[tuple[str, int], list[Person]] = defaultdict(list)
        for person in self.latin:
            group = self.surname_group.get(fold(person.last).replace(" ", ""))
            if group is not None:
                self.by_first_group[(fold(person.first), group)].append(person)

    @staticmethod
    def _folded(name: str) -> str:
        return " ".join(sorted(fold(name).replace(",", " ").split()))

    def fits(self, p: Person, case: Case) -> int:
        """How many customers the author's clues fit as well as `p`.

        "Kate" with kate_codes, or "J. Williams", fits every Kate or every J. Williams in
        the base alike: when that is more than three, no matcher can rank `p` in its top
        three but by luck, so such a positive is redrawn rather than kept.
        """
        author = case["author"]
        assert isinstance(author, dict)
        f, sur = slug(p.first), slug(p.last)
        if not f or not sur:
            return 1
        shown = fold(author["name"] or "").replace(",", " ").replace(".", " ")
        said = {slug(w) for w in shown.split()}
        core = handle_core(author["channel"], author["handle"])
        alpha = "".join(ch for ch in slug(core) if ch.isalpha())
        know_first = f in said or (len(f) >= 3 and f in alpha)
        know_last = sur in said or (len(sur) >= 3 and sur in alpha)
        if know_first and know_last:
            return self.clues[(f, sur)]
        if know_last:
            initial = f[0] in said or alpha in (f[0] + sur, sur + f[0])
            return self.clues[(f[0] + ".", sur)] if initial else self.clues[("", sur)]
        if know_first:
            initial = sur[0] in said or alpha.replace(f, "", 1) == sur[0]
            return self.clues[(f, sur[0] + ".")] if initial else self.clues[(f,)]
        return 1  # typos, nicknames: the matcher has to work for it, but it can

    def is_customer_name(self, name: str) -> bool:
        return self._folded(name) in self.full_names

    def author(self, channel: str, handle: str, name: str | None) -> dict[str, str | None]:
        return {"channel": channel, "handle": handle, "name": name}

    def channel_for(
        self, person: Person | None, handle_of: Callable[[str], str]
    ) -> tuple[str, str]:
        """A channel and a handle there that no customer holds (exact links never get here)."""
        rng = self.rng
        for _ in range(50):
            channel = rng.choice(CHANNELS)
            handle = handle_of(channel)
            if self.base.free(channel, handle):
                return channel, handle
        channel = rng.choice(CHANNELS)
        return channel, unrelated_handle(rng, channel) + str(rng.randint(100, 999))

    def unrelated(self) -> tuple[str, str]:
        return self.channel_for(None, lambda ch: unrelated_handle(self.rng, ch))

    def from_name(self, first: str, last: str) -> tuple[str, str]:
        base = handle_base(self.rng, first, last)
        return self.channel_for(None, lambda ch: on_network(self.rng, ch, base))

    # -- positives ----------------------------------------------------------------------

    def exact_name(self, p: Person) -> Case | None:
        channel, handle = self.unrelated()
        return self._case(channel, handle, recase(self.rng, p.name), p.id)

    def decorated(self, p: Person) -> Case | None:
        rng = self.rng
        if rng.random() < 0.8:
            channel, handle = (
                self.unrelated() if rng.random() < 0.6 else self.from_name(p.first, p.last)
            )
            return self._case(channel, handle, decorate(rng, p.name, p.company), p.id)
        channel, handle = self.from_name(p.first, p.last)
        name = f"{p.first} {rng.choice(EMOJI)} ({rng.choice(PRONOUNS)})"
        return self._case(channel, handle, name, p.id)

    def nickname(self, p: Person) -> Case | None:
        options = sorted(n for n in nicknames(fold(p.first)) if len(n) >= 3)
        if not options:
            return None
        nick = self.rng.choice(options).title()
        if self.rng.random() < 0.6:
            channel, handle = self.unrelated()
        else:
            channel, handle = self.from_name(nick, p.last)
        return self._case(channel, handle, f"{nick} {p.last}", p.id)

    def diacritics_stripped(self, p: Person) -> Case | None:
        plain = ascii_name(p.name)
        if plain == p.name:
            return None
        channel, handle = self.unrelated()
        return self._case(channel, handle, recase(self.rng, plain), p.id)

    def diacritics_added(self, p: Person) -> Case | None:
        words = p.name.split()
        accented = [ACCENTED.get(fold(w), w) if w.isascii() else w for w in words]
        if accented == words:
            return None
        channel, handle = self.unrelated()
        return self._case(channel, handle, recase(self.rng, " ".join(accented)), p.id)

    def initial_first(self, p: Person) -> Case | None:
        dot = self.rng.choice([".", ".", ""])
        channel, handle = self.unrelated()
        return self._case(channel, handle, f"{p.first[0]}{dot} {p.last}", p.id)

    def initial_last(self, p: Person) -> Case | None:
        if self.rng.random() < 0.5:
            channel, handle = self.from_name(p.first, p.last)
        else:
            channel, handle = self.unrelated()
        return self._case(channel, handle, f"{p.first} {p.last[0].upper()}.", p.id)

    def swapped(self, p: Person) -> Case | None:
        rng = self.rng
        form = rng.choice(
            [f"{p.last} {p.first}", f"{p.last.upper()}, {p.first}", f"{p.last}, {p.first}"]
        )
        channel, handle = self.unrelated()
        return self._case(channel, handle, form, p.id)

    def typo1(self, p: Person) -> Case | None:
        words = [p.first, p.last]
        i = self.rng.randrange(2)
        words[i] = typo(self.rng, words[i])
        channel, handle = self.unrelated()
        return self._case(channel, handle, " ".join(words), p.id)

    def typo2(self, p: Person) -> Case | None:
        words = [p.first, p.last]
        if self.rng.random() < 0.5:
            words = [typo(self.rng, w) for w in words]
        else:
            i = int(len(p.last) > len(p.first))
            words[i] = typo(self.rng, typo(self.rng, words[i]))
        channel, handle = self.unrelated()
        return self._case(channel, handle, " ".join(words), p.id)

    def handle_pattern(self, p: Person) -> Case | None:
        channel, handle = self.from_name(p.first, p.last)
        return self._case(channel, handle, self._maybe_name(p, none=0.5, first=0.2), p.id)

    def handle_cross_network(self, p: Person) -> Case | None:
        if not p.handles:
            return None
        theirs, original = self.rng.choice(p.handles)
        core = handle_core(theirs, original)
        others = [c for c in CHANNELS if c != theirs]
        channel = self.rng.choice(others)
        handle = on_network(self.rng, channel, core)
        if not self.base.free(channel, handle):
            return None
        name = self._maybe_name(p, none=0.4, first=0.15, decorated=0.15)
        return self._case(channel, handle, name, p.id)

    def handle_close(self, p: Person) -> Case | None:
        if not p.handles:
            return None
        theirs, original = self.rng.choice(p.handles)
        core = handle_core(theirs, original)
        rng = self.rng
        digits = "".join(ch for ch in core if ch.isdigit())
        if digits and rng.random() < 0.5:
            changed = (
                core.replace(digits, str(rng.randint(1, 99)))
                if rng.random() < 0.5
                else core.rstrip("0123456789")
            )
        else:
            changed = rng.choice(
                [f"{core}{rng.randint(1, 9)}", f"{core}_", f"_{core}", typo(rng, core)]
            )
        if changed == core or len(changed) < 3:
            return None
        channel = rng.choice(CHANNELS)
        handle = on_network(rng, channel, changed)
        if not self.base.free(channel, handle):
            return None
        return self._case(channel, handle, self._maybe_name(p, none=0.5, first=0.0), p.id)

    def handle_email(self, p: Person) -> Case | None:
        if not p.email:
            return None
        local = p.email.split("@", 1)[0]
        channel = self.rng.choice(CHANNELS)
        handle = on_network(self.rng, channel, local)
        if not self.base.free(channel, handle):
            return None
        return self._case(channel, handle, self._maybe_name(p, none=0.5, first=0.0), p.id)

    def company_account(self, p: Person) -> Case | None:
        if not p.company or len(self.by_company[p.company]) > 3:
            return None
        rng = self.rng
        words = p.company.split()
        core = " ".join(w for w in words if fold(w).replace(".", "") not in LEGAL_WORDS)
        name = rng.choice([p.company, core, f"{core} HQ", f"{core} Team", core.upper()])
        base = rng.choice(
            [
                slug(p.company),
                slug(core),
                f"{slug(core)}_hq",
                f"{slug(core)}app",
                "_".join(slug(w) for w in core.split()),
            ]
        )
        channel, handle = self.channel_for(None, lambda ch: on_network(rng, ch, base))
        return self._case(channel, handle, name, p.id)

    def other_script(self, p: Person) -> Case | None:
        rng = self.rng
        if p.native:
            if not p.first or not p.last:
                return None
            name = f"{p.first} {p.last}"
        else:
            native = native_pairs().get(p.culture, {}).get(f"{p.first} {p.last}")
            if not native or p.culture != "slavic":
                return None
            name = native
        channel, handle = (
            self.unrelated() if rng.random() < 0.7 else self.from_name(p.first, p.last)
        )
        return self._case(channel, handle, name, p.id)

    def _maybe_name(
        self, p: Person, none: float, first: float, decorated: float = 0.0
    ) -> str | None:
        roll = self.rng.random()
        if roll < none:
            return None
        if roll < none + first:
            return p.first
        if roll < none + first + decorated:
            return decorate(self.rng, p.name, p.company)
        return p.name

    # -- negatives -----------------------------------------------------------------------

    def neg_lookalike_surname(self, p: Person) -> Case | None:
        last = lookalike_surname(self.rng, p.last)
        if last is None:
            last = typo(self.rng, p.last)
        name = f"{p.first} {last}"
        if self.is_customer_name(name):
            return None
        channel, handle = (
            self.unrelated() if self.rng.random() < 0.5 else self.from_name(p.first, last)
        )
        return self._case(channel, handle, name, None)

    def neg_lookalike_customer(self, p: Person) -> Case | None:
        group = self.surname_group.get(fold(p.last).replace(" ", ""))
        if group is None:
            return None
        twins = self.by_first_group[(fold(p.first), group)]
        if not any(fold(q.last) != fold(p.last) for q in twins):
            return None
        channel, handle = self.unrelated()
        return self._case(channel, handle, recase(self.rng, p.name), p.id)

    def neg_same_first(self, p: Person) -> Case | None:
        _, lasts = self.pools[self.rng.choice(list(self.pools))]
        name = f"{p.first} {self.rng.choice(lasts)}"
        if self.is_customer_name(name):
            return None
        last = name.split(" ", 1)[1]
        channel, handle = (
            self.unrelated() if self.rng.random() < 0.5 else self.from_name(p.first, last)
        )
        return self._case(channel, handle, name, None)

    def neg_same_surname(self, p: Person) -> Case | None:
        firsts, _ = self.pools[p.culture] if p.culture in self.pools else self.pools["anglo"]
        first = self.rng.choice(firsts)
        name = f"{first} {p.last}"
        if fold(first) == fold(p.first) or self.is_customer_name(name):
            return None
        channel, handle = (
            self.unrelated() if self.rng.random() < 0.5 else self.from_name(first, p.last)
        )
        return self._case(channel, handle, name, None)

    def neg_first_name_only(self, p: Person) -> Case | None:
        rng = self.rng
        wanted = rng.choice([name for name, _ in self.first_counts.most_common(40)])
        first = next(x.first for x in self.latin if fold(x.first) == wanted)
        name = rng.choice([first, first, f"{first} {rng.choice(EMOJI)}", first.lower()])
        if rng.random() < 0.5:
            channel, handle = self.unrelated()
        else:
            base = f"{slug(first)}{rng.randint(1, 99)}"
            channel, handle = self.channel_for(None, lambda ch: on_network(rng, ch, base))
        return self._case(channel, handle, name, None)

    def neg_random_person(self, p: Person) -> Case | None:
        rng = self.rng
        culture = rng.choices(list(CULTURES), [CULTURES[c][0] for c in CULTURES])[0]
        firsts, lasts = self.pools[culture]
        first, last = rng.choice(firsts), rng.choice(lasts)
        name = f"{first} {last}"
        if self.is_customer_name(name):
            return None
        channel, handle = self.from_name(first, last)
        shown = rng.choice([name, name, decorate(rng, name, None), None])
        return self._case(channel, handle, shown, None)

    def neg_namesake(self, p: Person) -> Case | None:
        channel, handle = self.from_name(p.first, p.last)
        shown = self.rng.choice(
            [p.name, p.name, recase(self.rng, p.name), decorate(self.rng, p.name, None)]
        )
        return self._case(channel, handle, shown, None)

    def neg_brand(self, p: Person) -> Case | None:
        rng = self.rng
        title = " ".join(rng.choice(BRANDS).split())
        if rng.random() < 0.4:
            return self._case("rss", title, title, None)
        channel, handle = self.channel_for(None, lambda ch: on_network(rng, ch, slug(title)))
        return self._case(channel, handle, title, None)

    def neg_company_not_customer(self, p: Person) -> Case | None:
        rng = self.rng
        name = f"{rng.choice(COMPANY_A)} {rng.choice(COMPANY_B)}"
        if any(fold(c).startswith(fold(name)) for c in self.by_company):
            return None
        shown = rng.choice(
            [name, f"{name} {rng.choice(['Inc', 'GmbH', 'AB', 'Ltd'])}", f"{name} HQ"]
        )
        base = rng.choice([slug(name), f"{slug(name)}_hq", "_".join(slug(w) for w in name.split())])
        channel, handle = self.channel_for(None, lambda ch: on_network(rng, ch, base))
        return self._case(channel, handle, shown, None)

    def neg_handle_lookalike(self, p: Person) -> Case | None:
        if not p.handles:
            return None
        rng = self.rng
        theirs, original = rng.choice(p.handles)
        core = handle_core(theirs, original)
        if rng.random() < 0.4:
            core = typo(rng, core)
        culture = rng.choice(list(self.pools))
        firsts, lasts = self.pools[culture]
        first = rng.choice(firsts) if rng.random() < 0.7 else p.first
        name = f"{first} {rng.choice(lasts)}"
        if self.is_customer_name(name) or fold(name) == fold(f"{p.first} {p.last}"):
            return None
        channel = rng.choice([c for c in CHANNELS if c != theirs])
        handle = on_network(rng, channel, core)
        if not self.base.free(channel, handle):
            return None
        return self._case(channel, handle, name, None)

    # -- evidence a name cannot fake -----------------------------------------------------

    def evidence_domain(self, p: Person) -> Case | None:
        domain = company_domain(p)
        if domain is None:
            return None
        channel, handle = self._on_domain(p.first, p.last, domain)
        if not self.base.free(channel, handle):
            return None
        roll = self.rng.random()
        if roll < 0.45:
            name: str | None = recase(self.rng, p.name)
        elif roll < 0.65:
            name = decorate(self.rng, p.name, p.company)
        elif roll < 0.75:
            name = f"{p.first} {p.last[0].upper()}."
        elif roll < 0.9:
            name = p.first  # with a handle that may or may not spell the surname
        else:
            name = None
        return self._case(channel, handle, name, p.id)

    def _on_domain(self, first: str, last: str, domain: str) -> tuple[str, str]:
        """An account on a company's domain: a Bluesky handle under it (Bluesky checks
        the domain), or a Mastodon account on the company's own instance."""
        rng = self.rng
        f, sur = slug(first), slug(last)
        local = rng.choice([f, f, f"{f}{sur}", f"{f}-{sur}", f"{f[0]}{sur}", sur])
        if rng.random() < 0.7:
            return "bluesky", f"{local}.{domain}"
        instance = rng.choice([domain, f"social.{domain}", f"mastodon.{domain}"])
        return "mastodon", f"{local.replace('-', '_')}@{instance}"

    def evidence_handle(self, p: Person) -> Case | None:
        mine = [(c, h) for c, h in p.handles if says_more(handle_core(c, h), p.first, p.last)]
        if not mine:
            return None
        theirs, original = self.rng.choice(mine)
        core = handle_core(theirs, original)
        channel = self.rng.choice([c for c in CHANNELS if c != theirs])
        handle = on_network(self.rng, channel, core)
        if not self.base.free(channel, handle):
            return None
        return self._case(channel, handle, self._evidence_name(p), p.id)

    def evidence_email(self, p: Person) -> Case | None:
        if not p.email or not says_more(p.email.split("@", 1)[0], p.first, p.last):
            return None
        channel = self.rng.choice(CHANNELS)
        handle = on_network(self.rng, channel, p.email.split("@", 1)[0])
        if not self.base.free(channel, handle):
            return None
        return self._case(channel, handle, self._evidence_name(p), p.id)

    def _evidence_name(self, p: Person) -> str | None:
        """What an author with an identifying handle shows: often nothing, or the name
        in any of its everyday forms."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.3:
            return None
        if roll < 0.6:
            return recase(rng, p.name)
        if roll < 0.75:
            return decorate(rng, p.name, p.company)
        if roll < 0.85:
            return p.first
        if roll < 0.93:
            options = sorted(n for n in nicknames(fold(p.first)) if len(n) >= 3)
            return f"{rng.choice(options).title()} {p.last}" if options else p.name
        return f"{p.first} {typo(rng, p.last)}"

    def neg_domain_colleague(self, p: Person) -> Case | None:
        """Someone else at a customer's company (not in the CRM) on its domain."""
        domain = company_domain(p)
        if domain is None:
            return None
        firsts, lasts = self.pools[p.culture] if p.culture in self.pools else self.pools["anglo"]
        first, last = self.rng.choice(firsts), self.rng.choice(lasts)
        if self.is_customer_name(f"{first} {last}"):
            return None
        channel, handle = self._on_domain(first, last, domain)
        if not self.base.free(channel, handle):
            return None
        name = self.rng.choice([f"{first} {last}", f"{first} {last}", first, None])
        return self._case(channel, handle, name, None)

    def neg_domain_lookalike(self, p: Person) -> Case | None:
        """A namesake of a customer on a domain one step from the company's own."""
        domain = company_domain(p)
        if domain is None:
            return None
        label, _, tld = domain.partition(".")
        near = self.rng.choice(
            [
                f"{label}.co",
                f"{label}-{tld.replace('.', '-')}.com",
                f"{typo(self.rng, label)}.{tld}",
            ]
        )
        if near == domain:
            return None
        channel, handle = self._on_domain(p.first, p.last, near)
        if not self.base.free(channel, handle):
            return None
        return self._case(channel, handle, recase(self.rng, p.name), None)

    @staticmethod
    def _case(channel: str, handle: str, name: str | None, truth: int | None) -> Case:
        return {"author": {"channel": channel, "handle": handle, "name": name}, "truth": truth}


def company_domain(p: Person) -> str | None:
    """The domain of the customer's work e-mail, when it is their company's."""
    if not p.company or not p.email or "@" not in p.email:
        return None
    domain = p.email.split("@", 1)[1]
    return None if domain in PERSONAL_MAIL else domain


def says_more(handle: str, first: str, last: str) -> bool:
    """Whether a handle says more than the name it may be built from: a word or two
    digits besides it (katelindqvist88, kate.codes), or nothing of the name at all
    (Fuzzy_Lynx_4716). kate_lindqvist, klindqvist or kate37 do not: namesakes pick them."""
    text = slug(handle)
    digits = sum(ch.isdigit() for ch in text)
    rest = "".join(ch for ch in text if ch.isalpha())
    f, sur = slug(first), slug(last)
    found = False
    for part in sorted((sur, f), key=len, reverse=True):
        if len(part) >= 2 and part in rest:
            rest, found = rest.replace(part, "", 1), True
    if not found:
        return len(rest) >= 6
    if rest in (f[:1], sur[:1]):
        rest = ""
    return digits >= 2 or len(rest) >= 3


def build_cases(people: list[Person], seed: int = SEED) -> list[Case]:
    rng = random.Random(seed + 1)
    cases = Cases(people, rng)
    out: list[Case] = []
    for kind, wanted in {**POSITIVE_KINDS, **NEGATIVE_KINDS, **EVIDENCE_KINDS}.items():
        make = getattr(cases, kind)
        pool = cases.latin if kind != "other_script" and kind != "handle_cross_network" else people
        made = 0
        for _ in range(wanted * 200):
            person = rng.choice(pool)
            case = make(person)
            if case is None:
                continue
            if kind in CLUE_CHECKED and cases.fits(person, case) > 3:
                continue
            case["kind"] = kind
            out.append(case)
            made += 1
            if made == wanted:
                break
    return out


def iter_lines(cases: list[Case]) -> Iterator[str]:
    for case in cases:
        yield json.dumps(case, ensure_ascii=False)


def build(seed: int = SEED) -> tuple[list[Person], list[Case]]:
    people = build_customers(CUSTOMERS, seed)
    return people, build_cases(people, seed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    people, cases = build()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(iter_lines(cases)) + "\n", encoding="utf-8")
    kinds = Counter(str(c["kind"]) for c in cases)
    positives = sum(1 for c in cases if c["truth"] is not None)
    print(f"{len(people):,} customers, {len(cases):,} cases ({positives:,} with a truth)")
    print(f"-> {args.out}")
    for kind, n in kinds.items():
        print(f"  {kind:26} {n:5}")


if __name__ == "__main__":
    main()
