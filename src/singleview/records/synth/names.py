"""Names for the synthetic population, and the ways real records get them wrong.

Adult given names and the family names (with their relative frequencies) come from Faker's
en_GB provider. Faker's given names are those of people born decades ago, so children draw
mostly from a list of names common among children born in England and Wales since about 2005
(ONS baby-name tables), including the South Asian, Arabic, Polish, Irish and West African
names a UK town's school roll actually holds.
"""

from __future__ import annotations

from itertools import accumulate

from faker.providers.person.en_GB import Provider as FakerPerson

from singleview.records.synth.randomness import SynthRandom


def _words(text: str) -> tuple[str, ...]:
    """Words separated by spaces; an underscore joins a two-word name (Da_Silva)."""
    return tuple(word.replace("_", " ") for word in text.split())


_CHILD_GIRLS = _words(
    "Olivia Amelia Isla Ava Mia Isabella Sophia Grace Lily Freya Emily Ivy Ella Rosie "
    "Evie Florence Poppy Charlotte Willow Sienna Daisy Evelyn Phoebe Elsie Millie Harper "
    "Matilda Ruby Alice Sophie Jessica Chloe Ellie Erin Katie Lucy Holly Megan Hannah "
    "Amber Lacey Maisie Lola Layla Leah Zara Aisha Fatima Maryam Amira Hafsa Khadija "
    "Zainab Inaaya Ayesha Anaya Priya Simran Niamh Siobhan Aoife Zuzanna Julia Maja "
    "Oliwia Abigail Isabelle Eleanor Imogen Harriet Esme Darcie Scarlett Aria Nevaeh Tia "
    "Kayla Jasmine Precious Blessing Favour Adaeze Chioma Tiwa Caitlin Bethany Georgia "
    "Summer"
)
_CHILD_BOYS = _words(
    "Oliver George Noah Arthur Muhammad Leo Harry Oscar Archie Henry Theodore Freddie "
    "Jack Charlie Theo Alfie Jacob Thomas Finley Arlo William Lucas Roman Tommy Isaac "
    "Teddy Alexander Joshua James Daniel Samuel Joseph Ethan Mason Logan Riley Dylan "
    "Tyler Kai Aiden Jayden Kayden Callum Connor Lewis Liam Kieran Reece Mohammed "
    "Mohammad Ibrahim Yusuf Hamza Ayaan Zayn Adam Ali Omar Bilal Aarav Arjun Rohan Harjit "
    "Ryan Sean Cian Jakub Szymon Filip Kacper Benjamin Edward Frederick Sebastian Max "
    "Elliot Toby Harvey Tyrese Kwame Emmanuel Tobi Chinedu David Michael Nathan Luke "
    "Matthew Jake Ben"
)

_EXTRA_FAMILY = _words(
    "Khan Ahmed Ali Hussain Begum Patel Singh Kaur Shah Rahman Iqbal Akhtar Mahmood Nowak "
    "Kowalski Wisniewski Okafor Adeyemi Mensah Okonkwo Campbell O'Brien O'Connor O'Neill "
    "Murphy Kelly MacDonald McKenzie McLean Macleod Dos_Santos Da_Silva Fernandes Nguyen"
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
        self._cumulative = list(accumulate(weights))

    def draw(self, rng: SynthRandom) -> str:
        """One name, drawn in proportion to its weight."""
        return rng.weighted(self.names, self._cumulative)


def _family_names() -> WeightedNames:
    names = list(FakerPerson.last_names)
    weights = [float(w) for w in FakerPerson.last_names.values()]
    # The extra names take a share of about a quarter of the draws, as in a mixed UK town.
    extra_weight = sum(weights) / 3 / len(_EXTRA_FAMILY)
    names += [n for n in _EXTRA_FAMILY if n not in names]
    weights += [extra_weight] * (len(names) - len(weights))
    return WeightedNames(names, weights)


def _given_names(children: tuple[str, ...], adults: tuple[str, ...]) -> WeightedNames:
    # Earlier names in the children's list are the commoner ones.
    names = list(children) + [n for n in adults if n not in children]
    weights = [3.0 - 2.0 * i / len(children) for i in range(len(children))]
    weights += [0.25] * (len(names) - len(children))
    return WeightedNames(names, weights)


FAMILY_NAMES = _family_names()
GIRLS_NAMES = _given_names(tuple(_CHILD_GIRLS), tuple(FakerPerson.first_names_female))
BOYS_NAMES = _given_names(tuple(_CHILD_BOYS), tuple(FakerPerson.first_names_male))
WOMENS_NAMES = WeightedNames(list(FakerPerson.first_names_female), [1.0] * 182)
MENS_NAMES = WeightedNames(list(FakerPerson.first_names_male), [1.0] * 182)


def given_name_pool(sex: str, adult: bool) -> WeightedNames:
    """The names people of this sex and generation are given ("1" male, otherwise female)."""
    if adult:
        return MENS_NAMES if sex == "1" else WOMENS_NAMES
    return BOYS_NAMES if sex == "1" else GIRLS_NAMES


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
