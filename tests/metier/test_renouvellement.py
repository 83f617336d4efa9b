"""Le renouvellement : nouvelle édition, actions reprises ou closes, lectures par édition."""

from datetime import UTC, date, datetime
from functools import partial

import pytest
from sqlmodel import col, select

from bot.base import BaseDonnees
from metier.actions.indicateurs import (
    creer_indicateur,
    lister_indicateurs_de_l_edition,
    mesurer,
    rechercher_indicateurs,
)
from metier.actions.registre import (
    Filtres,
    changer_statut,
    creer_action,
    fiche_action,
    lister_actions,
    lister_axes,
    mettre_a_jour_avancement,
    rechercher_actions,
)
from metier.editions import edition_courante, retirer_objectif, voir_protocole
from metier.erreurs import ErreurMetier
from metier.graphiques import donnees_statuts, preparer
from metier.publications.resume import construire_resume, resume_et_axes
from metier.rapport.bilan import rassembler_bilan
from metier.rapport.donnees import rassembler_rapport
from metier.renouvellement import Sort, decider, renouveler
from metier.serveurs import amorcer_serveur
from modeles import Action, Axe, Edition, EntreeJournal, Indicateur, MiseAJour, Objectif, StatutAction

MAINTENANT = datetime(2026, 11, 26, 15, tzinfo=UTC)
APRES_LA_FIN = datetime(2027, 1, 10, 15, tzinfo=UTC)
SERVEUR, ALICE, COORD = 1, 100, 300


@pytest.fixture
def serveur(base: BaseDonnees) -> BaseDonnees:
    """Trois actions de 2024-2026 : une en cours (objectif 1.2), une terminée, une proposée."""
    base.transaction(amorcer_serveur, SERVEUR)
    for titre, axe, objectif, debut in (
        ("Plantation", 1, "1.2", "2024-03-01"),
        ("Forum", 2, None, "2025-05-01"),
        ("Mobilité", 3, "3.1", "2026-02-01"),
    ):
        base.transaction(
            partial(
                creer_action,
                guild_id=SERVEUR,
                auteur_id=ALICE,
                titre=titre,
                axe_numero=axe,
                objectif=objectif,
                debut=debut,
                maintenant=MAINTENANT,
            )
        )
    base.transaction(
        partial(
            mettre_a_jour_avancement,
            guild_id=SERVEUR,
            numero=1,
            auteur_id=ALICE,
            est_coordination=False,
            pourcentage=60,
            date="2025-06-01",
            maintenant=MAINTENANT,
        )
    )
    base.transaction(
        partial(
            changer_statut,
            guild_id=SERVEUR,
            numero=2,
            auteur_id=ALICE,
            est_coordination=False,
            statut="terminee",
            date="2025-11-01",
            maintenant=MAINTENANT,
        )
    )
    return base


def _renouveler(base: BaseDonnees, maintenant: datetime = MAINTENANT, **options: str):
    options = {
        "titre": "Protocole de collaboration 2027-2029",
        "debut": "2027-01-01",
        "fin": "2029-12-31",
    } | options
    return base.transaction(
        partial(renouveler, guild_id=SERVEUR, auteur_id=COORD, maintenant=maintenant, **options)
    )


def _decider(base: BaseDonnees, edition_id: int, sort: Sort, maintenant: datetime = MAINTENANT):
    return base.transaction(
        partial(
            decider,
            guild_id=SERVEUR,
            auteur_id=COORD,
            edition_id=edition_id,
            sort=sort,
            maintenant=maintenant,
        )
    )


def _editions(base: BaseDonnees) -> list[tuple[str, bool]]:
    return base.lecture(
        lambda s: [(e.titre, e.en_attente) for e in s.exec(select(Edition).order_by(col(Edition.debut)))]
    )


def test_renouveler_puis_reprendre_garde_l_historique(serveur: BaseDonnees) -> None:
    renouvellement = _renouveler(serveur)
    assert renouvellement.ouvertes == 2
    assert (renouvellement.nouvelle.debut, renouvellement.nouvelle.fin) == (
        date(2027, 1, 1),
        date(2029, 12, 31),
    )
    # La nouvelle édition est en vigueur dès son ouverture : axes et objectifs recopiés, bureaux aussi.
    assert [a.numero for a in serveur.lecture(lister_axes, guild_id=SERVEUR)] == [1, 2, 3]
    vue = serveur.lecture(voir_protocole, guild_id=SERVEUR)
    assert vue.edition.titre == "Protocole de collaboration 2027-2029"
    assert [o.code for o in vue.axes[0].objectifs] == ["1.1", "1.2", "1.3"]
    assert len(vue.bureaux) == 2
    assert vue.autres_editions == ("2024-2026",)

    _, nombre = _decider(serveur, renouvellement.nouvelle.id, Sort.REPRENDRE)
    assert nombre == 2
    assert _editions(serveur) == [
        ("Protocole de collaboration 2024-2026", False),
        ("Protocole de collaboration 2027-2029", False),
    ]
    fiche = serveur.lecture(fiche_action, guild_id=SERVEUR, numero=1)
    assert fiche.reprise_de == "2024-2026"
    assert fiche.axe.edition_id == renouvellement.nouvelle.id
    assert fiche.objectif is not None
    assert fiche.objectif.numero == 2
    assert fiche.action.avancement == 60
    historique = serveur.lecture(
        lambda s: [
            (m.avancement, m.note)
            for m in s.exec(select(MiseAJour).where(MiseAJour.action_id == 1).order_by(col(MiseAJour.id)))
        ]
    )
    assert historique == [(0, "Action créée"), (60, None), (60, "Reprise de l'édition 2024-2026")]
    # La terminée reste dans 2024-2026 : les listes par défaut montrent la nouvelle édition.
    courante = serveur.lecture(lister_actions, guild_id=SERVEUR, maintenant=MAINTENANT, filtres=Filtres())
    assert sorted(a.numero for a, _ in courante.actions) == [1, 3]
    passee = serveur.lecture(
        lister_actions, guild_id=SERVEUR, maintenant=MAINTENANT, filtres=Filtres(edition="2024-2026")
    )
    assert [a.numero for a, _ in passee.actions] == [2]
    # L'autocomplétion propose les actions de l'édition en vigueur ; une close se retrouve par son numéro.
    assert serveur.lecture(rechercher_actions, guild_id=SERVEUR, saisie="") == [
        (3, "Mobilité"),
        (1, "Plantation"),
    ]
    assert serveur.lecture(rechercher_actions, guild_id=SERVEUR, saisie="forum") == []
    assert serveur.lecture(rechercher_actions, guild_id=SERVEUR, saisie="2") == [(2, "Forum")]
    resume = serveur.lecture(construire_resume, guild_id=SERVEUR, maintenant=MAINTENANT)
    assert resume.nb_actions_registre == 2
    statuts = serveur.lecture(donnees_statuts, guild_id=SERVEUR, maintenant=MAINTENANT)
    assert sum(sum(a.comptes) for a in statuts.axes) == 2
    # Une nouvelle action entre dans la nouvelle édition.
    nouvelle = serveur.transaction(
        partial(
            creer_action,
            guild_id=SERVEUR,
            auteur_id=ALICE,
            titre="Neuve",
            axe_numero=1,
            maintenant=MAINTENANT,
        )
    )
    assert serveur.lecture(fiche_action, guild_id=SERVEUR, numero=nouvelle.numero).axe.edition_id == (
        renouvellement.nouvelle.id
    )
    # Le rapport 2025 (édition 2024-2026) garde l'action reprise dans la section de son axe.
    rapport = serveur.lecture(rassembler_rapport, guild_id=SERVEUR, annee=2025, maintenant=MAINTENANT)
    assert [[a.numero for a in s.actions] for s in rapport.sections] == [[1], [2], []]


def test_clore_a_la_fin_de_l_edition(serveur: BaseDonnees) -> None:
    renouvellement = _renouveler(serveur, APRES_LA_FIN, debut="2027-01-05")
    _decider(serveur, renouvellement.nouvelle.id, Sort.CLORE, APRES_LA_FIN)
    actions = serveur.lecture(lambda s: {a.numero: a for a in s.exec(select(Action))})
    assert (actions[1].statut, actions[3].statut) == (StatutAction.ABANDONNEE, StatutAction.ABANDONNEE)
    assert actions[2].statut == StatutAction.TERMINEE
    cloture = serveur.lecture(
        lambda s: s.exec(
            select(MiseAJour).where(MiseAJour.action_id == 1).order_by(col(MiseAJour.id).desc())
        ).first()
    )
    assert cloture.note == "Close à la fin de l'édition 2024-2026, non reprise dans l'édition 2027-2029"
    # Datée du dernier jour de l'édition (midi dans la ville de référence), pas du jour de la décision.
    assert cloture.quand.date() == date(2026, 12, 31)
    courante = serveur.lecture(lister_actions, guild_id=SERVEUR, maintenant=APRES_LA_FIN, filtres=Filtres())
    assert courante.total == 0
    with pytest.raises(ErreurMetier, match="déjà été décidé"):
        _decider(serveur, renouvellement.nouvelle.id, Sort.REPRENDRE, APRES_LA_FIN)


@pytest.mark.parametrize(
    ("options", "extrait"),
    [
        (
            {"debut": "2029-12-31", "fin": "2027-01-01"},
            r"La fin \(1er janvier 2027\) doit venir après le début",
        ),
        ({"debut": "2027-01-01", "fin": "2027-01-01"}, "doit venir après le début"),
        ({"debut": "2026-06-01"}, "L'édition 2024-2026 court jusqu'au 31 décembre 2026"),
        ({"titre": "  "}, "ne peut pas être vide"),
        ({"titre": "T" * 201}, "201 caractères ; 200 au plus"),
        ({"debut": "bientôt"}, "Date non reconnue"),
    ],
)
def test_renouvellement_refuse(serveur: BaseDonnees, options: dict, extrait: str) -> None:
    with pytest.raises(ErreurMetier, match=extrait):
        _renouveler(serveur, **options)
    assert len(_editions(serveur)) == 1


def test_un_seul_renouvellement_en_attente(serveur: BaseDonnees) -> None:
    _renouveler(serveur)
    with pytest.raises(ErreurMetier, match="attend encore la décision"):
        _renouveler(serveur, titre="Encore", debut="2030-01-01", fin="2032-12-31")
    assert len(_editions(serveur)) == 2
    assert serveur.lecture(edition_courante, guild_id=SERVEUR).titre == "Protocole de collaboration 2027-2029"


def test_un_objectif_d_une_autre_edition_ne_se_retire_pas(serveur: BaseDonnees) -> None:
    renouvellement = _renouveler(serveur)
    _decider(serveur, renouvellement.nouvelle.id, Sort.CLORE)
    with pytest.raises(ErreurMetier, match=r"L'objectif 1\.2 appartient à l'édition 2024-2026, close"):
        serveur.transaction(
            partial(
                retirer_objectif,
                guild_id=SERVEUR,
                auteur_id=COORD,
                code="2024-2026 1.2",
                maintenant=MAINTENANT,
            )
        )
    retire, _, _ = serveur.transaction(
        partial(
            retirer_objectif, guild_id=SERVEUR, auteur_id=COORD, code="2027-2029:1.2", maintenant=MAINTENANT
        )
    )
    assert retire.retire_le == MAINTENANT
    anciens = serveur.lecture(
        lambda s: [
            o.retire_le
            for o in s.exec(select(Objectif).where(Objectif.id != retire.id, Objectif.numero == 2))
        ]
    )
    assert all(r is None for r in anciens)


def test_le_rapport_de_2027_juge_les_indicateurs_sur_la_nouvelle_edition(serveur: BaseDonnees) -> None:
    serveur.transaction(
        partial(
            creer_indicateur,
            guild_id=SERVEUR,
            auteur_id=ALICE,
            nom="Arbres plantés",
            axe_numero=1,
            unite="arbres",
            cible="1000",
            maintenant=MAINTENANT,
        )
    )
    renouvellement = _renouveler(serveur)
    _decider(serveur, renouvellement.nouvelle.id, Sort.REPRENDRE)
    juillet_2027 = datetime(2027, 7, 2, 15, tzinfo=UTC)
    rapport = serveur.lecture(rassembler_rapport, guild_id=SERVEUR, annee=2027, maintenant=juillet_2027)
    (indicateur,) = rapport.sections[0].indicateurs
    # Six mois sur les trois ans de l'édition 2027-2029, pas « la fin du protocole 2024-2026 ».
    assert round(indicateur.attendu) == 17  # 182 jours sur 1 095
    assert [a.numero for a in rapport.sections[0].actions] == [1]


def test_le_bilan_de_2024_2026_garde_les_actions_reprises(serveur: BaseDonnees) -> None:
    renouvellement = _renouveler(serveur)
    _decider(serveur, renouvellement.nouvelle.id, Sort.REPRENDRE)
    bilan = serveur.lecture(rassembler_bilan, guild_id=SERVEUR, maintenant=MAINTENANT, edition="2024-2026")
    assert bilan.annees == (2024, 2025, 2026)
    assert [[(a.commencees, a.terminees) for a in axe.annees] for axe in bilan.axes] == [
        [(1, 0), (0, 0), (0, 0)],  # Plantation, reprise dans 2027-2029 : ses années 2024-2026 restent ici
        [(0, 0), (1, 1), (0, 0)],  # Forum, terminé en 2025
        [(0, 0), (0, 0), (1, 0)],  # Mobilité, reprise
    ]
    with pytest.raises(ErreurMetier, match="L'édition 2027-2029 n'a pas encore commencé"):
        serveur.lecture(rassembler_bilan, guild_id=SERVEUR, maintenant=MAINTENANT)


# --- Indicateurs : ils suivent leur axe, l'ancienne édition les garde -------------------------------


def _indicateur(base: BaseDonnees, nom: str, axe: int, maintenant: datetime = MAINTENANT) -> int:
    indicateur = base.transaction(
        partial(
            creer_indicateur,
            guild_id=SERVEUR,
            auteur_id=ALICE,
            nom=nom,
            axe_numero=axe,
            unite="arbres",
            cible="1000",
            maintenant=maintenant,
        )
    )
    return indicateur.numero


def _mesurer(base: BaseDonnees, numero: int, valeur: str, jour: str, maintenant: datetime) -> None:
    base.transaction(
        partial(
            mesurer,
            guild_id=SERVEUR,
            auteur_id=ALICE,
            numero=numero,
            valeur=valeur,
            jour=jour,
            maintenant=maintenant,
        )
    )


def _liste(base: BaseDonnees, maintenant: datetime = MAINTENANT, **options: object):
    return base.lecture(lister_indicateurs_de_l_edition, guild_id=SERVEUR, **options)


def test_les_indicateurs_suivent_leur_axe_et_l_ancienne_edition_les_garde(serveur: BaseDonnees) -> None:
    arbres = _indicateur(serveur, "Arbres plantés", 1, datetime(2025, 1, 10, 15, tzinfo=UTC))
    _mesurer(serveur, arbres, "300", "2025-06-01", MAINTENANT)
    _mesurer(serveur, arbres, "700", "2026-11-20", MAINTENANT)
    renouvellement = _renouveler(serveur)
    assert renouvellement.indicateurs == 1
    _decider(serveur, renouvellement.nouvelle.id, Sort.REPRENDRE)
    # Rattaché à l'axe I de 2027-2029 : même numéro, mêmes mesures ; le journal dit le déplacement.
    axe = serveur.lecture(lambda s: s.get(Axe, s.exec(select(Indicateur.axe_id)).one()))
    assert (axe.edition_id, axe.numero) == (renouvellement.nouvelle.id, 1)
    journal = serveur.lecture(
        lambda s: [
            (e.entite_id, e.champ, e.ancien, e.nouveau)
            for e in s.exec(select(EntreeJournal).where(EntreeJournal.champ == "axe"))
        ]
    )
    assert journal == [("1", "axe", "I (2024-2026)", "I (2027-2029)")]
    # Un indicateur né dans la nouvelle édition, et une mesure de 2027 sur l'ancien.
    velos = _indicateur(serveur, "Vélos partagés", 2, APRES_LA_FIN)
    _mesurer(serveur, arbres, "900", "2027-01-08", APRES_LA_FIN)

    courante = _liste(serveur)
    assert (courante.edition, courante.courante, courante.au) == ("2027-2029", True, None)
    assert [(i.numero, i.valeur) for i in courante.indicateurs] == [(arbres, 900.0), (velos, None)]
    # L'ancienne édition : ses indicateurs tels qu'à sa fin, pas ceux nés après.
    passee = _liste(serveur, edition="2024-2026")
    assert (passee.edition, passee.courante, passee.au) == ("2024-2026", False, date(2026, 12, 31))
    assert [(i.numero, i.axe_numero, i.valeur, i.date_mesure) for i in passee.indicateurs] == [
        (arbres, 1, 700.0, date(2026, 11, 20))
    ]
    assert [i.numero for i in _liste(serveur, edition="2024-2026", axe=2).indicateurs] == []
    # /protocole voir de chaque édition les compte.
    vue = serveur.lecture(voir_protocole, guild_id=SERVEUR, edition="2024-2026")
    assert [a.indicateurs for a in vue.axes] == [1, 0, 0]
    assert [a.indicateurs for a in serveur.lecture(voir_protocole, guild_id=SERVEUR).axes] == [1, 1, 0]
    # Le rapport 2026 et le bilan 2024-2026 gardent l'indicateur et ses mesures de l'édition.
    rapport = serveur.lecture(rassembler_rapport, guild_id=SERVEUR, annee=2026, maintenant=APRES_LA_FIN)
    assert [[i.numero for i in s.indicateurs] for s in rapport.sections] == [[arbres], [], []]
    bilan = serveur.lecture(rassembler_bilan, guild_id=SERVEUR, maintenant=APRES_LA_FIN, edition="2024-2026")
    assert [(i.numero, [m.valeur for m in i.mesures]) for i in bilan.indicateurs] == [
        (arbres, [300.0, 700.0])
    ]
    # Le graphique d'une édition passée montre les mêmes.
    graphique = serveur.lecture(
        preparer, type_graphique="indicateurs", guild_id=SERVEUR, maintenant=APRES_LA_FIN, edition="2024-2026"
    )
    assert [(i.numero, i.valeur) for i in graphique.indicateurs] == [(arbres, 700.0)]
    assert graphique.titre == "Indicateurs vers leur cible — édition 2024-2026 — au 10 janvier 2027"


def test_l_autocompletion_propose_les_indicateurs_de_l_edition_en_vigueur(serveur: BaseDonnees) -> None:
    _indicateur(serveur, "Arbres plantés", 1)
    renouvellement = _renouveler(serveur)
    _decider(serveur, renouvellement.nouvelle.id, Sort.CLORE)
    # Un indicateur resté sur un axe de 2024-2026 (archivé puis désarchivé à la main, par exemple).
    serveur.transaction(
        lambda s: s.add(
            Indicateur(
                guild_id=SERVEUR,
                numero=9,
                nom="Resté en arrière",
                recherche="reste en arriere",
                axe_id=s.exec(select(Axe.id).order_by(col(Axe.id))).first(),
                unite="u",
                cible=1,
                auteur_id=ALICE,
            )
        )
    )
    assert serveur.lecture(rechercher_indicateurs, guild_id=SERVEUR, saisie="") == [(1, "Arbres plantés")]
    assert serveur.lecture(rechercher_indicateurs, guild_id=SERVEUR, saisie="9") == [(9, "Resté en arrière")]
    assert [i.numero for i in _liste(serveur).indicateurs] == [1]
    # 2024-2026 garde celui qui a suivi son axe (né chez elle) et celui resté en arrière.
    assert [i.numero for i in _liste(serveur, edition="2024-2026").indicateurs] == [1, 9]


def test_une_seule_edition_montre_tous_les_indicateurs(serveur: BaseDonnees) -> None:
    _indicateur(serveur, "Arbres plantés", 1)
    liste = _liste(serveur, edition="2024")
    assert (liste.edition, liste.courante, [i.numero for i in liste.indicateurs]) == ("2024-2026", True, [1])


def test_indicateurs_d_une_edition_inconnue(serveur: BaseDonnees) -> None:
    with pytest.raises(ErreurMetier, match="« 1999 » n'est pas une édition du protocole sur ce serveur"):
        _liste(serveur, edition="1999")
    with pytest.raises(ErreurMetier, match=r"« x{40} » n'est pas une édition"):
        _liste(serveur, edition="x" * 300)


# --- Graphiques et résumé d'une édition : la même règle que /action liste -------------------------


def test_graphiques_et_resume_d_une_edition_passee(serveur: BaseDonnees) -> None:
    renouvellement = _renouveler(serveur)
    _decider(serveur, renouvellement.nouvelle.id, Sort.REPRENDRE)

    def lire(type_graphique: str, **options: object):
        return serveur.lecture(
            preparer, type_graphique=type_graphique, guild_id=SERVEUR, maintenant=MAINTENANT, **options
        )

    # En vigueur : les reprises (1 et 3) ; 2024-2026 : la terminée (2). Titres sans et avec l'édition.
    statuts = lire("statuts")
    assert sum(sum(a.comptes) for a in statuts.axes) == 2
    assert statuts.titre == "Actions par statut et par axe — au 26 novembre 2026"
    passee = lire("statuts", edition="2024-2026")
    assert [sum(a.comptes) for a in passee.axes] == [0, 1, 0]
    assert passee.titre == "Actions par statut et par axe — édition 2024-2026 — au 26 novembre 2026"
    axes = lire("axes", edition="2024-2026")
    assert [(a.nb_actions, a.nb_terminees) for a in axes.axes] == [(0, 0), (1, 1), (0, 0)]
    evolution = lire("evolution", edition="2024-2026")
    assert evolution.titre.startswith("Évolution de l'avancement — édition 2024-2026 — de décembre 2025")
    # Ses actions seules, à chaque fin de mois : Plantation, reprise, n'y compte à aucune date.
    assert set(evolution.series[0].nombres) == {0}
    assert (evolution.series[1].nombres[-1], evolution.series[1].moyennes[-1]) == (1, 100.0)
    # Une fois l'édition finie, sa courbe s'arrête à son dernier jour.
    finie = serveur.lecture(
        preparer, type_graphique="evolution", guild_id=SERVEUR, maintenant=APRES_LA_FIN, edition="2024-2026"
    )
    assert (
        finie.titre == "Évolution de l'avancement — édition 2024-2026 — de janvier 2026 au 31 décembre 2026"
    )
    assert lire("axes", edition="2024-2026", axe=2).titre == (
        "Avancement moyen — Axe II\u00a0: Développement social et économique — édition 2024-2026 — "
        "au 26 novembre 2026"
    )
    with pytest.raises(ErreurMetier, match="Aucune action ouverte"):
        lire("echeances", edition="2024-2026")
    with pytest.raises(ErreurMetier, match="Aucune action dans l'axe I de l'édition 2024-2026"):
        lire("statuts", edition="2024-2026", axe=1)
    with pytest.raises(ErreurMetier, match=r"pas d'axe 7 sur ce serveur dans l'édition 2024-2026.*: 1 \(I\)"):
        lire("statuts", edition="2024-2026", axe=7)
    with pytest.raises(ErreurMetier, match="« 2031 » n'est pas une édition"):
        lire("axes", edition="2031")
    # Le résumé à la demande d'une édition passée ; celui publié chaque semaine porte sur l'en vigueur.
    resume = serveur.lecture(construire_resume, guild_id=SERVEUR, maintenant=MAINTENANT, edition="2024-2026")
    assert (resume.nb_actions_registre, resume.edition) == (1, "2024-2026")
    assert resume.titre == "Semaine 48 : du 23 au 29 novembre 2026 (édition 2024-2026)"
    en_vigueur = serveur.lecture(construire_resume, guild_id=SERVEUR, maintenant=MAINTENANT)
    assert (en_vigueur.nb_actions_registre, en_vigueur.edition) == (2, None)
    _, axes_du_resume = serveur.lecture(
        resume_et_axes, guild_id=SERVEUR, maintenant=MAINTENANT, edition="2024-2026"
    )
    assert axes_du_resume.nb_actions == 1
