"""Point d'entrée : `python -m bot [--synchroniser]`, `python -m bot rapport ANNEE --serveur ID …`,
`python -m bot sauvegarde --sortie FICHIER`, `python -m bot restaurer FICHIER`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from pydantic import ValidationError

from bot.journalisation import configurer_journaux
from bot.reglages import Reglages

if TYPE_CHECKING:
    from bot.client import Passerelle

log = logging.getLogger("bot")
_taches: set[asyncio.Task[None]] = set()  # garde une référence aux tâches d'arrêt


_MESSAGES_ARGPARSE = {
    "the following arguments are required": "arguments obligatoires manquants",
    "unrecognized arguments": "arguments inconnus",
    "expected one argument": "une valeur est attendue",
    "invalid choice": "choix inconnu",
}


class _Analyseur(argparse.ArgumentParser):
    """`argparse` qui signale les erreurs de saisie en français."""

    def error(self, message: str) -> NoReturn:
        """Affiche l'usage et l'erreur, puis sort avec le code 2."""
        for anglais, francais in _MESSAGES_ARGPARSE.items():
            message = message.replace(anglais, francais)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {message}\n")


def _annee(texte: str) -> int:
    if not texte.strip().isdigit():
        raise argparse.ArgumentTypeError(f"« {texte[:20]} » n'est pas une année : écrivez par exemple 2026")
    return int(texte)


def _identifiant(texte: str) -> int:
    if not texte.strip().isdigit():
        raise argparse.ArgumentTypeError(
            f"« {texte[:30]} » n'est pas un identifiant de serveur Discord (un nombre de 17 à 20 chiffres)"
        )
    return int(texte)


def lire_arguments(argv: list[str]) -> argparse.Namespace:
    """Analyse la ligne de commande."""
    analyseur = _Analyseur(prog="python -m bot", description="Lance le bot Passerelle.")
    analyseur.add_argument(
        "--synchroniser",
        action="store_true",
        help="envoyer les commandes slash à Discord même si leur définition n'a pas changé",
    )
    sous_commandes = analyseur.add_subparsers(dest="commande", metavar="{rapport,sauvegarde,restaurer}")
    rapport = sous_commandes.add_parser(
        "rapport",
        help="produire le rapport annuel d'un serveur (PDF et CSV), sans Discord",
        description="Produit le rapport annuel du protocole d'un serveur ; lit DATABASE_URL comme le bot.",
    )
    rapport.add_argument("annee", type=_annee, help="année du rapport, de 2024 à l'année en cours")
    rapport.add_argument("--serveur", type=_identifiant, required=True, help="identifiant Discord du serveur")
    rapport.add_argument("--sortie", type=Path, help="fichier PDF à écrire (par défaut : rapport-ANNEE.pdf)")
    rapport.add_argument("--csv", type=Path, metavar="DOSSIER", help="dossier où écrire aussi les deux CSV")
    sauvegarde = sous_commandes.add_parser(
        "sauvegarde",
        help="copier la base (SQLite : copie en ligne, le bot peut tourner ; PostgreSQL : pg_dump)",
        description="Écrit une sauvegarde cohérente de la base désignée par DATABASE_URL.",
    )
    sauvegarde.add_argument("--sortie", type=Path, required=True, help="fichier de sauvegarde à écrire")
    restaurer = sous_commandes.add_parser(
        "restaurer",
        help="remplacer la base SQLite par une sauvegarde vérifiée (bot arrêté)",
        description="Vérifie la sauvegarde, garde l'ancienne base à côté, puis la remplace.",
    )
    restaurer.add_argument("fichier", type=Path, help="fichier écrit par « python -m bot sauvegarde »")
    return analyseur.parse_args(argv)


def sauvegarder_ou_restaurer(reglages: Reglages, arguments: argparse.Namespace) -> int:
    """`python -m bot sauvegarde --sortie F` ou `python -m bot restaurer F` ; rend le code de sortie."""
    from bot.sauvegardes import SauvegardeImpossible, restaurer, sauvegarder
    from bot.verrou import BaseOccupee

    try:
        if arguments.commande == "sauvegarde":
            sortie = sauvegarder(reglages.database_url, arguments.sortie)
            print(
                f"Sauvegarde écrite : {sortie.resolve()} ({sortie.stat().st_size:,} octets)".replace(
                    ",", "\u202f"
                )
            )
            return 0
        verification, gardee = restaurer(
            reglages.database_url, arguments.fichier, maintenant=datetime.now(UTC)
        )
    except (SauvegardeImpossible, BaseOccupee) as erreur:
        print(erreur, file=sys.stderr)
        return 1
    except OSError as erreur:
        print(f"Erreur : {erreur.filename} : {erreur.strerror}.", file=sys.stderr)
        return 1
    print(
        f"Base restaurée depuis {arguments.fichier} : {verification.serveurs} serveur(s), "
        f"{verification.actions} action(s), schéma {verification.revision} "
        "(mis à jour au prochain démarrage)."
    )
    if gardee is not None:
        print(f"L'ancienne base est gardée dans {gardee}.")
    return 0


def produire_rapport(reglages: Reglages, arguments: argparse.Namespace) -> int:
    """Écrit le rapport annuel (PDF, et CSV si demandé) ; rend le code de sortie."""
    from sqlalchemy.engine import make_url

    from bot.base import BaseDonnees
    from metier.erreurs import ErreurMetier
    from metier.rapport.donnees import rassembler
    from rendu.rapport import produire_pdf

    annee: int = arguments.annee
    sortie: Path = arguments.sortie or Path(f"rapport-{annee}.pdf")
    base = BaseDonnees(reglages.database_url)
    adresse = make_url(base.url).render_as_string(hide_password=True)
    try:
        base.migrer()
        dossier = base.lecture(
            rassembler, guild_id=arguments.serveur, annee=annee, maintenant=datetime.now(UTC)
        )
    except ErreurMetier as erreur:
        print(f"Erreur : {erreur.message}\n(base : {adresse})", file=sys.stderr)
        return 1
    finally:
        base.fermer()
    pdf = produire_pdf(dossier.rapport)
    ecrits = [(sortie, pdf)]
    if arguments.csv is not None:
        ecrits += [
            (arguments.csv / f"actions-{annee}.csv", dossier.csv_actions),
            (arguments.csv / f"mesures-indicateurs-{annee}.csv", dossier.csv_mesures),
        ]
    try:
        for chemin, contenu in ecrits:
            chemin.parent.mkdir(parents=True, exist_ok=True)
            chemin.write_bytes(contenu)
    except OSError as erreur:
        print(f"Erreur : impossible d'écrire {erreur.filename} ({erreur.strerror}).", file=sys.stderr)
        return 1
    rapport = dossier.rapport
    print(f"Rapport annuel {annee} du serveur {arguments.serveur} ({len(rapport.actions)} actions) :")
    for chemin, contenu in ecrits:
        print(f"  {chemin.resolve()} ({len(contenu):,} octets)".replace(",", "\u202f"))
    return 0


async def lancer(reglages: Reglages, *, synchroniser: bool) -> None:
    """Démarre le bot et l'arrête proprement sur SIGINT ou SIGTERM."""
    from bot.client import Passerelle  # discord.py n'est chargé qu'une fois les réglages valides

    assert reglages.discord_token is not None
    bot = Passerelle(reglages, forcer_synchro=synchroniser)
    boucle = asyncio.get_running_loop()
    for signal_recu in (signal.SIGINT, signal.SIGTERM):
        boucle.add_signal_handler(signal_recu, _arreter, bot, signal_recu)
    async with bot:
        await bot.start(reglages.discord_token.get_secret_value())


def _arreter(bot: Passerelle, signal_recu: signal.Signals) -> None:
    log.info("Signal %s reçu : arrêt en cours…", signal_recu.name)
    _taches.add(asyncio.get_running_loop().create_task(bot.close()))


def main(argv: list[str] | None = None) -> int:
    """Lit les réglages, vérifie le jeton et lance le bot ; rend le code de sortie."""
    arguments = lire_arguments(sys.argv[1:] if argv is None else argv)
    try:
        reglages = Reglages()
    except ValidationError as erreur:
        print(f"Réglages invalides (fichier .env ou environnement) :\n{erreur}", file=sys.stderr)
        return 2
    if arguments.commande == "rapport":
        return produire_rapport(reglages, arguments)
    if arguments.commande in {"sauvegarde", "restaurer"}:
        return sauvegarder_ou_restaurer(reglages, arguments)
    if reglages.discord_token is None:
        print(
            "Erreur : DISCORD_TOKEN n'est pas défini. Copiez .env.example vers .env et indiquez-y le jeton "
            "du bot (portail des développeurs Discord → votre application → Bot → Reset Token).",
            file=sys.stderr,
        )
        return 2
    from bot.verrou import BaseOccupee, verrouiller

    try:
        verrou = verrouiller(reglages.database_url)  # gardé ouvert jusqu'à la sortie
    except BaseOccupee as erreur:
        print(erreur, file=sys.stderr)
        return 1
    configurer_journaux(reglages.log_level)
    try:
        asyncio.run(lancer(reglages, synchroniser=arguments.synchroniser))
    except KeyboardInterrupt:
        pass
    except Exception as erreur:
        import aiohttp
        import discord

        if isinstance(erreur, discord.LoginFailure):
            log.error("Connexion refusée par Discord : le jeton DISCORD_TOKEN est invalide.")
            return 1
        if isinstance(erreur, aiohttp.ClientError | OSError):
            log.error("Impossible de joindre Discord (réseau, pare-feu ou DNS) : %s", erreur)
            return 1
        if isinstance(erreur, discord.PrivilegedIntentsRequired):
            log.error("Discord refuse une intention privilégiée : vérifiez l'onglet Bot du portail.")
            return 1
        raise
    finally:
        if verrou is not None:
            verrou.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
