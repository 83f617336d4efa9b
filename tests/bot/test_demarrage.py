"""Démarrage du bot : jeton absent, amorçage des serveurs, synchronisation des commandes, redémarrage."""

import os
import subprocess
import sys
from pathlib import Path

from sqlmodel import Session, select

from bot.client import Passerelle
from modeles import Axe, ConfigServeur, Objectif
from tests.outils import redemarrer

RACINE = Path(__file__).resolve().parents[2]


def test_sans_jeton_le_bot_s_arrete_tout_de_suite_en_francais(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DISCORD_TOKEN", "DATABASE_URL"}}
    env["PYTHONPATH"] = str(RACINE)
    resultat = subprocess.run(
        [sys.executable, "-m", "bot"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert resultat.returncode != 0
    assert "DISCORD_TOKEN" in resultat.stderr
    assert ".env.example" in resultat.stderr
    assert "Traceback" not in resultat.stderr
    assert not (tmp_path / "data").exists()  # rien n'a été créé : arrêt avant tout le reste


def test_jeton_vide_dans_le_fichier_env_compte_comme_absent(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DISCORD_TOKEN=\nLOG_LEVEL=INFO\n")
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    env["PYTHONPATH"] = str(RACINE)
    resultat = subprocess.run(
        [sys.executable, "-m", "bot"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert resultat.returncode != 0
    assert "DISCORD_TOKEN n'est pas défini" in resultat.stderr


def _axes(bot: Passerelle, guild_id: int) -> list[int]:
    return bot.base.lecture(
        lambda s: [a.numero for a in s.exec(select(Axe).where(Axe.guild_id == guild_id).order_by(Axe.numero))]
    )


async def test_un_serveur_rejoint_recoit_les_axes_du_protocole(simcord_env) -> None:
    bot = simcord_env.bot
    assert bot.pret.is_set()
    assert bot.planificateur.demarre
    premier = simcord_env.create_guild("Terrebonne – Namur")
    second = simcord_env.create_guild("Autre jumelage")
    await simcord_env.settle()

    assert _axes(bot, premier.id) == [1, 2, 3]
    assert _axes(bot, second.id) == [1, 2, 3]
    objectifs = bot.base.lecture(
        lambda s: s.exec(select(Objectif).where(Objectif.guild_id == second.id)).all()
    )
    assert len(objectifs) == 9
    assert {o.guild_id for o in objectifs} == {second.id}


async def test_serveurs_deja_rejoints_amorces_au_demarrage(simcord_env, reglages, horloge) -> None:
    guild = simcord_env.create_guild("Jumelage")
    await simcord_env.settle()
    # Un serveur rejoint pendant que le bot était arrêté : la base ne le connaît pas encore.
    simcord_env.bot.base.transaction(lambda s: s.exec(select(Axe)).all())  # base accessible
    await redemarrer(simcord_env, Passerelle(reglages, horloge=horloge))
    assert _axes(simcord_env.bot, guild.id) == [1, 2, 3]


def _synchros(env) -> list[str]:
    return [r.path for r in env.http_requests if r.method == "PUT" and r.path.endswith("/commands")]


async def test_commandes_synchronisees_seulement_quand_elles_changent(simcord_env, reglages, horloge) -> None:
    assert len(_synchros(simcord_env)) == 1

    await redemarrer(simcord_env, Passerelle(reglages, horloge=horloge))
    assert len(_synchros(simcord_env)) == 1  # même définition : pas de nouvel envoi

    await redemarrer(simcord_env, Passerelle(reglages, horloge=horloge, forcer_synchro=True))
    assert len(_synchros(simcord_env)) == 2  # à la demande

    salon = simcord_env.create_guild("Jumelage").create_text_channel("general")
    membre = simcord_env.guild.add_member(simcord_env.create_user("alice"))
    resultat = await membre.slash(salon, "heure")  # les commandes répondent après redémarrage
    assert resultat.response.embeds


async def test_arret_propre_ferme_planificateur_et_base(simcord_env) -> None:
    bot = simcord_env.bot
    await bot.close()
    assert not bot.planificateur.demarre
    assert bot.is_closed()
    assert bot.base.moteur.pool.checkedout() == 0


def test_discord_injoignable_ou_jeton_refuse_sans_trace_python(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"PYTHONPATH": str(RACINE), "DISCORD_TOKEN": "jeton.de.test.invalide"}
    resultat = subprocess.run(
        [sys.executable, "-m", "bot"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert resultat.returncode == 1
    assert "Traceback" not in resultat.stderr
    # Hors ligne (développement, CI) : réseau injoignable ; en ligne : jeton refusé par Discord.
    assert (
        "Impossible de joindre Discord" in resultat.stderr
        or "jeton DISCORD_TOKEN est invalide" in resultat.stderr
    )
    assert "Arrêt terminé" in resultat.stderr


async def test_cumul_de_l_evolution_construit_au_demarrage(simcord_env, reglages, horloge) -> None:
    guild = simcord_env.create_guild("Jumelage")
    await simcord_env.settle()

    def comme_apres_la_migration(session: Session) -> None:
        config = session.get(ConfigServeur, guild.id)
        assert config is not None
        assert config.evolution_a_jour  # un serveur neuf : cumul vide, donc à jour
        config.evolution_a_jour = False
        session.add(config)

    simcord_env.bot.base.transaction(comme_apres_la_migration)
    await redemarrer(simcord_env, Passerelle(reglages, horloge=horloge))
    config = simcord_env.bot.base.lecture(lambda s: s.get(ConfigServeur, guild.id))
    assert config.evolution_a_jour


def test_le_bot_et_ses_cogs_ne_chargent_ni_matplotlib_ni_fpdf2() -> None:
    # Le dessin se fait dans l'atelier : le processus du bot ne paie ni l'import (≈ 0,3 s) ni la mémoire.
    code = (
        "import importlib, sys\n"
        "from bot.client import EXTENSIONS\n"
        "for extension in EXTENSIONS:\n"
        "    importlib.import_module(extension)\n"
        "print(sorted(m for m in ('matplotlib', 'fpdf', 'fontTools') if m in sys.modules))\n"
    )
    sortie = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert sortie.stdout.strip() == "[]"
