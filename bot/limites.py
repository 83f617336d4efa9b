"""Limites de Discord pour les messages et les embeds (discord.py ne les vérifie pas lui-même)."""

LIMITE_TITRE = 256
LIMITE_DESCRIPTION = 4096
LIMITE_CHAMPS = 25
LIMITE_NOM_CHAMP = 256
LIMITE_VALEUR_CHAMP = 1024
LIMITE_TOTAL = 6000
LIMITE_MESSAGE = 2000
LIMITE_VALEUR_CHOIX = 100  # valeur (et nom) d'un choix d'autocomplétion
# Événements programmés (onglet « Événements » du serveur).
LIMITE_NOM_EVENEMENT = 100
LIMITE_DESCRIPTION_EVENEMENT = 1000
LIMITE_LIEU_EVENEMENT = 100
