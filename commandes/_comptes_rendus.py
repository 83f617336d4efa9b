"""Comptes rendus de séance côté Discord : la fenêtre de saisie, l'embed publié, ses boutons."""

from __future__ import annotations

import io
import logging
import re
from functools import partial
from typing import Any

import discord

from bot.arbre import BoutonPersistant, repondre, signaler_erreur
from bot.client import Passerelle
from bot.limites import LIMITE_VALEUR_CHAMP
from commandes._affichage import ajouter_champ, joindre, nouvel_embed, texte_saisi
from commandes._completion import contexte
from commandes._seances import ligne_seance, noms_par_ville
from metier.actions.registre import lire_numero
from metier.erreurs import ErreurMetier
from metier.formats import pluriel, tronquer
from metier.reunions.comptes_rendus import (
    CHAMPS,
    ContenuCompteRendu,
    SeanceTenue,
    action_depuis_decision,
    contenu_compte_rendu,
    enregistrer_compte_rendu,
    ids_presents,
    lire_compte_rendu,
    modifier_presents,
    noter_message,
    preparer_compte_rendu,
    tenue_du_compte_rendu,
)
from metier.reunions.horloges import horloges
from metier.reunions.registre import ville_d_ancrage
from metier.statuts import LIBELLES_STATUT
from metier.temps import format_date_courte, format_date_longue
from modeles.actions import LONGUEUR_TITRE, StatutAction
from modeles.comptes_rendus import LONGUEUR_CHAMP_COMPTE_RENDU

log = logging.getLogger(__name__)

LIMITE_TITRE_MODALE = 45  # Discord : titre d'une fenêtre modale et libellé d'un champ
BOUTONS_DECISIONS = 20  # quatre rangées de cinq ; la cinquième garde « Modifier » et « Présents »
LONGUEUR_POINTS_AFFICHES = 1500  # l'embed entier tient dans 6 000 caractères
PRESENTS_MAX = 25


# --- L'embed publié ------------------------------------------------------------------------------


def _ligne_action(action: Any) -> str:
    morceaux = []
    if action.statut:
        morceaux.append(LIBELLES_STATUT[StatutAction(action.statut)])
    if action.avancement is not None:
        morceaux.append(f"{action.avancement}\u00a0%")
    return f"**#{action.numero}** {texte_saisi(action.titre, 80)} — {' · '.join(morceaux)}"


def texte_complet(contenu: ContenuCompteRendu) -> str:
    """Le compte rendu en texte brut (joint au message quand l'embed ne peut pas tout montrer)."""
    compte_rendu, reunion = contenu.compte_rendu, contenu.reunion
    ancre = ville_d_ancrage(contenu.configuration, reunion)
    parties = [
        f"Compte rendu — réunion #{reunion.numero} « {reunion.titre} »",
        horloges(contenu.seance.debut, contenu.configuration.villes, ancre),
        "",
    ]
    for nom, titre in CHAMPS.items():
        parties += [titre, "-" * len(titre), getattr(compte_rendu, nom) or "—", ""]
    return "\n".join(parties)


def embed_compte_rendu(contenu: ContenuCompteRendu) -> tuple[discord.Embed, bool]:
    """L'embed du compte rendu (les deux horloges) ; vrai si un texte a dû être raccourci."""
    compte_rendu, reunion, villes = contenu.compte_rendu, contenu.reunion, contenu.configuration.villes
    ancre = ville_d_ancrage(contenu.configuration, reunion)
    coupe = False
    auteur = f"Rédigé par <@{compte_rendu.auteur_id}>"
    if compte_rendu.modifie_le != compte_rendu.cree_le:
        auteur += f" · modifié le {format_date_courte(ancre.heure_locale(compte_rendu.modifie_le).date())}"
    points = compte_rendu.points or "—"
    coupe |= len(points) > LONGUEUR_POINTS_AFFICHES
    description = "\n".join(
        [
            ligne_seance(contenu.seance, villes, ancre),
            auteur,
            "",
            f"**{CHAMPS['points']}**",
            texte_saisi(points, LONGUEUR_POINTS_AFFICHES),
        ]
    )
    embed = nouvel_embed(
        f"📝 Compte rendu — #{reunion.numero} {texte_saisi(reunion.titre, 200)}", description
    )
    decisions = [
        f"{rang}. {texte_saisi(texte, 300)}"
        + (f" → action **#{contenu.actions_nees[rang]}**" if rang in contenu.actions_nees else "")
        for rang, texte in enumerate(contenu.decisions, start=1)
    ]
    valeur = joindre(decisions, LIMITE_VALEUR_CHAMP) if decisions else "Aucune décision."
    coupe |= any(len(texte) > 300 for texte in contenu.decisions) or valeur.count("\n") + 1 < len(decisions)
    ajouter_champ(embed, CHAMPS["decisions"], valeur)
    suites = compte_rendu.suites or "—"
    coupe |= len(suites) > LIMITE_VALEUR_CHAMP
    ajouter_champ(embed, CHAMPS["suites"], texte_saisi(suites, LIMITE_VALEUR_CHAMP))
    bougees = [_ligne_action(a) for a in contenu.actions_bougees]
    ajouter_champ(
        embed,
        "Actions mises à jour pendant la séance",
        joindre(bougees, LIMITE_VALEUR_CHAMP, renvoi="/action liste")
        if bougees
        else "Aucune action mise à jour pendant la séance ni l'heure qui a suivi.",
    )
    ajouter_champ(
        embed,
        f"Présents ({len(contenu.presents)})",
        tronquer(noms_par_ville(contenu.presents, villes), LIMITE_VALEUR_CHAMP)
        if contenu.presents
        else "Personne n'a été noté présent : ajustez avec le bouton « 👥 Présents ».",
    )
    embed.set_footer(
        text=f"Réunion #{reunion.numero} · tous les comptes rendus : /reunion comptes-rendus {reunion.numero}"
    )
    return embed, coupe


def vue_compte_rendu(contenu: ContenuCompteRendu) -> discord.ui.View:
    """Un bouton par décision (vers une action), puis « Modifier » et « Présents »."""
    vue = discord.ui.View(timeout=None)
    identifiant = contenu.compte_rendu.id or 0
    for rang in range(1, min(len(contenu.decisions), BOUTONS_DECISIONS) + 1):
        vue.add_item(BoutonDecision(identifiant, rang, faite=rang in contenu.actions_nees))
    vue.add_item(BoutonModifier(identifiant))
    vue.add_item(BoutonPresents(identifiant))
    return vue


def message_compte_rendu(contenu: ContenuCompteRendu) -> dict[str, Any]:
    """Les arguments d'envoi (ou de modification) du message du compte rendu."""
    embed, coupe = embed_compte_rendu(contenu)
    fichiers = []
    if coupe:
        nom = f"compte-rendu-{contenu.reunion.numero}-{contenu.seance.cle}.txt"
        fichiers.append(discord.File(io.BytesIO(texte_complet(contenu).encode()), filename=nom))
    return {"embed": embed, "view": vue_compte_rendu(contenu), "attachments": fichiers}


async def publier(bot: Passerelle, guild: discord.Guild, compte_rendu_id: int) -> str:
    """Publie le compte rendu dans le salon de la réunion (ou met à jour son message) ; rend quoi en dire."""
    contenu = await bot.base.lire(
        partial(contenu_compte_rendu, guild_id=guild.id, compte_rendu_id=compte_rendu_id)
    )
    compte_rendu = contenu.compte_rendu
    salon = guild.get_channel(compte_rendu.salon_id or contenu.reunion.salon_id or 0)
    if not isinstance(salon, discord.TextChannel):
        return "Je n'ai pas pu le publier : le salon de la réunion n'existe plus."
    options = message_compte_rendu(contenu)
    try:
        if compte_rendu.message_id is not None:
            try:
                await salon.get_partial_message(compte_rendu.message_id).edit(**options)
                return f"Compte rendu mis à jour dans {salon.mention}."
            except discord.NotFound:
                options = message_compte_rendu(contenu)  # le message a été supprimé : on republie
        fichiers = options.pop("attachments")
        message = await salon.send(files=fichiers, **options)
    except discord.HTTPException:
        # Le compte rendu est enregistré : l'échec de la publication se dit, il n'efface rien.
        log.warning("Publication du compte rendu %s impossible", compte_rendu_id, exc_info=True)
        return f"Je n'ai pas pu le publier dans {salon.mention} (Discord a refusé le message)."
    await bot.base.ecrire(
        partial(noter_message, compte_rendu_id=compte_rendu_id, salon_id=salon.id, message_id=message.id)
    )
    return f"Compte rendu publié dans {salon.mention}."


# --- La fenêtre de saisie ------------------------------------------------------------------------


class ModaleCompteRendu(discord.ui.Modal):
    """Points abordés, décisions (une par ligne), prochaines étapes : 4 000 caractères chacun."""

    def __init__(self, tenue: SeanceTenue) -> None:
        jour = format_date_courte(tenue.seance.debut.date())
        super().__init__(
            title=tronquer(f"Compte rendu #{tenue.reunion.numero} du {jour}", LIMITE_TITRE_MODALE)
        )
        self.numero, self.cle = tenue.reunion.numero, tenue.seance.cle
        existant = tenue.compte_rendu
        self.champs: dict[str, discord.ui.TextInput[Any]] = {}
        etiquettes = {
            "points": ("Points abordés", "Ce dont le groupe a parlé"),
            "decisions": ("Décisions (une par ligne)", "Chaque ligne pourra devenir une action"),
            "suites": ("Prochaines étapes", "Elles ouvriront l'ordre du jour de la séance suivante"),
        }
        for nom, (etiquette, indication) in etiquettes.items():
            champ: discord.ui.TextInput[Any] = discord.ui.TextInput(
                label=etiquette,
                placeholder=indication,
                style=discord.TextStyle.paragraph,
                required=False,
                max_length=LONGUEUR_CHAMP_COMPTE_RENDU,
                default=getattr(existant, nom) if existant is not None else None,
                custom_id=f"cr:{nom}",
            )
            self.champs[nom] = champ
            self.add_item(champ)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        """Enregistre le compte rendu, puis le publie (ou met à jour sa publication)."""
        bot: Passerelle = interaction.client
        guild_id, _, coordination = await contexte(interaction)
        assert interaction.guild is not None
        compte_rendu = await bot.base.ecrire(
            partial(
                enregistrer_compte_rendu,
                guild_id=guild_id,
                numero=self.numero,
                cle=self.cle,
                auteur_id=interaction.user.id,
                est_coordination=coordination,
                points=self.champs["points"].value,
                decisions=self.champs["decisions"].value,
                suites=self.champs["suites"].value,
                maintenant=bot.maintenant(),
            )
        )
        await interaction.response.defer(ephemeral=True, thinking=True)
        publie = await publier(bot, interaction.guild, compte_rendu.id or 0)
        await interaction.followup.send(f"Compte rendu enregistré. {publie}", ephemeral=True)

    async def on_error(self, interaction: discord.Interaction[Any], error: Exception) -> None:  # type: ignore[override]
        """Même traducteur que les commandes."""
        await signaler_erreur(interaction, error, "fenêtre du compte rendu")


async def ouvrir_compte_rendu(
    interaction: discord.Interaction[Passerelle], numero: int, cle: str | None
) -> None:
    """Vérifie la séance et les droits, puis ouvre la fenêtre (pré-remplie si le compte rendu existe)."""
    guild_id, _, coordination = await contexte(interaction)
    bot = interaction.client
    tenue = await bot.base.lire(
        partial(
            preparer_compte_rendu,
            guild_id=guild_id,
            numero=numero,
            cle=cle,
            membre_id=interaction.user.id,
            est_coordination=coordination,
            maintenant=bot.maintenant(),
        )
    )
    await interaction.response.send_modal(ModaleCompteRendu(tenue))


class ModaleDecision(discord.ui.Modal):
    """Une décision devient une action : titre pré-rempli, axe, échéance."""

    def __init__(self, compte_rendu_id: int, rang: int, decision: str) -> None:
        super().__init__(title=f"Décision {rang} → nouvelle action")
        self.compte_rendu_id, self.rang = compte_rendu_id, rang
        self.titre: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Titre de l'action",
            default=tronquer(decision, LONGUEUR_TITRE),
            max_length=LONGUEUR_TITRE,
            custom_id="act:titre",
        )
        self.axe: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Axe du protocole (numéro)",
            placeholder="1, 2 ou 3 (voir /action ajouter)",
            max_length=3,
            custom_id="act:axe",
        )
        self.echeance: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Échéance (facultative)",
            placeholder="2027-04-30, 30/04/2027 ou 30 avril 2027",
            required=False,
            max_length=40,
            custom_id="act:echeance",
        )
        for champ in (self.titre, self.axe, self.echeance):
            self.add_item(champ)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        """Crée l'action liée à la séance ; le compte rendu publié montre « → action #N »."""
        bot: Passerelle = interaction.client
        assert interaction.guild is not None
        action = await bot.base.ecrire(
            partial(
                action_depuis_decision,
                guild_id=interaction.guild.id,
                compte_rendu_id=self.compte_rendu_id,
                rang=self.rang,
                auteur_id=interaction.user.id,
                titre=self.titre.value,
                axe_numero=lire_numero(self.axe.value, quoi="d'axe"),
                echeance=self.echeance.value.strip() or None,
                maintenant=bot.maintenant(),
            )
        )
        contenu = await bot.base.lire(
            partial(contenu_compte_rendu, guild_id=interaction.guild.id, compte_rendu_id=self.compte_rendu_id)
        )
        options = message_compte_rendu(contenu)
        if interaction.message is not None:
            await interaction.response.edit_message(**options)
        else:
            await interaction.response.defer()
        await interaction.followup.send(
            f"Action **#{action.numero}** « {texte_saisi(action.titre, 200)} » créée depuis la décision "
            f"{self.rang} du compte rendu, par {interaction.user.mention}. Suivez-la avec "
            f"`/action voir {action.numero}`."
        )

    async def on_error(self, interaction: discord.Interaction[Any], error: Exception) -> None:  # type: ignore[override]
        """Même traducteur que les commandes."""
        await signaler_erreur(interaction, error, "fenêtre d'une décision")


# --- Les boutons persistants ---------------------------------------------------------------------


class BoutonDecision(BoutonPersistant, template=r"cr:(?P<cr>\d+):dec:(?P<rang>\d+)"):
    """« Décision 2 → action » : ouvre la fenêtre pré-remplie."""

    def __init__(self, compte_rendu_id: int, rang: int, *, faite: bool = False) -> None:
        self.compte_rendu_id, self.rang = compte_rendu_id, rang
        super().__init__(
            discord.ui.Button(
                label=f"Décision {rang} → action" + (" ✓" if faite else ""),
                style=discord.ButtonStyle.secondary if faite else discord.ButtonStyle.primary,
                disabled=faite,
                custom_id=f"cr:{compte_rendu_id}:dec:{rang}",
                row=(rang - 1) // 5,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> BoutonDecision:
        """Recrée le bouton à partir de son identifiant."""
        return cls(int(match["cr"]), int(match["rang"]))

    async def agir(self, interaction: discord.Interaction[Any]) -> None:
        """Ouvre la fenêtre de l'action, titre pré-rempli avec la décision."""
        bot: Passerelle = interaction.client
        assert interaction.guild_id is not None
        contenu = await bot.base.lire(
            partial(contenu_compte_rendu, guild_id=interaction.guild_id, compte_rendu_id=self.compte_rendu_id)
        )
        if not 1 <= self.rang <= len(contenu.decisions):
            raise ErreurMetier("Cette décision n'est plus dans le compte rendu (il a été modifié).")
        if self.rang in contenu.actions_nees:
            raise ErreurMetier(
                f"La décision {self.rang} est déjà devenue l'action #{contenu.actions_nees[self.rang]}."
            )
        await interaction.response.send_modal(
            ModaleDecision(self.compte_rendu_id, self.rang, contenu.decisions[self.rang - 1])
        )


class BoutonModifier(BoutonPersistant, template=r"cr:(?P<cr>\d+):modifier"):
    """« ✏️ Modifier » : rouvre la fenêtre pré-remplie (mêmes droits que la rédaction)."""

    def __init__(self, compte_rendu_id: int) -> None:
        self.compte_rendu_id = compte_rendu_id
        super().__init__(
            discord.ui.Button(
                label="✏️ Modifier",
                style=discord.ButtonStyle.secondary,
                custom_id=f"cr:{compte_rendu_id}:modifier",
                row=4,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> BoutonModifier:
        """Recrée le bouton à partir de son identifiant."""
        return cls(int(match["cr"]))

    async def agir(self, interaction: discord.Interaction[Any]) -> None:
        """Rouvre la fenêtre de saisie du compte rendu."""
        bot: Passerelle = interaction.client
        assert interaction.guild_id is not None
        tenue = await bot.base.lire(
            partial(_tenue, guild_id=interaction.guild_id, compte_rendu_id=self.compte_rendu_id)
        )
        await ouvrir_compte_rendu(interaction, tenue.reunion.numero, tenue.seance.cle)


def _tenue(session: Any, *, guild_id: int, compte_rendu_id: int) -> SeanceTenue:
    return tenue_du_compte_rendu(
        session, lire_compte_rendu(session, guild_id=guild_id, compte_rendu_id=compte_rendu_id)
    )


class BoutonPresents(BoutonPersistant, template=r"cr:(?P<cr>\d+):presents"):
    """« 👥 Présents » : une liste de membres, en privé, pour ajuster les présents."""

    def __init__(self, compte_rendu_id: int) -> None:
        self.compte_rendu_id = compte_rendu_id
        super().__init__(
            discord.ui.Button(
                label="👥 Présents",
                style=discord.ButtonStyle.secondary,
                custom_id=f"cr:{compte_rendu_id}:presents",
                row=4,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> BoutonPresents:
        """Recrée le bouton à partir de son identifiant."""
        return cls(int(match["cr"]))

    async def agir(self, interaction: discord.Interaction[Any]) -> None:
        """Montre, en privé, la liste des membres présents à ajuster (droits vérifiés d'abord)."""
        bot: Passerelle = interaction.client
        guild_id, _, coordination = await contexte(interaction)
        tenue = await bot.base.lire(partial(_tenue, guild_id=guild_id, compte_rendu_id=self.compte_rendu_id))
        await bot.base.lire(
            partial(
                preparer_compte_rendu,
                guild_id=guild_id,
                numero=tenue.reunion.numero,
                cle=tenue.seance.cle,
                membre_id=interaction.user.id,
                est_coordination=coordination,
                maintenant=bot.maintenant(),
            )
        )
        assert tenue.compte_rendu is not None
        actuels = ids_presents(tenue.compte_rendu.presents)[:PRESENTS_MAX]
        vue = VuePresents(self.compte_rendu_id, actuels)
        jour = format_date_longue(tenue.seance.debut.date())
        await repondre(
            interaction,
            f"Qui était présent à la séance du {jour} ? ({pluriel(len(actuels), 'présent')} noté"
            f"{'s' if len(actuels) > 1 else ''} ; {PRESENTS_MAX} au plus.)",
            ephemere=True,
            view=vue,
        )


class VuePresents(discord.ui.View):
    """La liste de membres (jusqu'à 25) qui remplace les présents du compte rendu."""

    def __init__(self, compte_rendu_id: int, actuels: list[int]) -> None:
        super().__init__(timeout=600)
        self.compte_rendu_id = compte_rendu_id
        self.liste: discord.ui.UserSelect[VuePresents] = discord.ui.UserSelect(
            placeholder="Choisissez les présents",
            min_values=0,
            max_values=PRESENTS_MAX,
            default_values=[discord.Object(i) for i in actuels],
            custom_id=f"cr:{compte_rendu_id}:liste",
        )
        self.liste.callback = self.choisir  # type: ignore[method-assign]
        self.add_item(self.liste)

    async def choisir(self, interaction: discord.Interaction[Any]) -> None:
        """Enregistre la liste choisie et met à jour le compte rendu publié."""
        try:
            bot: Passerelle = interaction.client
            guild_id, _, coordination = await contexte(interaction)
            assert interaction.guild is not None
            presents = [membre.id for membre in self.liste.values if not membre.bot]
            await bot.base.ecrire(
                partial(
                    modifier_presents,
                    guild_id=guild_id,
                    compte_rendu_id=self.compte_rendu_id,
                    auteur_id=interaction.user.id,
                    est_coordination=coordination,
                    presents=presents,
                    maintenant=bot.maintenant(),
                )
            )
            await interaction.response.defer(ephemeral=True, thinking=True)
            publie = await publier(bot, interaction.guild, self.compte_rendu_id)
            await interaction.followup.send(
                f"Présents enregistrés : {len(presents)}. {publie}", ephemeral=True
            )
        except Exception as erreur:
            await signaler_erreur(interaction, erreur, "liste des présents")


BOUTONS = (BoutonDecision, BoutonModifier, BoutonPresents)
