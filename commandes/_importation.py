"""`/action importer` : l'aperçu d'un import, et ses boutons « Importer » / « Annuler » qui expirent.

Les fichiers attendent la confirmation dans la mémoire du bot, 10 minutes au plus, sous un jeton que
portent les boutons ; un clic après ce délai, après un redémarrage, ou d'une autre personne que celle
qui a lancé l'import, reçoit un refus en privé et n'écrit rien.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final
from weakref import WeakKeyDictionary

import discord

from bot.arbre import BoutonPersistant
from bot.client import Passerelle
from bot.importation import appliquer
from bot.limites import LIMITE_DESCRIPTION, LIMITE_VALEUR_CHAMP
from commandes._affichage import (
    COULEUR_ORDINAIRE,
    COULEUR_RETARD,
    ajouter_champ,
    joindre,
    nouvel_embed,
    texte_saisi,
)
from metier.erreurs import ErreurMetier, RefusDroits
from metier.formats import pluriel
from metier.importation.plan import Apercu, Signalement

log = logging.getLogger(__name__)

DELAI_CONFIRMATION: Final = timedelta(minutes=10)
SIGNALEMENTS_MONTRES: Final = 15


@dataclass(frozen=True)
class Proposition:
    """Un import vérifié, qui attend « Importer » de la personne qui l'a lancé."""

    membre_id: int
    guild_id: int
    fichiers: list[tuple[str, bytes]]
    expire_le: datetime
    interaction: discord.Interaction[Passerelle]


class Propositions:
    """Les imports en attente de confirmation d'un bot, par jeton."""

    def __init__(self) -> None:
        self._en_attente: dict[str, Proposition] = {}

    def proposer(self, proposition: Proposition) -> str:
        """Garde la proposition ; rend son jeton. Les propositions expirées sont oubliées au passage."""
        instant = proposition.expire_le - DELAI_CONFIRMATION
        for jeton in [j for j, p in self._en_attente.items() if p.expire_le <= instant]:
            del self._en_attente[jeton]
        jeton = secrets.token_urlsafe(12)
        self._en_attente[jeton] = proposition
        return jeton

    def oublier(self, jeton: str) -> Proposition | None:
        """Retire la proposition, valable ou non ; rend-la si elle attendait encore."""
        return self._en_attente.pop(jeton, None)

    def reprendre(self, jeton: str, maintenant: datetime) -> Proposition | None:
        """Retire et rend la proposition si elle est encore valable (un seul usage)."""
        proposition = self._en_attente.pop(jeton, None)
        if proposition is None or maintenant >= proposition.expire_le:
            return None
        return proposition


_PROPOSITIONS: WeakKeyDictionary[discord.Client, Propositions] = WeakKeyDictionary()


def propositions(bot: discord.Client) -> Propositions:
    """Les propositions en attente de ce bot (perdues à son redémarrage : les boutons expirent alors)."""
    return _PROPOSITIONS.setdefault(bot, Propositions())


def _lignes(signalements: tuple[Signalement, ...], limite: int) -> str:
    lignes = [f"• {texte_saisi(str(s), 300)}" for s in signalements[:SIGNALEMENTS_MONTRES]]
    return joindre(lignes, limite, autres=max(0, len(signalements) - SIGNALEMENTS_MONTRES))


def embed_apercu(apercu: Apercu, *, applique: bool = False) -> discord.Embed:
    """L'essai à blanc (ou le bilan) d'un import : comptes, premières erreurs et avertissements."""
    fichiers = f"Fichiers : {', '.join(texte_saisi(nom, 100) for nom in apercu.fichiers)}"
    if apercu.erreurs:  # la description a la place de les dire (4 096 caractères, contre 1 024 un champ)
        entete = f"{fichiers}\n\n**{pluriel(len(apercu.erreurs), 'erreur')}** — rien ne sera écrit :\n"
        fichiers = entete + _lignes(apercu.erreurs, LIMITE_DESCRIPTION - len(entete))
    titre = "Import terminé" if applique else "Import — essai à blanc"
    embed = nouvel_embed(titre, fichiers, couleur=COULEUR_RETARD if apercu.erreurs else COULEUR_ORDINAIRE)
    verbes = ("créées", "modifiées") if applique else ("à créer", "à modifier")
    ajouter_champ(embed, f"Actions {verbes[0]}", str(apercu.creations), en_ligne=True)
    ajouter_champ(embed, f"Actions {verbes[1]}", str(apercu.modifications), en_ligne=True)
    ajouter_champ(embed, "Inchangées", str(apercu.inchangees), en_ligne=True)
    ajouter_champ(embed, "Faits datés", f"{apercu.faits} (déjà là : {apercu.faits_inchanges})", en_ligne=True)
    ajouter_champ(
        embed, "Mesures", f"{apercu.mesures} (déjà là : {apercu.mesures_inchangees})", en_ligne=True
    )
    ajouter_champ(
        embed,
        "Réunions tenues",
        f"{apercu.reunions} (déjà là : {apercu.reunions_inchangees})",
        en_ligne=True,
    )
    if apercu.avertissements:
        avertissements = _lignes(apercu.avertissements, LIMITE_VALEUR_CHAMP)
        ajouter_champ(embed, f"Avertissements ({len(apercu.avertissements)})", avertissements)
    if applique:
        embed.set_footer(
            text="Tout a été écrit en une transaction ; le journal garde l'import et ses comptes."
        )
    elif apercu.erreurs:
        embed.set_footer(
            text="Rien n'a été écrit. Corrigez ces lignes dans le fichier, puis relancez /action importer."
        )
    elif apercu.vide:
        embed.set_footer(text="Rien à importer : le registre contient déjà tout ce fichier.")
    else:
        minutes = int(DELAI_CONFIRMATION.total_seconds() // 60)
        embed.set_footer(
            text=f"Rien n'a encore été écrit. « Importer » écrit tout en une fois (tout ou rien) ; "
            f"cette proposition expire dans {minutes} minutes."
        )
    return embed


def vue_confirmation(membre_id: int, jeton: str) -> discord.ui.View:
    """Les boutons « Importer » et « Annuler » d'une proposition."""
    vue = discord.ui.View(timeout=None)
    vue.add_item(BoutonImport("ok", membre_id, jeton))
    vue.add_item(BoutonImport("non", membre_id, jeton))
    return vue


async def expirer(bot: Passerelle, jeton: str) -> None:
    """À l'échéance, retire les boutons d'une proposition restée sans réponse."""
    await asyncio.sleep(DELAI_CONFIRMATION.total_seconds())
    proposition = propositions(bot).oublier(jeton)
    if proposition is None:
        return  # déjà confirmée ou annulée
    try:
        await proposition.interaction.edit_original_response(
            content="⌛ Proposition expirée : rien n'a été écrit. Relancez /action importer.", view=None
        )
    except discord.HTTPException:
        log.info("Proposition d'import expirée : message déjà disparu")


class BoutonImport(BoutonPersistant, template=r"imp:(?P<choix>ok|non):(?P<membre>\d+):(?P<jeton>[\w-]+)"):
    """« Importer » ou « Annuler », réservé à la personne qui a lancé l'import."""

    def __init__(self, choix: str, membre_id: int, jeton: str) -> None:
        self.choix, self.membre_id, self.jeton = choix, membre_id, jeton
        super().__init__(
            discord.ui.Button(
                label="Importer" if choix == "ok" else "Annuler",
                style=discord.ButtonStyle.success if choix == "ok" else discord.ButtonStyle.secondary,
                custom_id=f"imp:{choix}:{membre_id}:{jeton}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> BoutonImport:
        """Recrée le bouton à partir de son identifiant."""
        return cls(match["choix"], int(match["membre"]), match["jeton"])

    async def agir(self, interaction: discord.Interaction[Any]) -> None:
        """Applique ou annule l'import proposé ; refuse un autre membre ou une proposition expirée."""
        bot: Passerelle = interaction.client
        if interaction.user.id != self.membre_id:
            raise RefusDroits(
                "Ces boutons sont réservés à la personne qui a lancé l'import. Rien n'a été écrit."
            )
        proposition = propositions(bot).reprendre(self.jeton, bot.maintenant())
        if proposition is None:
            raise ErreurMetier(
                "Cette proposition d'import a expiré (10 minutes) ou a déjà servi : relancez "
                "/action importer avec le fichier. Rien n'a été écrit."
            )
        if self.choix == "non":
            await interaction.response.edit_message(
                content="Import annulé : rien n'a été écrit.", embed=None, view=None
            )
            return
        await interaction.response.edit_message(content="⏳ Import en cours (tout ou rien)…", view=None)
        try:
            bilan = await bot.atelier.executer(
                appliquer,
                bot.base.url,
                guild_id=proposition.guild_id,
                fichiers=proposition.fichiers,
                auteur_id=interaction.user.id,
                maintenant=bot.maintenant(),
            )
        except ErreurMetier:
            await interaction.edit_original_response(content="❌ Import refusé : rien n'a été écrit.")
            raise
        await interaction.edit_original_response(content=None, embed=embed_apercu(bilan, applique=True))
