"""La page de suivi et l'agenda abonnable, servis par le processus du bot (aiohttp.web).

Rien n'est servi pour un serveur tant que sa coordination n'a pas ouvert la page
(`/config page activer`) : chaque adresse porte un jeton secret (`metier.page`), et un jeton faux,
ancien ou d'une page fermée reçoit la même page 404 qu'une adresse inconnue. Seuls GET et HEAD
sont acceptés ; chaque réponse porte une politique de sécurité du contenu (aucun script, aucune
ressource d'ailleurs) ; le nombre de requêtes par adresse est borné.

La boucle d'événements n'attend jamais : la base est lue dans un thread (`BaseDonnees.lire`), les
gabarits sont rendus dans un thread, les graphiques SVG et les PDF sont dessinés dans l'atelier
(le processus de dessin du bot).
"""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from importlib.resources import files
from typing import Any, Concatenate, Final, ParamSpec, Protocol, TypeVar

from aiohttp import web
from sqlmodel import Session

from metier.actions.export import sans_les_personnes
from metier.erreurs import ErreurMetier
from metier.graphiques import Donnees, donnees_axes, donnees_indicateurs
from metier.page import AccesPage, acces_par_jeton, agenda_par_jeton
from metier.rapport.bilan import Bilan, rassembler_bilan
from metier.rapport.donnees import Dossier, Rapport, rassembler
from metier.reunions.calendrier import calendrier_ics, derniere_modification, series_de_l_agenda
from rendu.bilan import produire_pdf_bilan
from rendu.graphiques import dessiner_svg
from rendu.rapport import produire_pdf
from web import donnees
from web.donnees import PageIntrouvable
from web.liens import MOTIF_JETON, chemin_page
from web.pages import FEUILLE_DE_STYLE, ICONE, rendre

P = ParamSpec("P")
R = TypeVar("R")
log = logging.getLogger(__name__)

POLITIQUE: Final = (
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
# Un SVG de matplotlib porte ses styles en ligne ; ouvert seul, il n'a droit à rien d'autre.
POLITIQUE_SVG: Final = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
METHODES: Final = frozenset({"GET", "HEAD"})
DEBUT_AGENDA: Final = datetime(2024, 1, 1, tzinfo=UTC)  # Last-Modified d'un agenda sans réunion
DUREE_RAPPORTS: Final = 300.0  # secondes pendant lesquelles un rapport produit est resservi
TITRE_INTROUVABLE: Final = "Page introuvable"
MESSAGE_INTROUVABLE: Final = (
    "Cette adresse ne mène à aucune page. Le lien a peut-être été renouvelé, ou la page fermée : "
    "demandez le lien à jour à la coordination du protocole."
)


class Lecteur(Protocol):
    """Ce que la page demande à la base : une lecture hors de la boucle (`bot.base.BaseDonnees`)."""

    def lire(
        self, fonction: Callable[Concatenate[Session, P], R], /, *args: P.args, **kwargs: P.kwargs
    ) -> Awaitable[R]:
        """Exécute `fonction(session, …)` en lecture seule, dans un thread."""
        ...


class Dessinateur(Protocol):
    """Ce que la page demande à l'atelier (`bot.atelier.Atelier`) : un dessin dans un autre processus."""

    def executer(self, fonction: Callable[..., R], /, *args: Any, **kwargs: Any) -> Awaitable[R]:
        """Exécute `fonction(*args, **kwargs)` dans le processus de dessin."""
        ...


@dataclass(frozen=True)
class Services:
    """Ce que le bot prête à la page : sa base, son atelier, son horloge."""

    base: Lecteur
    atelier: Dessinateur
    horloge: Callable[[], datetime]


# --- Débit par adresse --------------------------------------------------------------------------


class LimiteDebit:
    """Un seau à jetons par adresse : `capacite` requêtes d'affilée, puis `par_seconde` en régime."""

    def __init__(
        self,
        capacite: float = 120,
        par_seconde: float = 2.0,
        *,
        horloge: Callable[[], float] = time.monotonic,
        max_adresses: int = 10_000,
    ) -> None:
        self.capacite, self.par_seconde, self.horloge = capacite, par_seconde, horloge
        self.max_adresses = max_adresses
        self._seaux: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def attente(self, adresse: str) -> float:
        """Consomme un jeton ; rend 0 si la requête passe, sinon les secondes à attendre."""
        maintenant = self.horloge()
        jetons, depuis = self._seaux.pop(adresse, (self.capacite, maintenant))
        jetons = min(self.capacite, jetons + (maintenant - depuis) * self.par_seconde)
        attente = 0.0 if jetons >= 1 else (1 - jetons) / self.par_seconde
        self._seaux[adresse] = (jetons - 1 if attente == 0 else jetons, maintenant)
        while len(self._seaux) > self.max_adresses:  # mémoire bornée : l'adresse la plus ancienne part
            self._seaux.popitem(last=False)
        return attente


def adresse_du_client(requete: web.BaseRequest) -> str:
    """L'adresse du client ; derrière un mandataire local (Caddy, nginx), celle qu'il transmet."""
    distante = requete.remote or "inconnue"
    transmise = requete.headers.get("X-Forwarded-For")
    try:
        locale = ipaddress.ip_address(distante).is_loopback
    except ValueError:
        locale = False
    if locale and transmise:
        return transmise.split(",")[-1].strip() or distante
    return distante


# --- L'application ------------------------------------------------------------------------------


def _avec_acces(
    session: Session,
    jeton: str,
    fonction: Callable[..., R],
    maintenant: datetime,
    options: dict[str, Any],
) -> tuple[AccesPage, R]:
    """Retrouve la page de ce jeton, puis lit ses données, dans la même transaction."""
    acces = acces_par_jeton(session, jeton)
    if acces is None:
        raise PageIntrouvable
    return acces, fonction(session, acces=acces, maintenant=maintenant, **options)


def _graphique(session: Session, *, acces: AccesPage, maintenant: datetime, axe: int | None) -> Donnees:
    if axe is None:
        graphique: Donnees = donnees_axes(session, guild_id=acces.guild_id, maintenant=maintenant)
    else:
        graphique = donnees_indicateurs(session, guild_id=acces.guild_id, maintenant=maintenant, axe=axe)
    if graphique.est_vide:
        raise PageIntrouvable
    return graphique


def _dossier(session: Session, *, acces: AccesPage, maintenant: datetime, annee: int) -> Dossier:
    return rassembler(session, guild_id=acces.guild_id, annee=annee, maintenant=maintenant)


def _bilan(session: Session, *, acces: AccesPage, maintenant: datetime, edition: str) -> Bilan:
    try:
        return rassembler_bilan(session, guild_id=acces.guild_id, maintenant=maintenant, edition=edition)
    except ErreurMetier as erreur:  # une édition inconnue : la même 404 qu'une adresse inconnue
        raise PageIntrouvable from erreur


def _agenda(session: Session, jeton: str) -> tuple[list[Any], datetime]:
    guild_id = agenda_par_jeton(session, jeton)
    if guild_id is None:
        raise PageIntrouvable
    modifiee = derniere_modification(session, guild_id=guild_id) or DEBUT_AGENDA
    return series_de_l_agenda(session, guild_id=guild_id), modifiee.replace(microsecond=0)


def rapport_sans_noms(rapport: Rapport) -> Rapport:
    """Le rapport où chaque responsable est désigné par sa ville porteuse (la page publique)."""
    sections = tuple(
        replace(
            section,
            actions=tuple(
                replace(a, responsable=rapport.nom_ville(a.ville), responsable_id=0) for a in section.actions
            ),
        )
        for section in rapport.sections
    )
    return replace(rapport, sections=sections)


def _etiquette(contenu: bytes) -> str:
    return '"' + hashlib.sha256(contenu).hexdigest()[:32] + '"'


class Site:
    """Les pages, l'agenda, leurs caches ; `application` les sert."""

    def __init__(self, services: Services, *, limite: LimiteDebit | None = None) -> None:
        self.services = services
        self.limite = limite or LimiteDebit()
        self.feuille = files("web").joinpath("statique/passerelle.css").read_bytes()
        self.icone = files("web").joinpath("statique/icone.svg").read_bytes()
        self._svg: OrderedDict[Donnees, bytes] = OrderedDict()
        self._rapports: dict[tuple[int, int, bool], tuple[float, Dossier, bytes | None]] = {}
        self._verrou_rapports = asyncio.Lock()

    def application(self) -> web.Application:
        """L'application aiohttp : routes GET (HEAD compris) et intergiciels de sécurité."""
        app = web.Application(middlewares=[self._securite, self._methodes, self._debit])
        jeton = f"{{jeton:{MOTIF_JETON}}}"
        app.router.add_get(FEUILLE_DE_STYLE, self.feuille_de_style)
        app.router.add_get(ICONE, self.icone_du_site)
        app.router.add_get("/favicon.ico", self.icone_du_site)
        app.router.add_get(f"/p/{jeton}", self.sans_barre)
        app.router.add_get(f"/p/{jeton}/", self.accueil)
        app.router.add_get(f"/p/{jeton}/axes/{{numero:[0-9]{{1,3}}}}", self.axe)
        app.router.add_get(f"/p/{jeton}/reunions", self.reunions)
        app.router.add_get(f"/p/{jeton}/rapports", self.rapports)
        app.router.add_get(f"/p/{jeton}/rapports/rapport-{{annee:[0-9]{{4}}}}.pdf", self.rapport_pdf)
        app.router.add_get(f"/p/{jeton}/rapports/bilan-{{edition:[0-9]{{4}}-[0-9]{{4}}}}.pdf", self.bilan_pdf)
        app.router.add_get(
            f"/p/{jeton}/rapports/{{quoi:actions|mesures-indicateurs}}-{{annee:[0-9]{{4}}}}.csv",
            self.rapport_csv,
        )
        app.router.add_get(f"/p/{jeton}/graphiques/axes.svg", self.graphique_axes)
        app.router.add_get(
            f"/p/{jeton}/graphiques/indicateurs-{{axe:[0-9]{{1,3}}}}.svg", self.graphique_indicateurs
        )
        app.router.add_get(f"/agenda/{jeton}.ics", self.agenda)
        app.on_response_prepare.append(_nommer_le_serveur)
        return app

    # --- Intergiciels ---

    @web.middleware
    async def _securite(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        try:
            reponse = await handler(request)
        except (PageIntrouvable, ErreurMetier):
            reponse = await self._introuvable()
        except web.HTTPNotFound:
            reponse = await self._introuvable()
        except web.HTTPException as exception:
            reponse = exception
        except Exception:
            log.exception("Erreur en servant %s", request.path.split("/p/")[0] or "une page")
            reponse = await self._page_erreur(
                500, "Erreur du serveur", "La page n'a pas pu être produite. Réessayez dans un moment."
            )
        entetes = reponse.headers
        entetes.setdefault("Content-Security-Policy", POLITIQUE)
        entetes["X-Content-Type-Options"] = "nosniff"
        entetes["Referrer-Policy"] = "no-referrer"
        entetes["X-Frame-Options"] = "DENY"
        entetes["Cross-Origin-Resource-Policy"] = "same-origin"
        entetes["X-Robots-Tag"] = "noindex, nofollow"
        entetes.setdefault("Cache-Control", "private, no-cache")
        return reponse

    @web.middleware
    async def _methodes(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        if request.method not in METHODES:
            reponse = await self._page_erreur(
                405, "Méthode refusée", "Cette page se consulte seulement (GET ou HEAD)."
            )
            reponse.headers["Allow"] = "GET, HEAD"
            return reponse
        return await handler(request)

    @web.middleware
    async def _debit(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        attente = self.limite.attente(adresse_du_client(request))
        if attente > 0:
            reponse = await self._page_erreur(
                429, "Trop de requêtes", "Trop de requêtes depuis votre adresse : réessayez dans un instant."
            )
            reponse.headers["Retry-After"] = str(max(1, round(attente)))
            return reponse
        return await handler(request)

    async def _introuvable(self) -> web.Response:
        return await self._page_erreur(404, TITRE_INTROUVABLE, MESSAGE_INTROUVABLE)

    async def _page_erreur(self, statut: int, titre: str, message: str) -> web.Response:
        html = rendre("introuvable.html", titre=titre, message=message)
        return web.Response(status=statut, body=html, content_type="text/html", charset="utf-8")

    # --- Lecture ---

    async def _lire(
        self, requete: web.Request, fonction: Callable[..., R], **options: Any
    ) -> tuple[AccesPage, R]:
        return await self.services.base.lire(
            _avec_acces, requete.match_info["jeton"], fonction, self.services.horloge(), options
        )

    async def _html(self, requete: web.Request, gabarit: str, courante: str, page: Any) -> web.Response:
        html = await asyncio.to_thread(
            rendre,
            gabarit,
            page=page,
            entete=page.entete,
            racine=chemin_page(requete.match_info["jeton"]),
            courante=courante,
        )
        return web.Response(body=html, content_type="text/html", charset="utf-8")

    # --- Pages ---

    async def feuille_de_style(self, _requete: web.Request) -> web.Response:
        """La feuille de style (une seule ressource statique, servie depuis la mémoire)."""
        return web.Response(
            body=self.feuille,
            content_type="text/css",
            charset="utf-8",
            headers={"Cache-Control": "public, max-age=3600"},
        )

    async def icone_du_site(self, _requete: web.Request) -> web.Response:
        """L'icône de l'onglet (SVG, servie depuis la mémoire)."""
        return web.Response(
            body=self.icone,
            content_type="image/svg+xml",
            headers={"Cache-Control": "public, max-age=86400", "Content-Security-Policy": POLITIQUE_SVG},
        )

    async def sans_barre(self, requete: web.Request) -> web.StreamResponse:
        """/p/jeton → /p/jeton/ (les liens de la page sont relatifs à sa racine)."""
        raise web.HTTPMovedPermanently(chemin_page(requete.match_info["jeton"]))

    async def accueil(self, requete: web.Request) -> web.Response:
        """La page d'accueil."""
        _, page = await self._lire(requete, donnees.accueil)
        return await self._html(requete, "accueil.html", "accueil", page)

    async def axe(self, requete: web.Request) -> web.Response:
        """La page d'un axe (`?page=2` pour la suite des actions)."""
        texte = requete.query.get("page", "1")
        if not texte.isdigit() or not 1 <= int(texte) <= 10_000:
            raise PageIntrouvable
        numero = int(requete.match_info["numero"])
        _, page = await self._lire(requete, donnees.page_axe, numero=numero, page=int(texte) - 1)
        return await self._html(requete, "axe.html", f"axe-{numero}", page)

    async def reunions(self, requete: web.Request) -> web.Response:
        """Les réunions à venir et passées."""
        _, page = await self._lire(requete, donnees.page_reunions)
        return await self._html(requete, "reunions.html", "reunions", page)

    async def rapports(self, requete: web.Request) -> web.Response:
        """Les rapports annuels à télécharger."""
        _, page = await self._lire(requete, donnees.page_rapports)
        return await self._html(requete, "rapports.html", "rapports", page)

    # --- Graphiques ---

    async def graphique_axes(self, requete: web.Request) -> web.Response:
        """Le graphique `axes` en SVG."""
        return await self._svg_de(requete, axe=None)

    async def graphique_indicateurs(self, requete: web.Request) -> web.Response:
        """Le graphique des indicateurs d'un axe en SVG."""
        return await self._svg_de(requete, axe=int(requete.match_info["axe"]))

    async def _svg_de(self, requete: web.Request, *, axe: int | None) -> web.Response:
        _, graphique = await self._lire(requete, _graphique, axe=axe)
        svg = self._svg.get(graphique)
        if svg is None:
            svg = await self.services.atelier.executer(dessiner_svg, graphique)
            self._svg[graphique] = svg
            while len(self._svg) > 64:
                self._svg.popitem(last=False)
        else:
            self._svg.move_to_end(graphique)
        return _conditionnel(
            requete,
            web.Response(
                body=svg,
                content_type="image/svg+xml",
                headers={"Content-Security-Policy": POLITIQUE_SVG, "Cache-Control": "private, max-age=300"},
            ),
            _etiquette(svg),
        )

    # --- Rapports ---

    async def _dossier(self, requete: web.Request, *, pdf: bool) -> tuple[Dossier, bytes | None, bool]:
        acces, dossier = await self._lire(requete, _dossier, annee=int(requete.match_info["annee"]))
        cle = (acces.guild_id, int(requete.match_info["annee"]), acces.publique)
        async with self._verrou_rapports:  # un rapport à la fois : l'atelier n'a qu'un processus
            connu = self._rapports.get(cle)
            if connu is not None and time.monotonic() - connu[0] < DUREE_RAPPORTS and (connu[2] or not pdf):
                return connu[1], connu[2], acces.publique
            document = None
            if pdf:
                rapport = rapport_sans_noms(dossier.rapport) if acces.publique else dossier.rapport
                document = await self.services.atelier.executer(produire_pdf, rapport)
            # Seuls les rapports récents restent en mémoire (un dossier de 10 000 actions pèse).
            for ancienne in [
                c for c, (quand, _, _) in self._rapports.items() if time.monotonic() - quand > DUREE_RAPPORTS
            ]:
                del self._rapports[ancienne]
            self._rapports[cle] = (time.monotonic(), dossier, document)
            return dossier, document, acces.publique

    async def rapport_pdf(self, requete: web.Request) -> web.Response:
        """Le rapport annuel en PDF."""
        _, document, _ = await self._dossier(requete, pdf=True)
        assert document is not None
        nom = f"rapport-{requete.match_info['annee']}.pdf"
        return web.Response(
            body=document,
            content_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{nom}"'},
        )

    async def bilan_pdf(self, requete: web.Request) -> web.Response:
        """Le bilan final d'une édition en PDF (il ne nomme personne : mêmes données en mode public)."""
        _, bilan = await self._lire(requete, _bilan, edition=requete.match_info["edition"])
        async with self._verrou_rapports:  # un document à la fois : l'atelier n'a qu'un processus
            document = await self.services.atelier.executer(produire_pdf_bilan, bilan)
        return web.Response(
            body=document,
            content_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="bilan-{bilan.nom}.pdf"'},
        )

    async def rapport_csv(self, requete: web.Request) -> web.Response:
        """Un CSV de l'année : les actions, ou les mesures des indicateurs."""
        dossier, _, publique = await self._dossier(requete, pdf=False)
        quoi = requete.match_info["quoi"]
        contenu = dossier.csv_actions if quoi == "actions" else dossier.csv_mesures
        if publique:
            contenu = await asyncio.to_thread(sans_les_personnes, contenu)
        nom = f"{quoi}-{requete.match_info['annee']}.csv"
        return web.Response(
            body=contenu,
            content_type="text/csv",
            charset="utf-8",
            headers={"Content-Disposition": f'attachment; filename="{nom}"'},
        )

    # --- Agenda ---

    async def agenda(self, requete: web.Request) -> web.Response:
        """L'agenda abonnable (.ics) : étiquette et date de modification pour les relectures."""
        series, modifiee = await self.services.base.lire(_agenda, requete.match_info["jeton"])
        contenu = await asyncio.to_thread(calendrier_ics, series, maintenant=modifiee, abonnement=True)
        reponse = web.Response(
            body=contenu,
            content_type="text/calendar",
            charset="utf-8",
            headers={
                "Last-Modified": format_datetime(modifiee, usegmt=True),
                "Cache-Control": "private, max-age=0, must-revalidate",
                "Content-Disposition": 'inline; filename="reunions.ics"',
            },
        )
        return _conditionnel(requete, reponse, _etiquette(contenu), modifiee)


def _conditionnel(
    requete: web.Request, reponse: web.Response, etiquette: str, modifiee: datetime | None = None
) -> web.Response:
    """Pose l'étiquette ; rend 304 si le client a déjà cette version (If-None-Match, If-Modified-Since)."""
    reponse.headers["ETag"] = etiquette
    demandees = requete.headers.get("If-None-Match")
    if demandees is not None:
        inchangee = etiquette in {e.strip() for e in demandees.split(",")} or demandees.strip() == "*"
    elif modifiee is not None and (depuis := _date_http(requete.headers.get("If-Modified-Since"))):
        inchangee = modifiee <= depuis
    else:
        inchangee = False
    if not inchangee:
        return reponse
    gardees = {k: v for k, v in reponse.headers.items() if k in {"ETag", "Last-Modified", "Cache-Control"}}
    return web.Response(status=304, headers=gardees)


def _date_http(texte: str | None) -> datetime | None:
    if not texte:
        return None
    try:
        instant = parsedate_to_datetime(texte)
    except (TypeError, ValueError):
        return None
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)


async def _nommer_le_serveur(_requete: web.Request, reponse: web.StreamResponse) -> None:
    reponse.headers["Server"] = "Passerelle"


# --- Le serveur ---------------------------------------------------------------------------------


class ServeurWeb:
    """Le serveur HTTP de la page, dans la boucle du bot ; `demarrer` puis `arreter`."""

    def __init__(
        self, services: Services, *, hote: str, port: int, limite: LimiteDebit | None = None
    ) -> None:
        self.site = Site(services, limite=limite)
        self.hote, self.port = hote, port
        self._coureur: web.AppRunner | None = None

    async def demarrer(self) -> None:
        """Écoute sur `hote:port`."""
        # Pas de journal d'accès : chaque adresse contient un lien secret.
        self._coureur = web.AppRunner(self.site.application(), access_log=None)
        await self._coureur.setup()
        try:
            await web.TCPSite(self._coureur, self.hote, self.port).start()
        except OSError as erreur:
            # Le bot reste utile sans sa page : il le dit et continue.
            log.error(
                "La page de suivi ne peut pas écouter sur %s:%d (%s) : changez WEB_HOTE ou WEB_PORT. "
                "Le bot continue sans elle.",
                self.hote,
                self.port,
                erreur.strerror or erreur,
            )
            await self.arreter()
            return
        log.info("Page de suivi servie sur http://%s:%d", self.hote, self.port)

    def decrire(self) -> str:
        """L'état de la page en une ligne, pour `/statut`."""
        if self._coureur is None:
            return f"arrêtée (rien n'écoute sur {self.hote}:{self.port} : voir le journal du bot)"
        return f"servie sur {self.hote}:{self.port}"

    async def arreter(self) -> None:
        """Ferme les connexions et cesse d'écouter."""
        if self._coureur is not None:
            await self._coureur.cleanup()
            self._coureur = None
