"""`/protocole` : l'édition du protocole, ses axes et objectifs ; la coordination les fait évoluer."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import discord
from discord import app_commands
from discord.ext import commands

from bot.arbre import BoutonPersistant, repondre
from bot.client import Passerelle
from commandes._affichage import ajouter_champ, joindre, nouvel_embed, texte_saisi
from commandes._completion import LIMITE_CHOIX, completer_axe, completer_edition, contexte
from commandes._droits import exiger_coordination
from metier.actions.registre import lister_objectifs
from metier.editions import (
    VueProtocole,
    ajouter_axe,
    ajouter_objectif,
    jours_restants,
    modifier_axe,
    modifier_objectif,
    nom_edition,
    retirer_objectif,
    voir_protocole,
)
from metier.formats import pluriel, tronquer
from metier.partenaires import lister_partenaires
from metier.protocole import code_objectif, libelle_axe
from metier.renouvellement import Renouvellement, Sort, decider, renouveler
from metier.serveurs import Configuration
from metier.temps import aujourd_hui, format_jour, normaliser
from modeles import Partenaire

T = TypeVar("T")
LIMITE_OBJECTIF_AFFICHE = 160  # un objectif dans /protocole voir ; le texte entier est dans le rapport


def embed_protocole(
    vue: VueProtocole, partenaires: list[Partenaire], configuration: Configuration, maintenant: Any
) -> discord.Embed:
    """L'édition : période et jours restants, signature, axes et objectifs comptés, suivi, partenaires."""
    edition = vue.edition
    jour = aujourd_hui(maintenant, configuration.reference)
    periode = f"Du {format_jour(edition.debut)} au {format_jour(edition.fin)}"
    if jour > edition.fin:
        periode += " — terminée"
    elif jour >= edition.debut:
        periode += f" — il reste {pluriel(jours_restants(edition, jour), 'jour')}"
    else:
        periode += f" — commence dans {pluriel((edition.debut - jour).days, 'jour')}"
    lignes = [periode]
    if edition.signee_le is not None:
        lieu = f" à {edition.signee_a}" if edition.signee_a else ""
        lignes.append(f"Signé{lieu} le {format_jour(edition.signee_le)}.")
    if not vue.courante:
        lignes.append("Édition close : consultable, plus de nouvelles actions.")
    if edition.en_attente:
        lignes.append("Renouvellement en cours : le sort des actions ouvertes reste à décider.")
    if vue.autres_editions:
        lignes.append(f"Autres éditions : {', '.join(vue.autres_editions)} (option `edition`).")
    embed = nouvel_embed(edition.titre, "\n".join(lignes))
    for axe in vue.axes:
        objectifs = [
            (
                f"~~{o.code} {texte_saisi(tronquer(o.libelle, LIMITE_OBJECTIF_AFFICHE), 200)}~~ "
                f"(retiré le {format_jour(o.retire_le.date())}, {pluriel(o.actions, 'action')})"
                if o.retire_le is not None
                else f"**{o.code}** {texte_saisi(tronquer(o.libelle, LIMITE_OBJECTIF_AFFICHE), 200)} "
                f"({pluriel(o.actions, 'action')})"
            )
            for o in axe.objectifs
        ]
        ajouter_champ(
            embed,
            f"{libelle_axe(axe.numero, axe.titre_court)} — {pluriel(axe.actions, 'action')}, "
            f"{pluriel(axe.indicateurs, 'indicateur')}",
            joindre(objectifs or ["Aucun objectif : /protocole objectif-ajouter"], 1024),
        )
    villes = {v.code: v.nom for v in configuration.villes}
    if vue.bureaux:
        ajouter_champ(
            embed,
            "Suivi de la mise en œuvre",
            joindre([f"**{villes.get(code, code)}** : {bureau}" for code, bureau in vue.bureaux], 1024),
        )
    if partenaires:
        ajouter_champ(
            embed,
            "Partenaires",
            joindre([texte_saisi(p.nom, 40) for p in partenaires], 1024, renvoi="/partenaire liste").replace(
                "\n", ", "
            ),
        )
    return embed


class BoutonSort(BoutonPersistant, template=r"prot:sort:(?P<edition>\d+):(?P<sort>\w+):(?P<membre>\d+)"):
    """Un des deux boutons du renouvellement : reprendre ou clore les actions ouvertes (son auteur seul)."""

    def __init__(self, edition_id: int, sort: Sort, membre_id: int, precedente: str = "") -> None:
        self.edition_id, self.sort, self.membre_id = edition_id, sort, membre_id
        libelle = (
            f"Reprendre les actions ouvertes{' (' + precedente + ')' if precedente else ''}"
            if sort == Sort.REPRENDRE
            else "Les clore à la fin de l'édition"
        )
        super().__init__(
            discord.ui.Button(
                label=libelle,
                style=discord.ButtonStyle.primary
                if sort == Sort.REPRENDRE
                else discord.ButtonStyle.secondary,
                custom_id=f"prot:sort:{edition_id}:{sort.value}:{membre_id}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> BoutonSort:
        """Recrée le bouton à partir de son identifiant."""
        return cls(int(match["edition"]), Sort(match["sort"]), int(match["membre"]))

    async def agir(self, interaction: discord.Interaction[Any]) -> None:
        """Décide du sort des actions ouvertes ; réservé à qui a lancé le renouvellement."""
        bot: Passerelle = interaction.client
        assert interaction.guild_id is not None
        if interaction.user.id != self.membre_id:
            await repondre(
                interaction,
                f"Seul <@{self.membre_id}>, qui a lancé ce renouvellement, décide du sort des actions "
                "ouvertes. "
                "Rien n'a été modifié.",
                ephemere=True,
            )
            return
        await interaction.response.defer()
        renouvellement, nombre = await bot.base.ecrire(
            partial(
                decider,
                guild_id=interaction.guild_id,
                auteur_id=interaction.user.id,
                edition_id=self.edition_id,
                sort=self.sort,
                maintenant=bot.maintenant(),
            )
        )
        precedente, nouvelle = nom_edition(renouvellement.precedente), nom_edition(renouvellement.nouvelle)
        if self.sort == Sort.REPRENDRE:
            bilan = (
                f"{pluriel(nombre, 'action ouverte', 'actions ouvertes')} de l'édition {precedente} "
                f"{'est reprise' if nombre < 2 else 'sont reprises'} dans l'édition {nouvelle}, "
                "avec leur historique."
            )
        else:
            bilan = (
                f"{pluriel(nombre, 'action ouverte', 'actions ouvertes')} de l'édition {precedente} "
                f"{'est close' if nombre < 2 else 'sont closes'} (abandonnée{'s' if nombre > 1 else ''}) "
                f"à la fin de l'édition ; {'elle reste' if nombre < 2 else 'elles restent'} dans son bilan."
            )
        await interaction.edit_original_response(view=None)
        await interaction.followup.send(f"✅ Renouvellement décidé par {interaction.user.mention} : {bilan}")


def vue_sort(renouvellement: Renouvellement, membre_id: int) -> discord.ui.View:
    """Les deux boutons du sort des actions ouvertes."""
    vue = discord.ui.View(timeout=None)
    assert renouvellement.nouvelle.id is not None
    edition_id = renouvellement.nouvelle.id
    vue.add_item(BoutonSort(edition_id, Sort.REPRENDRE, membre_id, nom_edition(renouvellement.nouvelle)))
    vue.add_item(BoutonSort(edition_id, Sort.CLORE, membre_id))
    return vue


@app_commands.guild_only()
class Protocole(
    commands.GroupCog,
    group_name="protocole",
    group_description="Le protocole : son édition, ses axes et objectifs, leur évolution",
):
    """L'édition du protocole et son évolution."""

    def __init__(self, bot: Passerelle) -> None:
        self.bot = bot
        super().__init__()

    async def _changer(
        self, interaction: discord.Interaction[Passerelle], regle: Callable[..., T], **valeurs: Any
    ) -> T:
        """Applique une règle réservée à la coordination, au nom de l'auteur de l'interaction."""
        guild_id, configuration, _ = await contexte(interaction)
        exiger_coordination(interaction, configuration.config.role_coordination_id)
        return await self.bot.base.ecrire(
            partial(
                regle,
                guild_id=guild_id,
                auteur_id=interaction.user.id,
                maintenant=self.bot.maintenant(),
                **valeurs,
            )
        )

    async def completer_objectif(
        self, interaction: discord.Interaction[Passerelle], saisie: str
    ) -> list[app_commands.Choice[str]]:
        """Propose les objectifs en vigueur de l'édition courante (pas les retirés)."""
        assert interaction.guild_id is not None
        objectifs = await self.bot.base.lire(partial(lister_objectifs, guild_id=interaction.guild_id))
        cle = normaliser(saisie)
        choix = []
        for objectif, numero_axe in objectifs:
            code = code_objectif(numero_axe, objectif.numero)
            if cle in normaliser(objectif.libelle) or saisie.strip() in code:
                choix.append(
                    app_commands.Choice(name=tronquer(f"{code} {objectif.libelle}", 100), value=code)
                )
        return choix[:LIMITE_CHOIX]

    @app_commands.command(
        name="voir", description="Montre l'édition du protocole : période, axes, objectifs, suivi"
    )
    @app_commands.describe(edition="Une édition passée, par ses années (par défaut : l'édition en vigueur)")
    @app_commands.autocomplete(edition=completer_edition)
    async def voir(
        self,
        interaction: discord.Interaction[Passerelle],
        edition: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        """Montre l'édition, ouverte à tous."""
        guild_id, configuration, _ = await contexte(interaction)
        vue = await self.bot.base.lire(partial(voir_protocole, guild_id=guild_id, edition=edition))
        partenaires = await self.bot.base.lire(partial(lister_partenaires, guild_id=guild_id))
        await repondre(
            interaction,
            embed=embed_protocole(vue, partenaires, configuration, self.bot.maintenant()),
            ephemere=True,
        )

    @app_commands.command(
        name="axe-ajouter", description="Ajoute un axe à l'édition en vigueur (coordination)"
    )
    @app_commands.describe(
        titre="Titre de l'axe, tel que le protocole l'énonce (200 caractères au plus)",
        titre_court="Titre court des listes et graphiques (60 caractères au plus ; par défaut : le titre)",
        numero="Numéro de l'axe (par défaut : le suivant)",
    )
    async def axe_ajouter(
        self,
        interaction: discord.Interaction[Passerelle],
        titre: app_commands.Range[str, 1, 400],
        titre_court: app_commands.Range[str, 1, 200] | None = None,
        numero: app_commands.Range[int, 1, 99] | None = None,
    ) -> None:
        """Ajoute un axe."""
        axe = await self._changer(
            interaction, ajouter_axe, titre=titre, titre_court=titre_court, numero=numero
        )
        await repondre(
            interaction,
            f"Axe **{texte_saisi(libelle_axe(axe.numero, axe.titre_court), 200)}** ajouté au protocole par "
            f"{interaction.user.mention}. Ajoutez-lui des objectifs avec /protocole objectif-ajouter.",
        )

    @app_commands.command(name="axe-modifier", description="Reformule le titre d'un axe (coordination)")
    @app_commands.describe(
        axe="Axe à reformuler",
        titre="Nouveau titre (200 caractères au plus)",
        titre_court="Nouveau titre court (60 caractères au plus)",
    )
    @app_commands.autocomplete(axe=completer_axe)
    async def axe_modifier(
        self,
        interaction: discord.Interaction[Passerelle],
        axe: int,
        titre: app_commands.Range[str, 1, 400] | None = None,
        titre_court: app_commands.Range[str, 1, 200] | None = None,
    ) -> None:
        """Reformule un axe."""
        modifie, changements = await self._changer(
            interaction, modifier_axe, numero=axe, titre=titre, titre_court=titre_court
        )
        if not changements:
            await repondre(interaction, "Rien n'a changé : l'axe porte déjà ce titre.", ephemere=True)
            return
        lignes = [
            f"{'Titre' if champ == 'titre' else 'Titre court'} : « {texte_saisi(ancien, 300)} » → "
            f"« {texte_saisi(nouveau, 300)} »"
            for champ, (ancien, nouveau) in changements.items()
        ]
        await repondre(
            interaction,
            f"Axe **{libelle_axe(modifie.numero, texte_saisi(modifie.titre_court, 60))}** reformulé par "
            f"{interaction.user.mention}.\n" + "\n".join(lignes),
        )

    @app_commands.command(name="objectif-ajouter", description="Ajoute un objectif à un axe (coordination)")
    @app_commands.describe(
        axe="Axe de l'objectif", libelle="L'objectif, en une phrase (300 caractères au plus)"
    )
    @app_commands.autocomplete(axe=completer_axe)
    async def objectif_ajouter(
        self,
        interaction: discord.Interaction[Passerelle],
        axe: int,
        libelle: app_commands.Range[str, 1, 400],
    ) -> None:
        """Ajoute un objectif."""
        objectif, de_l_axe = await self._changer(
            interaction, ajouter_objectif, axe_numero=axe, libelle=libelle
        )
        await repondre(
            interaction,
            f"Objectif **{code_objectif(de_l_axe.numero, objectif.numero)}** ajouté par "
            f"{interaction.user.mention} : {texte_saisi(objectif.libelle, 300)}",
        )

    @app_commands.command(name="objectif-modifier", description="Reformule un objectif (coordination)")
    @app_commands.describe(
        objectif="Objectif à reformuler (1.2…)", libelle="Nouveau libellé (300 caractères au plus)"
    )
    @app_commands.autocomplete(objectif=completer_objectif)
    async def objectif_modifier(
        self,
        interaction: discord.Interaction[Passerelle],
        objectif: app_commands.Range[str, 1, 20],
        libelle: app_commands.Range[str, 1, 400],
    ) -> None:
        """Reformule un objectif."""
        modifie, axe, ancien = await self._changer(
            interaction, modifier_objectif, code=objectif, libelle=libelle
        )
        await repondre(
            interaction,
            f"Objectif **{code_objectif(axe.numero, modifie.numero)}** reformulé par "
            f"{interaction.user.mention} :\n"
            f"« {texte_saisi(ancien, 300)} » → « {texte_saisi(modifie.libelle, 300)} »",
        )

    @app_commands.command(
        name="renouveler",
        description="Ouvre l'édition suivante du protocole, axes et objectifs recopiés (coordination)",
    )
    @app_commands.describe(
        titre="Titre de la nouvelle édition, par exemple « Protocole de collaboration 2027-2029 »",
        debut="Premier jour : 2027-01-01 ou 01/01/2027",
        fin="Dernier jour : 2029-12-31 ou 31/12/2029",
    )
    async def renouveler(
        self,
        interaction: discord.Interaction[Passerelle],
        titre: app_commands.Range[str, 1, 300],
        debut: app_commands.Range[str, 1, 40],
        fin: app_commands.Range[str, 1, 40],
    ) -> None:
        """Ouvre l'édition suivante ; des boutons décident du sort des actions ouvertes."""
        renouvellement: Renouvellement = await self._changer(
            interaction, renouveler, titre=titre, debut=debut, fin=fin
        )
        nouvelle, precedente = renouvellement.nouvelle, renouvellement.precedente
        texte = (
            f"📜 Édition **{texte_saisi(nouvelle.titre, 200)}** ouverte par {interaction.user.mention}, "
            f"du {format_jour(nouvelle.debut)} au {format_jour(nouvelle.fin)}. Ses axes et objectifs sont "
            f"ceux de l'édition {nom_edition(precedente)} (modifiables avec /protocole axe-modifier…). "
            f"L'édition {nom_edition(precedente)} ne reçoit plus de nouvelles actions.\n"
        )
        if renouvellement.indicateurs:
            seul = renouvellement.indicateurs == 1
            texte += (
                f"{pluriel(renouvellement.indicateurs, 'indicateur suit', 'indicateurs suivent')} "
                f"{'son' if seul else 'leur'} axe dans la nouvelle édition, avec "
                f"{'son numéro et toutes ses' if seul else 'leur numéro et toutes leurs'} mesures ; "
                f"l'édition {nom_edition(precedente)} {'le' if seul else 'les'} garde dans son bilan "
                f"(/indicateur liste edition:{nom_edition(precedente)}).\n"
            )
        if renouvellement.ouvertes:
            texte += (
                f"Il reste {pluriel(renouvellement.ouvertes, 'action ouverte', 'actions ouvertes')} "
                "dans l'édition "
                f"{nom_edition(precedente)} : les reprendre dans la nouvelle (historique gardé), "
                "ou les clore "
                f"à la fin de l'édition ? {interaction.user.mention} seul décide."
            )
            await repondre(interaction, texte, view=vue_sort(renouvellement, interaction.user.id))
            return
        assert nouvelle.id is not None
        await self.bot.base.ecrire(
            partial(
                decider,
                guild_id=nouvelle.guild_id,
                auteur_id=interaction.user.id,
                edition_id=nouvelle.id,
                sort=Sort.REPRENDRE,
                maintenant=self.bot.maintenant(),
            )
        )
        await repondre(interaction, texte + "Aucune action ouverte n'était à reprendre.")

    @app_commands.command(
        name="objectif-retirer",
        description="Retire un objectif : plus proposé, gardé sur ses actions (coordination)",
    )
    @app_commands.describe(objectif="Objectif à retirer (1.2…)")
    @app_commands.autocomplete(objectif=completer_objectif)
    async def objectif_retirer(
        self, interaction: discord.Interaction[Passerelle], objectif: app_commands.Range[str, 1, 20]
    ) -> None:
        """Retire un objectif."""
        retire, axe, actions = await self._changer(interaction, retirer_objectif, code=objectif)
        if actions == 0:
            suite = "Aucune action ne le citait ; il n'est plus proposé."
        elif actions == 1:
            suite = "L'action qui le cite le garde ; il n'est plus proposé."
        else:
            suite = f"Les {pluriel(actions, 'action')} qui le citent le gardent ; il n'est plus proposé."
        await repondre(
            interaction,
            f"Objectif **{code_objectif(axe.numero, retire.numero)}** retiré par {interaction.user.mention} "
            f"({texte_saisi(tronquer(retire.libelle, 120), 200)}). {suite}",
        )


async def setup(bot: Passerelle) -> None:
    """Charge le cog et ses boutons persistants."""
    await bot.add_cog(Protocole(bot))
    bot.add_dynamic_items(BoutonSort)
