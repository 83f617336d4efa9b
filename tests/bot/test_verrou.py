"""Un seul bot par fichier SQLite : un second `python -m bot` sort aussitôt, avec un message en français."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.verrou import BaseOccupee, verrouiller

RACINE = Path(__file__).resolve().parents[2]
TENIR = (
    "import sys, time\n"
    "from bot.verrou import verrouiller\n"
    "verrou = verrouiller(sys.argv[1])\n"
    "print('PRET', flush=True)\n"
    "time.sleep(120)\n"
)


def _environnement(url: str) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(RACINE),
        "DATABASE_URL": url,
        "DISCORD_TOKEN": "jeton.de.test.invalide",
    }


def test_second_processus_sur_le_meme_fichier_sqlite_refuse(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'data' / 'passerelle.db'}"
    premier = subprocess.Popen(
        [sys.executable, "-c", TENIR, url],
        stdout=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=_environnement(url),
    )
    try:
        assert premier.stdout is not None
        assert premier.stdout.readline().strip() == "PRET"
        debut = time.monotonic()
        second = subprocess.run(
            [sys.executable, "-m", "bot"],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
            env=_environnement(url),
        )
        assert second.returncode == 1
        assert "un autre processus Passerelle utilise déjà la base SQLite" in second.stderr
        assert f"(processus {premier.pid})" in second.stderr
        assert "passez à PostgreSQL" in second.stderr
        assert "database is locked" not in second.stderr
        assert "Traceback" not in second.stderr
        assert time.monotonic() - debut < 30  # aussitôt : ni migration, ni connexion à Discord
        assert not (tmp_path / "data" / "passerelle.db").exists()  # rien n'a été touché
    finally:
        premier.send_signal(signal.SIGKILL)
        premier.wait()
    # Le premier mort (même tué), le verrou est rendu par le système.
    verrou = verrouiller(url)
    assert verrou is not None
    verrou.close()


def test_verrou_dans_le_meme_processus_et_postgresql(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'passerelle.db'}"
    verrou = verrouiller(url)
    try:
        with pytest.raises(BaseOccupee, match="Un seul bot par fichier SQLite"):
            verrouiller(url)
    finally:
        assert verrou is not None
        verrou.close()
    assert verrouiller("postgresql+psycopg://postgres@127.0.0.1:5432/test") is None
