"""Import du registre existant (CSV, .xlsx) : lecture, plan vérifié ligne à ligne, tout ou rien."""
