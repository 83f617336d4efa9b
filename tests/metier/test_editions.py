"""Le protocole évolutif sur une vraie base : édition amorcée ; axes, objectifs ajoutés, modifiés, retirés."""

from datetime import UTC, date, datetime
from functools import partial

import pytest
from sqlmodel import Session, col, select

from bot.base import BaseDonnees
from metier.actions.registre import creer_action, fiche_action, lister_axes, lister_objectifs, modifier_action
from metier.editions import (
    ajouter_axe,
    ajouter_objectif,
    jours_restants,
    lire_edition,
    modifier_axe,
    modifier_objectif,
    retirer_objectif,
    voir_protocole,
)
from metier.erreurs import ErreurMetier
from metier.rapport.donnees import rassembler_rapport
from metier.serveurs import amorcer_serveur
from modeles import Axe, EntreeJournal, Objectif

MAINTENANT = datetime(2026, 11, 26, 15, tzinfo=UTC)
SERVEUR, AUTRE, ALICE, COORD = 1, 2, 100, 300


@pytest.fixture
def serveur(base: BaseDonnees) -> BaseDonnees:
    base.transaction(amorcer_serveur, SERVEUR)
    base.transaction(amorcer_serveur, AUTRE)
    return base


def _journal(base: BaseDonnees, entite: str) -> list[tuple[str, str | None, str | None]]:
    def lire(session: Session) -> list[tuple[str, str | None, str | None]]:
        lignes = session.exec(
            select(EntreeJournal)
            .where(EntreeJournal.guild_id == SERVEUR, EntreeJournal.entite == entite)
            .order_by(col(EntreeJournal.id))
        ).all()
        return [(e.champ, e.ancien, e.nouveau) for e in lignes]

    return base.lecture(lire)


def _compter(base: BaseDonnees, table: type[Axe] | type[Objectif]) -> int:
    return base.lecture(lambda s: len(s.exec(select(table)).all()))


def test_l_edition_amorcee_est_celle_signee_a_namur(serveur: BaseDonnees) -> None:
    vue = serveur.lecture(voir_protocole, guild_id=SERVEUR)
    edition = vue.edition
    assert (edition.titre, edition.debut, edition.fin) == (
        "Protocole de collaboration 2024-2026",
        date(2024, 1, 1),
        date(2026, 12, 31),
    )
    assert (edition.signee_le, edition.signee_a) == (date(2023, 11, 28), "Namur")
    assert vue.bureaux == (
        ("terrebonne", "Bureau des commissions et relations internationales de la Ville de Terrebonne"),
        ("namur", "Commissariat aux Relations Internationales de la Ville de Namur"),
    )
    assert [a.numero for a in vue.axes] == [1, 2, 3]
    assert [o.code for o in vue.axes[1].objectifs] == ["2.1", "2.2", "2.3"]
    assert vue.courante
    assert jours_restants(edition, date(2026, 11, 30)) == 31
    assert jours_restants(edition, date(2027, 1, 5)) == 0


def test_un_axe_iv_et_son_objectif_4_1_sont_proposes_et_comptes(serveur: BaseDonnees) -> None:
    axe = serveur.transaction(
        partial(
            ajouter_axe,
            guild_id=SERVEUR,
            auteur_id=COORD,
            titre="La culture et le patrimoine",
            titre_court="Culture et patrimoine",
            maintenant=MAINTENANT,
        )
    )
    assert axe.numero == 4
    objectif, _ = serveur.transaction(
        partial(
            ajouter_objectif,
            guild_id=SERVEUR,
            auteur_id=COORD,
            axe_numero=4,
            libelle="Jumeler les bibliothèques municipales",
            maintenant=MAINTENANT,
        )
    )
    assert objectif.numero == 1
    assert [a.numero for a in serveur.lecture(lister_axes, guild_id=SERVEUR)] == [1, 2, 3, 4]
    assert [(o.libelle, n) for o, n in serveur.lecture(lister_objectifs, guild_id=SERVEUR, axe=4)] == [
        ("Jumeler les bibliothèques municipales", 4)
    ]
    action = serveur.transaction(
        partial(
            creer_action,
            guild_id=SERVEUR,
            auteur_id=ALICE,
            titre="Échange de livres",
            axe_numero=4,
            objectif="4.1",
            maintenant=MAINTENANT,
        )
    )
    assert action.objectif_id == objectif.id
    vue = serveur.lecture(voir_protocole, guild_id=SERVEUR)
    assert (vue.axes[3].numero, vue.axes[3].actions, vue.axes[3].objectifs[0].actions) == (4, 1, 1)
    # L'autre serveur n'en sait rien.
    assert [a.numero for a in serveur.lecture(lister_axes, guild_id=AUTRE)] == [1, 2, 3]
    # Le rapport annuel a une section IV avec son objectif et son action.
    rapport = serveur.lecture(rassembler_rapport, guild_id=SERVEUR, annee=2026, maintenant=MAINTENANT)
    section = rapport.sections[3]
    assert (section.numero, section.titre_court) == (4, "Culture et patrimoine")
    assert section.objectifs == (("4.1", "Jumeler les bibliothèques municipales"),)
    assert [a.titre for a in section.actions] == ["Échange de livres"]
    assert _journal(serveur, "axe") == [
        ("creation", None, "IV. La culture et le patrimoine"),
        ("titre_court", None, "Culture et patrimoine"),
    ]


@pytest.mark.parametrize(
    ("options", "extrait"),
    [
        ({"numero": 2}, "L'axe II existe déjà"),
        ({"titre": "les échanges UNIVERSITAIRES"}, "L'axe III s'appelle déjà"),
        ({"titre": "Autre", "titre_court": "Echanges universitaires"}, "L'axe III s'appelle déjà"),
        ({"titre": "   "}, "ne peut pas être vide"),
        ({"titre": "T" * 201}, "201 caractères ; 200 au plus"),
        ({"titre": "T" * 301}, "301 caractères ; 200 au plus"),
        ({"titre": "Culture", "titre_court": "C" * 61}, "61 caractères ; 60 au plus"),
        ({"numero": 0}, "de 1 à 20"),
        ({"numero": 21}, "de 1 à 20"),
    ],
)
def test_ajouter_un_axe_refuse_et_n_ecrit_rien(serveur: BaseDonnees, options: dict, extrait: str) -> None:
    options.setdefault("titre", "La culture")
    avant = _compter(serveur, Axe)
    with pytest.raises(ErreurMetier, match=extrait):
        serveur.transaction(
            partial(ajouter_axe, guild_id=SERVEUR, auteur_id=COORD, maintenant=MAINTENANT, **options)
        )
    assert _compter(serveur, Axe) == avant
    assert _journal(serveur, "axe") == []


def test_modifier_un_axe_journalise_l_ancien_et_le_nouveau(serveur: BaseDonnees) -> None:
    axe, changements = serveur.transaction(
        partial(
            modifier_axe,
            guild_id=SERVEUR,
            auteur_id=COORD,
            numero=3,
            titre_court="Universités",
            maintenant=MAINTENANT,
        )
    )
    assert axe.titre_court == "Universités"
    assert changements == {"titre_court": ("Échanges universitaires", "Universités")}
    assert _journal(serveur, "axe") == [("titre_court", "Échanges universitaires", "Universités")]
    with pytest.raises(ErreurMetier, match="L'axe II s'appelle déjà"):
        serveur.transaction(
            partial(
                modifier_axe,
                guild_id=SERVEUR,
                auteur_id=COORD,
                numero=3,
                titre="Le développement social et économique",
                maintenant=MAINTENANT,
            )
        )
    with pytest.raises(ErreurMetier, match="n'existe pas dans l'édition 2024-2026"):
        serveur.transaction(
            partial(
                modifier_axe, guild_id=SERVEUR, auteur_id=COORD, numero=9, titre="X", maintenant=MAINTENANT
            )
        )


@pytest.mark.parametrize(
    ("libelle", "extrait"),
    [
        ("", "L'objectif ne peut pas être vide"),
        ("O" * 301, "301 caractères ; 300 au plus"),
        (
            "faciliter la mobilite des etudiants, chercheurs et professeurs entre les institutions "
            "educatives des deux villes",
            "L'objectif 3.1 dit déjà cela",
        ),
    ],
)
def test_ajouter_un_objectif_refuse_et_n_ecrit_rien(serveur: BaseDonnees, libelle: str, extrait: str) -> None:
    avant = _compter(serveur, Objectif)
    with pytest.raises(ErreurMetier, match=extrait):
        serveur.transaction(
            partial(
                ajouter_objectif,
                guild_id=SERVEUR,
                auteur_id=COORD,
                axe_numero=3,
                libelle=libelle,
                maintenant=MAINTENANT,
            )
        )
    assert _compter(serveur, Objectif) == avant


def test_un_objectif_300_caracteres_passe(serveur: BaseDonnees) -> None:
    objectif, axe = serveur.transaction(
        partial(
            ajouter_objectif,
            guild_id=SERVEUR,
            auteur_id=COORD,
            axe_numero=2,
            libelle="O" * 300,
            maintenant=MAINTENANT,
        )
    )
    assert (axe.numero, objectif.numero, len(objectif.libelle)) == (2, 4, 300)


def test_reformuler_un_objectif(serveur: BaseDonnees) -> None:
    objectif, _, ancien = serveur.transaction(
        partial(
            modifier_objectif,
            guild_id=SERVEUR,
            auteur_id=COORD,
            code="2.2",
            libelle="Stimuler l'entrepreneuriat local",
            maintenant=MAINTENANT,
        )
    )
    assert ancien.startswith("Stimuler l'entrepreneuriat local et promouvoir")
    assert objectif.libelle == "Stimuler l'entrepreneuriat local"
    assert _journal(serveur, "objectif") == [("libelle", ancien, "Stimuler l'entrepreneuriat local")]
    with pytest.raises(ErreurMetier, match="n'est pas un code d'objectif"):
        serveur.transaction(
            partial(
                modifier_objectif,
                guild_id=SERVEUR,
                auteur_id=COORD,
                code="deux",
                libelle="x",
                maintenant=MAINTENANT,
            )
        )
    with pytest.raises(ErreurMetier, match="n'a pas d'objectif 9"):
        serveur.transaction(
            partial(
                modifier_objectif,
                guild_id=SERVEUR,
                auteur_id=COORD,
                code="2.9",
                libelle="x",
                maintenant=MAINTENANT,
            )
        )


def test_un_objectif_retire_reste_sur_ses_actions_mais_n_est_plus_propose(serveur: BaseDonnees) -> None:
    action = serveur.transaction(
        partial(
            creer_action,
            guild_id=SERVEUR,
            auteur_id=ALICE,
            titre="Compost",
            axe_numero=1,
            objectif="1.3",
            maintenant=MAINTENANT,
        )
    )
    objectif, _, nombre = serveur.transaction(
        partial(retirer_objectif, guild_id=SERVEUR, auteur_id=COORD, code="1.3", maintenant=MAINTENANT)
    )
    assert nombre == 1
    assert objectif.retire_le == MAINTENANT
    assert [o.numero for o, _ in serveur.lecture(lister_objectifs, guild_id=SERVEUR, axe=1)] == [1, 2]
    # L'action le garde, sa fiche le montre, le rapport le cite encore.
    fiche = serveur.lecture(fiche_action, guild_id=SERVEUR, numero=action.numero)
    assert fiche.objectif is not None
    assert fiche.objectif.id == objectif.id
    rapport = serveur.lecture(rassembler_rapport, guild_id=SERVEUR, annee=2026, maintenant=MAINTENANT)
    assert "1.3" in [code for code, _ in rapport.sections[0].objectifs]
    # Ni une nouvelle action ni une modification ne peuvent le choisir.
    with pytest.raises(ErreurMetier, match=r"L'objectif 1\.3 a été retiré du protocole le 26 novembre 2026"):
        serveur.transaction(
            partial(
                creer_action,
                guild_id=SERVEUR,
                auteur_id=ALICE,
                titre="Autre",
                axe_numero=1,
                objectif="1.3",
                maintenant=MAINTENANT,
            )
        )
    with pytest.raises(ErreurMetier, match="a été retiré"):
        serveur.transaction(
            partial(
                modifier_action,
                guild_id=SERVEUR,
                numero=action.numero,
                auteur_id=ALICE,
                est_coordination=False,
                objectif="1.3",
                maintenant=MAINTENANT,
            )
        )
    # Le retirer une seconde fois est refusé ; rien n'est écrit.
    with pytest.raises(ErreurMetier, match="est déjà retiré depuis le 26 novembre 2026"):
        serveur.transaction(
            partial(retirer_objectif, guild_id=SERVEUR, auteur_id=COORD, code="1.3", maintenant=MAINTENANT)
        )
    assert _journal(serveur, "objectif") == [("retire_le", None, "2026-11-26")]
    # Un nouvel objectif de l'axe prend le numéro suivant : 1.3 reste à l'objectif retiré.
    nouveau, _ = serveur.transaction(
        partial(
            ajouter_objectif,
            guild_id=SERVEUR,
            auteur_id=COORD,
            axe_numero=1,
            libelle="Verdir",
            maintenant=MAINTENANT,
        )
    )
    assert nouveau.numero == 4


def test_lire_une_edition_inconnue(serveur: BaseDonnees) -> None:
    assert serveur.lecture(lire_edition, guild_id=SERVEUR, saisie="2024-2026").debut == date(2024, 1, 1)
    assert serveur.lecture(lire_edition, guild_id=SERVEUR, saisie="2025").debut == date(2024, 1, 1)
    assert serveur.lecture(lire_edition, guild_id=SERVEUR, saisie=" protocole de collaboration 2024-2026").id
    with pytest.raises(ErreurMetier, match=r"« 2019-2021 » n'est pas une édition du protocole.*2024-2026"):
        serveur.lecture(lire_edition, guild_id=SERVEUR, saisie="2019-2021")
