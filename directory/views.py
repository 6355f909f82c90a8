from django.conf import settings
from django.core.paginator import Paginator
from django.http import (
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView, ListView, TemplateView, View

from healing_together import csv_guard
from healing_together.public_forms import over_rate_limit
from healing_together.view_mixins import (
    PrivatePreviewMixin,
    TolerantFilterView,
    TranslatedSlugDetailView,
    TranslatedSlugMixin,
)

from . import ical, maps, moderation, opendata
from .cards import GroupCards
from .filters import GroupFilterSet
from .forms import CorrectionForm, ProposalForm
from .models import Group, Helpline, Municipality, Network, Platform


class GroupListView(TolerantFilterView):
    """Find a group: a plain GET form, shareable URLs, counts beside each option."""

    template_name = "directory/group_list.html"
    filterset_class = GroupFilterSet
    paginate_by = settings.GROUPS_PER_PAGE

    def get_queryset(self):
        return Group.objects.published().for_cards()

    def known_total(self):
        return self.filterset.total()  # cached with the option counts

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.filterset
        # The page's groups, read here once; the cards' cached parts in one round trip.
        groups = Municipality.objects.attach_to(list(context["page_obj"].object_list))
        self.cards = GroupCards.load(groups, Group.objects.complete_for_cards)
        context[GroupCards.context_name] = self.cards
        total = context["paginator"].count
        context.update(
            facets=filterset.facets(keep_empty=total == 0),
            notes=filterset.notes,
            municipalities=filterset.municipalities,
            total=total,
            active_filters=filterset.removal_links(self.request.GET),
            chips=filterset.chips(),
            within=filterset.form.cleaned_data.get("within"),
        )
        if filterset.municipalities:
            context["nearest_km"] = self.object_list.nearest_km()
        if total == 0:
            context["suggestions"] = filterset.word_suggestions()
            if filterset.municipalities:
                context["networks"] = Network.objects.covering(filterset.municipalities)
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response.add_post_render_callback(self.cards.save)  # the cards rendered afresh
        return response


NO_GROUP_HERE = gettext_lazy("No group found at this address.")


class GroupDetailView(TranslatedSlugDetailView):
    template_name = "directory/group_detail.html"
    context_object_name = "group"
    not_found_message = NO_GROUP_HERE

    def get_queryset(self):
        return Group.objects.published().for_detail()

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
    body = ical.group_calendar(group, request.build_absolute_uri(group.get_absolute_url()))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}.ics"'
    return response


class GroupDataView(View):
    """Open data: the published groups as JSON (HSDS-style names) or CSV, paginated."""

    page_size = 100

    def get(self, request, *args, fmt="json", **kwargs):
        filterset = GroupFilterSet(request.GET, Group.objects.published().for_listing())
        queryset = filterset.qs.order_by("pk")
        try:
            modified_after = opendata.parse_modified_after(request.GET.get("modified_after"))
        except opendata.InvalidParameter as error:
            return invalid_parameter(str(error), fmt)
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


def invalid_parameter(message, fmt):
    """400 with the message, as JSON for the JSON endpoint and as text for the CSV one."""
    if fmt == "csv":
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    return JsonResponse({"error": message}, status=400, json_dumps_params={"ensure_ascii": False})


def csv_response(records, page):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="healing-together-groups.csv"'
    response["X-Total-Count"] = str(page.paginator.count)
    writer = csv_guard.DictWriter(response, fieldnames=opendata.CSV_COLUMNS, extrasaction="ignore")
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


# --- Organisers and visitors: propose a group, report a correction ----------------------------

PROPOSAL_RATE = "5/h"
CORRECTION_RATE = "5/h"


class PublicFormView(FormView):
    """A public form: a per-IP rate limit on valid posts (429 with the form again)."""

    rate_group = ""
    rate = ""

    def form_valid(self, form):
        if over_rate_limit(self.request, self.rate_group, self.rate):
            form.add_error(
                None,
                _(
                    "You have sent this form several times in a short while. "
                    "Please wait an hour and try again."
                ),
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        self.object = self.submit(form)
        return HttpResponseRedirect(self.get_success_url())

    def submit(self, form):
        """Save what was sent and tell whom it concerns: a service of directory.moderation."""
        raise NotImplementedError


class ProposeGroupView(PublicFormView):
    """The public "propose a group" form: an unpublished group that waits for an editor."""

    template_name = "directory/propose.html"
    form_class = ProposalForm
    rate_group = "directory.propose"
    rate = PROPOSAL_RATE
    success_url = reverse_lazy("directory:propose_thanks")

    def submit(self, form):
        return moderation.proposal_submit(form)


class ProposeThanksView(TemplateView):
    template_name = "directory/propose_thanks.html"


class GroupCorrectionMixin(TranslatedSlugMixin):
    """A page about one published group, at that group's address in every language."""

    url_name = ""
    not_found_message = NO_GROUP_HERE

    def get_queryset(self):
        return Group.objects.published()

    def dispatch(self, request, *args, **kwargs):
        self.group = self.get_object()
        if request.method in ("GET", "HEAD"):
            redirect = self.translated_redirect(self.group)
            if redirect is not None:
                return redirect
        return super().dispatch(request, *args, **kwargs)

    def translated_url(self, obj):
        return self.url_in(translation.get_language())

    def url_in(self, language, url_name=None):
        with translation.override(language):
            slug = self.group.localized_slug(language)
            return reverse(url_name or self.url_name, kwargs={"slug": slug})

    def get_context_data(self, **kwargs):
        alternates = {code: self.url_in(code) for code, _name in settings.LANGUAGES}
        return super().get_context_data(group=self.group, alternates=alternates, **kwargs)


class GroupCorrectionView(GroupCorrectionMixin, PublicFormView):
    """Report a correction: a message for the editors' queue, with an optional email."""

    template_name = "directory/correction.html"
    form_class = CorrectionForm
    rate_group = "directory.correction"
    rate = CORRECTION_RATE
    url_name = "directory:group_correction"

    def submit(self, form):
        return moderation.correction_report(
            self.group,
            form.cleaned_data["message"],
            form.cleaned_data["email"],
            translation.get_language(),
        )

    def get_success_url(self):
        return self.url_in(translation.get_language(), "directory:group_correction_thanks")


class CorrectionThanksView(GroupCorrectionMixin, TemplateView):
    template_name = "directory/correction_thanks.html"
    url_name = "directory:group_correction_thanks"


class GroupPreviewView(PrivatePreviewMixin, GroupDetailView):
    """An unpublished (or hidden) group on the public template, for staff who may edit groups.

    Anyone else gets the same 404 as for a group that does not exist: the address reveals
    nothing. The page is never cached and never indexed.
    """

    preview_permission = "directory.change_group"
    not_found_message = NO_GROUP_HERE

    def get_queryset(self):
        return Group.objects.for_detail()

    def get_object(self, queryset=None):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def get_edit_url(self):
        # A proposal still under review (or refused) is edited from the review queue.
        if self.object.review in {Group.Review.PENDING, Group.Review.REJECTED}:
            return reverse("admin:directory_proposal_change", args=[self.object.pk])
        return super().get_edit_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The switcher shows the preview in each language; no hreflang for a private page.
        context.update(preview=True, alternates=None, no_alternates=True)
        return context
