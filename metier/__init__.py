"""Les règles du bot, indépendantes de Discord : valeurs simples en entrée, modèles en sortie."""
