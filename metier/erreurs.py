"""Erreurs que l'utilisateur peut corriger lui-même."""


class ErreurMetier(Exception):
    """Saisie ou demande refusée ; le message, en français, dit comment corriger."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RefusDroits(ErreurMetier):
    """L'auteur n'a pas le droit de faire cette opération."""
