"""Échauffement du dessin, fait à l'import : le serveur « forkserver » de l'atelier l'importe.

`bot.atelier.PRECHARGES` nomme ce module : le serveur dessine une fois (polices, caches de
matplotlib) avant de créer le moindre processus de l'atelier. Chaque processus né de lui après un
arrêt pour inactivité hérite de ces caches : son premier graphique est aussi rapide que les suivants.
"""

from rendu.graphiques import prechauffer

prechauffer()

import gc  # noqa: E402

gc.freeze()
