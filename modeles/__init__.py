"""Tables SQLModel : ce qui est stocké. Chaque ligne appartient à un serveur (`guild_id`)."""

from modeles.journal import EntreeJournal
from modeles.protocole import Axe, Objectif
from modeles.serveur import ConfigServeur, EtatBot, VillePartenaire

__all__ = ["Axe", "ConfigServeur", "EntreeJournal", "EtatBot", "Objectif", "VillePartenaire"]
