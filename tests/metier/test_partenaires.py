"""Le registre des partenaires sur une vraie base : amorçage, saisie, noms sans égard aux accents, actions."""

from datetime import UTC, datetime
from functools import partial

import pytest
from sqlmodel import select

from bot.base import BaseDonnees
from metier.actions.registre import creer_action, modifier_action
from metier.erreurs import ErreurMetier
from metier.partenaires import (
    actions_du_partenaire,
    ajouter_partenaire,
    lire_partenaire,
    lister_partenaires,
    modifier_partenaire,
)
from metier.serveurs import amorcer_serveur
from modeles import Action, EntreeJournal, Partenaire

MAINTENANT = datetime(2026, 11, 26, 15, tzinfo=UTC)
SERVEUR, AUTRE, ALICE, COORD = 1, 2, 100, 300


@pytest.fixture
def serveur(base: BaseDonnees) -> BaseDonnees:
    base.transaction(amorcer_serveur, SERVEUR)
    base.transaction(amorcer_serveur, AUTRE)
    return base


def _noms(base: BaseDonnees, guild_id: int = SERVEUR) -> list[str]:
    return [p.nom for p in base.lecture(lister_partenaires, guild_id=guild_id)]


def _ajouter(base: BaseDonnees, nom: str, **options: str) -> Partenaire:
    return base.transaction(
        partial(
            ajouter_partenaire, guild_id=SERVEUR, auteur_id=COORD, nom=nom, maintenant=MAINTENANT, **options
        )
    )


def _action(base: BaseDonnees, titre: str, partenaires: str) -> Action:
    return base.transaction(
        partial(
            creer_action,
            guild_id=SERVEUR,
            auteur_id=ALICE,
            titre=titre,
            axe_numero=3,
            partenaires=partenaires,
            maintenant=MAINTENANT,
        )
    )


def test_les_signataires_sont_au_registre(serveur: BaseDonnees) -> None:
    partenaires = {p.nom: p for p in serveur.lecture(lister_partenaires, guild_id=SERVEUR)}
    assert sorted(partenaires) == ["BEP", "CCIM", "UNamur", "UQTR"]
    assert (partenaires["UNamur"].ville, partenaires["UNamur"].type) == ("namur", "université")
    assert (partenaires["CCIM"].ville, partenaires["CCIM"].type) == ("terrebonne", "chambre de commerce")
    assert partenaires["UQTR"].nom_complet == "Université du Québec à Trois-Rivières"


def test_ajouter_un_partenaire_et_le_retrouver_sans_accents(serveur: BaseDonnees) -> None:
    ajoute = _ajouter(serveur, "Cégep régional", ville="terrebonne", type_="Université", nom_complet="Cégep")
    assert (ajoute.nom, ajoute.type, ajoute.ville) == ("Cégep régional", "université", "terrebonne")
    assert serveur.lecture(lire_partenaire, guild_id=SERVEUR, saisie="CEGEP REGIONAL").id == ajoute.id
    assert "Cégep régional" not in _noms(serveur, AUTRE)


@pytest.mark.parametrize(
    ("nom", "extrait"),
    [
        ("unamur", "« UNamur » est déjà au registre"),
        ("  Ùnamur ", "« UNamur » est déjà au registre"),
        ("", "ne peut pas être vide"),
        ("P" * 41, "41 caractères ; 40 au plus"),
        ("A, B", "ni virgule ni point-virgule"),
    ],
)
def test_ajouter_un_partenaire_refuse_et_n_ecrit_rien(serveur: BaseDonnees, nom: str, extrait: str) -> None:
    with pytest.raises(ErreurMetier, match=extrait):
        _ajouter(serveur, nom)
    assert _noms(serveur) == ["BEP", "CCIM", "UNamur", "UQTR"]
    assert serveur.lecture(lambda s: s.exec(select(EntreeJournal)).all()) == []


def test_une_action_associe_les_partenaires_du_registre(serveur: BaseDonnees) -> None:
    action = _action(serveur, "Mobilité étudiante", "uqtr; UNAMUR, Ville de Laval")
    assert action.partenaires == "UQTR, UNamur, Ville de Laval"
    assert "Ville de Laval" in _noms(serveur)  # un nom inconnu est inscrit, type « autre »
    uqtr = serveur.lecture(lire_partenaire, guild_id=SERVEUR, saisie="UQTR")
    assert [(a.numero, a.titre) for a in serveur.lecture(actions_du_partenaire, partenaire=uqtr)] == [
        (1, "Mobilité étudiante")
    ]
    # Changer les partenaires de l'action remplace les liens.
    serveur.transaction(
        partial(
            modifier_action,
            guild_id=SERVEUR,
            numero=1,
            auteur_id=ALICE,
            est_coordination=False,
            partenaires="BEP",
            maintenant=MAINTENANT,
        )
    )
    assert serveur.lecture(actions_du_partenaire, partenaire=uqtr) == []
    bep = serveur.lecture(lire_partenaire, guild_id=SERVEUR, saisie="bep")
    assert [a.numero for a in serveur.lecture(actions_du_partenaire, partenaire=bep)] == [1]


def test_renommer_un_partenaire_se_reporte_sur_ses_actions(serveur: BaseDonnees) -> None:
    _action(serveur, "Forum", "CCIM, UQTR")
    _, changements = serveur.transaction(
        partial(
            modifier_partenaire,
            guild_id=SERVEUR,
            auteur_id=COORD,
            saisie="ccim",
            nom="CCI Les Moulins",
            maintenant=MAINTENANT,
        )
    )
    assert changements == {"nom": ("CCIM", "CCI Les Moulins")}
    actions = serveur.lecture(lambda s: list(s.exec(select(Action.partenaires))))
    assert actions == ["CCI Les Moulins, UQTR"]
    journal = serveur.lecture(
        lambda s: [
            (e.entite, e.champ, e.ancien, e.nouveau)
            for e in s.exec(select(EntreeJournal).where(EntreeJournal.entite == "partenaire"))
        ]
    )
    assert journal == [("partenaire", "nom", "CCIM", "CCI Les Moulins")]
    with pytest.raises(ErreurMetier, match="« UQTR » est déjà au registre"):
        serveur.transaction(
            partial(
                modifier_partenaire,
                guild_id=SERVEUR,
                auteur_id=COORD,
                saisie="CCI Les Moulins",
                nom="uqtr",
                maintenant=MAINTENANT,
            )
        )
    with pytest.raises(ErreurMetier, match="n'est pas au registre"):
        serveur.transaction(
            partial(
                modifier_partenaire,
                guild_id=SERVEUR,
                auteur_id=COORD,
                saisie="CCIM",
                type_="x",
                maintenant=MAINTENANT,
            )
        )
