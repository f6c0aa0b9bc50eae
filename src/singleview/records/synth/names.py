"""Names for the synthetic population, and the ways real records get them wrong.

Adult given names and most family names (with their relative frequencies) come from Faker's
en_GB provider. Faker's given names are those of people born decades ago, so children draw
mostly from names common among children born in England and Wales since about 2005 (ONS
baby-name tables). A household has a naming tradition (British, South Asian, Polish, West
African, Irish and Scottish, Portuguese, in rough proportion to a northern English town), so
family and given names go together as they do on a real school roll, with some borrowing.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate

from faker.providers.person.en_GB import Provider as FakerPerson

from singleview.records.synth.randomness import SynthRandom


def _words(text: str) -> tuple[str, ...]:
    """Words separated by spaces; an underscore joins a two-word name (Da_Silva)."""
    return tuple(word.replace("_", " ") for word in text.split())


# Given names common among children born in England and Wales since about 2005.
_GENERAL_GIRLS = _words(
    "Olivia Amelia Isla Ava Mia Isabella Sophia Grace Lily Freya Emily Ivy Ella Rosie "
    "Evie Florence Poppy Charlotte Willow Sienna Daisy Evelyn Phoebe Elsie Millie Harper "
    "Matilda Ruby Alice Sophie Jessica Chloe Ellie Erin Katie Lucy Holly Megan Hannah "
    "Amber Lacey Maisie Lola Layla Leah Zara Abigail Isabelle Eleanor Imogen Harriet Esme "
    "Darcie Scarlett Aria Nevaeh Tia Kayla Jasmine Caitlin Bethany Georgia Summer"
)
_GENERAL_BOYS = _words(
    "Oliver George Noah Arthur Leo Harry Oscar Archie Henry Theodore Freddie Jack Charlie "
    "Theo Alfie Jacob Thomas Finley Arlo William Lucas Roman Tommy Isaac Teddy Alexander "
    "Joshua James Daniel Samuel Joseph Ethan Mason Logan Riley Dylan Tyler Kai Aiden "
    "Jayden Kayden Callum Connor Lewis Liam Kieran Reece Adam Ryan Benjamin Edward "
    "Frederick Sebastian Max Elliot Toby Harvey Tyrese David Michael Nathan Luke Matthew "
    "Jake Ben"
)

# Naming traditions of a UK town: (name, share of households, family names, boys, girls).
# The first takes Faker en_GB's family names; every tradition also borrows general names.
_TRADITIONS = (
    ("british", 0.78, "", "", ""),
    (
        "south-asian-muslim",
        0.08,
        "Khan Ahmed Ali Hussain Begum Rahman Iqbal Akhtar Mahmood Shah Malik Mirza",
        "Muhammad Mohammed Mohammad Ibrahim Yusuf Hamza Ayaan Zayn Adam Ali Omar Bilal Imran",
        "Aisha Fatima Maryam Amira Hafsa Khadija Zainab Inaaya Ayesha Zara Layla Noor Hana",
    ),
    (
        "south-asian",
        0.03,
        "Patel Singh Kaur Sharma Gill Sandhu Mistry",
        "Aarav Arjun Rohan Harjit Dev Krish Veer Ishaan",
        "Priya Simran Anaya Diya Asha Jasleen Isha",
    ),
    (
        "polish",
        0.03,
        "Nowak Kowalski Wisniewski Wojcik Kaminski Lewandowski",
        "Jakub Szymon Filip Kacper Antoni Jan",
        "Zuzanna Julia Maja Oliwia Lena Hanna",
    ),
    (
        "west-african",
        0.03,
        "Okafor Adeyemi Mensah Okonkwo Owusu Adebayo",
        "Kwame Emmanuel Tobi Chinedu David Daniel Samuel",
        "Precious Blessing Favour Adaeze Chioma Tiwa Grace",
    ),
    (
        "irish-scottish",
        0.04,
        "O'Brien O'Connor O'Neill Murphy Kelly MacDonald McKenzie McLean Macleod Campbell",
        "Sean Cian Callum Connor Kieran Oisin Ruairi Finn",
        "Niamh Siobhan Aoife Caitlin Erin Orla Ciara",
    ),
    (
        "portuguese",
        0.01,
        "Dos_Santos Da_Silva Fernandes Pereira Rodrigues",
        "Tiago Rodrigo Diogo Lucas",
        "Beatriz Mariana Ines Leonor",
    ),
)

#: Groups of given names that are the same name to the person who holds it: nicknames and
#: the spelling variants registrars, schools and clinicians each write down differently.
VARIANT_GROUPS: tuple[tuple[str, ...], ...] = (
    ("Catherine", "Katherine", "Kathryn", "Kate", "Katie", "Cathy", "Kat"),
    ("Mohammed", "Muhammad", "Mohammad", "Mohamed", "Muhammed"),
    ("Aiden", "Aidan", "Ayden", "Aden"),
    ("Jayden", "Jaden", "Jaiden"),
    ("Kayden", "Caiden", "Kaden"),
    ("Alexander", "Alex", "Xander", "Sasha"),
    ("Alexandra", "Alex", "Lexi", "Sasha"),
    ("Elizabeth", "Elisabeth", "Liz", "Lizzie", "Beth", "Eliza"),
    ("William", "Will", "Billy", "Liam"),
    ("Thomas", "Tom", "Tommy"),
    ("James", "Jamie", "Jim", "Jimmy"),
    ("Joshua", "Josh"),
    ("Samuel", "Sam", "Sammy"),
    ("Daniel", "Dan", "Danny"),
    ("Matthew", "Mathew", "Matt"),
    ("Benjamin", "Ben", "Benji"),
    ("Joseph", "Joe", "Joey"),
    ("Jacob", "Jake"),
    ("Charles", "Charlie"),
    ("Frederick", "Freddie", "Fred"),
    ("Alfred", "Alfie"),
    ("Henry", "Harry", "Hal"),
    ("Edward", "Eddie", "Ed", "Ted"),
    ("Theodore", "Theo", "Teddy"),
    ("Oliver", "Ollie"),
    ("Michael", "Mike", "Mikey"),
    ("Nicholas", "Nick", "Nicky"),
    ("Christopher", "Chris", "Kit"),
    ("Stephen", "Steven", "Steve"),
    ("Philip", "Phillip", "Phil"),
    ("Isabella", "Bella", "Izzy"),
    ("Isabelle", "Isabel", "Isobel", "Izzy"),
    ("Olivia", "Liv", "Livvy"),
    ("Amelia", "Millie", "Emilia"),
    ("Rebecca", "Becky", "Becca"),
    ("Jessica", "Jess", "Jessie"),
    ("Victoria", "Vicky", "Tori"),
    ("Abigail", "Abbie", "Abby"),
    ("Samantha", "Sam", "Sammy"),
    ("Jennifer", "Jenny", "Jen"),
    ("Margaret", "Maggie", "Peggy"),
    ("Eleanor", "Ellie", "Nell", "Elenor"),
    ("Sophie", "Sophia", "Sofia"),
    ("Zoe", "Zoë", "Zoey"),
    ("Chloe", "Chloë", "Cloe"),
    ("Zara", "Zahra"),
    ("Aisha", "Ayesha", "Aysha"),
    ("Fatima", "Fatimah"),
    ("Maryam", "Mariam", "Miriam"),
    ("Yusuf", "Yousef", "Yusef"),
    ("Ibrahim", "Ebrahim"),
    ("Hannah", "Hanna"),
    ("Leah", "Lea", "Lia"),
    ("Lewis", "Louis"),
    ("Connor", "Conor"),
    ("Callum", "Calum"),
    ("Sean", "Shaun", "Shawn"),
    ("Kieran", "Ciaran"),
    ("Megan", "Meg"),
    ("Evie", "Eve", "Evelyn"),
    ("Grace", "Gracie"),
    ("Rosie", "Rose"),
    ("Maisie", "Maisy"),
    ("Lily", "Lilly", "Lillie"),
    ("Imogen", "Immy"),
    ("Harriet", "Hattie"),
    ("Matilda", "Tilly", "Tillie"),
    ("Florence", "Flo", "Florrie"),
    ("Niamh", "Neve", "Neave"),
    ("Freya", "Freyja"),
    ("Ellie", "Elly"),
    ("Katie", "Katy", "Katey"),
    ("Caitlin", "Katelyn", "Kaitlyn"),
    ("Jasmine", "Jazmin", "Jas"),
    ("Layla", "Leila", "Laila"),
    ("Lacey", "Lacie"),
    ("Phoebe", "Pheobe"),
    ("Archie", "Archibald"),
    ("Zayn", "Zain"),
    ("Ayaan", "Ayan"),
    ("Tobi", "Toby", "Oluwatobi"),
    ("Emmanuel", "Manny"),
    ("Oliwia", "Olivia"),
    ("Jakub", "Kuba", "Jacob"),
    ("Szymon", "Simon"),
)


def _variant_table() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for group in VARIANT_GROUPS:
        for name in group:
            others = table.setdefault(name, [])
            others.extend(other for other in group if other != name and other not in others)
    return {name: tuple(others) for name, others in table.items()}


#: Every given name with a known nickname or spelling variant, and those variants.
NAME_VARIANTS: dict[str, tuple[str, ...]] = _variant_table()

#: Short forms a person may prefer to be called ("Alexander, known as Alex").
_PREFERRED_FORMS = {
    group[0]: tuple(n for n in group[1:] if len(n) < len(group[0]))
    for group in VARIANT_GROUPS
    if any(len(n) < len(group[0]) for n in group[1:])
}

# Letters next to each other on a UK QWERTY keyboard: the substitutions typists make.
_NEIGHBOURS = {
    "a": "qsz", "b": "vn", "c": "xv", "d": "sf", "e": "wr", "f": "dg", "g": "fh", "h": "gj",
    "i": "uo", "j": "hk", "k": "jl", "l": "k", "m": "n", "n": "bm", "o": "ip", "p": "o",
    "q": "wa", "r": "et", "s": "ad", "t": "ry", "u": "yi", "v": "cb", "w": "qe", "x": "zc",
    "y": "tu", "z": "x",
}  # fmt: skip


class WeightedNames:
    """A list of names with cumulative weights, for fast seeded draws."""

    def __init__(self, names: list[str], weights: list[float]) -> None:
        self.names = names
        self.cumulative = list(accumulate(weights))

    def draw(self, rng: SynthRandom) -> str:
        """One name, drawn in proportion to its weight."""
        return rng.weighted(self.names, self.cumulative)


def _ranked(names: tuple[str, ...], share: float) -> tuple[list[str], list[float]]:
    # Earlier names in a list are the commoner ones; the list takes ``share`` of the draws.
    raw = [3.0 - 2.0 * i / len(names) for i in range(len(names))]
    return list(names), [share * w / sum(raw) for w in raw]


def _pool(own: tuple[str, ...], general: tuple[str, ...], own_share: float) -> WeightedNames:
    names, weights = _ranked(own, own_share) if own else ([], [])
    borrowed, borrowed_weights = _ranked(tuple(n for n in general if n not in names), 1 - own_share)
    return WeightedNames(names + borrowed, weights + borrowed_weights)


@dataclass(frozen=True, slots=True)
class Tradition:
    """A naming tradition: family names and the given names that go with them."""

    name: str
    family: WeightedNames
    boys: WeightedNames
    girls: WeightedNames
    men: WeightedNames
    women: WeightedNames

    def given_names(self, sex: str, adult: bool) -> WeightedNames:
        """The names people of this sex and generation are given ("1" male, else female)."""
        if adult:
            return self.men if sex == "1" else self.women
        return self.boys if sex == "1" else self.girls


def _traditions() -> tuple[list[Tradition], list[float]]:
    faker_family = list(FakerPerson.last_names)
    faker_weights = [float(w) for w in FakerPerson.last_names.values()]
    men, women = tuple(FakerPerson.first_names_male), tuple(FakerPerson.first_names_female)
    traditions, shares = [], []
    for name, share, family, boys, girls in _TRADITIONS:
        if family:
            family_pool = WeightedNames(*_ranked(_words(family), 1.0))
            own_boys, own_girls = _words(boys), _words(girls)
            child_share, adult_share = 0.8, 0.85
        else:
            family_pool = WeightedNames(faker_family, faker_weights)
            own_boys, own_girls = _GENERAL_BOYS, _GENERAL_GIRLS
            child_share, adult_share = 0.95, 0.0
        traditions.append(
            Tradition(
                name=name,
                family=family_pool,
                boys=_pool(own_boys, _GENERAL_BOYS + men, child_share),
                girls=_pool(own_girls, _GENERAL_GIRLS + women, child_share),
                men=_pool(_words(boys), men, adult_share),
                women=_pool(_words(girls), women, adult_share),
            )
        )
        shares.append(share)
    return traditions, shares


def _all_family_names() -> WeightedNames:
    names: list[str] = []
    weights: list[float] = []
    for tradition, share in zip(TRADITIONS, _TRADITION_SHARES, strict=True):
        family = tradition.family
        total = family.cumulative[-1]
        previous = 0.0
        for name, cumulative in zip(family.names, family.cumulative, strict=True):
            names.append(name)
            weights.append(share * (cumulative - previous) / total)
            previous = cumulative
    return WeightedNames(names, weights)


TRADITIONS, _TRADITION_SHARES = _traditions()
_TRADITION_CUMULATIVE = list(accumulate(_TRADITION_SHARES))
#: Every family name, weighted by how common it is in the town as a whole.
FAMILY_NAMES = _all_family_names()
WOMENS_NAMES = WeightedNames(list(FakerPerson.first_names_female), [1.0] * 182)
MENS_NAMES = WeightedNames(list(FakerPerson.first_names_male), [1.0] * 182)


def draw_tradition(rng: SynthRandom) -> Tradition:
    """A household's naming tradition, in proportion to the town's make-up."""
    return rng.weighted(TRADITIONS, _TRADITION_CUMULATIVE)


def preferred_form(name: str) -> tuple[str, ...]:
    """Shorter forms of ``name`` a person may be known by, e.g. Alexander → Alex."""
    return _PREFERRED_FORMS.get(name, ())


def name_variant(name: str, rng: SynthRandom) -> str | None:
    """A nickname or spelling variant of ``name``, or None when we know no plausible one.

    Names outside the variant table get a phonetic respelling (Ashleigh/Ashley, Philip/Filip,
    a doubled letter undoubled) when one applies.
    """
    known = NAME_VARIANTS.get(name)
    if known:
        return rng.choice(known)
    return _respell(name)


def _respell(name: str) -> str | None:
    lower = name.lower()
    rules = (
        ("leigh", "ley"), ("ley", "leigh"), ("ie", "y"), ("y", "ie"), ("ph", "f"),
        ("ck", "k"), ("ae", "ay"), ("c", "k"), ("k", "c"),
    )  # fmt: skip
    for old, new in rules:
        if lower.endswith(old) and len(lower) > len(old) + 1:
            return name[: len(name) - len(old)] + new
    for old, new in rules[4:]:
        at = lower.find(old)
        if at >= 0:
            rest = name[at + len(old) :]
            respelt = name[:at] + (new.upper() if at == 0 else new) + rest
            return respelt[0].upper() + respelt[1:]
    for i in range(1, len(name)):
        if name[i] == name[i - 1]:
            return name[:i] + name[i + 1 :]
    return None


def typo(name: str, rng: SynthRandom) -> str:
    """``name`` with one keying slip: a neighbouring key, a dropped, doubled or swapped letter."""
    if len(name) < 3:
        return name + name[-1].lower()
    for _ in range(8):
        position = rng.randrange(1, len(name))
        kind = rng.randrange(4)
        char = name[position]
        if kind == 0 and char.lower() in _NEIGHBOURS:
            slipped = name[:position] + rng.choice(_NEIGHBOURS[char.lower()]) + name[position + 1 :]
        elif kind == 1:
            slipped = name[:position] + name[position + 1 :]
        elif kind == 2:
            slipped = name[:position] + char + name[position:]
        elif position < len(name) - 1:
            slipped = name[:position] + name[position + 1] + char + name[position + 2 :]
        else:
            continue
        if slipped != name and slipped.strip(" -'") and not slipped.endswith(("-", " ")):
            return slipped
    return name[:-1] if len(name) > 3 else name + name[-1]


def split_family_name(name: str, rng: SynthRandom) -> str:
    """What a system keeps of a hyphenated or double-barrelled family name: one part, or the
    parts with the hyphen dropped or added (Smith-Jones → Jones, Smith Jones, SmithJones)."""
    parts = name.replace("-", " ").split()
    hyphenated = "-" in name
    choices = [parts[0], parts[-1], " ".join(parts) if hyphenated else "-".join(parts)]
    if hyphenated:
        choices.append("".join(parts))
    return rng.choice(choices)


def is_compound(family_name: str) -> bool:
    """True for hyphenated or double-barrelled family names (but not O'Brien or Da Silva)."""
    if "-" in family_name:
        return True
    parts = family_name.split()
    return len(parts) > 1 and all(len(p) > 3 for p in parts)
