"""Mille serveurs × mille actions sur PostgreSQL : démarrage, interactions, rafale du lundi 09 h 00, mémoire.

`python -m bench milliers [--serveurs 1000] [--actions 1000] [--base URL]` (PostgreSQL seulement ;
le bench crée son schéma et le supprime). La base est peuplée par étapes (1, 100, puis tous les
serveurs), en bloc (`COPY`) et hors du processus mesuré ; à chaque étape :

- démarrage à froid d'un nouveau processus jusqu'à « prêt » (tous les serveurs dans simcord) ;
- p95 des interactions (/action liste, voir, avancement, autocomplétion) réparties sur les serveurs.

À la dernière étape, chaque serveur a son salon de résumé et son résumé du lundi 09 h 00 à
Terrebonne : l'horloge du bot (qui avance en temps réel) saute à 08 h 59 min 55 s et l'on mesure
la rafale des résumés (avec graphique) pendant que des interactions arrivent, dix par seconde.

simcord ne simule aucune limite de débit (son client HTTP remplace `HTTPClient.request`, où
discord.py gère les 429) : `DiscordLimite` les rajoute comme Discord les applique (50 requêtes par
seconde en tout, 5 messages par 5 s et par salon) et rejoue ce que fait discord.py d'un 429 :
attendre `retry_after`, puis renvoyer. Un 429 est donc compté à part, jamais comme un échec.
"""

from __future__ import annotations

import asyncio
import collections
import faulthandler
import json
import multiprocessing
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text

from bench.commun import URL_POSTGRES, Chronometre, SondeBoucle, base_de_mesure, resume
from bench.memoire import _oublier_le_simulateur, _processus_atelier, _rss_mo
from bot.base import creer_moteur

PREMIER_SERVEUR = 900_000_000_000_000_000
TERREBONNE = ZoneInfo("America/Toronto")
# Le lundi du bench : 30 novembre 2026, 09 h 00 à Terrebonne (14 h 00 UTC).
LUNDI_9H = datetime(2026, 11, 30, 9, tzinfo=TERREBONNE).astimezone(UTC)
REPETITIONS = 100  # par interaction et par étape
BUDGET_PRET_S = 5.0
BUDGET_P95_MS = 25.0
BUDGET_RAFALE_S = 600.0
BUDGET_RSS_MO = 300.0
MOTS = ["plantation", "arbres", "forum", "emploi", "échange", "étudiants", "atelier", "mobilité", "recherche"]


def serveurs(nombre: int) -> list[int]:
    """Les identifiants (fixés) des `nombre` premiers serveurs du bench."""
    return [PREMIER_SERVEUR + (i << 22) for i in range(nombre)]


# --- Peuplement (hors du processus mesuré) --------------------------------------------------------


def peupler(url: str, guild_ids: list[int], actions: int) -> None:
    """Amorce les serveurs (règles du bot), puis copie leurs actions et leur historique en bloc (COPY)."""
    from sqlmodel import Session

    from metier.serveurs import amorcer_serveur
    from metier.temps import normaliser

    aleatoire = random.Random(guild_ids[0])
    moteur = creer_moteur(url)
    with Session(moteur) as session:
        for guild_id in guild_ids:
            amorcer_serveur(session, guild_id, maintenant=datetime(2025, 1, 1, tzinfo=UTC))
        session.commit()
    connexion = moteur.raw_connection()
    try:
        pg = connexion.driver_connection
        assert pg is not None
        with pg.cursor() as curseur:
            curseur.execute(
                "SELECT guild_id, id FROM axe WHERE guild_id = ANY(%s) ORDER BY guild_id, id", (guild_ids,)
            )
            axes: dict[int, list[int]] = collections.defaultdict(list)
            for guild_id, axe_id in curseur.fetchall():
                axes[guild_id].append(axe_id)
            debut, fin = datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 11, 23, 5, tzinfo=UTC)
            minutes = int((fin - debut).total_seconds() // 60)
            colonnes = (
                "guild_id, numero, titre, recherche, axe_id, ville, responsable_id, auteur_id, partenaires, "
                "statut, avancement, echeance, archivee, cree_le, modifie_le"
            )
            with curseur.copy(f"COPY action ({colonnes}) FROM STDIN") as copie:
                for guild_id in guild_ids:
                    for numero in range(1, actions + 1):
                        titre = " ".join(aleatoire.choices(MOTS, k=4)).capitalize() + f" {numero}"
                        copie.write_row(
                            (
                                guild_id,
                                numero,
                                titre,
                                normaliser(titre),
                                aleatoire.choice(axes[guild_id]),
                                aleatoire.choice(["terrebonne", "namur", "toutes"]),
                                aleatoire.randint(1, 50),
                                aleatoire.randint(1, 50),
                                "UNamur, UQTR",
                                aleatoire.choice(["proposee", "en_cours", "en_pause", "terminee"]),
                                aleatoire.randint(0, 100),
                                date(2026, 1, 1) + timedelta(days=aleatoire.randint(0, 600)),
                                False,
                                debut,
                                debut + timedelta(minutes=aleatoire.randint(0, minutes)),
                            )
                        )
            curseur.execute(
                "SELECT guild_id, id FROM action WHERE guild_id = ANY(%s) ORDER BY id", (guild_ids,)
            )
            ids = curseur.fetchall()
            # Une mise à jour par action : neuf sur dix dans l'historique, une sur dix dans la semaine
            # résumée le lundi 30 novembre (23 → 30 novembre, heure de Terrebonne).
            semaine = datetime(2026, 11, 23, 5, tzinfo=UTC)
            with curseur.copy(
                "COPY mise_a_jour (guild_id, action_id, auteur_id, quand, avancement, statut, note) "
                "FROM STDIN"
            ) as copie:
                for guild_id, action_id in ids:
                    dans_la_semaine = aleatoire.random() < 0.1
                    quand = (
                        semaine + timedelta(minutes=aleatoire.randint(0, 7 * 24 * 60 - 1))
                        if dans_la_semaine
                        else debut + timedelta(minutes=aleatoire.randint(0, minutes))
                    )
                    copie.write_row(
                        (
                            guild_id,
                            action_id,
                            aleatoire.randint(1, 50),
                            quand,
                            aleatoire.randint(0, 100),
                            "en_cours",
                            "Point d'étape",
                        )
                    )
            curseur.execute(
                "UPDATE config_serveur SET prochain_numero_action = %s WHERE guild_id = ANY(%s)",
                (actions + 1, guild_ids),
            )
        pg.commit()
        with pg.cursor() as curseur:
            curseur.execute("ANALYZE")
        pg.commit()
    finally:
        connexion.close()
        moteur.dispose()


def peupler_a_part(url: str, guild_ids: list[int], actions: int) -> float:
    """`peupler`, en deux processus à part (deux cœurs) ; rend la durée en secondes."""
    debut = time.perf_counter()
    contexte = multiprocessing.get_context("spawn")
    moities = [guild_ids[: len(guild_ids) // 2], guild_ids[len(guild_ids) // 2 :]]
    processus = [
        contexte.Process(target=peupler, args=(url, moitie, actions)) for moitie in moities if moitie
    ]
    for p in processus:
        p.start()
    for p in processus:
        p.join()
        if p.exitcode != 0:
            raise RuntimeError(f"le peuplement a échoué (code {p.exitcode})")
    return time.perf_counter() - debut


# --- Démarrage à froid ----------------------------------------------------------------------------

ENFANT = r"""
import asyncio, json, resource, sys, time
debut = float(sys.argv[3])
from bot.client import Passerelle
from bot.reglages import Reglages
import simcord
from bench.milliers import demarrage_patient

async def principal():
    # À l'heure du bench (lundi 08 h 30 à Terrebonne), pas à l'heure réelle : un démarrage réel
    # passé le lundi 09 h 00 du bench jugerait dus et sauterait (sans salon) les résumés mesurés.
    from bench.milliers import HorlogeReglable, LUNDI_9H
    from bot.planificateur import suivre_heure_murale
    from datetime import timedelta

    horloge = HorlogeReglable(LUNDI_9H - timedelta(minutes=30))
    suivre_heure_murale(horloge)
    bot = Passerelle(Reglages(_env_file=None, database_url=sys.argv[1]), horloge=horloge)
    env = simcord.Env(bot)
    for guild_id in json.loads(sys.argv[2]):
        env.create_guild("Jumelage", id=guild_id)
    pret = asyncio.get_running_loop().create_task(bot.pret.wait())
    en_route = asyncio.get_running_loop().create_task(bot.en_route.wait())
    instant = {}
    pret.add_done_callback(lambda _: instant.setdefault("pret", time.time()))
    en_route.add_done_callback(lambda _: instant.setdefault("en_route", time.time()))
    demarrage_patient()
    await env.start()
    with env.time_context():
        await pret
        await en_route
        print(json.dumps({
            "pret_s": instant["pret"] - debut,
            "en_route_s": instant["en_route"] - debut,
            "serveurs": len(bot.guilds),
            "rss_mo": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }), flush=True)
        await env.shutdown()
    await bot.close()

asyncio.run(principal())
"""


def demarrage_patient() -> None:
    """simcord attend 5 s au plus que le bot se calme après « prêt » ; mille serveurs demandent plus.

    Ce n'est pas la mesure (l'instant de « prêt » est relevé à part) : la mise en route de simcord
    (ses 5 s) ne doit simplement pas échouer avant que le bot ait fini ce qu'il fait au démarrage.
    """
    import simcord

    originale = simcord.Env._settle_internal
    if getattr(originale, "patient", False):
        return

    async def patient(env: Any, **options: Any) -> None:
        if options.get("timeout") == 5.0:
            options["timeout"] = 60.0
        await originale(env, **options)

    patient.patient = True  # type: ignore[attr-defined]
    simcord.Env._settle_internal = patient  # type: ignore[method-assign,assignment]


def demarrer_a_froid(url: str, guild_ids: list[int]) -> dict[str, Any]:
    """Lance un nouveau processus du bot (simcord, tous les serveurs présents) ; rend ses délais."""
    debut = time.time()
    sortie = subprocess.run(
        [sys.executable, "-c", ENFANT, url, json.dumps(guild_ids), str(debut)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if sortie.returncode != 0:
        raise RuntimeError(f"démarrage à froid en échec :\n{sortie.stderr[-3000:]}")
    resultat: dict[str, Any] = json.loads(sortie.stdout.strip().splitlines()[-1])
    return resultat


# --- Les limites de Discord ------------------------------------------------------------------------


class DiscordLimite:
    """Limites de débit de Discord ajoutées au faux client HTTP de simcord, et la réaction de discord.py.

    Global : 50 requêtes par seconde (les réponses aux interactions, qui passent par le webhook,
    n'y comptent pas, comme chez Discord). Par salon : 5 messages par 5 secondes. Au-delà, la
    requête reçoit un 429 ; comme discord.py, on attend `retry_after` et on renvoie.
    """

    GLOBAL = (50, 1.0)
    PAR_SALON = (5, 5.0)

    def __init__(self) -> None:
        self.global_: collections.deque[float] = collections.deque()
        self.salons: dict[str, collections.deque[float]] = collections.defaultdict(collections.deque)
        self.refus = 0
        self.acceptees: list[float] = []
        self._originale: Any = None

    @staticmethod
    def _attente(fenetre: collections.deque[float], limite: tuple[int, float], maintenant: float) -> float:
        nombre, duree = limite
        while fenetre and fenetre[0] <= maintenant - duree:
            fenetre.popleft()
        return fenetre[0] + duree - maintenant if len(fenetre) >= nombre else 0.0

    def admettre(self, methode: str, chemin: str) -> float:
        """0 si la requête passe (elle est comptée), sinon le `retry_after` du 429."""
        maintenant = time.perf_counter()
        attente = self._attente(self.global_, self.GLOBAL, maintenant)
        salon = None
        if methode == "POST" and chemin.startswith("/channels/") and chemin.endswith("/messages"):
            salon = self.salons[chemin]
            attente = max(attente, self._attente(salon, self.PAR_SALON, maintenant))
        if attente > 0:
            self.refus += 1
            return attente
        self.global_.append(maintenant)
        if salon is not None:
            salon.append(maintenant)
        self.acceptees.append(maintenant)
        return 0.0

    def installer(self) -> None:
        """Intercale les limites devant le client HTTP de simcord."""
        from simcord.http import client

        originale = self._originale = client.FakeHTTPClient.request
        limites = self

        async def request(http: Any, route: Any, **options: Any) -> Any:
            chemin = client._path_of(route.url)
            for _ in range(5):  # discord.py renvoie jusqu'à 5 fois
                attente = limites.admettre(route.method, chemin)
                if not attente:
                    break
                await asyncio.sleep(attente)
            return await originale(http, route, **options)

        client.FakeHTTPClient.request = request  # type: ignore[method-assign,assignment]

    def retirer(self) -> None:
        """Rend au client HTTP de simcord sa méthode d'origine."""
        from simcord.http import client

        if self._originale is not None:
            client.FakeHTTPClient.request = self._originale  # type: ignore[method-assign]

    def pic_par_seconde(self) -> int:
        """Le plus grand nombre de requêtes acceptées dans une fenêtre glissante d'une seconde."""
        pic, debut = 0, 0
        for fin, instant in enumerate(self.acceptees):
            while self.acceptees[debut] <= instant - 1.0:
                debut += 1
            pic = max(pic, fin - debut + 1)
        return pic


# --- L'horloge du bot ------------------------------------------------------------------------------


class HorlogeReglable:
    """Avance en temps réel depuis un instant choisi ; `regler` la fait sauter."""

    def __init__(self, depart: datetime) -> None:
        self._depart, self._t0 = depart, time.perf_counter()

    def __call__(self) -> datetime:
        return self._depart + timedelta(seconds=time.perf_counter() - self._t0)

    def regler(self, instant: datetime) -> None:
        """L'horloge indique désormais `instant` (et repart de là)."""
        self._depart, self._t0 = instant, time.perf_counter()


# --- Interactions ----------------------------------------------------------------------------------


def interactions(membres: list[tuple[Any, Any]], actions: int) -> list[tuple[str, Callable[[int], Any]]]:
    """Les interactions mesurées, chacune sur le serveur `i % len(membres)`."""
    mots = ["plan", "etudiants", "forum emploi", "12", "mobilite rech", "#45"]

    def sur(i: int) -> tuple[Any, Any]:
        return membres[(i * 7919) % len(membres)]

    return [
        ("/action liste", lambda i: sur(i)[0].slash(sur(i)[1], "action liste")),
        (
            "/action voir",
            lambda i: sur(i)[0].slash(sur(i)[1], "action voir", action=str(1 + i * 37 % actions)),
        ),
        (
            "/action avancement",
            lambda i: sur(i)[0].slash(
                sur(i)[1], "action avancement", action=str(1 + i * 13 % actions), pourcentage=i % 100
            ),
        ),
        (
            "autocomplétion action",
            lambda i: sur(i)[0].autocomplete(sur(i)[1], "action voir", "action", mots[i % len(mots)]),
        ),
    ]


async def mesurer_interactions(
    chronometre: Chronometre, membres: list[tuple[Any, Any]], actions: int
) -> float:
    """Affiche médiane et p95 de chaque interaction ; rend le pire p95 (ms)."""
    pire = 0.0
    for nom, faire in interactions(membres, actions):
        for i in range(REPETITIONS):
            await faire(i)
        durees = chronometre.relever()
        print("  " + resume(nom, durees, BUDGET_P95_MS), flush=True)
        pire = max(pire, _p95_ms(durees))
    return pire


def _p95_ms(durees: list[float]) -> float:
    ms = sorted(d * 1000 for d in durees)
    return ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))] if ms else 0.0


# --- La mesure -------------------------------------------------------------------------------------


async def _bot_dans_simcord(url: str, guild_ids: list[int], horloge: HorlogeReglable) -> Any:
    import simcord

    from bot.client import Passerelle
    from bot.planificateur import suivre_heure_murale
    from bot.reglages import Reglages

    suivre_heure_murale(horloge)
    bot = Passerelle(
        Reglages(_env_file=None, database_url=url),  # type: ignore[call-arg]
        horloge=horloge,
        forcer_synchro=True,  # le démarrage à froid a noté les commandes, pas ce simcord-ci
    )
    env = simcord.Env(bot)
    demarrage_patient()
    membres = []
    for guild_id in guild_ids:
        guild = env.create_guild("Jumelage", id=guild_id)
        salon = guild.create_text_channel("suivi")
        membres.append((guild.add_member(env.create_user(f"membre{guild_id % 100_000}")), salon))
    await env.start()
    return bot, env, membres


def _etat_des_resumes(moteur: Any) -> list[Any]:
    with moteur.connect() as connexion:
        return list(
            connexion.execute(
                text(
                    "SELECT statut, count(*), count(*) FILTER (WHERE en_retard) FROM livraison "
                    "WHERE type = 'resume' AND echeance = :e GROUP BY statut"
                ),
                {"e": LUNDI_9H},
            ).all()
        )


async def _rafale(
    url: str,
    bot: Any,
    env: Any,
    membres: list[tuple[Any, Any]],
    horloge: HorlogeReglable,
    chronometre: Chronometre,
    actions: int,
) -> dict[str, Any]:
    """Saute à 08 h 59 min 55 s, laisse partir les résumés et envoie dix interactions par seconde."""
    moteur = creer_moteur(url)
    salons = [
        (salon.id, guild_id) for (_, salon), guild_id in zip(membres, serveurs(len(membres)), strict=True)
    ]
    with moteur.begin() as connexion:
        connexion.execute(
            text("UPDATE config_serveur SET salon_resume_id = :salon WHERE guild_id = :guild"),
            [{"salon": s, "guild": g} for s, g in salons],
        )
    limites = DiscordLimite()
    limites.installer()
    horloge.regler(LUNDI_9H - timedelta(seconds=5))
    ordonnanceur = bot.planificateur._ordonnanceur
    if ordonnanceur is not None:
        ordonnanceur.wakeup()
    # Pendant la rafale, simcord n'attend pas que le bot soit au repos après chaque interaction
    # (il attendrait la fin de la rafale) : les interactions arrivent à cadence fixe.
    reglee = env._settle_internal

    async def sans_attendre(**_: Any) -> None:
        await asyncio.sleep(0)

    env._settle_internal = sans_attendre
    debut = time.perf_counter()
    restantes, i = len(membres), 0
    liste = interactions(membres, actions)
    par_type: dict[str, list[float]] = collections.defaultdict(list)
    sonde = SondeBoucle()
    sonde.__enter__()
    suivi = {"envoyee": 0, "echec": 0, "sautee": 0, "en_retard": 0}
    try:
        while time.perf_counter() - debut < BUDGET_RAFALE_S + 120:
            await liste[i % len(liste)][1](i)
            await asyncio.sleep(0.1)
            par_type[liste[i % len(liste)][0]].extend(chronometre.relever())
            i += 1
            if i % 20 == 0:
                lignes = await asyncio.to_thread(_etat_des_resumes, moteur)
                suivi = {statut: nombre for statut, nombre, _ in lignes}
                suivi["en_retard"] = sum(r for _, _, r in lignes)
                restantes = suivi.get("prevue", 0)
                if restantes == 0 and suivi.get("envoyee", 0) + suivi.get("echec", 0) + suivi.get(
                    "sautee", 0
                ):
                    break
        with moteur.connect() as connexion:
            derniere = connexion.execute(
                text("SELECT max(envoyee_le) FROM livraison WHERE type = 'resume' AND echeance = :e"),
                {"e": LUNDI_9H},
            ).scalar()
    finally:
        sonde.__exit__()
        env._settle_internal = reglee
        limites.retirer()
        moteur.dispose()
    par_type["(fin)"].extend(chronometre.relever())
    durees = [d for liste_ in par_type.values() for d in liste_]
    return {
        "par_type": par_type,
        "boucle_ms": sonde.retard_max * 1000,
        "suivi": suivi,
        "duree_s": (derniere - LUNDI_9H).total_seconds() if derniere else None,
        "durees": durees,
        "refus_429": limites.refus,
        "pic": limites.pic_par_seconde(),
        "requetes": len(limites.acceptees),
    }


async def mesurer(choix_base: str, *, serveurs_max: int = 1000, actions: int = 1000) -> None:
    """Peuple par étapes et affiche démarrage, interactions, rafale du lundi et mémoire."""
    faulthandler.register(signal.SIGUSR1)  # kill -USR1 : où en est la mesure
    choix = URL_POSTGRES if choix_base == "sqlite" else choix_base
    etapes = sorted({n for n in (1, 100, serveurs_max) if n <= serveurs_max})
    charge = open("/proc/loadavg").read().split()[:3]  # noqa: SIM115, ASYNC230
    print(f"charge de la machine au début (uptime) : {' '.join(charge)}")
    print(f"{serveurs_max} serveurs × {actions} actions")
    with base_de_mesure(choix) as url:
        peuples = 0
        for etape in etapes:
            ids = serveurs(etape)
            duree = peupler_a_part(url, ids[peuples:], actions)
            peuples = etape
            print(
                f"\n--- {etape} serveur(s) × {actions} actions : base complétée en {duree:.1f} s", flush=True
            )
            froid = demarrer_a_froid(url, ids)
            succes = "OK" if froid["pret_s"] <= BUDGET_PRET_S else "DÉPASSÉ"
            print(
                f"  processus → prêt : {froid['pret_s']:.2f} s ({froid['serveurs']} serveurs, "
                f"budget ≤ {BUDGET_PRET_S:g} s : {succes}) ; planification en route "
                f"(livraisons de chaque serveur préparées, en tâche de fond) : {froid['en_route_s']:.2f} s ; "
                f"mémoire résidente max {froid['rss_mo']:.0f} Mo",
                flush=True,
            )
            # Chaque étape dans un interpréteur neuf, comme le bot qui tourne seul dans son processus :
            # la mémoire relevée après la rafale ne garde rien des bots ni des simcord des étapes
            # précédentes (objets gelés par `gc.freeze`, tas jamais rendus).
            etape_a_part = multiprocessing.get_context("spawn").Process(
                target=_etape_a_part, args=(url, ids, actions, etape == etapes[-1])
            )
            etape_a_part.start()
            etape_a_part.join()
            if etape_a_part.exitcode != 0:
                raise RuntimeError(f"l'étape à {etape} serveur(s) a échoué (code {etape_a_part.exitcode})")
    print(f"charge de la machine à la fin : {' '.join(open('/proc/loadavg').read().split()[:3])}")  # noqa: SIM115, ASYNC230


def _etape_a_part(url: str, ids: list[int], actions: int, avec_rafale: bool) -> None:
    """Dans un processus neuf : le bot et simcord avec ces serveurs, les interactions, la rafale."""
    faulthandler.register(signal.SIGUSR1)
    asyncio.run(_etape(url, ids, actions, avec_rafale))


async def _etape(url: str, ids: list[int], actions: int, avec_rafale: bool) -> None:
    horloge = HorlogeReglable(LUNDI_9H - timedelta(minutes=30))
    bot, env, membres = await _bot_dans_simcord(url, ids, horloge)
    try:
        with env.time_context():
            await bot.pret.wait()
            await env.settle()
            chronometre = Chronometre(bot)
            await mesurer_interactions(chronometre, membres, actions)
            if avec_rafale:
                await _mesurer_rafale(url, bot, env, membres, horloge, chronometre, actions)
    finally:
        await env.shutdown()
        await bot.close()  # rend le verrou de meneur au bot de l'étape suivante


async def _mesurer_rafale(
    url: str,
    bot: Any,
    env: Any,
    membres: list[tuple[Any, Any]],
    horloge: HorlogeReglable,
    chronometre: Chronometre,
    actions: int,
) -> None:
    print(f"\n--- rafale du lundi 09 h 00 : {len(membres)} résumés hebdomadaires avec graphique", flush=True)
    r = await _rafale(url, bot, env, membres, horloge, chronometre, actions)
    suivi = r["suivi"]
    duree = r["duree_s"]
    tous = suivi.get("envoyee", 0) == len(membres)
    tenu = "OK" if tous and duree is not None and duree <= BUDGET_RAFALE_S else "DÉPASSÉ"
    print(
        f"  publiés {suivi.get('envoyee', 0)}/{len(membres)} (échecs {suivi.get('echec', 0)}, "
        f"sautés {suivi.get('sautee', 0)}, marqués en retard {suivi.get('en_retard', 0)}) ; "
        f"dernier à 09 h 00 + {duree if duree is not None else float('nan'):.0f} s "
        f"(budget ≤ {BUDGET_RAFALE_S:g} s : {tenu})"
    )
    print(
        f"  Discord : {r['requetes']} requêtes REST acceptées, pic {r['pic']} par seconde (limite 50), "
        f"{r['refus_429']} réponse(s) 429 (attendues : rejouées comme discord.py, pas des échecs)"
    )
    print("  " + resume("interactions pendant la rafale", r["durees"], BUDGET_P95_MS), flush=True)
    for nom, durees in r["par_type"].items():
        if durees:
            print("    " + resume(nom, durees), flush=True)
    print(f"  boucle d'événements bloquée pendant la rafale : {r['boucle_ms']:.0f} ms au plus", flush=True)
    _oublier_le_simulateur(env)
    import gc

    gc.collect()
    rss = _rss_mo()
    print(
        f"  mémoire résidente du processus du bot (simcord et ses {len(membres)} serveurs compris, "
        f"vidé des messages) : {rss:.0f} Mo (budget ≤ {BUDGET_RSS_MO:g} Mo : "
        f"{'OK' if rss <= BUDGET_RSS_MO else 'DÉPASSÉ'})"
    )
    # Ce que glibc garde de libre dans ses tas (threads du livreur et des interactions) sans le rendre :
    # la différence est de la fragmentation, pas des objets vivants.
    import ctypes

    ctypes.CDLL("libc.so.6").malloc_trim(0)
    print(f"  … après malloc_trim (tas libres rendus au système) : {_rss_mo():.0f} Mo", flush=True)
    for pid in _processus_atelier(bot):
        print(f"  processus de l'atelier / forkserver (pid {pid}) : {_rss_mo(pid):.0f} Mo, à part")
