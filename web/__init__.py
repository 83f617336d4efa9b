"""La page de suivi du protocole et l'agenda abonnable, servis hors de Discord (aiohttp.web)."""
