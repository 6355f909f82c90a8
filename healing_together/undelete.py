"""Undo a delete (issue 14 item 3): the objects deleted recently, and bringing one back.

A deleted object leaves its history behind (django-simple-history writes a record of type
"-"). `deleted_records(user)` lists, most recent first, the last delete of each object of the
`RESTORABLE` models that is still gone, for the models `user` may restore (`may_restore`: add
or change, and delete). `restore(record, user)` brings one back as it was in its last version:
its own primary key, every language's text, its codes (audiences, topics, languages, areas,
municipalities), and for an article the references deleted with it. It all happens in one
transaction, or not at all: a primary key or a unique value (a slug) taken since, or a
required related object (an organisation, a municipality) deleted since, is refused with a
sentence saying what to do (`NotRestorable`). The new version is marked as a restore of the
last version (`healing_together.history.restore_reason`), as the "restore" page marks its own.

A related object that is optional and would have been emptied had the object stayed (a
reviewer whose account was removed: on_delete SET_NULL) is left empty; a code deleted since is
left out, as it would have been.
"""

from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from healing_together.history import (
    history_model_of,
    m2m_fields,
    one_entry_per_save,
    recorded_m2m,
    restore_reason,
)
from healing_together.history_display import translated_originals

# (app label, model name) of the models whose deletes can be undone, in the order the filter
# offers them.
RESTORABLE = (
    ("directory", "group"),
    ("articles", "article"),
    ("directory", "network"),
    ("directory", "platform"),
    ("directory", "organisation"),
)
# Objects deleted with their parent (on_delete CASCADE) that come back with it:
# {parent: [(child model, its foreign key to the parent)]}. A child deleted more than
# CASCADE_WINDOW before its parent was removed on its own, and stays deleted.
CASCADED = {("articles", "article"): [(("articles", "reference"), "article")]}
CASCADE_WINDOW = timedelta(seconds=30)
# Fields the models keep unique in each language themselves, not through the database:
# a group's slugs (Group.fill_slugs).
UNIQUE_PER_LANGUAGE = {("directory", "group"): ("slug",)}
# The deletes listed at most.
LIST_LIMIT = 200


class NotRestorable(Exception):
    """Why an object cannot be restored, as sentences for the editor."""

    def __init__(self, problems):
        super().__init__(" ".join(problems))
        self.problems = problems


def restorable_models():
    return [apps.get_model(label, name) for label, name in RESTORABLE]


def model_key(model):
    return f"{model._meta.app_label}.{model._meta.model_name}"


def may_restore(user, model):
    """Whether `user` may bring back a deleted `model`: add (or change) and delete it."""
    opts = model._meta
    perm = f"{opts.app_label}.%s_{opts.model_name}"
    return user.has_perm(perm % "delete") and (
        user.has_perm(perm % "add") or user.has_perm(perm % "change")
    )


def may_undo(user, model):
    """Whether a delete of `model` by `user` can be undone under "Recently deleted"."""
    return model in restorable_models() and may_restore(user, model)


def models_for(user):
    """The restorable models `user` may restore, in `RESTORABLE` order."""
    return [model for model in restorable_models() if may_restore(user, model)]


def still_deleted(history_model):
    """The delete records that are the last record of their object: not restored since.

    (A restore writes a later record. So would a new object given the same number, which
    the database's sequences never do; an object written without history under that number
    is named when restoring.)
    """
    later = history_model.objects.filter(
        id=OuterRef("id"), history_date__gt=OuterRef("history_date")
    )
    return history_model.objects.filter(history_type="-").exclude(Exists(later))


def deleted_records(user, only=None, limit=LIST_LIMIT):
    """The deletes `user` may undo, most recent first (at most `limit`); `only`: one model."""
    found = []
    for model in models_for(user):
        if only is not None and model is not only:
            continue
        records = (
            still_deleted(history_model_of(model))
            .select_related("history_user")
            .order_by("-history_date", "-history_id")[:limit]
        )
        found.extend(records)
    found.sort(key=lambda record: (record.history_date, record.history_id), reverse=True)
    return found[:limit]


def deleted_record(model, history_id):
    """The delete record `history_id` of `model` if its object is still gone, else None."""
    return still_deleted(history_model_of(model)).filter(history_id=history_id).first()


def last_version(record):
    """The version before the delete (its codes are in it, not in the delete record)."""
    before = (
        type(record)
        .objects.filter(id=record.id, history_date__lte=record.history_date)
        .exclude(history_type="-")
        .order_by("-history_date", "-history_id")
        .first()
    )
    return before or record


def deleted_name(record):
    """The object's name in the active language, as its list and pages show it."""
    return str(build(record))


def build(version):
    """An unsaved object with the fields of `version`, every language's text included."""
    model = version.instance_type
    kept = {f.attname for f in type(version)._meta.concrete_fields}
    bare = translated_originals(model)
    values = {
        f.attname: getattr(version, f.attname)
        for f in model._meta.concrete_fields
        if f.attname in kept and f.name not in bare
    }
    return model(**values)


def problems_of(record):
    """What would stop `record`'s object from being restored now, as sentences."""
    version = last_version(record)
    return _problems(build(version))


def cascaded_count(record):
    """How many objects deleted with it come back with it (an article's references)."""
    return len(_cascaded(record))


def restore(record, user):
    """Bring back the object deleted in `record`; returns it. Raises NotRestorable."""
    try:
        with transaction.atomic(), one_entry_per_save():
            obj = _restore_one(record, user)
            for child in _cascaded(record):
                _restore_one(child, user)
    except IntegrityError:  # a value taken by another editor at the same moment
        raise NotRestorable(
            [_("Another editor has just used one of its values. Reload the page and try again.")]
        ) from None
    return obj


def _restore_one(record, user):
    version = last_version(record)
    obj = build(version)
    problems = _problems(obj)
    if problems:
        raise NotRestorable(problems)
    originals = {
        f.attname: getattr(obj, f.attname)
        for f in type(obj)._meta.concrete_fields
        if getattr(f, "auto_now_add", False)
    }
    obj._change_reason = restore_reason(version.history_id)
    obj._history_user = user
    obj.save(force_insert=True)
    if originals:  # "created on" stays the day it was first created
        type(obj)._base_manager.filter(pk=obj.pk).update(**originals)
        for name, value in originals.items():
            setattr(obj, name, value)
    recorded = recorded_m2m(version)
    for field in m2m_fields(type(version)):
        pks = recorded[field.name]
        existing = field.related_model._base_manager.filter(pk__in=pks)
        getattr(obj, field.name).set(existing)
    return obj


def _cascaded(record):
    model = record.instance_type
    children = []
    for (label, name), fk in CASCADED.get((model._meta.app_label, model._meta.model_name), []):
        history = history_model_of(apps.get_model(label, name))
        children.extend(
            still_deleted(history)
            .filter(
                **{f"{fk}_id": record.id},
                history_date__lte=record.history_date,
                history_date__gte=record.history_date - CASCADE_WINDOW,
            )
            .order_by("history_date", "history_id")
        )
    return children


def _problems(obj):
    """What stands in the way of saving `obj` again, as sentences; [] if nothing."""
    model = type(obj)
    opts = model._meta
    problems = []
    taken = model._base_manager.filter(pk=obj.pk).first()
    if taken is not None:
        problems.append(
            _("“%(other)s” has its number (%(pk)s) now.") % {"other": taken, "pk": obj.pk}
        )
    for field in opts.concrete_fields:
        if not isinstance(field, models.ForeignKey):
            continue
        value = getattr(obj, field.attname)
        if value is None or field.related_model._base_manager.filter(pk=value).exists():
            continue
        if field.null and field.remote_field.on_delete is models.SET_NULL:
            setattr(obj, field.attname, None)
            continue
        problems.append(
            _(
                "%(field)s “%(name)s” has been deleted since. Restore that first (it may be in "
                "this list), then this one."
            )
            % {
                "field": capfirst(field.verbose_name),
                "name": _gone_name(field.related_model, value),
            }
        )
    for names in _unique_sets(model):
        values = {name: getattr(obj, name) for name in names}
        if any(value in (None, "") for value in values.values()):
            continue
        other = model._base_manager.filter(**values).exclude(pk=obj.pk).first()
        if other is not None:
            shown = ", ".join(str(value) for value in values.values())
            labels = ", ".join(str(_field_by_attname(opts, name).verbose_name) for name in names)
            problems.append(
                _(
                    "“%(value)s” (%(field)s) is used by “%(other)s” now. Change it there "
                    "first, then restore this one."
                )
                % {"field": labels, "value": shown, "other": other}
            )
    return problems


def _unique_sets(model):
    """The fields (attnames) whose values must be unique together, one tuple per rule."""
    opts = model._meta
    sets = [(f.attname,) for f in opts.concrete_fields if f.unique and not f.primary_key]
    sets.extend(tuple(names) for names in opts.unique_together)
    for constraint in opts.constraints:
        unique = isinstance(constraint, models.UniqueConstraint) and constraint.fields
        if unique and constraint.condition is None:
            sets.append(tuple(opts.get_field(name).attname for name in constraint.fields))
    for name in UNIQUE_PER_LANGUAGE.get((opts.app_label, opts.model_name), ()):
        sets.extend((f"{name}_{code}",) for code, _name in settings.LANGUAGES)
    return list(dict.fromkeys(sets))


def _field_by_attname(opts, attname):
    return next(f for f in opts.concrete_fields if f.attname == attname)


def _gone_name(model, pk):
    """The name of a deleted related object, from its history if it has one, else its number."""
    manager = getattr(model._meta, "simple_history_manager_attribute", None)
    if manager is not None:
        record = (
            history_model_of(model)
            .objects.filter(id=pk)
            .order_by("-history_date", "-history_id")
            .first()
        )
        if record is not None:
            return deleted_name(record)
    return str(pk)
