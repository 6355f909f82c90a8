"""The directory: groups and the reference data around them.

Concepts follow the Open Referral Human Services Data Specification (HSDS 3) without its
complexity: an Organisation runs a Group (the service) at a location or online; geography comes
from Statbel (REFNIS codes); 107 networks, platforms and helplines sit beside the groups.

geography.py   regions, provinces, municipalities, postcodes (Statbel); SourcedModel
taxonomy.py    audiences, topics, spoken languages
groups.py      organisations, groups, and the Proposal proxy the review queue shows
corrections.py visitors' correction reports
reference.py   107 networks, platforms, helplines
"""

from .corrections import CorrectionReport
from .geography import Municipality, PostalCode, Province, Region, SourcedModel
from .groups import Group, Organisation, Proposal
from .reference import Helpline, Network, Platform
from .taxonomy import Audience, SpokenLanguage, Term, Topic

__all__ = [
    "Audience",
    "CorrectionReport",
    "Group",
    "Helpline",
    "Municipality",
    "Network",
    "Organisation",
    "Platform",
    "PostalCode",
    "Proposal",
    "Province",
    "Region",
    "SourcedModel",
    "SpokenLanguage",
    "Term",
    "Topic",
]
