"""Affichage partagé par les cogs : limites des embeds, textes saisis, horodatages Discord."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import discord
from discord.utils import escape_markdown, escape_mentions

from bot.limites import (
    LIMITE_CHAMPS,
    LIMITE_DESCRIPTION,
    LIMITE_NOM_CHAMP,
    LIMITE_TITRE,
    LIMITE_TOTAL,
    LIMITE_VALEUR_CHAMP,
)
from metier.formats import arrondi, pluriel, tronquer
from rendu.couleurs import BLEU_PASSERELLE, GRIS_ANNULE, ROUGE_RETARD, en_entier

# Les couleurs des embeds : celles des graphiques et du rapport (rendu.couleurs).
COULEUR_ORDINAIRE = en_entier(BLEU_PASSERELLE)
COULEUR_RETARD = en_entier(ROUGE_RETARD)
COULEUR_ANNULEE = en_entier(GRIS_ANNULE)


def horodatage(instant: datetime, style: str = "F") -> str:
    """Horodatage Discord, que chacun voit dans son propre fuseau : `<t:…:F>`."""
    return f"<t:{int(instant.timestamp())}:{style}>"


def nouvel_embed(
    titre: str, description: str | None = None, *, couleur: int = COULEUR_ORDINAIRE
) -> discord.Embed:
    """Crée un embed dont le titre et la description respectent les limites."""
    return discord.Embed(
        title=tronquer(titre, LIMITE_TITRE),
        description=tronquer(description, LIMITE_DESCRIPTION) if description else None,
        colour=couleur,
    )


def ajouter_champ(embed: discord.Embed, nom: str, valeur: str, *, en_ligne: bool = False) -> bool:
    """Ajoute un champ s'il reste de la place (25 champs, 6 000 caractères) ; rend vrai s'il a été ajouté."""
    nom, valeur = tronquer(nom, LIMITE_NOM_CHAMP), tronquer(valeur or "—", LIMITE_VALEUR_CHAMP)
    if len(embed.fields) >= LIMITE_CHAMPS or len(embed) + len(nom) + len(valeur) > LIMITE_TOTAL:
        return False
    embed.add_field(name=nom, value=valeur, inline=en_ligne)
    return True


MENTION_RETARD = "⏰ Publié en retard : le bot était indisponible à l'heure prévue."


def texte_saisi(texte: str, limite: int) -> str:
    """Texte saisi par un membre, affiché tel quel : Markdown et mentions neutralisés, longueur bornée."""
    return tronquer(escape_mentions(escape_markdown(texte)), limite)


def barre(pourcentage: int) -> str:
    """« ▰▰▰▱▱▱▱▱▱▱ 30 % »."""
    pleins = arrondi(pourcentage / 10)
    return f"{'▰' * pleins}{'▱' * (10 - pleins)} {pourcentage}\u00a0%"


def joindre(lignes: Sequence[str], limite: int, *, autres: int = 0, renvoi: str | None = None) -> str:
    """Joint les lignes dans `limite` caractères ; compte ce qui ne tient pas (« … et 37 autres »).

    `autres` : lignes déjà laissées de côté par l'appelant ; `renvoi` : où les voir (« voir /action liste »).
    """

    def suite(nombre: int) -> str:
        return f"… et {pluriel(nombre, 'autre')}" + (f" — voir {renvoi}" if renvoi else "")

    gardees: list[str] = []
    longueur = -1  # pas de saut de ligne avant la première
    for rang, ligne in enumerate(lignes):
        restantes = autres + len(lignes) - rang - 1
        place = limite - longueur - 1 - (len(suite(restantes)) + 1 if restantes else 0)
        if len(ligne) > place:
            if not gardees:  # une première ligne trop longue est coupée plutôt que perdue
                gardees.append(tronquer(ligne, max(place, 1)))
            break
        gardees.append(ligne)
        longueur += 1 + len(ligne)
    if coupees := autres + len(lignes) - len(gardees):
        gardees.append(suite(coupees))
    return tronquer("\n".join(gardees), limite)
