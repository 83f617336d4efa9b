async def test_heure(simcord_env, base):
    guild = simcord_env.create_guild("Jumelage")
    salon = guild.create_text_channel("general")
    alice = guild.add_member(simcord_env.create_user("alice"))
    r = await alice.slash(salon, "heure")
    print(r.response.embeds[0].to_dict())
