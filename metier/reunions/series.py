"""Réunions : séries RFC 5545 déroulées dans la ville d'ancrage, semaines à écart inhabituel."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from collections.abc import Set as EnsembleAbstrait
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from metier.erreurs import ErreurMetier
from metier.reunions.heure_locale import aller_retour
from metier.temps import (
    JOURS_SEMAINE,
    Ville,
    citer,
    ecart,
    zone,
)
from modeles import Recurrence, Reunion

_JOURS_RRULE = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_RANGS = ("premier", "deuxième", "troisième", "quatrième")

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
    nom = JOURS_SEMAINE[debut.weekday()]
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


def lire_cle_occurrence(cle: str) -> datetime:
    """Rend l'instant UTC d'une clé d'occurrence (« 20270316T1400Z »)."""
    try:
        return datetime.strptime(cle, "%Y%m%dT%H%MZ").replace(tzinfo=UTC)
    except ValueError:
        raise ErreurMetier(
            f"Occurrence non reconnue : {citer(cle)}. Choisissez-la dans la liste proposée."
        ) from None


def localiser(local: datetime, fuseau: ZoneInfo, pli: int) -> tuple[datetime, bool]:
    instant, existe = aller_retour(local.replace(fold=pli), fuseau)
    if existe:
        return instant, False
    # Heure sautée : comme l'horloge, on avance du saut (décalage d'avant le changement, pli 0).
    instant, _ = aller_retour(local.replace(fold=0), fuseau)
    return instant, True


def exiger_utc(instant: datetime) -> datetime:
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
    apres = exiger_utc(apres)
    avant = exiger_utc(avant) if avant is not None else None
    fuseau = zone(reunion.fuseau)
    duree = timedelta(minutes=reunion.duree_minutes)
    annulees = {exiger_utc(a) for a in annulees}
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
        debut, decalee = localiser(local, fuseau, reunion.pli)
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
