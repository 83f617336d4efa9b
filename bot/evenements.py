"""Les événements propres au bot, nommés une seule fois : qui les émet et qui les écoute importent ce nom.

Un nom écrit en toutes lettres des deux côtés se trompe en silence (personne n'écoute) ; une faute
sur un membre de `Evenement` échoue dès l'import.
"""

from __future__ import annotations

from enum import StrEnum


class Evenement(StrEnum):
    """Un événement émis par `bot.dispatch(Evenement.X, …)`, écouté sous le nom `Evenement.X.ecouteur`."""

    # Le planificateur réveille le livreur : des publications sont dues.
    LIVRAISONS_DUES = "livraisons_dues"
    # Une réunion a été planifiée ou annulée (argument : guild_id) : les rappels sont à replanifier.
    REUNIONS_MODIFIEES = "reunions_modifiees"
    # La configuration du serveur a changé (argument : guild_id) : salons, villes, horaire du résumé.
    CONFIGURATION_MODIFIEE = "configuration_modifiee"
    # Le planificateur réveille la publication des événements Discord (reprise après échec,
    # séance commencée : la suivante prend sa place).
    EVENEMENTS_A_REPRENDRE = "evenements_a_reprendre"

    @property
    def ecouteur(self) -> str:
        """Le nom sous lequel discord.py appelle ses écouteurs : « on_reunions_modifiees »."""
        return f"on_{self.value}"
