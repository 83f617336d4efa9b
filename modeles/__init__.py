"""Tables SQLModel : ce qui est stocké. Chaque ligne appartient à un serveur (`guild_id`)."""

from modeles.actions import Action, EvolutionMensuelle, Indicateur, Mesure, MiseAJour, StatutAction
from modeles.journal import EntreeJournal
from modeles.membres import Membre
from modeles.page import AbonnementAgenda, ModePage, PageWeb
from modeles.protocole import Axe, Objectif
from modeles.reunions import (
    Livraison,
    OccurrenceAnnulee,
    Presence,
    Recurrence,
    Reunion,
    StatutLivraison,
)
from modeles.serveur import ConfigServeur, EtatBot, VillePartenaire

__all__ = [
    "AbonnementAgenda",
    "Action",
    "Axe",
    "ConfigServeur",
    "EntreeJournal",
    "EtatBot",
    "EvolutionMensuelle",
    "Indicateur",
    "Livraison",
    "Membre",
    "Mesure",
    "MiseAJour",
    "ModePage",
    "Objectif",
    "OccurrenceAnnulee",
    "PageWeb",
    "Presence",
    "Recurrence",
    "Reunion",
    "StatutAction",
    "StatutLivraison",
    "VillePartenaire",
]
