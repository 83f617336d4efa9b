"""Tables SQLModel : ce qui est stocké. Chaque ligne appartient à un serveur (`guild_id`)."""

from modeles.actions import Action, EvolutionMensuelle, Indicateur, Mesure, MiseAJour, StatutAction
from modeles.comptes_rendus import CompteRendu, DecisionAction, SondageCreneaux, VoteCreneau
from modeles.evenements import EvenementDiscord
from modeles.journal import EntreeJournal
from modeles.membres import Membre
from modeles.page import AbonnementAgenda, ModePage, PageWeb
from modeles.partenaires import ActionPartenaire, Partenaire
from modeles.protocole import Axe, BureauSuivi, Edition, Objectif
from modeles.reunions import (
    Livraison,
    OccurrenceAnnulee,
    Presence,
    RappelPrive,
    Recurrence,
    Reunion,
    StatutLivraison,
)
from modeles.serveur import ConfigServeur, EtatBot, VillePartenaire

__all__ = [
    "AbonnementAgenda",
    "Action",
    "ActionPartenaire",
    "Axe",
    "BureauSuivi",
    "CompteRendu",
    "ConfigServeur",
    "DecisionAction",
    "Edition",
    "EntreeJournal",
    "EtatBot",
    "EvenementDiscord",
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
    "Partenaire",
    "Presence",
    "RappelPrive",
    "Recurrence",
    "Reunion",
    "SondageCreneaux",
    "StatutAction",
    "StatutLivraison",
    "VillePartenaire",
    "VoteCreneau",
]
