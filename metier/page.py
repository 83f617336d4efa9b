"""Accès hors de Discord : ouvrir, renouveler et fermer la page de suivi, abonner un membre à l'agenda.

Un lien porte un jeton de `OCTETS_JETON` octets aléatoires (`secrets.token_urlsafe`) ; la base n'en
garde que l'empreinte SHA-256. Un lien présenté est retrouvé par son empreinte (une recherche
d'index), puis comparé en temps constant (`hmac.compare_digest`) : ni la base ni la comparaison ne
laissent deviner un jeton caractère par caractère. Un lien faux, ancien ou d'une page fermée ne se
distingue pas d'une adresse inconnue (`None`).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlmodel import Session, select

from metier.erreurs import ErreurMetier
from metier.journal import journaliser
from modeles import AbonnementAgenda, ModePage, PageWeb

OCTETS_JETON: Final = 24  # 192 bits aléatoires (au moins 128 demandés)
_FORME_JETON: Final = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
LIBELLES_MODE: Final = {
    ModePage.PRIVEE: "privée (les responsables sont nommés)",
    ModePage.PUBLIQUE: "publique (les responsables ne sont désignés que par leur ville)",
}


def nouveau_jeton() -> str:
    """Un jeton de lien secret, sûr pour une adresse (base64 URL, 32 caractères)."""
    return secrets.token_urlsafe(OCTETS_JETON)


def empreinte(jeton: str) -> str:
    """L'empreinte SHA-256 (hexadécimale) d'un jeton : ce que la base garde à sa place."""
    return hashlib.sha256(jeton.encode()).hexdigest()


def _forme_valide(jeton: str) -> bool:
    return bool(_FORME_JETON.match(jeton))


# --- Lecture : qui présente quel lien -----------------------------------------------------------


@dataclass(frozen=True)
class AccesPage:
    """Une page ouverte, retrouvée d'après son lien."""

    guild_id: int
    mode: ModePage

    @property
    def publique(self) -> bool:
        """Vrai si la page ne doit nommer personne."""
        return self.mode == ModePage.PUBLIQUE


def acces_par_jeton(session: Session, jeton: str) -> AccesPage | None:
    """La page ouverte de ce lien ; None pour un lien faux, ancien, ou d'une page fermée."""
    if not _forme_valide(jeton):
        return None
    cherchee = empreinte(jeton)
    page = session.exec(select(PageWeb).where(PageWeb.empreinte == cherchee)).first()
    if page is None or page.empreinte is None or not page.ouverte:
        return None
    if not hmac.compare_digest(page.empreinte, cherchee):
        return None
    return AccesPage(guild_id=page.guild_id, mode=ModePage(page.mode))


def agenda_par_jeton(session: Session, jeton: str) -> int | None:
    """Le serveur de ce lien d'agenda, si sa page est ouverte ; sinon None."""
    if not _forme_valide(jeton):
        return None
    cherchee = empreinte(jeton)
    abonnement = session.exec(select(AbonnementAgenda).where(AbonnementAgenda.empreinte == cherchee)).first()
    if abonnement is None or not hmac.compare_digest(abonnement.empreinte, cherchee):
        return None
    page = session.get(PageWeb, abonnement.guild_id)
    return abonnement.guild_id if page is not None and page.ouverte else None


def lire_page(session: Session, guild_id: int) -> PageWeb | None:
    """L'état de la page du serveur (ouverte ou non, son mode), s'il a déjà été réglé."""
    return session.get(PageWeb, guild_id)


# --- Écriture : la coordination ouvre, renouvelle, ferme -----------------------------------------


@dataclass(frozen=True)
class LienPage:
    """Ce que voit la coordination : le jeton (une seule fois), le mode, et si le lien est nouveau."""

    jeton: str | None
    mode: ModePage
    nouveau: bool


def _journaliser(
    session: Session,
    page: PageWeb,
    auteur_id: int,
    changements: dict[str, tuple[object, object]],
    quand: datetime,
) -> None:
    # Jamais le jeton ni son empreinte : le journal dit seulement que le lien a changé.
    journaliser(
        session,
        guild_id=page.guild_id,
        auteur_id=auteur_id,
        entite="page",
        entite_id=page.guild_id,
        changements=changements,
        quand=quand,
    )
    page.modifiee_par, page.modifiee_le = auteur_id, quand
    session.add(page)
    session.flush()


def activer_page(
    session: Session, *, guild_id: int, auteur_id: int, mode: ModePage, maintenant: datetime
) -> LienPage:
    """Ouvre la page avec un nouveau lien secret ; déjà ouverte, change seulement son mode.

    Le jeton n'est rendu qu'à l'ouverture : la base ne le garde pas. Pour un nouveau lien sur une
    page ouverte, c'est `renouveler_page`.
    """
    page = session.get(PageWeb, guild_id, with_for_update=True)
    if page is not None and page.ouverte:
        if page.mode == mode:
            raise ErreurMetier(
                f"La page de suivi est déjà ouverte et {LIBELLES_MODE[mode]}. Pour un nouveau lien "
                "(l'ancien cessera de fonctionner), tapez `/config page renouveler` ; pour la fermer, "
                "`/config page desactiver`."
            )
        ancien = page.mode
        page.mode = mode
        _journaliser(session, page, auteur_id, {"mode": (ancien, mode)}, maintenant)
        return LienPage(jeton=None, mode=mode, nouveau=False)
    jeton = nouveau_jeton()
    if page is None:
        page = PageWeb(guild_id=guild_id, modifiee_par=auteur_id)
    ancien_mode = page.mode if page.ouverte else None
    page.empreinte, page.mode, page.ouverte = empreinte(jeton), mode, True
    _journaliser(
        session, page, auteur_id, {"ouverte": (False, True), "mode": (ancien_mode, mode)}, maintenant
    )
    return LienPage(jeton=jeton, mode=mode, nouveau=True)


def _page_ouverte(session: Session, guild_id: int) -> PageWeb:
    page = session.get(PageWeb, guild_id, with_for_update=True)
    if page is None or not page.ouverte:
        raise ErreurMetier(
            "La page de suivi n'est pas ouverte sur ce serveur : la coordination l'ouvre avec "
            "`/config page activer`."
        )
    return page


def renouveler_page(session: Session, *, guild_id: int, auteur_id: int, maintenant: datetime) -> LienPage:
    """Remplace le lien de la page : l'ancien mène aussitôt à « page introuvable »."""
    page = _page_ouverte(session, guild_id)
    jeton = nouveau_jeton()
    page.empreinte = empreinte(jeton)
    _journaliser(session, page, auteur_id, {"lien": ("ancien", "renouvelé")}, maintenant)
    return LienPage(jeton=jeton, mode=ModePage(page.mode), nouveau=True)


def desactiver_page(session: Session, *, guild_id: int, auteur_id: int, maintenant: datetime) -> None:
    """Ferme la page et les agendas abonnés du serveur ; leurs liens ne serviront plus jamais."""
    page = _page_ouverte(session, guild_id)
    page.empreinte, page.ouverte = None, False
    _journaliser(session, page, auteur_id, {"ouverte": (True, False)}, maintenant)
    for abonnement in session.exec(select(AbonnementAgenda).where(AbonnementAgenda.guild_id == guild_id)):
        session.delete(abonnement)
    session.flush()


def abonner_agenda(session: Session, *, guild_id: int, membre_id: int, maintenant: datetime) -> str:
    """Donne au membre un lien d'agenda secret (le sien) ; son lien précédent cesse de fonctionner.

    Refusé tant que la coordination n'a pas ouvert la page du serveur : rien n'est servi avant.
    """
    page = session.get(PageWeb, guild_id)
    if page is None or not page.ouverte:
        raise ErreurMetier(
            "L'agenda à s'abonner n'est pas ouvert sur ce serveur : la coordination doit d'abord ouvrir "
            "la page de suivi avec `/config page activer`. Rien n'a été créé."
        )
    jeton = nouveau_jeton()
    abonnement = session.exec(
        select(AbonnementAgenda).where(
            AbonnementAgenda.guild_id == guild_id, AbonnementAgenda.membre_id == membre_id
        )
    ).first()
    if abonnement is None:
        abonnement = AbonnementAgenda(guild_id=guild_id, membre_id=membre_id, empreinte=empreinte(jeton))
    abonnement.empreinte, abonnement.cree_le = empreinte(jeton), maintenant
    session.add(abonnement)
    session.flush()
    return jeton
