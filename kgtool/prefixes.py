"""The project's prefixes as plain strings (no rdflib import, so the query path stays light).

``kgtool.namespaces`` builds its rdflib namespaces from this table; SPARQL text run by
``kgtool sparql``, the server's ``/sparql`` and the Python API has these predeclared (a query's
own ``PREFIX`` wins).
"""

from __future__ import annotations

DEFAULT_BASE = "https://w3id.org/kommunsamverkan/"

PREFIX_IRIS: dict[str, str] = {
    "ks": DEFAULT_BASE + "def/",
    "id": DEFAULT_BASE + "id/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": "http://www.w3.org/ns/org#",
    "time": "http://www.w3.org/2006/time#",
    "prov": "http://www.w3.org/ns/prov#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "https://schema.org/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "sh": "http://www.w3.org/ns/shacl#",
    "wd": "http://www.wikidata.org/entity/",
}


def prologue(text: str) -> str:
    """``PREFIX`` lines for the project's prefixes that ``text`` does not declare itself."""
    import re

    declared = {m.lower() for m in re.findall(r"(?i)\bPREFIX\s+([A-Za-z][\w.-]*)?\s*:", text)}
    return "".join(
        f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIX_IRIS.items() if name not in declared
    )
