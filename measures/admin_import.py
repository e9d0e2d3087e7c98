"""Importing reported values in the admin: a spreadsheet chosen, its preview, then the import, all or nothing.

`ValueImportMixin` goes first among `ReportedValueAdmin`'s bases. Its list then offers "Import from a
spreadsheet" to the officers who may add values (IMPORT_EXPORT_IMPORT_PERMISSION_CODE, and the change
permission too); what a row may do, and everything else about an import, is `measures/resources.py`.

The file is held between the preview and the confirmation by import-export's temporary storage
(IMPORT_EXPORT_TMP_STORAGE_CLASS: the shared cache), so the confirmation may reach another instance.
The file is read again on confirming and imported as the portal is then: if that finds a problem the
preview did not (another officer changed a figure meanwhile), nothing is imported and the page says why.
"""

import os

from django import forms
from django.contrib import messages
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST
from import_export.admin import ImportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ImportForm
from import_export.results import RowResult
from import_export.signals import post_import

from measures.resources import ReportedValueResource

# An import larger than this is refused: a values CSV of every measure is a small fraction of it.
MAX_IMPORT_BYTES = 20 * 1024 * 1024


class SpreadsheetCSV(CSV):
    """A CSV file in UTF-8 (with or without the byte-order mark Excel writes), or in Windows-1252, as Excel on
    Windows saves "CSV (Comma delimited)"."""

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            try:
                in_stream = in_stream.decode("utf-8-sig")
            except UnicodeDecodeError:
                in_stream = in_stream.decode("cp1252")
        return super().create_dataset(in_stream, **kwargs)


class ValuesImportForm(ImportForm):
    """The file alone: its format is known from its name (.csv or .xlsx), so there is nothing else to choose."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.extensions = {f".{format_class().get_extension()}": str(i) for i, format_class in enumerate(formats)}
        self.fields["format"].required = False
        self.fields["format"].widget = forms.HiddenInput()
        upload = self.fields["import_file"]
        upload.label = "Spreadsheet"
        upload.help_text = "A CSV file (.csv) or an Excel workbook (.xlsx), its first row naming the columns."
        upload.widget.attrs = {"accept": ",".join(self.extensions)}

    @property
    def media(self):
        return forms.Media()  # no script: nothing to guess

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("import_file")
        if upload is None:
            return cleaned
        extension = os.path.splitext(upload.name)[1].lower()
        if extension not in self.extensions:
            self.add_error(
                "import_file",
                "Choose a CSV file (.csv) or an Excel workbook (.xlsx): save the spreadsheet as one of those first.",
            )
        elif upload.size > MAX_IMPORT_BYTES:
            self.add_error("import_file", f"The file is larger than {MAX_IMPORT_BYTES // 1024 // 1024} MB: split it.")
        else:
            cleaned["format"] = self.extensions[extension]
        return cleaned


class ValueImportMixin(ImportMixin):
    """Imports reported values from a spreadsheet: the first base of `ReportedValueAdmin`."""

    resource_classes = [ReportedValueResource]
    import_formats = [SpreadsheetCSV, XLSX]
    import_form_class = ValuesImportForm
    import_template_name = "admin/import_export/reported_values_import.html"
    import_export_change_list_template = "admin/import_export/reported_values_change_list.html"

    def has_import_permission(self, request):
        """Adding (the setting) and changing values: an import does both."""
        change = f"{self.opts.app_label}.{get_permission_codename('change', self.opts)}"
        return super().has_import_permission(request) and request.user.has_perm(change)

    def get_import_data_kwargs(self, **kwargs):
        # A row found wrong only on confirming (the portal changed since the preview) stops the whole import.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        """Import the file previewed, now for real: every row, or, should any row have a problem, none."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        import_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")
        confirm_form = self.create_confirm_form(request)
        formats = self.get_import_formats()
        choice = confirm_form.cleaned_data.get("format", "") if confirm_form.is_valid() else ""
        if not choice.isdigit() or int(choice) >= len(formats):
            messages.error(request, "Nothing was imported: choose the file again.")
            return HttpResponseRedirect(import_url)
        input_format = formats[int(choice)](encoding=self.from_encoding)
        storage = self.get_tmp_storage_class()(
            name=confirm_form.cleaned_data["import_file_name"],
            encoding=None if input_format.is_binary() else self.from_encoding,
            read_mode=input_format.get_read_mode(),
            **self.get_tmp_storage_class_kwargs(),
        )
        try:
            data = storage.read()
        except OSError:
            data = None
        if data is None:
            messages.error(
                request,
                "Nothing was imported: the file previewed is no longer held (a preview is kept for a day). "
                "Choose it again.",
            )
            return HttpResponseRedirect(import_url)
        dataset = input_format.create_dataset(data)
        result = self.process_dataset(dataset, confirm_form, request, **kwargs)
        storage.remove()
        if result.has_errors() or result.has_validation_errors():
            return self.refused_on_confirming(request, result)
        file_name = result.report.file_name
        self.log_imported(request, result, file_name)
        post_import.send(sender=None, model=self.model)
        report = result.report
        if report.changes:
            messages.success(
                request,
                f"Imported from {file_name}: {report.counts}. The new and changed figures are provisional: "
                "the public sees them once another officer approves them.",
            )
            return HttpResponseRedirect(
                reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist") + "?status__exact=provisional"
            )
        messages.info(request, f"Nothing was imported from {file_name}: {report.counts}.")
        return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"))

    def refused_on_confirming(self, request, result):
        context = {
            **self.admin_site.each_context(request),
            "title": "Import reported values",
            "opts": self.opts,
            # A form to choose the file again, corrected: empty, not the confirmation's post.
            "form": self.get_import_form_class(request)(
                self.get_import_formats(), self.get_import_resource_classes(request)
            ),
            "result": result,
            "confirmed": True,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

    def log_imported(self, request, result, file_name):
        """One entry in the admin's log ("Recent actions") for each value added or changed."""
        flags = {RowResult.IMPORT_TYPE_NEW: ADDITION, RowResult.IMPORT_TYPE_UPDATE: CHANGE}
        for import_type, flag in flags.items():
            values = [row.instance for row in result.rows if row.import_type == import_type]
            if values:
                LogEntry.objects.log_actions(
                    request.user.pk,
                    values,
                    flag,
                    change_message=f"Imported from {file_name}",
                    single_object=len(values) == 1,
                )
