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
# Longues (plusieurs minutes) : lancées seulement si on les nomme.
MESURES_LONGUES = ("milliers",)


def main() -> None:
    """Exécute chaque mesure nommée sur la ligne de commande."""
    analyseur = argparse.ArgumentParser(prog="python -m bench")
    analyseur.add_argument("mesures", nargs="*", help=f"mesures à lancer parmi : {', '.join(MESURES)}")
    analyseur.add_argument("--base", default="sqlite", help="sqlite, ou une adresse PostgreSQL")
    analyseur.add_argument("--serveurs", type=int, default=1000, help="milliers : nombre de serveurs")
    analyseur.add_argument("--actions", type=int, default=1000, help="milliers : actions par serveur")
    arguments = analyseur.parse_args()
    connues = (*MESURES, *MESURES_LONGUES)
    inconnues = set(arguments.mesures) - set(connues)
    if inconnues:
        analyseur.error(f"mesure inconnue : {', '.join(sorted(inconnues))} (choix : {', '.join(connues)})")
    for nom in arguments.mesures or MESURES:
        module = importlib.import_module(f"bench.{nom}")
        print(f"\n=== {nom} ===", flush=True)
        if nom == "milliers":
            asyncio.run(
                module.mesurer(arguments.base, serveurs_max=arguments.serveurs, actions=arguments.actions)
            )
        else:
            asyncio.run(module.mesurer(arguments.base))


if __name__ == "__main__":
    main()
