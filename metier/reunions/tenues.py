"""Réunions déjà tenues : consigner une séance passée, ses présents et son compte rendu.

Le groupe se réunit depuis janvier 2024, avant le bot. Une séance passée se consigne comme une
réunion ponctuelle (sans récurrence), avec une présence « présent » par membre reconnu (sa ville :
celle qu'il a dite, `/membre ville`) et, s'il y a de quoi l'écrire, un compte rendu dont les présents
sont ceux de la liste. Le rapport annuel et le bilan la comptent donc exactement comme une séance
tenue dans le bot (`metier.rapport.donnees._seances`).

Rien ne part pour elle : elle est sans rappel (« aucun ») ni salon, et déjà commencée ; rappels,
événements Discord, avis d'écart et ordre du jour ne visent que des séances à venir
(`occurrences(reunion, maintenant, …)`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlmodel import Session

from metier.erreurs import ErreurMetier
from metier.journal import journaliser
from metier.membres import fiches_des_membres
from metier.protocole import DEBUT_PROTOCOLE
from metier.reunions.comptes_rendus import verifier_champ
from metier.reunions.heure_locale import resoudre_heure_locale
from metier.reunions.registre import journaliser_creation, verifier_titre
from metier.reunions.saisie import format_rappel, texte_rappels, verifier_duree
from metier.reunions.series import exiger_utc, occurrences
from metier.serveurs import reserver_numero
from metier.stockage import ident
from metier.temps import Ville, format_date_courte, format_date_longue, format_heure
from modeles import CompteRendu, Presence, Recurrence, Reunion

_SECONDE = timedelta(seconds=1)
PRESENTS_INCONNUS = "Présents non reconnus à l'import"


@dataclass(frozen=True)
class SeancePassee:
    """Une séance ponctuelle tenue : vérifiée, son début situé en UTC."""

    titre: str
    jour: date
    heure: time
    ville: Ville
    duree: timedelta
    debut: datetime
    pli: int
    message: str | None = None  # comment une heure ambiguë (retour à l'heure normale) a été lue


def verifier_seance_passee(
    *, titre: str, jour: date, heure: time, ville: Ville, duree: timedelta, maintenant: datetime
) -> SeancePassee:
    """Vérifie une séance tenue : titre, durée, heure qui existe, du début du protocole à maintenant."""
    titre = verifier_titre(titre)
    verifier_duree(duree, f"« {format_rappel(duree)} »")
    if jour < DEBUT_PROTOCOLE:
        raise ErreurMetier(
            f"Le {format_date_courte(jour)} est avant le début du protocole "
            f"({format_date_courte(DEBUT_PROTOCOLE)}) : une réunion tenue se date de cette période."
        )
    resolution = resoudre_heure_locale(jour, heure, ville)
    if resolution.instant > exiger_utc(maintenant):
        raise ErreurMetier(
            f"La réunion du {format_date_longue(jour)} à {format_heure(heure)} (heure de {ville.nom}) "
            "n'a pas encore eu lieu : seules les réunions tenues s'importent. Planifiez-la avec "
            "/reunion planifier."
        )
    return SeancePassee(
        titre, jour, heure, ville, duree, resolution.instant, resolution.pli, resolution.message
    )


def seance_enregistree(reunion: Reunion, debut: datetime, annulees: Iterable[datetime] = ()) -> bool:
    """Vrai si la réunion (ponctuelle ou série) a une séance non annulée qui commence à `debut`."""
    trouvees = occurrences(reunion, debut - _SECONDE, debut + _SECONDE, limite=1, annulees=set(annulees))
    return bool(trouvees) and trouvees[0].debut == debut


def consigner_seance_passee(
    session: Session,
    *,
    guild_id: int,
    auteur_id: int,
    seance: SeancePassee,
    presents: Sequence[int],
    presents_inconnus: Sequence[str] = (),
    points: str | None = None,
    decisions: str | None = None,
    maintenant: datetime,
) -> Reunion:
    """Enregistre une séance tenue : la réunion ponctuelle, les présences, le compte rendu s'il a un texte.

    Les noms que l'on n'a pu rattacher à aucun membre restent en texte dans le compte rendu.
    """
    if seance.debut > exiger_utc(maintenant):
        raise ErreurMetier("Cette réunion n'a pas encore eu lieu : planifiez-la avec /reunion planifier.")
    textes = {"points": verifier_champ("points", points), "decisions": verifier_champ("decisions", decisions)}
    if presents_inconnus:
        inconnus = f"{PRESENTS_INCONNUS} : {', '.join(presents_inconnus)}"
        textes["points"] = verifier_champ("points", "\n\n".join(filter(None, [textes["points"], inconnus])))
    reunion = Reunion(
        guild_id=guild_id,
        numero=reserver_numero(session, guild_id, "reunion"),
        titre=seance.titre,
        ville=seance.ville.code,
        fuseau=seance.ville.fuseau,
        date_debut=seance.jour,
        heure_locale=seance.heure.replace(tzinfo=None, fold=0),
        pli=seance.pli,
        duree_minutes=round(seance.duree.total_seconds() / 60),
        recurrence=Recurrence.AUCUNE,
        regle=None,
        rappels=texte_rappels([]),
        salon_id=None,
        lien=None,
        auteur_id=auteur_id,
        cree_le=maintenant,
    )
    session.add(reunion)
    session.flush()
    journaliser_creation(session, reunion)
    presents = list(dict.fromkeys(presents))
    fiches = fiches_des_membres(session, guild_id, presents)
    for membre_id in presents:
        fiche = fiches.get(membre_id)
        session.add(
            Presence(
                guild_id=guild_id,
                reunion_id=ident(reunion),
                debut=seance.debut,
                membre_id=membre_id,
                reponse="present",
                ville=fiche.ville if fiche else None,
                quand=maintenant,
            )
        )
    if any(textes.values()):
        session.add(
            CompteRendu(
                guild_id=guild_id,
                reunion_id=ident(reunion),
                debut=seance.debut,
                presents=",".join(str(i) for i in presents),
                auteur_id=auteur_id,
                cree_le=maintenant,
                modifie_le=maintenant,
                points=textes["points"],
                decisions=textes["decisions"],
            )
        )
    journaliser(
        session,
        guild_id=guild_id,
        auteur_id=auteur_id,
        entite="reunion",
        entite_id=reunion.numero,
        changements={
            "seance_tenue": (None, seance.debut.isoformat()),
            "presents": (None, ",".join(str(i) for i in presents) or None),
            "presents_inconnus": (None, ", ".join(presents_inconnus) or None),
        },
        quand=maintenant,
    )
    session.flush()
    return reunion
