"""`/reunion` : réunions dans l'horloge de chaque ville partenaire, créneaux communs, agenda .ics."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from functools import partial

import discord
from discord import app_commands
from discord.ext import commands

from bot.arbre import repondre
from bot.client import Passerelle
from bot.evenements import Evenement
from bot.limites import LIMITE_DESCRIPTION, LIMITE_MESSAGE, LIMITE_VALEUR_CHAMP
from commandes._affichage import (
    COULEUR_ANNULEE,
    COULEUR_ORDINAIRE,
    ajouter_champ,
    horodatage,
    joindre,
    nouvel_embed,
    texte_saisi,
)
from commandes._completion import LIMITE_CHOIX, completer_ville, contexte
from commandes._comptes_rendus import BOUTONS as BOUTONS_COMPTE_RENDU
from commandes._comptes_rendus import ouvrir_compte_rendu
from commandes._evenements import PublieurEvenements, peut_publier
from commandes._salons import verifier_role_notifiable, verifier_salon_publiable
from commandes._seances import ecart_signale, ligne_seance
from commandes._sondages import BoutonVote, mettre_a_jour, vue_vote
from metier.actions.registre import lire_numero
from metier.erreurs import ErreurMetier
from metier.formats import pluriel, tronquer
from metier.page import abonner_agenda
from metier.reunions.calendrier import Serie, calendrier_ics, lire_serie, series_a_exporter
from metier.reunions.comptes_rendus import (
    RECUL_SEANCES,
    decisions_de,
    derniere_seance_commencee,
    ids_presents,
    lister_comptes_rendus,
    seances_commencees,
    seances_passees,
)
from metier.reunions.creneaux import Creneau, creneaux_communs, feries_de_la_periode, par_jour
from metier.reunions.evenements import avertir_une_fois
from metier.reunions.feries import deja_charges as feries_charges
from metier.reunions.horloges import ecart_du_moment, horloges
from metier.reunions.modification import Modification, modifier_reunion
from metier.reunions.registre import (
    PROCHAINES,
    annuler_reunion,
    lister_reunions,
    planifier_reunion,
    rechercher_reunions,
    salon_des_rappels,
    seances_entre,
    ville_d_ancrage,
)
from metier.reunions.saisie import analyser_duree, analyser_rappels, format_rappel, rappels_de, verifier_lien
from metier.reunions.series import (
    Occurrence,
    decrire_recurrence,
    exiger_utc,
    lire_cle_occurrence,
    occurrences,
)
from metier.reunions.sondages import choisir_propositions, noter_message_sondage, ouvrir_sondage
from metier.serveurs import Configuration
from metier.temps import (
    Ville,
    analyser_date,
    analyser_heure,
    aujourd_hui,
    format_date_longue,
    format_duree,
    format_heure,
    heure_comprise,
    normaliser,
)
from modeles import Recurrence, Reunion
from web import liens

log = logging.getLogger(__name__)

CRENEAUX_AFFICHES = 15  # jours montrés
# Séances commencées proposées sans réunion choisie : d'abord les six dernières semaines.
RECUL_AUTOCOMPLETION = timedelta(weeks=6)
CHOIX_RECURRENCE = [
    app_commands.Choice(name="aucune (une seule fois)", value=Recurrence.AUCUNE.value),
    app_commands.Choice(name="hebdomadaire (chaque semaine)", value=Recurrence.HEBDOMADAIRE.value),
    app_commands.Choice(name="bihebdomadaire (une semaine sur deux)", value=Recurrence.BIHEBDOMADAIRE.value),
    app_commands.Choice(
        name="mensuelle (même jour du mois, ex. 1er mardi)", value=Recurrence.MENSUELLE.value
    ),
]


# --- Rendu ---------------------------------------------------------------------------------------


def en_mots(decalage: timedelta) -> str:
    """« 24 h », « 1 h 30 », « 15 min » ; « 2 j », « 3 j 4 h » à partir de deux jours."""
    return format_duree(decalage) if decalage < timedelta(days=2) else format_rappel(decalage)


def rythme(reunion: Reunion, ancre: Ville) -> str:
    """« Chaque mardi à 10 h 00, heure de Terrebonne, à partir du mardi 9 mars 2027 »."""
    recurrence = Recurrence(reunion.recurrence)
    heure = f"{format_heure(reunion.heure_locale)}, heure de {ancre.nom}"
    if recurrence == Recurrence.AUCUNE:
        return f"Une seule fois, le {format_date_longue(reunion.date_debut)} à {heure}"
    debut = format_date_longue(reunion.date_debut)
    return f"{decrire_recurrence(recurrence, reunion.date_debut).capitalize()} à {heure}, à partir du {debut}"


def rappels_sautes(reunion: Reunion, premiere: Occurrence, maintenant: datetime) -> list[str]:
    """Les rappels déjà passés pour la prochaine séance : ils ne seront pas envoyés, on le dit."""
    lignes = []
    for decalage in rappels_de(reunion):
        if premiere.debut - decalage <= maintenant:
            suite = " (il le sera pour les séances suivantes)" if reunion.regle else ""
            lignes.append(
                f"Le rappel {en_mots(decalage)} avant ne sera pas envoyé : la réunion commence "
                f"dans moins de {en_mots(decalage)}{suite}."
            )
    return lignes


def embed_reunion(
    reunion: Reunion,
    prochaines: Sequence[Occurrence],
    configuration: Configuration,
    maintenant: datetime,
    *,
    message: str | None = None,
    annulees: int | None = None,
) -> discord.Embed:
    """Fiche d'une réunion : rythme, prochaines séances dans chaque horloge, rappels, salon, lien."""
    ancre = ville_d_ancrage(configuration, reunion)
    villes = configuration.villes
    description = [
        f"**{rythme(reunion, ancre)}** · durée {format_duree(timedelta(minutes=reunion.duree_minutes))}"
    ]
    if reunion.annulee:
        description.append("❌ **Cette réunion est annulée** : plus aucune séance n'aura lieu.")
    if message:
        description.append(f"ℹ️ {message}")
    embed = nouvel_embed(
        f"📅 #{reunion.numero} — {texte_saisi(reunion.titre, 200)}",
        "\n".join(description),
        couleur=COULEUR_ANNULEE if reunion.annulee else COULEUR_ORDINAIRE,
    )
    seances = [ligne_seance(o, villes, ancre) for o in prochaines]
    ajouter_champ(
        embed,
        "Prochaines séances" if len(seances) > 1 else "Prochaine séance",
        joindre(seances, LIMITE_VALEUR_CHAMP) if seances else "Aucune séance à venir.",
    )
    rappels = rappels_de(reunion)
    salon_rappels = salon_des_rappels(configuration.config.salon_rappels_id, reunion)
    lignes = [
        (
            " et ".join(en_mots(r) for r in rappels)
            + " avant le début"
            + (f", dans <#{salon_rappels}>" if salon_rappels else "")
        )
        if rappels
        else "Aucun rappel."
    ]
    role = reunion.role_notifier_id or configuration.config.role_rappels_id
    if rappels:
        lignes.append(
            f"Ils mentionnent <@&{role}>." if role else "Ils ne notifient personne (option « notifier »)."
        )
    if prochaines and not reunion.annulee:
        lignes.extend(rappels_sautes(reunion, prochaines[0], maintenant))
    ajouter_champ(embed, "Rappels", joindre(lignes, LIMITE_VALEUR_CHAMP))
    ajouter_champ(embed, "Salon", f"<#{reunion.salon_id}>" if reunion.salon_id else "—", en_ligne=True)
    ajouter_champ(embed, "Planifiée par", f"<@{reunion.auteur_id}>", en_ligne=True)
    if annulees is not None:
        ajouter_champ(embed, "Séances annulées", str(annulees) if annulees else "aucune", en_ligne=True)
    if reunion.lien:
        ajouter_champ(embed, "Lien", texte_saisi(reunion.lien, LIMITE_VALEUR_CHAMP))
    embed.set_footer(text="Chacun voit l'horodatage Discord dans son propre fuseau.")
    return embed


def annonce_annulation(
    reunion: Reunion, occurrence: Occurrence | None, configuration: Configuration, membre: discord.abc.User
) -> str:
    """« ❌ La réunion « … » du mardi 16 mars 2027 · Terrebonne 10 h 00 · … est annulée (par @x). »."""
    ancre = ville_d_ancrage(configuration, reunion)
    titre = texte_saisi(reunion.titre, 200)
    if occurrence is None:
        quand = rythme(reunion, ancre)
        suite = " : plus aucune séance n'aura lieu" if reunion.regle else ""
        texte = (
            f"❌ La réunion « {titre} » ({quand[0].lower()}{quand[1:]}) est annulée{suite} "
            f"(par {membre.mention})."
        )
    else:
        quand = horloges(occurrence.debut, configuration.villes, ancre)
        texte = (
            f"❌ La réunion « {titre} » du {quand} ({horodatage(occurrence.debut)}) est annulée "
            f"(par {membre.mention})."
        )
    return tronquer(texte, LIMITE_MESSAGE)


LIBELLES_MODIFICATION = {
    "titre": "Titre",
    "date_debut": "Date de début",
    "heure_locale": "Heure",
    "duree_minutes": "Durée",
    "lien": "Lien",
    "role_notifier_id": "Rôle notifié",
}


def _valeur_modifiee(champ: str, valeur: object) -> str:
    if valeur is None:
        return "aucun"
    if champ == "date_debut":
        return format_date_longue(date.fromisoformat(str(valeur)))
    if champ == "heure_locale":
        return format_heure(time.fromisoformat(str(valeur)))
    if champ == "duree_minutes":
        return format_duree(timedelta(minutes=int(str(valeur))))
    if champ == "role_notifier_id":
        return f"<@&{valeur}>"
    return f"« {texte_saisi(str(valeur), 100)} »"


def texte_modification(modification: Modification, configuration: Configuration, ancre: Ville) -> list[str]:
    """Ce qui a changé (ancien → nouveau), et la prochaine séance avant et après dans chaque horloge."""
    lignes = [
        f"• {libelle} : {_valeur_modifiee(champ, ancien)} → **{_valeur_modifiee(champ, nouveau)}**"
        + (f" (heure de {ancre.nom})" if champ == "heure_locale" else "")
        for champ, libelle in LIBELLES_MODIFICATION.items()
        if champ in modification.changements
        for ancien, nouveau in [modification.changements[champ]]
    ]
    avant, apres = modification.avant, modification.prochaines[0]
    villes = configuration.villes
    if avant is not None and avant.debut != apres.debut:
        lignes.append(f"Prochaine séance, avant : ~~{horloges(avant.debut, villes, ancre)}~~")
    lignes.append(
        f"Prochaine séance : **{horloges(apres.debut, villes, ancre)}** — {horodatage(apres.debut)}"
        + (f" · {ecart_du_moment(apres.debut, villes)}" if len(villes) > 1 else "")
    )
    return lignes


def lire_seance_visee(reunion: str | None, seance: str | None) -> tuple[int | None, str | None]:
    """La réunion et la séance d'un compte rendu : la séance proposée sans réunion porte son numéro
    (« 12:20270316T1400Z ») ; (None, None) pour « la dernière séance commencée du serveur »."""
    numero = lire_numero(reunion, quoi="de réunion") if reunion else None
    cle = seance.strip() if seance else None
    if cle is not None and ":" in cle:
        prefixe, cle = cle.split(":", 1)
        de_la_seance = lire_numero(prefixe, quoi="de réunion")
        if numero is not None and numero != de_la_seance:
            raise ErreurMetier(
                f"Cette séance est celle de la réunion #{de_la_seance}, pas de la réunion #{numero} : "
                "choisissez la séance dans la liste proposée."
            )
        numero = de_la_seance
    elif cle is not None and numero is None:
        raise ErreurMetier(
            "Choisissez la séance dans la liste proposée, ou indiquez aussi sa réunion (option « reunion »)."
        )
    return numero, cle


def ligne_jour(jour: date, plages: Sequence[Creneau], villes: Sequence[Ville]) -> str:
    """« **lundi 15 mars 2027** · Terrebonne 09 h 00 → 12 h 00 · Namur 14 h 00 → 17 h 00 (3 h) — <t:…> »."""
    fenetres = " · ".join(
        f"{v.nom} "
        + " et ".join(
            f"{format_heure(v.heure_locale(c.debut))} → {format_heure(v.heure_locale(c.fin))}" for c in plages
        )
        for v in villes
    )
    total = sum((c.duree for c in plages), timedelta())
    ligne = f"**{format_date_longue(jour)}** · {fenetres} ({format_duree(total)}) — " + " · ".join(
        f"{horodatage(c.debut)} → {horodatage(c.fin, 't')}" for c in plages
    )
    if signal := ecart_signale(plages[0].debut, villes):
        ligne += f"\n\u2003{signal}"
    return ligne


# --- Le cog --------------------------------------------------------------------------------------


@app_commands.guild_only()
class Reunions(
    commands.GroupCog,
    group_name="reunion",
    group_description="Réunions du groupe de travail, dans l'horloge de chaque ville",
):
    """Réunions, rappels, créneaux communs et agenda."""

    def __init__(self, bot: Passerelle) -> None:
        self.bot = bot
        self.evenements = PublieurEvenements(bot)
        super().__init__()

    # --- Événements Discord des prochaines séances -----------------------------------------------

    @commands.Cog.listener(Evenement.REUNIONS_MODIFIEES.ecouteur)
    async def _reunions_modifiees(self, guild_id: int) -> None:
        if (guild := self.bot.get_guild(guild_id)) is not None:
            await self.evenements.synchroniser(guild)

    @commands.Cog.listener(Evenement.CONFIGURATION_MODIFIEE.ecouteur)
    async def _configuration_modifiee(self, guild_id: int) -> None:
        await self._reunions_modifiees(guild_id)

    @commands.Cog.listener(Evenement.EVENEMENTS_A_REPRENDRE.ecouteur)
    async def _evenements_a_reprendre(self) -> None:
        await self.evenements.synchroniser_tout()

    @commands.Cog.listener("on_ready")
    async def _pret(self) -> None:
        await self.evenements.synchroniser_tout()

    # --- Autocomplétion ---------------------------------------------------------------------------

    async def completer_reunion(
        self, interaction: discord.Interaction[Passerelle], saisie: str
    ) -> list[app_commands.Choice[str]]:
        """Propose les réunions par numéro ou par mots du titre."""
        assert interaction.guild_id is not None
        trouvees = await self.bot.base.lire(
            partial(
                rechercher_reunions, guild_id=interaction.guild_id, saisie=saisie[:100], limite=LIMITE_CHOIX
            )
        )
        return [
            app_commands.Choice(
                name=tronquer(f"#{r.numero} {r.titre}" + (" (annulée)" if r.annulee else ""), 100),
                value=str(r.numero),
            )
            for r in trouvees
        ]

    async def _choix_de_seances(
        self,
        interaction: discord.Interaction[Passerelle],
        saisie: str,
        seances: Callable[[Serie, datetime], Iterable[Occurrence]],
    ) -> list[app_commands.Choice[str]]:
        """Les séances (`seances`) de la réunion choisie qui correspondent à la saisie, dans l'horloge
        de chaque ville ; aucune sans réunion valide (une autocomplétion n'a pas de canal d'erreur)."""
        guild_id, configuration, _ = await contexte(interaction)
        choisie = getattr(interaction.namespace, "reunion", None)
        try:
            serie = await self.bot.base.lire(
                partial(
                    lire_serie, guild_id=guild_id, numero=lire_numero(str(choisie or ""), quoi="de réunion")
                )
            )
        except ErreurMetier:
            return []
        ancre = ville_d_ancrage(configuration, serie.reunion)
        cle = normaliser(saisie)
        choix = []
        for occurrence in seances(serie, self.bot.maintenant()):
            nom = tronquer(horloges(occurrence.debut, configuration.villes, ancre), 100)
            if cle in normaliser(nom) or cle in occurrence.cle.lower():
                choix.append(app_commands.Choice(name=nom, value=occurrence.cle))
                if len(choix) >= LIMITE_CHOIX:
                    break
        return choix

    async def completer_occurrence(
        self, interaction: discord.Interaction[Passerelle], saisie: str
    ) -> list[app_commands.Choice[str]]:
        """Propose les prochaines séances de la réunion choisie, dans l'horloge de chaque ville."""
        return await self._choix_de_seances(
            interaction,
            saisie,
            lambda serie, maintenant: occurrences(
                serie.reunion, maintenant, limite=LIMITE_CHOIX, annulees=serie.annulees
            ),
        )

    # --- Commandes --------------------------------------------------------------------------------

    @app_commands.command(
        name="planifier", description="Planifie une réunion ou une série, à l'heure d'une ville partenaire"
    )
    @app_commands.describe(
        titre="Titre de la réunion (200 caractères au plus)",
        jour="Date de la (première) séance : 2027-03-09, 09/03/2027, 9 mars 2027 ou demain",
        heure="Heure de début dans l'horloge de la ville choisie : 10:00, 10h, 10 h 30, 14h30",
        ville="Ville dont l'horloge fait foi pour la date et l'heure",
        duree="Durée : 1h (par défaut), 90min, 1 h 30 ou 45 (minutes)",
        recurrence="Rythme de la série (par défaut : une seule fois)",
        rappels="Rappels avant le début : 24h,1h (par défaut), 15min, 2j… ou aucun",
        salon="Salon de la réunion et de ses rappels (par défaut : ce salon-ci)",
        lien="Lien de visioconférence, https://…",
        notifier="Rôle que les rappels mentionnent (par défaut : celui de /config role-rappels, sinon aucun)",
    )
    @app_commands.rename(jour="date")
    @app_commands.choices(recurrence=CHOIX_RECURRENCE)
    @app_commands.autocomplete(ville=completer_ville)
    async def planifier(
        self,
        interaction: discord.Interaction[Passerelle],
        titre: app_commands.Range[str, 1, 200],
        jour: app_commands.Range[str, 1, 40],
        heure: app_commands.Range[str, 1, 20],
        ville: app_commands.Range[str, 1, 40],
        duree: app_commands.Range[str, 1, 30] = "1h",
        recurrence: app_commands.Choice[str] | None = None,
        rappels: app_commands.Range[str, 1, 100] = "24h,1h",
        salon: discord.TextChannel | None = None,
        lien: app_commands.Range[str, 1, 500] | None = None,
        notifier: discord.Role | None = None,
    ) -> None:
        """Planifie une réunion à l'heure murale d'une ville ; la montre dans chaque horloge."""
        guild_id, configuration, _ = await contexte(interaction)
        assert interaction.guild is not None
        maintenant = self.bot.maintenant()
        ville_choisie = configuration.ville(ville)
        # La date se lit dans l'horloge de la ville choisie, comme l'heure : « demain » est le sien.
        jour_lu = analyser_date(jour, aujourd_hui(maintenant, ville_choisie))
        heure_lue = analyser_heure(heure)
        duree_lue = analyser_duree(duree)
        rappels_lus = analyser_rappels(rappels)
        lien_lu = verifier_lien(lien) if lien is not None else None
        if salon is None and not isinstance(interaction.channel, discord.TextChannel):
            raise ErreurMetier(
                "Ce salon-ci ne peut pas recevoir les rappels (fil ou salon vocal) : choisissez un salon "
                "textuel avec l'option « salon »."
            )
        salon_id = salon.id if salon is not None else interaction.channel_id
        assert salon_id is not None
        salon_choisi = verifier_salon_publiable(interaction.guild, salon_id)
        if notifier is not None:
            rappels_ici = interaction.guild.get_channel(
                configuration.config.salon_rappels_id or salon_choisi.id
            )
            verifier_role_notifiable(
                notifier, rappels_ici if isinstance(rappels_ici, discord.TextChannel) else None
            )
        planifiee = await self.bot.base.ecrire(
            partial(
                planifier_reunion,
                guild_id=guild_id,
                auteur_id=interaction.user.id,
                titre=titre,
                jour=jour_lu,
                heure=heure_lue,
                ville_code=ville_choisie.code,
                duree=duree_lue,
                recurrence=Recurrence(recurrence.value) if recurrence else Recurrence.AUCUNE,
                rappels=rappels_lus,
                salon_id=salon_choisi.id,
                lien=lien_lu,
                maintenant=maintenant,
                role_notifier_id=notifier.id if notifier else None,
            )
        )
        self.bot.dispatch(Evenement.REUNIONS_MODIFIEES, guild_id)
        message = " ".join(filter(None, [heure_comprise(heure), planifiee.message])) or None
        if not peut_publier(interaction.guild) and await self.bot.base.ecrire(
            partial(avertir_une_fois, guild_id=guild_id, maintenant=maintenant)
        ):
            message = " ".join(
                filter(
                    None,
                    [
                        message,
                        "Pour que les séances apparaissent aussi dans l'onglet « Événements » du serveur, "
                        "donnez-moi la permission « Gérer les événements » (je ne le dirai qu'une fois).",
                    ],
                )
            )
        embed = embed_reunion(
            planifiee.reunion, planifiee.prochaines, configuration, maintenant, message=message
        )
        await repondre(
            interaction,
            f"Réunion **#{planifiee.reunion.numero}** planifiée par {interaction.user.mention}.",
            embed=embed,
        )

    @app_commands.command(name="liste", description="Liste les réunions à venir et leur prochaine séance")
    async def liste(self, interaction: discord.Interaction[Passerelle]) -> None:
        """Montre les réunions à venir, la plus proche d'abord."""
        guild_id, configuration, _ = await contexte(interaction)
        paires = await self.bot.base.lire(
            partial(lister_reunions, guild_id=guild_id, maintenant=self.bot.maintenant())
        )
        if not paires:
            embed = nouvel_embed(
                "Réunions à venir", "Aucune réunion à venir. Planifiez-en une avec `/reunion planifier`."
            )
            await repondre(interaction, embed=embed)
            return
        lignes = []
        for reunion, suivante in paires:
            ancre = ville_d_ancrage(configuration, reunion)
            recurrence = decrire_recurrence(Recurrence(reunion.recurrence), reunion.date_debut)
            lignes.append(
                f"**#{reunion.numero}** {texte_saisi(reunion.titre, 100)} — {recurrence}\n"
                f"\u2003{ligne_seance(suivante, configuration.villes, ancre)}"
            )
        embed = nouvel_embed(f"Réunions à venir — {len(paires)}", joindre(lignes, LIMITE_DESCRIPTION))
        embed.set_footer(text="Détails : /reunion voir · agenda : /reunion calendrier")
        await repondre(interaction, embed=embed)

    @app_commands.command(
        name="voir", description="Affiche une réunion, ses prochaines séances et ses rappels"
    )
    @app_commands.describe(reunion="Numéro ou titre de la réunion")
    @app_commands.autocomplete(reunion=completer_reunion)
    async def voir(self, interaction: discord.Interaction[Passerelle], reunion: str) -> None:
        """Montre la fiche complète d'une réunion."""
        guild_id, configuration, _ = await contexte(interaction)
        serie = await self.bot.base.lire(
            partial(lire_serie, guild_id=guild_id, numero=lire_numero(reunion, quoi="de réunion"))
        )
        maintenant = self.bot.maintenant()
        prochaines = occurrences(serie.reunion, maintenant, limite=PROCHAINES, annulees=serie.annulees)
        embed = embed_reunion(
            serie.reunion, prochaines, configuration, maintenant, annulees=len(serie.annulees)
        )
        await repondre(interaction, embed=embed)

    @app_commands.command(
        name="annuler", description="Annule une réunion entière, ou une seule de ses séances"
    )
    @app_commands.describe(
        reunion="Numéro ou titre de la réunion",
        occurrence="Séance à annuler (sans elle : toute la série est annulée)",
    )
    @app_commands.autocomplete(reunion=completer_reunion, occurrence=completer_occurrence)
    async def annuler(
        self,
        interaction: discord.Interaction[Passerelle],
        reunion: str,
        occurrence: app_commands.Range[str, 1, 40] | None = None,
    ) -> None:
        """Annule une série ou une séance ; l'annonce dans le salon des rappels."""
        guild_id, configuration, coordination = await contexte(interaction)
        assert interaction.guild is not None
        numero = lire_numero(reunion, quoi="de réunion")
        annulation = await self.bot.base.ecrire(
            partial(
                annuler_reunion,
                guild_id=guild_id,
                numero=numero,
                auteur_id=interaction.user.id,
                est_coordination=coordination,
                occurrence=lire_cle_occurrence(occurrence.strip()) if occurrence else None,
                maintenant=self.bot.maintenant(),
            )
        )
        self.bot.dispatch(Evenement.REUNIONS_MODIFIEES, guild_id)
        texte = annonce_annulation(annulation.reunion, annulation.occurrence, configuration, interaction.user)
        quoi = "La séance est annulée" if annulation.occurrence else f"La réunion #{numero} est annulée"
        publiee = await self._annoncer(
            interaction.guild,
            salon_des_rappels(configuration.config.salon_rappels_id, annulation.reunion),
            texte,
        )
        await repondre(interaction, f"{quoi}. {publiee}", ephemere=True)

    @app_commands.command(
        name="modifier",
        description="Modifie une réunion : heure, date, durée, lien, titre ou rôle notifié (toute la série)",
    )
    @app_commands.describe(
        reunion="Numéro ou titre de la réunion",
        titre="Nouveau titre (200 caractères au plus)",
        jour="Nouvelle date de la (première) séance, lue dans l'horloge de la ville de la réunion",
        heure="Nouvelle heure de début dans l'horloge de la ville de la réunion : 10:00, 10h, 14h30",
        duree="Nouvelle durée : 1h, 90min, 1 h 30 ou 45 (minutes)",
        lien="Nouveau lien de visioconférence https://…, ou « aucun » pour le retirer",
        notifier="Rôle que les rappels mentionnent désormais",
    )
    @app_commands.rename(jour="date")
    @app_commands.autocomplete(reunion=completer_reunion)
    async def modifier(
        self,
        interaction: discord.Interaction[Passerelle],
        reunion: str,
        titre: app_commands.Range[str, 1, 200] | None = None,
        jour: app_commands.Range[str, 1, 40] | None = None,
        heure: app_commands.Range[str, 1, 20] | None = None,
        duree: app_commands.Range[str, 1, 30] | None = None,
        lien: app_commands.Range[str, 1, 500] | None = None,
        notifier: discord.Role | None = None,
    ) -> None:
        """Modifie une réunion (l'auteur ou la coordination) ; ses rappels et événements suivent."""
        guild_id, configuration, coordination = await contexte(interaction)
        assert interaction.guild is not None
        numero = lire_numero(reunion, quoi="de réunion")
        maintenant = self.bot.maintenant()
        serie = await self.bot.base.lire(partial(lire_serie, guild_id=guild_id, numero=numero))
        ancre = ville_d_ancrage(configuration, serie.reunion)
        if notifier is not None:
            salon_id = salon_des_rappels(configuration.config.salon_rappels_id, serie.reunion)
            rappels_ici = interaction.guild.get_channel(salon_id) if salon_id else None
            verifier_role_notifiable(
                notifier, rappels_ici if isinstance(rappels_ici, discord.TextChannel) else None
            )
        modification = await self.bot.base.ecrire(
            partial(
                modifier_reunion,
                guild_id=guild_id,
                numero=numero,
                auteur_id=interaction.user.id,
                est_coordination=coordination,
                maintenant=maintenant,
                titre=titre,
                jour=analyser_date(jour, aujourd_hui(maintenant, ancre)) if jour is not None else None,
                heure=analyser_heure(heure) if heure is not None else None,
                duree=analyser_duree(duree) if duree is not None else None,
                lien=lien,
                role_notifier_id=notifier.id if notifier is not None else None,
            )
        )
        if not modification.changements:
            await repondre(
                interaction, f"La réunion #{numero} est déjà ainsi : rien n'a changé.", ephemere=True
            )
            return
        self.bot.dispatch(Evenement.REUNIONS_MODIFIEES, guild_id)
        lignes = texte_modification(modification, configuration, ancre)
        message = " ".join(filter(None, [heure_comprise(heure) if heure else None, modification.message]))
        embed = embed_reunion(
            modification.reunion,
            modification.prochaines,
            configuration,
            maintenant,
            message=message or None,
            annulees=len(serie.annulees),
        )
        await repondre(
            interaction,
            tronquer(
                f"Réunion **#{numero}** modifiée par {interaction.user.mention}.\n" + "\n".join(lignes),
                LIMITE_MESSAGE,
            ),
            embed=embed,
        )

    async def _annoncer(self, guild: discord.Guild, salon_id: int | None, texte: str) -> str:
        """Publie l'annonce (mentions désactivées par le client) ; rend ce qu'il faut en dire."""
        salon = guild.get_channel(salon_id) if salon_id else None
        if not isinstance(salon, discord.TextChannel):
            return (
                "Je n'ai pas pu l'annoncer : le salon des rappels n'existe plus "
                "(choisissez-en un avec `/config salon-rappels`)."
            )
        permissions = salon.permissions_for(guild.me)
        if not (permissions.view_channel and permissions.send_messages):
            return f"Je n'ai pas pu l'annoncer : je ne peux pas écrire dans {salon.mention}."
        try:
            await salon.send(texte)
        except discord.HTTPException:
            # L'annulation est enregistrée : l'échec de l'annonce se dit, il n'annule rien.
            log.warning("Annonce d'annulation impossible dans le salon %s", salon.id, exc_info=True)
            return f"Je n'ai pas pu l'annoncer dans {salon.mention} (Discord a refusé le message)."
        return f"Annonce publiée dans {salon.mention}."

    @app_commands.command(
        name="creneaux", description="Trouve les créneaux communs aux heures de bureau de chaque ville"
    )
    @app_commands.describe(
        du="Premier jour de la recherche (par défaut : aujourd'hui), par exemple 2027-03-15",
        jours="Nombre de jours à parcourir (14 par défaut, 60 au plus)",
        duree="Durée minimale du créneau : 1h (par défaut), 90min, 2h",
        vote="Soumettre au vote les cinq premiers créneaux (un par jour), avec des boutons",
    )
    async def creneaux(
        self,
        interaction: discord.Interaction[Passerelle],
        du: app_commands.Range[str, 1, 40] | None = None,
        jours: app_commands.Range[int, 1, 60] = 14,
        duree: app_commands.Range[str, 1, 30] = "1h",
        vote: bool = False,
    ) -> None:
        """Montre, jour par jour, les plages communes aux heures de bureau (09 h – 17 h) de toutes les villes.

        Les séances du groupe et les jours fériés de chaque ville (Québec, Belgique) en sont retirés.
        """
        guild_id, configuration, _ = await contexte(interaction)
        maintenant = self.bot.maintenant()
        villes = configuration.villes
        # Les jours cherchés sont ceux de la première ville (creneaux_communs) : son « aujourd'hui ».
        reference = villes[0]
        aujourd = aujourd_hui(maintenant, reference)
        debut = analyser_date(du, aujourd) if du else aujourd
        duree_lue = analyser_duree(duree)
        dernier = debut + timedelta(days=jours - 1)
        # Les séances du groupe sur la période (avec un jour de marge pour les fuseaux).
        seances = await self.bot.base.lire(
            partial(
                seances_entre,
                guild_id=guild_id,
                du=datetime.combine(debut - timedelta(days=1), datetime.min.time(), UTC),
                au=datetime.combine(dernier + timedelta(days=2), datetime.min.time(), UTC),
            )
        )
        chercher = partial(
            creneaux_communs,
            villes,
            debut,
            jours,
            duree_lue,
            apres=maintenant,
            occupees=[(s.debut, s.fin) for s in seances],
        )
        # Quelques millisecondes, sauf la première fois : charger les règles des jours fériés coûte
        # ≈ 0,35 s, hors de la boucle (pas au démarrage : il n'en serait que plus long).
        trouves = chercher() if feries_charges() else await asyncio.to_thread(chercher)
        feries = feries_de_la_periode(villes, debut, jours)
        periode = (
            f"Du {format_date_longue(debut)} au {format_date_longue(dernier)}, heures de bureau "
            f"09\u00a0h\u00a000 – 17\u00a0h\u00a000 dans chaque ville, au moins {format_duree(duree_lue)}, "
            "hors séances du groupe et jours fériés :"
        )
        lignes = [periode]
        jours_trouves = par_jour(trouves, reference)
        if not jours_trouves:
            lignes.append("aucun créneau. Essayez plus de jours ou une durée plus courte.")
        for jour, plages in jours_trouves[:CRENEAUX_AFFICHES]:
            lignes.append(ligne_jour(jour, plages, villes))
        if len(jours_trouves) > CRENEAUX_AFFICHES:
            lignes.append(f"… et {pluriel(len(jours_trouves) - CRENEAUX_AFFICHES, 'autre jour')}")
        if feries:
            lignes.append(
                "Jours fériés écartés : "
                + " ; ".join(f"{format_date_longue(f.jour)}, {f.nom} ({f.ville.nom})" for f in feries)
            )
        ecartees = [s for s in seances if debut <= reference.heure_locale(s.debut).date() <= dernier]
        if ecartees:
            lignes.append(
                f"Séances du groupe écartées : {pluriel(len(ecartees), 'séance')} "
                f"({', '.join(horodatage(s.debut, 'f') for s in ecartees[:5])}"
                + (", …" if len(ecartees) > 5 else "")
                + ")"
            )
        embed = nouvel_embed("Créneaux communs", joindre(lignes, LIMITE_DESCRIPTION))
        embed.set_footer(text="Un jour par ligne, dans l'ordre du calendrier.")
        propositions = choisir_propositions(trouves, duree_lue, reference) if vote else []
        if not propositions:
            await repondre(interaction, embed=embed)
            return
        etat = await self.bot.base.ecrire(
            partial(
                ouvrir_sondage,
                guild_id=guild_id,
                auteur_id=interaction.user.id,
                salon_id=interaction.channel_id,
                propositions=propositions,
                maintenant=maintenant,
            )
        )
        mettre_a_jour(embed, etat, villes)
        await repondre(interaction, embed=embed, view=vue_vote(etat))
        message = await interaction.original_response()
        await self.bot.base.ecrire(
            partial(noter_message_sondage, sondage_id=etat.sondage.id or 0, message_id=message.id)
        )

    async def completer_seance_passee(
        self, interaction: discord.Interaction[Passerelle], saisie: str
    ) -> list[app_commands.Choice[str]]:
        """Propose les séances déjà commencées de la réunion choisie, la plus récente d'abord.

        Sans réunion choisie : celles de toutes les réunions du serveur, nommées par leur réunion.
        """
        if not getattr(interaction.namespace, "reunion", None):
            return await self._seances_du_serveur(interaction, saisie)
        return await self._choix_de_seances(
            interaction,
            saisie,
            lambda serie, maintenant: reversed(
                seances_passees(serie.reunion, maintenant, set(serie.annulees))
            ),
        )

    async def _seances_du_serveur(
        self, interaction: discord.Interaction[Passerelle], saisie: str
    ) -> list[app_commands.Choice[str]]:
        """Les séances commencées de toutes les réunions, la plus récente d'abord ; valeur « numéro:clé ».

        Les six dernières semaines d'abord (le cas courant, vite servi), toute l'année si la saisie
        n'y trouve pas assez de séances.
        """
        guild_id, configuration, _ = await contexte(interaction)
        cle = normaliser(saisie)
        choix: list[app_commands.Choice[str]] = []
        for recul in (RECUL_AUTOCOMPLETION, RECUL_SEANCES):
            seances = await self.bot.base.lire(
                partial(seances_commencees, guild_id=guild_id, maintenant=self.bot.maintenant(), recul=recul)
            )
            choix = []
            for reunion, occurrence in seances:
                quand = horloges(
                    occurrence.debut, configuration.villes, ville_d_ancrage(configuration, reunion)
                )
                nom = tronquer(f"#{reunion.numero} {reunion.titre} — {quand}", 100)
                if cle in normaliser(nom) or cle in occurrence.cle.lower():
                    choix.append(app_commands.Choice(name=nom, value=f"{reunion.numero}:{occurrence.cle}"))
                    if len(choix) >= LIMITE_CHOIX:
                        return choix
        return choix

    @app_commands.command(
        name="compte-rendu",
        description="Rédige ou modifie le compte rendu d'une séance (points, décisions, prochaines étapes)",
    )
    @app_commands.describe(
        reunion="Numéro ou titre de la réunion (par défaut : celle de la séance choisie)",
        seance="Séance (par défaut : la dernière commencée, de cette réunion ou du serveur)",
    )
    @app_commands.autocomplete(reunion=completer_reunion, seance=completer_seance_passee)
    async def compte_rendu(
        self,
        interaction: discord.Interaction[Passerelle],
        reunion: str | None = None,
        seance: app_commands.Range[str, 1, 40] | None = None,
    ) -> None:
        """Ouvre la fenêtre du compte rendu : l'auteur de la réunion, la coordination ou un présent."""
        assert interaction.guild_id is not None
        numero, cle = lire_seance_visee(reunion, seance)
        if numero is None:
            derniere = await self.bot.base.lire(
                partial(
                    derniere_seance_commencee, guild_id=interaction.guild_id, maintenant=self.bot.maintenant()
                )
            )
            await ouvrir_compte_rendu(interaction, *derniere)
            return
        await ouvrir_compte_rendu(interaction, numero, cle)

    @app_commands.command(name="comptes-rendus", description="Liste les comptes rendus des séances")
    @app_commands.describe(reunion="Seulement cette réunion (par défaut : toutes celles du serveur)")
    @app_commands.autocomplete(reunion=completer_reunion)
    async def comptes_rendus(
        self, interaction: discord.Interaction[Passerelle], reunion: str | None = None
    ) -> None:
        """Les comptes rendus, le plus récent d'abord, avec un lien vers chaque publication."""
        guild_id, configuration, _ = await contexte(interaction)
        numero = lire_numero(reunion, quoi="de réunion") if reunion else None
        paires, total = await self.bot.base.lire(
            partial(lister_comptes_rendus, guild_id=guild_id, numero=numero)
        )
        titre = "Comptes rendus" + (f" de la réunion #{numero}" if numero is not None else "")
        if not paires:
            embed = nouvel_embed(
                titre,
                "Aucun compte rendu pour l'instant. Après une séance, rédigez-le avec "
                "`/reunion compte-rendu`.",
            )
            await repondre(interaction, embed=embed)
            return
        lignes = []
        for serie, compte_rendu in paires:
            ancre = ville_d_ancrage(configuration, serie)
            quand = horloges(exiger_utc(compte_rendu.debut), configuration.villes, ancre)
            decisions = len(decisions_de(compte_rendu.decisions))
            presents = len(ids_presents(compte_rendu.presents))
            ligne = (
                f"**#{serie.numero}** {texte_saisi(serie.titre, 80)} — {quand}\n"
                f"\u2003{pluriel(decisions, 'décision')} · {pluriel(presents, 'présent')}"
            )
            if compte_rendu.message_id and compte_rendu.salon_id:
                ligne += (
                    f" · [voir](https://discord.com/channels/{guild_id}/{compte_rendu.salon_id}/"
                    f"{compte_rendu.message_id})"
                )
            lignes.append(ligne)
        embed = nouvel_embed(
            f"{titre} — {total}",
            joindre(lignes, LIMITE_DESCRIPTION, autres=total - len(paires)),
        )
        embed.set_footer(text="Le plus récent d'abord · modifier : /reunion compte-rendu")
        await repondre(interaction, embed=embed)

    @app_commands.command(name="calendrier", description="Exporte les réunions en fichier agenda .ics")
    @app_commands.describe(reunion="Seulement cette réunion (par défaut : toutes celles du serveur)")
    @app_commands.autocomplete(reunion=completer_reunion)
    async def calendrier(
        self, interaction: discord.Interaction[Passerelle], reunion: str | None = None
    ) -> None:
        """Joint un fichier iCalendar que les agendas (Outlook, Google, Apple) importent."""
        guild_id, _, _ = await contexte(interaction)
        numero = lire_numero(reunion, quoi="de réunion") if reunion else None
        # Lu avant de différer la réponse : une erreur reste ainsi privée.
        series = await self.bot.base.lire(partial(series_a_exporter, guild_id=guild_id, numero=numero))
        await interaction.response.defer(thinking=True)
        contenu = await asyncio.to_thread(calendrier_ics, series, maintenant=self.bot.maintenant())
        nom = f"reunion-{numero}.ics" if numero is not None else "reunions.ics"
        if numero is not None:
            quoi = f"de la réunion #{numero}"
        else:
            quoi = (
                "de la réunion du serveur" if len(series) == 1 else f"des {len(series)} réunions du serveur"
            )
        await interaction.followup.send(
            f"Agenda {quoi} (iCalendar) : importez-le dans Outlook, Google Agenda ou Calendrier d'Apple. "
            "Les séances suivent l'heure de leur ville et s'affichent dans votre fuseau.",
            file=discord.File(io.BytesIO(contenu), filename=nom),
        )

    @app_commands.command(
        name="abonnement",
        description="Donne votre lien secret d'agenda (Outlook, Google, Apple), tenu à jour",
    )
    async def abonnement(self, interaction: discord.Interaction[Passerelle]) -> None:
        """Donne au membre son lien d'abonnement à l'agenda des réunions ; l'ancien cesse de fonctionner."""
        guild_id, _, _ = await contexte(interaction)
        jeton = await self.bot.base.ecrire(
            partial(
                abonner_agenda,
                guild_id=guild_id,
                membre_id=interaction.user.id,
                maintenant=self.bot.maintenant(),
            )
        )
        adresse = liens.lien(self.bot.reglages.adresse_web, liens.chemin_agenda(jeton))
        await repondre(
            interaction,
            f"Votre agenda des réunions, à ajouter par son adresse (abonnement) :\n{adresse}\n"
            "• Outlook : Ajouter un calendrier → À partir d'Internet ; • Google Agenda : Autres agendas → "
            "À partir de l'URL ; • Calendrier d'Apple : Fichier → Nouvel abonnement.\n"
            "Les réunions planifiées, annulées ou modifiées y apparaissent d'elles-mêmes (le délai dépend de "
            "l'application). Ce lien est à vous : ne le partagez pas. Redemander `/reunion abonnement` en "
            "donne un nouveau et désactive celui-ci.",
            ephemere=True,
        )


async def setup(bot: Passerelle) -> None:
    """Charge le cog et les boutons persistants des comptes rendus."""
    bot.add_dynamic_items(*BOUTONS_COMPTE_RENDU, BoutonVote)
    await bot.add_cog(Reunions(bot))
