"""Le registre : actions, indicateurs, leur histoire (état à un instant, évolution) et l'export."""
