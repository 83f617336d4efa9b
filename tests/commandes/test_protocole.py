"""`/protocole` à travers simcord : lire l'édition, la faire évoluer (coordination), jusqu'au rapport."""

import io

import discord
import pytest
from pypdf import PdfReader
from sqlmodel import col, select

from bot.client import Passerelle
from metier.rapport.donnees import rassembler_rapport
from modeles import Axe, EntreeJournal, Objectif
from rendu.rapport import produire_pdf
from tests.outils import redemarrer


@pytest.fixture
def serveur(simcord_env):
    """Un serveur avec une coordinatrice (Gérer le serveur) et un membre ordinaire."""
    guild = simcord_env.create_guild("Jumelage")
    admin = guild.create_role("Admin", permissions=discord.Permissions(manage_guild=True))
    return {
        "guild": guild,
        "salon": guild.create_text_channel("suivi"),
        "coord": guild.add_member(simcord_env.create_user("coord"), roles=[admin]),
        "alice": guild.add_member(simcord_env.create_user("alice")),
    }


def _etat(bot: Passerelle) -> tuple[list[tuple[int, str, str]], list[tuple[int, str, bool]], int]:
    """Les axes, les objectifs (retiré ou non) et le nombre d'entrées du journal."""

    def lire(session):
        axes = [(a.numero, a.titre, a.titre_court) for a in session.exec(select(Axe).order_by(col(Axe.id)))]
        objectifs = [
            (o.numero, o.libelle, o.retire_le is not None)
            for o in session.exec(select(Objectif).order_by(col(Objectif.id)))
        ]
        return axes, objectifs, len(session.exec(select(EntreeJournal)).all())

    return bot.base.lecture(lire)


async def test_voir_montre_l_edition_ses_axes_son_suivi_ses_partenaires(simcord_env, serveur) -> None:
    await serveur["alice"].slash(serveur["salon"], "action ajouter", titre="Compost", axe=1, objectif="1.3")
    vue = await serveur["alice"].slash(serveur["salon"], "protocole voir")
    assert vue.ephemeral
    embed = vue.response.embeds[0]
    assert embed.title == "Protocole de collaboration 2024-2026"
    # L'horloge des tests : le 26 novembre 2026 ; il reste 35 jours jusqu'au 31 décembre.
    assert embed.description.split("\n")[:2] == [
        "Du 1er janvier 2024 au 31 décembre 2026 — il reste 35 jours",
        "Signé à Namur le 28 novembre 2023.",
    ]
    champs = {c.name: c.value for c in embed.fields}
    assert list(champs)[:3] == [
        "I. Climat et transition écologique — 1 action, 0 indicateur",
        "II. Développement social et économique — 0 action, 0 indicateur",
        "III. Échanges universitaires — 0 action, 0 indicateur",
    ]
    premier = champs["I. Climat et transition écologique — 1 action, 0 indicateur"].split("\n")
    assert premier[2].startswith("**1.3** Échanger de bonnes pratiques")
    assert premier[2].endswith("(1 action)")
    suivi = champs["Suivi de la mise en œuvre"].split("\n")
    assert suivi == [
        "**Terrebonne** : Bureau des commissions et relations internationales de la Ville de Terrebonne",
        "**Namur** : Commissariat aux Relations Internationales de la Ville de Namur",
    ]
    assert champs["Partenaires"] == "BEP, CCIM, UNamur, UQTR"
    assert len(embed) <= 6000


async def test_axe_iv_et_objectif_4_1_proposes_par_action_ajouter_et_au_rapport(simcord_env, serveur) -> None:
    ajout = await serveur["coord"].slash(
        serveur["salon"], "protocole axe-ajouter", titre="La culture et le patrimoine", titre_court="Culture"
    )
    assert not ajout.ephemeral
    assert ajout.response.content.startswith("Axe **IV. Culture** ajouté au protocole par")
    objectif = await serveur["coord"].slash(
        serveur["salon"], "protocole objectif-ajouter", axe=4, libelle="Jumeler les bibliothèques"
    )
    assert "Objectif **4.1** ajouté" in objectif.response.content

    axes = await serveur["alice"].autocomplete(serveur["salon"], "action ajouter", "axe", "cult")
    assert [(c["name"], c["value"]) for c in axes] == [("IV. La culture et le patrimoine", 4)]
    objectifs = await serveur["alice"].autocomplete(serveur["salon"], "action ajouter", "objectif", "", axe=4)
    assert [c["value"] for c in objectifs] == ["4.1"]
    action = await serveur["alice"].slash(
        serveur["salon"], "action ajouter", titre="Échange de livres", axe=4, objectif="4.1"
    )
    assert not action.ephemeral
    assert {c.name: c.value for c in action.response.embeds[0].fields}["Axe"] == "IV. Culture"

    # Le rapport annuel (le même PDF que /rapport annuel) a une section IV avec son objectif et son action.
    rapport = simcord_env.bot.base.lecture(
        rassembler_rapport, guild_id=serveur["guild"].id, annee=2026, maintenant=simcord_env.bot.maintenant()
    )
    texte = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(produire_pdf(rapport))).pages
    )
    assert "Statut Axe I Axe II Axe III Axe IV Total" in texte
    assert "IV. La culture et le patrimoine Objectifs du protocole 4.1 Jumeler les bibliothèques" in texte
    assert "Échange de livres" in texte


async def test_modifier_et_retirer_sont_journalises_et_le_retire_n_est_plus_propose(
    simcord_env, serveur
) -> None:
    modif = await serveur["coord"].slash(
        serveur["salon"], "protocole axe-modifier", axe=3, titre_court="Universités"
    )
    assert "Titre court : « Échanges universitaires » → « Universités »" in modif.response.content
    reformule = await serveur["coord"].slash(
        serveur["salon"], "protocole objectif-modifier", objectif="3.3", libelle="Organiser des colloques"
    )
    assert reformule.response.content.endswith("→ « Organiser des colloques »")
    await serveur["alice"].slash(serveur["salon"], "action ajouter", titre="Colloque", axe=3, objectif="3.3")
    retrait = await serveur["coord"].slash(serveur["salon"], "protocole objectif-retirer", objectif="3.3")
    assert "L'action qui le cite le garde ; il n'est plus proposé." in retrait.response.content

    choix = await serveur["alice"].autocomplete(serveur["salon"], "action ajouter", "objectif", "", axe=3)
    assert [c["value"] for c in choix] == ["3.1", "3.2"]
    choix = await serveur["coord"].autocomplete(
        serveur["salon"], "protocole objectif-retirer", "objectif", "3."
    )
    assert [c["value"] for c in choix] == ["3.1", "3.2"]
    vue = await serveur["alice"].slash(serveur["salon"], "action voir", action="1")
    assert {c.name: c.value for c in vue.response.embeds[0].fields}["Objectif"].startswith("3.3")
    protocole = await serveur["alice"].slash(serveur["salon"], "protocole voir")
    champ = next(
        c.value for c in protocole.response.embeds[0].fields if c.name.startswith("III. Universités")
    )
    assert "~~3.3 Organiser des colloques~~ (retiré le 26 novembre 2026, 1 action)" in champ

    journal = simcord_env.bot.base.lecture(
        lambda s: [(e.entite, e.champ, e.ancien, e.nouveau) for e in s.exec(select(EntreeJournal))]
    )
    assert ("axe", "titre_court", "Échanges universitaires", "Universités") in journal
    assert ("objectif", "retire_le", None, "2026-11-26") in journal
    assert any(e[:2] == ("objectif", "libelle") and e[3] == "Organiser des colloques" for e in journal)


@pytest.mark.parametrize(
    ("commande", "options", "extrait"),
    [
        ("axe-ajouter", {"titre": "Culture", "numero": 3}, "L'axe III existe déjà"),
        ("axe-ajouter", {"titre": "LES ECHANGES universitaires"}, "L'axe III s'appelle déjà"),
        ("axe-ajouter", {"titre": " "}, "Le titre de l'axe ne peut pas être vide"),
        ("axe-ajouter", {"titre": "T" * 301}, "301 caractères ; 200 au plus"),
        ("axe-modifier", {"axe": 2, "titre": "Les échanges universitaires"}, "L'axe III s'appelle déjà"),
        ("axe-modifier", {"axe": 8, "titre": "x"}, "L'axe VIII n'existe pas"),
        ("axe-modifier", {"axe": 2}, "Indiquez un nouveau titre"),
        ("objectif-ajouter", {"axe": 1, "libelle": "  "}, "L'objectif ne peut pas être vide"),
        ("objectif-ajouter", {"axe": 1, "libelle": "O" * 301}, "301 caractères ; 300 au plus"),
        ("objectif-modifier", {"objectif": "1.1", "libelle": "O" * 301}, "301 caractères ; 300 au plus"),
        ("objectif-modifier", {"objectif": "1.x", "libelle": "Autre"}, "n'est pas un code d'objectif"),
        ("objectif-retirer", {"objectif": "2.7"}, "n'a pas d'objectif 7"),
    ],
)
async def test_les_saisies_refusees_ne_changent_rien(
    simcord_env, serveur, commande, options, extrait
) -> None:
    await serveur["alice"].slash(serveur["salon"], "protocole voir")  # le serveur est amorcé
    avant = _etat(simcord_env.bot)
    reponse = await serveur["coord"].slash(serveur["salon"], f"protocole {commande}", **options)
    assert reponse.ephemeral
    assert extrait in reponse.response.content
    assert _etat(simcord_env.bot) == avant


async def test_retirer_deux_fois(simcord_env, serveur) -> None:
    await serveur["coord"].slash(serveur["salon"], "protocole objectif-retirer", objectif="2.2")
    avant = _etat(simcord_env.bot)
    encore = await serveur["coord"].slash(serveur["salon"], "protocole objectif-retirer", objectif="2.2")
    assert encore.ephemeral
    assert "L'objectif 2.2 est déjà retiré depuis le 26 novembre 2026" in encore.response.content
    assert _etat(simcord_env.bot) == avant


@pytest.mark.parametrize(
    ("commande", "options"),
    [
        ("axe-ajouter", {"titre": "Culture"}),
        ("axe-modifier", {"axe": 1, "titre": "Climat"}),
        ("objectif-ajouter", {"axe": 1, "libelle": "Verdir"}),
        ("objectif-modifier", {"objectif": "1.1", "libelle": "Verdir"}),
        ("objectif-retirer", {"objectif": "1.1"}),
    ],
)
async def test_un_membre_ordinaire_ne_change_rien(simcord_env, serveur, commande, options) -> None:
    await serveur["alice"].slash(serveur["salon"], "protocole voir")  # le serveur est amorcé
    avant = _etat(simcord_env.bot)
    reponse = await serveur["alice"].slash(serveur["salon"], f"protocole {commande}", **options)
    assert reponse.ephemeral
    assert "réservée à la coordination du protocole" in reponse.response.content
    assert _etat(simcord_env.bot) == avant


async def test_voir_une_edition_inconnue(simcord_env, serveur) -> None:
    reponse = await serveur["alice"].slash(serveur["salon"], "protocole voir", edition="2019-2021")
    assert reponse.ephemeral
    assert "« 2019-2021 » n'est pas une édition du protocole sur ce serveur" in reponse.response.content
    choix = await serveur["alice"].autocomplete(serveur["salon"], "protocole voir", "edition", "20")
    assert [c["value"] for c in choix] == ["2024-2026"]


async def _deux_actions_ouvertes_et_une_terminee(serveur) -> None:
    for titre, axe in (("Plantation", 1), ("Forum", 2), ("Colloque", 3)):
        await serveur["alice"].slash(serveur["salon"], "action ajouter", titre=titre, axe=axe)
    await serveur["alice"].slash(serveur["salon"], "action statut", action="2", statut="terminee")


async def test_renouveler_avec_reprise_par_son_auteur_seul(simcord_env, serveur, reglages, horloge) -> None:
    await _deux_actions_ouvertes_et_une_terminee(serveur)
    reponse = await serveur["coord"].slash(
        serveur["salon"],
        "protocole renouveler",
        titre="Protocole de collaboration 2027-2029",
        debut="01/01/2027",
        fin="31/12/2029",
    )
    assert not reponse.ephemeral
    assert "Il reste 2 actions ouvertes dans l'édition 2024-2026" in reponse.response.content
    # Les boutons survivent à un redémarrage et n'obéissent qu'à l'auteur du renouvellement.
    await redemarrer(simcord_env, Passerelle(reglages, horloge=horloge))
    refus = await serveur["alice"].click(
        reponse.response.message, label="Reprendre les actions ouvertes (2027-2029)"
    )
    assert refus.ephemeral
    assert "Seul <@" in refus.response.content
    assert "qui a lancé ce renouvellement" in refus.response.content
    await serveur["coord"].click(reponse.response.message, label="Reprendre les actions ouvertes (2027-2029)")
    assert "2 actions ouvertes de l'édition 2024-2026 sont reprises dans l'édition 2027-2029" in (
        serveur["salon"].last_message.content
    )

    fiche = await serveur["alice"].slash(serveur["salon"], "action voir", action="1")
    assert {c.name: c.value for c in fiche.response.embeds[0].fields}[
        "Édition"
    ] == "Reprise de l'édition 2024-2026"
    liste = await serveur["alice"].slash(serveur["salon"], "action liste")
    assert "Forum" not in liste.response.embeds[0].description
    ancienne = await serveur["alice"].slash(serveur["salon"], "action liste", edition="2024-2026")
    assert "Forum" in ancienne.response.embeds[0].description
    assert "Plantation" not in ancienne.response.embeds[0].description
    vue = await serveur["alice"].slash(serveur["salon"], "protocole voir", edition="2024-2026")
    assert "Édition close : consultable, plus de nouvelles actions." in vue.response.embeds[0].description
    courante = await serveur["alice"].slash(serveur["salon"], "protocole voir")
    assert courante.response.embeds[0].title == "Protocole de collaboration 2027-2029"


@pytest.mark.parametrize(
    ("options", "extrait"),
    [
        ({"debut": "31/12/2029", "fin": "01/01/2027"}, "doit venir après le début"),
        ({"debut": "01/12/2026", "fin": "31/12/2028"}, "L'édition 2024-2026 court jusqu'au 31 décembre 2026"),
        ({"debut": "01/01/2027", "fin": "31/13/2029"}, "le mois doit être entre 1 et 12"),
    ],
)
async def test_renouvellement_refuse_sans_rien_changer(simcord_env, serveur, options, extrait) -> None:
    await serveur["alice"].slash(serveur["salon"], "protocole voir")
    avant = _etat(simcord_env.bot)
    reponse = await serveur["coord"].slash(
        serveur["salon"], "protocole renouveler", titre="Suivant", **options
    )
    assert reponse.ephemeral
    assert extrait in reponse.response.content
    assert _etat(simcord_env.bot) == avant


async def test_un_second_renouvellement_attend_la_decision_du_premier(simcord_env, serveur) -> None:
    await _deux_actions_ouvertes_et_une_terminee(serveur)
    await serveur["coord"].slash(
        serveur["salon"], "protocole renouveler", titre="2027-2029", debut="2027-01-01", fin="2029-12-31"
    )
    avant = _etat(simcord_env.bot)
    encore = await serveur["coord"].slash(
        serveur["salon"], "protocole renouveler", titre="2030-2032", debut="2030-01-01", fin="2032-12-31"
    )
    assert encore.ephemeral
    assert "attend encore la décision sur les actions ouvertes" in encore.response.content
    assert _etat(simcord_env.bot) == avant
    membre = await serveur["alice"].slash(
        serveur["salon"], "protocole renouveler", titre="2030-2032", debut="2030-01-01", fin="2032-12-31"
    )
    assert "réservée à la coordination du protocole" in membre.response.content


# Le PDF est dessiné dans l'atelier : sur une machine chargée, plus que les 5 s d'attente par défaut
# de simcord (sa durée se mesure dans bench/bilan.py, pas ici).
@pytest.mark.simcord(settle_timeout=60)
async def test_rapport_bilan_joint_le_pdf_et_les_csv(simcord_env, serveur) -> None:
    await _deux_actions_ouvertes_et_une_terminee(serveur)
    inconnue = await serveur["coord"].slash(serveur["salon"], "rapport bilan", edition="2019-2021")
    assert inconnue.ephemeral
    assert "« 2019-2021 » n'est pas une édition du protocole" in inconnue.response.content
    membre = await serveur["alice"].slash(serveur["salon"], "rapport bilan")
    assert "réservée à la coordination du protocole" in membre.response.content
    await serveur["coord"].slash(
        serveur["salon"], "protocole objectif-modifier", objectif="3.3", libelle="Organiser des colloques"
    )
    bilan = await serveur["coord"].slash(serveur["salon"], "rapport bilan", edition="2024-2026")
    message = bilan.response
    assert message.content.startswith("📘 **Bilan final de l'édition 2024-2026**")
    assert "3 actions commencées, 1 terminée, 0 abandonnée" in message.content
    assert [f.filename for f in message.attachments] == [
        "bilan-2024-2026.pdf",
        "bilan-2024-2026-par-annee.csv",
        "bilan-2024-2026-indicateurs.csv",
        "bilan-2024-2026-protocole.csv",
    ]
    # L'objectif reformulé pendant l'édition : ancien → nouveau libellé, dans le PDF et dans le CSV.
    pdf = PdfReader(io.BytesIO(await message.attachments[0].read()))
    texte = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    assert "Objectif 3.3 Reformulé : « Organiser des événements académiques conjoints" in texte
    assert "→ « Organiser des colloques »" in texte
    protocole = (await message.attachments[3].read()).decode("utf-8-sig").splitlines()
    assert protocole[0] == "Date;Élément;Changement;Ancien libellé;Libellé"
    assert protocole[1].startswith("2026-11-26;Objectif 3.3;reformulé;Organiser des événements académiques")
    assert protocole[1].endswith(";Organiser des colloques")
