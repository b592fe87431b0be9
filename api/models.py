"""Personal API tokens: named, scoped (read or read/write), expiring, revocable.

Only a SHA-256 digest of each token is stored; the token itself is shown once,
when it is created. Tokens carry 256 bits from ``secrets``, so a fast hash is
enough (there is nothing to brute-force, unlike a password). The first
characters are kept apart as ``prefix``, so a user can tell their tokens apart.

Outside the covered apps of storage.generation: a token's ``last_used_at``
changes on use, and that must not flush the page cache.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# OrgDuties token: easy to spot in a leaked log or a script. Not a secret.
TOKEN_MARK = "odt_"  # noqa: S105
PREFIX_LENGTH = len(TOKEN_MARK) + 8
# last_used_at is written at most this often per token: one UPDATE a minute, not one a request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def digest_of(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        """Neither revoked nor expired, of an active user."""
        now = now or timezone.now()
        return self.filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now),
            revoked_at__isnull=True,
            user__is_active=True,
        )


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    can_write = models.BooleanField(
        _("may write"),
        default=False,
        help_text=_("Read and write; without it the token only reads."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, user, name, *, can_write=False, days=None):
        """A new token of ``user``: (the saved row, the token itself, to be shown once)."""
        raw = TOKEN_MARK + secrets.token_urlsafe(32)
        expires_at = timezone.now() + timedelta(days=days) if days else None
        token = cls.objects.create(
            user=user,
            name=name,
            prefix=raw[:PREFIX_LENGTH],
            digest=digest_of(raw),
            can_write=can_write,
            expires_at=expires_at,
        )
        return token, raw

    @property
    def scope(self) -> str:
        return "write" if self.can_write else "read"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    def revoke(self):
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    def touch(self, now=None):
        """Record a use, at most once per LAST_USED_RESOLUTION (one cheap UPDATE)."""
        now = now or timezone.now()
        if self.last_used_at is not None and now - self.last_used_at < LAST_USED_RESOLUTION:
            return
        ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)
        self.last_used_at = now
