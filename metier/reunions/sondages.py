"""Vote sur des créneaux communs : jusqu'à cinq propositions, un vote par membre, clôture."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from metier.erreurs import ErreurMetier, RefusDroits
from metier.reunions.creneaux import Creneau
from metier.reunions.series import exiger_utc, lire_cle_occurrence
from metier.temps import Ville
from modeles import SondageCreneaux, VoteCreneau

PROPOSITIONS_MAX = 5


@dataclass(frozen=True)
class EtatSondage:
    """Un sondage, ses propositions (créneaux) et le nombre de voix de chacune."""

    sondage: SondageCreneaux
    propositions: list[Creneau]
    voix: list[int]

    @property
    def retenue(self) -> int | None:
        """Le rang (à partir de 1) de la proposition la plus votée, la plus tôt à égalité ; None sans vote."""
        if not any(self.voix):
            return None
        meilleur = max(self.voix)
        return self.voix.index(meilleur) + 1


def choisir_propositions(creneaux: list[Creneau], duree: timedelta, reference: Ville) -> list[Creneau]:
    """Les premières plages de jours différents (dans l'horloge de `reference`), de la durée cherchée."""
    choisies: list[Creneau] = []
    jours: set[object] = set()
    for creneau in sorted(creneaux, key=lambda c: c.debut):
        jour = reference.heure_locale(creneau.debut).date()
        if jour in jours:
            continue
        jours.add(jour)
        choisies.append(Creneau(creneau.debut, creneau.debut + duree))
        if len(choisies) == PROPOSITIONS_MAX:
            break
    return choisies


def ouvrir_sondage(
    session: Session,
    *,
    guild_id: int,
    auteur_id: int,
    salon_id: int | None,
    propositions: list[Creneau],
    maintenant: datetime,
) -> EtatSondage:
    """Enregistre un sondage sur ces créneaux (un à cinq)."""
    if not propositions:
        raise ErreurMetier("Aucun créneau à soumettre au vote : cherchez sur plus de jours.")
    propositions = propositions[:PROPOSITIONS_MAX]
    duree = propositions[0].duree
    sondage = SondageCreneaux(
        guild_id=guild_id,
        auteur_id=auteur_id,
        salon_id=salon_id,
        duree_minutes=round(duree.total_seconds() / 60),
        propositions=",".join(c.debut.strftime("%Y%m%dT%H%MZ") for c in propositions),
        cree_le=maintenant,
    )
    session.add(sondage)
    session.flush()
    return EtatSondage(sondage, propositions, [0] * len(propositions))


def _lire(session: Session, guild_id: int, sondage_id: int, *, verrou: bool = False) -> SondageCreneaux:
    requete = select(SondageCreneaux).where(SondageCreneaux.id == sondage_id)
    sondage = session.exec(requete.with_for_update() if verrou else requete).first()
    if sondage is None or sondage.guild_id != guild_id:
        raise ErreurMetier("Ce vote n'existe plus.")
    return sondage


def etat_sondage(session: Session, *, guild_id: int, sondage_id: int) -> EtatSondage:
    """Le sondage et les voix de chaque proposition."""
    sondage = _lire(session, guild_id, sondage_id)
    duree = timedelta(minutes=sondage.duree_minutes)
    propositions = [
        Creneau(debut, debut + duree) for debut in map(lire_cle_occurrence, sondage.propositions.split(","))
    ]
    voix = [0] * len(propositions)
    for rang, nombre in session.exec(
        select(VoteCreneau.rang, func.count())
        .where(VoteCreneau.sondage_id == sondage_id)
        .group_by(col(VoteCreneau.rang))
    ):
        if 1 <= rang <= len(voix):
            voix[rang - 1] = int(nombre)
    return EtatSondage(sondage, propositions, voix)


def _verifier_ouvert(etat: EtatSondage, maintenant: datetime) -> None:
    if etat.sondage.clos:
        raise ErreurMetier("Ce vote est clos : il n'accepte plus de réponse.")
    if exiger_utc(maintenant) >= min(c.debut for c in etat.propositions):
        raise ErreurMetier("Ce vote est clos : le premier créneau proposé est déjà passé.")


def voter(
    session: Session, *, guild_id: int, sondage_id: int, membre_id: int, rang: int, maintenant: datetime
) -> tuple[EtatSondage, bool]:
    """Enregistre le vote d'un membre ; un second vote remplace le premier (rendu vrai dans ce cas)."""
    etat = etat_sondage(session, guild_id=guild_id, sondage_id=sondage_id)
    _verifier_ouvert(etat, maintenant)
    if not 1 <= rang <= len(etat.propositions):
        raise ErreurMetier("Cette proposition n'existe pas dans ce vote.")
    existant = session.exec(
        select(VoteCreneau).where(VoteCreneau.sondage_id == sondage_id, VoteCreneau.membre_id == membre_id)
    ).first()
    remplace = existant is not None
    if existant is None:
        try:
            with session.begin_nested():
                session.add(
                    VoteCreneau(
                        guild_id=guild_id,
                        sondage_id=sondage_id,
                        membre_id=membre_id,
                        rang=rang,
                        quand=maintenant,
                    )
                )
                session.flush()
        except IntegrityError:  # deux clics simultanés : le second remplace le premier
            existant, remplace = (
                session.exec(
                    select(VoteCreneau).where(
                        VoteCreneau.sondage_id == sondage_id, VoteCreneau.membre_id == membre_id
                    )
                ).one(),
                True,
            )
    if existant is not None:
        existant.rang, existant.quand = rang, maintenant
        session.add(existant)
        session.flush()
    return etat_sondage(session, guild_id=guild_id, sondage_id=sondage_id), remplace


def clore_sondage(
    session: Session,
    *,
    guild_id: int,
    sondage_id: int,
    membre_id: int,
    est_coordination: bool,
    maintenant: datetime,
) -> EtatSondage:
    """Clôt le vote (son auteur ou la coordination) ; rend le résultat."""
    sondage = _lire(session, guild_id, sondage_id, verrou=True)
    if sondage.auteur_id != membre_id and not est_coordination:
        raise RefusDroits(
            f"Seule la personne qui a lancé ce vote (<@{sondage.auteur_id}>) ou la coordination peut "
            "le clore."
        )
    if sondage.clos:
        raise ErreurMetier("Ce vote est déjà clos.")
    sondage.clos, sondage.clos_le = True, maintenant
    session.add(sondage)
    session.flush()
    return etat_sondage(session, guild_id=guild_id, sondage_id=sondage_id)


def noter_message_sondage(session: Session, *, sondage_id: int, message_id: int) -> None:
    """Retient le message du vote."""
    sondage = session.get(SondageCreneaux, sondage_id)
    if sondage is not None:
        sondage.message_id = message_id
        session.add(sondage)
