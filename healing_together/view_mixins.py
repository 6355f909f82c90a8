"""Building blocks of the public views, shared by the apps.

- `TolerantFilterView`: a filtered, paginated list that never fails on its query string.
- `TranslatedSlugMixin`, `TranslatedSlugDetailView`: a page at an object's slug, which differs
  per language; a slug from another language is redirected to this language's address.
- `PrivatePreviewMixin`: a staff preview on the public template, never cached or indexed.
"""

from django.core.paginator import Paginator
from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView
from django_filters.views import FilterView


class TolerantFilterView(FilterView):
    """A filtered list whose FilterSet drops unknown values (see `TolerantFilterSet`).

    A page number that is not a number, negative or too large gives the nearest page.
    """

    strict = False

    def paginate_queryset(self, queryset, page_size):
        paginator = Paginator(queryset, page_size)
        total = self.known_total()
        if total is not None:
            paginator.count = total  # no COUNT query
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def known_total(self):
        """The number of results when the view knows it already (cached), else None."""
        return None


class TranslatedSlugMixin:
    """Finds the object whose slug, in any language, is in the address (one query).

    The queryset needs a `by_slug()` method and its objects `localized_slug()`. A slug that
    is this object's in another language is answered by `translated_redirect()`: a permanent
    redirect to `translated_url()`, the same page in the current language.
    """

    not_found_message = _("Nothing found at this address.")

    def get_object(self, queryset=None):
        queryset = self.get_queryset() if queryset is None else queryset
        obj = queryset.by_slug(self.kwargs["slug"]).first()
        if obj is None:
            raise Http404(self.not_found_message)
        return obj

    def translated_url(self, obj):
        return obj.get_absolute_url()

    def translated_redirect(self, obj):
        """A redirect when the address has another language's slug; else None."""
        if obj.localized_slug() != self.kwargs["slug"]:
            return HttpResponsePermanentRedirect(self.translated_url(obj))
        return None


class TranslatedSlugDetailView(TranslatedSlugMixin, DetailView):
    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        redirect = self.translated_redirect(self.object)
        if redirect is not None:
            return redirect
        return self.render_to_response(self.get_context_data(object=self.object))


class PrivatePreviewMixin:
    """A staff preview: the public template, never cached, never indexed.

    Only for staff the admin itself would let in (two factors, a session within its time) who
    hold `preview_permission`; anyone else gets `not_found_message` as a 404. The page offers
    "Back to editing": `edit_url`, the object's form in the admin.
    """

    preview_permission = None
    not_found_message = None

    def dispatch(self, request, *args, **kwargs):
        from .admin_site import staff_access_response

        refused = staff_access_response(request, self.preview_permission, self.not_found_message)
        return refused or super().dispatch(request, *args, **kwargs)

    def get_edit_url(self):
        opts = self.object._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[self.object.pk])

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        context = self.get_context_data(object=self.object, edit_url=self.get_edit_url())
        response = self.render_to_response(context)
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        return response
