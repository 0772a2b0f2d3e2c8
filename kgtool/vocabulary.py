"""The ``ks:`` vocabulary as a closed rdflib namespace: ``KS.Municipalty`` raises at once.

Mirrors ``ontology/kommunsamverkan.ttl`` term for term (``tests/graph/test_graph_vocabulary.py``
checks both ways). ``kgtool.namespaces.KS`` stays an open ``Namespace`` for building IRIs;
use this class where a misspelt term should fail.
"""

from __future__ import annotations

from rdflib import URIRef
from rdflib.namespace import DefinedNamespace, Namespace


class KS(DefinedNamespace):
    """Classes, properties and role concepts of https://w3id.org/kommunsamverkan/def/."""

    _NS = Namespace("https://w3id.org/kommunsamverkan/def/")
    _fail = True

    # Classes
    ActivityPlan: URIRef
    Address: URIRef
    AnnualReport: URIRef
    Auditors: URIRef
    Board: URIRef
    Body: URIRef
    Chairmanship: URIRef
    Collaboration: URIRef
    ContactPoint: URIRef
    Council: URIRef
    County: URIRef
    Decision: URIRef
    DevelopmentPlan: URIRef
    DirectionGoals: URIRef
    Event: URIRef
    Figure: URIRef
    Goal: URIRef
    LetterOfIntent: URIRef
    MandatePeriod: URIRef
    Meeting: URIRef
    MemberList: URIRef
    Minutes: URIRef
    Municipality: URIRef
    NominationCommittee: URIRef
    Plan: URIRef
    Presidium: URIRef
    ReferenceTable: URIRef
    Region: URIRef
    RulesOfProcedure: URIRef
    Secretariat: URIRef
    SourceDocument: URIRef
    Statutes: URIRef
    Vision: URIRef
    WorkAreaStatement: URIRef

    # Properties
    actingMunicipality: URIRef
    appointedBy: URIRef
    basedOn: URIRef
    concerns: URIRef
    contactPointOf: URIRef
    county: URIRef
    countyCode: URIRef
    coversArea: URIRef
    decidedAt: URIRef
    decidedBy: URIRef
    decidesOn: URIRef
    decisionOn: URIRef
    deputySeats: URIRef
    electedBy: URIRef
    elects: URIRef
    expectedAdoption: URIRef
    figureOf: URIRef
    fileName: URIRef
    goal: URIRef
    handedOverAt: URIRef
    heldDuring: URIRef
    inferred: URIRef
    invoiceAddress: URIRef
    iso3166Code: URIRef
    latestDateMentioned: URIRef
    listOf: URIRef
    listedUnderCounty: URIRef
    mandateLength: URIRef
    mandateOf: URIRef
    measure: URIRef
    meetingOf: URIRef
    meetingsPerYear: URIRef
    meetsAt: URIRef
    memberSeats: URIRef
    minutesOf: URIRef
    municipalityCode: URIRef
    nameInSource: URIRef
    nominatesFor: URIRef
    noticePeriod: URIRef
    officialName: URIRef
    organisationNumber: URIRef
    papersPeriod: URIRef
    personalDeputies: URIRef
    planned: URIRef
    politicalParty: URIRef
    postalAddress: URIRef
    priorityArea: URIRef
    projectionYear: URIRef
    qualifier: URIRef
    seatsQualifier: URIRef
    speaksFor: URIRef
    statementAbout: URIRef
    unit: URIRef
    usualMonth: URIRef
    value: URIRef
    valueInSource: URIRef
    venue: URIRef
    visionYear: URIRef
    visitingAddress: URIRef
    workArea: URIRef

    # Role concepts (org:Role individuals)
    AssociateMember: URIRef
    Chair: URIRef
    ExecutiveBoardChair: URIRef
    FullMember: URIRef
    Minister: URIRef
    SecretariatLead: URIRef
    SecretaryGeneral: URIRef
    UnitHead: URIRef
