"""Le rapport annuel : les données rassemblées (le PDF est dessiné par `rendu.rapport`)."""
