"""Le protocole comme données : l'édition courante, ses axes et objectifs, et leur évolution.

« Ce Protocole a un caractère évolutif » : la coordination ajoute un axe ou un objectif, les
reformule, retire un objectif. Rien de ce qu'une action cite n'est supprimé : un objectif retiré
reste sur ses actions et dans les rapports, il n'est simplement plus proposé.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import Session, col, select

from metier.erreurs import ErreurMetier
from metier.formats import tronquer
from metier.journal import journaliser
from metier.protocole import (
    AXES_DU_PROTOCOLE,
    BUREAUX_DE_SUIVI,
    DEBUT_PROTOCOLE,
    FIN_PROTOCOLE,
    NUMERO_AXE_MAX,
    SIGNE_A,
    SIGNE_LE,
    TITRE_PROTOCOLE,
    chiffre_romain,
    code_objectif,
)
from metier.stockage import ident
from metier.temps import format_jour, normaliser
from modeles import Action, Axe, BureauSuivi, Edition, Indicateur, Mesure, Objectif
from modeles.protocole import LONGUEUR_OBJECTIF, LONGUEUR_TITRE_AXE, LONGUEUR_TITRE_COURT

# --- Amorçage ------------------------------------------------------------------------------------


def amorcer_edition(session: Session, guild_id: int, villes: Iterable[str]) -> Edition:
    """Crée l'édition 2024-2026 telle que signée : période, signature, bureaux de suivi, axes, objectifs."""
    edition = Edition(
        guild_id=guild_id,
        titre=TITRE_PROTOCOLE,
        debut=DEBUT_PROTOCOLE,
        fin=FIN_PROTOCOLE,
        signee_le=SIGNE_LE,
        signee_a=SIGNE_A,
    )
    session.add(edition)
    session.flush()
    for ville in villes:
        if ville in BUREAUX_DE_SUIVI:
            session.add(
                BureauSuivi(
                    guild_id=guild_id, edition_id=ident(edition), ville=ville, bureau=BUREAUX_DE_SUIVI[ville]
                )
            )
    for modele in AXES_DU_PROTOCOLE:
        axe = Axe(
            guild_id=guild_id,
            edition_id=ident(edition),
            numero=modele.numero,
            titre=modele.titre,
            titre_court=modele.titre_court,
        )
        session.add(axe)
        session.flush()
        for numero, libelle in enumerate(modele.objectifs, start=1):
            session.add(Objectif(guild_id=guild_id, axe_id=ident(axe), numero=numero, libelle=libelle))
    session.flush()
    return edition


# --- Lecture -------------------------------------------------------------------------------------


def edition_courante(session: Session, *, guild_id: int) -> Edition:
    """L'édition en vigueur : la dernière ouverte (celle qui commence le plus tard)."""
    edition = session.exec(
        select(Edition).where(Edition.guild_id == guild_id).order_by(col(Edition.debut).desc())
    ).first()
    if edition is None:
        raise ErreurMetier("Ce serveur n'a pas encore de protocole : réessayez dans un instant.")
    return edition


def id_edition_courante(session: Session, *, guild_id: int) -> int | None:
    """L'identifiant de l'édition en vigueur ; None pour un serveur pas encore amorcé (lecture seule)."""
    return session.exec(
        select(Edition.id).where(Edition.guild_id == guild_id).order_by(col(Edition.debut).desc())
    ).first()


def actions_de_l_edition(
    session: Session,
    *,
    guild_id: int,
    edition_id: int | None,
    numero: int | None = None,
    toujours: bool = False,
) -> sa.ColumnElement[bool] | None:
    """« L'action est sur un axe de cette édition (de ce numéro) », par la liste de ces axes ; None
    quand la condition les prend tous (une seule édition, pas de numéro) : la requête garde alors
    l'index de son tri au lieu de passer par les axes. `toujours` : la liste même alors, pour une
    requête groupée par axe, que SQLite lit mieux par l'index des axes (résumé : 3 ms au lieu de 7).

    La seule règle qui dit quelles actions montrent une édition : liste et autocomplétion des
    actions, graphiques, résumé hebdomadaire. Une action reprise appartient à sa nouvelle édition.
    """
    axes = session.exec(select(Axe.id, Axe.edition_id, Axe.numero).where(Axe.guild_id == guild_id)).all()
    voulus = [i for i, e, n in axes if e == edition_id and (numero is None or n == numero)]
    return None if len(voulus) == len(axes) and not toujours else col(Action.axe_id).in_(voulus)


def indicateurs_de_l_edition(
    session: Session, *, guild_id: int, edition: Edition
) -> tuple[sa.ColumnElement[bool] | None, date | None]:
    """« L'indicateur appartient à cette édition », et la date où s'arrêtent ses mesures pour elle.

    Au renouvellement, un indicateur suit son axe dans l'édition suivante avec toutes ses mesures
    (`renouvellement.renouveler`) : il appartient donc à chaque édition qu'il a traversée, de celle
    où il existait (`indicateur_existait`, la règle du rapport annuel) jusqu'à celle de son axe.
    Une édition passée le montre tel qu'à sa fin (mesures jusqu'à son dernier jour) ; l'édition en
    vigueur, tel qu'aujourd'hui. Condition None quand le serveur n'a qu'une édition : tous en sont.
    """
    editions = lister_editions(session, guild_id=guild_id)  # la plus récente d'abord
    if len(editions) <= 1:
        return None, None
    suivantes = [ident(e) for e in editions if e.debut >= edition.debut]
    condition = col(Indicateur.axe_id).in_(sa.select(col(Axe.id)).where(col(Axe.edition_id).in_(suivantes)))
    if edition.id == editions[0].id:
        return condition, None
    return condition & indicateur_existait(edition.fin), edition.fin


def indicateur_existait(jour: date) -> sa.ColumnElement[bool]:
    """« L'indicateur existait au soir de ce jour » : créé avant (UTC, comme les années du rapport), ou
    mesuré à une date qui n'est pas postérieure (une mesure rattrapée, un registre importé, rangés à
    leur date). La règle du rapport annuel, du bilan et de la liste d'une édition passée."""
    fin = datetime.combine(jour + timedelta(days=1), time(), tzinfo=UTC)
    mesure = sa.select(col(Mesure.id)).where(
        col(Mesure.indicateur_id) == col(Indicateur.id), col(Mesure.date) <= jour
    )
    return sa.or_(col(Indicateur.cree_le) < fin, mesure.exists())


def lister_editions(session: Session, *, guild_id: int) -> list[Edition]:
    """Les éditions du serveur, de la plus récente à la plus ancienne."""
    return list(
        session.exec(
            select(Edition).where(Edition.guild_id == guild_id).order_by(col(Edition.debut).desc())
        ).all()
    )


def edition_de_l_annee(session: Session, *, guild_id: int, annee: int) -> Edition:
    """L'édition qui couvre cette année (la plus récente s'il y en a deux) ; sinon la plus proche avant."""
    editions = lister_editions(session, guild_id=guild_id)
    for edition in editions:
        if edition.debut.year <= annee:
            return edition
    return editions[-1] if editions else edition_courante(session, guild_id=guild_id)


def nom_edition(edition: Edition) -> str:
    """« 2024-2026 » : l'édition par ses années, comme le groupe la nomme."""
    if edition.debut.year == edition.fin.year:
        return str(edition.debut.year)
    return f"{edition.debut.year}-{edition.fin.year}"


def lire_edition(session: Session, *, guild_id: int, saisie: str | None) -> Edition:
    """L'édition désignée par ses années (« 2024-2026 », « 2024 »), son titre ; sinon la courante."""
    if saisie is None or not saisie.strip():
        return edition_courante(session, guild_id=guild_id)
    cle = normaliser(saisie).replace("–", "-").replace(" ", "")
    editions = lister_editions(session, guild_id=guild_id)
    for edition in editions:
        if cle in {
            nom_edition(edition),
            str(edition.id),
            normaliser(edition.titre).replace(" ", ""),
        }:
            return edition
    for edition in editions:  # une année seule : l'édition qui la couvre
        if cle.isdigit() and len(cle) == 4 and edition.debut.year <= int(cle) <= edition.fin.year:
            return edition
    connues = ", ".join(nom_edition(e) for e in editions)
    raise ErreurMetier(
        f"« {saisie.strip()[:40]} » n'est pas une édition du protocole sur ce serveur. "
        f"Choisissez l'une de : {connues}."
    )


def lire_axe_de_l_edition(session: Session, *, edition: Edition, numero: int) -> Axe:
    """L'axe de ce numéro dans cette édition."""
    axe = session.exec(select(Axe).where(Axe.edition_id == edition.id, Axe.numero == numero)).first()
    if axe is None:
        raise ErreurMetier(
            f"L'axe {chiffre_romain(numero)} n'existe pas dans l'édition {nom_edition(edition)}. "
            "Choisissez un axe dans la liste proposée."
        )
    return axe


def axes_de_l_edition(session: Session, *, edition_id: int) -> list[Axe]:
    """Les axes d'une édition, dans l'ordre du protocole."""
    return list(session.exec(select(Axe).where(Axe.edition_id == edition_id).order_by(col(Axe.numero))).all())


def lire_objectif_par_code(session: Session, *, edition: Edition, saisie: str) -> tuple[Objectif, Axe]:
    """L'objectif désigné par son code « 1.2 » dans cette édition (retiré ou non)."""
    propre = saisie.strip()
    numero_axe, point, numero = propre.partition(".")
    if not point or not numero_axe.isdigit() or not numero.isdigit() or len(propre) > 9:
        raise ErreurMetier(
            f"« {propre[:40]} » n'est pas un code d'objectif. Tapez l'axe et le numéro, par exemple 1.2, "
            "ou choisissez dans la liste proposée."
        )
    axe = lire_axe_de_l_edition(session, edition=edition, numero=int(numero_axe))
    objectif = session.exec(
        select(Objectif).where(Objectif.axe_id == axe.id, Objectif.numero == int(numero))
    ).first()
    if objectif is None:
        raise ErreurMetier(
            f"L'axe {chiffre_romain(axe.numero)} de l'édition {nom_edition(edition)} n'a pas d'objectif "
            f"{numero}. Choisissez un objectif dans la liste proposée."
        )
    return objectif, axe


@dataclass(frozen=True)
class ObjectifVu:
    """Un objectif avec le nombre d'actions qui le citent."""

    code: str
    libelle: str
    retire_le: datetime | None
    actions: int


@dataclass(frozen=True)
class AxeVu:
    """Un axe avec ses objectifs et ses comptes d'actions et d'indicateurs."""

    numero: int
    titre: str
    titre_court: str
    objectifs: tuple[ObjectifVu, ...]
    actions: int
    indicateurs: int


@dataclass(frozen=True)
class VueProtocole:
    """Ce que montre /protocole voir."""

    edition: Edition
    courante: bool
    axes: tuple[AxeVu, ...]
    bureaux: tuple[tuple[str, str], ...]  # (code de ville, bureau)
    autres_editions: tuple[str, ...]


def voir_protocole(session: Session, *, guild_id: int, edition: str | None = None) -> VueProtocole:
    """L'édition (la courante par défaut), ses axes et objectifs comptés, ses bureaux de suivi."""
    choisie = lire_edition(session, guild_id=guild_id, saisie=edition)
    courante = edition_courante(session, guild_id=guild_id)
    axes = axes_de_l_edition(session, edition_id=ident(choisie))
    ids = [ident(a) for a in axes]
    # Une seule lecture des actions, comptées par (axe, objectif) : les deux comptes s'en déduisent.
    par_axe: Counter[int] = Counter()
    par_objectif: Counter[int | None] = Counter()
    for axe_id, objectif_id, nombre in session.exec(
        select(Action.axe_id, Action.objectif_id, func.count())
        .where(col(Action.axe_id).in_(ids), col(Action.archivee).is_(False))
        .group_by(col(Action.axe_id), col(Action.objectif_id))
    ).all():
        par_axe[axe_id] += nombre
        par_objectif[objectif_id] += nombre
    # Les indicateurs de l'édition (ceux qui ont suivi leur axe dans la suivante y restent comptés),
    # par numéro d'axe : après un renouvellement, leur axe est la copie de même numéro.
    de_l_edition, _ = indicateurs_de_l_edition(session, guild_id=guild_id, edition=choisie)
    requete = (
        select(Axe.numero, func.count())
        .join(Indicateur, col(Indicateur.axe_id) == col(Axe.id))
        .where(Axe.guild_id == guild_id, col(Indicateur.archive).is_(False))
        .group_by(col(Axe.numero))
    )
    if de_l_edition is not None:
        requete = requete.where(de_l_edition)
    indicateurs = dict(session.exec(requete).all())
    objectifs: dict[int, list[ObjectifVu]] = {}
    numeros = {ident(a): a.numero for a in axes}
    for objectif in session.exec(
        select(Objectif).where(col(Objectif.axe_id).in_(ids)).order_by(col(Objectif.numero))
    ).all():
        objectifs.setdefault(objectif.axe_id, []).append(
            ObjectifVu(
                code=code_objectif(numeros[objectif.axe_id], objectif.numero),
                libelle=objectif.libelle,
                retire_le=objectif.retire_le,
                actions=par_objectif.get(objectif.id, 0),
            )
        )
    bureaux = session.exec(
        select(BureauSuivi).where(BureauSuivi.edition_id == choisie.id).order_by(col(BureauSuivi.id))
    ).all()
    return VueProtocole(
        edition=choisie,
        courante=choisie.id == courante.id,
        axes=tuple(
            AxeVu(
                numero=a.numero,
                titre=a.titre,
                titre_court=a.titre_court,
                objectifs=tuple(objectifs.get(ident(a), [])),
                actions=par_axe.get(ident(a), 0),
                indicateurs=indicateurs.get(a.numero, 0),
            )
            for a in axes
        ),
        bureaux=tuple((b.ville, b.bureau) for b in bureaux),
        autres_editions=tuple(
            nom_edition(e) for e in lister_editions(session, guild_id=guild_id) if e.id != choisie.id
        ),
    )


def jours_restants(edition: Edition, jour: date) -> int:
    """Jours de l'édition qui restent après `jour` (0 une fois finie)."""
    return max(0, (edition.fin - jour).days)


# --- Validation ----------------------------------------------------------------------------------


def _texte(saisie: str | None, *, quoi: str, limite: int) -> str:
    propre = " ".join((saisie or "").split())
    if not propre:
        raise ErreurMetier(f"{quoi} ne peut pas être vide. Tapez un texte d'au moins un mot.")
    if len(propre) > limite:
        raise ErreurMetier(
            f"{quoi} fait {len(propre)} caractères ; {limite} au plus. Raccourcissez-le. "
            "Rien n'a été modifié."
        )
    return propre


def _titre_libre(session: Session, edition: Edition, titre: str, *, sauf: int | None = None) -> None:
    """Refuse un titre d'axe déjà pris dans l'édition (accents et casse ignorés)."""
    cle = normaliser(titre)
    for axe in axes_de_l_edition(session, edition_id=ident(edition)):
        if axe.id != sauf and cle in {normaliser(axe.titre), normaliser(axe.titre_court)}:
            raise ErreurMetier(
                f"L'axe {chiffre_romain(axe.numero)} s'appelle déjà « {tronquer(axe.titre, 80)} ». "
                "Choisissez un autre titre. Rien n'a été modifié."
            )


def _exiger_ouverte(edition: Edition, courante: Edition) -> None:
    if edition.id != courante.id:
        raise ErreurMetier(
            f"L'édition {nom_edition(edition)} est close : seule l'édition en vigueur "
            f"({nom_edition(courante)}) se modifie. Rien n'a été modifié."
        )


# --- Écriture ------------------------------------------------------------------------------------


def ajouter_axe(
    session: Session,
    *,
    guild_id: int,
    auteur_id: int,
    titre: str,
    maintenant: datetime,
    titre_court: str | None = None,
    numero: int | None = None,
) -> Axe:
    """Ajoute un axe à l'édition en vigueur (numéro suivant par défaut)."""
    edition = edition_courante(session, guild_id=guild_id)
    titre = _texte(titre, quoi="Le titre de l'axe", limite=LONGUEUR_TITRE_AXE)
    court = _texte(
        titre_court or tronquer(titre, LONGUEUR_TITRE_COURT),
        quoi="Le titre court",
        limite=LONGUEUR_TITRE_COURT,
    )
    axes = axes_de_l_edition(session, edition_id=ident(edition))
    if numero is None:
        numero = max((a.numero for a in axes), default=0) + 1
    if not 1 <= numero <= NUMERO_AXE_MAX:
        raise ErreurMetier(f"Le numéro d'axe va de 1 à {NUMERO_AXE_MAX}. Rien n'a été modifié.")
    if any(a.numero == numero for a in axes):
        raise ErreurMetier(
            f"L'axe {chiffre_romain(numero)} existe déjà dans l'édition {nom_edition(edition)}. "
            "Laissez le numéro vide pour prendre le suivant, "
            "ou modifiez cet axe avec /protocole axe-modifier."
        )
    _titre_libre(session, edition, titre)
    if court != titre:
        _titre_libre(session, edition, court)
    axe = Axe(
        guild_id=guild_id,
        edition_id=ident(edition),
        numero=numero,
        titre=titre,
        titre_court=court,
        ajoute_le=maintenant,
    )
    session.add(axe)
    session.flush()
    journaliser(
        session,
        guild_id=guild_id,
        auteur_id=auteur_id,
        entite="axe",
        entite_id=ident(axe),
        changements={"creation": (None, f"{chiffre_romain(numero)}. {titre}"), "titre_court": (None, court)},
        quand=maintenant,
    )
    return axe


def modifier_axe(
    session: Session,
    *,
    guild_id: int,
    auteur_id: int,
    numero: int,
    maintenant: datetime,
    titre: str | None = None,
    titre_court: str | None = None,
) -> tuple[Axe, dict[str, tuple[str, str]]]:
    """Reformule le titre (et/ou le titre court) d'un axe de l'édition en vigueur ; rend les changements."""
    edition = edition_courante(session, guild_id=guild_id)
    axe = lire_axe_de_l_edition(session, edition=edition, numero=numero)
    if titre is None and titre_court is None:
        raise ErreurMetier("Indiquez un nouveau titre ou un nouveau titre court. Rien n'a été modifié.")
    changements: dict[str, tuple[str, str]] = {}
    if titre is not None:
        nouveau = _texte(titre, quoi="Le titre de l'axe", limite=LONGUEUR_TITRE_AXE)
        _titre_libre(session, edition, nouveau, sauf=axe.id)
        changements["titre"] = (axe.titre, nouveau)
    if titre_court is not None:
        nouveau = _texte(titre_court, quoi="Le titre court", limite=LONGUEUR_TITRE_COURT)
        _titre_libre(session, edition, nouveau, sauf=axe.id)
        changements["titre_court"] = (axe.titre_court, nouveau)
    changements = {c: v for c, v in changements.items() if v[0] != v[1]}
    for champ, (_, nouveau) in changements.items():
        setattr(axe, champ, nouveau)
    journaliser(
        session,
        guild_id=guild_id,
        auteur_id=auteur_id,
        entite="axe",
        entite_id=ident(axe),
        changements=changements,
        quand=maintenant,
    )
    session.add(axe)
    session.flush()
    return axe, changements


def _libelle_libre(session: Session, axe: Axe, libelle: str, *, sauf: int | None = None) -> None:
    cle = normaliser(libelle)
    for autre in session.exec(select(Objectif).where(Objectif.axe_id == axe.id)).all():
        if autre.id != sauf and normaliser(autre.libelle) == cle:
            raise ErreurMetier(
                f"L'objectif {code_objectif(axe.numero, autre.numero)} dit déjà cela. "
                "Reformulez-le, ou modifiez l'existant avec /protocole objectif-modifier. "
                "Rien n'a été modifié."
            )


def ajouter_objectif(
    session: Session, *, guild_id: int, auteur_id: int, axe_numero: int, libelle: str, maintenant: datetime
) -> tuple[Objectif, Axe]:
    """Ajoute un objectif à un axe de l'édition en vigueur, au numéro suivant (les retirés comptent)."""
    edition = edition_courante(session, guild_id=guild_id)
    axe = lire_axe_de_l_edition(session, edition=edition, numero=axe_numero)
    libelle = _texte(libelle, quoi="L'objectif", limite=LONGUEUR_OBJECTIF)
    _libelle_libre(session, axe, libelle)
    dernier = session.exec(select(func.max(Objectif.numero)).where(Objectif.axe_id == axe.id)).one()
    objectif = Objectif(
        guild_id=guild_id, axe_id=ident(axe), numero=(dernier or 0) + 1, libelle=libelle, ajoute_le=maintenant
    )
    session.add(objectif)
    session.flush()
    journaliser(
        session,
        guild_id=guild_id,
        auteur_id=auteur_id,
        entite="objectif",
        entite_id=ident(objectif),
        changements={"creation": (None, f"{code_objectif(axe.numero, objectif.numero)} {libelle}")},
        quand=maintenant,
    )
    return objectif, axe


def _objectif_de_l_edition_courante(session: Session, guild_id: int, code: str) -> tuple[Objectif, Axe]:
    """L'objectif « 1.2 » de l'édition en vigueur ; « 2024-2026 1.2 » en désigne un d'une autre, refusé."""
    courante = edition_courante(session, guild_id=guild_id)
    prefixe, _, reste = code.strip().replace(":", " ").rpartition(" ")
    if prefixe.strip():
        autre = lire_edition(session, guild_id=guild_id, saisie=prefixe)
        if autre.id != courante.id:
            objectif, axe = lire_objectif_par_code(session, edition=autre, saisie=reste)
            raise ErreurMetier(
                f"L'objectif {code_objectif(axe.numero, objectif.numero)} appartient à l'édition "
                f"{nom_edition(autre)}, close : seuls les objectifs de l'édition en vigueur "
                f"({nom_edition(courante)}) se modifient ou se retirent. Rien n'a été modifié."
            )
        code = reste
    return lire_objectif_par_code(session, edition=courante, saisie=code)


def modifier_objectif(
    session: Session, *, guild_id: int, auteur_id: int, code: str, libelle: str, maintenant: datetime
) -> tuple[Objectif, Axe, str]:
    """Reformule un objectif de l'édition en vigueur ; rend l'objectif, son axe et l'ancien libellé."""
    objectif, axe = _objectif_de_l_edition_courante(session, guild_id, code)
    nouveau = _texte(libelle, quoi="L'objectif", limite=LONGUEUR_OBJECTIF)
    _libelle_libre(session, axe, nouveau, sauf=objectif.id)
    ancien = objectif.libelle
    journaliser(
        session,
        guild_id=guild_id,
        auteur_id=auteur_id,
        entite="objectif",
        entite_id=ident(objectif),
        changements={"libelle": (ancien, nouveau)},
        quand=maintenant,
    )
    objectif.libelle = nouveau
    session.add(objectif)
    session.flush()
    return objectif, axe, ancien


def retirer_objectif(
    session: Session, *, guild_id: int, auteur_id: int, code: str, maintenant: datetime
) -> tuple[Objectif, Axe, int]:
    """Retire un objectif de l'édition en vigueur : plus proposé, gardé sur ses actions ; rend leur nombre."""
    objectif, axe = _objectif_de_l_edition_courante(session, guild_id, code)
    if objectif.retire_le is not None:
        raise ErreurMetier(
            f"L'objectif {code_objectif(axe.numero, objectif.numero)} est déjà retiré depuis le "
            f"{format_jour(objectif.retire_le.date())}. Rien n'a été modifié."
        )
    objectif.retire_le = maintenant
    journaliser(
        session,
        guild_id=guild_id,
        auteur_id=auteur_id,
        entite="objectif",
        entite_id=ident(objectif),
        changements={"retire_le": (None, maintenant.date().isoformat())},
        quand=maintenant,
    )
    session.add(objectif)
    session.flush()
    actions = session.exec(select(func.count()).where(Action.objectif_id == objectif.id)).one()
    return objectif, axe, int(actions)
