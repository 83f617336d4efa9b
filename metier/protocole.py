"""Le texte signé du protocole 2024-2026 : l'édition amorcée sur chaque serveur, villes, axes, partenaires.

Ce sont les valeurs d'amorçage ; ce qui fait foi ensuite est en base (`modeles.protocole`,
`metier.editions`) : la coordination peut y ajouter un axe, reformuler un objectif, renouveler.
"""

from dataclasses import dataclass
from datetime import date

# La période de l'édition 2024-2026 (« Protocole 2024-2026 ») : ses rapports jugent les indicateurs sur
# elle. C'est aussi la borne des dates saisies (rien avant le début du premier protocole).
DEBUT_PROTOCOLE = date(2024, 1, 1)
FIN_PROTOCOLE = date(2026, 12, 31)
TITRE_PROTOCOLE = "Protocole de collaboration 2024-2026"
SIGNE_LE = date(2023, 11, 28)
SIGNE_A = "Namur"
# « Cette mise en œuvre du présent Protocole sera suivie … », par code de ville partenaire.
BUREAUX_DE_SUIVI = {
    "terrebonne": "Bureau des commissions et relations internationales de la Ville de Terrebonne",
    "namur": "Commissariat aux Relations Internationales de la Ville de Namur",
}


@dataclass(frozen=True)
class VilleModele:
    """Ville partenaire proposée par défaut."""

    code: str
    nom: str
    fuseau: str
    couleur: str


@dataclass(frozen=True)
class AxeModele:
    """Domaine de coopération prioritaire tel que le protocole l'énonce."""

    numero: int
    titre: str
    titre_court: str
    objectifs: tuple[str, ...]


# Bleu de Terrebonne, or du blason namurois : deux couleurs distinctes aussi pour les daltoniens.
# Ce qui n'est pas une ville partenaire : toutes ensemble (gris foncé), une ville retirée (gris).
COULEUR_TOUTES = "#4D4D4D"
COULEUR_VILLE_RETIREE = "#8C8C8C"
VILLES_PAR_DEFAUT = (
    VilleModele("terrebonne", "Terrebonne", "America/Toronto", "#1F5AA6"),
    VilleModele("namur", "Namur", "Europe/Brussels", "#D39B00"),
)

AXES_DU_PROTOCOLE = (
    AxeModele(
        1,
        "La lutte aux changements climatiques et la transition écologique",
        "Climat et transition écologique",
        (
            "Promouvoir des initiatives locales visant à réduire les émissions de gaz à effet de serre "
            "et à favoriser l'adoption de pratiques durables",
            "Adopter des pratiques exemplaires en soutenant les initiatives citoyennes et les entreprises "
            "qui agissent en faveur de cette transition écologique avec des projets novateurs en matière "
            "d'écoresponsabilité",
            "Échanger de bonnes pratiques en matière de gestion des matières résiduelles et d'adaptation "
            "aux changements climatiques",
        ),
    ),
    AxeModele(
        2,
        "Le développement social et économique",
        "Développement social et économique",
        (
            "Favoriser l'inclusion sociale en encourageant la participation citoyenne et en développant "
            "des politiques et programmes en matière de développement social",
            "Stimuler l'entrepreneuriat local et promouvoir l'innovation économique en encourageant les "
            "échanges économiques et entrepreneuriaux",
            "Mettre en œuvre des projets de développement urbain durable, visant à améliorer la qualité "
            "de vie des citoyens",
        ),
    ),
    AxeModele(
        3,
        "Les échanges universitaires",
        "Échanges universitaires",
        (
            "Faciliter la mobilité des étudiants, chercheurs et professeurs entre les institutions "
            "éducatives des deux villes",
            "Encourager la coopération académique en favorisant les programmes de recherche conjoints "
            "et les échanges de connaissances",
            "Organiser des événements académiques conjoints visant à promouvoir l'excellence éducative "
            "et la diversité culturelle",
        ),
    ),
)


@dataclass(frozen=True)
class PartenaireModele:
    """Partenaire signataire du protocole, amorcé dans le registre."""

    nom: str
    nom_complet: str
    ville: str
    type: str


# Les types proposés (un autre texte est permis) ; « autre » par défaut.
TYPES_PARTENAIRE = (
    "université",
    "organisme public",
    "chambre de commerce",
    "entreprise",
    "association",
    "autre",
)

PARTENAIRES_DU_PROTOCOLE = (
    PartenaireModele("UNamur", "Université de Namur", "namur", "université"),
    PartenaireModele("BEP", "Bureau économique de la province de Namur", "namur", "organisme public"),
    PartenaireModele("UQTR", "Université du Québec à Trois-Rivières", "terrebonne", "université"),
    PartenaireModele(
        "CCIM", "Chambre de commerce et d'industrie Les Moulins", "terrebonne", "chambre de commerce"
    ),
)

CHIFFRES_ROMAINS = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI", 7: "VII", 8: "VIII", 9: "IX"}
NUMERO_AXE_MAX = 20


def chiffre_romain(numero: int) -> str:
    """Rend le numéro d'axe en chiffres romains, comme dans le protocole."""
    if numero in CHIFFRES_ROMAINS:
        return CHIFFRES_ROMAINS[numero]
    if 1 <= numero <= 39:
        return "X" * (numero // 10) + CHIFFRES_ROMAINS.get(numero % 10, "")
    return str(numero)


def libelle_axe(numero: int, titre_court: str) -> str:
    """« II. Développement social et économique » (dans une liste, une légende, un CSV)."""
    return f"{chiffre_romain(numero)}. {titre_court}"


def titre_axe(numero: int, titre_court: str) -> str:
    """« Axe II : Développement social et économique » (dans un titre)."""
    return f"Axe {chiffre_romain(numero)}\u00a0: {titre_court}"


def code_objectif(axe_numero: int, objectif_numero: int) -> str:
    """« 2.3 » : le troisième objectif de l'axe II, comme le protocole les numérote."""
    return f"{axe_numero}.{objectif_numero}"
