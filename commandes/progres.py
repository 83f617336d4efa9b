"""`/progres` : graphiques de progrès (PNG) et résumé hebdomadaire, publié aussi chaque semaine."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import partial
from io import BytesIO
from typing import Any, TypeVar

import discord
from discord import app_commands
from discord.ext import commands

from bot.arbre import repondre
from bot.client import Passerelle
from bot.limites import LIMITE_TOTAL, LIMITE_VALEUR_CHAMP
from bot.livraison import Publication
from commandes._affichage import MENTION_RETARD, ajouter_champ, horodatage, joindre, nouvel_embed, texte_saisi
from commandes._completion import AIDE_EDITION, completer_axe, completer_edition
from commandes._seances import ligne_seance
from metier.editions import lire_edition
from metier.formats import format_nombre, format_pourcentage, pluriel, tronquer
from metier.graphiques import Donnees, TypeGraphique, preparer
from metier.publications.livraisons import TypeLivraison
from metier.publications.resume import (
    JOURS_ECHEANCES,
    ActionResume,
    Liste,
    MesureResume,
    Resume,
    SeanceResume,
    resume_et_axes,
)
from metier.statuts import LIBELLES_STATUT
from metier.temps import NBSP, delai_en_mots, format_date_courte, format_heure
from modeles import Livraison
from rendu.graphiques import dessiner_png

T = TypeVar("T")

CHOIX_TYPES = [
    app_commands.Choice(name="Avancement moyen par axe et par ville", value=TypeGraphique.AXES.value),
    app_commands.Choice(name="Actions par statut et par axe", value=TypeGraphique.STATUTS.value),
    app_commands.Choice(name="Évolution de l'avancement, mois par mois", value=TypeGraphique.EVOLUTION.value),
    app_commands.Choice(name="Indicateurs vers leur cible", value=TypeGraphique.INDICATEURS.value),
    app_commands.Choice(name="Échéances en retard et à venir", value=TypeGraphique.ECHEANCES.value),
]
VOIR_ACTIONS = "/action liste"
# Une section de l'embed : nom, lignes, éléments non listés, commande qui les montre tous.
Section = tuple[str, list[str], int, str | None]


def fichier_png(donnees: Donnees, image: bytes) -> discord.File:
    """Le PNG en pièce jointe ; le titre du graphique sert de texte de remplacement."""
    return discord.File(
        BytesIO(image), filename=donnees.nom_fichier, description=tronquer(donnees.titre, 1024)
    )


# --- Résumé : lignes ----------------------------------------------------------------------------


def variation(points: float | None) -> str:
    """« (▲ +3,2 pts en une semaine) », « (= en une semaine) » ; vide sans point de comparaison."""
    if points is None:
        return ""
    arrondi = round(points, 1)
    if arrondi == 0:
        return " (= en une semaine)"
    fleche, signe = ("▲", "+") if arrondi > 0 else ("▼", "−")
    unite = "pt" if abs(arrondi) < 2 else "pts"
    return f" ({fleche} {signe}{format_nombre(abs(arrondi))}{NBSP}{unite} en une semaine)"


def mentions(ids: tuple[int, ...], limite: int = 3) -> str:
    """« <@1>, <@2> et 2 autres » (les mentions d'un embed ne notifient personne)."""
    texte = ", ".join(f"<@{i}>" for i in ids[:limite])
    if len(ids) > limite:
        texte += f" et {pluriel(len(ids) - limite, 'autre')}"
    return texte


def _titre_action(action: ActionResume) -> str:
    return f"**#{action.numero}** {texte_saisi(action.titre, 70)}"


def ligne_terminee(action: ActionResume) -> str:
    """« **#12** Forum de l'emploi · par <@1> »."""
    par = f" · par {mentions(action.auteurs)}" if action.auteurs else ""
    return f"{_titre_action(action)}{par}"


def ligne_creee(action: ActionResume) -> str:
    """« **#14** Plantation · par <@1> · responsable <@2> · échéance 31 mars 2027 »."""
    morceaux = [_titre_action(action)]
    if action.auteurs:
        morceaux.append(f"par {mentions(action.auteurs)}")
    if action.responsable_id not in action.auteurs:
        morceaux.append(f"responsable <@{action.responsable_id}>")
    if action.echeance is not None:
        morceaux.append(f"échéance {format_date_courte(action.echeance)}")
    return " · ".join(morceaux)


def ligne_mise_a_jour(action: ActionResume) -> str:
    """« **#8** Atelier · 20 % → **45 %** · en cours → en pause · <@1> »."""
    morceaux = [_titre_action(action)]
    if action.avancement_avant is not None and action.avancement_avant != action.avancement:
        morceaux.append(f"{action.avancement_avant}{NBSP}% → **{action.avancement}{NBSP}%**")
    else:
        morceaux.append(f"{action.avancement}{NBSP}%")
    if action.statut_avant is not None and action.statut_avant != action.statut:
        morceaux.append(f"{LIBELLES_STATUT[action.statut_avant]} → {LIBELLES_STATUT[action.statut]}")
    if action.auteurs:
        morceaux.append(mentions(action.auteurs))
    return " · ".join(morceaux)


def ligne_echeance(action: ActionResume, aujourd_hui: date) -> str:
    """« **#3** Forum · 2 nov. 2026, en retard de 17 j · 40 % · <@39> »."""
    assert action.echeance is not None
    delai = delai_en_mots((action.echeance - aujourd_hui).days, court=True)
    return (
        f"{_titre_action(action)} · {format_date_courte(action.echeance)}, {delai} · "
        f"{action.avancement}{NBSP}% · <@{action.responsable_id}>"
    )


def ligne_mesure(mesure: MesureResume) -> str:
    """« **n° 2** Émissions évitées : 12 → **18,5 t CO₂** (cible 30, au 3 mars 2027) »."""
    nouvelle = f"**{format_nombre(mesure.valeur)}{NBSP}{texte_saisi(mesure.unite, 20)}**"
    details = [f"cible {format_nombre(mesure.cible)}", f"au {format_date_courte(mesure.date_mesure)}"]
    if mesure.valeur_avant is None:
        valeurs = f"première mesure, {nouvelle}"
        details.insert(0, f"départ {format_nombre(mesure.valeur_depart)}")
    else:
        valeurs = f"{format_nombre(mesure.valeur_avant)} → {nouvelle}"
    return f"**n° {mesure.numero}** {texte_saisi(mesure.nom, 60)} : {valeurs} ({', '.join(details)})"


def ligne_reunion(seance: SeanceResume, resume: Resume) -> str:
    """Titre, puis l'heure dans chaque ville et l'horodatage Discord."""
    return (
        f"**#{seance.numero}** {texte_saisi(seance.titre, 60)}\n"
        f"{ligne_seance(seance.occurrence, resume.villes, seance.ancre)}"
    )


def _section(nom: str, liste: Liste[T], ligne: Callable[[T], str], renvoi: str | None) -> Section | None:
    if not liste.elements:
        return None
    return f"{nom} ({format_nombre(liste.total)})", [ligne(e) for e in liste.elements], liste.autres, renvoi


# --- Résumé : l'embed ---------------------------------------------------------------------------


def _description(resume: Resume, en_retard: bool) -> str:
    ville = resume.ville
    lignes = [MENTION_RETARD] if en_retard else []
    minuit = format_heure(ville.heure_locale(resume.debut))
    if resume.en_cours:
        lignes.append(
            f"Semaine en cours, depuis lundi {minuit} heure de {ville.nom} "
            f"({horodatage(resume.debut, 'f')}) : état au {horodatage(resume.maintenant, 'f')}."
        )
    else:
        lignes.append(
            f"Du lundi {minuit} au lundi suivant {minuit}, heure de {ville.nom} "
            f"({horodatage(resume.debut, 'f')} → {horodatage(resume.fin, 'f')})."
        )
    moyenne = resume.moyenne
    if not resume.nb_actions_registre:
        lignes.append("Le registre est vide : ajoutez une première action avec /action ajouter.")
    elif not resume.nb_actions_existantes:
        lignes.append("Aucune action n'existait encore à la fin de cette semaine.")
    elif moyenne is None:
        lignes.append("Avancement moyen : aucune action non abandonnée.")
    else:
        comptees = pluriel(resume.nb_actions, "action non abandonnée", "actions non abandonnées")
        lignes.append(f"Avancement moyen : **{format_pourcentage(moyenne)}** sur {comptees}.")
    if resume.est_calme:
        lignes.append("Semaine calme : rien n'a bougé dans le registre.")
    else:
        lignes.append(
            " · ".join(
                [
                    f"✅ {pluriel(resume.terminees.total, 'terminée')}",
                    f"🆕 {pluriel(resume.creees.total, 'créée')}",
                    f"✏️ {pluriel(resume.mises_a_jour.total, 'autre mise à jour', 'autres mises à jour')}",
                    f"👥 {pluriel(resume.contributeurs.total, 'contributeur')}",
                ]
            )
        )
    return "\n".join(lignes)


def embed_resume(resume: Resume, *, en_retard: bool = False, image: str | None = None) -> discord.Embed:
    """Le résumé en un embed, dans les limites de Discord (25 champs, 1 024 par champ, 6 000 en tout)."""
    embed = nouvel_embed(f"📊 Résumé hebdomadaire — {resume.titre}", _description(resume, en_retard))
    embed.set_footer(text="Détails : /progres graphique · /action liste · /reunion liste")
    if image is not None:
        embed.set_image(url=f"attachment://{image}")
    horizon = format_date_courte(resume.aujourd_hui + timedelta(days=JOURS_ECHEANCES))
    echeance = partial(ligne_echeance, aujourd_hui=resume.aujourd_hui)
    sections: list[Section | None] = []
    if resume.nb_actions:
        axes = [
            f"**{texte_saisi(a.libelle, 60)}** : "
            + (
                f"{format_pourcentage(a.moyenne)}{variation(a.variation)} · {pluriel(a.nb_actions, 'action')}"
                if a.moyenne is not None
                else "aucune action"
            )
            for a in resume.axes
        ]
        sections.append(("Avancement par axe", axes, 0, "/progres graphique"))
    sections += [
        _section("✅ Terminées", resume.terminees, ligne_terminee, VOIR_ACTIONS),
        _section("🆕 Créées", resume.creees, ligne_creee, VOIR_ACTIONS),
        _section("✏️ Mises à jour", resume.mises_a_jour, ligne_mise_a_jour, VOIR_ACTIONS),
        _section("🔴 En retard", resume.en_retard, echeance, f"{VOIR_ACTIONS} en_retard"),
        _section(f"📅 Échéances d'ici le {horizon}", resume.echeances, echeance, VOIR_ACTIONS),
        _section("📈 Indicateurs mesurés", resume.indicateurs, ligne_mesure, "/indicateur liste"),
        _section(
            "🗓️ Prochaines réunions",
            resume.reunions,
            partial(ligne_reunion, resume=resume),
            "/reunion liste",
        ),
    ]
    if resume.contributeurs.elements:
        contributeurs = " · ".join(f"<@{a}> ({n})" for a, n in resume.contributeurs.elements)
        nom = f"👥 Contributeurs ({format_nombre(resume.contributeurs.total)})"
        sections.append((nom, [contributeurs], resume.contributeurs.autres, None))
    presentes = [s for s in sections if s is not None]
    for rang, (nom, lignes, autres, renvoi) in enumerate(presentes):
        # Chaque section à venir a sa part de ce qui reste : une section courte laisse sa place
        # aux suivantes, aucune ne disparaît faute de place.
        suivantes = presentes[rang:]
        reste = LIMITE_TOTAL - len(embed) - sum(len(s[0]) for s in suivantes)
        part = min(LIMITE_VALEUR_CHAMP, reste // len(suivantes))
        ajouter_champ(embed, nom, joindre(lignes, part, autres=autres, renvoi=renvoi))
    return embed


# --- Le cog -------------------------------------------------------------------------------------


@app_commands.guild_only()
class Progres(
    commands.GroupCog,
    group_name="progres",
    group_description="Progrès du protocole : graphiques et résumé de la semaine",
):
    """Graphiques de progrès et résumé hebdomadaire (à la demande, et publié par le livreur)."""

    def __init__(self, bot: Passerelle) -> None:
        self.bot = bot
        super().__init__()
        bot.livreur.enregistrer(TypeLivraison.RESUME, self.publication_resume)

    @app_commands.command(
        name="graphique", description="Dessine un graphique de progrès du protocole (image PNG)"
    )
    @app_commands.describe(
        type_graphique="Ce que montre le graphique",
        axe="Limiter le graphique à un axe du protocole (par défaut : tous les axes)",
        edition=AIDE_EDITION,
    )
    @app_commands.rename(type_graphique="type")
    @app_commands.choices(type_graphique=CHOIX_TYPES)
    @app_commands.autocomplete(axe=completer_axe)
    @app_commands.autocomplete(edition=completer_edition)
    async def graphique(
        self,
        interaction: discord.Interaction[Passerelle],
        type_graphique: app_commands.Choice[str],
        axe: app_commands.Range[int, 1, 99] | None = None,
        edition: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        """Prépare les données (base), dessine le PNG (thread), répond avec l'image et son titre."""
        assert interaction.guild_id is not None
        # Les données d'abord (quelques millisecondes) : un registre vide ou un axe inconnu reçoit
        # une réponse privée. Puis on accuse réception, car le dessin prend ~100 ms.
        donnees = await self.bot.base.lire(
            partial(
                preparer,
                type_graphique=type_graphique.value,
                guild_id=interaction.guild_id,
                maintenant=self.bot.maintenant(),
                axe=axe,
                edition=edition,
            )
        )
        await interaction.response.defer(thinking=True)
        image = await self.bot.atelier.executer(dessiner_png, donnees)
        await repondre(
            interaction, f"📊 **{texte_saisi(donnees.titre, 300)}**", file=fichier_png(donnees, image)
        )

    @app_commands.command(
        name="resume", description="Affiche le résumé de la semaine, comme celui publié chaque semaine"
    )
    @app_commands.describe(edition=AIDE_EDITION)
    @app_commands.autocomplete(edition=completer_edition)
    async def resume(
        self,
        interaction: discord.Interaction[Passerelle],
        edition: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        """Le résumé de la semaine, à la demande."""
        assert interaction.guild_id is not None
        if edition is not None:  # une édition inconnue : réponse privée, avant d'accuser réception
            await self.bot.base.lire(partial(lire_edition, guild_id=interaction.guild_id, saisie=edition))
        await interaction.response.defer(thinking=True)
        embed, fichiers = await self.composer_resume(interaction.guild_id, edition=edition)
        options: dict[str, Any] = {"embed": embed}
        if fichiers:
            options["files"] = fichiers
        await repondre(interaction, **options)

    async def composer_resume(
        self,
        guild_id: int,
        *,
        reference: datetime | None = None,
        en_retard: bool = False,
        edition: str | None = None,
    ) -> tuple[discord.Embed, list[discord.File]]:
        """Lit le résumé et les données du graphique, dessine le PNG hors de la boucle, compose l'embed.

        Le post de chaque semaine n'a pas d'`edition` : il porte sur l'édition en vigueur.
        """
        resume, axes = await self.bot.base.lire(
            partial(
                resume_et_axes,
                guild_id=guild_id,
                maintenant=self.bot.maintenant(),
                reference=reference,
                edition=edition,
            )
        )
        if axes.est_vide:
            return embed_resume(resume, en_retard=en_retard), []
        image = await self.bot.atelier.executer(dessiner_png, axes)
        embed = embed_resume(resume, en_retard=en_retard, image=axes.nom_fichier)
        return embed, [fichier_png(axes, image)]

    async def publication_resume(self, livraison: Livraison, en_retard: bool) -> Publication | None:
        """Le résumé publié chaque semaine : celui de la semaine de son échéance (un lundi, l'écoulée)."""
        embed, fichiers = await self.composer_resume(
            livraison.guild_id, reference=livraison.echeance, en_retard=en_retard
        )
        return Publication(embed=embed, fichiers=fichiers)


async def setup(bot: Passerelle) -> None:
    """Charge le cog."""
    await bot.add_cog(Progres(bot))
