"""Cumul mensuel de l'évolution : tenu à jour par les règles, reconstruit d'après l'historique."""

from datetime import UTC, date, datetime, timedelta

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlmodel import Session, select

from bot.base import DOSSIER_MIGRATIONS, BaseDonnees, creer_moteur
from metier.actions import evolution
from metier.actions.registre import (
    archiver_action,
    changer_statut,
    creer_action,
    mettre_a_jour_avancement,
    modifier_action,
)
from metier.graphiques import donnees_evolution
from metier.serveurs import amorcer_serveur
from modeles import Axe, ConfigServeur, EvolutionMensuelle

SERVEUR, AUTEUR = 111, 42
DEBUT = datetime(2025, 12, 3, 10, tzinfo=UTC)
MAINTENANT = datetime(2026, 11, 26, 12, tzinfo=UTC)


def _table(session: Session, guild_id: int = SERVEUR) -> evolution.Apports:
    """Le cumul tel qu'il est stocké, sans les lignes revenues à zéro."""
    lignes = session.exec(select(EvolutionMensuelle).where(EvolutionMensuelle.guild_id == guild_id))
    return {(e.axe_id, e.mois): (e.somme, e.nombre) for e in lignes if (e.somme, e.nombre) != (0, 0)}


def _d_apres_l_historique(session: Session, guild_id: int = SERVEUR) -> evolution.Apports:
    return {
        cle: valeur
        for cle, valeur in evolution.calculer_apports(session, guild_id).items()
        if valeur != (0, 0)
    }


def _axe_id(session: Session, numero: int) -> int:
    axe = session.exec(select(Axe).where(Axe.guild_id == SERVEUR, Axe.numero == numero)).one()
    assert axe.id is not None
    return axe.id


def test_les_regles_tiennent_le_cumul_comme_l_historique_le_dit(base: BaseDonnees) -> None:
    base.transaction(amorcer_serveur, SERVEUR)
    assert base.lecture(_table) == {}
    regles = {"guild_id": SERVEUR, "auteur_id": AUTEUR}
    gerer = {**regles, "est_coordination": True}
    # Un an de vie : créations, avancements, terminée, changement d'axe, archivage, chaque mois.
    for mois in range(12):
        quand = DEBUT + timedelta(days=30 * mois)
        base.transaction(
            creer_action, titre=f"Action {mois}", axe_numero=1 + mois % 3, maintenant=quand, **regles
        )
        for numero in range(1, mois + 2):
            if (numero == 1 and mois > 4) or (numero == 3 and mois > 8):
                continue  # terminée, puis archivée
            pourcentage = min(100, 10 * (mois + 1 - numero) + 5)
            base.transaction(
                mettre_a_jour_avancement,
                numero=numero,
                pourcentage=pourcentage,
                maintenant=quand + timedelta(hours=numero),
                **gerer,
            )
        if mois == 4:
            base.transaction(changer_statut, numero=1, statut="terminee", maintenant=quand, **gerer)
        if mois == 6:
            base.transaction(modifier_action, numero=2, axe_numero=3, maintenant=quand, **gerer)
        if mois == 8:
            base.transaction(archiver_action, numero=3, maintenant=quand, **gerer)
        assert base.lecture(_table) == base.lecture(_d_apres_l_historique), f"mois {mois}"

    cumul = base.lecture(_table)
    axes = {numero: base.lecture(_axe_id, numero) for numero in (1, 2, 3)}
    # L'action 2 (créée en janvier dans l'axe II) est passée dans l'axe III : toute son histoire suit.
    assert cumul[(axes[3], date(2026, 1, 1))][1] == 1
    assert cumul.get((axes[2], date(2026, 1, 1)), (0, 0)) == (0, 0)
    # L'action 3 (axe III, créée en février) a été archivée : elle ne compte nulle part.
    assert cumul.get((axes[3], date(2026, 2, 1)), (0, 0))[1] == 0
    actions_par_axe = {n: sum(c for (a, _), (_, c) in cumul.items() if a == axes[n]) for n in axes}
    assert actions_par_axe == {1: 4, 2: 3, 3: 4}
    # Au dernier point, la somme du cumul est celle des avancements actuels.
    par_axe = base.lecture(donnees_evolution, guild_id=SERVEUR, maintenant=DEBUT + timedelta(days=340))
    assert par_axe.ensemble.nombres[-1] == 11


def test_le_graphique_lit_le_cumul_quand_il_est_a_jour(base: BaseDonnees) -> None:
    base.transaction(amorcer_serveur, SERVEUR)
    base.transaction(
        creer_action, guild_id=SERVEUR, auteur_id=AUTEUR, titre="Forum", axe_numero=1, maintenant=DEBUT
    )
    base.transaction(
        mettre_a_jour_avancement,
        guild_id=SERVEUR,
        numero=1,
        auteur_id=AUTEUR,
        est_coordination=True,
        pourcentage=40,
        maintenant=DEBUT + timedelta(days=40),
    )

    def lire(maintenant: datetime = MAINTENANT) -> tuple[float | None, ...]:
        return (
            base.lecture(donnees_evolution, guild_id=SERVEUR, maintenant=maintenant, axe=1).series[0].moyennes
        )

    assert lire() == (0.0,) + (40.0,) * 11

    def fausser(session: Session) -> None:
        ligne = session.get(EvolutionMensuelle, (SERVEUR, _axe_id(session, 1), date(2026, 1, 1)))
        assert ligne is not None
        ligne.somme += 50
        session.add(ligne)

    # La preuve que le cumul est lu : faussé à la main, le graphique suit…
    base.transaction(fausser)
    assert lire() == (0.0,) + (90.0,) * 11
    # … sauf pour un instant passé où l'historique va plus loin : il est alors rejoué.
    assert lire(DEBUT + timedelta(days=10)) == (None,) * 11 + (0.0,)
    # Reconstruit d'après l'historique, il redevient juste.
    base.transaction(evolution.recalculer, SERVEUR)
    assert lire() == (0.0,) + (40.0,) * 11


def test_recalcule_au_demarrage_les_serveurs_sans_cumul(base: BaseDonnees) -> None:
    base.transaction(amorcer_serveur, SERVEUR)
    base.transaction(
        creer_action, guild_id=SERVEUR, auteur_id=AUTEUR, titre="Forum", axe_numero=2, maintenant=DEBUT
    )
    assert base.transaction(evolution.recalculer_en_retard) == []  # un serveur neuf est à jour

    def oublier(session: Session) -> None:
        session.exec(text("DELETE FROM evolution_mensuelle"))  # type: ignore[call-overload]
        config = session.get(ConfigServeur, SERVEUR)
        assert config is not None
        config.evolution_a_jour = False
        session.add(config)

    base.transaction(oublier)
    # Pas encore reconstruit : le graphique rejoue l'historique, sans se tromper.
    lu = base.lecture(donnees_evolution, guild_id=SERVEUR, maintenant=MAINTENANT, axe=2)
    assert lu.series[0].nombres == (1,) * 12
    assert base.transaction(evolution.recalculer_en_retard) == [SERVEUR]
    assert base.transaction(evolution.recalculer_en_retard) == []
    assert base.lecture(_table) == {(base.lecture(_axe_id, 2), date(2025, 12, 1)): (0, 1)}


def _migrer(url: str, cible: str, sens: str = "upgrade") -> None:
    moteur = creer_moteur(url)
    config = Config()
    config.set_main_option("script_location", str(DOSSIER_MIGRATIONS))
    with moteur.begin() as connexion:
        config.attributes["connection"] = connexion
        getattr(command, sens)(config, cible)
    moteur.dispose()


def test_apres_la_migration_le_cumul_est_a_construire(url_base: str) -> None:
    """Des données d'avant la révision 0005 : le cumul est marqué à construire, puis construit."""
    base = BaseDonnees(url_base)
    try:
        base.transaction(amorcer_serveur, SERVEUR)
        for numero in (1, 2):
            base.transaction(
                creer_action,
                guild_id=SERVEUR,
                auteur_id=AUTEUR,
                titre="Forum",
                axe_numero=numero,
                maintenant=DEBUT,
            )
        base.fermer()
        _migrer(url_base, "0004", "downgrade")
        _migrer(url_base, "head")
        base = BaseDonnees(url_base)
        assert base.lecture(lambda s: s.get(ConfigServeur, SERVEUR).evolution_a_jour) is False
        assert base.lecture(_table) == {}
        assert base.transaction(evolution.recalculer_en_retard) == [SERVEUR]
        assert base.lecture(_table) == base.lecture(_d_apres_l_historique) != {}
    finally:
        base.fermer()


def test_la_migration_0006_fait_reconstruire_le_cumul_sans_les_abandonnees(url_base: str) -> None:
    """Un cumul construit avec l'ancienne règle (abandonnées comprises) est refait au démarrage."""
    base = BaseDonnees(url_base)
    try:
        base.transaction(amorcer_serveur, SERVEUR)
        for titre in ("Forum", "Atelier"):
            base.transaction(
                creer_action, guild_id=SERVEUR, auteur_id=AUTEUR, titre=titre, axe_numero=1, maintenant=DEBUT
            )
        base.fermer()
        _migrer(url_base, "0005", "downgrade")
        moteur = creer_moteur(url_base)
        with moteur.begin() as connexion:  # à 0005, le cumul était construit et marqué à jour
            connexion.execute(text("UPDATE config_serveur SET evolution_a_jour = :vrai"), {"vrai": True})
        moteur.dispose()
        _migrer(url_base, "head")
        base = BaseDonnees(url_base)
        assert base.lecture(lambda s: s.get(ConfigServeur, SERVEUR).evolution_a_jour) is False
        assert base.transaction(evolution.recalculer_en_retard) == [SERVEUR]
    finally:
        base.fermer()
