"""Redémarrage d'un vrai processus : le rappel en attente part une fois, marqué en retard."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlmodel import select

from bot.base import BaseDonnees
from modeles import Livraison, StatutLivraison

RACINE = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("processus_bot.py")


def _lancer(phase: str, url: str, instant: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(RACINE)}
    return subprocess.Popen(
        [sys.executable, str(SCRIPT), phase, url, instant],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=RACINE,
    )


def _reprendre(url: str, instant: str) -> list[dict[str, str]]:
    processus = _lancer("reprendre", url, instant)
    sortie, erreurs = processus.communicate(timeout=120)
    assert processus.returncode == 0, erreurs
    return json.loads(sortie.strip().splitlines()[-1])["messages"]


def _rappels(url: str) -> list[Livraison]:
    base = BaseDonnees(url)
    try:
        return base.lecture(lambda s: list(s.exec(select(Livraison).where(Livraison.type == "rappel"))))
    finally:
        base.fermer()


def test_processus_tue_puis_relance_le_rappel_part_une_seule_fois(url_base: str) -> None:
    # Lundi 15 mars 2027 midi UTC : la réunion du mardi 16 à 10 h (Terrebonne) = 14 h UTC, rappel à 13 h.
    premier = _lancer("planifier", url_base, "2027-03-15T12:00:00+00:00")
    assert premier.stdout is not None
    lignes = []
    for ligne in premier.stdout:
        lignes.append(ligne)
        if ligne.strip() == "PRET":
            break
    assert "Réunion **#1** planifiée" in json.loads(lignes[0])["reponse"]
    premier.send_signal(signal.SIGKILL)  # arrêt brutal, rappel en attente
    premier.wait(timeout=30)
    assert [r.statut for r in _rappels(url_base)] == [StatutLivraison.PREVUE]

    # Relancé à 13 h 20 UTC : le rappel de 13 h a été manqué, la séance n'a pas commencé.
    messages = _reprendre(url_base, "2027-03-16T13:20:00+00:00")
    assert len(messages) == 1
    assert messages[0]["titre"] == "🔔 Rappel : Comité"
    assert messages[0]["description"].startswith("⏰ Publié en retard")
    (rappel,) = _rappels(url_base)
    assert (rappel.statut, rappel.en_retard, rappel.tentatives) == (StatutLivraison.ENVOYEE, True, 1)

    # Un redémarrage de plus : rien ne repart.
    assert _reprendre(url_base, "2027-03-16T13:30:00+00:00") == []
    assert [r.statut for r in _rappels(url_base)] == [StatutLivraison.ENVOYEE]
