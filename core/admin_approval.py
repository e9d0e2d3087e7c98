"""Four eyes in the admin: what one officer enters, a second approves before the public sees it.

A reported value or a progress update (`core.models.FourEyes`) is saved provisional, with the officer
who entered or changed it; correcting a final one asks for the reason, which the public page shows once
the correction is approved. A publisher approves one record from its page ("Approve as final") or
several from the list (the "Approve the selected" action), always through a page that lists what will
be published and what will not, and why (an officer never approves what they entered). kcpp/rules.py
decides who may approve.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from core.admin import PlainTextFormField
from core.models import Approval

APPROVED = "Approved as final by a second officer"


class FourEyesForm(forms.ModelForm):
    """Asks for the reason when a final record is corrected (the public page will show it)."""

    correction_reason = PlainTextFormField(
        label="Reason for the correction",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
        help_text="Only when correcting a final (public) record: the public page will show “Revised on <date>: "
        "<your reason>” once a second officer approves the correction.",
    )

    def corrections(self):
        return [name for name in self.changed_data if name in self._meta.model.corrected_fields or name == "period"]

    def clean(self):
        cleaned = super().clean()
        record = self.instance
        # As it is now (an old version restored from the history is this form's instance, as it was then).
        model = type(record)
        now_final = (
            record.pk is not None
            and model.objects.filter(pk=record.pk, **{model.approval_field: Approval.FINAL}).exists()
        )
        if now_final and self.corrections() and not cleaned.get("correction_reason"):
            self.add_error(
                "correction_reason",
                "This is final, so the public can see it. Say why it is corrected (for example “figure restated "
                "by West Yorkshire Police”): the public page will show the reason once a second officer approves "
                "the correction. Until then the corrected record is provisional and not shown.",
            )
        return cleaned


def record_entered(record, form, officer):
    """Stamp a record an officer added or changed through `form`: provisional, for another officer to approve."""
    if record.pk is None or form.has_changed():
        record.enter(officer, correction_reason=form.cleaned_data.get("correction_reason", ""))


def approval_state(record):
    """Where a record stands, in a sentence an officer reads on its page."""
    if record.is_final:
        if record.approved_by_id:
            when = f"{timezone.localtime(record.approved_at):%-d %B %Y at %H:%M}"
            return f"Final, shown publicly: approved by {name(record.approved_by)} on {when}."
        return "Final, shown publicly: loaded from the source documents, or approved before approvals were recorded."
    who = f"entered or last changed by {name(record.entered_by)}" if record.entered_by_id else "entered by a script"
    pending = " It corrects a final record: the reason will be shown with it." if record.revision_reason else ""
    return f"Provisional, not shown publicly: {who}, waiting for a second officer's approval.{pending}"


def name(user):
    return (user.get_full_name() or user.get_username()) if user else "an officer no longer here"


class ApprovalAdminMixin:
    """Approval of one record (its page's button) or of several (a list action), through a confirmation page."""

    approval_template = "admin/approve_confirmation.html"
    change_form_template = "admin/four_eyes_change_form.html"

    def has_approve_permission(self, request, obj=None):
        return request.user.has_perm(self.permission("approve"), obj)

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj)]
        return fields if "approval_stage" in fields else [*fields, "approval_stage"]

    @admin.display(description="Approval")
    def approval_stage(self, obj):
        return approval_state(obj) if obj.pk else "Provisional until a second officer approves it."

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None or not (obj.is_final or obj.revision_reason):
            form.base_fields.pop("correction_reason", None)  # nothing public to correct yet
        return form

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not (obj.is_final or obj.revision_reason):
            return fieldsets
        return [*fieldsets, ("Correction", {"fields": ["correction_reason"]})]

    def save_model(self, request, obj, form, change):
        if getattr(request, "reverting", False):
            # An old version restored from the history is entered anew: provisional, for a second officer.
            obj.enter(request.user, correction_reason=form.cleaned_data.get("correction_reason", ""))
        else:
            record_entered(obj, form, request.user)
        super().save_model(request, obj, form, change)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        request.reverting = request.method == "POST"
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_urls(self):
        view = self.admin_site.admin_view(self.approve_view)
        return [path("<path:object_id>/approve/", view, name=self.url_name("approve")), *super().get_urls()]

    def url_name(self, view):
        return f"{self.opts.app_label}_{self.opts.model_name}_{view}"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        extra_context = {
            **(extra_context or {}),
            "can_approve": obj is not None and self.may_approve(request, obj),
            "approve_url": reverse(f"admin:{self.url_name('approve')}", args=[object_id]),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def may_approve(self, request, obj):
        return obj.approval_refusal(request.user) is None and self.has_approve_permission(request, obj)

    def refusal(self, request, obj):
        if not self.has_approve_permission(request, obj):
            return obj.approval_refusal(request.user) or "Only a publisher approves."
        return obj.approval_refusal(request.user)

    def approve_view(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_approve_permission(request):
            raise PermissionDenied
        return self.approval_page(request, [obj], single=True)

    @admin.action(description="Approve the selected as final (they become public)", permissions=["approve"])
    def approve_selected(self, request, queryset):
        return self.approval_page(request, list(queryset))

    def approval_page(self, request, records, *, single=False):
        approvable = [record for record in records if self.may_approve(request, record)]
        refused = [(record, self.refusal(request, record)) for record in records if record not in approvable]
        if request.POST.get("confirm") == "yes" and approvable:
            with transaction.atomic():
                # Read again, locked: what is approved is what it is now, not what the page showed.
                current = (
                    self.get_queryset(request).select_for_update(of=("self",)).filter(pk__in=[r.pk for r in approvable])
                )
                approved = 0
                for record in current:
                    if self.may_approve(request, record):
                        record.approve(request.user)
                        record._change_reason = APPROVED
                        record.save()
                        approved += 1
            self.message_user(
                request,
                f"{approved} {self.noun(approved)} approved as final: now shown publicly.",
                messages.SUCCESS,
            )
            if single and approved:
                return HttpResponseRedirect(reverse(f"admin:{self.url_name('change')}", args=[records[0].pk]))
            return HttpResponseRedirect(reverse(f"admin:{self.url_name('changelist')}"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Approve {self.noun(len(records))} as final",
            "approvable": [(record, self.record_name(record), self.approval_summary(record)) for record in approvable],
            "refused": [(record, self.record_name(record), reason) for record, reason in refused],
            "single": single,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "noun": self.noun(len(approvable)),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.approval_template, context)

    def noun(self, count):
        return self.opts.verbose_name if count == 1 else self.opts.verbose_name_plural

    def approval_summary(self, record):
        """What will be published: the subclass says (the figure and its commentary, or the update)."""
        return str(record)
