"""Les réunions : saisies, heure locale, séries, créneaux, registre et calendrier."""
