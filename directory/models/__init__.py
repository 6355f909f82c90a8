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

from django.db import models as _models

from . import corrections, geography, groups, reference, taxonomy
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


def _home_historical_models():
    """Name the module each historical model lives in.

    django-simple-history puts the historical models of a package's models in the module of
    the model they record, but names the app ("directory") as their module, where they cannot
    be imported from (Django's shell auto-import listed ten "could not be imported").
    """
    for module in (corrections, geography, groups, reference, taxonomy):
        for value in list(vars(module).values()):
            is_model = isinstance(value, type) and issubclass(value, _models.Model)
            if is_model and value.__module__ == __package__.rpartition(".")[0]:
                value.__module__ = module.__name__


_home_historical_models()
