"""Scénarios de test partagés : deux années d'historique écrites par les vraies règles."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session

from metier.actions.export import ecrire_csv
from metier.actions.indicateurs import creer_indicateur, mesurer
from metier.actions.registre import archiver_action, changer_statut, creer_action, mettre_a_jour_avancement
from metier.protocole import VILLES_PAR_DEFAUT
from metier.publications.rappels import repondre_presence
from metier.reunions.comptes_rendus import enregistrer_compte_rendu
from metier.reunions.registre import annuler_reunion, planifier_reunion
from metier.reunions.series import regle_pour
from metier.serveurs import amorcer_serveur
from metier.temps import Ville
from modeles import Recurrence, Reunion

SERVEUR, AUTRE_SERVEUR, ALICE, BOB = 111, 222, 42, 43
MAINTENANT = datetime(2026, 11, 26, 12, tzinfo=UTC)
TITRE_INTERNATIONAL = "Compostage collectif : mise en œuvre 🌳 مدينة"


def a_utc(texte: str) -> datetime:
    return datetime.fromisoformat(texte).replace(tzinfo=UTC)


class Scenario:
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
            maintenant=a_utc(quand),
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
            maintenant=a_utc(quand),
        )

    def statut(self, numero: int, quand: str, statut: str) -> None:
        changer_statut(
            self.session,
            guild_id=self.guild_id,
            numero=numero,
            auteur_id=self.auteur_id,
            est_coordination=True,
            statut=statut,
            maintenant=a_utc(quand),
        )

    def mesurer(self, numero: int, jour: str, valeur: str) -> None:
        mesurer(
            self.session,
            guild_id=self.guild_id,
            auteur_id=self.auteur_id,
            numero=numero,
            valeur=valeur,
            jour=jour,
            maintenant=a_utc(jour) + timedelta(days=1),
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
            maintenant=a_utc(quand),
        )


def remplir(session: Session, guild_id: int = SERVEUR, auteur_id: int = ALICE) -> None:
    """Deux années de travail du groupe : actions, historique, indicateurs, mesures, réunions, présences."""
    amorcer_serveur(session, guild_id)
    s = Scenario(session, guild_id, auteur_id)
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
        maintenant=a_utc("2026-03-02"),
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
        maintenant=a_utc("2026-01-01"),
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
        maintenant=a_utc("2026-01-02"),
    ).reunion
    annuler_reunion(
        session,
        guild_id=guild_id,
        numero=comite.numero,
        auteur_id=auteur_id,
        occurrence=a_utc("2026-04-14T14:00"),
        maintenant=a_utc("2026-04-01"),
    )
    assert comite.id is not None
    reponses = (
        (auteur_id, "present", "terrebonne"),
        (BOB, "present", "namur"),
        (44, "absent", None),
        (45, "peut_etre", None),
    )
    for membre, reponse, ville in reponses:
        repondre_presence(
            session,
            guild_id=guild_id,
            reunion_id=comite.id,
            debut=a_utc("2026-03-10T14:00"),  # 10 h à Terrebonne, heure d'été depuis le 8 mars
            membre_id=membre,
            reponse=reponse,
            maintenant=a_utc("2026-03-01"),
            ville=ville,
        )
    # Le compte rendu de cette séance (semaine à 5 h : 15 h à Namur).
    enregistrer_compte_rendu(
        session,
        guild_id=guild_id,
        numero=comite.numero,
        cle="20260310T1400Z",
        auteur_id=auteur_id,
        est_coordination=False,
        points="Bilan du premier trimestre",
        decisions="Lancer l'appel à projets jeunesse\nInviter le BEP au prochain comité",
        suites="Relancer l'UQTR sur les mobilités",
        maintenant=a_utc("2026-03-10T15:30"),
    )


# --- Réunions : les deux villes par défaut et une série type ---------------------------------

TERREBONNE, NAMUR = (Ville(v.code, v.nom, v.fuseau, v.couleur) for v in VILLES_PAR_DEFAUT)
H = timedelta(hours=1)
MIN = timedelta(minutes=1)
NB = "\u00a0"
AUTEUR = 42


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def serie(
    debut: date,
    heure: time,
    recurrence: Recurrence,
    *,
    ville: Ville = TERREBONNE,
    pli: int = 0,
    duree_minutes: int = 60,
) -> Reunion:
    return Reunion(
        id=7,
        guild_id=SERVEUR,
        numero=1,
        titre="Comité de suivi",
        ville=ville.code,
        fuseau=ville.fuseau,
        date_debut=debut,
        heure_locale=heure,
        pli=pli,
        duree_minutes=duree_minutes,
        recurrence=recurrence,
        regle=regle_pour(recurrence, debut),
        auteur_id=AUTEUR,
    )


# --- Import : le registre tenu pendant trois ans, tel qu'un tableur l'écrit ------------------

ACTION_TERMINEE_EN_JUIN = 1  # « Mission commerciale à Namur », terminée le 12 juin 2025


def registre_de_trois_ans(
    *,
    actions: int = 300,
    faits: int = 2000,
    mesures: int = 150,
    graine: int = 2024,
    fin: date = date(2026, 11, 25),
) -> list[tuple[str, bytes]]:
    """Trois fichiers comme les tiendrait le groupe : actions, historique daté, mesures des indicateurs 1 à 3.

    Chaque action a des faits datés entre sa création et le 25 novembre 2026 ; son état dans la
    feuille des actions est celui que laisse son dernier fait. L'action 1 est terminée le 12 juin 2025.
    """
    hasard = random.Random(graine)
    debut = date(2024, 1, 2)
    lignes_actions: list[tuple[object, ...]] = []
    lignes_faits: list[tuple[object, ...]] = []
    par_action = [faits // actions + (1 if i < faits % actions else 0) for i in range(actions)]
    for rang, nombre in enumerate(par_action):
        numero = rang + 1
        if numero == ACTION_TERMINEE_EN_JUIN:
            cree = date(2025, 1, 15)
            jours = [*sorted(cree + timedelta(days=1 + hasard.randrange(146)) for _ in range(nombre - 1))]
            jours.append(date(2025, 6, 12))
        else:
            cree = debut + timedelta(days=hasard.randrange((fin - debut).days - 60))
            etendue = (min(fin, cree + timedelta(days=700)) - cree).days
            jours = sorted(cree + timedelta(days=1 + hasard.randrange(etendue - 1)) for _ in range(nombre))
        statut, avancement = "en cours", 0
        for ordre, jour in enumerate(jours):
            dernier = ordre == len(jours) - 1
            if dernier and (numero == ACTION_TERMINEE_EN_JUIN or hasard.random() < 0.3):
                statut, avancement = "terminée", 100
                lignes_faits.append((numero, jour, None, statut, "Bilan remis au comité"))
            else:
                avancement = min(95, avancement + hasard.randint(1, 15))
                lignes_faits.append((numero, jour, avancement, None, None))
        axe = 1 + rang % 3
        lignes_actions.append(
            (
                numero,
                "Mission commerciale à Namur" if numero == ACTION_TERMINEE_EN_JUIN else f"Action {numero}",
                ("I", "II", "III")[axe - 1],
                f"{axe}.{1 + rang % 3}",
                ("Namur", "Terrebonne", "Terrebonne et Namur")[rang % 3],
                "",
                "UNamur, UQTR" if rang % 4 == 0 else "",
                statut if jours else "proposée",
                avancement,
                None,
                None,
                cree,
            )
        )
    entetes_actions = (
        "N°",
        "Titre",
        "Axe",
        "Objectif",
        "Ville porteuse",
        "Responsable",
        "Partenaires",
        "Statut",
        "Avancement (%)",
        "Échéance",
        "Description",
        "Créée le",
    )
    lignes_mesures = [
        (1 + i % 3, debut + timedelta(days=7 * (i // 3) + i % 3), round(10 + 2.5 * (i // 3), 1))
        for i in range(mesures)
    ]
    return [
        ("actions.csv", ecrire_csv(entetes_actions, lignes_actions)),
        ("historique.csv", ecrire_csv(("N°", "Date", "Avancement (%)", "Statut", "Note"), lignes_faits)),
        ("mesures.csv", ecrire_csv(("N° indicateur", "Date", "Valeur"), lignes_mesures)),
    ]
