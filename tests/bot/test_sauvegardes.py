"""Sauvegardes : copie cohérente pendant une rafale d'écritures, restauration vérifiée, rotation."""

import asyncio
import hashlib
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from bot.client import Passerelle
from bot.reglages import Reglages
from bot.sauvegardes import (
    SauvegardeImpossible,
    a_supprimer,
    restaurer,
    sauvegarde_quotidienne,
    sauvegarder,
    verifier,
)
from bot.verrou import BaseOccupee, verrouiller
from metier.actions.registre import creer_action
from modeles import Action, MiseAJour
from tests.outils import redemarrer

RACINE = Path(__file__).resolve().parents[2]
MAINTENANT = datetime(2026, 11, 26, 12, tzinfo=UTC)


def _empreinte(fichier: Path) -> str:
    return hashlib.sha256(fichier.read_bytes()).hexdigest()


def _attendre_au_moins(validees: list[int], nombre: int) -> None:
    while len(validees) < nombre:
        time.sleep(0.005)


def _sqlite(url_base: str) -> Path:
    if not url_base.startswith("sqlite"):
        pytest.skip("sauvegarde SQLite")
    return Path(url_base.removeprefix("sqlite:///"))


async def test_sauvegarde_pendant_une_rafale_d_ecritures_restauree_le_bot_y_demarre(
    simcord_env, url_base, reglages, horloge, tmp_path
) -> None:
    _sqlite(url_base)
    guild = simcord_env.create_guild("Jumelage")
    salon = guild.create_text_channel("suivi")
    alice = guild.add_member(simcord_env.create_user("alice"))
    await simcord_env.settle()
    base = simcord_env.bot.base
    validees: list[int] = []
    arret = threading.Event()

    def rafale() -> None:
        while not arret.is_set():
            action = base.transaction(
                creer_action,
                guild_id=guild.id,
                auteur_id=alice.id,
                titre=f"Action de la rafale {len(validees) + 1}",
                axe_numero=1 + len(validees) % 3,
                maintenant=MAINTENANT,
            )
            validees.append(action.numero)  # validée (la transaction est close)

    ecrivain = threading.Thread(target=rafale)
    ecrivain.start()
    try:
        await asyncio.to_thread(_attendre_au_moins, validees, 30)
        avant = len(validees)
        fichier = await asyncio.to_thread(sauvegarder, url_base, tmp_path / "sauvegarde.db")
        apres = len(validees)
        await asyncio.to_thread(_attendre_au_moins, validees, apres + 10)  # la rafale continue
    finally:
        arret.set()
        ecrivain.join()

    verification = verifier(fichier)
    assert avant <= verification.actions <= apres + 1
    with sqlite3.connect(fichier) as copie:
        numeros = [n for (n,) in copie.execute("SELECT numero FROM action ORDER BY numero")]
        sans_historique = copie.execute(
            "SELECT count(*) FROM action WHERE id NOT IN (SELECT action_id FROM mise_a_jour)"
        ).fetchone()[0]
    assert numeros == list(range(1, len(numeros) + 1))  # un préfixe, sans trou : un instant de la base
    assert sans_historique == 0  # chaque action avec sa première ligne d'historique : transactions entières

    restauree = tmp_path / "restauree" / "passerelle.db"
    url_restauree = f"sqlite:///{restauree}"
    restaurer(url_restauree, fichier, maintenant=MAINTENANT)
    await redemarrer(
        simcord_env,
        Passerelle(Reglages(_env_file=None, database_url=url_restauree), horloge=horloge),  # type: ignore[call-arg]
    )
    with Session(simcord_env.bot.base.moteur) as session:
        assert session.exec(select(func.count()).select_from(Action)).one() == len(numeros)
        assert session.exec(select(func.count()).select_from(MiseAJour)).one() >= len(numeros)
    vue = await alice.slash(salon, "action voir", action=str(avant))
    assert f"Action de la rafale {avant}" in vue.response.embeds[0].title


def test_restauration_refusee_sans_rien_toucher(url_base, tmp_path) -> None:
    base = _sqlite(url_base)
    empreinte = _empreinte(base)
    texte = tmp_path / "notes.db"
    texte.write_text("ceci n'est pas une base")
    with pytest.raises(SauvegardeImpossible, match="n'est pas une base SQLite"):
        restaurer(url_base, texte, maintenant=MAINTENANT)

    etrangere = tmp_path / "etrangere.db"
    with sqlite3.connect(etrangere) as connexion:
        connexion.execute("CREATE TABLE clients (id INTEGER)")
    with pytest.raises(SauvegardeImpossible, match="n'est pas une base Passerelle"):
        restaurer(url_base, etrangere, maintenant=MAINTENANT)

    future = sauvegarder(url_base, tmp_path / "future.db")
    with sqlite3.connect(future) as connexion:
        connexion.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(SauvegardeImpossible, match="version plus récente de Passerelle"):
        restaurer(url_base, future, maintenant=MAINTENANT)

    abimee = tmp_path / "abimee.db"
    contenu = bytearray(sauvegarder(url_base, tmp_path / "saine.db").read_bytes())
    contenu[4096:8192] = b"\xff" * 4096  # une page écrasée
    abimee.write_bytes(bytes(contenu))
    with pytest.raises(SauvegardeImpossible, match=r"abîmé|illisible"):
        restaurer(url_base, abimee, maintenant=MAINTENANT)

    bonne = sauvegarder(url_base, tmp_path / "bonne.db")
    verrou = verrouiller(url_base)  # le bot tourne
    try:
        with pytest.raises(BaseOccupee, match="utilise déjà la base SQLite"):
            restaurer(url_base, bonne, maintenant=MAINTENANT)
    finally:
        assert verrou is not None
        verrou.close()
    assert _empreinte(base) == empreinte
    assert not list(base.parent.glob("*.avant-restauration-*"))


def test_ligne_de_commande_sauvegarde_puis_restaurer(url_base, tmp_path) -> None:
    base = _sqlite(url_base)
    environnement = {"PYTHONPATH": str(RACINE), "DATABASE_URL": url_base, "PATH": "/usr/bin:/bin"}

    def lancer(*arguments: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *arguments],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tmp_path,
            env=environnement,
        )

    fini = lancer("sauvegarde", "--sortie", str(tmp_path / "copie.db"))
    assert fini.returncode == 0, fini.stderr
    assert fini.stdout.startswith("Sauvegarde écrite : ")
    fini = lancer("restaurer", str(tmp_path / "copie.db"))
    assert fini.returncode == 0, fini.stderr
    assert "Base restaurée depuis" in fini.stdout
    assert "L'ancienne base est gardée dans" in fini.stdout
    assert len(list(base.parent.glob("passerelle.db.avant-restauration-*"))) == 1
    fini = lancer("restaurer", str(tmp_path / "absente.db"))
    assert fini.returncode == 1
    assert "n'existe pas" in fini.stderr


def test_sauvegarde_postgresql_par_pg_dump(url_base, tmp_path) -> None:
    if url_base.startswith("sqlite"):
        pytest.skip("PostgreSQL")
    sortie = sauvegarder(url_base, tmp_path / "passerelle.dump")
    assert sortie.read_bytes().startswith(b"PGDMP")
    with pytest.raises(SauvegardeImpossible, match="ne s'applique qu'à SQLite"):
        restaurer(url_base, sortie, maintenant=MAINTENANT)


def test_sauvegarde_quotidienne_et_rotation_7_jours_4_semaines(url_base, tmp_path) -> None:
    base = _sqlite(url_base)
    aujourd_hui = date(2026, 11, 26)  # un jeudi
    assert (
        sauvegarde_quotidienne(url_base, aujourd_hui)
        == base.parent / "sauvegardes" / "passerelle-2026-11-26.db"
    )
    assert sauvegarde_quotidienne(url_base, aujourd_hui) is None  # une par jour

    dossier = tmp_path / "rotation"
    dossier.mkdir()
    for jours in range(60):
        (dossier / f"passerelle-{aujourd_hui - timedelta(days=jours)}.db").touch()
    (dossier / "a-la-main.db").touch()
    gardees = {p.name for p in dossier.iterdir()} - {p.name for p in a_supprimer(dossier, aujourd_hui)}
    assert gardees == {
        "a-la-main.db",
        *(f"passerelle-{aujourd_hui - timedelta(days=j)}.db" for j in range(7)),
        # le dimanche de chacune des 4 semaines d'avant la semaine en cours
        "passerelle-2026-11-22.db",
        "passerelle-2026-11-15.db",
        "passerelle-2026-11-08.db",
        "passerelle-2026-11-01.db",
    }


async def test_le_bot_sauvegarde_au_demarrage_sans_attendre(simcord_env, url_base) -> None:
    base = _sqlite(url_base)
    await simcord_env.settle()
    assert simcord_env.bot.pret.is_set()
    fichier = base.parent / "sauvegardes" / "passerelle-2026-11-26.db"  # la date de l'horloge du bot
    assert verifier(fichier).revision
    assert {"sauvegarde", "livraisons", "preparation"} <= set(simcord_env.bot.planificateur.cles()) | {
        "livraisons"
    }
