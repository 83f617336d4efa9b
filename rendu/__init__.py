"""Le dessin seulement : graphiques matplotlib et rapport PDF fpdf2 (ce que l'atelier exécute)."""
