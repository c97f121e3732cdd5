"""Names for the synthetic county, and the ways partner agencies garble them.

The lists are ordered roughly by how common each name is in the United States, so
that the Zipf weights in ``name_weights`` make common names collide the way they do
in real extracts (several "Michael Johnson"s with different birth dates). Names with
a space are written with an underscore in the lists.

``NICKNAMES`` (formal name -> nicknames, lower case) is what the generator draws
nicknames from; ``NICKNAME_TO_FORMALS`` inverts it for name normalization in linkage.
"""

from __future__ import annotations

import functools
import unicodedata

import numpy as np


def _split(text: str) -> tuple[str, ...]:
    return tuple(word.replace("_", " ") for word in text.split())


MALE_FIRST = _split("""
James Michael Robert John David William Richard Joseph Thomas Christopher Charles Daniel
Matthew Anthony Mark Donald Steven Andrew Paul Joshua Kenneth Kevin Brian Timothy Ronald
George Jason Edward Jeffrey Ryan Jacob Nicholas Gary Eric Jonathan Stephen Larry Justin
Scott Brandon Benjamin Samuel Gregory Alexander Patrick Frank Raymond Jack Dennis Jerry
Tyler Aaron Adam Nathan Henry Zachary Douglas Peter Kyle Noah Ethan Jeremy Christian
Walter Keith Austin Roger Terry Sean Gerald Carl Dylan Harold Jordan Jesse Bryan Lawrence
Arthur Gabriel Bruce Logan Billy Joe Alan Elijah Willie Albert Wayne Randy Mason Vincent
Roy Bobby Caleb Bradley Russell Lucas Travis Shawn Marcus Cody Corey Derek Curtis Chad
Dustin Brett Todd Shane Troy Wesley Randall Jimmy Johnny Danny Tony Ricky Leroy Glenn Dale
Clifford Earl Ralph Eugene Howard Louis Philip Phillip Frederick Allen Stanley Leonard
Martin Craig Francis Seth Evan Ian Connor Hunter Cole Blake Garrett Trevor Colton Chase
Devin Jared Joel Marvin Mitchell Dakota Levi Isaiah Jeremiah Josiah Micah Isaac Elias
Nathaniel Dominic Damian Jake Luke Owen Hayden Landon Brendan Spencer Gavin Tanner Casey
Clayton Dean Lance Neil Warren Calvin Alvin Vernon Herbert Floyd Lloyd Norman Gordon Leo
Max Ross Kurt Terrence Johnathan Ray Jon Clinton Darren Dwight Edwin Gilbert Glen Gene
Harry Jay Jimmie Lonnie Marc Nelson Perry Ronnie Sam Stuart Wade Wallace Zachery
""")

FEMALE_FIRST = _split("""
Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty
Margaret Sandra Ashley Kimberly Emily Donna Michelle Carol Amanda Dorothy Melissa Deborah
Stephanie Rebecca Sharon Laura Cynthia Kathleen Amy Angela Shirley Anna Brenda Pamela Emma
Nicole Helen Samantha Katherine Christine Debra Rachel Carolyn Janet Catherine Heather
Diane Ruth Julie Olivia Joyce Virginia Victoria Kelly Lauren Christina Joan Evelyn Judith
Megan Andrea Cheryl Hannah Jacqueline Martha Gloria Teresa Ann Sara Madison Frances
Kathryn Janice Jean Abigail Alice Judy Sophia Grace Denise Amber Doris Marilyn Danielle
Beverly Isabella Theresa Diana Natalie Brittany Charlotte Marie Kayla Alexis Lori Tiffany
Crystal Tammy Tina Dawn Erin April Monica Wendy Tracy Holly Misty Brandy Tara Vanessa
Courtney Chelsea Jasmine Destiny Alicia Veronica Cassandra Kristen Kristin Whitney Brooke
Lindsey Melanie Erica Krystal Stacy Jenna Kaitlyn Taylor Morgan Haley Brianna Kendra
Candace Autumn Summer Shelby Paige Leah Savannah Jillian Meredith Colleen Bridget Peggy
Sherry Darlene Connie Rhonda Sheila Bonnie Gail Vicki Robin Debbie Cindy Kathy Becky Terri
Jodi Carla Paula Rita Lois Phyllis Anita Tonya Regina Stacey Kristy Mandy Ruby Josephine
Lillian Louise Katie Jamie Leslie Valerie Renee Sylvia Joanne Jill Lynn Wanda Yvonne
Elaine Loretta Marsha Belinda Dana Melinda Tabitha Angie Kari
""")

HISPANIC_MALE_FIRST = _split("""
José Juan Luis Carlos Jesús Miguel Francisco Antonio Manuel Alejandro Jorge Pedro Ricardo
Roberto Javier Eduardo Fernando Mario Sergio Rafael Raúl Ramón Héctor Víctor Óscar Andrés
Ángel César Rubén Julio Armando Alberto Enrique Edgar Omar Guillermo Ernesto Salvador
Jaime Arturo Adrián Martín Iván Julián Gerardo Alfredo Ignacio Rodrigo Hugo Gustavo
Alfonso Felipe Ismael Joaquín Marco Mauricio Nicolás Santiago Tomás Emilio Diego Gabriel
Pablo Lorenzo Esteban Orlando Rolando Leonel Efraín Abel Israel Moisés Cristian
""")

HISPANIC_FEMALE_FIRST = _split("""
María Guadalupe Juana Ana Carmen Rosa Lucía Sofía Adriana Gabriela Leticia Claudia Silvia
Elena Marisol Esperanza Alejandra Araceli Yesenia Maribel Graciela Beatriz Margarita
Raquel Lorena Irma Norma Blanca Rocío Verónica Mónica Patricia Alicia Teresa Martha
Josefina Isabel Yolanda Sonia Angélica Daniela Valeria Paola Mariana Fernanda Jimena
Luz Dolores Consuelo Inés Estela Ramona Rosario Susana Liliana Natalia Karina Cristina
""")

BLACK_MALE_FIRST = _split("""
Tyrone Jamal DeShawn Darnell Terrell Andre Malik Lamar Marquis Jermaine Darius Terrance
Reginald Cedric Dwayne Demetrius Rashad Tremaine DeAndre Jalen Kareem Maurice Darryl Leon
Otis Quincy Rodney Xavier Jerome Clarence Lamont Roderick Deon Antoine Tavon Jamar Rasheed
Dante Khalil Cornelius Alonzo Desmond Marlon Torrance Deonte Javon Keon Devonte
""")

BLACK_FEMALE_FIRST = _split("""
Latoya Keisha Tamika Ebony Shanice Aaliyah Imani Tanisha Lakisha Shaniqua Precious Jada
Monique Kiara Deja Ayanna Tasha Shante Latasha Tameka Yolanda Felicia Kenya Shameka
Aisha Nia Jasmine Tiana Diamond Dominique Latonya Sharonda Kesha Tierra
""")

ASIAN_MALE_FIRST = _split("""
Minh Thanh Tuan Hung Duc Long Wei Jun Hao Kenji Hiroshi Sung Jin Raj Sanjay Amit Vikram
Tou Pao Neng Chue Bao Khanh Quang Dong Hyun Yong Rahul Arjun Vinh
""")

ASIAN_FEMALE_FIRST = _split("""
Mai Linh Lan Thao Hoa Mei Ying Yuki Priya Anjali Kia Pa Nou Huong Ngoc Trang Hui Xin
Soo Eun Min Sunita Kavita Mao Yer
""")

SURNAMES = _split("""
Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore
Jackson Martin Lee Thompson White Harris Clark Lewis Robinson Walker Young Allen King
Wright Scott Hill Green Adams Baker Nelson Carter Mitchell Roberts Turner Phillips
Campbell Parker Evans Edwards Collins Stewart Morris Murphy Cook Rogers Morgan Peterson
Cooper Reed Bailey Bell Kelly Howard Ward Cox Richardson Wood Watson Brooks Bennett Gray
James Hughes Price Sanders Myers Long Ross Foster Powell Jenkins Perry Russell Sullivan
Butler Barnes Fisher Henderson Coleman Simmons Patterson Jordan Reynolds Hamilton Graham
Wallace Cole West Stone Gibson Ellis Marshall Owens Harrison McDonald Kennedy Wells Dixon
Robertson Black Daniels Palmer Mills Grant Knight Ferguson Rose Hunt Hicks Holmes Rice
Burns Boyd Arnold Warren Dunn Freeman Wagner Hayes Tucker Porter Hunter Hawkins Crawford
Henry Spencer Gardner Stephens Payne Pierce Berry Matthews Riley Willis Ray Watkins Olson
Carroll Duncan Snyder Hart Cunningham Bradley Lane Andrews Harper Fox Armstrong Carpenter
Weaver Greene Lawrence Elliott Chapman Johnston Peters Hudson Schmidt Simpson Lynch Bishop
Webb Franklin Lambert O'Brien O'Connor O'Neal O'Neill O'Donnell D'Angelo McCarthy McCoy
McKenzie McLaughlin MacDonald Fitzgerald St._Clair Vanderpool LaFleur DuBois Kowalski
Nowak Schneider Mueller Becker Hoffman Klein Wolfe Schultz Meyer Koch Larson Hansen
Nielsen Olsen Jensen Christensen Swanson Lindquist Erickson Gustafson Russo Romano
Esposito Ricci Marino Greco Bruno Rossi Costa Fontaine Boucher Gagnon Tremblay Wheeler
Chambers Barker Walsh Doyle Byrne Quinn Brennan Gallagher Kavanagh Hale Dalton Sharp
Norris Fleming Bowman Howell Holland Wade Barrett Burke Chandler Hardy Lowe Shaw Reid
Fowler Hopkins Harvey Sims Austin Jacobs Day Fields Lyons Gordon Walters Oliver
Montgomery Perkins Stevens Mason Dean Hanson Little Woods Holt Bates Caldwell Frazier
Hogan Lamb Pope Sutton Floyd Terry Curtis Newton Summers Glover Rowe Stokes Ballard
""")

BLACK_SURNAMES = _split("""
Washington Jefferson Booker Mosley Dorsey Gaines Rucker Pettaway Toussaint Battle
Broussard Simms Ivory Mayfield Hairston Wilkerson Whitfield McNeil Council Person Holloway
Mack Tolbert Dukes Blackwell Jeter Merriweather Spears Fountain Pickett Singleton Hollins
Gadson Outlaw Witherspoon Bynum Staton Alston McCray Barksdale
""")

HISPANIC_SURNAMES = _split("""
García Rodríguez Martínez Hernández López González Pérez Sánchez Ramírez Torres Flores
Rivera Gómez Díaz Reyes Morales Cruz Ortiz Gutiérrez Chávez Ramos Ruiz Álvarez Mendoza
Castillo Jiménez Moreno Romero Herrera Medina Aguilar Vargas Guzmán Méndez Castro
Vásquez Salazar Fernández Delgado Contreras Soto Núñez Muñoz Peña Ríos Sandoval Guerrero
Estrada Ortega Domínguez Juárez Vega Rojas Campos Luna Figueroa Cortez Cervantes Ayala
Acosta Espinoza Maldonado Navarro Cabrera Padilla Fuentes Velásquez Ibarra Santiago
Rosales Valdez Trujillo Serrano Mejía Cárdenas Molina Silva Suárez Carrillo Ávila Lara
Montoya Pacheco Zamora Orozco Villanueva De_La_Cruz De_León Del_Toro Ochoa Barrera
""")

ASIAN_SURNAMES = _split("""
Nguyen Tran Le Pham Kim Lee Park Choi Chen Wang Li Zhang Liu Yang Huang Wu Lin Wong Chan
Patel Shah Singh Kumar Tanaka Nakamura Yamamoto Vang Xiong Lor Her Thao Moua Vu Hoang
Phan Dang Bui Do Ho Ngo Truong Duong Khan Ali Cho Kang Yoon Jung Santos Bautista Dela_Cruz
""")

NATIVE_SURNAMES = _split("""
Begay Yazzie Tsosie Nez Benally Tso Etsitty Redhorse Littlewolf Two_Bulls Whitehorse
Bear Sampson Attakai Chee Manygoats Roanhorse Skenandore
""")

# Formal first name -> nicknames the partner agencies write instead (lower case).
NICKNAMES: dict[str, tuple[str, ...]] = {
    "william": ("bill", "will", "billy", "willie"),
    "robert": ("bob", "rob", "bobby", "robbie"),
    "elizabeth": ("liz", "beth", "betty", "eliza"),
    "katherine": ("kate", "kathy", "katie"),
    "kathleen": ("kathy", "kate"),
    "catherine": ("cathy", "kate"),
    "michael": ("mike", "mikey"),
    "jennifer": ("jen", "jenny"),
    "christopher": ("chris",),
    "christina": ("tina", "chris"),
    "christine": ("chris", "chrissy"),
    "joseph": ("joe", "joey"),
    "richard": ("rick", "dick", "rich", "ricky"),
    "margaret": ("peggy", "maggie", "meg"),
    "james": ("jim", "jimmy", "jamie"),
    "thomas": ("tom", "tommy"),
    "daniel": ("dan", "danny"),
    "anthony": ("tony",),
    "patricia": ("pat", "patty", "trish"),
    "patrick": ("pat",),
    "edward": ("ed", "eddie", "ted"),
    "charles": ("charlie", "chuck"),
    "steven": ("steve",),
    "stephen": ("steve",),
    "matthew": ("matt",),
    "andrew": ("andy", "drew"),
    "david": ("dave",),
    "benjamin": ("ben",),
    "jonathan": ("jon",),
    "johnathan": ("jon",),
    "nicholas": ("nick",),
    "samuel": ("sam",),
    "samantha": ("sam",),
    "alexander": ("alex",),
    "alexis": ("alex",),
    "timothy": ("tim",),
    "gregory": ("greg",),
    "kenneth": ("ken", "kenny"),
    "ronald": ("ron", "ronnie"),
    "donald": ("don", "donnie"),
    "gerald": ("jerry",),
    "jeffrey": ("jeff",),
    "joshua": ("josh",),
    "zachary": ("zach",),
    "raymond": ("ray",),
    "lawrence": ("larry",),
    "douglas": ("doug",),
    "frederick": ("fred",),
    "rebecca": ("becky",),
    "deborah": ("debbie", "deb"),
    "debra": ("debbie", "deb"),
    "susan": ("sue", "susie"),
    "jessica": ("jess",),
    "cynthia": ("cindy",),
    "kimberly": ("kim",),
    "pamela": ("pam",),
    "victoria": ("vicky", "tori"),
    "barbara": ("barb",),
    "dorothy": ("dot",),
    "theresa": ("terri",),
    "teresa": ("terri",),
    "judith": ("judy",),
    "sandra": ("sandy",),
    "jacqueline": ("jackie",),
    "abigail": ("abby",),
    "nathaniel": ("nate",),
    "nathan": ("nate",),
    "vincent": ("vince",),
    "philip": ("phil",),
    "phillip": ("phil",),
    "leonard": ("leo", "len"),
    "walter": ("walt",),
    "gabriel": ("gabe",),
    "megan": ("meg",),
    "melissa": ("missy",),
    "stephanie": ("steph",),
    "angela": ("angie",),
    "amanda": ("mandy",),
    "harold": ("harry", "hal"),
    "henry": ("hank",),
    "eugene": ("gene",),
    "albert": ("al", "bert"),
    "allen": ("al",),
    "alan": ("al",),
    "terrence": ("terry",),
    "terrance": ("terry",),
    "jose": ("pepe",),
    "francisco": ("paco", "pancho"),
    "guillermo": ("memo",),
    "jesus": ("chuy",),
    "alejandro": ("alex",),
    "roberto": ("beto",),
    "eduardo": ("lalo",),
    "ignacio": ("nacho",),
    "guadalupe": ("lupe",),
    "maria": ("mari",),
}


def _nickname_to_formals() -> dict[str, tuple[str, ...]]:
    inverted: dict[str, list[str]] = {}
    for formal, nicknames in NICKNAMES.items():
        for nickname in nicknames:
            inverted.setdefault(nickname, []).append(formal)
    return {nickname: tuple(formals) for nickname, formals in inverted.items()}


# Nickname -> every formal name it can stand for ("chris" -> christopher, christina, ...).
NICKNAME_TO_FORMALS: dict[str, tuple[str, ...]] = _nickname_to_formals()


def name_weights(count: int, *, offset: float = 6.0, exponent: float = 1.0) -> np.ndarray:
    """Zipf-like weights over a list ordered from most to least common."""
    weights = 1.0 / (np.arange(count) + offset) ** exponent
    return weights / weights.sum()


@functools.lru_cache(maxsize=1 << 16)
def strip_accents(value: str) -> str:
    if value.isascii():
        return value
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def punctuation_variants(value: str) -> tuple[str, str, str]:
    """The name as written, with punctuation loosened, and squeezed or cut short.

    "O'Brien" -> ("O'Brien", "O Brien", "OBrien"); "García-López" -> (…, "García López",
    "García"): clerks drop apostrophes and keep only the first of two surnames.
    """
    loose = value.replace("'", " ").replace(".", "").replace("-", " ")
    loose = " ".join(loose.split())
    if "-" in value:
        short = value.split("-")[0]
    else:
        short = value.replace("'", "").replace(".", "").replace(" ", "")
    return value, loose, short


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def typo(value: str, *, operation: int, position: float, letter: int) -> str:
    """One keyboard slip: 0 substitute, 1 delete, 2 swap neighbours, 3 double a letter.

    The first letter is kept: clerks rarely mistype it, and linkage blocks on it.
    """
    if len(value) < 3:
        return value
    index = 1 + int(position * (len(value) - 1))
    index = min(index, len(value) - 1)
    char = _LETTERS[letter % 26]
    if value[index].isupper():
        char = char.upper()
    if operation == 0:
        if char.lower() == value[index].lower():
            char = _LETTERS[(letter + 1) % 26]
            char = char.upper() if value[index].isupper() else char
        return value[:index] + char + value[index + 1 :]
    if operation == 1:
        return value[:index] + value[index + 1 :]
    if operation == 2:
        if index == len(value) - 1:
            index -= 1
        if index < 1 or value[index] == value[index + 1]:
            return value[:index] + value[index + 1 :]
        return value[:index] + value[index + 1] + value[index] + value[index + 2 :]
    return value[: index + 1] + value[index] + value[index + 1 :]
