"""Amorçage d'un serveur et lecture / modification de sa configuration."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time
from typing import Literal

from sqlalchemy import case, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from metier.editions import amorcer_edition
from metier.erreurs import ErreurMetier
from metier.journal import journaliser
from metier.partenaires import amorcer_partenaires
from metier.protocole import VILLES_PAR_DEFAUT, VilleModele
from metier.temps import JOURS_SEMAINE, Ville, normaliser
from modeles import ConfigServeur, VillePartenaire


@dataclass(frozen=True)
class Configuration:
    """Configuration d'un serveur avec ses villes partenaires, prête à afficher."""

    config: ConfigServeur
    villes: tuple[Ville, ...]

    @property
    def reference(self) -> Ville:
        """Ville dont l'horloge fait foi pour « aujourd'hui » : celle du résumé, sinon la première."""
        return next((v for v in self.villes if v.code == self.config.resume_ville), self.villes[0])

    def ville(self, saisie: str) -> Ville:
        """Rend la ville partenaire désignée par son code ou son nom (sans égard aux accents)."""
        cle = normaliser(saisie)
        for ville in self.villes:
            if cle in {ville.code, normaliser(ville.nom)}:
                return ville
        noms = ", ".join(v.nom for v in self.villes)
        raise ErreurMetier(
            f"« {saisie[:40]} » n'est pas une ville partenaire de ce serveur. Choisissez : {noms}."
        )


def _ville(ligne: VillePartenaire | VilleModele) -> Ville:
    return Ville(code=ligne.code, nom=ligne.nom, fuseau=ligne.fuseau, couleur=ligne.couleur)


REFERENCE_PAR_DEFAUT = _ville(VILLES_PAR_DEFAUT[0])
"""Ville de référence d'un serveur pas encore amorcé : la première du préréglage, comme après l'amorçage."""


def amorcer_serveur(session: Session, guild_id: int, maintenant: datetime | None = None) -> bool:
    """Crée la configuration par défaut, les villes, l'édition 2024-2026 et ses partenaires s'ils manquent.

    Rend vrai si le serveur vient d'être amorcé. Idempotent, y compris en concurrence.
    """
    if session.get(ConfigServeur, guild_id) is not None:
        return False
    try:
        with session.begin_nested():
            # Rien dans l'historique d'un nouveau serveur : le cumul (vide) de l'évolution est à jour.
            config = ConfigServeur(guild_id=guild_id, evolution_a_jour=True)
            if maintenant is not None:
                config.cree_le = config.modifie_le = maintenant
            session.add(config)
            session.flush()
    except IntegrityError:
        return False  # un autre processus vient de l'amorcer
    for ordre, ville in enumerate(VILLES_PAR_DEFAUT):
        session.add(
            VillePartenaire(
                guild_id=guild_id,
                code=ville.code,
                nom=ville.nom,
                fuseau=ville.fuseau,
                couleur=ville.couleur,
                ordre=ordre,
            )
        )
    amorcer_edition(session, guild_id, [v.code for v in VILLES_PAR_DEFAUT])
    amorcer_partenaires(session, guild_id)
    return True


def amorcer_serveurs(session: Session, guild_ids: list[int], maintenant: datetime | None = None) -> list[int]:
    """Amorce chaque serveur qui ne l'est pas encore ; rend ceux qui viennent de l'être."""
    connus = set(
        session.exec(select(ConfigServeur.guild_id).where(col(ConfigServeur.guild_id).in_(guild_ids)))
    )
    return [g for g in guild_ids if g not in connus and amorcer_serveur(session, g, maintenant)]


def lire_configuration(session: Session, guild_id: int) -> Configuration | None:
    """Rend la configuration du serveur, ou None s'il n'a pas encore été amorcé (lecture seule)."""
    config = session.get(ConfigServeur, guild_id)
    if config is None:
        return None
    villes = session.exec(
        select(VillePartenaire)
        .where(VillePartenaire.guild_id == guild_id)
        .order_by(col(VillePartenaire.ordre))
    ).all()
    return Configuration(config=config, villes=tuple(_ville(v) for v in villes))


def lire_configurations(session: Session, guild_ids: list[int]) -> dict[int, Configuration]:
    """Les configurations de plusieurs serveurs en deux requêtes (le démarrage d'un bot qui en sert mille)."""
    configs = {
        c.guild_id: c
        for c in session.exec(select(ConfigServeur).where(col(ConfigServeur.guild_id).in_(guild_ids)))
    }
    villes: dict[int, list[Ville]] = {g: [] for g in configs}
    for ligne in session.exec(
        select(VillePartenaire)
        .where(col(VillePartenaire.guild_id).in_(list(configs)))
        .order_by(col(VillePartenaire.guild_id), col(VillePartenaire.ordre))
    ):
        villes[ligne.guild_id].append(_ville(ligne))
    return {g: Configuration(config=c, villes=tuple(villes[g])) for g, c in configs.items()}


def ville_de_reference(session: Session, guild_id: int) -> Ville:
    """Rend la ville dont l'horloge fait foi pour « aujourd'hui » sur ce serveur (lecture seule)."""
    configuration = lire_configuration(session, guild_id)
    return configuration.reference if configuration is not None else REFERENCE_PAR_DEFAUT


def configuration_amorcee(session: Session, guild_id: int) -> Configuration:
    """Rend la configuration du serveur, en l'amorçant au besoin (transaction d'écriture)."""
    amorcer_serveur(session, guild_id)
    configuration = lire_configuration(session, guild_id)
    assert configuration is not None
    return configuration


Compteur = Literal["action", "indicateur", "reunion"]


def reserver_numero(session: Session, guild_id: int, compteur: Compteur, voulu: int | None = None) -> int:
    """Réserve le prochain numéro (#12) d'un compteur du serveur, sans doublon même en concurrence.

    `voulu` : un numéro déjà choisi (celui d'un registre importé) ; le compteur passe au-delà, pour que
    les numéros suivants ne le reprennent pas. `UPDATE … RETURNING` verrouille la ligne de
    configuration jusqu'à la fin de la transaction.
    """
    colonne = {
        "action": col(ConfigServeur.prochain_numero_action),
        "indicateur": col(ConfigServeur.prochain_numero_indicateur),
        "reunion": col(ConfigServeur.prochain_numero_reunion),
    }[compteur]
    valeur = colonne + 1 if voulu is None else case((colonne > voulu, colonne), else_=voulu + 1)
    suivant = session.execute(
        update(ConfigServeur)
        .where(col(ConfigServeur.guild_id) == guild_id)
        .values({colonne: valeur})
        .returning(colonne)
    ).scalar_one()
    return int(suivant) - 1 if voulu is None else voulu


TypeSalon = Literal["resume", "rappels"]


def definir_salon(
    session: Session,
    *,
    guild_id: int,
    auteur_id: int,
    type_salon: TypeSalon,
    salon_id: int | None,
    maintenant: datetime,
) -> Configuration:
    """Choisit le salon du résumé hebdomadaire ou des rappels (None pour l'enlever)."""
    configuration = configuration_amorcee(session, guild_id)
    config = configuration.config
    champ = "salon_resume_id" if type_salon == "resume" else "salon_rappels_id"
    ancien = getattr(config, champ)
    setattr(config, champ, salon_id)
    _enregistrer(session, config, auteur_id, {champ: (ancien, salon_id)}, maintenant)
    return configuration


def definir_role_coordination(
    session: Session, *, guild_id: int, auteur_id: int, role_id: int | None, maintenant: datetime
) -> Configuration:
    """Choisit le rôle de coordination (None pour l'enlever)."""
    configuration = configuration_amorcee(session, guild_id)
    config = configuration.config
    ancien = config.role_coordination_id
    config.role_coordination_id = role_id
    _enregistrer(session, config, auteur_id, {"role_coordination_id": (ancien, role_id)}, maintenant)
    return configuration


def definir_role_rappels(
    session: Session, *, guild_id: int, auteur_id: int, role_id: int | None, maintenant: datetime
) -> Configuration:
    """Choisit le rôle que mentionnent les rappels des réunions qui n'en choisissent pas (None : aucun)."""
    configuration = configuration_amorcee(session, guild_id)
    config = configuration.config
    ancien = config.role_rappels_id
    config.role_rappels_id = role_id
    _enregistrer(session, config, auteur_id, {"role_rappels_id": (ancien, role_id)}, maintenant)
    return configuration


def definir_horaire_resume(
    session: Session,
    *,
    guild_id: int,
    auteur_id: int,
    jour: int,
    heure: time,
    ville_code: str,
    maintenant: datetime,
) -> Configuration:
    """Fixe le jour, l'heure et la ville (son horloge) du résumé hebdomadaire."""
    if not 0 <= jour <= 6:
        raise ErreurMetier("Le jour doit être l'un de : " + ", ".join(JOURS_SEMAINE) + ".")
    configuration = configuration_amorcee(session, guild_id)
    configuration.ville(ville_code)  # refuse une ville inconnue
    config = configuration.config
    changements = {
        "resume_jour": (JOURS_SEMAINE[config.resume_jour], JOURS_SEMAINE[jour]),
        "resume_heure": (config.resume_heure.strftime("%H:%M"), heure.strftime("%H:%M")),
        "resume_ville": (config.resume_ville, ville_code),
    }
    config.resume_jour, config.resume_heure, config.resume_ville = jour, heure, ville_code
    _enregistrer(session, config, auteur_id, changements, maintenant)
    return configuration


def _enregistrer(
    session: Session,
    config: ConfigServeur,
    auteur_id: int,
    changements: Mapping[str, tuple[object, object]],
    maintenant: datetime,
) -> None:
    if journaliser(
        session,
        guild_id=config.guild_id,
        auteur_id=auteur_id,
        entite="config",
        entite_id=config.guild_id,
        changements=changements,
        quand=maintenant,
    ):
        config.modifie_le = maintenant
    session.add(config)
    session.flush()
