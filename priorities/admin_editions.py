"""The annual refresh in the admin: prepare the next edition from a public one, preview it, compare it with the
current plan, and publish it (priorities/drafts.py does the copying and the publishing).

A plan editor prepares the draft (the permission to add editions); a publisher publishes it (the
permission to publish), giving its approval record, which may be taken from a minuted decision about it.
"""

from django import forms
from django.apps import apps
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import slugify

from priorities.drafts import copy_edition, publish_edition
from priorities.models import PlanEdition, PublicationStatus, validate_edition_slug


class CopyEditionForm(forms.Form):
    title = forms.CharField(
        max_length=200, help_text="For example: Kirklees Communities Partnership Plan – Refresh, 2025"
    )
    slug = forms.SlugField(max_length=60, help_text="Its web address after /plans/, e.g. 2025-refresh.")
    kind = forms.ChoiceField(choices=PlanEdition.Kind.choices, initial=PlanEdition.Kind.REFRESH)
    start_year = forms.IntegerField(min_value=2000, max_value=2100, label="First year it covers")
    end_year = forms.IntegerField(min_value=2000, max_value=2100, label="Last year it covers")

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        validate_edition_slug(slug)
        if PlanEdition.objects.filter(slug=slug).exists():
            raise ValidationError("Another edition has this web address: choose another.")
        return slug

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", "The last year cannot be before the first year.")
        return cleaned


class PublishEditionForm(forms.Form):
    decision = forms.ModelChoiceField(
        label="The decision that approved it",
        queryset=None,
        required=False,
        empty_label="No minuted decision: give the approval record below",
        help_text="A decision minuted on an agenda item about this edition. Chosen, it gives the approval record.",
    )
    approval = forms.ChoiceField(
        label="What the papers record",
        choices=[("", "Nothing is recorded"), *PlanEdition.Approval.choices],
        required=False,
        help_text="A new plan (not an annual refresh) needs its approval recorded.",
    )
    approval_body = forms.CharField(
        label="Who approved it", max_length=200, required=False, help_text="e.g. Cabinet, or Full Council."
    )
    approval_date = forms.DateField(
        label="Date of the decision", required=False, help_text="Or the date it was due (YYYY-MM-DD)."
    )
    approval_note = forms.CharField(
        label="How it was approved, and where it is recorded",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        Decision = apps.get_model("governance", "Decision")
        self.fields["decision"].queryset = (
            Decision.objects.filter(agenda_item__plan_edition=edition)
            .select_related("agenda_item__meeting__body")
            .order_by("-agenda_item__meeting__date", "number")
        )
        self.fields["decision"].label_from_instance = decision_label
        self.edition = edition

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision is not None:
            meeting = decision.agenda_item.meeting
            cleaned["approval"] = PlanEdition.Approval.DECISION
            cleaned["approval_body"] = meeting.body.name
            cleaned["approval_date"] = meeting.date
            cleaned["approval_note"] = cleaned.get("approval_note") or f"{decision_label(decision)}."
        trial = PlanEdition(
            kind=self.edition.kind,
            status=PublicationStatus.PUBLISHED,
            **{name: cleaned.get(name) or ("" if name != "approval_date" else None) for name in APPROVAL_FIELDS},
        )
        try:
            trial.clean()
        except ValidationError as error:
            for field, messages_ in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages_)
        return cleaned


APPROVAL_FIELDS = ("approval", "approval_body", "approval_date", "approval_note")


def decision_label(decision):
    meeting = decision.agenda_item.meeting
    when = f"{meeting.date:%-d %B %Y}" if meeting.date else "date not stated"
    kind = decision.get_kind_display().lower()
    return (
        f"{meeting.body.name}, {when}, {decision.agenda_item.title}: {kind} ({decision.number}) {decision.text[:120]}"
    )


class EditionLifeCycleMixin:
    """Buttons and pages on an edition's admin page: prepare the next edition, preview, compare, publish."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/next-edition/", wrap(self.copy_view), name="priorities_planedition_copy"),
            path("<path:object_id>/publish/", wrap(self.publish_view), name="priorities_planedition_publish"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        edition = self.get_object(request, unquote(object_id))
        extra = {}
        if edition is not None:
            current = PlanEdition.objects.current()
            extra = {
                "can_copy": edition.is_public and request.user.has_perm("priorities.add_planedition"),
                "can_publish": not edition.is_public and request.user.has_perm("priorities.publish_planedition"),
                "preview_url": edition.get_absolute_url() if not edition.is_public else None,
                "compare_url": reverse("compare-editions", kwargs={"old": current.slug, "new": edition.slug})
                if current is not None and current != edition and not edition.is_public
                else None,
            }
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def copy_view(self, request, object_id):
        source = self.get_object(request, unquote(object_id))
        if source is None:  # as Django's own pages do: back to the list, saying no such edition exists
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not request.user.has_perm("priorities.add_planedition"):
            raise PermissionDenied
        following = source.end_year if source.kind == PlanEdition.Kind.PLAN else source.start_year + 1
        form = CopyEditionForm(
            request.POST if request.method == "POST" else None,
            initial={"kind": PlanEdition.Kind.REFRESH, "start_year": following, "end_year": source.end_year},
        )
        draft = None
        if request.method == "POST" and form.is_valid():
            try:
                draft = copy_edition(source, **form.cleaned_data)
            except ValidationError as refusal:
                form.add_error(None, refusal)
        if draft is not None:
            counts = ", ".join(
                f"{count} {name}"
                for name, count in (
                    ("priorities", draft.priorities.count()),
                    ("commitments", draft.commitments.count()),
                )
            )
            self.message_user(
                request,
                f"“{draft}” is prepared as a draft from “{source}” ({counts}, with their themes, actions and "
                "measures). The public still sees only the published plan. Edit it here, preview it, compare "
                "it with the current plan, then ask a publisher to publish it. Copied measures' codes end "
                f"with -{draft.start_year}: change them if you wish.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:priorities_planedition_change", args=[draft.pk]))
        if request.method == "GET":
            form.initial["slug"] = slugify(f"{following}-refresh")
        return TemplateResponse(
            request,
            "admin/priorities/planedition/copy.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "edition": source,
                "form": form,
                "title": f"Prepare the next edition from “{source}”",
            },
        )

    def publish_view(self, request, object_id):
        draft = self.get_object(request, unquote(object_id))
        if draft is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not request.user.has_perm("priorities.publish_planedition"):
            raise PermissionDenied
        if draft.is_public:
            self.message_user(request, f"“{draft}” is already {draft.get_status_display().lower()}.", messages.INFO)
            return HttpResponseRedirect(reverse("admin:priorities_planedition_change", args=[draft.pk]))
        current = PlanEdition.objects.current()
        form = PublishEditionForm(
            request.POST if request.method == "POST" else None,
            edition=draft,
            initial={name: getattr(draft, name) for name in APPROVAL_FIELDS},
        )
        if request.method == "POST" and form.is_valid():
            values = {
                name: form.cleaned_data.get(name) or ("" if name != "approval_date" else None)
                for name in APPROVAL_FIELDS
            }
            archived = publish_edition(draft, decision=form.cleaned_data.get("decision"), **values)
            was = f" “{archived}” is archived and stays readable at its own address." if archived else ""
            self.message_user(request, f"“{draft}” is published as the current plan.{was}", messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:priorities_planedition_change", args=[draft.pk]))
        return TemplateResponse(
            request,
            "admin/priorities/planedition/publish.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "edition": draft,
                "current": current,
                "form": form,
                "title": f"Publish “{draft}” as the current plan",
            },
        )
