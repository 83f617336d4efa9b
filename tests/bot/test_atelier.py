"""L'atelier (processus des calculs lourds) : se relance s'il meurt, s'arrête quand il ne sert plus."""

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.atelier import Atelier


def _pid() -> int:
    return os.getpid()


async def test_calcul_dans_un_autre_processus_puis_relance_apres_une_mort() -> None:
    atelier = Atelier()
    try:
        premier = await atelier.executer(_pid)
        assert premier != os.getpid()
        os.kill(premier, signal.SIGKILL)  # le processus de l'atelier meurt
        second = await atelier.executer(_pid)
        assert second not in (premier, os.getpid())
        assert await atelier.executer(sum, [1, 2, 3]) == 6
    finally:
        await atelier.fermer_et_attendre()


async def test_arrete_apres_un_temps_sans_travail_puis_relance() -> None:
    atelier = Atelier(inactivite=0.2)
    try:
        premier = await atelier.executer(_pid)
        assert atelier.actif
        await asyncio.sleep(0.05)
        assert await atelier.executer(_pid) == premier  # encore là : même processus
        await asyncio.sleep(0.5)
        assert not atelier.actif  # inoccupé : arrêté, sa mémoire rendue
        assert await atelier.executer(_pid) not in (premier, os.getpid())
        assert atelier.actif
    finally:
        await atelier.fermer_et_attendre()
    assert not atelier.actif


def _deja_charge() -> tuple[bool, bool, int]:
    """Dans le processus de l'atelier : matplotlib importé ? langue française chargée ? pid."""
    from babel import localedata

    from metier.temps import LOCALE

    return "matplotlib.figure" in sys.modules, LOCALE in localedata._cache, os.getpid()


async def test_le_processus_ne_apres_un_arret_est_deja_echauffe() -> None:
    """Le forkserver a dessiné une fois (rendu.echauffement) : un processus né après un arrêt pour
    inactivité a déjà matplotlib et les données du français, son premier graphique ne les paie pas."""
    atelier = Atelier(inactivite=0.1)
    try:
        premier = await atelier.executer(_pid)
        await asyncio.sleep(0.4)
        assert not atelier.actif
        matplotlib_charge, francais_charge, pid = await atelier.executer(_deja_charge)
        assert pid != premier
        assert matplotlib_charge
        assert francais_charge
    finally:
        await atelier.fermer_et_attendre()


ORPHELIN = """
import asyncio, os, sys
from bot.atelier import Atelier

async def principal():
    atelier = Atelier()
    pid = await atelier.executer(os.getpid)
    print(pid, flush=True)
    await asyncio.sleep(3600)  # le test tue ce processus ici, l'atelier lancé

asyncio.run(principal())
"""


def _vivant(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_le_bot_tue_l_atelier_et_son_forkserver_s_arretent_aussi() -> None:
    """kill -9 du bot : ni le processus de l'atelier ni le forkserver ne lui survivent en orphelins."""
    bot = subprocess.Popen([sys.executable, "-c", ORPHELIN], stdout=subprocess.PIPE, text=True)
    try:
        assert bot.stdout is not None
        atelier = int(bot.stdout.readline())
        with open(f"/proc/{atelier}/stat") as stat:
            forkserver = int(stat.read().split(")")[-1].split()[1])  # son parent (état, parent, …)
        assert forkserver != bot.pid
        bot.kill()
        bot.wait()
        debut = time.monotonic()
        while time.monotonic() - debut < 30 and (_vivant(atelier) or _vivant(forkserver)):
            time.sleep(0.1)
        assert not _vivant(atelier)
        assert not _vivant(forkserver)
    finally:
        bot.kill()


def test_graphiques_apres_arret_de_l_atelier_et_redemarrage_du_bot_finissent(tmp_path, modele_sqlite) -> None:
    # Un autre processus enfant vivant, l'atelier arrêté pour inactivité puis relancé, le bot
    # redémarré dans le même interpréteur : chaque graphique arrive (la boucle ne tourne pas à vide).
    base = tmp_path / "passerelle.db"
    shutil.copy(modele_sqlite, base)
    racine = Path(__file__).resolve().parents[2]
    try:
        fini = subprocess.run(
            [sys.executable, str(Path(__file__).with_name("scenario_atelier.py")), f"sqlite:///{base}"],
            capture_output=True,
            text=True,
            timeout=240,
            cwd=racine,
            env={**os.environ, "PYTHONPATH": str(racine)},
        )
    except subprocess.TimeoutExpired as erreur:
        pytest.fail(f"le scénario ne finit pas (boucle bloquée) :\n{erreur.stdout}")
    assert fini.returncode == 0, fini.stderr[-3000:]
    assert fini.stdout.splitlines()[-1] == "FINI", fini.stdout


async def test_prechauffe_quand_le_bot_est_pret_sans_le_retarder(reglages, horloge) -> None:
    from simcord import Env

    from bot.client import Passerelle

    bot = Passerelle(reglages.model_copy(update={"atelier_prechauffe": True}), horloge=horloge)
    env = Env(bot)
    horloge.suivre(env)
    await env.start()
    try:
        assert bot.pret.is_set()
        lancement = bot.atelier._lancement
        assert lancement is not None  # lancé en arrière-plan, sans qu'aucun graphique l'ait demandé
        await asyncio.to_thread(lancement.result, 120)
        pid = bot.atelier.etat().pid
        assert pid is not None
        assert await bot.atelier.executer(_pid) == pid  # le premier travail trouve le processus prêt
    finally:
        await env.shutdown()
        await bot.close()
    assert not bot.atelier.actif
