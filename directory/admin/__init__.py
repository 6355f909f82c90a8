"""The editors' admin for the directory.

Every translated field is edited in NL/FR/EN tabs (django-modeltranslation); groups, networks,
platforms and helplines keep their history, with who changed what, and any earlier version can
be restored (django-simple-history). Group descriptions use a rich-text editor and are stored as
sanitised HTML. Geography comes from Statbel (`manage.py load_reference`) and is read-only here.

- groups.py: the groups (GroupAdmin and its form), with the CSV views of csv_views.py;
- reference.py: networks, platforms, helplines, organisations, terms, languages, geography;
- moderation.py: the review queues (proposed groups, correction reports);
- list_filters.py: the list filters these use.

Importing the package registers them all.
"""

from . import groups, moderation, reference  # noqa: F401 (each registers its admins)
