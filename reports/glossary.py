"""Acronyms a SEND progress report may use, and the glossary of those a report actually uses.

Families read these reports; every acronym used gets its meaning at the back, and none that is not used."""

from __future__ import annotations

import re
from collections.abc import Iterable

ACRONYMS = {
    "AP": "Alternative provision: education arranged for children who cannot attend a mainstream school",
    "APP": "Accelerated Progress Plan",
    "ASD": "Autism spectrum disorder",
    "CAMHS": "Child and adolescent mental health services",
    "CCG": "Clinical commissioning group (replaced by integrated care boards in 2022)",
    "CQC": "Care Quality Commission, which inspects health and care services",
    "CYP": "Children and young people",
    "DCO": "Designated clinical officer for SEND in the local NHS",
    "DfE": "Department for Education",
    "DMO": "Designated medical officer for SEND in the local NHS",
    "EHC": "Education, health and care",
    "EHCNA": "Education, health and care needs assessment",
    "EHCP": "Education, health and care plan",
    "EP": "Educational psychologist",
    "ICB": "Integrated care board: the NHS body that plans and buys local health services",
    "KPI": "Key performance indicator: a measure used to track progress",
    "LA": "Local authority (the council)",
    "NHS": "National Health Service",
    "NHSE": "NHS England",
    "Ofsted": "Office for Standards in Education, Children's Services and Skills",
    "OT": "Occupational therapy",
    "PAP": "Priority Action Plan",
    "PCF": "Parent carer forum",
    "PfA": "Preparing for adulthood",
    "QA": "Quality assurance",
    "RAG": "Red, amber, green: the rating that shows how far an action is on track",
    "SALT": "Speech and language therapy",
    "SEMH": "Social, emotional and mental health",
    "SEN": "Special educational needs",
    "SENCO": "Special educational needs co-ordinator in a school or setting",
    "SEND": "Special educational needs and disabilities",
    "SENDIASS": "SEND information, advice and support service",
    "WSOA": "Written Statement of Action",
}

# Longest first, so "SENDIASS" is found as itself and not as "SEND"; the match is case-sensitive ("ap" is a word).
_PATTERN = re.compile(r"\b(" + "|".join(sorted(map(re.escape, ACRONYMS), key=len, reverse=True)) + r")s?\b")


def acronyms_used(texts: Iterable[str]) -> list[tuple[str, str]]:
    """(acronym, meaning) for each known acronym in `texts`, alphabetically."""
    found = set()
    for text in texts:
        found.update(match.group(1) for match in _PATTERN.finditer(text or ""))
    return sorted(((term, ACRONYMS[term]) for term in found), key=lambda pair: pair[0].lower())
