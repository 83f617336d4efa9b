"""Adaptateurs Discord : une extension (cog) par domaine, minces ; pièces communes dans `_*.py`."""
