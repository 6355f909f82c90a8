import csv

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView, View
from django_filters.views import FilterView

from . import calendar, maps, opendata
from .filters import GroupFilterSet, facets, option_counts, parse_modified_after, tolerant_filterset
from .models import Group, Helpline, Municipality, Network, Platform


class GroupListView(FilterView):
    """Find a group: a plain GET form, shareable URLs, counts beside each option."""

    template_name = "directory/group_list.html"
    filterset_class = GroupFilterSet
    paginate_by = settings.GROUPS_PER_PAGE

    def get_queryset(self):
        return Group.objects.published().for_listing()

    def get_filterset(self, filterset_class):
        return tolerant_filterset(self.request.GET, self.get_queryset(), self.request)

    def get_strict(self):
        return False

    def paginate_queryset(self, queryset, page_size):
        # A page number that is not a number, negative or too large gives the nearest page.
        paginator = Paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.filterset
        counts = option_counts(filterset)
        context.update(
            facets=facets(filterset, counts),
            notes=filterset.notes,
            municipalities=filterset.municipalities,
            total=context["paginator"].count,
            active_filters=active_filters(self.request.GET, filterset),
        )
        if context["total"] == 0 and filterset.municipalities:
            context["networks"] = Network.objects.covering(filterset.municipalities)
        return context


def active_filters(query, filterset):
    """[(label, url without that filter)] so an empty result can suggest what to drop."""
    dropped = []
    for name in ("q", "postcode", *filterset.FACETS, "open"):
        if query.get(name):
            rest = query.copy()
            rest.pop(name)
            rest.pop("page", None)
            field = filterset.form.fields[name]
            dropped.append({"label": field.label, "query": rest.urlencode()})
    return dropped


class GroupDetailView(DetailView):
    template_name = "directory/group_detail.html"
    context_object_name = "group"

    def get_queryset(self):
        return Group.objects.published().for_detail()

    def get_object(self, queryset=None):
        """The group whose slug, in any language, is in the address (one query)."""
        slug = self.kwargs["slug"]
        any_language = Q()
        for code, _name in settings.LANGUAGES:
            any_language |= Q(**{f"slug_{code}": slug})
        group = self.get_queryset().filter(any_language).first()
        if group is None:
            raise Http404(_("No group found at this address."))
        return group

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.localized_slug() != kwargs["slug"]:
            # A slug from another language: send the visitor to this language's address.
            return HttpResponsePermanentRedirect(self.object.get_absolute_url())
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        group = self.object
        alternates = {}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                alternates[code] = group.get_absolute_url()
        return super().get_context_data(
            alternates=alternates,
            sessions=group.upcoming_sessions(3),
            json_ld=opendata.group_json_ld(group, self.request),
            map=maps.tile_map(group.latitude, group.longitude) if group.in_person else None,
            **kwargs,
        )


def group_ical(request, slug):
    language = translation.get_language()
    group = get_object_or_404(Group.objects.published().for_detail(), **{f"slug_{language}": slug})
    body = calendar.group_calendar(group, request.build_absolute_uri(group.get_absolute_url()))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}.ics"'
    return response


class GroupDataView(View):
    """Open data: the published groups as JSON (HSDS-style names) or CSV, paginated."""

    page_size = 100

    def get(self, request, *args, fmt="json", **kwargs):
        filterset = tolerant_filterset(request.GET, Group.objects.published().for_listing())
        queryset = filterset.qs.order_by("pk")
        modified_after = parse_modified_after(request.GET.get("modified_after"))
        if modified_after:
            queryset = queryset.filter(updated_at__gt=modified_after)
        paginator = Paginator(queryset, self.page_size)
        page = paginator.get_page(request.GET.get("page"))
        records = [opendata.group_record(group, request) for group in page.object_list]
        if fmt == "csv":
            return csv_response(records, page)
        return JsonResponse(
            opendata.page_envelope(records, page, request, filterset.notes),
            json_dumps_params={"ensure_ascii": False, "indent": 1},
        )


def csv_response(records, page):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="healing-together-groups.csv"'
    response["X-Total-Count"] = str(page.paginator.count)
    writer = csv.DictWriter(response, fieldnames=opendata.CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for record in records:
        writer.writerow(opendata.flatten(record))
    return response


class NetworkListView(TemplateView):
    """Find your 107 network by postcode or municipality, or browse them by region."""

    template_name = "directory/network_list.html"

    def get_context_data(self, **kwargs):
        query = (self.request.GET.get("postcode") or "").strip()[:100]
        context = super().get_context_data(query=query, **kwargs)
        if query:
            municipalities = Municipality.objects.matching(query)
            context["municipalities"] = municipalities
            if municipalities:
                context["found"] = Network.objects.covering(municipalities).order_by("kind", "name")
        context["networks_by_region"] = Network.objects.by_region()
        return context


class NetworkDetailView(DetailView):
    model = Network
    template_name = "directory/network_detail.html"
    context_object_name = "network"

    def get_context_data(self, **kwargs):
        municipalities = self.object.municipalities.order_by("name")
        return super().get_context_data(municipalities=municipalities, **kwargs)


class PlatformListView(ListView):
    template_name = "directory/platform_list.html"
    context_object_name = "platforms"

    def get_queryset(self):
        return Platform.objects.prefetch_related("regions")


class HelplineListView(ListView):
    template_name = "directory/helpline_list.html"
    context_object_name = "helplines"

    def get_queryset(self):
        return Helpline.objects.active()
