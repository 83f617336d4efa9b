"""Réunions : planifier, lister, annuler, rechercher, sur SQLite et PostgreSQL."""

from datetime import UTC, date, datetime, time

import pytest
from sqlmodel import Session, col, select

from bot.base import BaseDonnees
from metier.erreurs import ErreurMetier
from metier.reunions.registre import (
    ReunionPlanifiee,
    annuler_reunion,
    lire_reunion,
    lister_reunions,
    planifier_reunion,
    rechercher_reunions,
)
from metier.reunions.saisie import (
    rappels_de,
)
from metier.reunions.series import (
    occurrences,
)
from modeles import EntreeJournal, OccurrenceAnnulee, Recurrence, Reunion
from tests.scenarios import AUTEUR, NB, H, utc

MAINTENANT = datetime(2026, 11, 26, 12, tzinfo=UTC)
SERVEUR, AUTRE_SERVEUR = 111, 222


def planifier(base: BaseDonnees, **changements: object) -> ReunionPlanifiee:
    options: dict[str, object] = {
        "guild_id": SERVEUR,
        "auteur_id": AUTEUR,
        "titre": "Comité de suivi",
        "jour": date(2027, 3, 2),
        "heure": time(10),
        "ville_code": "terrebonne",
        "duree": H,
        "recurrence": Recurrence.HEBDOMADAIRE,
        "rappels": [24 * H, H],
        "salon_id": 555,
        "lien": "https://visio.example.org/comite",
        "maintenant": MAINTENANT,
    }
    options.update(changements)
    return base.transaction(planifier_reunion, **options)


def test_planifier_enregistre_la_serie_et_ses_prochaines_seances(base: BaseDonnees) -> None:
    planifiee = planifier(base)
    reunion = base.lecture(lire_reunion, guild_id=SERVEUR, numero=1)
    assert (reunion.ville, reunion.fuseau, reunion.heure_locale, reunion.pli) == (
        "terrebonne",
        "America/Toronto",
        time(10),
        0,
    )
    assert (reunion.regle, reunion.rappels, reunion.duree_minutes) == ("FREQ=WEEKLY", "1j,1h", 60)
    assert rappels_de(reunion) == [24 * H, H]
    assert planifiee.message is None
    assert [o.debut for o in planifiee.prochaines] == [
        utc(2027, 3, 2, 15),
        utc(2027, 3, 9, 15),
        utc(2027, 3, 16, 14),
        utc(2027, 3, 23, 14),
        utc(2027, 3, 30, 14),
    ]

    def journal(session: Session) -> dict[str, str | None]:
        lignes = session.exec(select(EntreeJournal).where(EntreeJournal.entite == "reunion")).all()
        return {e.champ: e.nouveau for e in lignes if e.entite_id == "1"}

    entrees = base.lecture(journal)
    assert entrees["titre"] == "Comité de suivi"
    assert entrees["regle"] == "FREQ=WEEKLY"
    assert entrees["heure_locale"] == "10:00"


def test_planifier_heure_ambigue_le_dit(base: BaseDonnees) -> None:
    planifiee = planifier(base, jour=date(2027, 11, 7), heure=time(1, 30), recurrence=Recurrence.AUCUNE)
    assert planifiee.message is not None
    assert planifiee.message.startswith(f"01{NB}h{NB}30 survient deux fois le dimanche 7 novembre 2027")
    assert [o.debut for o in planifiee.prochaines] == [utc(2027, 11, 7, 5, 30)]


def test_planifier_heure_de_namur(base: BaseDonnees) -> None:
    planifiee = planifier(base, ville_code="Namur", heure=time(16), recurrence=Recurrence.AUCUNE)
    assert planifiee.reunion.fuseau == "Europe/Brussels"
    assert [o.debut for o in planifiee.prochaines] == [utc(2027, 3, 2, 15)]


@pytest.mark.parametrize(
    ("changements", "message"),
    [
        ({"jour": date(2026, 11, 26), "heure": time(7)}, "Le jeudi 26 novembre 2026 à 07"),
        ({"titre": "   "}, "Donnez un titre à la réunion"),
        ({"titre": "x" * 201}, "Le titre fait 201 caractères : 200 au plus."),
        ({"jour": date(2027, 3, 14), "heure": time(2, 30)}, f"L'heure 02{NB}h{NB}30 n'existe pas"),
        ({"ville_code": "paris"}, "« paris » n'est pas une ville partenaire de ce serveur."),
        ({"lien": "javascript:alert(1)"}, "Lien refusé"),
        ({"duree": 13 * H}, "Durée « 13"),
        ({"rappels": [H, H]}, "Rappels refusés"),
    ],
)
def test_planifier_refuse(base: BaseDonnees, changements: dict[str, object], message: str) -> None:
    with pytest.raises(ErreurMetier) as erreur:
        planifier(base, **changements)
    assert erreur.value.message.startswith(message)
    if "jour" in changements and changements["jour"] == date(2026, 11, 26):
        assert "est déjà passé : choisissez une date et une heure à venir." in erreur.value.message
    assert base.lecture(lambda s: s.exec(select(Reunion)).all()) == []


def test_numerotation_par_serveur_et_separation(base: BaseDonnees) -> None:
    numeros = [planifier(base, titre=f"Réunion {n}").reunion.numero for n in range(3)]
    autre = planifier(base, guild_id=AUTRE_SERVEUR, titre="Chez l'autre").reunion
    assert numeros == [1, 2, 3]
    assert autre.numero == 1
    assert base.lecture(lire_reunion, guild_id=AUTRE_SERVEUR, numero=1).titre == "Chez l'autre"
    assert base.lecture(lire_reunion, guild_id=SERVEUR, numero=1).titre == "Réunion 0"
    with pytest.raises(ErreurMetier, match="La réunion #2 n'existe pas sur ce serveur"):
        base.lecture(lire_reunion, guild_id=AUTRE_SERVEUR, numero=2)
    with pytest.raises(ErreurMetier, match="La réunion #2 n'existe pas"):
        base.transaction(
            annuler_reunion,
            guild_id=AUTRE_SERVEUR,
            numero=2,
            auteur_id=AUTEUR,
            occurrence=None,
            maintenant=MAINTENANT,
        )
    liste = base.lecture(lister_reunions, guild_id=AUTRE_SERVEUR, maintenant=MAINTENANT)
    assert [r.titre for r, _ in liste] == ["Chez l'autre"]


def test_lister_la_plus_proche_d_abord(base: BaseDonnees) -> None:
    planifier(base, titre="Mensuelle", jour=date(2027, 1, 5), recurrence=Recurrence.MENSUELLE)
    planifier(base, titre="Unique", jour=date(2026, 12, 1), recurrence=Recurrence.AUCUNE)
    planifier(base, titre="Hebdo", jour=date(2026, 12, 3), heure=time(9))
    liste = base.lecture(lister_reunions, guild_id=SERVEUR, maintenant=utc(2026, 12, 2))
    assert [(r.titre, o.debut) for r, o in liste] == [
        ("Hebdo", utc(2026, 12, 3, 14)),
        ("Mensuelle", utc(2027, 1, 5, 15)),
    ]


def test_annuler_une_seance_la_retire(base: BaseDonnees) -> None:
    planifier(base)
    annulation = base.transaction(
        annuler_reunion,
        guild_id=SERVEUR,
        numero=1,
        auteur_id=AUTEUR,
        occurrence=utc(2027, 3, 2, 15),
        maintenant=MAINTENANT,
    )
    assert annulation.occurrence is not None
    assert annulation.occurrence.debut == utc(2027, 3, 2, 15)

    def lire(session: Session) -> tuple[list[datetime], list[datetime]]:
        reunion = lire_reunion(session, guild_id=SERVEUR, numero=1)
        annulees = session.exec(
            select(OccurrenceAnnulee.debut).where(OccurrenceAnnulee.reunion_id == reunion.id)
        ).all()
        return list(annulees), [
            o.debut for o in occurrences(reunion, MAINTENANT, limite=2, annulees=set(annulees))
        ]

    annulees, suivantes = base.lecture(lire)
    assert annulees == [utc(2027, 3, 2, 15)]
    assert suivantes == [utc(2027, 3, 9, 15), utc(2027, 3, 16, 14)]
    liste = base.lecture(lister_reunions, guild_id=SERVEUR, maintenant=MAINTENANT)
    assert [o.debut for _, o in liste] == [utc(2027, 3, 9, 15)]
    with pytest.raises(ErreurMetier, match="Cette séance de la réunion #1 est déjà annulée"):
        base.transaction(
            annuler_reunion,
            guild_id=SERVEUR,
            numero=1,
            auteur_id=AUTEUR,
            occurrence=utc(2027, 3, 2, 15),
            maintenant=MAINTENANT,
        )


@pytest.mark.parametrize(
    ("occurrence", "maintenant", "message"),
    [
        (utc(2027, 3, 2, 14), MAINTENANT, "La réunion #1 n'a pas de séance à cet instant"),
        (utc(2027, 3, 16, 15), MAINTENANT, "La réunion #1 n'a pas de séance à cet instant"),
        (utc(2027, 3, 2, 15), utc(2027, 3, 5), "Cette séance de la réunion #1 est déjà passée"),
    ],
)
def test_annuler_une_seance_refuse(
    base: BaseDonnees, occurrence: datetime, maintenant: datetime, message: str
) -> None:
    planifier(base)
    with pytest.raises(ErreurMetier, match=message):
        base.transaction(
            annuler_reunion,
            guild_id=SERVEUR,
            numero=1,
            auteur_id=AUTEUR,
            occurrence=occurrence,
            maintenant=maintenant,
        )
    assert base.lecture(lambda s: s.exec(select(OccurrenceAnnulee)).all()) == []


def test_annuler_la_serie(base: BaseDonnees) -> None:
    planifier(base)
    planifier(base, titre="Autre", recurrence=Recurrence.AUCUNE)
    annulation = base.transaction(
        annuler_reunion, guild_id=SERVEUR, numero=1, auteur_id=AUTEUR, occurrence=None, maintenant=MAINTENANT
    )
    assert annulation.reunion.annulee is True
    assert base.lecture(lire_reunion, guild_id=SERVEUR, numero=1).annulee is True
    liste = base.lecture(lister_reunions, guild_id=SERVEUR, maintenant=MAINTENANT)
    assert [r.numero for r, _ in liste] == [2]
    with pytest.raises(ErreurMetier, match="La réunion #1 est déjà annulée"):
        base.transaction(
            annuler_reunion,
            guild_id=SERVEUR,
            numero=1,
            auteur_id=AUTEUR,
            occurrence=None,
            maintenant=MAINTENANT,
        )
    with pytest.raises(ErreurMetier, match="La réunion #2 est déjà passée"):
        base.transaction(
            annuler_reunion,
            guild_id=SERVEUR,
            numero=2,
            auteur_id=AUTEUR,
            occurrence=None,
            maintenant=utc(2027, 3, 3),
        )

    def journal(session: Session) -> list[tuple[str, str, str | None]]:
        lignes = session.exec(
            select(EntreeJournal).where(EntreeJournal.champ == "annulee").order_by(col(EntreeJournal.id))
        ).all()
        return [(e.entite, e.entite_id, e.nouveau) for e in lignes]

    assert base.lecture(journal) == [("reunion", "1", "True")]


def test_rechercher_par_numero_et_mots_sans_accents(base: BaseDonnees) -> None:
    for titre in ["Comité de suivi", "Échanges universitaires", "Bilan énergétique"] + ["Point"] * 9:
        planifier(base, titre=titre)
    planifier(base, guild_id=AUTRE_SERVEUR, titre="Comité de l'autre serveur")

    def chercher(saisie: str) -> list[tuple[int, str]]:
        reunions = base.lecture(rechercher_reunions, guild_id=SERVEUR, saisie=saisie)
        return [(r.numero, r.titre) for r in reunions]

    assert chercher("comite") == [(1, "Comité de suivi")]
    assert chercher("ECHANGES univ") == [(2, "Échanges universitaires")]
    assert chercher("#3") == [(3, "Bilan énergétique")]
    assert [n for n, _ in chercher("1")] == [1, 12, 11, 10]
    assert chercher("rien de tel") == []
    assert len(base.lecture(rechercher_reunions, guild_id=SERVEUR, saisie="", limite=5)) == 5
