"""Rapport annuel : données exactes de l'année, PDF relisible, CSV ; sur SQLite et PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time, timedelta

import pytest
from pypdf import PdfReader
from sqlmodel import Session, select

from metier.actions import archiver_action, changer_statut, creer_action, mettre_a_jour_avancement
from metier.erreurs import ErreurMetier
from metier.indicateurs import creer_indicateur, mesurer
from metier.rappels import repondre_presence
from metier.rapport import (
    DEFINITION_BONNE_VOIE,
    Dossier,
    Rapport,
    part_attendue,
    rassembler,
    rassembler_rapport,
    verifier_annee,
)
from metier.rendu_rapport import identifiant_lisible, produire_pdf, texte_sur
from metier.reunions import annuler_reunion, planifier_reunion
from metier.serveurs import amorcer_serveur
from metier.stockage import Base
from modeles import Action, Recurrence, StatutAction

SERVEUR, AUTRE_SERVEUR, ALICE, BOB = 111, 222, 42, 43
MAINTENANT = datetime(2026, 11, 26, 12, tzinfo=UTC)
TITRE_INTERNATIONAL = "Compostage collectif : mise en œuvre 🌳 مدينة"


def _a(texte: str) -> datetime:
    return datetime.fromisoformat(texte).replace(tzinfo=UTC)


class _Scenario:
    """Écrit l'historique d'un serveur comme le feraient les commandes, à des dates choisies."""

    def __init__(self, session: Session, guild_id: int, auteur_id: int) -> None:
        self.session, self.guild_id, self.auteur_id = session, guild_id, auteur_id

    def action(self, quand: str, titre: str, axe: int, **options: object) -> int:
        return creer_action(
            self.session,
            guild_id=self.guild_id,
            auteur_id=self.auteur_id,
            titre=titre,
            axe_numero=axe,
            maintenant=_a(quand),
            **options,  # type: ignore[arg-type]
        ).numero

    def avancer(self, numero: int, quand: str, pourcentage: int) -> None:
        mettre_a_jour_avancement(
            self.session,
            guild_id=self.guild_id,
            numero=numero,
            auteur_id=self.auteur_id,
            est_coordination=True,
            pourcentage=pourcentage,
            maintenant=_a(quand),
        )

    def statut(self, numero: int, quand: str, statut: str) -> None:
        changer_statut(
            self.session,
            guild_id=self.guild_id,
            numero=numero,
            auteur_id=self.auteur_id,
            est_coordination=True,
            statut=statut,
            maintenant=_a(quand),
        )

    def mesurer(self, numero: int, jour: str, valeur: str) -> None:
        mesurer(
            self.session,
            guild_id=self.guild_id,
            auteur_id=self.auteur_id,
            numero=numero,
            valeur=valeur,
            jour=jour,
            maintenant=_a(jour) + timedelta(days=1),
        )

    def indicateur(self, quand: str, nom: str, axe: int, unite: str, cible: str) -> None:
        creer_indicateur(
            self.session,
            guild_id=self.guild_id,
            auteur_id=self.auteur_id,
            nom=nom,
            axe_numero=axe,
            unite=unite,
            cible=cible,
            maintenant=_a(quand),
        )


def remplir(session: Session, guild_id: int = SERVEUR, auteur_id: int = ALICE) -> None:
    """Deux années de travail du groupe : actions, historique, indicateurs, mesures, réunions, présences."""
    amorcer_serveur(session, guild_id)
    s = _Scenario(session, guild_id, auteur_id)
    arbres = s.action(
        "2025-02-10T14:00",
        "Plantation de 500 arbres",
        1,
        objectif="1.1",
        ville="namur",
        partenaires="UNamur, BEP",
        echeance="2026-06-30",
    )
    s.avancer(arbres, "2025-06-01T12:00", 40)
    s.avancer(arbres, "2026-03-01T12:00", 80)
    s.statut(arbres, "2026-05-15T12:00", "terminee")
    forum = s.action("2025-03-01T12:00", "Forum de l'emploi vert", 2, objectif="2.2", ville="terrebonne")
    s.statut(forum, "2025-11-20T12:00", "terminee")
    echange = s.action(
        "2025-09-01T12:00",
        "Échange d'étudiants UQTR – UNamur",
        3,
        objectif="3.1",
        partenaires="UQTR, UNamur",
        echeance="2026-09-30",
    )
    s.avancer(echange, "2026-02-01T12:00", 30)
    compost = s.action("2026-01-15T12:00", TITRE_INTERNATIONAL, 1, objectif="1.3", ville="terrebonne")
    s.avancer(compost, "2026-04-01T12:00", 60)
    atelier = s.action("2026-02-01T12:00", "Atelier citoyen sur l'inclusion", 2)
    s.statut(atelier, "2026-06-01T12:00", "en_pause")
    archivee = s.action("2026-03-01T12:00", "Action archivée", 1)
    archiver_action(
        session,
        guild_id=guild_id,
        numero=archivee,
        auteur_id=auteur_id,
        est_coordination=True,
        maintenant=_a("2026-03-02"),
    )
    # Un autre serveur ne se mélange jamais au rapport.
    autre = guild_id + 1
    amorcer_serveur(session, autre)
    creer_action(
        session,
        guild_id=autre,
        auteur_id=BOB,
        titre="Secret d'un autre jumelage",
        axe_numero=1,
        maintenant=_a("2026-01-01"),
    )

    s.indicateur("2024-01-01T12:00", "Arbres plantés", 1, "arbres", "1500")
    for jour, valeur in (("2025-06-30", "300"), ("2026-03-31", "700"), ("2026-09-30", "1100")):
        s.mesurer(1, jour, valeur)
    s.indicateur("2024-01-01T12:00", "Étudiants en mobilité", 3, "étudiants", "40")
    s.mesurer(2, "2026-05-01", "10")
    s.indicateur("2026-01-05T12:00", "Entreprises accompagnées", 2, "entreprises", "12")

    # Comité de suivi : le deuxième mardi du mois, 10 h à Terrebonne ; la séance d'avril est annulée.
    comite = planifier_reunion(
        session,
        guild_id=guild_id,
        auteur_id=auteur_id,
        titre="Comité de suivi du protocole",
        jour=date(2026, 1, 13),
        heure=time(10, 0),
        ville_code="terrebonne",
        duree=timedelta(hours=1),
        recurrence=Recurrence.MENSUELLE,
        rappels=[timedelta(hours=24)],
        salon_id=None,
        lien=None,
        maintenant=_a("2026-01-02"),
    ).reunion
    annuler_reunion(
        session,
        guild_id=guild_id,
        numero=comite.numero,
        auteur_id=auteur_id,
        occurrence=_a("2026-04-14T14:00"),
        maintenant=_a("2026-04-01"),
    )
    assert comite.id is not None
    for membre, reponse in ((auteur_id, "present"), (BOB, "present"), (44, "absent"), (45, "peut_etre")):
        repondre_presence(
            session,
            guild_id=guild_id,
            reunion_id=comite.id,
            debut=_a("2026-03-10T14:00"),  # 10 h à Terrebonne, heure d'été depuis le 8 mars
            membre_id=membre,
            reponse=reponse,
            maintenant=_a("2026-03-01"),
        )


@pytest.fixture
def rempli(base: Base) -> Base:
    """La base avec le scénario de deux années."""
    base.transaction(remplir)
    return base


def _rapport(base: Base, annee: int = 2026, maintenant: datetime = MAINTENANT) -> Rapport:
    return base.lecture(rassembler_rapport, guild_id=SERVEUR, annee=annee, maintenant=maintenant)


def _section(rapport: Rapport, numero: int):  # type: ignore[no-untyped-def]
    return next(s for s in rapport.sections if s.numero == numero)


# --- Données ------------------------------------------------------------------------------------


def test_rapport_de_l_annee_en_cours(rempli: Base) -> None:
    rapport = _rapport(rempli)
    assert (rapport.du, rapport.au, rapport.annee_complete) == (date(2026, 1, 1), date(2026, 11, 26), False)
    assert [s.libelle for s in rapport.sections] == [
        "I. La lutte aux changements climatiques et la transition écologique",
        "II. Le développement social et économique",
        "III. Les échanges universitaires",
    ]
    climat, social, universites = rapport.sections
    assert [(a.numero, a.terminee_le) for a in climat.terminees] == [(1, date(2026, 5, 15))]
    plantation = climat.terminees[0]
    assert (plantation.avancement, plantation.avancement_debut, plantation.objectif) == (100, 40, "1.1")
    assert (plantation.ville, plantation.partenaires, plantation.mises_a_jour) == ("namur", "UNamur, BEP", 2)
    assert [a.titre for a in climat.en_cours] == [TITRE_INTERNATIONAL]  # l'archivée n'y est pas
    # Le forum, terminé en 2025, n'appartient plus au rapport 2026.
    assert [(a.numero, a.statut) for a in social.actions] == [(5, StatutAction.EN_PAUSE)]
    echange = universites.en_cours[0]
    assert (echange.avancement, echange.avancement_debut, echange.en_retard(rapport.au)) == (30, 0, True)
    assert "Secret" not in {a.titre for a in rapport.actions}
    assert rapport.compter() == {StatutAction.TERMINEE: 1, StatutAction.EN_COURS: 2, StatutAction.EN_PAUSE: 1}
    assert rapport.nb_terminees == 1


def test_une_annee_passee_est_montree_telle_qu_au_31_decembre(rempli: Base) -> None:
    rapport = _rapport(rempli, 2025)
    assert (rapport.au, rapport.annee_complete) == (date(2025, 12, 31), True)
    climat, social, universites = rapport.sections
    # La plantation, terminée en mai 2026, était à 40 % et en cours fin 2025.
    assert [(a.numero, a.statut, a.avancement, a.avancement_debut) for a in climat.actions] == [
        (1, StatutAction.EN_COURS, 40, None)
    ]
    assert [(a.numero, a.terminee_le) for a in social.terminees] == [(2, date(2025, 11, 20))]
    assert [(a.numero, a.statut, a.avancement) for a in universites.actions] == [
        (3, StatutAction.PROPOSEE, 0)
    ]
    assert rapport.seances == ()


def test_indicateurs_mesures_de_l_annee_et_bonne_voie(rempli: Base) -> None:
    rapport = _rapport(rempli)
    arbres = _section(rapport, 1).indicateurs[0]
    assert [(m.date, m.valeur) for m in arbres.mesures] == [
        (date(2026, 3, 31), 700.0),
        (date(2026, 9, 30), 1100.0),
    ]
    assert (arbres.valeur, arbres.date_valeur) == (1100.0, date(2026, 9, 30))
    # 1 100 / 1 500 = 73 % du chemin ; 2024-01-01 → 2026-11-26 = 1 060 jours sur 1 095, soit 97 % attendus.
    assert arbres.pourcentage == pytest.approx(73.33, abs=0.01)
    assert arbres.attendu == pytest.approx(1060 / 1095 * 100)
    assert arbres.en_bonne_voie is False
    entreprises = _section(rapport, 2).indicateurs[0]
    assert (entreprises.mesures, entreprises.valeur, entreprises.en_bonne_voie) == ((), None, None)
    # En 2025, seule la mesure de juin compte, et la cible n'était attendue qu'aux deux tiers.
    arbres_2025 = _section(_rapport(rempli, 2025), 1).indicateurs[0]
    assert [m.valeur for m in arbres_2025.mesures] == [300.0]
    assert arbres_2025.attendu == pytest.approx(730 / 1095 * 100)
    assert arbres_2025.en_bonne_voie is False
    assert "en bonne voie" in DEFINITION_BONNE_VOIE


def test_part_attendue() -> None:
    assert part_attendue(date(2023, 5, 1), date(2024, 1, 1)) == 0.0
    assert part_attendue(date(2024, 1, 1), date(2026, 12, 31)) == 100.0
    assert part_attendue(date(2026, 7, 1), date(2026, 10, 1)) == pytest.approx(92 / 183 * 100)
    assert part_attendue(date(2027, 2, 1), date(2027, 3, 1)) == 100.0  # après le protocole : la cible


def test_seances_de_l_annee_et_presences(rempli: Base) -> None:
    rapport = _rapport(rempli)
    debuts = [s.debut for s in rapport.seances]
    assert _a("2026-04-14T14:00") not in debuts  # annulée
    assert len(rapport.seances) == 11  # douze deuxièmes mardis, moins avril
    assert len(rapport.seances_tenues) == 10  # celle du 8 décembre est à venir
    mars = next(s for s in rapport.seances if s.debut == _a("2026-03-10T14:00"))
    assert mars.presences == {"present": 2, "absent": 1, "peut_etre": 1}
    assert mars.titre == "Comité de suivi du protocole"


@pytest.mark.parametrize(
    ("annee", "extrait"),
    [
        (2023, "commence en 2024"),
        (1999, "commence en 2024"),
        (2027, "L'année 2027 n'est pas encore commencée"),
    ],
)
def test_annees_refusees(annee: int, extrait: str) -> None:
    with pytest.raises(ErreurMetier, match=extrait) as erreur:
        verifier_annee(annee, MAINTENANT)
    assert "Choisissez une année de 2024 à 2026." in erreur.value.message


def test_le_nouvel_an_compte_dans_la_ville_la_plus_avancee(rempli: Base) -> None:
    veille = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # déjà le 1er janvier 2027 à Namur
    rapport = _rapport(rempli, 2027, maintenant=veille)
    assert (rapport.du, rapport.au) == (date(2027, 1, 1), date(2027, 1, 1))


def test_serveur_inconnu(base: Base) -> None:
    with pytest.raises(ErreurMetier, match="Le serveur 999 est inconnu"):
        base.lecture(rassembler_rapport, guild_id=999, annee=2026, maintenant=MAINTENANT)


def test_csv_de_l_annee_au_format_de_l_export(rempli: Base) -> None:
    dossier: Dossier = rempli.lecture(rassembler, guild_id=SERVEUR, annee=2026, maintenant=MAINTENANT)
    assert dossier.csv_actions.startswith(b"\xef\xbb\xbf")
    actions = list(csv.DictReader(io.StringIO(dossier.csv_actions.decode("utf-8-sig")), delimiter=";"))
    # Toutes celles touchées en 2026, archivée comprise ; pas le forum, clos en 2025.
    assert [ligne["numero"] for ligne in actions] == ["1", "3", "4", "5", "6"]
    assert actions[2]["titre"] == TITRE_INTERNATIONAL
    assert actions[0]["statut"] == "terminée"
    mesures = list(csv.DictReader(io.StringIO(dossier.csv_mesures.decode("utf-8-sig")), delimiter=";"))
    assert [(ligne["indicateur"], ligne["date"], ligne["valeur"]) for ligne in mesures] == [
        ("1", "2026-03-31", "700"),
        ("1", "2026-09-30", "1100"),
        ("2", "2026-05-01", "10"),
    ]


# --- PDF ----------------------------------------------------------------------------------------


def _texte(pdf: bytes) -> tuple[PdfReader, list[str]]:
    lecteur = PdfReader(io.BytesIO(pdf))
    # Les titres longs passent à la ligne : on compare le texte aux espaces près.
    return lecteur, [" ".join(page.extract_text().split()) for page in lecteur.pages]


def test_le_pdf_se_relit(rempli: Base) -> None:
    rapport = _rapport(rempli)
    pdf = produire_pdf(rapport, noms={ALICE: "Alice Tremblay"})
    assert pdf.startswith(b"%PDF-")
    lecteur, pages = _texte(pdf)
    nombre = len(lecteur.pages)
    assert 5 <= nombre <= 12
    couverture = pages[0]
    assert "Protocole de coopération 2024-2026" in couverture
    assert "Rapport annuel 2026" in couverture
    assert "Ville de Terrebonne Ville de Namur" in couverture
    assert "Produit le jeudi 26 novembre 2026" in couverture
    tout = "\n".join(pages)
    for section in rapport.sections:
        assert section.libelle in tout
    assert "Plantation de 500 arbres" in tout
    assert "Alice Tremblay" in tout
    assert "mise en œuvre" in tout
    assert "Comité de suivi du protocole" in tout
    assert f"Page 2 / {nombre}" in pages[1]
    assert f"Page {nombre} / {nombre}" in pages[-1]
    assert "Secret" not in tout
    signets = [s.title for s in lecteur.outline if not isinstance(s, list)]
    assert signets[0] == "Synthèse de l'année 2026"
    assert "II. Le développement social et économique" in signets
    assert signets[-1] == "Annexe — Réunions de 2026"
    assert lecteur.metadata is not None
    assert lecteur.metadata.title == "Protocole de coopération 2024-2026 — Rapport annuel 2026"


def test_une_annee_sans_activite_donne_un_rapport_court(base: Base) -> None:
    base.transaction(amorcer_serveur, SERVEUR)
    rapport = _rapport(base, 2024)
    assert rapport.est_vide
    assert rapport.graphiques == ()
    lecteur, pages = _texte(produire_pdf(rapport))
    assert len(lecteur.pages) == 2
    assert "Rapport annuel 2024" in pages[0]
    assert "Aucune activité n'est enregistrée pour 2024" in pages[1]


def test_textes_hors_latin_1_ne_font_pas_echouer_le_pdf(base: Base) -> None:
    def scenario(session: Session) -> None:
        amorcer_serveur(session, SERVEUR)
        s = _Scenario(session, SERVEUR, ALICE)
        for i, titre in enumerate(
            ["Cœur de l'œuvre 🌳🌳 ✨", "مدينة نامور", "Ελληνικά · Кириллица · 日本語", "👩🏽‍🔬", "W" * 200]
        ):
            s.action(f"2026-0{i + 1}-01T12:00", titre, 1 + i % 3, partenaires="UNamur 🎓")

    base.transaction(scenario)
    _, pages = _texte(produire_pdf(_rapport(base)))
    tout = "\n".join(pages)
    assert "Cœur de l'œuvre" in tout
    assert "Ελληνικά · Кириллица" in tout
    assert "W" * 15 in tout  # un mot plus large que la colonne passe à la ligne, sans rien perdre
    assert tout.count("W") == 200


def test_identifiant_lisible() -> None:
    assert identifiant_lisible(123456789012345678) == "ID 123456 789012 345678"
    assert identifiant_lisible(42) == "ID 42"


def test_texte_sur() -> None:
    assert texte_sur("Plantation 🌳 d'arbres") == "Plantation d'arbres"
    assert texte_sur("👩🏽‍🔬 Recherche") == "Recherche"
    assert texte_sur("Cœur — « œuvre »") == "Cœur — « œuvre »"
    assert texte_sur("日本") == "□□"
    # L'arabe est écrit de droite à gauche : remis dans l'ordre d'affichage, le reste en place.
    assert texte_sur("Ville مدينة 2026") == "Ville ةنيدم 2026"


def test_la_base_n_est_pas_modifiee_par_le_rapport(rempli: Base) -> None:
    avant = rempli.lecture(lambda s: [(a.numero, a.statut, a.avancement) for a in s.exec(select(Action))])
    produire_pdf(_rapport(rempli))
    assert (
        rempli.lecture(lambda s: [(a.numero, a.statut, a.avancement) for a in s.exec(select(Action))])
        == avant
    )
