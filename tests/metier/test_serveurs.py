"""Amorçage des serveurs, configuration et journal, sur une vraie base (SQLite et PostgreSQL)."""

from datetime import UTC, datetime, time

import pytest
from sqlmodel import Session, select

from bot.base import BaseDonnees
from metier.erreurs import ErreurMetier
from metier.serveurs import (
    amorcer_serveur,
    amorcer_serveurs,
    configuration_amorcee,
    definir_horaire_resume,
    definir_role_coordination,
    definir_salon,
    lire_configuration,
)
from modeles import Axe, EntreeJournal, Objectif

MAINTENANT = datetime(2026, 11, 26, 12, tzinfo=UTC)
SERVEUR, AUTRE_SERVEUR, AUTEUR = 111, 222, 42


def test_amorcer_cree_axes_objectifs_et_villes(base: BaseDonnees) -> None:
    assert base.transaction(amorcer_serveur, SERVEUR) is True
    assert base.transaction(amorcer_serveur, SERVEUR) is False  # idempotent

    def lire(session: Session) -> tuple[list[str], int]:
        axes = session.exec(select(Axe).where(Axe.guild_id == SERVEUR).order_by(Axe.numero)).all()
        objectifs = session.exec(select(Objectif).where(Objectif.guild_id == SERVEUR)).all()
        return [a.titre for a in axes], len(objectifs)

    titres, nb_objectifs = base.lecture(lire)
    assert titres == [
        "La lutte aux changements climatiques et la transition écologique",
        "Le développement social et économique",
        "Les échanges universitaires",
    ]
    assert nb_objectifs == 9
    configuration = base.lecture(lire_configuration, SERVEUR)
    assert [(v.nom, v.fuseau) for v in configuration.villes] == [
        ("Terrebonne", "America/Toronto"),
        ("Namur", "Europe/Brussels"),
    ]
    assert (configuration.config.resume_jour, configuration.config.resume_heure) == (0, time(9))
    assert configuration.config.resume_ville == "terrebonne"


def test_deux_serveurs_ont_des_donnees_separees(base: BaseDonnees) -> None:
    assert base.transaction(amorcer_serveurs, [SERVEUR, AUTRE_SERVEUR]) == [SERVEUR, AUTRE_SERVEUR]
    assert base.transaction(amorcer_serveurs, [SERVEUR, AUTRE_SERVEUR]) == []
    base.transaction(
        definir_salon,
        guild_id=SERVEUR,
        auteur_id=AUTEUR,
        type_salon="resume",
        salon_id=999,
        maintenant=MAINTENANT,
    )
    assert base.lecture(lire_configuration, SERVEUR).config.salon_resume_id == 999
    assert base.lecture(lire_configuration, AUTRE_SERVEUR).config.salon_resume_id is None
    nb_axes = base.lecture(lambda s: len(s.exec(select(Axe).where(Axe.guild_id == AUTRE_SERVEUR)).all()))
    assert nb_axes == 3


def _journal(base: BaseDonnees) -> list[tuple[str, str | None, str | None]]:
    return base.lecture(
        lambda s: [
            (e.champ, e.ancien, e.nouveau)
            for e in s.exec(select(EntreeJournal).order_by(EntreeJournal.id))  # type: ignore[arg-type]
        ]
    )


def test_chaque_changement_est_journalise_avec_ancien_et_nouveau(base: BaseDonnees) -> None:
    base.transaction(amorcer_serveur, SERVEUR)
    for salon in (10, 20, 20):  # le troisième ne change rien : pas d'entrée
        base.transaction(
            definir_salon,
            guild_id=SERVEUR,
            auteur_id=AUTEUR,
            type_salon="rappels",
            salon_id=salon,
            maintenant=MAINTENANT,
        )
    base.transaction(
        definir_role_coordination, guild_id=SERVEUR, auteur_id=AUTEUR, role_id=77, maintenant=MAINTENANT
    )
    base.transaction(
        definir_horaire_resume,
        guild_id=SERVEUR,
        auteur_id=AUTEUR,
        jour=4,
        heure=time(14, 30),
        ville_code="namur",
        maintenant=MAINTENANT,
    )
    assert _journal(base) == [
        ("salon_rappels_id", None, "10"),
        ("salon_rappels_id", "10", "20"),
        ("role_coordination_id", None, "77"),
        ("resume_jour", "lundi", "vendredi"),
        ("resume_heure", "09:00", "14:30"),
        ("resume_ville", "terrebonne", "namur"),
    ]
    config = base.lecture(lire_configuration, SERVEUR).config
    assert (config.resume_jour, config.resume_heure, config.resume_ville) == (4, time(14, 30), "namur")
    assert config.modifie_le == MAINTENANT


def test_horaire_refuse_une_ville_inconnue_sans_rien_changer(base: BaseDonnees) -> None:
    base.transaction(amorcer_serveur, SERVEUR)
    with pytest.raises(ErreurMetier, match="n'est pas une ville partenaire"):
        base.transaction(
            definir_horaire_resume,
            guild_id=SERVEUR,
            auteur_id=AUTEUR,
            jour=1,
            heure=time(10),
            ville_code="paris",
            maintenant=MAINTENANT,
        )
    assert _journal(base) == []


def test_ville_trouvee_par_son_nom_sans_accents(base: BaseDonnees) -> None:
    assert base.lecture(lire_configuration, SERVEUR) is None  # la lecture n'amorce rien
    configuration = base.transaction(configuration_amorcee, SERVEUR)
    assert configuration.ville("NAMUR").code == "namur"
    assert configuration.ville(" terrebonne ").code == "terrebonne"


def test_lire_configurations_comme_une_a_une(base: BaseDonnees) -> None:
    from metier.serveurs import lire_configurations

    base.transaction(amorcer_serveur, SERVEUR)
    base.transaction(amorcer_serveur, AUTRE_SERVEUR)
    lues = base.lecture(lire_configurations, [SERVEUR, AUTRE_SERVEUR, 999])
    assert set(lues) == {SERVEUR, AUTRE_SERVEUR}  # 999 n'est pas amorcé : absent, pas amorcé
    for guild_id in (SERVEUR, AUTRE_SERVEUR):
        une = base.lecture(lire_configuration, guild_id)
        assert une is not None
        assert lues[guild_id].villes == une.villes
        assert lues[guild_id].config.guild_id == guild_id
