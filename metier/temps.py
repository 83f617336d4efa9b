"""Heures des villes partenaires : fuseaux, écart, changements d'écart, saisie et affichage."""

from __future__ import annotations

import re
import unicodedata
from calendar import isleap, monthrange
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date

from metier.erreurs import ErreurMetier
from metier.protocole import DEBUT_PROTOCOLE

LOCALE = "fr_CA"
NBSP = "\u00a0"
EXEMPLES_HEURE = "10:00, 10h, 10 h 30 ou 14h30"
EXEMPLES_DATE = "2027-03-14, 14/03/2027, 14 mars 2027 ou demain"
JOURS_SEMAINE = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_PAS_RECHERCHE = timedelta(days=1)
_PAS_FIN = timedelta(minutes=15)


def en_utc(instant: datetime) -> datetime:
    """Rend l'instant en UTC ; un instant sans fuseau (relu de SQLite) est déjà en UTC."""
    return instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)


@lru_cache(maxsize=64)
def zone(nom: str) -> ZoneInfo:
    """Rend le fuseau IANA de ce nom (mis en cache)."""
    return ZoneInfo(nom)


@dataclass(frozen=True)
class Ville:
    """Ville partenaire et son fuseau IANA."""

    code: str
    nom: str
    fuseau: str
    couleur: str

    @property
    def zone(self) -> ZoneInfo:
        """Fuseau horaire de la ville."""
        return zone(self.fuseau)

    def heure_locale(self, instant: datetime) -> datetime:
        """Rend l'instant dans l'horloge de la ville."""
        return instant.astimezone(self.zone)

    def decalage(self, instant: datetime) -> timedelta:
        """Rend le décalage de la ville sur UTC à cet instant."""
        decalage = instant.astimezone(self.zone).utcoffset()
        assert decalage is not None
        return decalage


def ecart(reference: Ville, autre: Ville, instant: datetime) -> timedelta:
    """Rend l'avance de `autre` sur `reference` à cet instant (Namur sur Terrebonne : 6 h ou 5 h)."""
    return autre.decalage(instant) - reference.decalage(instant)


@dataclass(frozen=True)
class ChangementEcart:
    """L'écart entre deux villes change à `instant` (UTC), parce que `ville` change d'heure."""

    instant: datetime
    avant: timedelta
    apres: timedelta
    ville: Ville


def prochain_changement_ecart(
    reference: Ville, autre: Ville, depuis: datetime, *, horizon: timedelta = timedelta(days=400)
) -> ChangementEcart | None:
    """Trouve le prochain instant où l'écart entre deux villes change, à la seconde près."""
    actuel = ecart(reference, autre, depuis)
    debut = depuis.astimezone(UTC)
    fin = debut + horizon
    while debut < fin:
        suivant = debut + _PAS_RECHERCHE
        # Un changement d'heure dans l'une des deux villes pendant la journée : on regarde de près,
        # car deux changements le même jour peuvent s'annuler aux deux bouts.
        if reference.decalage(debut) != reference.decalage(suivant) or autre.decalage(
            debut
        ) != autre.decalage(suivant):
            pas = debut
            while pas < suivant:
                prochain = pas + _PAS_FIN
                if ecart(reference, autre, prochain) != actuel:
                    instant = _bissection(reference, autre, pas, prochain, actuel)
                    juste_avant = instant - timedelta(seconds=1)
                    ville = (
                        reference if reference.decalage(juste_avant) != reference.decalage(instant) else autre
                    )
                    return ChangementEcart(instant, actuel, ecart(reference, autre, instant), ville)
                pas = prochain
        debut = suivant
    return None


def changements_ecart(
    reference: Ville, autre: Ville, depuis: datetime, jusqu_a: datetime
) -> Iterator[ChangementEcart]:
    """Énumère les changements d'écart entre deux villes après `depuis`, jusqu'à `jusqu_a` inclus."""
    while (
        changement := prochain_changement_ecart(reference, autre, depuis, horizon=jusqu_a - depuis)
    ) and changement.instant <= jusqu_a:
        yield changement
        depuis = changement.instant  # à cet instant, l'écart est déjà le nouveau : pas de doublon


def _bissection(reference: Ville, autre: Ville, bas: datetime, haut: datetime, actuel: timedelta) -> datetime:
    while haut - bas > timedelta(seconds=1):
        milieu = bas + (haut - bas) / 2
        if ecart(reference, autre, milieu) == actuel:
            bas = milieu
        else:
            haut = milieu
    return haut.replace(microsecond=0)


def aujourd_hui(maintenant: datetime, ville: Ville) -> date:
    """Rend la date du jour dans l'horloge de la ville (celle de la personne, sinon la ville de référence)."""
    return ville.heure_locale(maintenant).date()


# --- Saisie --------------------------------------------------------------------------------------


def normaliser(texte: str) -> str:
    """Minuscules, sans accents ni espaces superflus (les espaces insécables comptent comme espaces)."""
    texte = unicodedata.normalize("NFKD", texte.strip().lower())
    texte = "".join(c for c in texte if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", texte)


def citer(texte: str, limite: int = 40) -> str:
    """« texte saisi » entre guillemets, coupé à `limite` caractères."""
    texte = texte.strip()
    return f"« {texte[:limite]}{'…' if len(texte) > limite else ''} »"


_HEURE = re.compile(r"^(\d{1,2}) ?(?:(?:h|:|\.) ?(\d{1,2})?)?$")


def heure_comprise(texte: str) -> str | None:
    """Rend « « 8 » compris comme 08 h 00. » pour une heure abrégée (sans minutes ni « h »), sinon None."""
    brut = normaliser(texte)
    trouve = _HEURE.match(brut) if len(brut) <= 10 else None
    if trouve is None or trouve.group(2) is not None or brut.endswith("h"):
        return None
    return f"{citer(texte)} compris comme {format_heure(analyser_heure(texte))}."


def analyser_heure(texte: str) -> time:
    """Lit une heure saisie (« 10:00 », « 10h », « 10 h 30 », « 14h30 », « midi »)."""
    brut = normaliser(texte)
    if not brut:
        raise ErreurMetier(f"Indiquez une heure, par exemple {EXEMPLES_HEURE}.")
    if brut in {"midi", "minuit"}:
        return time(12, 0) if brut == "midi" else time(0, 0)
    trouve = _HEURE.match(brut) if len(brut) <= 10 else None
    if trouve is None:
        raise ErreurMetier(f"Heure non reconnue : {citer(texte)}. Écrivez par exemple {EXEMPLES_HEURE}.")
    heures, minutes = int(trouve.group(1)), int(trouve.group(2) or 0)
    if trouve.group(2) is not None and len(trouve.group(2)) != 2:
        raise ErreurMetier(f"Heure non reconnue : {citer(texte)}. Les minutes s'écrivent sur deux chiffres.")
    if heures > 23:
        raise ErreurMetier(
            f"L'heure {citer(texte)} n'existe pas : les heures vont de 0 à 23 (minuit s'écrit 00:00)."
        )
    if minutes > 59:
        raise ErreurMetier(f"L'heure {citer(texte)} n'existe pas : les minutes vont de 00 à 59.")
    return time(heures, minutes)


MOIS = (
    "janvier",
    "fevrier",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "aout",
    "septembre",
    "octobre",
    "novembre",
    "decembre",
)
_MOTS_RELATIFS = {
    "aujourd'hui": 0,
    "aujourdhui": 0,
    "demain": 1,
    "apres-demain": 2,
    "apres demain": 2,
    "hier": -1,
}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUMERIQUE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}))?$")
_EN_LETTRES = re.compile(r"^(?:([a-z]+) )?(\d{1,2})(?:er)? ([a-z]+)(?: (\d{4}))?$")


def analyser_date(texte: str, aujourd_hui: date, *, passee: bool = False) -> date:
    """Lit une date saisie (« 2027-03-14 », « 14/03/2027 », « mardi 14 mars 2027 », « demain »).

    Sans année, c'est la prochaine occurrence de ce jour (le prochain 29 février qui existe) ; pour
    un fait déjà arrivé (`passee`), la dernière (« 20/11 » le 26 novembre 2026 : le 20 novembre
    2026). Le jour vient toujours avant le mois ; un nom de jour de la semaine doit être le bon.
    """
    brut = normaliser(texte).replace("’", "'")
    if not brut:
        raise ErreurMetier(f"Indiquez une date, par exemple {EXEMPLES_DATE}.")
    if brut in _MOTS_RELATIFS:
        return aujourd_hui + timedelta(days=_MOTS_RELATIFS[brut])
    annee: int | None
    nom_jour: str | None = None
    if trouve := _ISO.match(brut):
        annee, mois, jour = int(trouve.group(1)), int(trouve.group(2)), int(trouve.group(3))
    elif trouve := _NUMERIQUE.match(brut):
        jour, mois = int(trouve.group(1)), int(trouve.group(2))
        annee = int(trouve.group(3)) if trouve.group(3) else None
    elif (
        (trouve := _EN_LETTRES.match(brut))
        and trouve.group(3) in MOIS
        and trouve.group(1) in {None, "le", *JOURS_SEMAINE}
    ):
        nom_jour = trouve.group(1) if trouve.group(1) != "le" else None
        jour, mois = int(trouve.group(2)), MOIS.index(trouve.group(3)) + 1
        annee = int(trouve.group(4)) if trouve.group(4) else None
    else:
        raise ErreurMetier(f"Date non reconnue : {citer(texte)}. Écrivez par exemple {EXEMPLES_DATE}.")
    if not 1 <= mois <= 12:
        raise ErreurMetier(f"La date {citer(texte)} n'existe pas : le mois doit être entre 1 et 12.")
    if annee is None:
        annee = (
            _derniere_annee(jour, mois, aujourd_hui) if passee else _prochaine_annee(jour, mois, aujourd_hui)
        )
    if not 1900 <= annee <= 2200:
        raise ErreurMetier(f"L'année {annee} est hors des limites acceptées (1900 à 2200).")
    jours_du_mois = monthrange(annee, mois)[1]
    if not 1 <= jour <= jours_du_mois:
        raise ErreurMetier(
            f"La date {citer(texte)} n'existe pas : {nom_mois(mois)} {annee} compte {jours_du_mois} jours."
        )
    lue = date(annee, mois, jour)
    if nom_jour is not None and JOURS_SEMAINE[lue.weekday()] != nom_jour:
        raise ErreurMetier(
            f"Le {format_jour(lue)} est un {JOURS_SEMAINE[lue.weekday()]}, pas un {nom_jour} : "
            "vérifiez le jour ou la date."
        )
    return lue


def dater_releve(texte: str, aujourd_hui: date) -> date:
    """Lit la date d'un fait relevé (une mesure…) : du début du protocole à aujourd'hui, jamais après."""
    jour = analyser_date(texte, aujourd_hui, passee=True)
    if jour > aujourd_hui:
        raise ErreurMetier(
            f"Le {format_date_courte(jour)} est dans le futur : un relevé se date du jour où il a été "
            f"fait, au plus tard aujourd'hui ({format_date_courte(aujourd_hui)})."
        )
    if jour < DEBUT_PROTOCOLE:
        raise ErreurMetier(
            f"Le {format_date_courte(jour)} est avant le début du protocole "
            f"({format_date_courte(DEBUT_PROTOCOLE)}) : choisissez une date de cette période, "
            "au plus tard aujourd'hui."
        )
    return jour


def _derniere_annee(jour: int, mois: int, aujourd_hui: date) -> int:
    """L'année de la dernière occurrence du jour et du mois, aujourd'hui compris."""
    a_venir = (mois, jour) > (aujourd_hui.month, aujourd_hui.day)
    annee = aujourd_hui.year - 1 if a_venir else aujourd_hui.year
    if (mois, jour) == (2, 29):  # le dernier 29 février qui a existé
        while not isleap(annee):
            annee -= 1
    return annee


def _prochaine_annee(jour: int, mois: int, aujourd_hui: date) -> int:
    """L'année de la prochaine occurrence du jour et du mois, aujourd'hui compris."""
    deja_passe = (mois, jour) < (aujourd_hui.month, aujourd_hui.day)
    annee = aujourd_hui.year + 1 if deja_passe else aujourd_hui.year
    if (mois, jour) == (2, 29):  # le prochain 29 février qui existe, pas celui d'une année commune
        while not isleap(annee):
            annee += 1
    return annee


# --- Affichage -----------------------------------------------------------------------------------


def nom_mois(mois: int) -> str:
    """Rend le nom français du mois (« février »)."""
    return format_date(date(2000, mois, 1), "MMMM", locale=LOCALE)


def format_jour(jour: date) -> str:
    """« 26 novembre 2026 », « 1er mars 2027 »."""
    jour_du_mois = "'1er'" if jour.day == 1 else "d"
    return format_date(jour, f"{jour_du_mois} MMMM y", locale=LOCALE)


def format_date_longue(jour: date) -> str:
    """« jeudi 26 novembre 2026 », « lundi 1er mars 2027 »."""
    return f"{format_date(jour, 'EEEE', locale=LOCALE)} {format_jour(jour)}"


def format_date_courte(jour: date) -> str:
    """« 26 nov. 2026 »."""
    return format_date(jour, "d MMM y", locale=LOCALE)


def format_heure(moment: time | datetime) -> str:
    """« 09 h 05 », avec des espaces insécables."""
    return f"{moment.hour:02d}{NBSP}h{NBSP}{moment.minute:02d}"


def delai_en_mots(jours: int, *, court: bool = False) -> str:
    """Le temps jusqu'à une échéance : « dans 12 jours », « demain », « en retard de 3 jours »…

    `court` : pour une ligne serrée ou un graphique, « dans 12 j », « en retard de 3 j ».
    """
    if jours == 0:
        return "aujourd'hui"
    if court:
        return f"dans {jours}{NBSP}j" if jours > 0 else f"en retard de {-jours}{NBSP}j"
    if jours == 1:
        return "demain"
    if jours > 1:
        return f"dans {jours} jours"
    return "en retard d'un jour" if jours == -1 else f"en retard de {-jours} jours"


def format_duree(duree: timedelta) -> str:
    """« 6 h », « 5 h 30 », « −1 h »."""
    minutes = round(duree.total_seconds() / 60)
    signe = "−" if minutes < 0 else ""
    heures, reste = divmod(abs(minutes), 60)
    if reste == 0:
        return f"{signe}{heures}{NBSP}h"
    if heures == 0:
        return f"{signe}{reste}{NBSP}min"
    return f"{signe}{heures}{NBSP}h{NBSP}{reste:02d}"


def format_decalage_utc(decalage: timedelta) -> str:
    """« UTC−5 », « UTC+1 », « UTC+5:30 »."""
    minutes = round(decalage.total_seconds() / 60)
    signe = "−" if minutes < 0 else "+"
    heures, reste = divmod(abs(minutes), 60)
    return f"UTC{signe}{heures}" + (f":{reste:02d}" if reste else "")


def instant_local(jour: date, heure: time, ville: Ville) -> datetime:
    """Rend l'instant UTC de `jour` à `heure` dans l'horloge de la ville.

    Une heure qui n'existe pas (passage à l'heure d'été) est lue avec le décalage d'avant,
    donc décalée vers l'avant ; une heure ambiguë (retour à l'heure normale) est la première.
    """
    return datetime.combine(jour, heure, tzinfo=ville.zone).astimezone(UTC)


def prochaine_hebdomadaire(jour_semaine: int, heure: time, ville: Ville, apres: datetime) -> datetime:
    """Rend le prochain instant (UTC) où il est `heure` le `jour_semaine` (0 = lundi) dans la ville."""
    local = ville.heure_locale(apres)
    jour = local.date() + timedelta(days=(jour_semaine - local.weekday()) % 7)
    candidat = instant_local(jour, heure, ville)
    if candidat <= apres:
        candidat = instant_local(jour + timedelta(days=7), heure, ville)
    return candidat
