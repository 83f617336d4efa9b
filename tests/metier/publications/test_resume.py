"""Résumé hebdomadaire : bornes de la semaine, moyennes reconstituées, listes et totaux (vraie base)."""

from datetime import UTC, date, datetime, time

import pytest
from sqlmodel import Session, select

from bot.base import BaseDonnees
from metier.publications.resume import (
    MAX_ELEMENTS,
    MAX_REUNIONS,
    construire_resume,
    periode,
    resume_et_axes,
    semaine_resumee,
)
from metier.serveurs import amorcer_serveur
from metier.temps import Ville
from modeles import Action, Axe, ConfigServeur, Indicateur, Mesure, MiseAJour, Reunion, StatutAction
from tests.scenarios import ALICE, Scenario, a_utc

SERVEUR, AUTRE_SERVEUR = 111, 222
TERREBONNE = Ville("terrebonne", "Terrebonne", "America/Toronto", "#1F5AA6")
NAMUR = Ville("namur", "Namur", "Europe/Brussels", "#D39B00")
# Jeudi 11 mars 2027, 10 h à Terrebonne : semaine du lundi 8 (05 h UTC) au lundi 15 mars (04 h UTC,
# l'heure d'été est arrivée le 14).
JEUDI = datetime(2027, 3, 11, 15, tzinfo=UTC)
DEBUT, FIN = datetime(2027, 3, 8, 5, tzinfo=UTC), datetime(2027, 3, 15, 4, tzinfo=UTC)


def _instant(texte: str) -> datetime:
    return datetime.fromisoformat(texte).replace(tzinfo=UTC)


# --- La semaine, sans base ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reference", "ville", "attendu"),
    [
        # Lundi 9 h à Terrebonne : la semaine écoulée, pas celle qui commence.
        (_instant("2027-03-15 13:00"), TERREBONNE, (date(2027, 3, 8), DEBUT, FIN)),
        # Mardi 00 h 30, jeudi ou dimanche soir : toujours la dernière semaine complète, celle du 8.
        (_instant("2027-03-16 04:30"), TERREBONNE, (date(2027, 3, 8), DEBUT, FIN)),
        (_instant("2027-03-18 15:00"), TERREBONNE, (date(2027, 3, 8), DEBUT, FIN)),
        (_instant("2027-03-22 03:30"), TERREBONNE, (date(2027, 3, 8), DEBUT, FIN)),
        # Dimanche 23 h 30 à Terrebonne, déjà lundi en UTC : la semaine du 8 n'est pas finie.
        (_instant("2027-03-15 03:30"), TERREBONNE, (date(2027, 3, 1), _instant("2027-03-01 05:00"), DEBUT)),
        # Dans l'horloge de Namur, la semaine commence six heures plus tôt (cinq après le 14 mars).
        (
            _instant("2027-03-18 15:00"),
            NAMUR,
            (date(2027, 3, 8), _instant("2027-03-07 23:00"), _instant("2027-03-14 23:00")),
        ),
    ],
)
def test_semaine_resumee(reference, ville, attendu) -> None:
    assert semaine_resumee(reference, ville) == attendu


@pytest.mark.parametrize(
    ("premier", "dernier", "texte"),
    [
        (date(2027, 3, 1), date(2027, 3, 7), "du 1er au 7 mars 2027"),
        (date(2027, 3, 29), date(2027, 4, 4), "du 29 mars au 4 avril 2027"),
        (date(2027, 1, 25), date(2027, 2, 1), "du 25 janvier au 1er février 2027"),
        (date(2026, 12, 28), date(2027, 1, 3), "du 28 décembre 2026 au 3 janvier 2027"),
    ],
)
def test_periode_en_francais(premier, dernier, texte) -> None:
    assert periode(premier, dernier) == texte


# --- Sur une vraie base -------------------------------------------------------------------------


def _axes(session: Session, guild_id: int = SERVEUR) -> dict[int, int]:
    return {a.numero: a.id for a in session.exec(select(Axe).where(Axe.guild_id == guild_id))}  # type: ignore[misc]


def _action(session: Session, numero: int, axe: int, guild_id: int = SERVEUR, **champs: object) -> Action:
    valeurs: dict[str, object] = {
        "titre": f"Action {numero}",
        "statut": StatutAction.EN_COURS,
        "avancement": 0,
        "cree_le": _instant("2027-01-10"),
        "responsable_id": 5,
        "auteur_id": 5,
        **champs,
    }
    action = Action(guild_id=guild_id, numero=numero, axe_id=_axes(session, guild_id)[axe], **valeurs)
    session.add(action)
    session.flush()
    return action


def _historique(
    session: Session, action: Action, quand: str, avancement: int, statut: str, auteur: int
) -> None:
    session.add(
        MiseAJour(
            guild_id=action.guild_id,
            action_id=action.id,
            auteur_id=auteur,
            quand=_instant(quand),
            avancement=avancement,
            statut=statut,
        )
    )
    session.flush()


def _resume(base: BaseDonnees, maintenant: datetime = JEUDI, **options: object):
    return base.lecture(construire_resume, guild_id=SERVEUR, maintenant=maintenant, **options)


@pytest.fixture
def serveur(base: BaseDonnees) -> BaseDonnees:
    base.transaction(amorcer_serveur, SERVEUR)
    base.transaction(amorcer_serveur, AUTRE_SERVEUR)
    return base


def test_registre_vide(serveur: BaseDonnees) -> None:
    resume = _resume(serveur)
    assert resume.titre == "Semaine 10 : du 8 au 14 mars 2027"
    assert (resume.debut, resume.fin, resume.en_cours) == (DEBUT, FIN, True)
    assert resume.est_calme
    assert (resume.nb_actions, resume.moyenne) == (0, None)
    assert [(a.libelle, a.nb_actions, a.moyenne, a.variation) for a in resume.axes] == [
        ("I. Climat et transition écologique", 0, None, None),
        ("II. Développement social et économique", 0, None, None),
        ("III. Échanges universitaires", 0, None, None),
    ]
    listes = (
        resume.terminees,
        resume.creees,
        resume.mises_a_jour,
        resume.contributeurs,
        resume.en_retard,
        resume.echeances,
        resume.indicateurs,
        resume.reunions,
    )
    assert all(liste.elements == () and liste.total == 0 for liste in listes)


def _semaine_chargee(session: Session) -> None:
    """Cinq actions du serveur qui bougent (ou non) cette semaine, une archivée, une d'un autre serveur."""
    # I : 20 → 60 dans la semaine, par le membre 7.
    a1 = _action(session, 1, 1, avancement=60)
    _historique(session, a1, "2027-02-01", 20, "en_cours", 5)
    _historique(session, a1, "2027-03-09 12:00", 60, "en_cours", 7)
    # I : sans historique (importée) : 50 avant comme après.
    _action(session, 2, 1, avancement=50)
    # II : créée cette semaine par le membre 8.
    a3 = _action(session, 3, 2, cree_le=_instant("2027-03-09 10:00"), auteur_id=8, responsable_id=9)
    _historique(session, a3, "2027-03-09 10:00", 0, "proposee", 8)
    # II : terminée cette semaine par le membre 9 (80 → 100).
    a4 = _action(session, 4, 2, statut=StatutAction.TERMINEE, avancement=100)
    _historique(session, a4, "2027-02-01", 80, "en_cours", 5)
    _historique(session, a4, "2027-03-10 12:00", 100, "terminee", 9)
    # III : sa première mise à jour d'avancement tombe dans la semaine : 0 avant (comme `evolution`).
    a5 = _action(session, 5, 3, avancement=30, statut=StatutAction.EN_PAUSE)
    _historique(session, a5, "2027-03-08 12:00", 30, "en_pause", 7)
    # Ni une action archivée, ni un autre serveur ne comptent.
    a6 = _action(session, 6, 1, avancement=90, archivee=True)
    _historique(session, a6, "2027-03-09", 90, "en_cours", 7)
    intrus = _action(session, 1, 1, guild_id=AUTRE_SERVEUR, avancement=77)
    _historique(session, intrus, "2027-03-09", 77, "en_cours", 7)
    # Avant la semaine : ne bouge pas cette semaine.
    a7 = _action(session, 7, 3, avancement=10, statut=StatutAction.TERMINEE)
    _historique(session, a7, "2027-03-01", 10, "terminee", 5)


def test_avancement_par_axe_et_variation_sur_la_semaine(serveur: BaseDonnees) -> None:
    serveur.transaction(_semaine_chargee)
    resume = _resume(serveur)
    axes = {a.numero: a for a in resume.axes}
    # I : (60 + 50) / 2 maintenant, (20 + 50) / 2 lundi.
    assert (axes[1].nb_actions, axes[1].moyenne, axes[1].moyenne_avant) == (2, 55, 35)
    assert axes[1].variation == 20
    # II : (0 + 100) / 2 ; lundi, seule la n° 4 existait, à 80.
    assert (axes[2].nb_actions, axes[2].moyenne, axes[2].moyenne_avant) == (2, 50, 80)
    # III : (30 + 10) / 2 ; lundi, (0 + 10) / 2.
    assert (axes[3].moyenne, axes[3].moyenne_avant) == (20, 5)
    assert resume.nb_actions == 6
    assert resume.moyenne == pytest.approx((60 + 50 + 0 + 100 + 30 + 10) / 6)


def test_terminees_creees_et_mises_a_jour_avec_leurs_auteurs(serveur: BaseDonnees) -> None:
    serveur.transaction(_semaine_chargee)
    resume = _resume(serveur)
    assert [(a.numero, a.auteurs) for a in resume.terminees.elements] == [(4, (9,))]
    assert [(a.numero, a.auteurs, a.responsable_id) for a in resume.creees.elements] == [(3, (8,), 9)]
    assert resume.creees.total == 1
    mises_a_jour = {a.numero: a for a in resume.mises_a_jour.elements}
    assert list(mises_a_jour) == [1, 5]  # la plus récente d'abord
    assert (mises_a_jour[1].avancement_avant, mises_a_jour[1].avancement, mises_a_jour[1].auteurs) == (
        20,
        60,
        (7,),
    )
    # Avant sa première ligne d'historique, la n° 5 était proposée, à 0 % (metier.actions.etat).
    assert (mises_a_jour[5].avancement_avant, mises_a_jour[5].statut_avant) == (0, StatutAction.PROPOSEE)
    assert mises_a_jour[5].statut == StatutAction.EN_PAUSE
    # Le membre 7 : n° 1, n° 5 et l'archivée (le travail a été fait) ; pas l'autre serveur.
    assert dict(resume.contributeurs.elements) == {7: 3, 8: 1, 9: 1}
    assert not resume.est_calme


def test_semaine_ecoulee_vue_le_lundi_sans_ce_qui_a_suivi(serveur: BaseDonnees) -> None:
    serveur.transaction(_semaine_chargee)

    def lundi_matin(session: Session) -> None:
        a1 = session.exec(select(Action).where(Action.guild_id == SERVEUR, Action.numero == 1)).one()
        a1.avancement = 90
        session.add(a1)
        _historique(session, a1, "2027-03-15 12:00", 90, "en_cours", 3)
        # La n° 7, terminée le 1er mars, rouverte lundi : rien à dire de la semaine écoulée.
        a7 = session.exec(select(Action).where(Action.guild_id == SERVEUR, Action.numero == 7)).one()
        a7.statut, a7.avancement = StatutAction.EN_COURS, 15
        session.add(a7)
        _historique(session, a7, "2027-03-15 12:00", 15, "en_cours", 3)
        _action(session, 8, 1, avancement=0, cree_le=_instant("2027-03-15 12:00"))

    serveur.transaction(lundi_matin)
    # Le post du lundi 15 mars, 9 h à Terrebonne : la semaine du 8 au 14, arrêtée à dimanche minuit.
    lundi_9h = _instant("2027-03-15 13:00")
    resume = _resume(serveur, lundi_9h, reference=lundi_9h)
    assert (resume.lundi, resume.en_cours) == (date(2027, 3, 8), False)
    axes = {a.numero: a for a in resume.axes}
    assert (axes[1].nb_actions, axes[1].moyenne, axes[1].moyenne_avant) == (2, 55, 35)
    assert (axes[3].moyenne, axes[3].moyenne_avant) == (20, 5)
    mises_a_jour = {a.numero: a for a in resume.mises_a_jour.elements}
    assert list(mises_a_jour) == [1, 5]
    assert (mises_a_jour[1].avancement, mises_a_jour[1].auteurs) == (60, (7,))
    assert 3 not in dict(resume.contributeurs.elements)


def test_publie_en_retard_resume_la_semaine_de_son_echeance(serveur: BaseDonnees) -> None:
    mercredi = _instant("2027-03-17 15:00")
    resume = _resume(serveur, mercredi, reference=_instant("2027-03-15 13:00"))
    assert (resume.lundi, resume.en_cours) == (date(2027, 3, 8), False)
    assert _resume(serveur, mercredi).lundi == date(2027, 3, 15)


def test_en_retard_et_echeances_des_14_jours(serveur: BaseDonnees) -> None:
    def remplir(session: Session) -> None:
        for numero in range(1, 26):  # 25 en retard, du 1er au 25 février
            _action(session, numero, 1, echeance=date(2027, 2, numero))
        _action(session, 26, 2, echeance=date(2027, 3, 11), avancement=40)  # aujourd'hui
        _action(session, 27, 2, echeance=date(2027, 3, 25))  # dans 14 jours
        _action(session, 28, 2, echeance=date(2027, 3, 26))  # trop loin
        _action(session, 29, 2, echeance=date(2027, 3, 1), statut=StatutAction.TERMINEE)  # close
        _action(session, 30, 2, echeance=date(2027, 3, 1), statut=StatutAction.ABANDONNEE)
        _action(session, 31, 2, echeance=date(2027, 3, 1), archivee=True)

    serveur.transaction(remplir)
    resume = _resume(serveur)
    assert resume.aujourd_hui == date(2027, 3, 11)
    assert resume.en_retard.total == 25
    assert [a.numero for a in resume.en_retard.elements] == list(range(1, MAX_ELEMENTS + 1))
    assert resume.en_retard.autres == 25 - MAX_ELEMENTS
    assert [(a.numero, a.avancement) for a in resume.echeances.elements] == [(26, 40), (27, 0)]
    assert resume.echeances.total == 2


def test_indicateurs_mesures_dans_la_semaine(serveur: BaseDonnees) -> None:
    def remplir(session: Session) -> None:
        axe = _axes(session)

        def indicateur(numero: int, **champs: object) -> Indicateur:
            ligne = Indicateur(guild_id=SERVEUR, numero=numero, axe_id=axe[1], auteur_id=5, **champs)
            session.add(ligne)
            session.flush()
            return ligne

        def mesure(ligne: Indicateur, jour: str, valeur: float) -> None:
            session.add(
                Mesure(
                    guild_id=SERVEUR,
                    indicateur_id=ligne.id,
                    date=date.fromisoformat(jour),
                    valeur=valeur,
                    auteur_id=5,
                    quand=_instant(jour + " 12:00"),
                )
            )
            session.flush()

        co2 = indicateur(1, nom="CO₂ évité", unite="t", valeur_depart=0, cible=30)
        mesure(co2, "2027-02-01", 12)
        mesure(co2, "2027-03-09", 18.5)
        premier = indicateur(2, nom="Arbres plantés", unite="arbres", valeur_depart=0, cible=500)
        mesure(premier, "2027-03-10", 120)
        ancien = indicateur(3, nom="Stagiaires", unite="personnes", cible=10)
        mesure(ancien, "2027-02-15", 4)  # pas cette semaine
        archive = indicateur(4, nom="Retiré", unite="u", cible=1, archive=True)
        mesure(archive, "2027-03-09", 1)

    serveur.transaction(remplir)
    resume = _resume(serveur)
    assert resume.indicateurs.total == 2
    assert [
        (m.numero, m.valeur_avant, m.valeur, m.unite, m.date_mesure) for m in resume.indicateurs.elements
    ] == [
        (1, 12, 18.5, "t", date(2027, 3, 9)),
        (2, None, 120, "arbres", date(2027, 3, 10)),
    ]


def test_prochaines_reunions_dans_l_horloge_de_leur_ville(serveur: BaseDonnees) -> None:
    def planifier(session: Session) -> None:
        for numero in range(1, 8):
            session.add(
                Reunion(
                    guild_id=SERVEUR,
                    numero=numero,
                    titre=f"Comité {numero}",
                    ville="namur" if numero == 1 else "terrebonne",
                    fuseau="Europe/Brussels" if numero == 1 else "America/Toronto",
                    date_debut=date(2027, 3, 15 + numero),
                    heure_locale=time(10),
                    auteur_id=5,
                )
            )

    serveur.transaction(planifier)
    resume = _resume(serveur)
    assert resume.reunions.total == 7
    assert len(resume.reunions.elements) == MAX_REUNIONS
    premiere = resume.reunions.elements[0]
    assert (premiere.numero, premiere.ancre.nom) == (1, "Namur")
    assert premiere.occurrence.debut == _instant("2027-03-16 09:00")  # 10 h à Namur (UTC+1)
    assert resume.reunions.elements[1].occurrence.debut == _instant("2027-03-17 14:00")  # 10 h à Terrebonne


def test_la_ville_du_resume_fixe_la_semaine(serveur: BaseDonnees) -> None:
    def namur(session: Session) -> None:
        config = session.get(ConfigServeur, SERVEUR)
        assert config is not None
        config.resume_ville = "namur"
        session.add(config)

    serveur.transaction(namur)
    resume = _resume(serveur)
    assert (resume.ville.nom, resume.debut) == ("Namur", _instant("2027-03-07 23:00"))


def test_le_post_du_lundi_montre_texte_et_graphique_a_la_fin_de_la_semaine(base: BaseDonnees) -> None:
    # Semaine du 1er au 7 mars 2027 ; le post part le lundi 8 à 9 h à Terrebonne (14 h UTC).
    def ecrire(session: Session) -> None:
        amorcer_serveur(session, SERVEUR)
        s = Scenario(session, SERVEUR, ALICE)
        a = s.action("2027-03-02T15:00", "Avant, puis avancée le lundi", 1)
        s.avancer(a, "2027-03-03T15:00", 40)
        s.avancer(a, "2027-03-08T13:00", 90)  # lundi matin : après la fin de la semaine
        b = s.action("2027-03-04T15:00", "Avant, puis terminée le lundi", 1, ville="namur")
        s.avancer(b, "2027-03-05T15:00", 20)
        s.statut(b, "2027-03-08T13:30", "terminee")
        s.action("2027-03-08T13:45", "Créée le lundi matin", 1)

    base.transaction(ecrire)
    poste = base.lecture(
        resume_et_axes,
        guild_id=SERVEUR,
        maintenant=a_utc("2027-03-08T14:00"),
        reference=a_utc("2027-03-08T14:00"),
    )
    resume, axes = poste
    assert resume.fin == a_utc("2027-03-08T05:00")  # lundi 0 h à Terrebonne
    assert axes.au == date(2027, 3, 7)  # le dimanche, dernier jour de la semaine résumée
    axe_i = axes.axes[0]
    assert axe_i.nb_actions == 2  # pas celle créée le lundi
    assert axe_i.nb_terminees == 0  # terminée le lundi : pas encore à la fin de la semaine
    assert {m.porteur.code: m.moyenne for m in axe_i.par_porteur} == {"toutes": 40.0, "namur": 20.0}
    assert axe_i.moyenne == resume.axes[0].moyenne == 30.0  # le texte et le graphique disent la même chose
    # À la demande, le même jour : l'état de maintenant, et le texte suit.
    resume, axes = base.lecture(resume_et_axes, guild_id=SERVEUR, maintenant=a_utc("2027-03-08T14:00"))
    assert axes.axes[0].nb_actions == 3
    assert axes.axes[0].moyenne == resume.axes[0].moyenne
