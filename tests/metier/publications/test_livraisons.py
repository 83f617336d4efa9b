"""Planification des publications : avis de changement d'écart (vraie base)."""

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, col, select

from bot.base import BaseDonnees
from metier.publications.livraisons import TypeLivraison, planifier_avis_ecart, planifier_resume
from metier.serveurs import amorcer_serveur
from modeles import ConfigServeur, Livraison
from tests.scenarios import AUTRE_SERVEUR, SERVEUR

# À l'automne, Namur passe à l'heure normale le dernier dimanche d'octobre, Terrebonne le premier
# dimanche de novembre : l'avis du second est dû cinq heures après le premier changement.
AUTOMNE_2027 = [
    ("ecart:namur:20271031T0100Z", datetime(2027, 10, 24, 1, tzinfo=UTC)),  # Namur : 6 h → 5 h
    ("ecart:namur:20271107T0600Z", datetime(2027, 10, 31, 6, tzinfo=UTC)),  # Terrebonne : retour à 6 h
]


def _avis(base: BaseDonnees) -> list[tuple[str, datetime]]:
    return base.lecture(
        lambda s: [
            (livraison.cle, livraison.echeance)
            for livraison in s.exec(
                select(Livraison)
                .where(Livraison.type == TypeLivraison.ECART)
                .order_by(col(Livraison.echeance))
            )
        ]
    )


def test_avis_d_automne_planifies_ensemble_une_semaine_avant_chacun(base: BaseDonnees) -> None:
    base.transaction(amorcer_serveur, SERVEUR)
    base.transaction(planifier_avis_ecart, guild_id=SERVEUR, maintenant=datetime(2027, 10, 1, tzinfo=UTC))
    assert _avis(base) == AUTOMNE_2027


def test_preparations_toutes_les_12_h_ne_retardent_ni_ne_doublent_l_avis(base: BaseDonnees) -> None:
    base.transaction(amorcer_serveur, SERVEUR)
    instant = datetime(2027, 10, 1, 0, 59, tzinfo=UTC)  # le pire déphasage : 00 h 59 et 12 h 59
    while instant < datetime(2027, 11, 8, tzinfo=UTC):
        base.transaction(planifier_avis_ecart, guild_id=SERVEUR, maintenant=instant)
        instant += timedelta(hours=12)
    assert _avis(base) == AUTOMNE_2027


def test_avis_d_un_changement_deja_dans_la_semaine_part_tout_de_suite(base: BaseDonnees) -> None:
    base.transaction(amorcer_serveur, SERVEUR)
    maintenant = datetime(2027, 10, 28, 9, tzinfo=UTC)  # serveur configuré trois jours avant
    base.transaction(planifier_avis_ecart, guild_id=SERVEUR, maintenant=maintenant)
    assert _avis(base) == [("ecart:namur:20271031T0100Z", maintenant), AUTOMNE_2027[1]]


def test_resume_d_une_ville_retiree_suit_la_ville_de_reference(base: BaseDonnees) -> None:
    def planifier(session: Session) -> list[datetime]:
        amorcer_serveur(session, SERVEUR)
        config = session.exec(select(ConfigServeur).where(ConfigServeur.guild_id == SERVEUR)).one()
        config.resume_ville = "liege"  # une ville qui n'est plus partenaire
        session.add(config)
        planifier_resume(session, guild_id=SERVEUR, maintenant=datetime(2026, 11, 26, 12, tzinfo=UTC))
        requete = select(Livraison.echeance).where(Livraison.type == TypeLivraison.RESUME)
        return sorted(session.exec(requete.order_by(col(Livraison.echeance))).all())

    # Lundi 9 h dans la première ville partenaire (Terrebonne, UTC−5 en hiver), semaine suivante.
    assert base.transaction(planifier)[-1].replace(tzinfo=UTC) == datetime(2026, 11, 30, 14, tzinfo=UTC)


# --- Plusieurs serveurs à la fois (le démarrage d'un bot qui en sert mille) ----------------------


def _lignes(base: BaseDonnees) -> list[tuple[int, str, str, datetime]]:
    """Les livraisons en base ; l'identifiant de la réunion ôté des clés (PostgreSQL ne le réutilise pas)."""

    def cle(texte: str) -> str:
        parties = texte.split(":")
        return ":".join([parties[0], "*", *parties[2:]]) if parties[0] == "rappel" else texte

    return base.lecture(
        lambda s: sorted(
            (ligne.guild_id, ligne.type, cle(ligne.cle), ligne.echeance)
            for ligne in s.exec(select(Livraison))
        )
    )


def _reunion_hebdomadaire(session: Session, guild_id: int, maintenant: datetime) -> None:
    from datetime import time

    from metier.reunions.registre import planifier_reunion
    from modeles.reunions import Recurrence

    planifier_reunion(
        session,
        guild_id=guild_id,
        auteur_id=1,
        titre="Comité de suivi",
        jour=(maintenant + timedelta(days=3)).date(),
        heure=time(10),
        ville_code="terrebonne",
        duree=timedelta(hours=1),
        recurrence=Recurrence.HEBDOMADAIRE,
        rappels=[timedelta(hours=24), timedelta(hours=1)],
        salon_id=None,
        lien=None,
        maintenant=maintenant,
    )


def test_preparer_plusieurs_serveurs_cree_ce_que_chaque_serveur_creerait(url_base: str) -> None:
    """`preparer_serveurs` (une transaction, configurations lues ensemble, rappels là où il y a des
    réunions) crée exactement les lignes des trois règles appelées serveur par serveur."""
    from sqlalchemy import text

    from metier.publications.livraisons import planifier_rappels, preparer_serveurs

    maintenant = datetime(2027, 10, 1, 9, tzinfo=UTC)
    sans_amorce = 333  # rejoint pendant l'absence du bot : amorcé au passage
    resultats = []
    for par_lot in (False, True):
        base = BaseDonnees(url_base)
        with base.moteur.begin() as connexion:  # chaque essai part d'une base vide
            for table in ("livraison", "presence", "occurrence_annulee", "reunion"):
                connexion.execute(text(f"DELETE FROM {table}"))
        for guild_id in (SERVEUR, AUTRE_SERVEUR):
            base.transaction(amorcer_serveur, guild_id)
        base.transaction(_reunion_hebdomadaire, SERVEUR, maintenant)
        if par_lot:
            base.transaction(
                preparer_serveurs, guild_ids=[SERVEUR, AUTRE_SERVEUR, sans_amorce], maintenant=maintenant
            )
        else:
            for guild_id in (SERVEUR, AUTRE_SERVEUR, sans_amorce):
                for regle in (planifier_rappels, planifier_avis_ecart, planifier_resume):
                    base.transaction(regle, guild_id=guild_id, maintenant=maintenant)
        resultats.append(_lignes(base))
        base.fermer()
    serie, lot = resultats
    assert lot == serie
    assert {(g, t) for g, t, _, _ in lot} == {
        (g, t) for g in (SERVEUR, AUTRE_SERVEUR, sans_amorce) for t in ("ecart", "resume")
    } | {(SERVEUR, "rappel")}


def test_preparer_plusieurs_serveurs_annule_les_rappels_d_une_reunion_annulee(base: BaseDonnees) -> None:
    from metier.publications.livraisons import preparer_serveurs
    from modeles import Reunion, StatutLivraison

    maintenant = datetime(2027, 10, 1, 9, tzinfo=UTC)
    base.transaction(amorcer_serveur, SERVEUR)
    base.transaction(_reunion_hebdomadaire, SERVEUR, maintenant)
    base.transaction(preparer_serveurs, guild_ids=[SERVEUR], maintenant=maintenant)

    def annuler(session: Session) -> None:
        for reunion in session.exec(select(Reunion).where(Reunion.guild_id == SERVEUR)):
            reunion.annulee = True
            session.add(reunion)

    base.transaction(annuler)
    base.transaction(preparer_serveurs, guild_ids=[SERVEUR], maintenant=maintenant)
    statuts = base.lecture(
        lambda s: {
            ligne.statut for ligne in s.exec(select(Livraison).where(Livraison.type == TypeLivraison.RAPPEL))
        }
    )
    assert statuts == {StatutLivraison.ANNULEE}


def test_serveurs_concernes_par_les_evenements_discord(base: BaseDonnees) -> None:
    """Au démarrage, seuls les serveurs qui ont une série non annulée sont relus (pas les mille autres)."""
    from metier.reunions.evenements import serveurs_concernes

    maintenant = datetime(2027, 10, 1, 9, tzinfo=UTC)
    for guild_id in (SERVEUR, AUTRE_SERVEUR):
        base.transaction(amorcer_serveur, guild_id)
    assert base.lecture(serveurs_concernes, guild_ids=[SERVEUR, AUTRE_SERVEUR]) == set()
    base.transaction(_reunion_hebdomadaire, SERVEUR, maintenant)
    assert base.lecture(serveurs_concernes, guild_ids=[SERVEUR, AUTRE_SERVEUR]) == {SERVEUR}
    assert base.lecture(serveurs_concernes, guild_ids=[AUTRE_SERVEUR]) == set()
