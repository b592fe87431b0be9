"""Large chart exports (PDF, PNG) as background jobs: a drawing of thousands of boxes takes
seconds to paint, which a web request should not hold. Small ones stay immediate
(orgchart.views.chart_export decides by the organisation's size)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jobs.registry import JobFailed, JobKind, Outcome, register
from orgchart.export import ExportError, export_form
from orgchart.forms import ExportForm, first_error


@register
class ChartExport(JobKind):
    name = "chart-export"
    label = gettext_lazy("Org chart export")
    permissions = []  # every employee may export the chart, as they may open it

    def run(self, job, progress):
        from django.http import QueryDict

        query = QueryDict(mutable=True)
        for key, values in job.params.get("query", {}).items():
            query.setlist(key, values)
        form = ExportForm.from_query(query)
        if not form.is_valid():
            raise JobFailed(first_error(form))
        progress(0, 2, _("drawing"))
        try:
            content, _type, name = export_form(form)
        except ExportError as error:
            raise JobFailed(str(error)) from None
        progress(1, 2, _("saving"))
        return Outcome(_("The chart is ready to download."), {}, (content, name))
