"""The kinds of job, each declared by the app whose work it is (its ``tasks`` module).

A kind says who may start it and what it does::

    @register
    class WorkbookImport(JobKind):
        name = "workbook-import"
        label = gettext_lazy("Workbook import")
        permissions = [...]

        def run(self, job, progress):
            ...
            return Outcome(summary=..., report=..., file=(bytes, "name.xlsx"))

``run`` reports progress with ``progress(done, total, step)``; it returns an
``Outcome`` or raises ``JobFailed`` (a failure the user can act on, with its
own report and file, such as the workbook with an error column). Anything else
it raises fails the job with a generic message; the traceback goes to the log.
"""

from dataclasses import dataclass, field

kinds: dict[str, "JobKind"] = {}


@dataclass
class Outcome:
    summary: str = ""
    report: dict = field(default_factory=dict)
    # (content, file name) of the result to download, or None.
    file: tuple[bytes, str] | None = None


class JobFailed(Exception):
    def __init__(self, summary, report=None, file=None):
        super().__init__(summary)
        self.outcome = Outcome(str(summary), report or {}, file)


class JobKind:
    name = ""
    label = ""
    # Permissions a user needs to start (or retry) a job of this kind.
    permissions: list[str] = []
    # The page that shows a job of this kind (jobs/job.html by default).
    template = "jobs/job.html"

    def may_start(self, user) -> bool:
        return user.is_authenticated and user.has_perms(self.permissions)

    def run(self, job, progress) -> Outcome:
        raise NotImplementedError

    def context(self, job, request) -> dict:
        """What the job's page shows beside its status (e.g. an import's preview)."""
        return {}


def register(cls):
    kind = cls()
    if kind.name in kinds:
        raise ValueError(f"two kinds of job are named {kind.name!r}")
    kinds[kind.name] = kind
    return cls
