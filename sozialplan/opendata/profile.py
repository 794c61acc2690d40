"""The HSDS profile DE-LSZ as a JSON document, served at ``/api/hsds/profile/``.

The profile changes no schema: every addition sits in a place HSDS 3.0
already offers (attributes with our taxonomy terms, ``external_identifier``),
so documents of this profile validate against the official schemas, strictly.
See ``docs/hsds.md``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from sozialplan.opendata import taxonomy as tx
from sozialplan.opendata.hsds import LSZ_FUNDING_SOURCE


def profile_document(uri: str) -> dict[str, Any]:
    """What the profile adds to HSDS 3.0; ``uri`` is the profile's URI (the URL of this document)."""
    terms = tx.all_terms()
    return {
        "name": "DE-LSZ",
        "title": _("HSDS-Profil für die integrierte Sozialplanung in Thüringen (LSZ)"),
        "uri": uri,
        "version": "1.0",
        "hsds_version": "3.0",
        "base_schema": "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/",
        "license": {
            "name": "Creative Commons Attribution-ShareAlike 4.0",
            "url": "https://creativecommons.org/licenses/by-sa/4.0/",
            "attribution": "Human Services Data Specification, Open Referral",
        },
        "schema_changes": [],
        "description": _(
            "Das Profil ändert keine HSDS-Schemas. Seine Angaben stehen in Feldern, die HSDS 3.0 vorsieht: "
            "Einordnungen (Handlungsfeld, Zielgruppe, Angebotsart, Querschnittsthema, Trägerart) als "
            "attributes mit taxonomy_term der Taxonomien unten, weitere Merkmale (AGS, Lagegenauigkeit, "
            "Quelle) als attributes der Taxonomie „DE-LSZ-Merkmale“ mit dem Wert in value."
        ),
        "rules": [
            _("service.attributes nennt die LSZ-Handlungsfelder (Taxonomie „LSZ-Handlungsfelder“, code 1–6)."),
            _("service.attributes nennt die Zielgruppen (Taxonomie „LSZ-Zielgruppen“)."),
            _(
                "location.external_identifier ist der achtstellige Amtliche Gemeindeschlüssel (AGS) der "
                "Gemeinde des Standorts mit external_identifier_type „AGS“, sofern der Standort keine andere "
                "Kennung mitbringt; zusätzlich steht der AGS immer als Merkmal „ags“ in location.attributes."
            ),
            _(
                "Sind die Koordinaten eines Standorts nur ungefähr (z. B. Mitte der Gemeinde), sagt das "
                "location.description, und das Merkmal „lagegenauigkeit“ nennt die Genauigkeit."
            ),
            _(
                "service.assured_date ist das Datum, an dem eine Person die Angaben zuletzt geprüft hat; "
                "fehlt es, ist das Angebot ungeprüft."
            ),
            _("service.funding enthält bei LSZ-geförderten Angeboten die Quelle „%(source)s“.")
            % {"source": LSZ_FUNDING_SOURCE},
            _(
                "service.service_areas nennt die versorgten Gemeinden oder Kreise mit ihrer Grenze als GeoJSON "
                "(extent_type „geojson“) und dem amtlichen Schlüssel als Merkmal „ags“."
            ),
            _("Das Merkmal „quelle“ nennt die öffentlich zugängliche Quelle der Angaben."),
        ],
        "identifiers": _(
            "Alle Kennungen unserer Taxonomien und Begriffe sind UUID Version 5 im Namensraum %(ns)s "
            "(UUID 5 von „urn:sozialplan:hsds:de-lsz“ im URL-Namensraum), gebildet aus Taxonomie und Code, "
            "z. B. „handlungsfeld:4“."
        )
        % {"ns": str(tx.NAMESPACE)},
        "taxonomies": [
            {**t.as_hsds(), "key": t.key, "terms": [term for term in terms if term["taxonomy_id"] == t.id]}
            for t in tx.taxonomies()
        ],
    }
