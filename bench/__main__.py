"""Lance les mesures demandées (toutes par défaut) et affiche leurs chiffres."""

import argparse
import asyncio
import importlib

MESURES = (
    "demarrage",
    "actions",
    "reunions",
    "graphiques",
    "premier_graphique",
    "memoire",
    "rapport",
    "importation",
    "bilan",
    "page",
    "comptes_rendus",
)


def main() -> None:
    """Exécute chaque mesure nommée sur la ligne de commande."""
    analyseur = argparse.ArgumentParser(prog="python -m bench")
    analyseur.add_argument("mesures", nargs="*", help=f"mesures à lancer parmi : {', '.join(MESURES)}")
    analyseur.add_argument("--base", default="sqlite", help="sqlite, ou une adresse PostgreSQL")
    arguments = analyseur.parse_args()
    inconnues = set(arguments.mesures) - set(MESURES)
    if inconnues:
        analyseur.error(f"mesure inconnue : {', '.join(sorted(inconnues))} (choix : {', '.join(MESURES)})")
    for nom in arguments.mesures or MESURES:
        module = importlib.import_module(f"bench.{nom}")
        print(f"\n=== {nom} ===", flush=True)
        asyncio.run(module.mesurer(arguments.base))


if __name__ == "__main__":
    main()
