"""VoID and DCAT-AP 3.0.0 (DCAT-AP-SE) descriptions of the published dataset.

The catalogue follows DCAT-AP 3.0.0 and says so (``dct:conformsTo``); it passes that release's
official SHACL shapes with and without RDFS inference. Those shapes check the class of every
referenced resource, so the catalogue states the class of each one it refers to: an IANA media
type is a ``dct:MediaType``, an EU file type a ``dct:MediaTypeOrExtent``, a language a
``dct:LinguisticSystem``, a data theme a ``skos:Concept``, and so on (what the EU vocabularies
themselves say; nothing else is claimed about them).

Every catalogue, dataset, distribution, publisher and contact point is an IRI under the base
(no blank nodes). The publisher is the project itself; its contact point is the project's web
address, plus the organisation's e-mail address when the publisher gives one (``--contact-email``;
never a person's, never invented). DCAT-AP-SE asks for an e-mail address on the contact point.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, VOID, XSD

from kgtool.query.formats import MEDIA_TYPES
from kgtool.store.graph import new_graph
from kgtool.version import DatasetVersion

if TYPE_CHECKING:
    from kgtool.web.site.store import StoreGraph

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"
CC0 = URIRef("http://creativecommons.org/publicdomain/zero/1.0/")
DCAT_AP = URIRef("https://semiceu.github.io/DCAT-AP/releases/3.0.0/")
"""The DCAT-AP release the catalogue follows (its specification page)."""
THEMES = {"GOVE": "Government and public sector", "REGI": "Regions and cities"}
"""EU data themes of the dataset, with their English preferred labels in the EU vocabulary."""
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")

TITLE_SV = "Kommunal samverkan i Sverige"
TITLE_EN = "Inter-municipal collaboration in Sweden"
DESCRIPTION_SV = (
    "En kunskapsgraf över samverkan mellan svenska kommuner och regioner: samverkansorgan, "
    "medlemskap, organ och mandatperioder, planer och uppgifter, med källa för varje uppgift, "
    "samt referensdata över län, kommuner och regioner."
)
DESCRIPTION_EN = (
    "A knowledge graph of collaboration between Swedish municipalities and regions: "
    "collaborations, memberships, bodies and mandate periods, plans and stated figures, each "
    "with its source, plus reference data on counties, municipalities and regions."
)
PUBLISHER_SV = "Projektet kgtool (kommunsamverkan)"
PUBLISHER_EN = "The kgtool project (kommunsamverkan)"

DUMP_FORMATS = {  # extension → EU file type and name (media types: negotiate.MEDIA_TYPES)
    "ttl": ("RDF_TURTLE", "Turtle"),
    "nt": ("RDF_N_TRIPLES", "N-Triples"),
    "jsonld": ("JSON_LD", "JSON-LD"),
}


@dataclass(frozen=True)
class Dump:
    """One dump file of the site: relative path, extension of the inner format, size, gzipped."""

    path: str
    ext: str
    byte_size: int
    gzipped: bool = False


@dataclass(frozen=True)
class SiteIris:
    """The IRIs of the metadata resources under one base."""

    base: str

    @property
    def catalog(self) -> URIRef:
        return URIRef(self.base + "catalog")

    @property
    def dataset(self) -> URIRef:
        return URIRef(self.base + "dataset")

    @property
    def publisher(self) -> URIRef:
        return URIRef(self.base + "publisher")

    @property
    def contact(self) -> URIRef:
        return URIRef(self.base + "contact")

    @property
    def sparql(self) -> URIRef:
        return URIRef(self.base + "sparql")

    @property
    def service(self) -> URIRef:
        return URIRef(self.base + "sparql#service")

    def distribution(self, dump: Dump) -> URIRef:
        return URIRef(self.base + "dataset/distribution/" + dump.path.rsplit("/", 1)[-1])

    def class_partition(self, cls: URIRef) -> URIRef:
        return URIRef(self.base + "dataset/class/" + _local(cls))

    def property_partition(self, prop: URIRef) -> URIRef:
        return URIRef(self.base + "dataset/property/" + _local(prop))


def _local(iri: URIRef) -> str:
    text = str(iri)
    namespace, local = _split(text)
    prefix = namespace.rstrip("/#").rsplit("/", 1)[-1] or "ns"
    return f"{prefix}-{local}"


def _split(iri: str) -> tuple[str, str]:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1], iri[cut + 1 :]


def _git_dates(root: Path) -> tuple[date, date] | None:
    """First and last commit dates touching ontology/ and data/, if ``root`` is a git checkout."""
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "log", "--format=%cs", "--", "ontology", "data"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return None
    if not out:
        return None
    return date.fromisoformat(out[-1]), date.fromisoformat(out[0])


def _graph_dates(graph: Graph) -> tuple[date, date] | None:
    """Earliest and latest full dates the data states on its sources (dct:date, dct:modified)."""
    found = []
    for predicate in (DCTERMS.date, DCTERMS.modified, DCTERMS.issued):
        for value in graph.objects(None, predicate):
            if isinstance(value, Literal) and value.datatype == XSD.date:
                found.append(value.toPython())
    found = [value for value in found if isinstance(value, date)]
    return (min(found), max(found)) if found else None


def dataset_dates(root: Path, graph: Graph) -> tuple[date, date]:
    """(issued, modified): from git history of the data, else from dates in the data itself."""
    return _git_dates(root) or _graph_dates(graph) or (date(2026, 1, 1), date(2026, 1, 1))


def void_graph(graph: StoreGraph, base: str, dumps: list[Dump], modified: date) -> Graph:
    """The VoID description of ``graph`` (statistics, partitions, dumps, endpoint, vocabularies;
    the counts are SPARQL on the store)."""
    iris = SiteIris(base)
    out = new_graph()
    out.bind("vcard", VCARD)
    ds = iris.dataset
    out.add((ds, RDF.type, VOID.Dataset))
    out.add((ds, DCTERMS.title, Literal(TITLE_SV, lang="sv")))
    out.add((ds, DCTERMS.title, Literal(TITLE_EN, lang="en")))
    out.add((ds, DCTERMS.modified, Literal(modified.isoformat(), datatype=XSD.date)))
    out.add((ds, DCTERMS.license, CC0))
    out.add((ds, FOAF.homepage, URIRef(base)))
    out.add((ds, VOID.uriSpace, Literal(base + "id/")))
    out.add((ds, VOID.sparqlEndpoint, iris.sparql))
    out.add((ds, VOID.rootResource, URIRef(base + "id/")))
    example = URIRef(base + "id/municipality/1980")
    if (example, None, None) in graph:
        out.add((ds, VOID.exampleResource, example))
    for dump in dumps:
        out.add((ds, VOID.dataDump, URIRef(base + dump.path)))

    counts = graph.void_counts(base + "id/")
    classes, properties = set(counts.classes), set(counts.properties)
    out.add((ds, VOID.triples, Literal(counts.triples)))
    out.add((ds, VOID.entities, Literal(counts.entities)))
    out.add((ds, VOID.distinctSubjects, Literal(counts.subjects)))
    out.add((ds, VOID.distinctObjects, Literal(counts.objects)))
    out.add((ds, VOID.classes, Literal(len(classes))))
    out.add((ds, VOID.properties, Literal(len(properties))))

    vocabularies = {_split(str(term))[0] for term in classes | properties}
    for vocabulary in sorted(vocabularies):
        out.add((ds, VOID.vocabulary, URIRef(vocabulary)))
    for cls in sorted(classes):
        part = iris.class_partition(cls)
        out.add((ds, VOID.classPartition, part))
        out.add((part, RDF.type, VOID.Dataset))
        out.add((part, VOID["class"], cls))
        out.add((part, VOID.entities, Literal(counts.classes[cls])))
    for prop in sorted(properties):
        part = iris.property_partition(prop)
        out.add((ds, VOID.propertyPartition, part))
        out.add((part, RDF.type, VOID.Dataset))
        out.add((part, VOID.property, prop))
        out.add((part, VOID.triples, Literal(counts.properties[prop])))
    return out


def dcat_graph(
    base: str,
    dumps: list[Dump],
    issued: date,
    modified: date,
    contact_email: str | None = None,
    version: DatasetVersion | None = None,
) -> Graph:
    """DCAT-AP 3.0.0 (DCAT-AP-SE) metadata: catalogue, dataset, distributions, publisher,
    contact, and the class of every resource they refer to. With ``version`` (from
    ``data/dataset.ttl``) the dataset carries its version (``dcat:version``,
    ``owl:versionInfo``) and that version's date as its ``dct:issued``."""
    iris = SiteIris(base)
    out = new_graph()
    out.bind("vcard", VCARD)
    days = (
        Literal(issued.isoformat(), datatype=XSD.date),
        Literal(modified.isoformat(), datatype=XSD.date),
    )
    _catalogue(out, iris, days)
    _dataset(out, iris, days, version)
    for dump in dumps:
        _dump_distribution(out, iris, dump, days)
    _sparql_service(out, iris)
    _publisher(out, iris, contact_email)
    out.add((CC0, RDF.type, DCTERMS.LicenseDocument))
    out.add((CC0, RDFS.label, Literal("CC0 1.0 Universal", lang="en")))
    out.add((iris.catalog, DCTERMS.conformsTo, DCAT_AP))
    out.add((DCAT_AP, RDFS.label, Literal("DCAT-AP 3.0.0", lang="en")))
    out.add((SPARQL_PROTOCOL, RDFS.label, Literal("SPARQL 1.1 Protocol", lang="en")))
    _type_referenced(out)
    return out


def _titled(out: Graph, node: URIRef, sv: str, en: str) -> None:
    out.add((node, DCTERMS.title, Literal(sv, lang="sv")))
    out.add((node, DCTERMS.title, Literal(en, lang="en")))


def _catalogue(out: Graph, iris: SiteIris, days: tuple[Literal, Literal]) -> None:
    """The catalogue: what it holds, who publishes it, when (``days``: issued, modified)."""
    cat = iris.catalog
    out.add((cat, RDF.type, DCAT.Catalog))
    _titled(out, cat, "Katalog: " + TITLE_SV, "Catalogue: " + TITLE_EN)
    out.add((cat, DCTERMS.description, Literal(DESCRIPTION_SV, lang="sv")))
    out.add((cat, DCTERMS.description, Literal(DESCRIPTION_EN, lang="en")))
    out.add((cat, DCTERMS.publisher, iris.publisher))
    out.add((cat, DCTERMS.license, CC0))
    out.add((cat, DCTERMS.language, URIRef(EU + "language/SWE")))
    out.add((cat, FOAF.homepage, URIRef(iris.base)))
    out.add((cat, DCTERMS.issued, days[0]))
    out.add((cat, DCTERMS.modified, days[1]))
    out.add((cat, DCAT.dataset, iris.dataset))
    out.add((cat, DCAT.service, iris.service))


def _dataset(
    out: Graph, iris: SiteIris, days: tuple[Literal, Literal], version: DatasetVersion | None
) -> None:
    """The dataset: titles, publisher, version and dates, language, place, themes, keywords."""
    ds = iris.dataset
    out.add((ds, RDF.type, DCAT.Dataset))
    _titled(out, ds, TITLE_SV, TITLE_EN)
    out.add((ds, DCTERMS.description, Literal(DESCRIPTION_SV, lang="sv")))
    out.add((ds, DCTERMS.description, Literal(DESCRIPTION_EN, lang="en")))
    out.add((ds, DCTERMS.publisher, iris.publisher))
    out.add((ds, DCAT.contactPoint, iris.contact))
    if version is not None and version.version:
        out.add((ds, URIRef(str(DCAT) + "version"), Literal(version.version)))  # DCAT 3
        out.add((ds, OWL.versionInfo, Literal(version.version)))
    if version is not None and version.issued:
        out.add((ds, DCTERMS.issued, Literal(version.issued, datatype=XSD.date)))
    else:
        out.add((ds, DCTERMS.issued, days[0]))
    out.add((ds, DCTERMS.modified, days[1]))
    out.add((ds, DCTERMS.language, URIRef(EU + "language/SWE")))
    out.add((ds, DCTERMS.spatial, URIRef(EU + "country/SWE")))
    out.add((ds, DCTERMS.accessRights, URIRef(EU + "access-right/PUBLIC")))
    for code, label in THEMES.items():
        theme = URIRef(EU + "data-theme/" + code)
        out.add((ds, DCAT.theme, theme))
        out.add((theme, SKOS.prefLabel, Literal(label, lang="en")))
    out.add((ds, DCAT.landingPage, URIRef(iris.base)))
    for keyword in ("kommuner", "regioner", "samverkan", "kommunal samverkan", "län"):
        out.add((ds, DCAT.keyword, Literal(keyword, lang="sv")))
    for keyword in ("municipalities", "regions", "inter-municipal collaboration"):
        out.add((ds, DCAT.keyword, Literal(keyword, lang="en")))


def _dump_distribution(
    out: Graph, iris: SiteIris, dump: Dump, days: tuple[Literal, Literal]
) -> None:
    """One dump file as a distribution of the dataset: where, in which format, how large."""
    file_type, name = DUMP_FORMATS[dump.ext]
    media = MEDIA_TYPES[dump.ext]
    dist = iris.distribution(dump)
    url = URIRef(iris.base + dump.path)
    out.add((iris.dataset, DCAT.distribution, dist))
    out.add((dist, RDF.type, DCAT.Distribution))
    suffix = " (gzip)" if dump.gzipped else ""
    _titled(out, dist, f"Hela grafen i {name}{suffix}", f"The whole graph in {name}{suffix}")
    out.add((dist, DCAT.accessURL, url))
    out.add((dist, DCAT.downloadURL, url))
    out.add((dist, DCAT.mediaType, URIRef(IANA + media)))
    out.add((dist, DCTERMS["format"], URIRef(EU + "file-type/" + file_type)))
    if dump.gzipped:
        out.add((dist, DCAT.compressFormat, URIRef(IANA + "application/gzip")))
    out.add((dist, DCAT.byteSize, Literal(dump.byte_size, datatype=XSD.nonNegativeInteger)))
    out.add((dist, DCTERMS.license, CC0))
    out.add((dist, DCTERMS.issued, days[0]))
    out.add((dist, DCTERMS.modified, days[1]))


def _sparql_service(out: Graph, iris: SiteIris) -> None:
    """The SPARQL endpoint: a distribution of the dataset and the read-only service behind it."""
    dist = URIRef(iris.base + "dataset/distribution/sparql")
    out.add((iris.dataset, DCAT.distribution, dist))
    out.add((dist, RDF.type, DCAT.Distribution))
    _titled(out, dist, "SPARQL-ändpunkt", "SPARQL endpoint")
    out.add((dist, DCAT.accessURL, iris.sparql))
    out.add((dist, DCAT.accessService, iris.service))
    out.add((dist, DCAT.mediaType, URIRef(IANA + MEDIA_TYPES["json"])))
    out.add((dist, DCTERMS["format"], URIRef(EU + "file-type/SPARQLQ")))
    out.add((dist, DCTERMS.license, CC0))

    svc = iris.service
    out.add((svc, RDF.type, DCAT.DataService))
    _titled(out, svc, "SPARQL-tjänst (endast läsning)", "SPARQL service (read only)")
    out.add((svc, DCAT.endpointURL, iris.sparql))
    out.add((svc, DCTERMS.conformsTo, SPARQL_PROTOCOL))
    out.add((svc, DCAT.servesDataset, iris.dataset))
    out.add((svc, DCTERMS.publisher, iris.publisher))
    out.add((svc, DCTERMS.license, CC0))


def _publisher(out: Graph, iris: SiteIris, contact_email: str | None) -> None:
    """The publisher (the project) and its contact point (its web address, and the
    organisation's e-mail address when given)."""
    pub = iris.publisher
    out.add((pub, RDF.type, FOAF.Agent))
    out.add((pub, RDF.type, FOAF.Organization))
    out.add((pub, FOAF.name, Literal(PUBLISHER_SV, lang="sv")))
    out.add((pub, FOAF.name, Literal(PUBLISHER_EN, lang="en")))
    out.add((pub, FOAF.homepage, URIRef(iris.base)))

    contact = iris.contact
    out.add((contact, RDF.type, VCARD.Organization))
    out.add((contact, VCARD.fn, Literal(PUBLISHER_SV, lang="sv")))
    out.add((contact, VCARD.hasURL, URIRef(iris.base)))
    if contact_email:
        out.add((contact, VCARD.hasEmail, URIRef(f"mailto:{contact_email}")))


def _type_referenced(out: Graph) -> None:
    """State the class of every resource the catalogue refers to, as DCAT-AP 3.0.0 requires."""
    kinds = {
        DCAT.mediaType: (DCTERMS.MediaType, DCTERMS.MediaTypeOrExtent),
        DCAT.compressFormat: (DCTERMS.MediaType, DCTERMS.MediaTypeOrExtent),
        DCTERMS["format"]: (DCTERMS.MediaTypeOrExtent,),
        DCTERMS.language: (DCTERMS.LinguisticSystem,),
        DCTERMS.spatial: (DCTERMS.Location,),
        DCTERMS.accessRights: (DCTERMS.RightsStatement,),
        DCTERMS.conformsTo: (DCTERMS.Standard,),
        DCTERMS.license: (DCTERMS.LicenseDocument,),
        DCAT.theme: (SKOS.Concept,),
        DCAT.contactPoint: (VCARD.Kind,),
        DCAT.landingPage: (FOAF.Document,),
        FOAF.homepage: (FOAF.Document,),
    }
    for prop, classes in kinds.items():
        for value in set(out.objects(None, prop)):
            for cls in classes:
                out.add((value, RDF.type, cls))
    # Web addresses (accessURL, downloadURL, endpointURL): resources, which is all they are.
    for prop in (DCAT.accessURL, DCAT.downloadURL, DCAT.endpointURL, FOAF.homepage):
        for value in set(out.objects(None, prop)):
            out.add((value, RDF.type, RDFS.Resource))


def has_blank_metadata(graph: Graph) -> bool:
    """True when a catalogue, dataset, distribution or service is a blank node."""
    kinds = (DCAT.Catalog, DCAT.Dataset, DCAT.Distribution, DCAT.DataService, VOID.Dataset)
    return any(isinstance(s, BNode) for kind in kinds for s in graph.subjects(RDF.type, kind))
