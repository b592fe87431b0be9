from django.db import models
from django.utils.translation import gettext_lazy as _


class DirectoryEntry(models.Model):
    """An employee that the company directory holds (or held), as sync_directory last saw it.

    Only employees with an entry are deactivated when they leave the directory:
    people HR keeps by hand, whom the directory never listed, are left alone.
    """

    employee = models.OneToOneField(
        "positions.Employee",
        verbose_name=_("employee"),
        on_delete=models.CASCADE,
        related_name="directory_entry",
    )
    dn = models.CharField(_("distinguished name"), max_length=500)
    last_seen = models.DateTimeField(_("last seen in the directory"))
    deactivated_at = models.DateTimeField(_("deactivated"), null=True, blank=True)

    class Meta:
        verbose_name = _("directory entry")
        verbose_name_plural = _("directory entries")

    def __str__(self):
        return self.dn
