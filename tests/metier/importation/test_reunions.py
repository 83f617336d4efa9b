"""Import des réunions tenues : vérifiées ligne à ligne, comptées au rapport comme une séance du bot,
sans rien publier, et réimportées sans rien créer."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from functools import partial

import pytest
from openpyxl import Workbook
from sqlmodel import Session, select

from bot.base import BaseDonnees
from metier.actions.export import ecrire_csv
from metier.erreurs import ErreurMetier
from metier.importation.application import importer
from metier.importation.plan import Plan, planifier
from metier.membres import definir_ville, noter_membres
from metier.publications.livraisons import planifier_rappels
from metier.publications.rappels import repondre_presence
from metier.rapport.donnees import rassembler_rapport
from metier.reunions.comptes_rendus import enregistrer_compte_rendu, presents_nommes
from metier.reunions.evenements import etat_evenements
from metier.reunions.registre import planifier_reunion
from metier.serveurs import amorcer_serveur, configuration_amorcee
from modeles import CompteRendu, EntreeJournal, Livraison, Presence, Recurrence, Reunion
from tests.scenarios import ALICE, BOB, MAINTENANT, SERVEUR

ENTETES = ("Date", "Heure", "Ville de l'heure (Terrebonne/Namur)", "Titre", "Durée (min)", "Présents")
COMITE = ("2026-03-17", "10:00", "Terrebonne", "Comité de suivi", "90", "Alice Tremblay ; Bob Lemaire")


@pytest.fixture
def base_amorcee(base: BaseDonnees) -> BaseDonnees:
    """Un serveur amorcé ; Alice (de Namur) et Bob (de Terrebonne), dont on connaît le nom et la ville."""

    def preparer(session: Session) -> None:
        amorcer_serveur(session, SERVEUR)
        noter_membres(
            session,
            guild_id=SERVEUR,
            noms={ALICE: "Alice Tremblay", BOB: "Bob Lemaire"},
            maintenant=MAINTENANT,
        )
        configuration = configuration_amorcee(session, SERVEUR)
        for membre, nom, ville in ((ALICE, "Alice Tremblay", "namur"), (BOB, "Bob Lemaire", "terrebonne")):
            definir_ville(
                session,
                guild_id=SERVEUR,
                membre_id=membre,
                nom=nom,
                ville=configuration.ville(ville),
                auteur_id=ALICE,
                maintenant=MAINTENANT,
            )

    base.transaction(preparer)
    return base


def _csv(*lignes: tuple[object, ...], entetes: tuple[str, ...] = ENTETES) -> tuple[str, bytes]:
    return ("reunions.csv", ecrire_csv(entetes, lignes))


def _plan(base: BaseDonnees, *fichiers: tuple[str, bytes], maintenant: datetime = MAINTENANT) -> Plan:
    return base.lecture(partial(planifier, guild_id=SERVEUR, fichiers=fichiers, maintenant=maintenant))


def _importer(base: BaseDonnees, *fichiers: tuple[str, bytes]):
    return base.transaction(
        importer, guild_id=SERVEUR, fichiers=fichiers, auteur_id=ALICE, maintenant=MAINTENANT
    )


def _erreurs(plan: Plan) -> list[str]:
    return [str(e) for e in plan.erreurs]


def test_une_reunion_tenue_est_consignee_avec_ses_presents(base_amorcee: BaseDonnees) -> None:
    fichier = _csv(
        (*COMITE,),
        ("12/06/2025", "15 h 30", "namur", "Forum économique", "", "Alice Tremblay, Carole Inconnue"),
        entetes=ENTETES,
    )
    plan = _plan(base_amorcee, fichier)
    assert _erreurs(plan) == []
    assert [str(a) for a in plan.avertissements] == [
        "reunions.csv, ligne 3 : aucun membre connu ne s'appelle « Carole Inconnue » : le nom est gardé "
        "en texte dans le compte rendu de la séance, sans compter dans les présences par ville."
    ]
    bilan = _importer(base_amorcee, fichier)
    assert (bilan.reunions, bilan.reunions_inchangees) == (2, 0)
    assert "2 réunion(s) tenue(s) enregistrée(s) (0 déjà là)" in bilan.en_mots(applique=True)

    def lire(session: Session):
        reunions = list(session.exec(select(Reunion).order_by(Reunion.numero)))
        presences = list(session.exec(select(Presence).order_by(Presence.membre_id)))
        comptes_rendus = list(session.exec(select(CompteRendu)))
        return reunions, presences, comptes_rendus, presents_nommes(session, comptes_rendus[0])

    reunions, presences, [compte_rendu], nommes = base_amorcee.lecture(lire)
    comite, forum = reunions
    assert (comite.titre, comite.date_debut, comite.heure_locale, comite.duree_minutes) == (
        "Comité de suivi",
        date(2026, 3, 17),
        time(10),
        90,
    )
    assert (comite.recurrence, comite.regle, comite.rappels, comite.salon_id) == (
        Recurrence.AUCUNE,
        None,
        "aucun",
        None,
    )
    assert (forum.ville, forum.duree_minutes) == ("namur", 60)  # durée par défaut : une heure
    # 10 h à Terrebonne le 17 mars 2026 (heure avancée) = 14 h UTC ; 15 h 30 à Namur le 12 juin = 13 h 30 UTC.
    debut_comite = datetime(2026, 3, 17, 14, tzinfo=UTC)
    assert [(p.membre_id, p.reponse, p.ville, p.debut) for p in presences if p.reunion_id == comite.id] == [
        (ALICE, "present", "namur", debut_comite),
        (BOB, "present", "terrebonne", debut_comite),
    ]
    # Le compte rendu n'existe que s'il y a un texte : ici, le nom inconnu gardé.
    assert compte_rendu.reunion_id == forum.id
    assert compte_rendu.debut == datetime(2025, 6, 12, 13, 30, tzinfo=UTC)
    assert compte_rendu.presents == str(ALICE)
    assert compte_rendu.points == "Présents non reconnus à l'import : Carole Inconnue"
    assert [(p.nom, p.ville) for p in nommes] == [("Alice Tremblay", "namur")]


def test_rien_ne_part_pour_une_reunion_importee(base_amorcee: BaseDonnees) -> None:
    _importer(base_amorcee, _csv(COMITE))
    base_amorcee.transaction(planifier_rappels, guild_id=SERVEUR, maintenant=MAINTENANT)
    assert base_amorcee.lecture(lambda s: s.exec(select(Livraison)).all()) == []
    etat = base_amorcee.lecture(etat_evenements, guild_id=SERVEUR, maintenant=MAINTENANT)
    assert etat.voulues == []


def test_reimporter_ne_cree_rien(base_amorcee: BaseDonnees) -> None:
    fichier = _csv(COMITE, ("2025-06-12", "9h", "Namur", "Forum", "45", ""))
    _importer(base_amorcee, fichier)
    plan = _plan(base_amorcee, fichier)
    assert (len(plan.reunions), plan.reunions_inchangees, plan.vide) == (0, 2, True)
    # Le titre se reconnaît sans accents ni casse ; la même heure dite dans l'autre horloge aussi.
    autre = _csv(("2026-03-17", "15:00", "Namur", "COMITÉ DE SUIVI", "90", ""))
    assert _plan(base_amorcee, autre).reunions_inchangees == 1


def test_une_seance_tenue_dans_le_bot_n_est_pas_reimportee(base_amorcee: BaseDonnees) -> None:
    base_amorcee.transaction(
        planifier_reunion,
        guild_id=SERVEUR,
        auteur_id=ALICE,
        titre="Comité de suivi",
        jour=date(2026, 3, 3),
        heure=time(10),
        ville_code="terrebonne",
        duree=timedelta(hours=1),
        recurrence=Recurrence.BIHEBDOMADAIRE,
        rappels=[],
        salon_id=None,
        lien=None,
        maintenant=datetime(2026, 3, 1, tzinfo=UTC),
    )
    plan = _plan(base_amorcee, _csv(COMITE))  # le 17 mars : la deuxième séance de la série
    assert (len(plan.reunions), plan.reunions_inchangees) == (0, 1)


def test_le_rapport_compte_une_reunion_importee_comme_une_seance_du_bot(base_amorcee: BaseDonnees) -> None:
    # Dans le bot : planifiée, deux « présent » (villes relevées), puis le compte rendu.
    planifiee = base_amorcee.transaction(
        planifier_reunion,
        guild_id=SERVEUR,
        auteur_id=ALICE,
        titre="Comité dans le bot",
        jour=date(2026, 3, 10),
        heure=time(10),
        ville_code="terrebonne",
        duree=timedelta(minutes=90),
        recurrence=Recurrence.AUCUNE,
        rappels=[],
        salon_id=None,
        lien=None,
        maintenant=datetime(2026, 3, 1, tzinfo=UTC),
    )
    debut = datetime(2026, 3, 10, 14, tzinfo=UTC)
    for membre, ville in ((ALICE, "namur"), (BOB, "terrebonne")):
        base_amorcee.transaction(
            repondre_presence,
            guild_id=SERVEUR,
            reunion_id=planifiee.reunion.id,
            debut=debut,
            membre_id=membre,
            reponse="present",
            maintenant=datetime(2026, 3, 9, tzinfo=UTC),
            ville=ville,
        )
    base_amorcee.transaction(
        enregistrer_compte_rendu,
        guild_id=SERVEUR,
        numero=planifiee.reunion.numero,
        cle="20260310T1400Z",
        auteur_id=ALICE,
        est_coordination=True,
        points="Bilan",
        decisions="- Lancer l'appel",
        suites=None,
        maintenant=datetime(2026, 3, 10, 16, tzinfo=UTC),
    )
    # Importée : la même séance une semaine plus tard, avec le même texte.
    entetes = (*ENTETES, "Points", "Décisions")
    _importer(base_amorcee, _csv((*COMITE, "Bilan", "- Lancer l'appel"), entetes=entetes))

    rapport = base_amorcee.lecture(rassembler_rapport, guild_id=SERVEUR, annee=2026, maintenant=MAINTENANT)
    dans_le_bot, importee = rapport.seances_tenues
    assert importee.debut == datetime(2026, 3, 17, 14, tzinfo=UTC)
    assert importee.presences == {"present": 2, "absent": 0, "peut_etre": 0}
    assert importee.presents_par_ville == {"namur": 1, "terrebonne": 1}
    semblable = replace(dans_le_bot, reunion_numero=importee.reunion_numero, titre=importee.titre)
    assert replace(semblable, debut=importee.debut, fin=importee.fin) == importee
    assert semblable.presences == importee.presences
    assert semblable.presents_par_ville == importee.presents_par_ville
    assert semblable.compte_rendu == importee.compte_rendu


def test_le_journal_garde_la_seance_importee(base_amorcee: BaseDonnees) -> None:
    _importer(base_amorcee, _csv(COMITE))
    entrees = base_amorcee.lecture(
        lambda s: list(s.exec(select(EntreeJournal).where(EntreeJournal.entite == "reunion")))
    )
    assert {e.champ for e in entrees} >= {"titre", "seance_tenue", "presents"}


@pytest.mark.parametrize(
    ("ligne", "message"),
    [
        (("2027-01-05", "10:00", "Terrebonne", "Comité", "", ""), "seules les réunions tenues s'importent"),
        (("2023-12-12", "10:00", "Terrebonne", "Comité", "", ""), "avant le début du protocole"),
        (("2026-11-26", "14:00", "Namur", "Comité", "", ""), "n'a pas encore eu lieu"),
        (("2026-03-17", "25h", "Terrebonne", "Comité", "", ""), "n'existe pas : les heures vont de 0 à 23"),
        (("2026-03-17", "dix heures", "Terrebonne", "Comité", "", ""), "Heure non reconnue"),
        (("2026-03-17", "", "Terrebonne", "Comité", "", ""), "Indiquez une heure"),
        (("2026-03-08", "02:30", "Terrebonne", "Comité", "", ""), "n'existe pas le dimanche 8 mars 2026"),
        (("2026-03-17", "10:00", "Montréal", "Comité", "", ""), "n'est pas une ville partenaire"),
        (("2026-03-17", "10:00", "", "Comité", "", ""), "la ville de l'heure est vide"),
        (("2026-03-17", "10:00", "Namur", "", "", ""), "Donnez un titre à la réunion"),
        (("2026-03-17", "10:00", "Namur", "x" * 201, "", ""), "Le titre fait 201 caractères"),
        (("2026-03-17", "10:00", "Namur", "Comité", "13h", ""), "trop longue"),
        (("2026-03-17", "10:00", "Namur", "Comité", "beaucoup", ""), "Durée non reconnue"),
        (("", "10:00", "Namur", "Comité", "", ""), "La date est vide"),
        (("31/02/2026", "10:00", "Namur", "Comité", "", ""), "31/02/2026"),
    ],
)
def test_chaque_mauvaise_ligne_est_situee(
    base_amorcee: BaseDonnees, ligne: tuple[object, ...], message: str
) -> None:
    plan = _plan(base_amorcee, _csv(COMITE, ligne))
    [erreur] = _erreurs(plan)
    assert erreur.startswith("reunions.csv, ligne 3 : ")
    assert message in erreur
    with pytest.raises(ErreurMetier, match="rien n'a été importé"):
        _importer(base_amorcee, _csv(COMITE, ligne))
    assert base_amorcee.lecture(lambda s: s.exec(select(Reunion)).all()) == []  # tout ou rien


def test_un_compte_rendu_trop_long_est_refuse(base_amorcee: BaseDonnees) -> None:
    entetes = (*ENTETES, "Points")
    plan = _plan(base_amorcee, _csv((*COMITE, "x" * 4001), entetes=entetes))
    [erreur] = _erreurs(plan)
    assert "« Points abordés » fait 4\u00a0001 caractères" in erreur


def test_une_reunion_en_double_dans_le_fichier_est_refusee(base_amorcee: BaseDonnees) -> None:
    plan = _plan(base_amorcee, _csv(COMITE, ("2026-03-17", "15:00", "Namur", "comite de suivi", "", "")))
    assert _erreurs(plan) == [
        "reunions.csv, ligne 3 : cette réunion figure déjà à la ligne 2 (même titre, même date et même "
        "heure) : supprimez l'une des deux lignes."
    ]


def test_colonnes_obligatoires_des_reunions(base_amorcee: BaseDonnees) -> None:
    with pytest.raises(ErreurMetier, match=r"\(reunions\) : « Ville de l'heure », « Titre »"):
        _plan(base_amorcee, _csv(("2026-03-17", "10:00"), entetes=("Date", "Heure")))


def test_une_feuille_reunions_d_un_classeur_avec_cellules_date_et_heure(base_amorcee: BaseDonnees) -> None:
    import io

    classeur = Workbook()
    feuille = classeur.active
    feuille.title = "Réunions"
    feuille.append(list(ENTETES))
    feuille.append([datetime(2026, 3, 17), time(10, 0), "Terrebonne", "Comité de suivi", 90, "Bob Lemaire"])
    tampon = io.BytesIO()
    classeur.save(tampon)
    plan = _plan(base_amorcee, ("registre.xlsx", tampon.getvalue()))
    assert _erreurs(plan) == []
    [prevue] = plan.reunions
    assert (prevue.seance.debut, prevue.presents) == (datetime(2026, 3, 17, 14, tzinfo=UTC), (BOB,))


def test_une_heure_ambigue_est_lue_la_premiere_et_dite(base_amorcee: BaseDonnees) -> None:
    plan = _plan(base_amorcee, _csv(("2025-11-02", "01:30", "Terrebonne", "Veille", "30", "")))
    [prevue] = plan.reunions
    assert prevue.seance.debut == datetime(2025, 11, 2, 5, 30, tzinfo=UTC)  # 01 h 30 à l'heure avancée
    [avertissement] = [str(a) for a in plan.avertissements]
    assert avertissement.startswith("reunions.csv, ligne 2 : 01\u00a0h\u00a030 survient deux fois")
