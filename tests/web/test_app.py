"""La page de suivi servie sur un vrai port, interrogée par un vrai client HTTP (aiohttp)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer
from pypdf import PdfReader

from metier.actions.registre import creer_action, mettre_a_jour_avancement
from metier.page import desactiver_page, renouveler_page
from modeles import ModePage
from tests.scenarios import ALICE, MAINTENANT, SERVEUR
from tests.web.conftest import Suivi, ouvrir
from web.app import POLITIQUE, LimiteDebit, Services, Site

PAGES = ("", "axes/1", "axes/2", "axes/3", "reunions", "rapports")


async def _texte(suivi: Suivi, chemin: str, statut: int = 200) -> str:
    reponse = await suivi.client.get(chemin)
    texte = await reponse.text()
    assert reponse.status == statut, texte[:500]
    return texte


async def test_chaque_page_repond_en_francais_avec_ses_entetes_de_securite(suivi: Suivi) -> None:
    for chemin in PAGES:
        reponse = await suivi.client.get(suivi.racine + chemin)
        assert reponse.status == 200, chemin
        assert reponse.content_type == "text/html"
        assert reponse.headers["Content-Security-Policy"] == POLITIQUE
        assert "script-src" not in POLITIQUE
        assert "default-src 'none'" in POLITIQUE
        assert reponse.headers["X-Content-Type-Options"] == "nosniff"
        assert reponse.headers["Referrer-Policy"] == "no-referrer"  # le jeton ne part jamais ailleurs
        assert reponse.headers["X-Frame-Options"] == "DENY"
        assert reponse.headers["Server"] == "Passerelle"
        texte = await reponse.text()
        assert '<html lang="fr-CA">' in texte
        assert "<script" not in texte
        assert texte.count("<h1>") == 1


async def test_l_accueil_montre_le_protocole_l_avancement_les_chiffres_et_les_reunions(suivi: Suivi) -> None:
    texte = await _texte(suivi, suivi.racine)

    assert "Il reste <strong>35 jours</strong>" in texte  # du 26 novembre au 31 décembre 2026
    assert "I. Climat et transition écologique" in texte
    assert "Terrebonne" in texte
    assert "Namur" in texte
    # 5 actions non archivées : 2 terminées, 2 en cours, 1 en pause ; l'archivée n'y est pas.
    assert '<span class="valeur">5</span> actions au registre' in texte
    assert 'data-libelle="Terminée">2<' in texte
    assert 'data-libelle="En pause">1<' in texte
    assert "0 sur 3</span> indicateurs en bonne voie" in texte
    # Comité mensuel de janvier à novembre 2026, moins la séance d'avril annulée.
    assert '<span class="valeur">10</span> séances tenues' in texte
    # La prochaine séance, dans les deux horloges.
    assert "mardi 8 décembre 2026" in texte
    assert "10\u00a0h\u00a000" in texte
    assert "16\u00a0h\u00a000" in texte
    assert "Secret d'un autre jumelage" not in texte
    # (100 + 100 + 30 + 60 + 0) / 5 : les actions non abandonnées, terminées à leur valeur.
    assert "58\u00a0%</span> d'avancement moyen" in texte
    assert "rien n'a encore été consigné" in texte


async def test_l_accueil_dit_ce_qui_a_ete_consigne_cette_semaine(suivi: Suivi) -> None:
    suivi.base.transaction(
        mettre_a_jour_avancement,
        guild_id=SERVEUR,
        numero=3,
        auteur_id=ALICE,
        est_coordination=True,
        pourcentage=45,
        maintenant=MAINTENANT - timedelta(days=1),
    )
    suivi.base.transaction(
        creer_action,
        guild_id=SERVEUR,
        auteur_id=ALICE,
        titre="Jardin partagé",
        axe_numero=1,
        maintenant=MAINTENANT,
    )
    texte = await _texte(suivi, suivi.racine)

    assert "Semaine 48, du 23 au 29 novembre 2026" in texte
    assert "1 nouvelle action" in texte
    assert "Échange d&#39;étudiants UQTR – UNamur : en cours, 45&nbsp;%" in texte
    assert "(25 nov. 2026)" in texte


async def test_la_page_d_un_axe_montre_actions_responsables_retards_et_indicateurs(suivi: Suivi) -> None:
    texte = await _texte(suivi, suivi.racine + "axes/1")

    assert "Axe I\u00a0: Climat et transition écologique" in texte
    assert "1.1</span> Promouvoir des initiatives locales" in texte
    assert "Plantation de 500 arbres" in texte
    assert "UNamur, BEP" in texte
    assert "Alice Tremblay" in texte  # le nom relevé du responsable (mode privé)
    assert "Action archivée" not in texte
    assert "Arbres plantés" in texte
    assert "1\u00a0100 arbres" in texte
    assert "graphiques/indicateurs-1.svg" in texte
    axe_3 = await _texte(suivi, suivi.racine + "axes/3")
    # Échéance du 30 septembre 2026 dépassée, action en cours : en retard, et dit.
    assert 'class="retard"' in axe_3
    assert "En retard" in axe_3
    assert "en retard de 57 jours" in axe_3


async def test_les_reunions_dans_les_deux_horloges_avec_les_semaines_a_5_h(suivi: Suivi) -> None:
    texte = await _texte(suivi, suivi.racine + "reunions")

    # Le 10 mars 2026 tombe dans une semaine à 5 h : 10 h à Terrebonne, 15 h à Namur.
    assert "mardi 10 mars 2026" in texte
    assert "15\u00a0h\u00a000" in texte
    assert "Semaine à 5\u00a0h (au lieu de 6\u00a0h)" in texte
    # La séance d'avril annulée reste visible, marquée.
    assert "mardi 14 avril 2026" in texte
    assert "Séance annulée" in texte
    assert "Le deuxième mardi du mois" in texte
    # Le compte rendu de la séance du 10 mars : ses trois parties et les présents nommés par ville.
    assert '<h2 id="comptes-rendus">Comptes rendus</h2>' in texte
    assert "Bilan du premier trimestre" in texte
    assert "<li>Lancer l&#39;appel à projets jeunesse</li>" in texte
    assert "Relancer l&#39;UQTR sur les mobilités" in texte
    assert "<li><strong>Terrebonne</strong> : Alice Tremblay</li>" in texte


async def test_un_titre_avec_du_html_est_echappe(suivi: Suivi) -> None:
    suivi.base.transaction(
        creer_action,
        guild_id=SERVEUR,
        auteur_id=ALICE,
        titre='<script>alert("x")</script><img src=x onerror=alert(1)>',
        axe_numero=2,
        partenaires="<b>CCIM</b>",
        maintenant=MAINTENANT,
    )

    for chemin in ("axes/2", ""):
        texte = await _texte(suivi, suivi.racine + chemin)
        assert "<script>" not in texte
        assert "<img src=x" not in texte
        assert "<b>CCIM" not in texte
    texte = await _texte(suivi, suivi.racine + "axes/2")
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in texte
    assert "&lt;b&gt;CCIM&lt;/b&gt;" in texte


async def test_un_lien_faux_ancien_ou_ferme_recoit_la_meme_404(suivi: Suivi) -> None:
    reference = await _texte(suivi, "/p/" + "A" * 32 + "/", 404)
    assert "Page introuvable" in reference
    autres = [
        "/",
        "/p/",
        "/p/court/",
        "/p/"
        + suivi.jeton[:-1]
        + ("B" if suivi.jeton[-1] != "B" else "C")
        + "/",  # le dernier caractère changé
        suivi.racine + "axes/9",
        suivi.racine + "axes/1?page=99",
        suivi.racine + "axes/1?page=abc",
        suivi.racine + "rapports/rapport-2023.pdf",
        suivi.racine + "inconnue",
        "/statique/",
        "/statique/../pyproject.toml",
        f"/agenda/{suivi.jeton}.ics",  # le lien de la page n'ouvre pas l'agenda
        f"/p/{suivi.agenda}/",  # ni l'inverse
    ]
    for chemin in autres:
        assert await _texte(suivi, chemin, 404) == reference, chemin

    nouveau = suivi.base.transaction(
        renouveler_page, guild_id=SERVEUR, auteur_id=ALICE, maintenant=MAINTENANT
    )
    assert await _texte(suivi, suivi.racine, 404) == reference  # l'ancien lien
    assert "Chiffres clés" in await _texte(suivi, f"/p/{nouveau.jeton}/")

    suivi.base.transaction(desactiver_page, guild_id=SERVEUR, auteur_id=ALICE, maintenant=MAINTENANT)
    assert await _texte(suivi, f"/p/{nouveau.jeton}/", 404) == reference
    assert await _texte(suivi, f"/agenda/{suivi.agenda}.ics", 404) == reference


async def test_seuls_get_et_head_sont_acceptes(suivi: Suivi) -> None:
    tete = await suivi.client.head(suivi.racine)
    assert tete.status == 200
    assert await tete.read() == b""
    for methode in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS"):
        reponse = await suivi.client.request(methode, suivi.racine)
        assert reponse.status == 405, methode
        assert reponse.headers["Allow"] == "GET, HEAD"
        assert reponse.headers["Content-Security-Policy"] == POLITIQUE


async def test_le_debit_est_borne_par_adresse(rempli, atelier) -> None:
    jeton = ouvrir(rempli)
    site = Site(
        Services(base=rempli, atelier=atelier, horloge=lambda: MAINTENANT),
        limite=LimiteDebit(capacite=3, par_seconde=0.01),
    )
    async with TestClient(TestServer(site.application())) as client:
        statuts = [(await client.get(f"/p/{jeton}/")).status for _ in range(4)]
        assert statuts == [200, 200, 200, 429]
        refusee = await client.get(f"/p/{jeton}/")
        assert refusee.headers["Retry-After"].isdigit()
        assert "Trop de requêtes" in await refusee.text()
        # Derrière un mandataire local, chaque client a son propre seau.
        autre = await client.get(f"/p/{jeton}/", headers={"X-Forwarded-For": "203.0.113.7"})
        assert autre.status == 200


def test_le_seau_se_remplit_et_sa_memoire_est_bornee() -> None:
    instant = [0.0]
    limite = LimiteDebit(capacite=2, par_seconde=1, horloge=lambda: instant[0], max_adresses=3)
    assert [limite.attente("a") for _ in range(3)] == [0, 0, pytest.approx(1)]
    instant[0] = 1.0
    assert limite.attente("a") == 0
    for adresse in "bcde":
        limite.attente(adresse)
    assert len(limite._seaux) == 3


@pytest.mark.parametrize("url_base", ["sqlite"], indirect=True)
async def test_le_mode_public_ne_nomme_personne(suivi_public: Suivi) -> None:
    axe = await _texte(suivi_public, suivi_public.racine + "axes/1")
    assert "Alice Tremblay" not in axe
    reunions = await _texte(suivi_public, suivi_public.racine + "reunions")
    assert "Bilan du premier trimestre" in reunions
    assert "Alice" not in reunions
    assert "<li><strong>Terrebonne</strong> : 1</li>" in reunions  # les présents comptés, jamais nommés
    assert "Les responsables des actions y sont désignés par leur ville" in axe

    reponse = await suivi_public.client.get(suivi_public.racine + "rapports/actions-2026.csv")
    assert reponse.status == 200
    lignes = list(csv.reader(io.StringIO((await reponse.read()).decode("utf-8-sig")), delimiter=";"))
    assert "Identifiant du responsable" not in lignes[0]
    responsable = lignes[0].index("Responsable")
    assert {ligne[responsable] for ligne in lignes[1:]} <= {"Namur", "Terrebonne", "Terrebonne et Namur"}
    mesures = await (
        await suivi_public.client.get(suivi_public.racine + "rapports/mesures-indicateurs-2026.csv")
    ).read()
    assert "Saisie par" not in mesures.decode("utf-8-sig")
    assert "ID 42" not in mesures.decode("utf-8-sig")

    pdf = await (await suivi_public.client.get(suivi_public.racine + "rapports/rapport-2026.pdf")).read()
    texte = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Plantation de 500 arbres" in texte
    assert "Alice" not in texte


@pytest.mark.parametrize("url_base", ["sqlite"], indirect=True)
async def test_le_bilan_final_de_l_edition_se_telecharge(suivi: Suivi) -> None:
    page = await _texte(suivi, suivi.racine + "rapports")
    assert 'href="' + suivi.racine + 'rapports/bilan-2024-2026.pdf"' in page
    reponse = await suivi.client.get(suivi.racine + "rapports/bilan-2024-2026.pdf")
    assert reponse.status == 200
    assert reponse.content_type == "application/pdf"
    texte = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(await reponse.read())).pages)
    assert "2024-2026" in texte
    introuvable = await suivi.client.get(suivi.racine + "rapports/bilan-1999-2000.pdf")
    assert introuvable.status == 404


@pytest.mark.parametrize("url_base", ["sqlite"], indirect=True)
async def test_rapports_et_graphiques_se_telechargent(suivi: Suivi) -> None:
    pdf = await suivi.client.get(suivi.racine + "rapports/rapport-2025.pdf")
    assert pdf.status == 200
    assert pdf.content_type == "application/pdf"
    assert pdf.headers["Content-Disposition"] == 'attachment; filename="rapport-2025.pdf"'
    corps = await pdf.read()
    assert corps.startswith(b"%PDF")
    assert "Alice Tremblay" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(corps)).pages)
    actions = await (await suivi.client.get(suivi.racine + "rapports/actions-2025.csv")).read()
    assert actions.startswith(b"\xef\xbb\xbfN\xc2\xb0;Titre;")

    svg = await suivi.client.get(suivi.racine + "graphiques/axes.svg")
    assert svg.status == 200
    assert svg.content_type == "image/svg+xml"
    image = await svg.read()
    assert b"<svg" in image
    assert b"<script" not in image
    # Les mêmes données donnent la même image : le client revalide à peu de frais.
    encore = await suivi.client.get(
        suivi.racine + "graphiques/axes.svg", headers={"If-None-Match": svg.headers["ETag"]}
    )
    assert encore.status == 304
    assert (
        await suivi.client.get(suivi.racine + "graphiques/indicateurs-9.svg")
    ).status == 404  # axe inconnu
    assert (await suivi.client.get(suivi.racine + "graphiques/indicateurs-1.svg")).status == 200


async def test_la_page_d_un_axe_se_feuillette(suivi: Suivi) -> None:
    for numero in range(60):
        suivi.base.transaction(
            creer_action,
            guild_id=SERVEUR,
            auteur_id=ALICE,
            titre=f"Action en lot {numero:02d}",
            axe_numero=2,
            maintenant=MAINTENANT - timedelta(days=1),
        )
    premiere = await _texte(suivi, suivi.racine + "axes/2")
    assert "62 actions" in premiere
    assert "Page 1 sur 2" in premiere
    assert 'href="?page=2"' in premiere
    seconde = await _texte(suivi, suivi.racine + "axes/2?page=2")
    assert "Page 2 sur 2" in seconde
    assert 'href="?page=1"' in seconde


async def test_mode_change_sans_nouveau_lien(suivi: Suivi) -> None:
    from metier.page import activer_page

    resultat = suivi.base.transaction(
        activer_page, guild_id=SERVEUR, auteur_id=ALICE, mode=ModePage.PUBLIQUE, maintenant=MAINTENANT
    )
    assert resultat.jeton is None
    texte = await _texte(suivi, suivi.racine + "axes/1")
    assert "Alice Tremblay" not in texte
