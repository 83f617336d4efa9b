"""Point d'entrée : `python -m bot [--synchroniser]`, ou les commandes sans Discord :
`rapport ANNEE|bilan --serveur ID …`, `importer FICHIER…`, `sauvegarde --sortie F`, `restaurer F`."""

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


BILAN = "bilan"


def _annee(texte: str) -> int | str:
    if texte.strip() == BILAN:
        return BILAN  # `python -m bot rapport bilan --serveur ID [--edition 2024-2026]`
    if not texte.strip().isdigit():
        raise argparse.ArgumentTypeError(
            f"« {texte[:20]} » n'est pas une année : écrivez par exemple 2026 (ou « bilan »)"
        )
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
    sous_commandes = analyseur.add_subparsers(
        dest="commande", metavar="{rapport,importer,sauvegarde,restaurer}"
    )
    rapport = sous_commandes.add_parser(
        "rapport",
        help="produire le rapport annuel d'un serveur (PDF et CSV), sans Discord",
        description="Produit le rapport annuel du protocole d'un serveur ; lit DATABASE_URL comme le bot.",
    )
    rapport.add_argument(
        "annee",
        type=_annee,
        metavar="ANNEE|bilan",
        help="année du rapport, de 2024 à l'année en cours ; ou « bilan » : le bilan final d'une édition",
    )
    rapport.add_argument(
        "--edition", help="avec « bilan » : l'édition, par ses années (par défaut : la courante)"
    )
    rapport.add_argument("--serveur", type=_identifiant, required=True, help="identifiant Discord du serveur")
    rapport.add_argument("--sortie", type=Path, help="fichier PDF à écrire (par défaut : rapport-ANNEE.pdf)")
    rapport.add_argument("--csv", type=Path, metavar="DOSSIER", help="dossier où écrire aussi les deux CSV")
    importer = sous_commandes.add_parser(
        "importer",
        help="importer un registre existant (CSV ou .xlsx) : essai à blanc, puis --appliquer",
        description="Importe des actions, leur historique daté, des mesures d'indicateurs et des réunions "
        "tenues dans un serveur ; sans --appliquer, montre seulement ce qui serait fait. "
        "Lit DATABASE_URL comme le bot.",
    )
    importer.add_argument(
        "fichiers",
        type=Path,
        nargs="+",
        metavar="FICHIER",
        help="CSV ou classeur .xlsx (actions, historique, mesures, réunions ; reconnus à leurs en-têtes)",
    )
    importer.add_argument(
        "--serveur", type=_identifiant, required=True, help="identifiant Discord du serveur"
    )
    importer.add_argument(
        "--appliquer", action="store_true", help="écrire l'import (tout ou rien) au lieu de l'essai à blanc"
    )
    importer.add_argument(
        "--auteur",
        type=_identifiant,
        help="identifiant Discord de la personne au nom de qui importer (obligatoire avec --appliquer) : "
        "auteur au journal, et responsable des actions qui n'en nomment pas",
    )
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

    annee = int(arguments.annee)
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


def importer_registre(reglages: Reglages, arguments: argparse.Namespace) -> int:
    """Montre le plan d'un import, ou l'applique avec --appliquer ; rend le code de sortie."""
    from bot.base import BaseDonnees
    from metier.erreurs import ErreurMetier
    from metier.importation.application import importer
    from metier.importation.lecture import verifier_taille
    from metier.importation.plan import planifier

    if arguments.appliquer and arguments.auteur is None:
        print(
            "Erreur : avec --appliquer, indiquez --auteur ID (votre identifiant Discord) : l'import est "
            "journalisé à votre nom. Rien n'a été importé.",
            file=sys.stderr,
        )
        return 2
    fichiers: list[tuple[str, bytes]] = []
    try:
        for chemin in arguments.fichiers:
            verifier_taille(chemin.name, chemin.stat().st_size)
            fichiers.append((chemin.name, chemin.read_bytes()))
    except OSError as erreur:
        print(f"Erreur : impossible de lire {erreur.filename} ({erreur.strerror}).", file=sys.stderr)
        return 1
    except ErreurMetier as erreur:
        print(f"Erreur : {erreur.message}", file=sys.stderr)
        return 1
    base = BaseDonnees(reglages.database_url)
    maintenant = datetime.now(UTC)
    try:
        base.migrer()
        plan = base.lecture(planifier, guild_id=arguments.serveur, fichiers=fichiers, maintenant=maintenant)
        apercu = plan.apercu()
        print(f"Import dans le serveur {arguments.serveur} de : {', '.join(apercu.fichiers)}")
        print(f"Essai à blanc : {apercu.en_mots()}.")
        for avertissement in apercu.avertissements:
            print(f"  Avertissement — {avertissement}")
        for erreur_ligne in apercu.erreurs:
            print(f"  Erreur — {erreur_ligne}", file=sys.stderr)
        if apercu.erreurs:
            print(
                f"{len(apercu.erreurs)} erreur(s) : rien n'a été importé. Corrigez le fichier puis relancez.",
                file=sys.stderr,
            )
            return 1
        if not arguments.appliquer:
            print("Rien n'a été écrit. Relancez avec --appliquer --auteur ID pour importer.")
            return 0
        print("Application de l'import (une seule transaction : tout ou rien)…", flush=True)
        bilan = base.transaction(
            importer,
            guild_id=arguments.serveur,
            fichiers=fichiers,
            auteur_id=arguments.auteur,
            maintenant=maintenant,
        )
    except ErreurMetier as erreur:
        print(f"Erreur : {erreur.message}", file=sys.stderr)
        return 1
    finally:
        base.fermer()
    print(f"Import terminé : {bilan.en_mots(applique=True)}.")
    return 0


def produire_bilan(reglages: Reglages, arguments: argparse.Namespace) -> int:
    """Écrit le bilan final d'une édition (PDF, et les deux CSV si demandé) ; rend le code de sortie."""
    from sqlalchemy.engine import make_url

    from bot.base import BaseDonnees
    from metier.erreurs import ErreurMetier
    from metier.rapport.bilan import csv_du_bilan, rassembler_bilan, resume_du_bilan
    from rendu.bilan import produire_pdf_bilan

    base = BaseDonnees(reglages.database_url)
    adresse = make_url(base.url).render_as_string(hide_password=True)
    try:
        base.migrer()
        bilan = base.lecture(
            rassembler_bilan,
            guild_id=arguments.serveur,
            maintenant=datetime.now(UTC),
            edition=arguments.edition,
        )
    except ErreurMetier as erreur:
        print(f"Erreur : {erreur.message}\n(base : {adresse})", file=sys.stderr)
        return 1
    finally:
        base.fermer()
    ecrits = [(arguments.sortie or Path(f"bilan-{bilan.nom}.pdf"), produire_pdf_bilan(bilan))]
    if arguments.csv is not None:
        ecrits += [(arguments.csv / nom, contenu) for nom, contenu in csv_du_bilan(bilan)]
    try:
        for chemin, contenu in ecrits:
            chemin.parent.mkdir(parents=True, exist_ok=True)
            chemin.write_bytes(contenu)
    except OSError as erreur:
        print(f"Erreur : impossible d'écrire {erreur.filename} ({erreur.strerror}).", file=sys.stderr)
        return 1
    print(f"Bilan final de l'édition {bilan.nom} du serveur {arguments.serveur} : {resume_du_bilan(bilan)}.")
    for chemin, contenu in ecrits:
        print(f"  {chemin.resolve()} ({len(contenu):,} octets)".replace(",", "\u202f"))
    return 0


async def lancer(reglages: Reglages, *, synchroniser: bool) -> None:
    """Démarre le bot et l'arrête proprement sur SIGINT ou SIGTERM."""
    from bot.client import Passerelle  # discord.py n'est chargé qu'une fois les réglages valides

    assert reglages.discord_token is not None
    bot = Passerelle(reglages, forcer_synchro=synchroniser, servir_web=True)
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
    if arguments.commande == "rapport" and arguments.annee == BILAN:
        return produire_bilan(reglages, arguments)
    if arguments.commande == "rapport":
        return produire_rapport(reglages, arguments)
    if arguments.commande == "importer":
        return importer_registre(reglages, arguments)
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
