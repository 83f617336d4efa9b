"""Le registre des partenaires : UNamur, BEP, UQTR, CCIM, et ceux que le groupe ajoute.

Un partenaire se reconnaît à son nom, sans égard aux accents ni à la casse (`metier.temps.normaliser`,
la même clé que la recherche des actions) : « unamur » et « UNamur » sont le même.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from metier.erreurs import ErreurMetier
from metier.journal import journaliser
from metier.protocole import PARTENAIRES_DU_PROTOCOLE, TYPES_PARTENAIRE
from metier.stockage import ident
from metier.temps import normaliser
from modeles import Action, ActionPartenaire, Partenaire, StatutAction
from modeles.actions import LONGUEUR_PARTENAIRES
from modeles.partenaires import LONGUEUR_NOM_PARTENAIRE, LONGUEUR_TYPE_PARTENAIRE

LONGUEUR_NOM_COMPLET = 200


def amorcer_partenaires(session: Session, guild_id: int) -> None:
    """Inscrit au registre les partenaires signataires du protocole."""
    for modele in PARTENAIRES_DU_PROTOCOLE:
        session.add(
            Partenaire(
                guild_id=guild_id,
                nom=modele.nom,
                recherche=normaliser(modele.nom),
                nom_complet=modele.nom_complet,
                ville=modele.ville,
                type=modele.type,
            )
        )
    session.flush()


# --- Saisie --------------------------------------------------------------------------------------


def decouper_noms(texte: str | None) -> list[str]:
    """« UNamur; bep, BEP » → ["UNamur", "bep"] : noms nettoyés, sans doublon (accents et casse ignorés)."""
    noms: list[str] = []
    for brut in (texte or "").replace(";", ",").split(","):
        nom = " ".join(brut.split())
        if not nom:
            continue
        if len(nom) > LONGUEUR_NOM_PARTENAIRE:
            raise ErreurMetier(
                f"Le partenaire « {nom[:40]}… » dépasse {LONGUEUR_NOM_PARTENAIRE} caractères. "
                "Séparez les partenaires par des virgules : UNamur, UQTR, BEP, CCIM."
            )
        if normaliser(nom) not in {normaliser(n) for n in noms}:
            noms.append(nom)
    return noms


def valider_partenaires(texte: str | None) -> str:
    """« UNamur; bep , BEP » → « UNamur, bep » : la liste saisie, vérifiée sans rien écrire."""
    resultat = ", ".join(decouper_noms(texte))
    if len(resultat) > LONGUEUR_PARTENAIRES:
        raise ErreurMetier(f"La liste des partenaires dépasse {LONGUEUR_PARTENAIRES} caractères.")
    return resultat


def valider_nom(saisie: str | None) -> str:
    """Nettoie le nom d'un partenaire ; refuse un nom vide, trop long, ou avec une virgule."""
    nom = " ".join((saisie or "").split())
    if not nom:
        raise ErreurMetier("Le nom du partenaire ne peut pas être vide. Rien n'a été modifié.")
    if len(nom) > LONGUEUR_NOM_PARTENAIRE:
        raise ErreurMetier(
            f"Le nom « {nom[:40]}… » fait {len(nom)} caractères ; {LONGUEUR_NOM_PARTENAIRE} au plus "
            "(le sigle, par exemple UNamur). Le nom complet va dans l'option nom_complet. "
            "Rien n'a été modifié."
        )
    if "," in nom or ";" in nom:
        raise ErreurMetier(
            "Le nom d'un partenaire ne contient ni virgule ni point-virgule (ils séparent les partenaires "
            "d'une action). Rien n'a été modifié."
        )
    return nom


def _valider_type(saisie: str | None) -> str:
    propre = " ".join((saisie or "").split())
    if not propre:
        return "autre"
    connu = next((t for t in TYPES_PARTENAIRE if normaliser(t) == normaliser(propre)), None)
    if connu is not None:
        return connu
    if len(propre) > LONGUEUR_TYPE_PARTENAIRE:
        raise ErreurMetier(
            f"Le type fait {len(propre)} caractères ; {LONGUEUR_TYPE_PARTENAIRE} au plus. "
            f"Par exemple : {', '.join(TYPES_PARTENAIRE)}. Rien n'a été modifié."
        )
    return propre


def _valider_nom_complet(saisie: str | None) -> str | None:
    propre = " ".join((saisie or "").split())
    if len(propre) > LONGUEUR_NOM_COMPLET:
        raise ErreurMetier(
            f"Le nom complet fait {len(propre)} caractères ; {LONGUEUR_NOM_COMPLET} au plus. "
            "Rien n'a été modifié."
        )
    return propre or None


# --- Lecture -------------------------------------------------------------------------------------


def lister_partenaires(session: Session, *, guild_id: int) -> list[Partenaire]:
    """Les partenaires du registre, par nom."""
    return list(
        session.exec(
            select(Partenaire).where(Partenaire.guild_id == guild_id).order_by(col(Partenaire.recherche))
        ).all()
    )


def trouver_partenaire(session: Session, *, guild_id: int, nom: str) -> Partenaire | None:
    """Le partenaire de ce nom (accents et casse ignorés), ou None."""
    return session.exec(
        select(Partenaire).where(Partenaire.guild_id == guild_id, Partenaire.recherche == normaliser(nom))
    ).first()


def lire_partenaire(session: Session, *, guild_id: int, saisie: str) -> Partenaire:
    """Le partenaire désigné par son nom ; sinon une erreur qui dit où regarder."""
    partenaire = trouver_partenaire(session, guild_id=guild_id, nom=saisie)
    if partenaire is None:
        raise ErreurMetier(
            f"« {saisie.strip()[:40]} » n'est pas au registre des partenaires. "
            "Choisissez dans la liste proposée ou consultez /partenaire liste."
        )
    return partenaire


@dataclass(frozen=True)
class ActionDuPartenaire:
    """Une action qui associe le partenaire, avec son avancement."""

    numero: int
    titre: str
    statut: StatutAction
    avancement: int


def actions_du_partenaire(session: Session, *, partenaire: Partenaire) -> list[ActionDuPartenaire]:
    """Les actions (non archivées) qui associent ce partenaire, par numéro."""
    lignes = session.exec(
        select(Action.numero, Action.titre, Action.statut, Action.avancement)
        .join(ActionPartenaire, col(ActionPartenaire.action_id) == col(Action.id))
        .where(ActionPartenaire.partenaire_id == partenaire.id, col(Action.archivee).is_(False))
        .order_by(col(Action.numero))
    ).all()
    return [ActionDuPartenaire(n, t, StatutAction(s), a) for n, t, s, a in lignes]


# --- Écriture ------------------------------------------------------------------------------------


def _inscrire(
    session: Session,
    guild_id: int,
    nom: str,
    *,
    ville: str | None,
    type_: str,
    nom_complet: str | None,
    maintenant: datetime | None,
) -> Partenaire:
    partenaire = Partenaire(
        guild_id=guild_id,
        nom=nom,
        recherche=normaliser(nom),
        nom_complet=nom_complet,
        ville=ville,
        type=type_,
        cree_le=maintenant,
    )
    session.add(partenaire)
    session.flush()
    return partenaire


def ajouter_partenaire(
    session: Session,
    *,
    guild_id: int,
    auteur_id: int,
    nom: str,
    maintenant: datetime,
    ville: str | None = None,
    type_: str | None = None,
    nom_complet: str | None = None,
) -> Partenaire:
    """Inscrit un partenaire ; refuse un nom déjà inscrit (accents et casse ignorés)."""
    nom = valider_nom(nom)
    existant = trouver_partenaire(session, guild_id=guild_id, nom=nom)
    if existant is not None:
        raise ErreurMetier(
            f"Le partenaire « {existant.nom} » est déjà au registre (les accents et la casse ne comptent "
            "pas). Modifiez-le avec /partenaire modifier. Rien n'a été modifié."
        )
    partenaire = _inscrire(
        session,
        guild_id,
        nom,
        ville=ville,
        type_=_valider_type(type_),
        nom_complet=_valider_nom_complet(nom_complet),
        maintenant=maintenant,
    )
    journaliser(
        session,
        guild_id=guild_id,
        auteur_id=auteur_id,
        entite="partenaire",
        entite_id=ident(partenaire),
        changements={"creation": (None, nom), "type": (None, partenaire.type), "ville": (None, ville)},
        quand=maintenant,
    )
    return partenaire


def modifier_partenaire(
    session: Session,
    *,
    guild_id: int,
    auteur_id: int,
    saisie: str,
    maintenant: datetime,
    nom: str | None = None,
    ville: str | None = None,
    type_: str | None = None,
    nom_complet: str | None = None,
) -> tuple[Partenaire, dict[str, tuple[str | None, str | None]]]:
    """Modifie un partenaire ; un nouveau nom se reporte sur les actions qui le citent."""
    partenaire = lire_partenaire(session, guild_id=guild_id, saisie=saisie)
    if nom is None and ville is None and type_ is None and nom_complet is None:
        raise ErreurMetier("Indiquez au moins un champ à modifier (nom, ville, type, nom complet).")
    changements: dict[str, tuple[str | None, str | None]] = {}
    if nom is not None:
        nouveau = valider_nom(nom)
        autre = trouver_partenaire(session, guild_id=guild_id, nom=nouveau)
        if autre is not None and autre.id != partenaire.id:
            raise ErreurMetier(
                f"Le partenaire « {autre.nom} » est déjà au registre (les accents et la casse ne comptent "
                "pas). Choisissez un autre nom. Rien n'a été modifié."
            )
        changements["nom"] = (partenaire.nom, nouveau)
    if ville is not None:  # "" : plus de ville de rattachement
        changements["ville"] = (partenaire.ville, ville or None)
    if type_ is not None:
        changements["type"] = (partenaire.type, _valider_type(type_))
    if nom_complet is not None:
        changements["nom_complet"] = (partenaire.nom_complet, _valider_nom_complet(nom_complet))
    changements = {c: v for c, v in changements.items() if v[0] != v[1]}
    for champ, (_, valeur) in changements.items():
        setattr(partenaire, champ, valeur)
    partenaire.recherche = normaliser(partenaire.nom)
    session.add(partenaire)
    session.flush()
    if "nom" in changements:
        _recopier_noms(session, partenaire)
    journaliser(
        session,
        guild_id=guild_id,
        auteur_id=auteur_id,
        entite="partenaire",
        entite_id=ident(partenaire),
        changements=changements,
        quand=maintenant,
    )
    return partenaire, changements


def resoudre_partenaires(
    session: Session, *, guild_id: int, texte: str | None, maintenant: datetime | None = None
) -> list[Partenaire]:
    """Les partenaires nommés dans `texte`, du registre ; un nom inconnu y est inscrit (type « autre »)."""
    trouves: list[Partenaire] = []
    for nom in decouper_noms(texte):
        partenaire = trouver_partenaire(session, guild_id=guild_id, nom=nom)
        if partenaire is None:
            partenaire = _inscrire(
                session, guild_id, nom, ville=None, type_="autre", nom_complet=None, maintenant=maintenant
            )
        trouves.append(partenaire)
    texte_final = ", ".join(p.nom for p in trouves)
    if len(texte_final) > LONGUEUR_PARTENAIRES:
        raise ErreurMetier(f"La liste des partenaires dépasse {LONGUEUR_PARTENAIRES} caractères.")
    return trouves


def noms_des_partenaires(partenaires: list[Partenaire]) -> str:
    """« UNamur, BEP » : ce que la fiche d'une action affiche."""
    return ", ".join(p.nom for p in partenaires)


def associer(session: Session, *, action: Action, partenaires: list[Partenaire]) -> None:
    """Remplace les partenaires associés à l'action (et leur copie d'affichage `action.partenaires`)."""
    for lien in session.exec(select(ActionPartenaire).where(ActionPartenaire.action_id == action.id)).all():
        session.delete(lien)
    session.flush()
    for ordre, partenaire in enumerate(partenaires):
        session.add(
            ActionPartenaire(
                action_id=ident(action),
                partenaire_id=ident(partenaire),
                guild_id=action.guild_id,
                ordre=ordre,
            )
        )
    action.partenaires = noms_des_partenaires(partenaires)
    session.add(action)
    session.flush()


def _recopier_noms(session: Session, partenaire: Partenaire) -> None:
    """Après un changement de nom : la copie d'affichage des actions qui le citent suit."""
    ids = session.exec(
        select(ActionPartenaire.action_id).where(ActionPartenaire.partenaire_id == partenaire.id)
    ).all()
    for action in session.exec(select(Action).where(col(Action.id).in_(ids))).all():
        liens = session.exec(
            select(Partenaire)
            .join(ActionPartenaire, col(ActionPartenaire.partenaire_id) == col(Partenaire.id))
            .where(ActionPartenaire.action_id == action.id)
            .order_by(col(ActionPartenaire.ordre))
        ).all()
        action.partenaires = noms_des_partenaires(list(liens))
        session.add(action)
    session.flush()
