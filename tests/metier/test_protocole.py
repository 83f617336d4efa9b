"""Le protocole comme données : axes et objectifs mot pour mot, numéros d'axe en chiffres romains."""

import re
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from bot.base import BaseDonnees
from metier.protocole import AXES_DU_PROTOCOLE, chiffre_romain, code_objectif, libelle_axe, titre_axe
from metier.serveurs import amorcer_serveur
from modeles import Axe, Objectif
from tests.scenarios import SERVEUR

# Le texte signé le 28 novembre 2023, tel que le groupe l'a reçu.
TEXTE = (Path(__file__).parent / "protocole-terrebonne-namur-2024-2026.txt").read_text(encoding="utf-8")


def _domaines_du_texte() -> list[tuple[str, str, list[str]]]:
    """(chiffre romain, titre, objectifs) de chaque domaine de coopération prioritaire du texte."""
    domaines = TEXTE.split("DOMAINES DE COOPÉRATION PRIORITAIRES", 1)[1].split("MISE EN OEUVRE", 1)[0]
    morceaux = re.split(r"^([IVX]+)\. (.+)$", domaines, flags=re.MULTILINE)[1:]
    return [
        (romain, titre, [puce.rstrip(" ;.") for puce in re.findall(r"^- (.+)$", corps, flags=re.MULTILINE)])
        for romain, titre, corps in zip(morceaux[::3], morceaux[1::3], morceaux[2::3], strict=True)
    ]


def test_trois_axes_de_trois_objectifs_mot_pour_mot() -> None:
    domaines = _domaines_du_texte()
    assert [len(objectifs) for _, _, objectifs in domaines] == [3, 3, 3]
    assert [(chiffre_romain(a.numero), a.titre, list(a.objectifs)) for a in AXES_DU_PROTOCOLE] == domaines


def test_les_engagements_annoncent_les_memes_axes() -> None:
    engagements = TEXTE.split("ENGAGEMENTS", 1)[1].split("DOMAINES DE COOPÉRATION", 1)[0]
    annonces = re.findall(r"^- ([IVX]+)\. (.+)$", engagements, flags=re.MULTILINE)
    assert annonces == [(chiffre_romain(a.numero), a.titre) for a in AXES_DU_PROTOCOLE]


def test_un_serveur_amorce_tient_le_texte_du_protocole(base: BaseDonnees) -> None:
    base.transaction(amorcer_serveur, SERVEUR)

    def lire(session: Session) -> list[tuple[str, str, list[str]]]:
        axes = session.exec(select(Axe).where(Axe.guild_id == SERVEUR).order_by(col(Axe.numero))).all()
        return [
            (
                chiffre_romain(axe.numero),
                axe.titre,
                list(
                    session.exec(
                        select(Objectif.libelle)
                        .where(Objectif.axe_id == axe.id)
                        .order_by(col(Objectif.numero))
                    )
                ),
            )
            for axe in axes
        ]

    assert base.lecture(lire) == _domaines_du_texte()


@pytest.mark.parametrize(
    ("numero", "romain"),
    [(1, "I"), (2, "II"), (3, "III"), (4, "IV"), (5, "V"), (6, "VI"), (7, "VII"), (8, "VIII"), (9, "IX")],
)
def test_chiffre_romain(numero: int, romain: str) -> None:
    assert chiffre_romain(numero) == romain


def test_libelles_d_un_axe_et_code_d_un_objectif() -> None:
    assert libelle_axe(2, "Développement social et économique") == "II. Développement social et économique"
    assert titre_axe(3, "Échanges universitaires") == "Axe III\u00a0: Échanges universitaires"
    assert code_objectif(2, 3) == "2.3"
