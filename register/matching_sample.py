"""A seeded sample of persons of interest and of list lines with known truth, to measure register.matching.

    persons = sample_persons(50_000)            # Person(key, names, birth_year), the same for the same seed
    lines = sample_lines(persons, 2_000)        # Line(name, birth_year, truth, kind)
    report = evaluate(NameIndex(...), lines)    # precision and recall, overall and by kind

Names are drawn from lists of given names and surnames of six regions (French, Arabic, Slavic, East and
Central African, West African, Spanish): written here, and widened for the regions in Latin script with the
name lists that Faker ships (a test dependency, pinned in requirements.lock, so the sample does not move). Arabic and Slavic names carry their own script and the Latin spellings
in use ("Дмитрий": Dmitriy, Dmitri, Dmitry), so that a transliteration line is a spelling a person would write,
not the library's own output. Every name in the sample is unique once normalised, so a line's truth is one
person: namesakes are real, but they are the year of birth's job, which the tests cover separately.

The kinds of line, each made from one person (the truth) except the last:
exact, accents (diacritics dropped), order ("SURNAME, Given" or the surname first), initial (first given name
as an initial, "J.-P."), typo (one letter substituted, dropped, added or two swapped in a word of five letters
or more), other script (Cyrillic or Arabic script for a person known by a Latin name), other spelling (another
Latin spelling of an Arabic or Slavic name), alias (the person's second name), year differs (the exact name
with another year of birth), and unrelated (a new name from the same lists that is not a name of the sample
in another order, with a word more or a word less: "Moussa Hamidou Kaboré" may well be "Hamidou Kaboré").
"""

from __future__ import annotations

import importlib
import random
import unicodedata
from collections import Counter
from dataclasses import dataclass
from itertools import combinations

from register.matching import PARTICLES, normalise


@dataclass(frozen=True)
class Part:
    """One word of a name: its Latin spellings (the first is the usual one) and, maybe, its own script."""

    latin: tuple[str, ...]
    script: str | None = None


@dataclass(frozen=True)
class Person:
    key: str
    names: tuple[str, ...]
    birth_year: int | None


@dataclass(frozen=True)
class Line:
    name: str
    birth_year: int | None
    truth: str | None
    kind: str


VARIANT_KINDS = ("exact", "accents", "order", "initial", "typo", "other script", "other spelling", "alias")


def _latin(text: str) -> list[Part]:
    return [Part(tuple(word.split("/"))) for word in text.split()]


def _scripted(text: str) -> list[Part]:
    parts = []
    for entry in text.split(","):
        script, latin = entry.strip().split(":")
        parts.append(Part(tuple(latin.split("/")), script))
    return parts


FRENCH_GIVEN = _latin(
    "Jean Pierre Marie Étienne François Hélène Céline Jérôme Benoît Noël Anaïs Loïc Gaëlle Régis Sébastien "
    "Frédéric Thérèse Amélie Clément Mathieu Nicolas Julien Olivier Philippe Stéphane Émilie Camille Léa Chloé "
    "Aurélien Rémi André Josée Geneviève Raphaël Théo Maël Zoé Agnès Denis Jean-Marc Jean-Luc Marie-Claire "
    "Anne-Sophie Yves Hugues Bérénice Ghislaine Thibaut"
)
FRENCH_SURNAMES = _latin(
    "Lefèvre Dupont Durand Moreau Girard Bérard Mercier Fontaine Chevalier Rousseau Lemaître Gauthier Bonnet "
    "Legrand Garnier Faure Perrin Morin Dubois Laurent Rivière Lévêque Brunet Blanchard Guérin Boucher Carré "
    "Côté Pelletier Ménard Bélanger Thibault Hébert Lacroix Poirier Barbier Arnaud Roche Marchand Duval Lemoine "
    "Renaud Collin Vasseur Prévost Giraud Leclerc Charpentier Besnard Joly Aubert Hamon Caron Mallet Dumas "
    "Bouchard Texier Ferrand Brossard Delorme Lamarque Sauvage Villeneuve Desrosiers Beaulieu"
)
ARABIC_GIVEN = _scripted(
    "محمد:Mohamed/Mohammed/Muhammad, أحمد:Ahmed/Ahmad, علي:Ali, حسن:Hassan/Hasan, حسين:Hussein/Hussain/Houssein, "
    "عمر:Omar/Umar, خالد:Khaled/Khalid, يوسف:Youssef/Yousef/Youssouf, إبراهيم:Ibrahim, مصطفى:Mustafa/Moustapha, "
    "عبدالله:Abdallah/Abdullah, سعيد:Said/Saeed, كريم:Karim/Kareem, جمال:Jamal/Djamel, رشيد:Rachid/Rashid, "
    "سليمان:Suleiman/Slimane, إسماعيل:Ismail/Ismael, طارق:Tarek/Tariq, ناصر:Nasser/Nasir, صالح:Saleh/Salih, "
    "منصور:Mansour/Mansur, عثمان:Othman/Osman, هشام:Hisham/Hicham, أمين:Amine/Amin, وليد:Walid, سمير:Samir, "
    "ياسين:Yassine/Yasin, بشير:Bachir/Bashir, عادل:Adel, مالك:Malik, حمزة:Hamza, عباس:Abbas, جابر:Jaber/Jabir, "
    "نبيل:Nabil, فيصل:Faisal/Fayçal, زكريا:Zakaria/Zakariya, أنور:Anwar/Anouar, مراد:Mourad/Murad, "
    "عبدالرحمن:Abderrahmane/Abdulrahman, عبدالقادر:Abdelkader/Abdulqadir"
)
ARABIC_GIVEN_FEMALE = _scripted(
    "فاطمة:Fatima/Fatma, عائشة:Aisha/Aicha, مريم:Mariam/Maryam, زينب:Zainab/Zeinab, ليلى:Leila/Layla, "
    "سلمى:Salma, نور:Nour/Noor, خديجة:Khadija/Khadidja, أمينة:Amina, حليمة:Halima, سعاد:Souad/Suad, "
    "نادية:Nadia, رقية:Ruqayya/Rokia, هدى:Houda/Huda"
)
ARABIC_FAMILIES = _scripted(
    "المصري:al-Masri/El-Masri, العمري:al-Omari/El-Omari, التميمي:al-Tamimi, الزهراني:al-Zahrani, "
    "الحسيني:al-Husseini/El-Husseini, الشامي:al-Shami/El-Chami, البغدادي:al-Baghdadi, الخطيب:al-Khatib/El-Khatib, "
    "حداد:Haddad, نجار:Najjar/Naggar, الأحمد:al-Ahmad, القاسم:al-Qasim/al-Kassem, الجبوري:al-Jubouri/al-Jabouri, "
    "الدوري:al-Douri/al-Duri, العبيدي:al-Obeidi/al-Ubaydi, الكردي:al-Kurdi, الحلبي:al-Halabi, "
    "السوداني:al-Sudani/Soudani, الليبي:al-Libi, الفاسي:al-Fassi/El-Fassi, بنعلي:Benali/Ben Ali, "
    "بوعزيزي:Bouazizi, بلقاسم:Belkacem/Belgacem, منصوري:Mansouri, عزيز:Aziz"
)
SLAVIC_GIVEN = _scripted(
    "Дмитрий:Dmitriy/Dmitri/Dmitry, Сергей:Sergey/Sergei, Алексей:Aleksey/Alexei/Alexey, Андрей:Andrey/Andrei, "
    "Владимир:Vladimir/Wladimir, Николай:Nikolay/Nikolai, Иван:Ivan, Михаил:Mikhail, Юрий:Yuriy/Yuri/Yury, "
    "Евгений:Evgeniy/Yevgeny/Evgeny, Олег:Oleg, Игорь:Igor, Павел:Pavel, Виктор:Viktor/Victor, "
    "Александр:Aleksandr/Alexander, Борис:Boris, Григорий:Grigoriy/Grigory, Константин:Konstantin, "
    "Максим:Maksim/Maxim, Роман:Roman, Артём:Artyom/Artem, Вадим:Vadim, Тарас:Taras, Богдан:Bogdan, "
    "Станислав:Stanislav, Ярослав:Yaroslav/Iaroslav"
)
SLAVIC_GIVEN_FEMALE = _scripted(
    "Ольга:Olga, Наталья:Natalya/Natalia, Татьяна:Tatyana/Tatiana, Екатерина:Yekaterina/Ekaterina, Анна:Anna, "
    "Елена:Elena/Yelena, Ирина:Irina, Светлана:Svetlana, Мария:Mariya/Maria, Юлия:Yuliya/Yulia/Julia, "
    "Оксана:Oksana, Людмила:Lyudmila/Ludmila"
)
SLAVIC_PATRONYMICS = _scripted(
    "Сергеевич:Sergeyevich/Sergeevich, Иванович:Ivanovich, Владимирович:Vladimirovich, "
    "Николаевич:Nikolayevich/Nikolaevich, Александрович:Aleksandrovich/Alexandrovich, "
    "Михайлович:Mikhailovich/Mikhaylovich, Андреевич:Andreyevich/Andreevich, Викторович:Viktorovich, "
    "Юрьевич:Yuryevich/Yurievich, Олегович:Olegovich, Игоревич:Igorevich, Павлович:Pavlovich, "
    "Борисович:Borisovich, Дмитриевич:Dmitriyevich/Dmitrievich, Алексеевич:Alekseyevich/Alekseevich, "
    "Петрович:Petrovich, Григорьевич:Grigoryevich/Grigorievich"
)
SLAVIC_SURNAMES = _scripted(
    "Петров:Petrov, Иванов:Ivanov, Смирнов:Smirnov, Кузнецов:Kuznetsov/Kouznetsov, Попов:Popov, "
    "Соколов:Sokolov, Лебедев:Lebedev, Козлов:Kozlov, Новиков:Novikov, Морозов:Morozov, Волков:Volkov, "
    "Соловьёв:Solovyov/Soloviev, Васильев:Vasilyev/Vasiliev, Зайцев:Zaitsev/Zaytsev, Павлов:Pavlov, "
    "Семёнов:Semyonov/Semenov, Голубев:Golubev, Виноградов:Vinogradov, Богданов:Bogdanov, "
    "Воробьёв:Vorobyov/Vorobiev, Фёдоров:Fyodorov/Fedorov, Михайлов:Mikhailov/Mikhaylov, Беляев:Belyaev/Beliaev, "
    "Тарасов:Tarasov, Белов:Belov, Комаров:Komarov, Орлов:Orlov, Киселёв:Kiselyov/Kiselev, Макаров:Makarov, "
    "Андреев:Andreyev/Andreev, Ковальчук:Kovalchuk, Шевченко:Shevchenko/Chevtchenko, Бондаренко:Bondarenko, "
    "Ткаченко:Tkachenko, Кравченко:Kravchenko, Мельник:Melnyk/Melnik, Жуков:Zhukov/Joukov, "
    "Щербаков:Shcherbakov/Chtcherbakov, Яковлев:Yakovlev/Iakovlev, Григорьев:Grigoryev/Grigoriev, "
    "Литвиненко:Litvinenko, Гончаренко:Goncharenko, Савченко:Savchenko, Руденко:Rudenko, Захаров:Zakharov, "
    "Никитин:Nikitin, Сорокин:Sorokin, Ершов:Yershov/Ershov"
)
AFRICAN_GIVEN = _latin(
    "Jean-Pierre Jean-Claude Emmanuel Joseph Patrice Augustin Désiré Innocent Évariste Célestin Faustin "
    "Théoneste Aimable Jean-Bosco Didier Thabo Sipho Kwame Amani Baraka Juma Neema Furaha Imani Wanjiru Achieng "
    "Chantal Béatrice Espérance Immaculée Grace Joséphine Gloria Fiston Trésor Dieudonné Prosper Gaston "
    "Fidèle Eugène Jacqueline Odette Claudine Germain Valentin Honoré Cyprien Anaclet"
)
AFRICAN_SURNAMES = _latin(
    "Mbeki Kabila Tshisekedi Mukendi Kabongo Ilunga Kasongo Mutombo Lumumba Nkurunziza Habyarimana Uwimana "
    "Niyonzima Hakizimana Mugisha Ndayishimiye Bizimana Nshimiyimana Museveni Okello Odhiambo Otieno Kamau Mwangi "
    "Njoroge Kimani Wanjala Mutua Kiprono Chebet Onyango Ochieng Banda Phiri Tembo Moyo Ndlovu Dlamini Nkosi "
    "Kagame Rukundo Mbala Ngoy Tshibanda Lokonga Bemba Mulumba Kalala Kazadi Kanku Mbuyi Ngalula Nzuzi Makiese "
    "Matondo Mukamana Uwase Iradukunda Ntaganda Bosco Lubanga Katanga Nkunda Makenga Sematumba"
)
WEST_AFRICAN_GIVEN = _latin(
    "Mamadou Amadou Ousmane Moussa Seydou Boubacar Ibrahima Aliou Souleymane Cheikh Abdoulaye Modibo Bakary "
    "Lamine Adama Fatoumata Aminata Mariam Awa Kadiatou Oumou Aïssata Ramatou Hawa Salif Issa Yacouba Drissa "
    "Sékou Mahamadou Hamidou Oumar Alassane Tidiane Mariama Djénéba Assétou Rokia"
)
WEST_AFRICAN_SURNAMES = _latin(
    "Diallo Traoré Koné Coulibaly Keïta Touré Camara Sow Diarra Sangaré Cissé Sylla Konaté Doumbia Diakité "
    "Ouédraogo Sawadogo Kaboré Ndiaye Diop Fall Gueye Sarr Mbaye Kanté Bamba Ouattara Dembélé Maïga Sidibé "
    "Samaké Dicko Tall Barry Baldé Kouyaté Fofana Sissoko Tounkara Bagayoko Zongo Compaoré Zerbo Yaméogo"
)
SPANISH_GIVEN = _latin(
    "José María Juan Luis Carlos Jesús Andrés Ramón Inés Sofía Raúl Martín Tomás Ángel Víctor Óscar Héctor "
    "Julián Begoña Lucía Mónica Nicolás Joaquín Sebastián Álvaro Rubén Gonzalo Ignacio Patricia Marta Rocío "
    "Pilar Rodrigo Fernando Diego Alejandro Esteban Mercedes Guadalupe Concepción"
)
SPANISH_SURNAMES = _latin(
    "García Fernández González Rodríguez López Martínez Sánchez Pérez Gómez Díaz Hernández Muñoz Álvarez "
    "Jiménez Ruiz Moreno Romero Navarro Domínguez Vázquez Ramos Serrano Blanco Suárez Molina Castro Ortiz Rubio "
    "Marín Sanz Núñez Iglesias Medina Garrido Cortés Castillo Santos Lozano Guerrero Cano Prieto Méndez Cruz "
    "Calvo Gallego Vidal León Herrera Peña Aguilar Montero Ibáñez Quintero Valencia Zamora Bermúdez"
)
NICKNAMES = _latin(
    "Tonnerre Lion Faucon Scorpion Cobra Tigre Panthère Ouragan Requin Vipère Aigle Simba Chui Mamba Kifaru "
    "Volk Medved Sokol Berkut Toro Halcón Lobo Sombra Rayo Trueno Jaguar Condor Buffle Caïman Chacal"
)


def _faker(locales: str, attribute: str) -> list[Part]:
    """Faker's lists of names for these locales (data only: no Faker instance, no randomness of its own)."""
    words: dict[str, None] = {}
    for locale in locales.split():
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        words.update(dict.fromkeys(w for w in getattr(provider, attribute) if w.replace("-", "").isalpha()))
    return [Part((w,)) for w in words]


def _widened(hand: list[Part], more: list[Part]) -> list[Part]:
    """The hand-written list first, then Faker's words that are not in it once normalised."""
    seen = {normalise(p.latin[0]) for p in hand}
    return hand + [p for p in more if normalise(p.latin[0]) not in seen and not seen.add(normalise(p.latin[0]))]


# Enough words for 50,000 distinct persons and for unrelated names that are not just one of them reordered.
FRENCH_GIVEN = _widened(FRENCH_GIVEN, _faker("fr_FR", "first_names"))
FRENCH_SURNAMES = _widened(FRENCH_SURNAMES, _faker("fr_FR", "last_names"))
SPANISH_GIVEN = _widened(SPANISH_GIVEN, _faker("es_ES", "first_names"))
SPANISH_SURNAMES = _widened(SPANISH_SURNAMES, _faker("es_ES", "last_names"))
AFRICAN_GIVEN = _widened(AFRICAN_GIVEN, _faker("sw", "first_names"))
AFRICAN_SURNAMES = _widened(AFRICAN_SURNAMES, _faker("sw en_KE", "last_names"))
WEST_AFRICAN_GIVEN = _widened(WEST_AFRICAN_GIVEN, _faker("yo_NG ig_NG ha_NG tw_GH", "first_names"))
WEST_AFRICAN_SURNAMES = _widened(WEST_AFRICAN_SURNAMES, _faker("yo_NG ig_NG ha_NG tw_GH", "last_names"))

TITLES = ["Colonel", "Commandant", "Général", "Major", "Capitaine", "Kanali", "Abu"]


def _choice(rng: random.Random, parts: list[Part]) -> Part:
    return parts[rng.randrange(len(parts))]


def _feminine(part: Part) -> Part:
    """Petrov -> Petrova (and Петров -> Петрова); Shevchenko, Melnyk stay as they are."""
    if not part.latin[0].endswith(("ov", "ev", "in")):
        return part
    return Part(tuple(spelling + "a" for spelling in part.latin), part.script + "а" if part.script else None)


def _parts(rng: random.Random, region: str) -> list[Part]:
    if region == "french":
        given = [_choice(rng, FRENCH_GIVEN)] + ([_choice(rng, FRENCH_GIVEN)] if rng.random() < 0.3 else [])
        return given + [_choice(rng, FRENCH_SURNAMES)]
    if region == "arabic":
        given = _choice(rng, ARABIC_GIVEN_FEMALE if rng.random() < 0.3 else ARABIC_GIVEN)
        father = _choice(rng, ARABIC_GIVEN)
        last = _choice(rng, ARABIC_FAMILIES) if rng.random() < 0.6 else _choice(rng, ARABIC_GIVEN)
        return [given, father, last]
    if region == "slavic":
        female = rng.random() < 0.3
        given = _choice(rng, SLAVIC_GIVEN_FEMALE if female else SLAVIC_GIVEN)
        surname = _choice(rng, SLAVIC_SURNAMES)
        middle = []
        if rng.random() < 0.6:
            patronymic = _choice(rng, SLAVIC_PATRONYMICS)
            if female:
                patronymic = Part(
                    tuple(s.replace("vich", "vna") for s in patronymic.latin), patronymic.script.replace("вич", "вна")
                )
            middle = [patronymic]
        return [given, *middle, _feminine(surname) if female else surname]
    if region == "african":
        given = [_choice(rng, AFRICAN_GIVEN)] + ([_choice(rng, AFRICAN_GIVEN)] if rng.random() < 0.25 else [])
        surnames = [_choice(rng, AFRICAN_SURNAMES)] + ([_choice(rng, AFRICAN_SURNAMES)] if rng.random() < 0.4 else [])
        return given + surnames
    if region == "west_african":
        return [_choice(rng, WEST_AFRICAN_GIVEN), _choice(rng, WEST_AFRICAN_GIVEN), _choice(rng, WEST_AFRICAN_SURNAMES)][
            0 if rng.random() < 0.5 else 1 :
        ]
    given = [_choice(rng, SPANISH_GIVEN)] + ([_choice(rng, SPANISH_GIVEN)] if rng.random() < 0.3 else [])
    return given + [_choice(rng, SPANISH_SURNAMES), _choice(rng, SPANISH_SURNAMES)]


REGIONS = ("french", "arabic", "slavic", "african", "west_african", "spanish")


def _written(parts: list[Part], spelling: int = 0) -> str:
    return " ".join(p.latin[min(spelling, len(p.latin) - 1)] for p in parts)


def _script(parts: list[Part]) -> str | None:
    return " ".join(p.script for p in parts) if all(p.script for p in parts) else None


@dataclass
class _Drawn:
    person: Person
    parts: list[Part]
    region: str


class Sample:
    """Persons and the parts their first name was made of, so that lines can be made from them."""

    def __init__(self, count: int, seed: int = 1):
        rng = random.Random(seed)
        self.taken: set[str] = set()
        self.word_sets: set[frozenset[str]] = set()  # every set of two or more words within a person's name
        self.drawn: list[_Drawn] = []
        self.seed = seed
        while len(self.drawn) < count:
            region = REGIONS[rng.randrange(len(REGIONS))]
            parts = _parts(rng, region)
            primary = _written(parts)
            if normalise(primary) in self.taken:
                continue
            names = [primary]
            self.taken.add(normalise(primary))
            alias = self._alias(rng, parts, region)
            if alias and normalise(alias) not in self.taken:
                names.append(alias)
                self.taken.add(normalise(alias))
            year = rng.randint(1950, 2000) if rng.random() < 0.75 else None
            person = Person(f"poi-{len(self.drawn) + 1}", tuple(names), year)
            self.word_sets.update(_word_subsets(parts))
            self.drawn.append(_Drawn(person, parts, region))

    @staticmethod
    def _alias(rng: random.Random, parts: list[Part], region: str) -> str | None:
        draw = rng.random()
        if region in ("arabic", "slavic") and draw < 0.4:
            return _script(parts)
        if draw < 0.6:
            title = TITLES[rng.randrange(len(TITLES))]
            return f"{title} {_choice(rng, NICKNAMES).latin[0]} {parts[-1].latin[0]}"
        return None

    @property
    def persons(self) -> list[Person]:
        return [d.person for d in self.drawn]


def _identity(parts: list[Part]) -> frozenset[str]:
    """The words a name is made of, whatever their spelling or script, particles aside."""
    return frozenset(w for p in parts for w in normalise(p.latin[0]).split() if w not in PARTICLES)


def _word_subsets(parts: list[Part]) -> set[frozenset[str]]:
    words = sorted(_identity(parts))
    return {frozenset(c) for k in range(2, len(words) + 1) for c in combinations(words, k)}


def _unrelated(sample: Sample, parts: list[Part]) -> bool:
    """Not a name of the sample in another order, with a word more or a word less: those may be the person."""
    identity = _identity(parts)
    if len(identity) < 2 or identity in sample.word_sets:
        return False
    return not any(frozenset(c) in sample.word_sets for k in range(2, len(identity)) for c in combinations(identity, k))


def sample_persons(count: int, seed: int = 1) -> list[Person]:
    return Sample(count, seed).persons


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _initial(word: str) -> str:
    return "-".join(piece[0] + "." for piece in word.split("-"))


def _typo(rng: random.Random, word: str) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    i = rng.randrange(1, len(word) - 1)
    edit = rng.randrange(4)
    if edit == 0:
        return word[:i] + rng.choice([c for c in letters if c != word[i].lower()]) + word[i + 1 :]
    if edit == 1:
        return word[:i] + word[i + 1 :]
    if edit == 2:
        return word[:i] + rng.choice(letters) + word[i:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :] if word[i] != word[i + 1] else word[:i] + word[i + 1 :]


def _variant(rng: random.Random, kind: str, drawn: _Drawn) -> str | None:
    parts, person = drawn.parts, drawn.person
    primary = person.names[0]
    if kind == "exact":
        return primary
    if kind == "accents":
        return _strip_accents(primary) if _strip_accents(primary) != primary else None
    if kind == "order":
        surname, given = parts[-1].latin[0], _written(parts[:-1])
        return f"{surname.upper()}, {given}" if rng.random() < 0.5 else f"{surname} {given}"
    if kind == "initial":
        words = primary.split()
        return " ".join([_initial(words[0]), *words[1:]]) if len(words) >= 2 else None
    if kind == "typo":
        words = primary.split()
        long = [i for i, w in enumerate(words) if len(w) >= 5]
        if not long:
            return None
        i = long[rng.randrange(len(long))]
        words[i] = _typo(rng, words[i])
        return " ".join(words)
    if kind == "other script":
        script = _script(parts)
        return script if script and script not in person.names else None
    if kind == "other spelling":
        if drawn.region not in ("arabic", "slavic"):
            return None
        spelt = " ".join(p.latin[rng.randrange(len(p.latin))] for p in parts)
        if spelt == primary:
            spelt = " ".join(p.latin[-1] for p in parts)
        return spelt if spelt != primary else None
    if kind == "alias":
        return person.names[1] if len(person.names) > 1 else None
    raise ValueError(kind)


def sample_lines(sample: Sample, count: int, seed: int = 2, unrelated_share: float = 0.3) -> list[Line]:
    """Lines with known truth: variant kinds in turn, 'year differs' and, for a share, unrelated names."""
    rng = random.Random(seed)
    kinds = [*VARIANT_KINDS, "year differs"]
    lines: list[Line] = []
    turn = 0
    while len(lines) < count:
        if rng.random() < unrelated_share:
            region = REGIONS[rng.randrange(len(REGIONS))]
            parts = _parts(rng, region)
            name = _written(parts)
            if normalise(name) in sample.taken or not _unrelated(sample, parts):
                continue
            lines.append(Line(name, rng.randint(1950, 2000) if rng.random() < 0.5 else None, None, "unrelated"))
            continue
        kind = kinds[turn % len(kinds)]
        drawn = sample.drawn[rng.randrange(len(sample.drawn))]
        person = drawn.person
        if kind == "year differs":
            if person.birth_year is None:
                continue
            year = person.birth_year + rng.choice([-1, 1]) * rng.randint(3, 10)
            lines.append(Line(person.names[0], year, person.key, kind))
            turn += 1
            continue
        name = _variant(rng, kind, drawn)
        if name is None:
            continue
        year = person.birth_year if person.birth_year and rng.random() < 0.5 else None
        lines.append(Line(name, year, person.key, kind))
        turn += 1
    return lines


@dataclass(frozen=True)
class Figures:
    """Recall by kind (the truth among the matches, at a level), precision over all matches and lines."""

    recall_any: dict[str, float]
    recall_certain: dict[str, float]
    precision_certain: float  # certain matches that are the truth
    precision_any: float  # matches (possible or certain) that are the truth
    lines_flagged_correctly: float  # lines with a match whose matches include the truth
    unrelated_flagged: float  # unrelated lines with any match
    counts: dict[str, int]

    def variant_recall_any(self) -> float:
        return _mean(self.recall_any, VARIANT_KINDS, self.counts)

    def variant_recall_certain(self) -> float:
        return _mean(self.recall_certain, VARIANT_KINDS, self.counts)


def _mean(by_kind: dict[str, float], kinds, counts) -> float:
    total = sum(counts.get(k, 0) for k in kinds)
    return sum(by_kind.get(k, 0) * counts.get(k, 0) for k in kinds) / total if total else 0.0


def evaluate(lines: list[Line], results) -> Figures:
    """results: one list of matches a line, as NameIndex.match_many answers."""
    counts: Counter[str] = Counter()
    hit_any: Counter[str] = Counter()
    hit_certain: Counter[str] = Counter()
    certain = certain_right = matches = matches_right = flagged = flagged_right = unrelated_flagged = 0
    for line, found in zip(lines, results, strict=True):
        counts[line.kind] += 1
        keys = {m.key for m in found}
        certain_keys = {m.key for m in found if m.level == "certain"}
        hit_any[line.kind] += line.truth in keys
        hit_certain[line.kind] += line.truth in certain_keys
        certain += len(certain_keys)
        certain_right += line.truth in certain_keys
        matches += len(keys)
        matches_right += line.truth in keys
        if found:
            flagged += 1
            flagged_right += line.truth in keys
            unrelated_flagged += line.truth is None
    return Figures(
        recall_any={k: hit_any[k] / n for k, n in counts.items() if k != "unrelated"},
        recall_certain={k: hit_certain[k] / n for k, n in counts.items() if k != "unrelated"},
        precision_certain=certain_right / certain if certain else 1.0,
        precision_any=matches_right / matches if matches else 1.0,
        lines_flagged_correctly=flagged_right / flagged if flagged else 1.0,
        unrelated_flagged=unrelated_flagged / counts["unrelated"] if counts["unrelated"] else 0.0,
        counts=dict(counts),
    )
