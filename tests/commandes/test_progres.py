"""`/progres` à travers simcord : graphiques PNG, résumé à la demande et chaque semaine (temps virtuel)."""

import struct
from datetime import UTC, date, datetime, timedelta

import discord
import pytest
from sqlmodel import select

from bench.commun import peupler
from bot.client import Passerelle
from bot.limites import LIMITE_CHAMPS, LIMITE_DESCRIPTION, LIMITE_TITRE, LIMITE_TOTAL, LIMITE_VALEUR_CHAMP
from commandes._affichage import MENTION_RETARD
from commandes.progres import embed_resume
from metier.graphiques import AUCUN_INDICATEUR, AUCUNE_ACTION
from metier.publications.resume import (
    ActionResume,
    AxeResume,
    Liste,
    MesureResume,
    Resume,
    SeanceResume,
    semaine_resumee,
)
from metier.reunions.series import Occurrence
from metier.temps import Ville
from modeles import Livraison, StatutAction, StatutLivraison
from tests.outils import redemarrer

SIGNATURE_PNG = b"\x89PNG\r\n\x1a\n"
DIMANCHE = datetime(2027, 3, 7, 12, tzinfo=UTC)
LUNDI_9H = datetime(2027, 3, 8, 14, tzinfo=UTC)  # 09 h 00 à Terrebonne (UTC−5), 15 h 00 à Namur
LUNDI_SUIVANT_9H = datetime(2027, 3, 15, 13, tzinfo=UTC)  # 09 h 00 à Terrebonne (UTC−4), 14 h 00 à Namur
TITRE_SEMAINE_9 = "📊 Résumé hebdomadaire — Semaine 9 : du 1er au 7 mars 2027"
TITRE_SEMAINE_10 = "📊 Résumé hebdomadaire — Semaine 10 : du 8 au 14 mars 2027"


def dimensions_png(image: bytes) -> tuple[int, int]:
    """Largeur et hauteur lues dans l'en-tête IHDR, après avoir vérifié la signature PNG."""
    assert image[:8] == SIGNATURE_PNG
    assert image[12:16] == b"IHDR"
    largeur, hauteur = struct.unpack(">II", image[16:24])
    return largeur, hauteur


def premiere_reponse(env) -> int:
    """Le type de la dernière réponse initiale envoyée à Discord (5 : différée, « réfléchit… »)."""
    rappels = [r.json for r in env.http_requests if r.path.endswith("/callback")]
    return rappels[-1]["type"]


def verifier_limites(embed: discord.Embed) -> None:
    assert len(embed) <= LIMITE_TOTAL
    assert len(embed.title or "") <= LIMITE_TITRE
    assert len(embed.description or "") <= LIMITE_DESCRIPTION
    assert len(embed.fields) <= LIMITE_CHAMPS
    assert all(0 < len(champ.value) <= LIMITE_VALEUR_CHAMP for champ in embed.fields)


@pytest.fixture
async def serveur(simcord_env):
    guild = simcord_env.create_guild("Jumelage")
    admin = guild.create_role("Admin", permissions=discord.Permissions(manage_guild=True))
    monde = {
        "guild": guild,
        "salon": guild.create_text_channel("suivi"),
        "resume": guild.create_text_channel("resume"),
        "alice": guild.add_member(simcord_env.create_user("alice"), roles=[admin]),
        "bob": guild.add_member(simcord_env.create_user("bob")),
    }
    await simcord_env.settle()
    return monde


async def _registre(serveur) -> None:
    """Deux actions (une avancée, une à échéance proche), un indicateur mesuré."""
    salon, alice = serveur["salon"], serveur["alice"]
    await alice.slash(salon, "action ajouter", titre="Plantation de 500 arbres", axe=1, ville="namur")
    await alice.slash(salon, "action avancement", action="1", pourcentage=40)
    await alice.slash(salon, "action ajouter", titre="Forum de l'emploi", axe=2, echeance="2026-12-10")
    await alice.slash(salon, "indicateur ajouter", nom="Arbres plantés", axe=1, unite="arbres", cible="500")
    await alice.slash(salon, "indicateur mesurer", indicateur="1", valeur="120")


# --- /progres graphique -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_graphique", "titre"),
    [
        ("axes", "Avancement moyen par axe — au 26 novembre 2026"),
        ("statuts", "Actions par statut et par axe — au 26 novembre 2026"),
        ("evolution", "Évolution de l'avancement — de décembre 2025 au 26 novembre 2026"),
        ("indicateurs", "Indicateurs vers leur cible — au 26 novembre 2026"),
        ("echeances", "Échéances en retard et à 90 jours — au 26 novembre 2026"),
    ],
)
async def test_chaque_graphique_repond_un_png_1200_x_675(simcord_env, serveur, type_graphique, titre) -> None:
    await _registre(serveur)
    resultat = await serveur["bob"].slash(serveur["salon"], "progres graphique", type=type_graphique)
    assert premiere_reponse(simcord_env) == 5  # « réfléchit… » d'abord, le dessin ensuite
    assert not resultat.ephemeral  # un graphique se partage
    message = resultat.response
    assert message.content == f"📊 **{titre}**"
    [piece] = message.attachments
    assert piece.filename == f"progres-{type_graphique}-2026-11-26.png"
    assert dimensions_png(await piece.read()) == (1200, 675)


async def test_graphique_d_un_seul_axe(simcord_env, serveur) -> None:
    await _registre(serveur)
    resultat = await serveur["bob"].slash(serveur["salon"], "progres graphique", type="statuts", axe=2)
    assert resultat.response.content == (
        "📊 **Actions par statut — Axe II\u00a0: Développement social et économique — au 26 novembre 2026**"
    )
    assert dimensions_png(await resultat.response.attachments[0].read()) == (1200, 675)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"type": "axes"}, AUCUNE_ACTION),
        ({"type": "evolution"}, AUCUNE_ACTION),
        ({"type": "indicateurs"}, AUCUN_INDICATEUR),
        (
            {"type": "statuts", "axe": 7},
            "Il n'y a pas d'axe 7 sur ce serveur. Axes existants : 1 (I), 2 (II), 3 (III).",
        ),
    ],
)
async def test_registre_vide_message_prive_en_francais(simcord_env, serveur, options, message) -> None:
    resultat = await serveur["bob"].slash(serveur["salon"], "progres graphique", **options)
    assert resultat.ephemeral
    assert resultat.response.content == message
    assert resultat.response.attachments == []
    assert resultat.followups == []


async def test_autocompletion_des_axes(simcord_env, serveur) -> None:
    choix = await serveur["bob"].autocomplete(
        serveur["salon"], "progres graphique", "axe", "univ", type="axes"
    )
    assert choix == [{"name": "III. Les échanges universitaires", "value": 3}]


# --- /progres resume ----------------------------------------------------------------------------


async def test_resume_a_la_demande(simcord_env, serveur) -> None:
    await _registre(serveur)
    alice_id = serveur["alice"].id
    resultat = await serveur["bob"].slash(serveur["salon"], "progres resume")
    assert premiere_reponse(simcord_env) == 5
    assert not resultat.ephemeral
    embed = resultat.response.embeds[0]
    verifier_limites(embed)
    # Jeudi 26 novembre 2026 : la semaine en cours, depuis lundi 23 novembre.
    assert embed.title == "📊 Résumé hebdomadaire — Semaine 48 : du 23 au 29 novembre 2026"
    assert "Semaine en cours, depuis lundi 00\u00a0h\u00a000 heure de Terrebonne" in embed.description
    assert "Avancement moyen : **20\u00a0%** sur 2 actions non abandonnées." in embed.description
    champs = {c.name: c.value for c in embed.fields}
    assert "**I. Climat et transition écologique** : 40\u00a0% · 1 action" in champs["Avancement par axe"]
    assert champs["🆕 Créées (2)"].splitlines() == [
        f"**#2** Forum de l'emploi · par <@{alice_id}> · échéance 10 déc. 2026",
        f"**#1** Plantation de 500 arbres · par <@{alice_id}>",
    ]
    assert champs["📅 Échéances d'ici le 10 déc. 2026 (1)"].startswith(
        "**#2** Forum de l'emploi · 10 déc. 2026, dans 14\u00a0j · 0\u00a0%"
    )
    assert champs["📈 Indicateurs mesurés (1)"] == (
        "**n° 1** Arbres plantés : première mesure, **120\u00a0arbres** "
        "(départ 0, cible 500, au 26 nov. 2026)"
    )
    assert champs["👥 Contributeurs (1)"] == f"<@{alice_id}> (3)"
    [piece] = resultat.response.attachments
    assert embed.image.url == f"attachment://{piece.filename}"
    assert dimensions_png(await piece.read()) == (1200, 675)


async def test_resume_d_un_registre_vide(simcord_env, serveur) -> None:
    resultat = await serveur["bob"].slash(serveur["salon"], "progres resume")
    embed = resultat.response.embeds[0]
    assert "Le registre est vide : ajoutez une première action avec /action ajouter." in embed.description
    assert "Semaine calme : rien n'a bougé dans le registre." in embed.description
    assert embed.fields == []
    assert resultat.response.attachments == []  # pas de graphique sans action


async def test_resume_a_la_demande_un_lundi_montre_ce_qui_vient_d_etre_ajoute(
    simcord_env, serveur, horloge
) -> None:
    # Lundi 8 mars 2027, 9 h à Terrebonne : le graphique montre les douze actions ajoutées le matin…
    horloge.instant = LUNDI_9H
    alice, salon = serveur["alice"], serveur["salon"]
    for numero in range(1, 13):
        echeance = {1: "2027-03-12", 2: "2027-03-15"}.get(numero)
        options = {"echeance": echeance} if echeance else {}
        await alice.slash(salon, "action ajouter", titre=f"Action {numero}", axe=1 + numero % 3, **options)
    resultat = await serveur["bob"].slash(salon, "progres resume")
    embed = resultat.response.embeds[0]
    champs = {c.name: c.value for c in embed.fields}
    assert len(resultat.response.attachments) == 1
    assert "📅 Échéances d'ici le 22 mars 2027 (2)" in champs
    # … et le texte dit la même chose : la semaine qui commence, pas la semaine écoulée.
    assert embed.title == TITRE_SEMAINE_10
    assert "Le registre est vide" not in embed.description
    assert "Semaine calme" not in embed.description
    assert "sur 12 actions" in embed.description
    assert "🆕 Créées (12)" in champs


async def test_resume_neutralise_le_texte_des_membres(simcord_env, serveur) -> None:
    await serveur["alice"].slash(serveur["salon"], "action ajouter", titre="@everyone **urgent**", axe=1)
    resultat = await serveur["bob"].slash(serveur["salon"], "progres resume")
    creees = resultat.response.embeds[0].fields[1].value
    assert "@everyone" not in creees
    assert "\\*\\*urgent\\*\\*" in creees


async def test_resume_de_10_000_actions_dans_les_limites(simcord_env, serveur, reglages, horloge) -> None:
    # Jeudi 19 novembre 2026, 15 h : `peupler` a écrit des centaines de mises à jour depuis lundi.
    horloge.instant = datetime(2026, 11, 19, 15, tzinfo=UTC)
    peupler(reglages.database_url, serveur["guild"].id, actions=10_000, mises_a_jour=30_000)
    resultat = await serveur["bob"].slash(serveur["salon"], "progres resume")
    embed = resultat.response.embeds[0]
    verifier_limites(embed)
    champs = {c.name.split(" (")[0]: c.value for c in embed.fields}
    # `peupler` tire les statuts au hasard : un cinquième des actions environ est abandonné.
    assert "sur 7\u00a0999 actions non abandonnées" in embed.description
    # Les mesures de `peupler` datent d'un autre jour : pas de section « Indicateurs mesurés ».
    # `peupler` écrit des historiques « en cours » pour des actions déjà terminées : rejouées jusqu'au
    # bout, elles rejoignent leur état actuel à leur dernière mise à jour (metier.actions.etat).
    assert list(champs) == [
        "Avancement par axe",
        "✅ Terminées",
        "✏️ Mises à jour",
        "🔴 En retard",
        "📅 Échéances d'ici le 3 déc. 2026",
        "👥 Contributeurs",
    ]
    assert len(champs["✏️ Mises à jour"].splitlines()) == 11
    assert champs["✏️ Mises à jour"].endswith("autres — voir /action liste")
    assert champs["🔴 En retard"].endswith("autres — voir /action liste en_retard")
    assert champs["👥 Contributeurs"].endswith("… et 36 autres")
    assert len(resultat.response.attachments) == 1


def _resume_plein() -> Resume:
    """Chaque section pleine, des titres de 200 caractères et douze axes : le pire cas des limites."""
    terrebonne = Ville("terrebonne", "Terrebonne", "America/Toronto", "#1F5AA6")
    namur = Ville("namur", "Namur", "Europe/Brussels", "#D39B00")
    lundi, debut, fin = semaine_resumee(LUNDI_9H, terrebonne)
    titre = "@everyone **Plantation** " + "é" * 175
    actions = Liste(
        tuple(
            ActionResume(
                numero=10_000 + i,
                titre=titre,
                avancement=45,
                statut=StatutAction.EN_PAUSE,
                echeance=date(2027, 3, 1),
                responsable_id=123456789012345678,
                auteurs=(123456789012345678, 223456789012345678, 323456789012345678, 423456789012345678),
                avancement_avant=20,
                statut_avant=StatutAction.EN_COURS,
            )
            for i in range(10)
        ),
        4_321,
    )
    mesures = Liste(
        tuple(
            MesureResume(
                i, "Indicateur " + "x" * 190, "tonnes de CO₂", 0, 1e6, 123456.78, 234567.89, date(2027, 3, 5)
            )
            for i in range(10)
        ),
        30,
    )
    seances = Liste(
        tuple(
            SeanceResume(
                i,
                "Comité " + "y" * 190,
                terrebonne,
                Occurrence(
                    LUNDI_SUIVANT_9H + timedelta(days=i), LUNDI_SUIVANT_9H + timedelta(days=i, hours=1), i
                ),
            )
            for i in range(5)
        ),
        12,
    )
    return Resume(
        annee=2027,
        numero_semaine=9,
        lundi=lundi,
        debut=debut,
        fin=fin,
        en_cours=False,
        maintenant=LUNDI_9H,
        aujourd_hui=date(2027, 3, 8),
        ville=terrebonne,
        villes=(terrebonne, namur),
        axes=tuple(AxeResume(i, f"{i}. " + "Axe " * 20, 1_000, 47.5, 45.1) for i in range(1, 13)),
        terminees=actions,
        creees=actions,
        mises_a_jour=actions,
        nb_mises_a_jour=9_999,
        contributeurs=Liste(tuple((123456789012345678 + i, 99) for i in range(10)), 50),
        en_retard=actions,
        echeances=actions,
        indicateurs=mesures,
        reunions=seances,
        nb_actions_registre=12_000,
        nb_actions_existantes=12_000,
    )


def test_resume_plein_dans_toutes_les_limites_sans_perdre_de_section() -> None:
    embed = embed_resume(_resume_plein(), en_retard=True, image="progres-axes-2027-03-08.png")
    verifier_limites(embed)
    assert embed.description.startswith(MENTION_RETARD)
    noms = [c.name.split(" (")[0] for c in embed.fields]
    assert noms == [
        "Avancement par axe",
        "✅ Terminées",
        "🆕 Créées",
        "✏️ Mises à jour",
        "🔴 En retard",
        "📅 Échéances d'ici le 22 mars 2027",
        "📈 Indicateurs mesurés",
        "🗓️ Prochaines réunions",
        "👥 Contributeurs",
    ]
    champs = {c.name.split(" (")[0]: c.value for c in embed.fields}
    assert champs["✅ Terminées"].endswith("autres — voir /action liste")
    assert champs["🗓️ Prochaines réunions"].endswith("autres — voir /reunion liste")
    assert "@everyone" not in "".join(champs.values())


# --- Le résumé hebdomadaire, en temps virtuel ---------------------------------------------------


def _resumes(salon) -> list[discord.Message]:
    return [m for m in salon.history() if m.embeds and m.embeds[0].title.startswith("📊 Résumé hebdomadaire")]


def _livraison(bot: Passerelle, cle: str) -> Livraison:
    return bot.base.lecture(lambda s: s.exec(select(Livraison).where(Livraison.cle == cle)).one())


async def _a_partir_de(simcord_env, serveur, horloge, instant: datetime, *, salon: bool = True) -> None:
    """Le serveur existe ; l'horloge passe à `instant`, le salon du résumé est choisi."""
    horloge.instant = instant
    # ConfigServeur.cree_le suit l'horloge murale (2026), pas celle du bot : pour le livreur, le
    # serveur existait déjà et le résumé de la semaine d'avant est « manqué ». Confirmer l'horaire
    # avant de choisir le salon le fait partir sans salon, donc sauté : on part d'un état propre.
    await serveur["alice"].slash(
        serveur["salon"], "config resume-horaire", jour=0, heure="9h", ville="terrebonne"
    )
    await simcord_env.advance_time(1)
    await serveur["alice"].slash(serveur["salon"], "action ajouter", titre="Plantation", axe=1)
    if salon:
        await serveur["alice"].slash(serveur["salon"], "config salon-resume", salon=serveur["resume"])


async def _avancer_jusqu_a(simcord_env, horloge, instant: datetime) -> None:
    await simcord_env.advance_time((instant - horloge.instant).total_seconds())


async def test_publie_le_lundi_a_9_h_de_terrebonne_une_seule_fois(simcord_env, serveur, horloge) -> None:
    await _a_partir_de(simcord_env, serveur, horloge, DIMANCHE)
    await _avancer_jusqu_a(simcord_env, horloge, LUNDI_9H - timedelta(seconds=10))
    assert _resumes(serveur["resume"]) == []

    await simcord_env.advance_time(15)
    [message] = _resumes(serveur["resume"])
    embed = message.embeds[0]
    assert embed.title == TITRE_SEMAINE_9  # un lundi, la semaine écoulée
    assert MENTION_RETARD not in embed.description
    assert "🆕 Créées (1)" in [c.name for c in embed.fields]
    [piece] = message.attachments
    assert dimensions_png(await piece.read()) == (1200, 675)
    livraison = _livraison(simcord_env.bot, "resume:2027-S10")
    assert livraison.statut == StatutLivraison.ENVOYEE
    assert timedelta(0) <= livraison.envoyee_le - LUNDI_9H <= timedelta(seconds=1)

    await simcord_env.advance_time(6 * 3600)
    assert len(_resumes(serveur["resume"])) == 1
    assert _resumes(serveur["salon"]) == []


async def test_semaine_du_changement_d_heure(simcord_env, serveur, horloge) -> None:
    # Dimanche 14 mars 2027, après le passage à l'heure d'été de Terrebonne (07 h UTC).
    await _a_partir_de(simcord_env, serveur, horloge, datetime(2027, 3, 14, 12, tzinfo=UTC))
    await _avancer_jusqu_a(simcord_env, horloge, LUNDI_SUIVANT_9H - timedelta(seconds=10))
    assert _resumes(serveur["resume"]) == []

    await simcord_env.advance_time(15)
    [message] = _resumes(serveur["resume"])
    embed = message.embeds[0]
    assert embed.title == TITRE_SEMAINE_10
    # Lundi 8 mars 00 h 00 à Terrebonne = 05 h UTC ; lundi 15 mars 00 h 00 = 04 h UTC (heure d'été).
    debut, fin = datetime(2027, 3, 8, 5, tzinfo=UTC), datetime(2027, 3, 15, 4, tzinfo=UTC)
    assert f"(<t:{int(debut.timestamp())}:f> → <t:{int(fin.timestamp())}:f>)" in embed.description
    livraison = _livraison(simcord_env.bot, "resume:2027-S11")
    assert livraison.echeance == LUNDI_SUIVANT_9H


async def test_une_fois_par_semaine_malgre_les_redemarrages(simcord_env, serveur, reglages, horloge) -> None:
    await _a_partir_de(simcord_env, serveur, horloge, DIMANCHE)
    await _avancer_jusqu_a(simcord_env, horloge, LUNDI_9H + timedelta(minutes=1))
    assert len(_resumes(serveur["resume"])) == 1

    await redemarrer(simcord_env, Passerelle(reglages, horloge=horloge))
    await redemarrer(simcord_env, Passerelle(reglages, horloge=horloge))
    await simcord_env.advance_time(3600)
    assert len(_resumes(serveur["resume"])) == 1

    await _avancer_jusqu_a(simcord_env, horloge, LUNDI_SUIVANT_9H + timedelta(minutes=1))
    assert [m.embeds[0].title for m in _resumes(serveur["resume"])] == [TITRE_SEMAINE_9, TITRE_SEMAINE_10]


async def test_manque_pendant_l_arret_part_une_fois_en_retard(
    simcord_env, serveur, reglages, horloge
) -> None:
    await _a_partir_de(simcord_env, serveur, horloge, DIMANCHE)
    simcord_env.bot.planificateur.arreter()
    horloge.instant = datetime(2027, 3, 10, 12, tzinfo=UTC)  # mercredi : la semaine n'est pas finie
    await redemarrer(simcord_env, Passerelle(reglages, horloge=horloge))
    [message] = _resumes(serveur["resume"])
    embed = message.embeds[0]
    assert embed.description.startswith(MENTION_RETARD)
    assert embed.title == TITRE_SEMAINE_9  # la semaine de son échéance, pas celle du redémarrage
    livraison = _livraison(simcord_env.bot, "resume:2027-S10")
    assert (livraison.statut, livraison.en_retard) == (StatutLivraison.ENVOYEE, True)

    await redemarrer(simcord_env, Passerelle(reglages, horloge=horloge))
    await simcord_env.advance_time(3600)
    assert len(_resumes(serveur["resume"])) == 1


async def test_manque_et_semaine_finie_saute(simcord_env, serveur, reglages, horloge) -> None:
    await _a_partir_de(simcord_env, serveur, horloge, DIMANCHE)
    simcord_env.bot.planificateur.arreter()
    horloge.instant = datetime(2027, 3, 15, 12, tzinfo=UTC)  # lundi suivant, avant 9 h à Terrebonne
    await redemarrer(simcord_env, Passerelle(reglages, horloge=horloge))
    assert _resumes(serveur["resume"]) == []
    livraison = _livraison(simcord_env.bot, "resume:2027-S10")
    assert livraison.statut == StatutLivraison.SAUTEE
    assert "trop tard" in livraison.erreur

    await simcord_env.advance_time(3600 + 5)  # le résumé de la semaine suivante, lui, part à l'heure
    assert [m.embeds[0].title for m in _resumes(serveur["resume"])] == [TITRE_SEMAINE_10]


async def test_sans_salon_de_resume_rien_n_est_publie(simcord_env, serveur, horloge) -> None:
    await _a_partir_de(simcord_env, serveur, horloge, DIMANCHE, salon=False)
    await _avancer_jusqu_a(simcord_env, horloge, LUNDI_9H + timedelta(minutes=1))
    assert _resumes(serveur["resume"]) == []
    assert _resumes(serveur["salon"]) == []
    livraison = _livraison(simcord_env.bot, "resume:2027-S10")
    assert (livraison.statut, livraison.erreur) == (StatutLivraison.SAUTEE, "aucun salon choisi")


async def test_resume_publie_le_lundi_n_appelle_pas_vide_un_registre_qui_ne_l_est_pas(
    simcord_env, serveur, horloge
) -> None:
    # Le post du lundi résume la semaine écoulée ; l'action ajoutée lundi matin n'y existait pas.
    await _a_partir_de(simcord_env, serveur, horloge, LUNDI_9H - timedelta(hours=2))
    await simcord_env.advance_time(2 * 3600 + 5)
    [message] = _resumes(serveur["resume"])
    description = message.embeds[0].description
    assert message.embeds[0].title == TITRE_SEMAINE_9
    assert "Le registre est vide" not in description
    assert "Aucune action n'existait encore à la fin de cette semaine." in description


async def test_deux_serveurs_au_meme_horaire_partagent_une_tache_et_recoivent_chacun_leur_resume(
    simcord_env, serveur, horloge
) -> None:
    """Une tâche par horaire : à 09 h 00, une seule tâche échue réveille les résumés des deux serveurs."""
    guild = simcord_env.create_guild("Jumelage bis")
    admin = guild.create_role("Admin", permissions=discord.Permissions(manage_guild=True))
    autre = {
        "guild": guild,
        "salon": guild.create_text_channel("suivi"),
        "resume": guild.create_text_channel("resume"),
        "alice": guild.add_member(simcord_env.create_user("alice-bis"), roles=[admin]),
    }
    await simcord_env.settle()
    await _a_partir_de(simcord_env, serveur, horloge, DIMANCHE)
    await _a_partir_de(simcord_env, autre, horloge, DIMANCHE)
    livreur = simcord_env.bot.livreur
    assert livreur.tache_du_resume(serveur["guild"].id) == livreur.tache_du_resume(guild.id)

    await _avancer_jusqu_a(simcord_env, horloge, LUNDI_9H + timedelta(seconds=15))
    for monde in (serveur, autre):
        [message] = _resumes(monde["resume"])
        assert message.embeds[0].title == TITRE_SEMAINE_9
    # L'un change d'horaire : l'autre garde la tâche, et son résumé du lundi suivant.
    await autre["alice"].slash(autre["salon"], "config resume-horaire", jour=3, heure="14h30", ville="namur")
    await simcord_env.advance_time(1)
    assert livreur.tache_du_resume(guild.id) != livreur.tache_du_resume(serveur["guild"].id)
    await _avancer_jusqu_a(simcord_env, horloge, LUNDI_SUIVANT_9H + timedelta(seconds=15))
    assert [m.embeds[0].title for m in _resumes(serveur["resume"])].count(TITRE_SEMAINE_10) == 1


async def test_tache_hebdomadaire_du_resume_suit_l_horaire_et_le_changement_d_heure(
    simcord_env, serveur, horloge
) -> None:
    await _a_partir_de(simcord_env, serveur, horloge, datetime(2027, 3, 10, 12, tzinfo=UTC))
    livreur, guild_id = simcord_env.bot.livreur, serveur["guild"].id
    cle = livreur.tache_du_resume(guild_id)
    assert cle == "resume:0:09:00:America/Toronto"  # une tâche par horaire, partagée par ses serveurs
    planificateur = simcord_env.bot.planificateur
    # Lundi 15 mars 2027 09 h 00 à Terrebonne, déjà à l'heure d'été (UTC−4) : 13 h UTC.
    assert planificateur.prochaine(cle) == datetime(2027, 3, 15, 13, tzinfo=UTC)
    await serveur["alice"].slash(
        serveur["salon"], "config resume-horaire", jour=3, heure="14h30", ville="namur"
    )
    await simcord_env.advance_time(1)
    assert planificateur.prochaine(cle) is None  # plus aucun serveur à l'ancien horaire
    cle = livreur.tache_du_resume(guild_id)
    assert cle == "resume:3:14:30:Europe/Brussels"
    # Jeudi 11 mars 14 h 30 à Namur (UTC+1) : 13 h 30 UTC ; le 1er avril, Namur est à UTC+2.
    assert planificateur.prochaine(cle) == datetime(2027, 3, 11, 13, 30, tzinfo=UTC)
    tache = planificateur._ordonnanceur.get_job(cle)
    assert tache.trigger.get_next_fire_time(None, datetime(2027, 3, 30, tzinfo=UTC)) == datetime(
        2027, 4, 1, 12, 30, tzinfo=UTC
    )


# --- Option `edition` : regarder une édition passée après un renouvellement -----------------------


async def _renouvele(serveur) -> None:
    """Le registre de `_registre`, le Forum terminé, puis l'édition 2027-2029 avec reprise."""
    await _registre(serveur)
    salon, alice = serveur["salon"], serveur["alice"]
    await alice.slash(salon, "action statut", action="2", statut="terminee")
    reponse = await alice.slash(
        salon,
        "protocole renouveler",
        titre="Protocole de collaboration 2027-2029",
        debut="2027-01-01",
        fin="2029-12-31",
    )
    assert "1 indicateur suit son axe dans la nouvelle édition, avec son numéro et toutes ses mesures" in (
        reponse.response.content
    )
    await alice.click(reponse.response.message, label="Reprendre les actions ouvertes (2027-2029)")


@pytest.mark.parametrize(
    ("type_graphique", "titre"),
    [
        ("axes", "Avancement moyen par axe — édition 2024-2026 — au 26 novembre 2026"),
        ("statuts", "Actions par statut et par axe — édition 2024-2026 — au 26 novembre 2026"),
        ("evolution", "Évolution de l'avancement — édition 2024-2026 — de décembre 2025 au 26 novembre 2026"),
        ("indicateurs", "Indicateurs vers leur cible — édition 2024-2026 — au 26 novembre 2026"),
    ],
)
async def test_graphique_d_une_edition_passee(simcord_env, serveur, type_graphique, titre) -> None:
    await _renouvele(serveur)
    resultat = await serveur["bob"].slash(
        serveur["salon"], "progres graphique", type=type_graphique, edition="2024-2026"
    )
    assert not resultat.ephemeral
    assert resultat.response.content == f"📊 **{titre}**"
    assert dimensions_png(await resultat.response.attachments[0].read()) == (1200, 675)


async def test_graphique_par_defaut_sur_l_edition_en_vigueur(simcord_env, serveur) -> None:
    await _renouvele(serveur)
    salon, bob = serveur["salon"], serveur["bob"]
    # Plantation, reprise, est en vigueur ; le Forum terminé est resté dans 2024-2026.
    echeances = await bob.slash(salon, "progres graphique", type="echeances")
    assert echeances.ephemeral
    assert echeances.response.content.startswith("Aucune action ouverte n'a d'échéance dépassée")
    passee = await bob.slash(salon, "progres graphique", type="statuts", axe=1, edition="2024-2026")
    assert passee.ephemeral
    assert passee.response.content == (
        "Aucune action dans l'axe I de l'édition 2024-2026 : ses actions ont été reprises dans l'édition "
        "suivante, ou elle n'en a jamais eu."
    )
    courante = await bob.slash(salon, "progres graphique", type="statuts", axe=1)
    assert courante.response.content.startswith("📊 **Actions par statut — Axe I")


@pytest.mark.parametrize(
    ("commande", "options"),
    [
        ("progres graphique", {"type": "axes", "edition": "1999"}),
        ("progres graphique", {"type": "indicateurs", "edition": "x" * 100}),
        ("progres resume", {"edition": "2019-2021"}),
        ("progres resume", {"edition": "@everyone"}),
    ],
)
async def test_edition_inconnue_message_prive(simcord_env, serveur, commande, options) -> None:
    await _renouvele(serveur)
    resultat = await serveur["bob"].slash(serveur["salon"], commande, **options)
    assert resultat.ephemeral
    saisie = options["edition"][:40]
    assert resultat.response.content == (
        f"« {saisie} » n'est pas une édition du protocole sur ce serveur. "
        "Choisissez l'une de : 2027-2029, 2024-2026."
    )
    assert resultat.response.attachments == []
    assert resultat.followups == []


async def test_autocompletion_des_editions(simcord_env, serveur) -> None:
    await _renouvele(serveur)
    for commande, remplies in (("progres graphique", {"type": "axes"}), ("progres resume", {})):
        choix = await serveur["bob"].autocomplete(serveur["salon"], commande, "edition", "", **remplies)
        assert [c["value"] for c in choix] == ["2027-2029", "2024-2026"]
    choix = await serveur["bob"].autocomplete(
        serveur["salon"], "progres graphique", "edition", "2024", type="axes"
    )
    assert choix == [{"name": "2024-2026 — Protocole de collaboration 2024-2026", "value": "2024-2026"}]


async def test_resume_d_une_edition_passee(simcord_env, serveur) -> None:
    await _renouvele(serveur)
    salon, bob = serveur["salon"], serveur["bob"]
    passee = await bob.slash(salon, "progres resume", edition="2024-2026")
    embed = passee.response.embeds[0]
    verifier_limites(embed)
    assert embed.title == (
        "📊 Résumé hebdomadaire — Semaine 48 : du 23 au 29 novembre 2026 (édition 2024-2026)"
    )
    champs = {c.name: c.value for c in embed.fields}
    assert champs["✅ Terminées (1)"].startswith("**#2** Forum de l'emploi")
    assert "Plantation" not in str(champs)
    # Ses contributeurs : les mises à jour de ses actions seulement (le Forum créé puis terminé).
    assert champs["👥 Contributeurs (1)"] == f"<@{serveur['alice'].id}> (2)"
    # L'indicateur a suivi son axe : l'édition passée le garde, mesuré cette semaine.
    assert champs["📈 Indicateurs mesurés (1)"].startswith("**n° 1** Arbres plantés")
    courant = await bob.slash(salon, "progres resume")
    embed = courant.response.embeds[0]
    assert embed.title == "📊 Résumé hebdomadaire — Semaine 48 : du 23 au 29 novembre 2026"
    champs = {c.name: c.value for c in embed.fields}
    assert "Forum" not in str(champs)
    assert "**#1** Plantation de 500 arbres" in champs["🆕 Créées (1)"]
    assert champs["📈 Indicateurs mesurés (1)"].startswith("**n° 1** Arbres plantés")
