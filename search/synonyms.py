"""Synonyms of the programme's vocabulary, applied at search time only.

Solr format: "a, b, c" makes the words equivalent; "a => b, c" rewrites a.
No French stop word ("de", "à", "en"...) inside a rule: the stop filter runs
before the synonyms and a rule with a hole in it is refused when the index is
created.
The rules go through the same elision, lower-casing, folding and stemming as the
text, so write them as people type them, accents or not, singular or plural.
Changing them needs no reindex (they live in the search analyzer); a rebuild
(`manage.py search_index --rebuild`) is needed only to put them in the index
settings of an existing index.
"""

SYNONYMS: list[str] = [
    "vélo, bicyclette, biclou, bécane",
    "vélo électrique, VAE",
    "covoiturage, voiture partagée, autopartage",
    "bus, autocar, navette",
    "ampoule, lampe, éclairage",
    "LED, DEL, diode",
    "mousseur, aérateur, réducteur débit",
    "robinet, mitigeur",
    "douche, douchette",
    "chauffage, radiateur, chaudière",
    "thermostat, programmateur",
    "isolation, isolant",
    "compost, composteur, lombricomposteur, compostage",
    "déchets, ordures, poubelle",
    "tri, recyclage",
    "vrac, zéro emballage",
    "potager, jardin",
    "circuit court, producteur local, vente directe",
    "AMAP, paniers légumes",
    "économiser, économie, épargner",
    "facture, dépense",
    "électricité, courant",
    "récupérateur pluie, cuve pluie",
    "gaspillage, gâchis",
    "multiprise, prise interrupteur",
    "veille, standby",
]
