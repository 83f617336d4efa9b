"""Réunions : saisie, heure murale dans la ville d'ancrage, séries RFC 5545, créneaux communs."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from collections.abc import Set as EnsembleAbstrait
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from sqlalchemy import or_
from sqlmodel import Session, col, select

from metier.erreurs import ErreurMetier, RefusDroits
from metier.journal import journaliser
from metier.serveurs import configuration_amorcee, reserver_numero
from metier.temps import (
    NBSP,
    Ville,
    citer,
    ecart,
    format_date_longue,
    format_decalage_utc,
    format_heure,
    normaliser,
    zone,
)
from modeles import OccurrenceAnnulee, Recurrence, Reunion

LONGUEUR_TITRE = 200
LONGUEUR_LIEN = 500
RAPPELS_MAX = 5
RAPPEL_MAX = timedelta(days=30)
DUREE_MAX = timedelta(hours=12)
CRENEAU_MAX = timedelta(hours=8)
JOURS_CRENEAUX_MAX = 60
PROCHAINES = 5
EXEMPLES_RAPPELS = "24h,1h,15min ou 2j"
EXEMPLES_DUREE = "1h, 90min, 1 h 30 ou 45 (minutes)"
_JOURS_RRULE = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_JOURS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_RANGS = ("premier", "deuxième", "troisième", "quatrième")
_SECONDE = timedelta(seconds=1)


# --- Durées saisies ------------------------------------------------------------------------------

_MINUTES_PAR_UNITE = {
    "sem": 7 * 24 * 60,
    "semaine": 7 * 24 * 60,
    "semaines": 7 * 24 * 60,
    "j": 24 * 60,
    "jour": 24 * 60,
    "jours": 24 * 60,
    "h": 60,
    "heure": 60,
    "heures": 60,
    "min": 1,
    "mn": 1,
    "minute": 1,
    "minutes": 1,
}
_DUREE = re.compile(r"((?:\d{1,6}[a-z]+)+)(\d{1,2})?")
_MORCEAU = re.compile(r"(\d{1,6})([a-z]+)")


def _minutes(brut: str) -> int | None:
    """Lit « 1j2h », « 1h30 », « 90min » (espaces permis) en minutes ; None si illisible."""
    compact = brut.replace(" ", "")
    trouve = _DUREE.fullmatch(compact) if len(compact) <= 30 else None
    if trouve is None:
        return None
    total, precedente = 0, None
    for nombre, unite in _MORCEAU.findall(trouve.group(1)):
        valeur = _MINUTES_PAR_UNITE.get(unite)
        # Les unités vont de la plus grande à la plus petite, chacune une fois : « 1h30 », pas « 30min1h ».
        if valeur is None or (precedente is not None and valeur >= precedente):
            return None
        total += int(nombre) * valeur
        precedente = valeur
    if trouve.group(2) is not None:
        # « 1h30 » : le nombre final sans unité compte des minutes, seulement après des heures.
        if precedente != 60 or int(trouve.group(2)) > 59:
            return None
        total += int(trouve.group(2))
    return total


def _est_negatif(brut: str) -> bool:
    return brut.startswith(("-", "−"))


def format_rappel(decalage: timedelta) -> str:
    """« 2 j », « 1 j 2 h », « 1 h 30 », « 15 min » (espaces insécables)."""
    minutes = round(decalage.total_seconds() / 60)
    jours, reste = divmod(minutes, 24 * 60)
    heures, minutes = divmod(reste, 60)
    morceaux = [f"{jours}{NBSP}j"] if jours else []
    if heures and minutes and not jours:
        return f"{heures}{NBSP}h{NBSP}{minutes:02d}"
    if heures:
        morceaux.append(f"{heures}{NBSP}h")
    if minutes:
        morceaux.append(f"{minutes}{NBSP}min")
    return NBSP.join(morceaux) or f"0{NBSP}min"


def _compact(decalage: timedelta) -> str:
    minutes = round(decalage.total_seconds() / 60)
    jours, reste = divmod(minutes, 24 * 60)
    heures, minutes = divmod(reste, 60)
    texte = (f"{jours}j" if jours else "") + (f"{heures}h" if heures else "")
    return texte + (f"{minutes}min" if minutes else "")


def analyser_rappels(texte: str) -> list[timedelta]:
    """Lit des rappels avant le début (« 24h,1h,15min », « 1 h 30 », « aucun »), du plus tôt au plus tard."""
    if len(texte) > 100:
        raise ErreurMetier(
            f"Liste de rappels trop longue : {RAPPELS_MAX} rappels au plus, par exemple {EXEMPLES_RAPPELS}."
        )
    if normaliser(texte) in {"aucun", "aucune", "aucun rappel"}:
        return []
    morceaux = [normaliser(m) for m in re.split(r"[,;]", texte)]
    morceaux = [m for m in morceaux if m]
    if not morceaux:
        raise ErreurMetier(f"Indiquez au moins un rappel, par exemple {EXEMPLES_RAPPELS}.")
    if len(morceaux) > RAPPELS_MAX:
        raise ErreurMetier(
            f"{len(morceaux)} rappels demandés : {RAPPELS_MAX} au plus. "
            f"Retirez-en {len(morceaux) - RAPPELS_MAX}."
        )
    vus: dict[timedelta, str] = {}
    for morceau in morceaux:
        if _est_negatif(morceau):
            raise ErreurMetier(
                f"Rappel {citer(morceau)} : donnez la durée avant le début, sans signe, par exemple 1h."
            )
        if morceau.isdigit():
            raise ErreurMetier(
                f"Rappel {citer(morceau)} : précisez l'unité (j, h ou min), par exemple {morceau}min."
            )
        minutes = _minutes(morceau)
        if minutes is None:
            raise ErreurMetier(
                f"Rappel non reconnu : {citer(morceau)}. Écrivez des durées séparées par des virgules, "
                f"par exemple {EXEMPLES_RAPPELS}."
            )
        decalage = timedelta(minutes=minutes)
        if decalage <= timedelta(0):
            raise ErreurMetier(
                f"Rappel {citer(morceau)} : il faut au moins 1 minute avant le début, par exemple 15min."
            )
        if decalage > RAPPEL_MAX:
            raise ErreurMetier(f"Rappel {citer(morceau)} : au plus 30 jours avant le début (30j).")
        if decalage in vus:
            raise ErreurMetier(
                f"Le rappel {citer(morceau)} revient deux fois (comme {citer(vus[decalage])}) : "
                "gardez-en un seul."
            )
        vus[decalage] = morceau
    return sorted(vus, reverse=True)


def _verifier_rappels(rappels: Sequence[timedelta]) -> None:
    minute = timedelta(minutes=1)
    if (
        len(rappels) > RAPPELS_MAX
        or len(set(rappels)) != len(rappels)
        or any(not minute <= r <= RAPPEL_MAX or r % minute for r in rappels)
    ):
        raise ErreurMetier(
            f"Rappels refusés : {RAPPELS_MAX} au plus, tous différents, entre 1 minute et 30 jours "
            f"avant le début, par exemple {EXEMPLES_RAPPELS}."
        )


def texte_rappels(rappels: Sequence[timedelta]) -> str:
    """Rend la forme stockée des rappels (« 1j,1h30min,15min », « aucun »), que `analyser_rappels` relit."""
    return ",".join(_compact(r) for r in sorted(rappels, reverse=True)) or "aucun"


def rappels_de(reunion: Reunion) -> list[timedelta]:
    """Rend les rappels d'une réunion, du plus tôt au plus tard."""
    return analyser_rappels(reunion.rappels)


def analyser_duree(texte: str) -> timedelta:
    """Lit la durée d'une réunion (« 1h », « 90min », « 1 h 30 », « 45 » en minutes)."""
    brut = normaliser(texte)
    if not brut:
        raise ErreurMetier(f"Indiquez une durée, par exemple {EXEMPLES_DUREE}.")
    minutes = int(brut) if brut.isdigit() and len(brut) <= 6 else _minutes(brut)
    if minutes is None or _est_negatif(brut):
        raise ErreurMetier(f"Durée non reconnue : {citer(texte)}. Écrivez par exemple {EXEMPLES_DUREE}.")
    duree = timedelta(minutes=minutes)
    _verifier_duree(duree, citer(texte))
    return duree


def _verifier_duree(duree: timedelta, libelle: str) -> None:
    if duree < timedelta(minutes=1) or duree % timedelta(minutes=1):
        raise ErreurMetier(f"Durée {libelle} : une réunion dure au moins 1 minute, en minutes entières.")
    if duree > DUREE_MAX:
        raise ErreurMetier(f"Durée {libelle} trop longue : une réunion dure au plus 12{NBSP}h.")


def verifier_lien(texte: str) -> str:
    """Rend le lien de visioconférence s'il est une adresse web http(s) complète."""
    lien = texte.strip()
    exemple = "par exemple https://visio.exemple.org/reunion"
    if not lien:
        raise ErreurMetier(f"Indiquez un lien web complet, {exemple}.")
    if len(lien) > LONGUEUR_LIEN:
        raise ErreurMetier(
            f"Le lien fait {len(lien)} caractères : {LONGUEUR_LIEN} au plus. Utilisez un lien plus court."
        )
    if any(c.isspace() or not c.isprintable() for c in lien):
        raise ErreurMetier("Un lien ne contient ni espace ni saut de ligne : copiez-le d'un seul bloc.")
    try:
        parties = urlsplit(lien)
        hote = parties.hostname
    except ValueError:
        hote = None
        parties = None
    if parties is None or parties.scheme.lower() not in {"http", "https"} or not hote:
        raise ErreurMetier(
            f"Lien refusé : {citer(lien)}. Seules les adresses web commençant par https:// "
            f"(ou http://) sont acceptées, {exemple}."
        )
    return lien


def analyser_recurrence(texte: str) -> Recurrence:
    """Lit un rythme (« aucune », « hebdomadaire », « bihebdomadaire », « mensuelle »)."""
    brut = normaliser(texte).replace("-", "")
    for recurrence in Recurrence:
        if brut == recurrence.value:
            return recurrence
    choix = ", ".join(r.value for r in Recurrence)
    raise ErreurMetier(f"Récurrence non reconnue : {citer(texte)}. Choisissez : {choix}.")


# --- Heure murale dans la ville d'ancrage --------------------------------------------------------


@dataclass(frozen=True)
class Resolution:
    """Instant UTC d'une heure murale ; `message` dit comment une heure ambiguë a été lue."""

    instant: datetime
    ambigue: bool
    pli: int
    message: str | None = None


def _aller_retour(local: datetime, fuseau: ZoneInfo) -> tuple[datetime, bool]:
    """Rend l'instant UTC de l'heure murale naïve `local` et dit si l'heure existe (pli compris)."""
    instant = local.replace(tzinfo=fuseau).astimezone(UTC)
    retour = instant.astimezone(fuseau).replace(tzinfo=None)
    return instant, retour.replace(fold=0) == local.replace(fold=0)


def _changement_autour(local: datetime, fuseau: ZoneInfo) -> datetime:
    """Rend l'instant UTC (à la seconde) du changement d'heure qui rend `local` inexistante ou double."""
    bas = local.replace(fold=0, tzinfo=fuseau).astimezone(UTC)
    haut = local.replace(fold=1, tzinfo=fuseau).astimezone(UTC)
    bas, haut = min(bas, haut), max(bas, haut)
    decalage_bas = bas.astimezone(fuseau).utcoffset()
    while haut - bas > _SECONDE:
        milieu = (bas + (haut - bas) / 2).replace(microsecond=0)
        if milieu.astimezone(fuseau).utcoffset() == decalage_bas:
            bas = milieu
        else:
            haut = milieu
    return haut


def resoudre_heure_locale(jour: date, heure: time, ville: Ville) -> Resolution:
    """Rend l'instant UTC de `jour` à `heure` dans la ville ; refuse une heure qui n'existe pas."""
    local = datetime.combine(jour, heure.replace(tzinfo=None, fold=0))
    fuseau = ville.zone
    premier = local.replace(tzinfo=fuseau)
    second = local.replace(tzinfo=fuseau, fold=1)
    instant, existe = _aller_retour(local, fuseau)
    if not existe:
        changement = _changement_autour(local, fuseau)
        # En UTC : en heure murale, 03 h 00 moins une minute donnerait 02 h 59, qui n'existe pas.
        avant = (changement - timedelta(minutes=1)).astimezone(fuseau)
        apres = changement.astimezone(fuseau)
        raison = "passage à l'heure d'été" if apres.dst() else "changement d'heure"
        raise ErreurMetier(
            f"L'heure {format_heure(heure)} n'existe pas le {format_date_longue(jour)} à {ville.nom} "
            f"({raison}). Choisissez {format_heure(avant)} ou plus tôt, "
            f"ou {format_heure(apres)} ou plus tard."
        )
    decalage_premier, decalage_second = premier.utcoffset(), second.utcoffset()
    if decalage_premier == decalage_second:
        return Resolution(instant=instant, ambigue=False, pli=0)
    assert decalage_premier is not None
    raison, quelle = "changement d'heure", "avant le changement"
    if premier.dst() and not second.dst():
        raison, quelle = "retour à l'heure normale", "à l'heure avancée"
    message = (
        f"{format_heure(heure)} survient deux fois le {format_date_longue(jour)} à {ville.nom} "
        f"({raison}) : j'ai retenu la première, {quelle}, soit {format_decalage_utc(decalage_premier)}."
    )
    return Resolution(instant=instant, ambigue=True, pli=0, message=message)


# --- Séries --------------------------------------------------------------------------------------


def regle_pour(recurrence: Recurrence, debut: date) -> str | None:
    """Rend la règle RRULE (RFC 5545) d'un rythme qui commence à cette date ; None si unique."""
    if recurrence == Recurrence.HEBDOMADAIRE:
        return "FREQ=WEEKLY"
    if recurrence == Recurrence.BIHEBDOMADAIRE:
        return "FREQ=WEEKLY;INTERVAL=2"
    if recurrence == Recurrence.MENSUELLE:
        rang = (debut.day - 1) // 7 + 1
        # Un 5e mardi n'existe pas tous les mois : c'est « le dernier mardi » qui se répète.
        position = "-1" if rang == 5 else f"+{rang}"
        return f"FREQ=MONTHLY;BYDAY={position}{_JOURS_RRULE[debut.weekday()]}"
    return None


def decrire_recurrence(recurrence: Recurrence, debut: date) -> str:
    """« chaque mardi », « un mardi sur deux », « le premier mardi du mois », « une seule fois »."""
    nom = _JOURS[debut.weekday()]
    if recurrence == Recurrence.HEBDOMADAIRE:
        return f"chaque {nom}"
    if recurrence == Recurrence.BIHEBDOMADAIRE:
        return f"un {nom} sur deux"
    if recurrence == Recurrence.MENSUELLE:
        rang = (debut.day - 1) // 7
        return f"le {_RANGS[rang] if rang < 4 else 'dernier'} {nom} du mois"
    return "une seule fois"


@dataclass(frozen=True)
class Occurrence:
    """Une séance d'une série, en UTC ; `decalee` si l'heure murale tombait dans un saut d'heure."""

    debut: datetime
    fin: datetime
    reunion_id: int
    decalee: bool = False

    @property
    def duree(self) -> timedelta:
        """Durée de la séance."""
        return self.fin - self.debut

    @property
    def horodatage(self) -> int:
        """Secondes Unix du début (pour `<t:…:F>`)."""
        return int(self.debut.timestamp())

    @property
    def cle(self) -> str:
        """Forme compacte du début en UTC (« 20270316T1400Z »), que `lire_cle_occurrence` relit."""
        return self.debut.strftime("%Y%m%dT%H%MZ")

    def debut_local(self, ville: Ville) -> datetime:
        """Début dans l'horloge de la ville."""
        return ville.heure_locale(self.debut)

    def fin_locale(self, ville: Ville) -> datetime:
        """Fin dans l'horloge de la ville."""
        return ville.heure_locale(self.fin)


def lire_cle_occurrence(cle: str) -> datetime:
    """Rend l'instant UTC d'une clé d'occurrence (« 20270316T1400Z »)."""
    try:
        return datetime.strptime(cle, "%Y%m%dT%H%MZ").replace(tzinfo=UTC)
    except ValueError:
        raise ErreurMetier(
            f"Occurrence non reconnue : {citer(cle)}. Choisissez-la dans la liste proposée."
        ) from None


def _localiser(local: datetime, fuseau: ZoneInfo, pli: int) -> tuple[datetime, bool]:
    instant, existe = _aller_retour(local.replace(fold=pli), fuseau)
    if existe:
        return instant, False
    # Heure sautée : comme l'horloge, on avance du saut (décalage d'avant le changement, pli 0).
    instant, _ = _aller_retour(local.replace(fold=0), fuseau)
    return instant, True


def _exiger_utc(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("instant sans fuseau")
    return instant.astimezone(UTC)


def occurrences(
    reunion: Reunion,
    apres: datetime,
    avant: datetime | None = None,
    limite: int = 50,
    annulees: EnsembleAbstrait[datetime] = frozenset(),
) -> list[Occurrence]:
    """Déroule la série dans le fuseau d'ancrage : séances qui commencent après `apres` (et avant `avant`)."""
    if reunion.id is None:
        raise ValueError("réunion non enregistrée")
    if reunion.annulee or limite <= 0:
        return []
    apres = _exiger_utc(apres)
    avant = _exiger_utc(avant) if avant is not None else None
    fuseau = zone(reunion.fuseau)
    duree = timedelta(minutes=reunion.duree_minutes)
    annulees = {_exiger_utc(a) for a in annulees}
    premier = datetime.combine(reunion.date_debut, reunion.heure_locale.replace(tzinfo=None))
    iterateur: Iterator[datetime]
    if reunion.regle is None:
        iterateur = iter([premier])
    else:
        regle = rrulestr(reunion.regle, dtstart=premier)
        # Un jour de marge : l'heure murale et l'heure UTC ne tombent pas toujours le même jour.
        depart = max(premier, apres.astimezone(fuseau).replace(tzinfo=None) - timedelta(days=1))
        iterateur = regle.xafter(depart, inc=True)
    fin_locale = avant.astimezone(fuseau).replace(tzinfo=None) + timedelta(days=1) if avant else None
    trouvees: list[Occurrence] = []
    for local in iterateur:
        if fin_locale is not None and local > fin_locale:
            break
        debut, decalee = _localiser(local, fuseau, reunion.pli)
        if debut <= apres or debut in annulees:
            continue
        if avant is not None and debut >= avant:
            break
        trouvees.append(Occurrence(debut, debut + duree, reunion.id, decalee))
        if len(trouvees) >= limite:
            break
    return trouvees


# --- Écart inhabituel ----------------------------------------------------------------------------


@lru_cache(maxsize=64)
def ecart_habituel(reference: Ville, autre: Ville, annee: int) -> timedelta:
    """Rend l'écart le plus fréquent de l'année entre deux villes (6 h pour Terrebonne – Namur)."""
    debut = datetime(annee, 1, 1, 12, tzinfo=UTC)
    jours = (date(annee + 1, 1, 1) - date(annee, 1, 1)).days
    compte = Counter(ecart(reference, autre, debut + timedelta(days=n)) for n in range(jours))
    return compte.most_common(1)[0][0]


def ecart_inhabituel(instant: datetime, reference: Ville, autre: Ville) -> timedelta | None:
    """Rend l'écart à cet instant s'il diffère de l'écart habituel de l'année, sinon None."""
    actuel = ecart(reference, autre, instant)
    annee = reference.heure_locale(instant).year
    return None if actuel == ecart_habituel(reference, autre, annee) else actuel


# --- Créneaux communs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Creneau:
    """Plage (UTC) où toutes les villes sont dans leurs heures de bureau."""

    debut: datetime
    fin: datetime

    @property
    def duree(self) -> timedelta:
        """Longueur de la plage."""
        return self.fin - self.debut


Plage = tuple[datetime, datetime]


def _intersection(premieres: list[Plage], secondes: list[Plage]) -> list[Plage]:
    communes = []
    for debut_a, fin_a in premieres:
        for debut_b, fin_b in secondes:
            debut, fin = max(debut_a, debut_b), min(fin_a, fin_b)
            if debut < fin:
                communes.append((debut, fin))
    return sorted(communes)


def _bureau(ville: Ville, jour: date, ouverture: time, fermeture: time) -> Plage:
    debut, _ = _localiser(datetime.combine(jour, ouverture), ville.zone, 0)
    fin, _ = _localiser(datetime.combine(jour, fermeture), ville.zone, 0)
    return debut, fin


def creneaux_communs(
    villes: Sequence[Ville],
    du: date,
    jours: int,
    duree: timedelta,
    debut_bureau: time = time(9),
    fin_bureau: time = time(17),
    *,
    apres: datetime | None = None,
) -> list[Creneau]:
    """Trouve, jour ouvré par jour ouvré, les plages communes aux heures de bureau de toutes les villes.

    Les jours sont ceux de la première ville ; les autres villes n'ouvrent pas le week-end non plus.
    Rend les plages d'au moins `duree`, les plus longues d'abord puis les plus tôt.
    """
    if not 1 <= jours <= JOURS_CRENEAUX_MAX:
        raise ErreurMetier(f"Cherchez sur 1 à {JOURS_CRENEAUX_MAX} jours (demandé : {jours}).")
    if duree <= timedelta(0) or duree > CRENEAU_MAX:
        raise ErreurMetier(
            f"La durée cherchée doit être comprise entre 1 minute et 8{NBSP}h "
            f"(demandé : {format_rappel(duree) if duree > timedelta(0) else '0'})."
        )
    if not villes:
        return []
    if debut_bureau >= fin_bureau:
        raise ErreurMetier("Les heures de bureau doivent commencer avant de finir.")
    limite = _exiger_utc(apres) if apres is not None else None
    reference, autres = villes[0], villes[1:]
    creneaux: list[Creneau] = []
    for decalage in range(jours):
        jour = du + timedelta(days=decalage)
        if jour.weekday() >= 5:
            continue
        communes = [_bureau(reference, jour, debut_bureau, fin_bureau)]
        for ville in autres:
            # Selon le fuseau, la journée de bureau d'une autre ville peut tomber la veille ou le lendemain.
            voisins = (jour + timedelta(days=n) for n in (-1, 0, 1))
            plages = [_bureau(ville, j, debut_bureau, fin_bureau) for j in voisins if j.weekday() < 5]
            communes = _intersection(communes, plages)
        for debut, fin in communes:
            if limite is not None:
                debut = max(debut, limite)
            if fin - debut >= duree:
                creneaux.append(Creneau(debut, fin))
    return sorted(creneaux, key=lambda c: (-c.duree, c.debut))


# --- Base de données -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReunionPlanifiee:
    """Réunion enregistrée, message sur une heure ambiguë, et ses prochaines séances."""

    reunion: Reunion
    message: str | None
    prochaines: list[Occurrence]


@dataclass(frozen=True)
class Annulation:
    """Série annulée (occurrence None) ou une seule séance retirée."""

    reunion: Reunion
    occurrence: Occurrence | None


def _verifier_titre(titre: str) -> str:
    propre = " ".join(titre.split())
    if not propre:
        raise ErreurMetier("Donnez un titre à la réunion, par exemple « Comité de suivi du protocole ».")
    if len(propre) > LONGUEUR_TITRE:
        raise ErreurMetier(
            f"Le titre fait {len(propre)} caractères : {LONGUEUR_TITRE} au plus. Raccourcissez-le."
        )
    return propre


def annulees_par_reunion(session: Session, reunion_ids: list[int]) -> dict[int, set[datetime]]:
    """Débuts (UTC) des séances annulées de chaque série."""
    par_reunion: dict[int, set[datetime]] = {i: set() for i in reunion_ids}
    if reunion_ids:
        lignes = session.exec(
            select(OccurrenceAnnulee.reunion_id, OccurrenceAnnulee.debut).where(
                col(OccurrenceAnnulee.reunion_id).in_(reunion_ids)
            )
        )
        for reunion_id, debut in lignes:
            par_reunion[reunion_id].add(_exiger_utc(debut))
    return par_reunion


def salon_des_rappels(salon_rappels_id: int | None, reunion: Reunion) -> int | None:
    """Le salon des rappels du serveur s'il est choisi, sinon celui de la réunion."""
    return salon_rappels_id or reunion.salon_id


def seances_annulees(session: Session, reunion_id: int) -> set[datetime]:
    """Débuts (UTC) des séances annulées d'une série."""
    return annulees_par_reunion(session, [reunion_id])[reunion_id]


def planifier_reunion(
    session: Session,
    *,
    guild_id: int,
    auteur_id: int,
    titre: str,
    jour: date,
    heure: time,
    ville_code: str,
    duree: timedelta,
    recurrence: Recurrence,
    rappels: list[timedelta],
    salon_id: int | None,
    lien: str | None,
    maintenant: datetime,
) -> ReunionPlanifiee:
    """Enregistre une réunion (ou une série) à l'heure murale d'une ville partenaire."""
    titre = _verifier_titre(titre)
    recurrence = Recurrence(recurrence)
    _verifier_duree(duree, f"« {format_rappel(duree)} »")
    _verifier_rappels(rappels)
    lien = verifier_lien(lien) if lien is not None else None
    configuration = configuration_amorcee(session, guild_id)
    ville = configuration.ville(ville_code)
    resolution = resoudre_heure_locale(jour, heure, ville)
    if resolution.instant <= _exiger_utc(maintenant):
        raise ErreurMetier(
            f"Le {format_date_longue(jour)} à {format_heure(heure)} (heure de {ville.nom}) est déjà passé : "
            "choisissez une date et une heure à venir."
        )
    reunion = Reunion(
        guild_id=guild_id,
        numero=reserver_numero(session, guild_id, "reunion"),
        titre=titre,
        ville=ville.code,
        fuseau=ville.fuseau,
        date_debut=jour,
        heure_locale=heure.replace(tzinfo=None, fold=0),
        pli=resolution.pli,
        duree_minutes=round(duree.total_seconds() / 60),
        recurrence=recurrence,
        regle=regle_pour(recurrence, jour),
        rappels=texte_rappels(rappels),
        salon_id=salon_id,
        lien=lien,
        auteur_id=auteur_id,
        cree_le=maintenant,
    )
    session.add(reunion)
    session.flush()
    journaliser(
        session,
        guild_id=guild_id,
        auteur_id=auteur_id,
        entite="reunion",
        entite_id=reunion.numero,
        changements={
            "titre": (None, reunion.titre),
            "ville": (None, reunion.ville),
            "date_debut": (None, reunion.date_debut.isoformat()),
            "heure_locale": (None, reunion.heure_locale.strftime("%H:%M")),
            "duree_minutes": (None, reunion.duree_minutes),
            "recurrence": (None, recurrence.value),
            "regle": (None, reunion.regle),
            "rappels": (None, reunion.rappels),
            "salon_id": (None, reunion.salon_id),
            "lien": (None, reunion.lien),
        },
        quand=maintenant,
    )
    prochaines = occurrences(reunion, maintenant, limite=PROCHAINES)
    return ReunionPlanifiee(reunion=reunion, message=resolution.message, prochaines=prochaines)


def lire_reunion(session: Session, *, guild_id: int, numero: int) -> Reunion:
    """Rend la réunion de ce numéro sur ce serveur."""
    reunion = session.exec(
        select(Reunion).where(Reunion.guild_id == guild_id, Reunion.numero == numero)
    ).first()
    if reunion is None:
        raise ErreurMetier(
            f"La réunion #{numero} n'existe pas sur ce serveur. Voyez `/reunion liste` pour les numéros."
        )
    return reunion


def lister_reunions(
    session: Session, *, guild_id: int, maintenant: datetime
) -> list[tuple[Reunion, Occurrence]]:
    """Rend chaque réunion non annulée qui a une séance à venir, avec cette séance, la plus proche d'abord."""
    maintenant = _exiger_utc(maintenant)
    # Une réunion unique passée depuis plus de deux jours ne peut plus avoir de séance à venir.
    reunions = session.exec(
        select(Reunion).where(
            Reunion.guild_id == guild_id,
            col(Reunion.annulee).is_(False),
            or_(
                col(Reunion.regle).is_not(None),
                col(Reunion.date_debut) >= (maintenant - timedelta(days=2)).date(),
            ),
        )
    ).all()
    annulees = annulees_par_reunion(session, [r.id for r in reunions if r.id is not None])
    liste = []
    for reunion in reunions:
        assert reunion.id is not None
        suivantes = occurrences(reunion, maintenant, limite=1, annulees=annulees[reunion.id])
        if suivantes:
            liste.append((reunion, suivantes[0]))
    return sorted(liste, key=lambda paire: (paire[1].debut, paire[0].numero))


def annuler_reunion(
    session: Session,
    *,
    guild_id: int,
    numero: int,
    auteur_id: int,
    occurrence: datetime | None,
    maintenant: datetime,
    est_coordination: bool = False,
) -> Annulation:
    """Annule toute la série, ou une seule séance (repérée par son début en UTC).

    Seuls l'auteur de la réunion et la coordination peuvent annuler.
    """
    reunion = lire_reunion(session, guild_id=guild_id, numero=numero)
    assert reunion.id is not None
    if reunion.auteur_id != auteur_id and not est_coordination:
        raise RefusDroits(
            f"Seule la personne qui a planifié la réunion #{numero} (<@{reunion.auteur_id}>) ou la "
            "coordination du protocole peut l'annuler. Rien n'a été modifié."
        )
    maintenant = _exiger_utc(maintenant)
    if reunion.annulee:
        raise ErreurMetier(f"La réunion #{numero} est déjà annulée.")
    annulees = annulees_par_reunion(session, [reunion.id])[reunion.id]
    if occurrence is None:
        if not occurrences(reunion, maintenant, limite=1, annulees=annulees):
            raise ErreurMetier(f"La réunion #{numero} est déjà passée : il n'y a plus rien à annuler.")
        reunion.annulee = True
        session.add(reunion)
        journaliser(
            session,
            guild_id=guild_id,
            auteur_id=auteur_id,
            entite="reunion",
            entite_id=numero,
            changements={"annulee": (False, True)},
            quand=maintenant,
        )
        session.flush()
        return Annulation(reunion=reunion, occurrence=None)
    debut = _exiger_utc(occurrence)
    if debut <= maintenant:
        raise ErreurMetier(
            f"Cette séance de la réunion #{numero} est déjà passée : choisissez une séance à venir."
        )
    trouvees = occurrences(reunion, debut - _SECONDE, avant=debut + _SECONDE, limite=1)
    if not trouvees or trouvees[0].debut != debut:
        raise ErreurMetier(
            f"La réunion #{numero} n'a pas de séance à cet instant : "
            "choisissez-en une dans la liste proposée."
        )
    if debut in annulees:
        raise ErreurMetier(f"Cette séance de la réunion #{numero} est déjà annulée.")
    session.add(
        OccurrenceAnnulee(
            guild_id=guild_id, reunion_id=reunion.id, debut=debut, auteur_id=auteur_id, quand=maintenant
        )
    )
    journaliser(
        session,
        guild_id=guild_id,
        auteur_id=auteur_id,
        entite="reunion",
        entite_id=numero,
        changements={"occurrence_annulee": (None, debut.isoformat())},
        quand=maintenant,
    )
    session.flush()
    return Annulation(reunion=reunion, occurrence=trouvees[0])


def rechercher_reunions(session: Session, *, guild_id: int, saisie: str, limite: int = 25) -> list[Reunion]:
    """Propose des réunions par numéro (« 12 », « #12 ») ou par mots du titre, sans égard aux accents."""
    cle = normaliser(saisie).lstrip("#").strip()
    mots = cle.split()
    reunions = session.exec(select(Reunion).where(Reunion.guild_id == guild_id)).all()
    classees: list[tuple[tuple[int, bool, int], Reunion]] = []
    for reunion in reunions:
        titre = normaliser(reunion.titre)
        if cle.isdigit() and str(reunion.numero) == cle:
            rang = 0
        elif cle.isdigit() and str(reunion.numero).startswith(cle):
            rang = 1
        elif all(mot in titre for mot in mots):
            rang = 2
        else:
            continue
        classees.append(((rang, reunion.annulee, -reunion.numero), reunion))
    classees.sort(key=lambda paire: paire[0])
    return [reunion for _, reunion in classees[:limite]]
