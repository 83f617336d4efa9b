"""Ce que le bot publie : livraisons planifiées, rappels, ordre du jour, résumé hebdomadaire."""
