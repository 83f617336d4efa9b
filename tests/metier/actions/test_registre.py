"""Règles des actions sur une vraie base (SQLite et PostgreSQL) : saisies, droits, historique, concurrence."""

import threading
from datetime import UTC, date, datetime, time, timedelta
from functools import partial

import pytest
from sqlmodel import Session, col, select

from bot.base import BaseDonnees
from metier.actions.evolution import recalculer
from metier.actions.registre import (
    Filtres,
    archiver_action,
    changer_statut,
    creer_action,
    defaire_derniere_mise_a_jour,
    echeance_en_mots,
    fiche_action,
    lire_action,
    lire_numero,
    lister_actions,
    mettre_a_jour_avancement,
    modifier_action,
    rechercher_actions,
)
from metier.erreurs import ErreurMetier, RefusDroits
from metier.graphiques import donnees_axes, donnees_echeances, donnees_indicateurs, donnees_statuts
from metier.rapport.donnees import rassembler_rapport
from metier.serveurs import amorcer_serveur, definir_horaire_resume
from modeles import Action, EntreeJournal, EvolutionMensuelle, MiseAJour, StatutAction

MAINTENANT = datetime(2026, 11, 26, 15, tzinfo=UTC)
SERVEUR, AUTRE, ALICE, BOB, COORD = 1, 2, 100, 200, 300


@pytest.fixture
def serveur(base: BaseDonnees) -> BaseDonnees:
    base.transaction(amorcer_serveur, SERVEUR)
    base.transaction(amorcer_serveur, AUTRE)
    return base


def creer(base: BaseDonnees, titre: str = "Plantation de 500 arbres", **options) -> Action:
    options.setdefault("axe_numero", 1)
    options.setdefault("guild_id", SERVEUR)
    options.setdefault("auteur_id", ALICE)
    return base.transaction(partial(creer_action, titre=titre, maintenant=MAINTENANT, **options))


def test_creer_numerote_par_serveur_et_historise(serveur: BaseDonnees) -> None:
    premiere = creer(
        serveur, objectif="1.2", ville="namur", echeance="31/03/2027", partenaires="UNamur; bep, BEP"
    )
    seconde = creer(serveur, "Forum de l'emploi", axe_numero=2)
    ailleurs = creer(serveur, "Autre serveur", guild_id=AUTRE)
    assert (premiere.numero, seconde.numero, ailleurs.numero) == (1, 2, 1)
    assert premiere.ville == "namur"
    assert premiere.echeance == date(2027, 3, 31)
    assert premiere.partenaires == "UNamur, BEP"  # le nom du registre, quelle que soit la casse saisie
    assert premiere.responsable_id == ALICE
    assert premiere.statut == StatutAction.PROPOSEE
    fiche = serveur.lecture(partial(fiche_action, guild_id=SERVEUR, numero=1))
    assert fiche.objectif is not None
    assert fiche.objectif.numero == 2
    assert [m.note for m in fiche.historique] == ["Action créée"]


@pytest.mark.parametrize(
    ("options", "extrait"),
    [
        ({"titre": "   "}, "Le titre ne peut pas être vide"),
        ({"titre": "x" * 201}, "Le titre fait 201 caractères ; 200 au plus"),
        ({"description": "d" * 1001}, "La description fait 1001 caractères"),
        ({"axe_numero": 9}, "L'axe 9 n'existe pas"),
        ({"objectif": "2.1"}, "n'appartient pas à l'axe I"),
        ({"objectif": "7"}, "n'a pas d'objectif 7"),
        ({"ville": "Paris"}, "n'est pas une ville partenaire"),
        ({"echeance": "31/02/2027"}, "février 2027 compte 28 jours"),
        ({"echeance": "2027-13-01"}, "le mois doit être entre 1 et 12"),
        ({"echeance": "2023-12-31"}, "est avant le début du protocole"),
        ({"echeance": "2020-01-01"}, "est avant le début du protocole"),
        ({"echeance": "bientôt"}, "Date non reconnue"),
        ({"partenaires": "P" * 41}, "dépasse 40 caractères"),
    ],
)
def test_creer_refuse_les_saisies_invalides(serveur: BaseDonnees, options: dict, extrait: str) -> None:
    options = dict(options)  # le même dictionnaire sert aux deux bases
    titre = options.pop("titre", "Titre valide")
    with pytest.raises(ErreurMetier, match=extrait):
        creer(serveur, titre, **options)
    assert serveur.lecture(lambda s: s.exec(select(Action)).all()) == []


def test_titre_de_200_caracteres_accepte(serveur: BaseDonnees) -> None:
    assert len(creer(serveur, "é" * 200).titre) == 200


def avancer(
    base: BaseDonnees, pourcentage: int, *, auteur: int = ALICE, coordination: bool = False, note=None
):
    return base.transaction(
        partial(
            mettre_a_jour_avancement,
            guild_id=SERVEUR,
            numero=1,
            auteur_id=auteur,
            est_coordination=coordination,
            pourcentage=pourcentage,
            note=note,
            maintenant=MAINTENANT,
        )
    )


def test_avancement_passe_en_cours_et_propose_de_terminer_a_100(serveur: BaseDonnees) -> None:
    creer(serveur)
    resultat = avancer(serveur, 40, note="Premier lot planté")
    assert resultat.action.statut == StatutAction.EN_COURS
    assert resultat.changements == {
        "avancement": (0, 40),
        "statut": (StatutAction.PROPOSEE, StatutAction.EN_COURS),
    }
    assert not resultat.proposer_terminer
    assert avancer(serveur, 100).proposer_terminer


@pytest.mark.parametrize("pourcentage", [-1, 101, 1000])
def test_avancement_hors_bornes_refuse(serveur: BaseDonnees, pourcentage: int) -> None:
    creer(serveur)
    with pytest.raises(ErreurMetier, match="entre 0 et 100"):
        avancer(serveur, pourcentage)


def test_droits_responsable_auteur_coordination(serveur: BaseDonnees) -> None:
    creer(serveur, responsable_id=BOB)
    with pytest.raises(RefusDroits, match="Rien n'a été modifié"):
        avancer(serveur, 10, auteur=COORD)
    assert avancer(serveur, 10, auteur=BOB).action.avancement == 10  # responsable
    assert avancer(serveur, 20, auteur=ALICE).action.avancement == 20  # auteure
    assert avancer(serveur, 30, auteur=COORD, coordination=True).action.avancement == 30
    with pytest.raises(RefusDroits):
        serveur.transaction(
            partial(
                archiver_action,
                guild_id=SERVEUR,
                numero=1,
                auteur_id=COORD,
                est_coordination=False,
                maintenant=MAINTENANT,
            )
        )


def statut(base: BaseDonnees, valeur: str, numero: int = 1):
    return base.transaction(
        partial(
            changer_statut,
            guild_id=SERVEUR,
            numero=numero,
            auteur_id=ALICE,
            est_coordination=False,
            statut=valeur,
            maintenant=MAINTENANT,
        )
    )


def test_terminee_veut_dire_100_pour_cent_et_se_fige(serveur: BaseDonnees) -> None:
    creer(serveur)
    avancer(serveur, 60)
    assert statut(serveur, "terminee").action.avancement == 100
    with pytest.raises(ErreurMetier, match="rouvrez-la"):
        avancer(serveur, 50)
    with pytest.raises(ErreurMetier, match="Statut inconnu"):
        statut(serveur, "finie")


def test_numero_inconnu_archive_ou_d_un_autre_serveur(serveur: BaseDonnees) -> None:
    creer(serveur, guild_id=AUTRE)
    with pytest.raises(ErreurMetier, match="Il n'y a pas d'action #1 sur ce serveur"):
        avancer(serveur, 10)
    creer(serveur)
    serveur.transaction(
        partial(
            archiver_action,
            guild_id=SERVEUR,
            numero=1,
            auteur_id=ALICE,
            est_coordination=False,
            maintenant=MAINTENANT,
        )
    )
    with pytest.raises(ErreurMetier, match="archivée"):
        avancer(serveur, 10)
    assert serveur.lecture(partial(rechercher_actions, guild_id=SERVEUR, saisie="")) == []
    page = serveur.lecture(
        partial(lister_actions, guild_id=SERVEUR, maintenant=MAINTENANT, filtres=Filtres())
    )
    assert page.total == 0


@pytest.mark.parametrize(("saisie", "numero"), [("12", 12), ("#12", 12), (" # 7 ", 7)])
def test_lire_numero(saisie: str, numero: int) -> None:
    assert lire_numero(saisie) == numero


@pytest.mark.parametrize("saisie", ["", "douze", "-3", "1" * 12, "@everyone"])
def test_lire_numero_refuse(saisie: str) -> None:
    with pytest.raises(ErreurMetier, match="n'est pas un numéro d'action"):
        lire_numero(saisie)


def test_modifier_journalise_ancien_et_nouveau(serveur: BaseDonnees) -> None:
    creer(serveur, objectif="1.1")
    resultat = serveur.transaction(
        partial(
            modifier_action,
            guild_id=SERVEUR,
            numero=1,
            auteur_id=ALICE,
            est_coordination=False,
            titre="Plantation de 800 arbres",
            axe_numero=2,
            echeance="2027-06-30",
            maintenant=MAINTENANT,
        )
    )
    assert resultat.action.objectif_id is None  # l'objectif de l'ancien axe ne suit pas
    journal = serveur.lecture(
        lambda s: {
            e.champ: (e.ancien, e.nouveau) for e in s.exec(select(EntreeJournal)) if e.champ != "creation"
        }
    )
    assert journal["titre"] == ("Plantation de 500 arbres", "Plantation de 800 arbres")
    assert journal["echeance"] == (None, "2027-06-30")
    with pytest.raises(ErreurMetier, match="au moins un champ"):
        serveur.transaction(
            partial(
                modifier_action,
                guild_id=SERVEUR,
                numero=1,
                auteur_id=ALICE,
                est_coordination=False,
                maintenant=MAINTENANT,
            )
        )


def test_modifier_dit_chaque_changement_en_francais(serveur: BaseDonnees) -> None:
    creer(serveur, objectif="1.1", ville="namur", echeance="15/12/2026", partenaires="UNamur")
    resultat = serveur.transaction(
        partial(
            modifier_action,
            guild_id=SERVEUR,
            numero=1,
            auteur_id=ALICE,
            est_coordination=False,
            titre="Plantation de 800 arbres",
            description="Avec les écoles",
            axe_numero=2,
            ville="toutes",
            responsable_id=BOB,
            echeance="31/01/2027",
            partenaires="",
            maintenant=MAINTENANT,
        )
    )
    assert [(c.libelle, c.avant, c.apres) for c in resultat.en_mots] == [
        ("titre", "« Plantation de 500 arbres »", "« Plantation de 800 arbres »"),
        ("description", None, "ajoutée"),
        ("axe", "I", "II"),
        ("objectif", "1.1", "aucun"),
        ("ville porteuse", "Namur", "Terrebonne et Namur"),
        ("responsable", f"<@{ALICE}>", f"<@{BOB}>"),
        ("échéance", "15 déc. 2026", "31 janv. 2027"),
        ("partenaires", "« UNamur »", "aucun"),
    ]
    assert [c.saisi for c in resultat.en_mots] == [True, False, False, False, False, False, False, True]


def test_modifier_sans_changement_n_ecrit_rien(serveur: BaseDonnees) -> None:
    creer(serveur, echeance="15/12/2026")
    resultat = serveur.transaction(
        partial(
            modifier_action,
            guild_id=SERVEUR,
            numero=1,
            auteur_id=ALICE,
            est_coordination=False,
            echeance="15 décembre 2026",
            maintenant=MAINTENANT + timedelta(days=1),
        )
    )
    assert (resultat.changements, resultat.en_mots) == ({}, ())
    assert resultat.action.modifie_le == MAINTENANT
    journal = serveur.lecture(lambda s: [e.champ for e in s.exec(select(EntreeJournal))])
    assert journal == ["creation"]


def test_avancement_et_statut_dits_en_francais(serveur: BaseDonnees) -> None:
    creer(serveur)
    resultat = serveur.transaction(
        partial(
            mettre_a_jour_avancement,
            guild_id=SERVEUR,
            numero=1,
            auteur_id=ALICE,
            est_coordination=False,
            pourcentage=10,
            maintenant=MAINTENANT,
        )
    )
    assert [(c.libelle, c.avant, c.apres) for c in resultat.en_mots] == [
        ("avancement", "0\u00a0%", "10\u00a0%"),
        ("statut", "proposée", "en cours"),
    ]


def test_liste_filtre_et_trie_les_retards_en_premier(serveur: BaseDonnees) -> None:
    creer(serveur, "Sans échéance")
    creer(serveur, "Échéance lointaine", echeance="2027-06-01", ville="terrebonne")
    creer(serveur, "Bientôt", echeance="2026-12-01", responsable_id=BOB)
    creer(serveur, "Autre axe", axe_numero=3, echeance="2026-11-27")
    plus_tard = MAINTENANT + timedelta(days=10)  # « Bientôt » et « Autre axe » sont alors en retard
    page = serveur.lecture(partial(lister_actions, guild_id=SERVEUR, maintenant=plus_tard, filtres=Filtres()))
    assert [a.titre for a, _ in page.actions] == [
        "Autre axe",
        "Bientôt",
        "Échéance lointaine",
        "Sans échéance",
    ]
    assert page.jour == date(2026, 12, 6)

    def titres(**filtres) -> list[str]:
        resultat = serveur.lecture(
            partial(lister_actions, guild_id=SERVEUR, maintenant=plus_tard, filtres=Filtres(**filtres))
        )
        return [a.titre for a, _ in resultat.actions]

    assert titres(axe=3) == ["Autre axe"]
    assert titres(ville="Terrebonne") == ["Échéance lointaine"]
    assert titres(responsable_id=BOB) == ["Bientôt"]
    assert titres(en_retard=True) == ["Autre axe", "Bientôt"]
    assert titres(statut=StatutAction.EN_COURS) == []


def test_liste_met_les_actions_closes_en_dernier(serveur: BaseDonnees) -> None:
    creer(serveur, "Abandonnée", echeance="2026-12-01")
    creer(serveur, "Ouverte sans échéance")
    creer(serveur, "Ouverte", echeance="2027-06-01")
    creer(serveur, "Terminée")
    creer(serveur, "En retard", echeance="2026-11-27")
    for numero, statut in ((1, "abandonnee"), (4, "terminee")):
        serveur.transaction(
            partial(
                changer_statut,
                guild_id=SERVEUR,
                numero=numero,
                auteur_id=ALICE,
                est_coordination=False,
                statut=statut,
                maintenant=MAINTENANT,
            )
        )
    plus_tard = MAINTENANT + timedelta(days=10)

    def lister(**filtres) -> tuple[list[str], int]:
        page = serveur.lecture(
            partial(lister_actions, guild_id=SERVEUR, maintenant=plus_tard, filtres=Filtres(**filtres))
        )
        return [a.titre for a, _ in page.actions], page.total

    assert lister() == (["En retard", "Ouverte", "Ouverte sans échéance", "Terminée", "Abandonnée"], 5)
    assert lister(statut=StatutAction.ABANDONNEE) == (["Abandonnée"], 1)
    assert lister(en_retard=True) == (["En retard"], 1)


APRES_MINUIT_A_NAMUR = datetime(2026, 12, 1, 4, 30, tzinfo=UTC)  # 23 h 30 le 30 novembre à Terrebonne


@pytest.mark.parametrize(
    ("reference", "jour", "en_retard"),
    [("terrebonne", date(2026, 11, 30), []), ("namur", date(2026, 12, 1), [1])],
)
def test_liste_et_graphiques_comptent_les_jours_dans_la_ville_de_reference(
    serveur: BaseDonnees, reference: str, jour: date, en_retard: list[int]
) -> None:
    creer(serveur, "Échéance le 30 novembre", echeance="2026-11-30")
    serveur.transaction(
        partial(
            definir_horaire_resume,
            guild_id=SERVEUR,
            auteur_id=ALICE,
            jour=0,
            heure=time(9),
            ville_code=reference,
            maintenant=MAINTENANT,
        )
    )
    lire = partial(serveur.lecture, guild_id=SERVEUR, maintenant=APRES_MINUIT_A_NAMUR)
    page = lire(partial(lister_actions, filtres=Filtres(en_retard=True)))
    echeances = lire(donnees_echeances)
    assert page.jour == echeances.au == jour
    assert [a.numero for a, _ in page.actions] == en_retard
    assert [e.numero for e in echeances.echeances if e.en_retard] == en_retard
    assert {lire(donnees).au for donnees in (donnees_axes, donnees_statuts, donnees_indicateurs)} == {jour}


def test_liste_paginee(serveur: BaseDonnees) -> None:
    for i in range(23):
        creer(serveur, f"Action {i}")
    pages = [
        serveur.lecture(
            partial(lister_actions, guild_id=SERVEUR, maintenant=MAINTENANT, filtres=Filtres(), page=n)
        )
        for n in (0, 2, 99)
    ]
    assert [(p.page, p.pages, len(p.actions), p.total) for p in pages] == [
        (0, 3, 10, 23),
        (2, 3, 3, 23),
        (2, 3, 3, 23),
    ]


def test_recherche_par_numero_ou_mots_sans_accents(serveur: BaseDonnees) -> None:
    creer(serveur, "Échanges d'étudiants UNamur – UQTR", axe_numero=3)
    creer(serveur, "Plantation d'arbres")
    creer(serveur, "Étude sur les îlots de chaleur")
    for i in range(30):
        creer(serveur, f"Atelier citoyen {i}")

    def chercher(saisie: str) -> list[int]:
        return [n for n, _ in serveur.lecture(partial(rechercher_actions, guild_id=SERVEUR, saisie=saisie))]

    assert chercher("etudiants uqtr") == [1]
    assert chercher("ETUDE") == [3]
    assert chercher("#2")[0] == 2
    assert chercher("ilots chaleur") == [3]
    assert len(chercher("atelier")) == 25
    assert chercher("100%_") == []  # les jokers SQL sont des caractères ordinaires


def test_echeance_en_mots() -> None:
    jour = date(2026, 11, 26)
    action = Action(guild_id=1, numero=1, titre="t", axe_id=1, responsable_id=1, auteur_id=1)
    cas = {
        None: "sans échéance",
        0: "aujourd'hui",
        1: "demain",
        12: "dans 12 jours",
        -1: "en retard d'un jour",
    }
    for decalage, attendu in cas.items():
        action.echeance = None if decalage is None else jour + timedelta(days=decalage)
        assert echeance_en_mots(action, jour) == attendu
    action.echeance = jour - timedelta(days=3)
    assert echeance_en_mots(action, jour) == "en retard de 3 jours"
    action.statut = StatutAction.TERMINEE
    assert echeance_en_mots(action, jour) is None  # son statut se dit ailleurs, une seule fois


def test_deux_mises_a_jour_simultanees_ne_se_perdent_pas(serveur: BaseDonnees) -> None:
    creer(serveur, responsable_id=BOB)
    depart = threading.Barrier(2)
    erreurs: list[BaseException] = []

    def en_parallele(fonction) -> None:
        try:
            depart.wait()
            fonction()
        except BaseException as erreur:
            erreurs.append(erreur)

    fils = [
        threading.Thread(target=en_parallele, args=(lambda: avancer(serveur, 55, auteur=BOB, note="Bob"),)),
        threading.Thread(target=en_parallele, args=(lambda: statut(serveur, "en_pause"),)),
    ]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join(timeout=30)
    assert erreurs == []
    action = serveur.lecture(lambda s: s.exec(select(Action)).one())
    assert action.avancement == 55  # l'avancement de Bob n'a pas été écrasé par le changement de statut
    assert action.statut == StatutAction.EN_PAUSE  # dans les deux ordres possibles
    historique = serveur.lecture(lambda s: s.exec(select(MiseAJour).order_by(MiseAJour.id)).all())
    assert len(historique) == 3  # création + les deux mises à jour
    assert {m.auteur_id for m in historique[1:]} == {ALICE, BOB}


def test_avancement_ou_statut_inchange_n_ecrit_rien_sauf_une_note(serveur: BaseDonnees) -> None:
    creer(serveur)
    avancer(serveur, 40)

    def compter(session: Session) -> tuple[int, int]:
        return len(session.exec(select(MiseAJour)).all()), len(session.exec(select(EntreeJournal)).all())

    avant = serveur.lecture(compter)
    inchange = avancer(serveur, 40)
    assert inchange.en_mots == ()  # le cog répond « rien à changer », pas « 40 % → 40 % »
    statut = serveur.transaction(
        partial(
            changer_statut,
            guild_id=SERVEUR,
            numero=1,
            auteur_id=ALICE,
            est_coordination=False,
            statut="en_cours",
            maintenant=MAINTENANT,
        )
    )
    assert statut.en_mots == ()
    assert serveur.lecture(compter) == avant
    avec_note = avancer(serveur, 40, note="Toujours 40 % : on attend le budget")
    assert avec_note.en_mots == ()
    assert serveur.lecture(compter)[0] == avant[0] + 1  # la note est gardée dans l'historique


def _defaire(base: BaseDonnees, *, auteur: int = ALICE, coordination: bool = False, quand=MAINTENANT):
    return base.transaction(
        partial(
            defaire_derniere_mise_a_jour,
            guild_id=SERVEUR,
            numero=1,
            auteur_id=auteur,
            est_coordination=coordination,
            maintenant=quand,
        )
    )


def test_defaire_la_derniere_mise_a_jour(serveur: BaseDonnees) -> None:
    creer(serveur)
    avancer(serveur, 40)
    avancer(serveur, 60, note="Deuxième lot")
    resultat = _defaire(serveur)
    assert (resultat.action.avancement, resultat.action.statut) == (40, StatutAction.EN_COURS)
    assert [(c.libelle, c.avant, c.apres) for c in resultat.en_mots] == [
        ("avancement", "60\u00a0%", "40\u00a0%")
    ]

    def lire(session: Session) -> tuple[list[int | None], list[str]]:
        historique = session.exec(select(MiseAJour).order_by(col(MiseAJour.id))).all()
        journal = session.exec(
            select(EntreeJournal).where(EntreeJournal.champ == "mise_a_jour_defaite")
        ).all()
        return [m.avancement for m in historique], [e.ancien or "" for e in journal]

    avancements, defaites = serveur.lecture(lire)
    assert avancements == [0, 40]  # la ligne défaite a quitté l'historique…
    assert len(defaites) == 1  # … mais le journal garde ses valeurs
    assert "60 %" in defaites[0]
    assert "Deuxième lot" in defaites[0]
    # Défaire encore remonte d'un cran ; à la création, il n'y a plus rien à défaire.
    assert _defaire(serveur).action.avancement == 0
    with pytest.raises(ErreurMetier, match="Rien à défaire"):
        _defaire(serveur)


def test_defaire_reserve_a_l_auteur_ou_a_la_coordination_et_dans_les_7_jours(serveur: BaseDonnees) -> None:
    creer(serveur)
    avancer(serveur, 40)
    with pytest.raises(RefusDroits, match="Rien n'a été modifié"):
        _defaire(serveur, auteur=BOB)
    with pytest.raises(ErreurMetier, match="moins de 7 jours"):
        _defaire(serveur, quand=MAINTENANT + timedelta(days=8))
    assert serveur.lecture(partial(lire_action, guild_id=SERVEUR, numero=1)).avancement == 40
    assert _defaire(serveur, auteur=BOB, coordination=True).action.avancement == 0


def test_defaire_garde_le_cumul_de_l_evolution_juste(serveur: BaseDonnees) -> None:
    creer(serveur)
    avancer(serveur, 40)
    avancer(serveur, 90)
    _defaire(serveur)

    def cumul(session: Session) -> list[tuple[int, date, int, int]]:
        lignes = session.exec(select(EvolutionMensuelle)).all()
        return sorted((e.axe_id, e.mois, e.somme, e.nombre) for e in lignes if e.somme or e.nombre)

    tenu = serveur.lecture(cumul)
    serveur.transaction(recalculer, SERVEUR)
    assert tenu == serveur.lecture(cumul)
    assert sum(somme for _, _, somme, _ in tenu) == 40  # l'avancement d'après la défaite


def test_consigner_apres_coup_ce_qui_s_est_passe(serveur: BaseDonnees) -> None:
    # Une mission tenue en juin, consignée en novembre : commencée le 2 juin, 40 % le 10, terminée le 20.
    creer(serveur, "Mission commerciale", debut="2026-06-02")
    avancer_le = partial(
        mettre_a_jour_avancement,
        guild_id=SERVEUR,
        numero=1,
        auteur_id=ALICE,
        est_coordination=False,
        maintenant=MAINTENANT,
    )
    resultat = serveur.transaction(partial(avancer_le, pourcentage=40, date="10/06/2026"))
    assert next((c.libelle, c.avant, c.apres) for c in resultat.en_mots) == (
        "avancement au 10 juin 2026",
        None,
        "40\u00a0%",
    )
    serveur.transaction(
        partial(
            changer_statut,
            guild_id=SERVEUR,
            numero=1,
            auteur_id=ALICE,
            est_coordination=False,
            statut="terminee",
            maintenant=MAINTENANT,
            date="20 juin 2026",
        )
    )
    action = serveur.lecture(partial(lire_action, guild_id=SERVEUR, numero=1))
    assert (action.statut, action.avancement) == (StatutAction.TERMINEE, 100)
    assert action.cree_le.replace(tzinfo=UTC) == datetime(2026, 6, 2, 16, tzinfo=UTC)  # midi à Terrebonne
    rapport = serveur.lecture(rassembler_rapport, guild_id=SERVEUR, annee=2026, maintenant=MAINTENANT)
    assert rapport.actions[0].terminee_le == date(2026, 6, 20)  # plus « le 26 novembre »
    # Un fait plus ancien que le dernier consigné ne change que le passé.
    serveur.transaction(partial(avancer_le, pourcentage=20, date="05/06/2026"))
    action = serveur.lecture(partial(lire_action, guild_id=SERVEUR, numero=1))
    assert (action.statut, action.avancement) == (StatutAction.TERMINEE, 100)

    def cumul(session: Session) -> list[tuple[int, date, int, int]]:
        return sorted((e.axe_id, e.mois, e.somme, e.nombre) for e in session.exec(select(EvolutionMensuelle)))

    tenu = serveur.lecture(cumul)
    serveur.transaction(recalculer, SERVEUR)
    assert tenu == serveur.lecture(cumul)


@pytest.mark.parametrize(
    ("date_saisie", "extrait"),
    [
        ("2026-12-25", "est dans le futur"),
        ("2023-12-31", "avant le début du protocole"),
        ("2026-05-01", "un fait ne peut pas la précéder"),
        ("31/02/2026", "février 2026 compte 28 jours"),
    ],
)
def test_un_fait_mal_date_est_refuse_sans_rien_ecrire(
    serveur: BaseDonnees, date_saisie: str, extrait: str
) -> None:
    creer(serveur, debut="2026-06-02")
    avant = serveur.lecture(lambda s: len(s.exec(select(MiseAJour)).all()))
    with pytest.raises(ErreurMetier, match=extrait):
        serveur.transaction(
            partial(
                mettre_a_jour_avancement,
                guild_id=SERVEUR,
                numero=1,
                auteur_id=ALICE,
                est_coordination=False,
                pourcentage=30,
                maintenant=MAINTENANT,
                date=date_saisie,
            )
        )
    assert serveur.lecture(lambda s: len(s.exec(select(MiseAJour)).all())) == avant


def test_defaire_un_fait_consigne_apres_coup(serveur: BaseDonnees) -> None:
    creer(serveur, debut="2026-06-02")
    avancer(serveur, 70)  # aujourd'hui
    serveur.transaction(
        partial(
            mettre_a_jour_avancement,
            guild_id=SERVEUR,
            numero=1,
            auteur_id=ALICE,
            est_coordination=False,
            pourcentage=30,
            maintenant=MAINTENANT,
            date="10/06/2026",
        )
    )
    resultat = _defaire(serveur)  # la dernière saisie : le fait de juin ; aujourd'hui reste à 70 %
    assert (resultat.action.avancement, resultat.action.statut) == (70, StatutAction.EN_COURS)
    assert resultat.en_mots == ()
    resultat = _defaire(serveur)
    assert (resultat.action.avancement, resultat.action.statut) == (0, StatutAction.PROPOSEE)
