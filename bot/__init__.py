"""Runtime de Passerelle : `python -m bot`."""
