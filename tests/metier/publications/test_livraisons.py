"""Planification des publications : avis de changement d'écart (vraie base)."""

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, col, select

from bot.base import BaseDonnees
from metier.publications.livraisons import TypeLivraison, planifier_avis_ecart, planifier_resume
from metier.serveurs import amorcer_serveur
from modeles import ConfigServeur, Livraison
from tests.scenarios import SERVEUR

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
