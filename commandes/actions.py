"""`/action` : le registre des actions du protocole."""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any, TypeVar

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import escape_markdown

from bot.arbre import BoutonPersistant, repondre
from bot.client import Passerelle
from bot.importation import essayer
from commandes._affichage import (
    COULEUR_ORDINAIRE,
    COULEUR_RETARD,
    ajouter_champ,
    barre,
    horodatage,
    nouvel_embed,
    texte_saisi,
)
from commandes._completion import (
    AIDE_EDITION,
    completer_action,
    completer_axe,
    completer_edition,
    completer_partenaires,
    completer_ville_ou_toutes,
    contexte,
)
from commandes._droits import est_coordination, exiger_coordination
from commandes._importation import (
    DELAI_CONFIRMATION,
    BoutonImport,
    Proposition,
    embed_apercu,
    expirer,
    propositions,
    vue_confirmation,
)
from metier.actions.export import exporter_registre
from metier.actions.libelles import Changement, nom_ville_porteuse
from metier.actions.registre import (
    FicheAction,
    Filtres,
    PageActions,
    ResultatMiseAJour,
    archiver_action,
    changer_statut,
    creer_action,
    defaire_derniere_mise_a_jour,
    echeance_en_mots,
    fiche_action,
    lire_numero,
    lister_actions,
    lister_objectifs,
    mettre_a_jour_avancement,
    modifier_action,
)
from metier.editions import lire_edition, nom_edition
from metier.erreurs import ErreurMetier
from metier.formats import tronquer
from metier.importation.lecture import verifier_taille
from metier.protocole import chiffre_romain, code_objectif, libelle_axe
from metier.serveurs import Configuration
from metier.statuts import LIBELLES_STATUT, est_en_retard
from metier.temps import aujourd_hui, format_date_courte, normaliser
from modeles import Action, StatutAction
from modeles.actions import VILLE_TOUTES

T = TypeVar("T")
AIDE_DATE_DU_FAIT = "Date du fait s'il n'a pas eu lieu aujourd'hui : 15/06/2026, 15 juin (depuis 2024)"
CHOIX_STATUTS = [app_commands.Choice(name=LIBELLES_STATUT[s], value=s.value) for s in StatutAction]


def ligne_action(action: Action, axe_numero: int, jour: date) -> str:
    """Une ligne de liste : numéro, titre, avancement, statut, échéance, responsable."""
    retard = "🔴 " if est_en_retard(action.statut, action.echeance, jour) else ""
    mots = echeance_en_mots(action, jour) if action.echeance else None
    echeance = f" · {retard}{mots}" if mots else ""
    return (
        f"**#{action.numero}** {texte_saisi(action.titre, 90)}\n"
        f"\u2003{chiffre_romain(axe_numero)} · {action.avancement}\u00a0% · "
        f"{LIBELLES_STATUT[StatutAction(action.statut)]}{echeance} · <@{action.responsable_id}>"
    )


# --- Boutons persistants : ils continuent de fonctionner après un redémarrage ---------------------


def coder_filtres(filtres: Filtres) -> str:
    """Filtres → texte court pour un custom_id (« 1.namur.en_cours.123.1 »)."""
    return ".".join(
        [
            str(filtres.axe or ""),
            filtres.ville or "",
            filtres.statut.value if filtres.statut else "",
            str(filtres.responsable_id or ""),
            "1" if filtres.en_retard else "",
            filtres.edition or "",  # « 2024-2026 » : déjà résolue, sans « . » ni « : »
        ]
    )


def decoder_filtres(code: str) -> Filtres:
    """Texte d'un custom_id → filtres."""
    axe, ville, statut, responsable, retard, edition = (code.split(".") + [""] * 6)[:6]
    return Filtres(
        axe=int(axe) if axe else None,
        ville=ville or None,
        statut=StatutAction(statut) if statut else None,
        responsable_id=int(responsable) if responsable else None,
        en_retard=retard == "1",
        edition=edition or None,
    )


class BoutonPage(
    BoutonPersistant,
    template=r"act:page:(?P<membre>\d+):(?P<page>\d+):(?P<filtres>[^:]*)",
):
    """Bouton ◀ / ▶ de /action liste, réservé à qui a demandé la liste."""

    def __init__(
        self, membre_id: int, page: int, filtres: str, *, libelle: str = "▶", actif: bool = True
    ) -> None:
        self.membre_id, self.page, self.filtres = membre_id, page, filtres
        super().__init__(
            discord.ui.Button(
                label=libelle,
                style=discord.ButtonStyle.secondary,
                custom_id=f"act:page:{membre_id}:{page}:{filtres}"[:100],
                disabled=not actif,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> BoutonPage:
        """Recrée le bouton à partir de son identifiant (après un redémarrage aussi)."""
        libelle = getattr(item, "label", None) or "▶"
        return cls(int(match["membre"]), int(match["page"]), match["filtres"], libelle=libelle)

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        """Seule la personne qui a demandé la liste peut la feuilleter."""
        if interaction.user.id == self.membre_id:
            return True
        await interaction.response.send_message(
            "Ces boutons sont réservés à la personne qui a demandé la liste : "
            "lancez votre propre /action liste.",
            ephemeral=True,
        )
        return False

    async def agir(self, interaction: discord.Interaction[Any]) -> None:
        """Affiche la page demandée à la place de l'ancienne."""
        bot: Passerelle = interaction.client
        assert interaction.guild_id is not None
        configuration = await bot.configuration(interaction.guild_id)
        page = await bot.base.lire(
            partial(
                lister_actions,
                guild_id=interaction.guild_id,
                maintenant=bot.maintenant(),
                filtres=decoder_filtres(self.filtres),
                page=self.page,
            )
        )
        embed, vue = embed_liste(page, configuration, self.membre_id, self.filtres)
        await interaction.response.edit_message(embed=embed, view=vue)


class BoutonTerminer(BoutonPersistant, template=r"act:fin:(?P<numero>\d+):(?P<membre>\d+)"):
    """Bouton « Marquer comme terminée », proposé quand une action atteint 100 %."""

    def __init__(self, numero: int, membre_id: int) -> None:
        self.numero, self.membre_id = numero, membre_id
        super().__init__(
            discord.ui.Button(
                label="Marquer comme terminée",
                style=discord.ButtonStyle.success,
                custom_id=f"act:fin:{numero}:{membre_id}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> BoutonTerminer:
        """Recrée le bouton à partir de son identifiant."""
        return cls(int(match["numero"]), int(match["membre"]))

    async def agir(self, interaction: discord.Interaction[Any]) -> None:
        """Passe l'action au statut « terminée » (mêmes droits que /action statut)."""
        bot: Passerelle = interaction.client
        assert interaction.guild_id is not None
        configuration = await bot.configuration(interaction.guild_id)
        resultat = await bot.base.ecrire(
            partial(
                changer_statut,
                guild_id=interaction.guild_id,
                numero=self.numero,
                auteur_id=interaction.user.id,
                est_coordination=est_coordination(
                    interaction.user, configuration.config.role_coordination_id
                ),
                statut=StatutAction.TERMINEE,
                maintenant=bot.maintenant(),
            )
        )
        await interaction.response.edit_message(view=None)
        await interaction.followup.send(
            f"🎉 L'action **#{self.numero}** {texte_saisi(resultat.action.titre, 200)} est terminée "
            f"(par {interaction.user.mention})."
        )


def embed_liste(
    page: PageActions, configuration: Configuration, membre_id: int, filtres: str
) -> tuple[discord.Embed, discord.ui.View | None]:
    """Embed d'une page de la liste, et ses boutons de navigation."""
    if page.total == 0:
        return nouvel_embed(
            "Actions", "Aucune action ne correspond. Ajoutez-en avec `/action ajouter`."
        ), None
    lignes = [ligne_action(action, axe, page.jour) for action, axe in page.actions]
    titre = f"Actions — {page.total} au total, page {page.page + 1}/{page.pages}"
    embed = nouvel_embed(titre, "\n".join(lignes))
    embed.set_footer(
        text="🔴 en retard · classées par retard puis par échéance ; terminées et abandonnées en dernier"
    )
    if page.pages == 1:
        return embed, None
    vue = discord.ui.View(timeout=None)
    # Deux boutons d'un message ne peuvent pas partager un custom_id : les cibles restent distinctes.
    precedente, suivante = max(page.page - 1, 0), min(page.page + 1, page.pages - 1)
    vue.add_item(BoutonPage(membre_id, precedente, filtres, libelle="◀ Précédente", actif=page.page > 0))
    derniere = page.page == page.pages - 1
    vue.add_item(BoutonPage(membre_id, suivante, filtres, libelle="Suivante ▶", actif=not derniere))
    return embed, vue


def embed_fiche(fiche: FicheAction, configuration: Configuration, jour: date) -> discord.Embed:
    """Embed complet d'une action, avec son historique récent."""
    action = fiche.action
    embed = nouvel_embed(
        f"#{action.numero} — {escape_markdown(action.titre)}",
        texte_saisi(action.description, 1500) if action.description else None,
        couleur=COULEUR_RETARD if est_en_retard(action.statut, action.echeance, jour) else COULEUR_ORDINAIRE,
    )
    axe = fiche.axe
    ajouter_champ(embed, "Axe", libelle_axe(axe.numero, axe.titre_court), en_ligne=True)
    if fiche.objectif:
        ajouter_champ(
            embed,
            "Objectif",
            f"{code_objectif(axe.numero, fiche.objectif.numero)} — {fiche.objectif.libelle}",
        )
    ajouter_champ(
        embed, "Ville porteuse", nom_ville_porteuse(configuration.villes, action.ville), en_ligne=True
    )
    ajouter_champ(embed, "Responsable", f"<@{action.responsable_id}>", en_ligne=True)
    ajouter_champ(embed, "Statut", LIBELLES_STATUT[StatutAction(action.statut)], en_ligne=True)
    ajouter_champ(embed, "Avancement", barre(action.avancement), en_ligne=True)
    mots = echeance_en_mots(action, jour)
    echeance = "sans échéance" if action.echeance is None else format_date_courte(action.echeance)
    if action.echeance is not None and mots:
        echeance += f" ({mots})"
    ajouter_champ(embed, "Échéance", echeance, en_ligne=True)
    if action.partenaires:
        ajouter_champ(embed, "Partenaires", texte_saisi(action.partenaires, 300))
    if fiche.reprise_de:
        ajouter_champ(embed, "Édition", f"Reprise de l'édition {fiche.reprise_de}")
    historique = [
        f"{horodatage(maj.quand, 'd')} <@{maj.auteur_id}> : "
        + " · ".join(
            filter(
                None,
                [
                    f"{maj.avancement}\u00a0%" if maj.avancement is not None else None,
                    LIBELLES_STATUT.get(StatutAction(maj.statut)) if maj.statut else None,
                    f"« {texte_saisi(maj.note, 150)} »" if maj.note else None,
                ],
            )
        )
        for maj in fiche.historique
    ]
    autres = fiche.nombre_mises_a_jour - len(fiche.historique)
    if autres > 0:
        historique.append(f"… et {autres} mise(s) à jour plus ancienne(s)")
    ajouter_champ(embed, "Historique récent", "\n".join(historique) or "—")
    embed.set_footer(
        text=f"Créée le {format_date_courte(aujourd_hui(action.cree_le, configuration.reference))}"
    )
    return embed


def dire_changement(changement: Changement) -> str:
    """« échéance : 15 déc. 2026 → **31 janv. 2027** » ; un texte saisi est montré sans Markdown actif."""

    def montrer(texte: str) -> str:
        return texte_saisi(texte, 200) if changement.saisi else texte

    apres = f"**{montrer(changement.apres)}**"
    if changement.avant is None:
        return f"{changement.libelle} : {apres}"
    return f"{changement.libelle} : {montrer(changement.avant)} → {apres}"


def annonce(resultat: ResultatMiseAJour, membre: discord.abc.User) -> str:
    """Phrase qui annonce ce qu'une mise à jour a changé."""
    action = resultat.action
    morceaux = [dire_changement(c) for c in resultat.en_mots]
    detail = ", ".join(morceaux) if morceaux else "rien à changer : l'action a déjà ces valeurs"
    return f"**#{action.numero}** {texte_saisi(action.titre, 200)} — {detail} (par {membre.mention})."


@app_commands.guild_only()
class Actions(commands.GroupCog, group_name="action", group_description="Les actions du protocole"):
    """Registre des actions."""

    def __init__(self, bot: Passerelle) -> None:
        self.bot = bot
        super().__init__()

    async def _sur_action(
        self,
        interaction: discord.Interaction[Passerelle],
        regle: Callable[..., T],
        action: str,
        **valeurs: Any,
    ) -> T:
        """Applique une règle de modification à l'action désignée, au nom de l'auteur de l'interaction."""
        guild_id, _, coordination = await contexte(interaction)
        return await self.bot.base.ecrire(
            partial(
                regle,
                guild_id=guild_id,
                numero=lire_numero(action),
                auteur_id=interaction.user.id,
                est_coordination=coordination,
                maintenant=self.bot.maintenant(),
                **valeurs,
            )
        )

    # --- Autocomplétion ---------------------------------------------------------------------------

    async def completer_objectif(
        self, interaction: discord.Interaction[Passerelle], saisie: str
    ) -> list[app_commands.Choice[str]]:
        """Propose les objectifs de l'axe choisi (ou de tous les axes)."""
        assert interaction.guild_id is not None
        axe = getattr(interaction.namespace, "axe", None)
        objectifs = await self.bot.base.lire(
            partial(
                lister_objectifs, guild_id=interaction.guild_id, axe=axe if isinstance(axe, int) else None
            )
        )
        cle = normaliser(saisie)
        return [
            app_commands.Choice(
                name=tronquer(f"{n_axe}.{o.numero} {o.libelle}", 100), value=f"{n_axe}.{o.numero}"
            )
            for o, n_axe in objectifs
            if cle in normaliser(o.libelle) or saisie.strip() in f"{n_axe}.{o.numero}"
        ][:25]

    @app_commands.command(name="ajouter", description="Ajoute une action au registre du protocole")
    @app_commands.describe(
        titre="Titre court de l'action (200 caractères au plus)",
        axe="Axe du protocole auquel l'action se rattache",
        objectif="Objectif de cet axe (facultatif)",
        ville="Ville porteuse : une ville partenaire, ou toutes (par défaut)",
        responsable="Membre responsable (par défaut : vous)",
        echeance="Date d'échéance : 2027-03-31, 31/03/2027 ou 31 mars 2027",
        description="Description (1000 caractères au plus)",
        partenaires="Partenaires du registre, séparés par des virgules : UNamur, UQTR, BEP, CCIM",
        debut="Date où l'action a commencé, si ce n'est pas aujourd'hui (depuis le 1er janvier 2024)",
    )
    @app_commands.autocomplete(axe=completer_axe)
    @app_commands.autocomplete(objectif=completer_objectif, ville=completer_ville_ou_toutes)
    @app_commands.autocomplete(partenaires=completer_partenaires)
    async def ajouter(
        self,
        interaction: discord.Interaction[Passerelle],
        titre: app_commands.Range[str, 1, 200],
        axe: int,
        objectif: str | None = None,
        ville: str | None = None,
        responsable: discord.Member | None = None,
        echeance: str | None = None,
        description: app_commands.Range[str, 1, 1000] | None = None,
        partenaires: app_commands.Range[str, 1, 300] | None = None,
        debut: app_commands.Range[str, 1, 40] | None = None,
    ) -> None:
        """Crée une action."""
        guild_id, configuration, _ = await contexte(interaction)
        if responsable is not None and responsable.bot:
            raise ErreurMetier("Un bot ne peut pas être responsable d'une action : choisissez un membre.")
        action = await self.bot.base.ecrire(
            partial(
                creer_action,
                guild_id=guild_id,
                auteur_id=interaction.user.id,
                titre=titre,
                axe_numero=axe,
                objectif=objectif,
                ville=ville,
                responsable_id=responsable.id if responsable else None,
                echeance=echeance,
                description=description,
                partenaires=partenaires,
                debut=debut,
                maintenant=self.bot.maintenant(),
            )
        )
        fiche = await self.bot.base.lire(partial(fiche_action, guild_id=guild_id, numero=action.numero))
        jour = aujourd_hui(self.bot.maintenant(), configuration.reference)
        await repondre(
            interaction,
            f"Action **#{action.numero}** ajoutée par {interaction.user.mention}.",
            embed=embed_fiche(fiche, configuration, jour),
        )

    @app_commands.command(name="avancement", description="Met à jour l'avancement d'une action")
    @app_commands.describe(
        action="Numéro ou titre de l'action",
        pourcentage="Avancement de 0 à 100 %",
        note="Ce qui a été fait (facultatif, 1000 caractères au plus)",
        date=AIDE_DATE_DU_FAIT,
    )
    @app_commands.autocomplete(action=completer_action)
    async def avancement(
        self,
        interaction: discord.Interaction[Passerelle],
        action: str,
        pourcentage: app_commands.Range[int, 0, 100],
        note: app_commands.Range[str, 1, 1000] | None = None,
        date: app_commands.Range[str, 1, 40] | None = None,
    ) -> None:
        """Enregistre un avancement."""
        resultat = await self._sur_action(
            interaction,
            mettre_a_jour_avancement,
            action,
            pourcentage=pourcentage,
            note=note,
            date=date,
        )
        message = annonce(resultat, interaction.user)
        if resultat.proposer_terminer:
            vue = discord.ui.View(timeout=None)
            vue.add_item(BoutonTerminer(resultat.action.numero, interaction.user.id))
            await repondre(interaction, message + "\n100\u00a0% : l'action est-elle terminée ?", view=vue)
        else:
            await repondre(interaction, message)

    @app_commands.command(
        name="defaire",
        description="Défait la dernière mise à jour d'une action (son auteur ou la coordination, 7 jours)",
    )
    @app_commands.describe(action="Numéro ou titre de l'action dont la dernière mise à jour est à défaire")
    @app_commands.autocomplete(action=completer_action)
    async def defaire(self, interaction: discord.Interaction[Passerelle], action: str) -> None:
        """Défait la dernière mise à jour ; le journal en garde la trace."""
        resultat = await self._sur_action(interaction, defaire_derniere_mise_a_jour, action)
        detail = ", ".join(dire_changement(c) for c in resultat.en_mots) or "l'action garde ses valeurs"
        await repondre(
            interaction,
            f"↩️ **#{resultat.action.numero}** {texte_saisi(resultat.action.titre, 200)} — dernière mise "
            f"à jour défaite : {detail} (par {interaction.user.mention}). Le journal en garde la trace.",
        )

    @app_commands.command(name="statut", description="Change le statut d'une action")
    @app_commands.describe(
        action="Numéro ou titre de l'action",
        statut="Nouveau statut",
        note="Pourquoi ce changement (facultatif)",
        date=AIDE_DATE_DU_FAIT,
    )
    @app_commands.choices(statut=CHOIX_STATUTS)
    @app_commands.autocomplete(action=completer_action)
    async def statut(
        self,
        interaction: discord.Interaction[Passerelle],
        action: str,
        statut: app_commands.Choice[str],
        note: app_commands.Range[str, 1, 1000] | None = None,
        date: app_commands.Range[str, 1, 40] | None = None,
    ) -> None:
        """Change le statut."""
        resultat = await self._sur_action(
            interaction,
            changer_statut,
            action,
            statut=statut.value,
            note=note,
            date=date,
        )
        await repondre(interaction, annonce(resultat, interaction.user))

    @app_commands.command(name="modifier", description="Modifie les champs d'une action")
    @app_commands.describe(
        action="Numéro ou titre de l'action",
        titre="Nouveau titre",
        axe="Nouvel axe",
        objectif="Nouvel objectif (de l'axe de l'action)",
        ville="Nouvelle ville porteuse",
        responsable="Nouveau responsable",
        echeance="Nouvelle échéance : 2027-03-31, 31/03/2027…",
        description="Nouvelle description",
        partenaires="Nouveaux partenaires du registre, séparés par des virgules (remplacent les actuels)",
    )
    @app_commands.autocomplete(axe=completer_axe)
    @app_commands.autocomplete(
        action=completer_action, objectif=completer_objectif, ville=completer_ville_ou_toutes
    )
    @app_commands.autocomplete(partenaires=completer_partenaires)
    async def modifier(
        self,
        interaction: discord.Interaction[Passerelle],
        action: str,
        titre: app_commands.Range[str, 1, 200] | None = None,
        axe: int | None = None,
        objectif: str | None = None,
        ville: str | None = None,
        responsable: discord.Member | None = None,
        echeance: str | None = None,
        description: app_commands.Range[str, 1, 1000] | None = None,
        partenaires: app_commands.Range[str, 1, 300] | None = None,
    ) -> None:
        """Modifie une action."""
        resultat = await self._sur_action(
            interaction,
            modifier_action,
            action,
            titre=titre,
            axe_numero=axe,
            objectif=objectif,
            ville=ville,
            responsable_id=responsable.id if responsable else None,
            echeance=echeance,
            description=description,
            partenaires=partenaires,
        )
        await repondre(interaction, annonce(resultat, interaction.user))

    @app_commands.command(name="voir", description="Affiche une action, son avancement et son historique")
    @app_commands.describe(action="Numéro ou titre de l'action")
    @app_commands.autocomplete(action=completer_action)
    async def voir(self, interaction: discord.Interaction[Passerelle], action: str) -> None:
        """Montre la fiche d'une action."""
        guild_id, configuration, _ = await contexte(interaction)
        fiche = await self.bot.base.lire(partial(fiche_action, guild_id=guild_id, numero=lire_numero(action)))
        jour = aujourd_hui(self.bot.maintenant(), configuration.reference)
        await repondre(interaction, embed=embed_fiche(fiche, configuration, jour))

    @app_commands.command(name="liste", description="Liste les actions, filtrées et paginées")
    @app_commands.describe(
        axe="Seulement cet axe",
        ville="Seulement les actions portées par cette ville",
        statut="Seulement ce statut",
        responsable="Seulement les actions de ce membre",
        en_retard="Seulement les actions en retard",
        edition=AIDE_EDITION,
    )
    @app_commands.choices(statut=CHOIX_STATUTS)
    @app_commands.autocomplete(axe=completer_axe)
    @app_commands.autocomplete(ville=completer_ville_ou_toutes, edition=completer_edition)
    async def liste(
        self,
        interaction: discord.Interaction[Passerelle],
        axe: int | None = None,
        ville: str | None = None,
        statut: app_commands.Choice[str] | None = None,
        responsable: discord.Member | None = None,
        en_retard: bool = False,
        edition: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        """Liste les actions."""
        guild_id, configuration, _ = await contexte(interaction)
        if edition is not None:
            choisie = await self.bot.base.lire(partial(lire_edition, guild_id=guild_id, saisie=edition))
            edition = nom_edition(choisie)
        filtres = Filtres(
            axe=axe,
            ville=configuration.ville(ville).code if ville and ville != VILLE_TOUTES else ville,
            statut=StatutAction(statut.value) if statut else None,
            responsable_id=responsable.id if responsable else None,
            en_retard=en_retard,
            edition=edition,
        )
        page = await self.bot.base.lire(
            partial(lister_actions, guild_id=guild_id, maintenant=self.bot.maintenant(), filtres=filtres)
        )
        embed, vue = embed_liste(page, configuration, interaction.user.id, coder_filtres(filtres))
        if vue is None:
            await repondre(interaction, embed=embed)
        else:
            await repondre(interaction, embed=embed, view=vue)

    @app_commands.command(
        name="archiver", description="Archive une action (masquée des listes, jamais supprimée)"
    )
    @app_commands.describe(action="Numéro ou titre de l'action à archiver")
    @app_commands.autocomplete(action=completer_action)
    async def archiver(self, interaction: discord.Interaction[Passerelle], action: str) -> None:
        """Archive une action."""
        archivee = await self._sur_action(interaction, archiver_action, action)
        await repondre(
            interaction,
            f"Action **#{archivee.numero}** {texte_saisi(archivee.titre, 200)} archivée : "
            "elle n'apparaît plus dans les listes ni les graphiques, mais reste dans l'export et le journal.",
        )

    @app_commands.command(name="exporter", description="Exporte les actions et les mesures en CSV (tableur)")
    async def exporter(self, interaction: discord.Interaction[Passerelle]) -> None:
        """Joint les CSV des actions et des mesures d'indicateurs."""
        guild_id, configuration, _ = await contexte(interaction)
        await interaction.response.defer(thinking=True)
        actions, mesures = await self.bot.base.lire(partial(exporter_registre, guild_id=guild_id))
        jour = aujourd_hui(self.bot.maintenant(), configuration.reference).isoformat()
        await interaction.followup.send(
            "Export du registre (UTF-8, séparateur « ; », s'ouvre directement dans un tableur) :",
            files=[
                discord.File(io.BytesIO(actions), filename=f"actions-{jour}.csv"),
                discord.File(io.BytesIO(mesures), filename=f"mesures-indicateurs-{jour}.csv"),
            ],
        )

    @app_commands.command(
        name="importer",
        description="Importe un registre (CSV ou .xlsx) : essai à blanc puis confirmation (coordination)",
    )
    @app_commands.describe(
        fichier="Actions (colonnes de /action exporter), ou classeur .xlsx avec ses feuilles ; 8 Mo au plus",
        historique="Historique daté (N°, Date, Avancement (%), Statut, Note), en CSV ou .xlsx",
        mesures="Mesures d'indicateurs (N° indicateur, Date, Valeur, Note), en CSV ou .xlsx",
        reunions="Réunions tenues (Date, Heure, Ville de l'heure, Titre, Durée (min), Présents), CSV, .xlsx",
    )
    async def importer(
        self,
        interaction: discord.Interaction[Passerelle],
        fichier: discord.Attachment,
        historique: discord.Attachment | None = None,
        mesures: discord.Attachment | None = None,
        reunions: discord.Attachment | None = None,
    ) -> None:
        """Montre ce que l'import ferait, avec « Importer » / « Annuler » pour qui l'a lancé."""
        guild_id, configuration, _ = await contexte(interaction)
        exiger_coordination(interaction, configuration.config.role_coordination_id)
        pieces = [piece for piece in (fichier, historique, mesures, reunions) if piece is not None]
        for piece in pieces:
            verifier_taille(piece.filename, piece.size)  # avant de télécharger quoi que ce soit
        await interaction.response.defer(ephemeral=True, thinking=True)
        fichiers = [(piece.filename, await piece.read()) for piece in pieces]
        maintenant = self.bot.maintenant()
        # Lecture et vérification de milliers de lignes : dans l'atelier, hors du processus du bot.
        apercu = await self.bot.atelier.executer(
            essayer, self.bot.base.url, guild_id=guild_id, fichiers=fichiers, maintenant=maintenant
        )
        embed = embed_apercu(apercu)
        if apercu.erreurs or apercu.vide:
            await interaction.edit_original_response(embed=embed)
            return
        proposition = Proposition(
            interaction.user.id, guild_id, fichiers, maintenant + DELAI_CONFIRMATION, interaction
        )
        jeton = propositions(self.bot).proposer(proposition)
        await interaction.edit_original_response(
            embed=embed, view=vue_confirmation(interaction.user.id, jeton)
        )
        tache = asyncio.get_running_loop().create_task(expirer(self.bot, jeton))
        _taches.add(tache)
        tache.add_done_callback(_taches.discard)


_taches: set[asyncio.Task[None]] = set()  # garde une référence aux échéances des propositions d'import


async def setup(bot: Passerelle) -> None:
    """Charge le cog et ses boutons persistants."""
    bot.add_dynamic_items(BoutonPage, BoutonTerminer, BoutonImport)
    await bot.add_cog(Actions(bot))
