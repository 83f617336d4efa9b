"""Autocomplétions partagées (≤ 25 choix, sans égard aux accents) et contexte d'une interaction."""

from __future__ import annotations

from functools import partial

import discord
from discord import app_commands

from bot.client import Passerelle
from bot.limites import LIMITE_VALEUR_CHOIX
from commandes._droits import est_coordination
from metier.actions.registre import lister_axes, rechercher_actions
from metier.editions import lister_editions, nom_edition
from metier.formats import tronquer
from metier.partenaires import lister_partenaires
from metier.protocole import chiffre_romain, libelle_axe
from metier.serveurs import Configuration
from metier.temps import normaliser
from modeles import Partenaire
from modeles.actions import VILLE_TOUTES

LIMITE_CHOIX = 25  # Discord n'en accepte pas plus
# L'aide de l'option `edition`, la même partout où l'on peut regarder en arrière.
AIDE_EDITION = "Une édition du protocole, par ses années, ex. 2024-2026 (par défaut : l'édition en vigueur)"


async def contexte(interaction: discord.Interaction[Passerelle]) -> tuple[int, Configuration, bool]:
    """Le serveur, sa configuration, et si l'auteur fait partie de la coordination."""
    assert interaction.guild_id is not None
    configuration = await interaction.client.configuration(interaction.guild_id)
    coordination = est_coordination(interaction.user, configuration.config.role_coordination_id)
    return interaction.guild_id, configuration, coordination


async def completer_axe(
    interaction: discord.Interaction[Passerelle], saisie: str
) -> list[app_commands.Choice[int]]:
    """Propose les axes du protocole (par numéro, chiffre romain ou mots du titre)."""
    assert interaction.guild_id is not None
    axes = await interaction.client.base.lire(partial(lister_axes, guild_id=interaction.guild_id))
    cle = normaliser(saisie)
    return [
        app_commands.Choice(name=tronquer(libelle_axe(a.numero, a.titre), 100), value=a.numero)
        for a in axes
        if cle in normaliser(a.titre) or cle in str(a.numero) or cle == chiffre_romain(a.numero).lower()
    ][:LIMITE_CHOIX]


async def completer_action(
    interaction: discord.Interaction[Passerelle], saisie: str
) -> list[app_commands.Choice[str]]:
    """Propose les actions par numéro ou par mots du titre (les archivées exclues)."""
    assert interaction.guild_id is not None
    trouvees = await interaction.client.base.lire(
        partial(rechercher_actions, guild_id=interaction.guild_id, saisie=saisie[:100])
    )
    return [app_commands.Choice(name=tronquer(f"#{n} {t}", 100), value=str(n)) for n, t in trouvees]


async def completer_ville(
    interaction: discord.Interaction[Passerelle], saisie: str
) -> list[app_commands.Choice[str]]:
    """Propose les villes partenaires du serveur."""
    _, configuration, _ = await contexte(interaction)
    cle = normaliser(saisie)
    return [
        app_commands.Choice(name=v.nom, value=v.code)
        for v in configuration.villes
        if cle in normaliser(v.nom) or cle in v.code
    ][:LIMITE_CHOIX]


async def completer_ville_ou_toutes(
    interaction: discord.Interaction[Passerelle], saisie: str
) -> list[app_commands.Choice[str]]:
    """Propose les villes partenaires, et « toutes » pour une action conjointe."""
    choix = await completer_ville(interaction, saisie)
    if normaliser(saisie) in normaliser("Toutes les villes"):
        choix.append(app_commands.Choice(name="Toutes les villes (action conjointe)", value=VILLE_TOUTES))
    return choix[:LIMITE_CHOIX]


async def completer_edition(
    interaction: discord.Interaction[Passerelle], saisie: str
) -> list[app_commands.Choice[str]]:
    """Propose les éditions du protocole, de la plus récente à la plus ancienne."""
    assert interaction.guild_id is not None
    editions = await interaction.client.base.lire(partial(lister_editions, guild_id=interaction.guild_id))
    cle = normaliser(saisie)
    return [
        app_commands.Choice(name=tronquer(f"{nom_edition(e)} — {e.titre}", 100), value=nom_edition(e))
        for e in editions
        if cle in normaliser(e.titre) or cle in nom_edition(e)
    ][:LIMITE_CHOIX]


def _designe(partenaire: Partenaire, cle: str) -> bool:
    """Le nom contient la saisie, ou un mot du nom complet commence par elle (« uni » → Université…)."""
    mots = normaliser(partenaire.nom_complet or "").replace("'", " ").split()
    return cle in partenaire.recherche or any(mot.startswith(cle) for mot in mots)


async def completer_partenaire(
    interaction: discord.Interaction[Passerelle], saisie: str
) -> list[app_commands.Choice[str]]:
    """Propose les partenaires du registre (nom ou nom complet, sans égard aux accents)."""
    assert interaction.guild_id is not None
    partenaires = await interaction.client.base.lire(
        partial(lister_partenaires, guild_id=interaction.guild_id)
    )
    cle = normaliser(saisie)
    return [
        app_commands.Choice(
            name=tronquer(f"{p.nom} — {p.nom_complet}" if p.nom_complet else p.nom, 100), value=p.nom
        )
        for p in partenaires
        if _designe(p, cle)
    ][:LIMITE_CHOIX]


async def completer_partenaires(
    interaction: discord.Interaction[Passerelle], saisie: str
) -> list[app_commands.Choice[str]]:
    """Complète le dernier nom d'une liste « UNamur, BEP, U… » avec les partenaires du registre."""
    assert interaction.guild_id is not None
    debut, _, dernier = saisie.replace(";", ",").rpartition(",")
    deja = {normaliser(n) for n in debut.split(",") if n.strip()}
    prefixe = ", ".join(n.strip() for n in debut.split(",") if n.strip())
    partenaires = await interaction.client.base.lire(
        partial(lister_partenaires, guild_id=interaction.guild_id)
    )
    cle = normaliser(dernier)
    choix = []
    for p in partenaires:
        if p.recherche in deja or not _designe(p, cle):
            continue
        valeur = f"{prefixe}, {p.nom}" if prefixe else p.nom
        if len(valeur) <= LIMITE_VALEUR_CHOIX:  # au-delà, Discord refuse le choix ; la saisie reste libre
            choix.append(app_commands.Choice(name=tronquer(valeur, 100), value=valeur))
    return choix[:LIMITE_CHOIX]
