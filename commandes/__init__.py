"""Adaptateurs Discord : une extension (cog) par domaine, minces."""

EXTENSIONS = (
    "commandes.heure",
    "commandes.config",
    "commandes.actions",
    "commandes.indicateurs",
    "commandes.reunions",
    "commandes.rappels",
    "commandes.rapport",
    "commandes.progres",
)
