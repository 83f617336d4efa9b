"""Contrats du projet : couches, noms et aide des commandes, mentions désactivées."""

import re
import subprocess
import sys
from pathlib import Path

import grimp
from discord import app_commands

RACINE = Path(__file__).resolve().parents[1]
NOM_COMMANDE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
DESCRIPTION_PAR_DEFAUT = "…"
PAQUETS = ("bot", "commandes", "metier", "modeles", "rendu", "web")


def test_les_contrats_de_couches_tiennent() -> None:
    resultat = subprocess.run(
        [sys.executable, "-c", "from importlinter.cli import lint_imports_command; lint_imports_command()"],
        cwd=RACINE,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "BROKEN" not in resultat.stdout


def _cycles(graphe: grimp.ImportGraph) -> list[list[str]]:
    """Composantes fortement connexes (Tarjan) de plus d'un module : chacune est un cycle d'imports."""
    index: dict[str, int] = {}
    bas: dict[str, int] = {}
    pile: list[str] = []
    sur_pile: set[str] = set()
    cycles: list[list[str]] = []

    def visiter(module: str) -> None:
        index[module] = bas[module] = len(index)
        pile.append(module)
        sur_pile.add(module)
        for suivant in sorted(graphe.find_modules_directly_imported_by(module)):
            if suivant not in index:
                visiter(suivant)
                bas[module] = min(bas[module], bas[suivant])
            elif suivant in sur_pile:
                bas[module] = min(bas[module], index[suivant])
        if bas[module] == index[module]:
            composante = []
            while True:
                dernier = pile.pop()
                sur_pile.discard(dernier)
                composante.append(dernier)
                if dernier == module:
                    break
            if len(composante) > 1:
                cycles.append(sorted(composante))

    for module in sorted(graphe.modules):
        if module not in index:
            visiter(module)
    return cycles


def test_aucun_cycle_d_imports() -> None:
    # Les imports différés (dans une fonction) comptent aussi : un cycle caché reste un cycle.
    graphe = grimp.build_graph(*PAQUETS, exclude_type_checking_imports=True)
    assert _cycles(graphe) == []


def _feuilles(commandes):
    for commande in commandes:
        if isinstance(commande, app_commands.Group):
            yield commande
            yield from _feuilles(commande.commands)
        else:
            yield commande


async def test_chaque_commande_et_option_a_un_nom_ascii_et_une_aide(simcord_env) -> None:
    racines = simcord_env.bot.tree.get_commands()
    noms = [c.name for c in racines]
    assert len(noms) == len(set(noms)), "deux commandes portent le même nom"
    assert {"heure", "config"} <= set(noms)
    for commande in _feuilles(racines):
        assert NOM_COMMANDE.match(commande.name), commande.qualified_name
        assert commande.description, commande.qualified_name
        assert commande.description != DESCRIPTION_PAR_DEFAUT, commande.qualified_name
        if isinstance(commande, app_commands.Command):
            assert commande.guild_only or commande.parent is not None, commande.qualified_name
            for parametre in commande.parameters:
                assert NOM_COMMANDE.match(parametre.name), f"{commande.qualified_name} {parametre.name}"
                assert parametre.description != DESCRIPTION_PAR_DEFAUT, (
                    f"/{commande.qualified_name} : l'option « {parametre.name} » n'a pas d'aide"
                )


async def test_les_reponses_ne_mentionnent_personne(simcord_env) -> None:
    salon = simcord_env.create_guild("Jumelage").create_text_channel("general")
    membre = simcord_env.guild.add_member(simcord_env.create_user("alice"))
    await membre.slash(salon, "heure")
    rappels = [r.json for r in simcord_env.http_requests if r.path.endswith("/callback")]
    assert rappels
    for corps in rappels:
        assert corps["data"]["allowed_mentions"] == {"parse": []}
