"""`/heure` à travers simcord, l'horloge fixée de part et d'autre des changements d'heure de 2027."""

from datetime import UTC, datetime

import pytest


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("maintenant", "terrebonne", "namur", "ecart", "prochain"),
    [
        (_utc(2027, 3, 14, 6, 59), "01\u00a0h\u00a059", "07\u00a0h\u00a059", "6\u00a0h", "5\u00a0h"),
        (_utc(2027, 3, 14, 7, 0), "03\u00a0h\u00a000", "08\u00a0h\u00a000", "5\u00a0h", "6\u00a0h"),
        (_utc(2027, 3, 28, 0, 59), "20\u00a0h\u00a059", "01\u00a0h\u00a059", "5\u00a0h", "6\u00a0h"),
        (_utc(2027, 3, 28, 1, 0), "21\u00a0h\u00a000", "03\u00a0h\u00a000", "6\u00a0h", "5\u00a0h"),
        (_utc(2027, 10, 31, 0, 59), "20\u00a0h\u00a059", "02\u00a0h\u00a059", "6\u00a0h", "5\u00a0h"),
        (_utc(2027, 10, 31, 1, 0), "21\u00a0h\u00a000", "02\u00a0h\u00a000", "5\u00a0h", "6\u00a0h"),
        (_utc(2027, 11, 7, 5, 59), "01\u00a0h\u00a059", "06\u00a0h\u00a059", "5\u00a0h", "6\u00a0h"),
        (_utc(2027, 11, 7, 6, 0), "01\u00a0h\u00a000", "07\u00a0h\u00a000", "6\u00a0h", "5\u00a0h"),
    ],
)
async def test_heure_des_deux_villes_autour_des_changements(
    simcord_env, horloge, maintenant, terrebonne, namur, ecart, prochain
) -> None:
    horloge.instant = maintenant
    salon = simcord_env.create_guild("Jumelage").create_text_channel("general")
    alice = simcord_env.guild.add_member(simcord_env.create_user("alice"))

    resultat = await alice.slash(salon, "heure")

    assert not resultat.ephemeral
    embed = resultat.response.embeds[0]
    champs = {champ.name: champ.value for champ in embed.fields}
    assert champs["Terrebonne"].startswith(f"**{terrebonne}**")
    assert champs["Namur"].startswith(f"**{namur}**")
    ecarts = champs["Terrebonne ↔ Namur"]
    assert f"Namur a **{ecart}** d'avance sur Terrebonne" in ecarts
    assert f"l'écart passera de {ecart} à **{prochain}**" in ecarts
    assert f"<t:{int(maintenant.timestamp())}:F>" in embed.description


async def test_heure_nomme_le_prochain_changement_et_le_retour(simcord_env, horloge) -> None:
    horloge.instant = _utc(2026, 11, 26, 12)
    salon = simcord_env.create_guild("Jumelage").create_text_channel("general")
    alice = simcord_env.guild.add_member(simcord_env.create_user("alice"))

    resultat = await alice.slash(salon, "heure")

    ecarts = resultat.response.embeds[0].fields[2].value
    assert "le dimanche 14 mars 2027 à 03\u00a0h\u00a000 à Terrebonne" in ecarts
    assert "<t:1805007600:F>" in ecarts  # 2027-03-14 07:00 UTC
    assert "le dimanche 28 mars 2027 à 03\u00a0h\u00a000 à Namur" in ecarts
    assert "il repassera à 6\u00a0h" in ecarts
