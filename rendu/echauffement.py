"""Échauffement du dessin, fait à l'import : le serveur « forkserver » de l'atelier l'importe.

`bot.atelier.PRECHARGES` nomme ce module en dernier : le serveur dessine une fois (polices, caches
de matplotlib, données du français) avant de créer le moindre processus de l'atelier. Chaque
processus né de lui, après un arrêt pour inactivité, hérite de ces caches : son premier graphique
est aussi rapide que les suivants. Puis ce qui est chargé est gelé hors du ramasse-miettes : les
collectes des processus nés du serveur ne le parcourent pas.
"""

import gc

from rendu.graphiques import prechauffer

prechauffer()
gc.freeze()
