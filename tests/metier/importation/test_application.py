"""Import du registre : aller-retour avec l'export, tout ou rien, idempotence, faits datés."""

from __future__ import annotations

from datetime import date
from functools import partial

from sqlmodel import Session, col, func, select

from bot.base import BaseDonnees
from metier.actions import evolution
from metier.actions.export import exporter_registre
from metier.actions.indicateurs import creer_indicateur
from metier.importation.application import importer
from metier.importation.plan import planifier
from metier.rapport.donnees import rassembler_rapport
from metier.serveurs import amorcer_serveur
from modeles import Action, EntreeJournal, EvolutionMensuelle, Mesure, MiseAJour, StatutAction
from tests.scenarios import (
    ACTION_TERMINEE_EN_JUIN,
    ALICE,
    MAINTENANT,
    SERVEUR,
    a_utc,
    registre_de_trois_ans,
    remplir,
)


def _compter(base: BaseDonnees) -> dict[str, int]:
    def lire(session: Session) -> dict[str, int]:
        return {
            table.__name__: session.exec(select(func.count()).select_from(table)).one()
            for table in (Action, MiseAJour, Mesure, EntreeJournal, EvolutionMensuelle)
        }

    return base.lecture(lire)


def _cumul(session: Session) -> list[tuple[int, object, int, int]]:
    lignes = session.exec(
        select(EvolutionMensuelle)
        .where(EvolutionMensuelle.guild_id == SERVEUR)
        .order_by(col(EvolutionMensuelle.axe_id), col(EvolutionMensuelle.mois))
    )
    return [(e.axe_id, e.mois, e.somme, e.nombre) for e in lignes if (e.somme, e.nombre) != (0, 0)]


def test_exporter_puis_importer_le_meme_serveur_ne_change_rien(base: BaseDonnees) -> None:
    base.transaction(remplir)
    actions, mesures = base.lecture(partial(exporter_registre, guild_id=SERVEUR))
    # Des noms de fichiers comme les écrit l'export, plus longs qu'un identifiant du journal.
    fichiers = [
        ("actions-2026-11-26 (registre corrigé).csv", actions),
        ("mesures-indicateurs-2026-11-26.csv", mesures),
    ]
    plan = base.lecture(partial(planifier, guild_id=SERVEUR, fichiers=fichiers, maintenant=MAINTENANT))
    assert plan.erreurs == []
    assert (len(plan.creations), len(plan.modifications), plan.inchangees) == (0, 0, 6)
    assert (len(plan.mesures), plan.mesures_inchangees, plan.faits) == (0, 4, 0)
    avant = _compter(base)
    base.transaction(importer, guild_id=SERVEUR, fichiers=fichiers, auteur_id=ALICE, maintenant=MAINTENANT)
    apres = _compter(base)
    assert apres == avant | {"EntreeJournal": avant["EntreeJournal"] + 1}  # la seule trace : l'import
    [trace] = base.lecture(
        lambda s: list(s.exec(select(EntreeJournal).where(EntreeJournal.entite == "importation")))
    )
    assert trace.nouveau == (
        "actions-2026-11-26 (registre corrigé).csv, mesures-indicateurs-2026-11-26.csv : "
        "0 action(s) créée(s), 0 modifiée(s), 6 inchangée(s) ; 0 fait(s) daté(s) consigné(s) (0 déjà là) ; "
        "0 mesure(s) enregistrée(s) (4 déjà là)"
    )


def _serveur_avec_indicateurs(session: Session) -> None:
    amorcer_serveur(session, SERVEUR)
    for nom, axe, unite, cible in (
        ("Arbres plantés", 1, "arbres", "1500"),
        ("Entreprises accompagnées", 2, "entreprises", "12"),
        ("Étudiants en mobilité", 3, "étudiants", "40"),
    ):
        creer_indicateur(
            session,
            guild_id=SERVEUR,
            auteur_id=ALICE,
            nom=nom,
            axe_numero=axe,
            unite=unite,
            cible=cible,
            maintenant=a_utc("2024-01-01T12:00"),
        )


def test_trois_ans_d_histoire_en_un_import(base: BaseDonnees) -> None:
    base.transaction(_serveur_avec_indicateurs)
    fichiers = registre_de_trois_ans()
    plan = base.lecture(partial(planifier, guild_id=SERVEUR, fichiers=fichiers, maintenant=MAINTENANT))
    assert plan.erreurs == []
    assert (len(plan.creations), plan.faits, len(plan.mesures)) == (300, 2000, 150)

    bilan = base.transaction(
        importer, guild_id=SERVEUR, fichiers=fichiers, auteur_id=ALICE, maintenant=MAINTENANT
    )
    assert bilan.en_mots(applique=True).startswith("300 action(s) créée(s), 0 modifiée(s)")
    comptes = _compter(base)
    assert (comptes["Action"], comptes["MiseAJour"], comptes["Mesure"]) == (300, 2300, 150)

    # Le rapport 2025 dit la réalité de 2025 : l'action terminée en juin l'est à sa date.
    rapport = base.lecture(partial(rassembler_rapport, guild_id=SERVEUR, annee=2025, maintenant=MAINTENANT))
    [mission] = [a for a in rapport.actions if a.numero == ACTION_TERMINEE_EN_JUIN]
    assert (mission.statut, mission.terminee_le) == (StatutAction.TERMINEE, date(2025, 6, 12))

    # Le cumul de l'évolution, tenu par les règles pendant l'import, vaut sa reconstruction ; 24 mois
    # réels au moins (janvier 2024 → novembre 2026).
    tenu = base.lecture(_cumul)
    base.transaction(evolution.recalculer, SERVEUR)
    assert base.lecture(_cumul) == tenu
    assert len({mois for _, mois, _, _ in tenu}) >= 24

    # Le même fichier une seconde fois : rien à faire.
    encore = base.lecture(partial(planifier, guild_id=SERVEUR, fichiers=fichiers, maintenant=MAINTENANT))
    assert (len(encore.creations), len(encore.modifications), encore.inchangees) == (0, 0, 300)
    assert (encore.faits, encore.faits_inchanges, encore.mesures_inchangees) == (0, 2000, 150)
