"""Invented names, streets and accounts for the demonstration school.

Families are drawn from one heritage at a time so that siblings and parents have names
that belong together; the mix is a London-suburb school's. Every person, street, postcode
and account here is made up. A surname written "Kowalski/Kowalska" has a feminine form.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.vocab import Platform


@dataclass(frozen=True)
class Heritage:
    """Given names and surnames that go together in one family."""

    weight: int
    girls: tuple[str, ...]
    boys: tuple[str, ...]
    surnames: tuple[str, ...]


def _words(text: str) -> tuple[str, ...]:
    # Names are separated by commas so that names with spaces ("van der Berg") survive.
    return tuple(part.strip() for part in text.split(",") if part.strip())


HERITAGES: tuple[Heritage, ...] = (
    Heritage(
        34,
        _words(
            "Olivia, Amelia, Isla, Ava, Freya, Poppy, Florence, Evie, Matilda, Ruby, Grace, "
            "Daisy, Harriet, Lily, Rosie, Imogen, Phoebe, Charlotte, Emily, Zoë, Chloë, "
            "Anne-Marie, Keira, Jasmine, Maisie"
        ),
        _words(
            "Oliver, George, Harry, Noah, Jack, Leo, Arthur, Oscar, Charlie, Alfie, Freddie, "
            "Theo, Henry, Archie, Joshua, Thomas, William, Reuben, Jayden, Tyler, Jean-Luc, "
            "Kai, Elliot, Toby, Reggie"
        ),
        _words(
            "Smith, Jones, Taylor, Brown, Williams, Wilson, Johnson, Robinson, Wright, "
            "Thompson, Walker, White, Green, Hall, Wood, Jackson, Clarke, Hughes, Turner, "
            "Cooper, Ward, Harrison, Fletcher, Ashworth, Blackwood, Lloyd-Webb, Hart-Davies, "
            "D'Arcy, St John, Campbell, Fraser, MacLeod, Stewart, Baptiste, Clarke-Ogunleye"
        ),
    ),
    Heritage(
        6,
        _words("Aoife, Siobhán, Niamh, Saoirse, Orla, Caoimhe, Róisín, Clodagh, Éabha"),
        _words("Ciarán, Oisín, Seán, Darragh, Cillian, Pádraig, Eoin, Tadhg, Ruairí"),
        _words(
            "O'Neill, O'Brien, O’Connor, Murphy, Kelly, O'Sullivan, McCarthy, Fitzgerald, "
            "Ó Súilleabháin, Doyle, Byrne, Mac Giolla Phádraig"
        ),
    ),
    Heritage(
        3,
        _words("Siân, Cerys, Eleri, Ffion, Angharad, Gwenllïan"),
        _words("Dafydd, Rhys, Gethin, Iolo, Emrys, Llŷr"),
        _words("Llewelyn, ap Rhys, Pritchard, Vaughan, Rees, Gruffydd"),
    ),
    Heritage(
        5,
        _words("Zofia, Zuzanna, Małgorzata, Agnieszka, Wiktoria, Lena, Julia, Weronika"),
        _words("Łukasz, Jakub, Mikołaj, Wojciech, Szymon, Paweł, Kacper, Bartłomiej"),
        _words(
            "Kowalski/Kowalska, Wiśniewski/Wiśniewska, Wójcik, Zieliński/Zielińska, Nowak, "
            "Lewandowski/Lewandowska, Szczepański/Szczepańska, Dąbrowski/Dąbrowska"
        ),
    ),
    Heritage(
        2,
        _words("Ioana, Andreea, Ștefania, Bianca, Alexandra"),
        _words("Ștefan, Andrei, Mihai, Răzvan, Tudor"),
        _words("Popescu, Ionescu, Țăranu, Dumitrescu, Stănescu"),
    ),
    Heritage(
        2,
        _words("Ольга, Анастасія, Марія, Софія, Olha, Yeva"),
        _words("Олександр, Дмитро, Іван, Максим, Bohdan, Mykyta"),
        _words("Петренко, Шевченко, Коваленко, Мельник, Bondarenko, Tkachenko"),
    ),
    Heritage(
        2,
        _words("Linh, Mai, Thảo, Ngọc Anh, Phương, Hà My"),
        _words("Minh, Huy, Đức, Quang, Bảo, Khôi"),
        _words("Nguyễn, Trần, Lê, Phạm, Hoàng, Võ"),
    ),
    Heritage(
        3,
        _words("Elif, Zeynep, Ayşe, Büşra, Defne, Gülşen"),
        _words("Şükrü, Emre, Yusuf, Mehmet, Çağan, Barış"),
        _words("Yılmaz, Kaya, Demir, Şahin, Çelik, Öztürk"),
    ),
    Heritage(
        7,
        _words("Priya, Ananya, Aadhya, Diya, Saanvi, Meera, Maria, Tanvi"),
        _words("Arjun, Vihaan, Aarav, Rohan, Kabir, Dev, Joel, Ishaan"),
        _words("Patel, Sharma, Gupta, Iyer, Menon, Chatterjee, D'Souza, Pereira, Naidu"),
    ),
    Heritage(
        7,
        _words("Aisha, Maryam, Hafsa, Zainab, Inaya, Amira, Fatima, Nusrat, Safiya"),
        _words("Muhammad, Ibrahim, Yusuf, Zayn, Ayaan, Hamza, Rayyan, Idris, Arham"),
        _words("Khan, Ahmed, Hussain, Rahman, Chowdhury, Akhtar, Iqbal, Malik, Uddin"),
    ),
    Heritage(
        5,
        _words("Adaeze, Chiamaka, Temitope, Ifeoma, Abena, Ama, Oluwaseun, Adéọlá"),
        _words("Chidi, Tobi, Olumide, Kwame, Kofi, Emeka, Adébáyọ̀, Femi"),
        _words("Okafor, Adeyemi, Mensah, Osei, Okonkwo, Ògúnbíyì, Asante, Boateng"),
    ),
    Heritage(
        2,
        _words("Hodan, Ayan, Hibo, Sagal, Ifrah"),
        _words("Abdi, Mahad, Liban, Guled, Abdirahman"),
        _words("Warsame, Hassan, Farah, Abdullahi, Mohamed"),
    ),
    Heritage(
        2,
        _words("Beatriz, Inês, Leonor, Conceição, Lucía, Begoña"),
        _words("João, Tomás, Gonçalo, Duarte, Íñigo, Álvaro"),
        _words("Gonçalves, Araújo, Magalhães, Simões, Núñez, Muñoz, de la Cruz"),
    ),
    Heritage(
        2,
        _words("Awa, Fatou, Aminata, Léa, Éloïse, Manon"),
        _words("Moussa, Mamadou, Ousmane, Théo, Noé, François"),
        _words("N'Diaye, Diallo, Sow, Lefèvre, Dubois, Moreau"),
    ),
    Heritage(
        2,
        _words("Eleni, Katerina, Åsa, Ingrid, Liesl, Søs"),
        _words("Giorgos, Nikos, Søren, Jürgen, Bjørn, Dimitris"),
        _words("Papadopoulos, Georgiou, Müller, Schröder, van der Berg, Østergaard"),
    ),
    Heritage(
        2,
        _words("Xinyi, Yuxuan, Mei, Jiayi, Ruoxi"),
        _words("Haoran, Zihan, Junjie, Wei, Yichen"),
        _words("Wang, Li, Zhang, Chen, Liu, Huang"),
    ),
)

#: The town, its streets and postcode area are invented ("EF" is not a UK postcode area).
TOWN = "Elmford"
POSTCODE_AREA = "EF"
STREETS = _words(
    "Larch Avenue, Millbrook Road, St Aidan's Close, Cowslip Lane, Tanners Row, "
    "Kestrel Way, Orchard Rise, Quarry Hill, Station Road, The Paddocks, Weaver's Yard, "
    "Meadowsweet Drive, Chapel Street, Foxglove Crescent, Bramble Walk, Hatchley Road, "
    "Linnet Close, Old Forge Lane, Cherry Tree Court, Riverside Mews, Juniper Grove"
)
BLOCKS = _words("Marlowe Court, Fenwick House, Sorrel Point, Ashdown Heights")

# Repeated entries weight the choice: a doctor in eight.
TITLES_WOMEN = ("Mrs", "Mrs", "Mrs", "Ms", "Ms", "Ms", "Miss", "Dr")
TITLES_MEN = ("Mr", "Mr", "Mr", "Mr", "Mr", "Mr", "Mr", "Dr")

SCHOOL_NAME = "Kestrel Vale Primary School"
SCHOOL_DOMAIN = "kestrelvale.example.org"

#: (year group, two class names): classes are named after trees, as many schools do.
CLASSES: tuple[tuple[str, tuple[str, str]], ...] = (
    ("R", ("Acorn", "Hazel")),
    ("1", ("Rowan", "Birch")),
    ("2", ("Cedar", "Elm")),
    ("3", ("Oak", "Ash")),
    ("4", ("Maple", "Holly")),
    ("5", ("Beech", "Larch")),
    ("6", ("Willow", "Yew")),
)

#: (title, given name, surname, job title): the senior team the settings name.
KEY_STAFF: tuple[tuple[str, str, str, str], ...] = (
    ("Ms", "Harriet", "Fairbairn", "Headteacher"),
    ("Mr", "Tomás", "Gonçalves", "Deputy headteacher and Designated Safeguarding Lead"),
    ("Mrs", "Niamh", "O'Sullivan", "Assistant headteacher and deputy DSL"),
    ("Ms", "Adaeze", "Okafor", "SENCo"),
    ("Mrs", "Gülşen", "Yılmaz", "School business manager"),
    ("Mr", "Kwame", "Asante", "Office manager"),
)

OTHER_STAFF_JOBS: tuple[str, ...] = (
    "Teaching assistant",
    "Teaching assistant",
    "Teaching assistant",
    "Teaching assistant",
    "Teaching assistant",
    "Teaching assistant",
    "Higher level teaching assistant",
    "Higher level teaching assistant",
    "Learning mentor (ELSA)",
    "Family support worker",
    "School administrator",
    "Site manager",
    "Midday supervisor",
    "Midday supervisor",
    "Midday supervisor",
    "Cook",
    "PE and sports lead",
    "Music teacher (part time)",
    "Computing lead and class teacher cover",
    "Breakfast club lead",
)

GOVERNOR_ROLES: tuple[str, ...] = (
    "Chair of governors",
    "Vice chair of governors",
    "Safeguarding governor",
    "Parent governor",
    "Local authority governor",
)
VOLUNTEER_ROLES: tuple[str, ...] = (
    "Reading volunteer",
    "Reading volunteer",
    "Gardening club volunteer",
    "Trip helper",
)
CONTRACTORS: tuple[tuple[str, str, str], ...] = (
    ("Dean", "Parkes", "Sports coach, Active Kids Coaching Ltd"),
    ("Fiona", "MacLeod", "School photographer, Lens and Light Studios"),
    ("Ryan", "O'Driscoll", "IT technician, Brightwave IT Services"),
)


@dataclass(frozen=True)
class ThirdPartySeed:
    """An invented account or person outside the school community."""

    given_name: str
    family_name: str
    job_title: str
    tag: str
    platforms: tuple[Platform, ...]
    handle: str = ""


THIRD_PARTIES: tuple[ThirdPartySeed, ...] = (
    ThirdPartySeed("Elmford Echo", "", "Local news Facebook page", "news", (Platform.FACEBOOK,)),
    ThirdPartySeed(
        "Elmford Gazette", "", "Local newspaper (website and X account)", "news", (Platform.X,)
    ),
    ThirdPartySeed("Priya", "Raman", "News editor, Elmford Gazette", "news", (Platform.X,)),
    ThirdPartySeed(
        "Elmford Community Noticeboard",
        "",
        "Public Facebook group (administrator unknown)",
        "resident",
        (Platform.FACEBOOK,),
    ),
    ThirdPartySeed("Derek", "Hollins", "Local resident", "resident", (Platform.OTHER,)),
    ThirdPartySeed(
        "@kestrelvale_confessions",
        "",
        "Anonymous Instagram account",
        "anonymous",
        (Platform.INSTAGRAM,),
        "@kestrelvale_confessions",
    ),
    ThirdPartySeed(
        "@kvps.official.page",
        "",
        "Instagram account impersonating the school",
        "impersonator",
        (Platform.INSTAGRAM, Platform.TIKTOK),
        "@kvps.official.page",
    ),
    ThirdPartySeed(
        "BlockBuilder_77",
        "",
        "Unknown Roblox user, believed to be an adult",
        "stranger",
        (Platform.ROBLOX,),
        "BlockBuilder_77",
    ),
    ThirdPartySeed(
        "xX_ShadowFox_Xx",
        "",
        "Unknown Discord user",
        "stranger",
        (Platform.DISCORD,),
        "xX_ShadowFox_Xx",
    ),
    ThirdPartySeed(
        "TruthAboutElmfordSchools",
        "",
        "Anonymous Mumsnet user",
        "anonymous",
        (Platform.MUMSNET,),
        "TruthAboutElmfordSchools",
    ),
    ThirdPartySeed(
        "ElmfordMum83", "", "Mumsnet user", "anonymous", (Platform.MUMSNET,), "ElmfordMum83"
    ),
    ThirdPartySeed(
        "Elmford Watch", "", "Anonymous X account", "anonymous", (Platform.X,), "@ElmfordWatch"
    ),
    ThirdPartySeed(
        "Gate Cam Elmford",
        "",
        "YouTube channel filming outside local schools",
        "anonymous",
        (Platform.YOUTUBE,),
        "@GateCamElmford",
    ),
    ThirdPartySeed(
        "Hatchley Youth FC",
        "",
        "Local football club's Instagram account",
        "business",
        (Platform.INSTAGRAM, Platform.FACEBOOK),
        "@hatchleyyouthfc",
    ),
    ThirdPartySeed(
        "Sunny Days Photography",
        "",
        "Photography business (not the school photographer)",
        "business",
        (Platform.FACEBOOK, Platform.INSTAGRAM),
        "@sunnydaysphoto_elmford",
    ),
    ThirdPartySeed(
        "@elmford.tea.spill",
        "",
        "Anonymous TikTok account",
        "anonymous",
        (Platform.TIKTOK,),
        "@elmford.tea.spill",
    ),
    ThirdPartySeed(
        "u/elmford_throwaway",
        "",
        "Anonymous Reddit user",
        "anonymous",
        (Platform.OTHER,),
        "u/elmford_throwaway",
    ),
    ThirdPartySeed(
        "Marek", "Zieliński", "Former parent (child left the school)", "former", (Platform.X,)
    ),
    ThirdPartySeed(
        "Kayleigh",
        "Brennan",
        "Aunt of a pupil; not a parent or carer",
        "relative",
        (Platform.FACEBOOK, Platform.TIKTOK),
    ),
    ThirdPartySeed(
        "Jane",
        "Whitlock",
        "Local councillor (public Facebook page)",
        "councillor",
        (Platform.FACEBOOK,),
    ),
    ThirdPartySeed(
        "snap_user_1872",
        "",
        "Unknown Snapchat account",
        "stranger",
        (Platform.SNAPCHAT,),
        "snap_user_1872",
    ),
    ThirdPartySeed(
        "RapidFox2012",
        "",
        "Unknown player on Fortnite",
        "stranger",
        (Platform.OTHER,),
        "RapidFox2012",
    ),
    ThirdPartySeed(
        "Elmford Truth Seekers",
        "",
        "Anonymous page sharing hateful material",
        "extremist",
        (Platform.FACEBOOK, Platform.X, Platform.TIKTOK),
        "@elmford_truthseekers",
    ),
    ThirdPartySeed(
        "Tomasz",
        "Ostrowski",
        "Former member of staff (left last year)",
        "former",
        (Platform.FACEBOOK,),
    ),
    ThirdPartySeed(
        "Brambleford Parents Forum",
        "",
        "Public Facebook group for local parents",
        "resident",
        (Platform.FACEBOOK,),
    ),
)
