"""Mesures de performance : `python3 taches.py bench [nom…]` affiche les chiffres."""
