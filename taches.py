#!/usr/bin/env python3
"""Prépare l'environnement et lance le bot ou les tests : `python3 taches.py bot|tests`.

Ne dépend que de Python 3.11+ : crée `.venv`, y installe le projet et ses outils
(seulement quand `pyproject.toml` a changé), puis exécute la tâche demandée.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

RACINE = Path(__file__).resolve().parent
VENV = RACINE / ".venv"
PYTHON = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
TEMOIN = VENV / ".passerelle-installe"


def preparer() -> None:
    """Crée le venv et installe les dépendances si `pyproject.toml` a changé."""
    if sys.version_info < (3, 11):  # noqa: UP036  (ce script doit pouvoir le dire)
        sys.exit("Passerelle demande Python 3.11 ou plus récent.")
    if not PYTHON.exists():
        print("Création de l'environnement virtuel .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    empreinte = hashlib.sha256((RACINE / "pyproject.toml").read_bytes()).hexdigest()
    if TEMOIN.exists() and TEMOIN.read_text() == empreinte:
        return
    print("Installation des dépendances …", flush=True)
    pip = [str(PYTHON), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "install", "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "install", "-e", f"{RACINE}[dev]"], check=True)
    TEMOIN.write_text(empreinte)


def executer(*commande: str) -> None:
    """Exécute `python -m …` (ou `python -c …`) dans le venv ; s'arrête au premier échec."""
    print("→", " ".join(commande), flush=True)
    argv = [str(PYTHON), *commande] if commande[0] == "-c" else [str(PYTHON), "-m", *commande]
    resultat = subprocess.run(argv, cwd=RACINE, check=False)
    if resultat.returncode != 0:
        sys.exit(resultat.returncode)


def main() -> None:
    taches = {"bot", "tests", "bench"}
    if len(sys.argv) < 2 or sys.argv[1] not in taches:
        sys.exit(f"Usage : python3 taches.py {'|'.join(sorted(taches))} [arguments…]")
    tache, reste = sys.argv[1], sys.argv[2:]
    preparer()
    if tache == "bot":
        os.execv(str(PYTHON), [str(PYTHON), "-m", "bot", *reste])  # noqa: S606
    elif tache == "tests":
        executer("ruff", "check", ".")
        executer("ruff", "format", "--check", ".")
        executer("mypy")
        executer("-c", "from importlinter.cli import lint_imports_command; lint_imports_command()")
        executer("pytest", *reste)
    else:
        executer("bench", *reste)


if __name__ == "__main__":
    main()
