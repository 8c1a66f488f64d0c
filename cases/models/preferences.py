"""A person's own settings that outlive a session: for now, the language they read."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from .case import Case


class Language(models.TextChoices):
    # Each language named in itself, so a person finds theirs whatever is showing.
    ENGLISH = "en", "English"
    SPANISH = "es", "Español"


def language_of(code: str | None) -> str:
    """One of ours for any code Django or a browser gives ("es-us" → "es"), else English."""
    base = (code or "").split("-")[0].split("_")[0].lower()
    return base if base in Language.values else Language.ENGLISH


class AccountLanguage(models.Model):
    """The language a person chose with the switch, applied again when they sign in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="account_language",
    )
    language = models.CharField(gettext_lazy("Language"), max_length=8, choices=Language.choices)

    def __str__(self) -> str:
        return self.language

    @classmethod
    def for_user(cls, user: User) -> str | None:
        return cls.objects.filter(user=user).values_list("language", flat=True).first()

    @classmethod
    def of_users(cls, user_ids: Iterable[int]) -> dict[int, str]:
        """Each of these people's chosen language, in one query (absent: none chosen)."""
        return dict(
            cls.objects.filter(user_id__in=list(user_ids)).values_list("user_id", "language")
        )

    @classmethod
    def remember(cls, user: User, language: str) -> None:
        cls.objects.update_or_create(user=user, defaults={"language": language_of(language)})


def packet_language(case: Case) -> str:
    """The language of the documents that go to the specialist: the packet, the request
    letters and the decision summary (``Case.packet_language``).

    Part of any cache key for these documents: the same case prints differently in each.
    """
    return language_of(getattr(case, "packet_language", ""))


def in_packet_language(case: Case) -> translation.override:
    """Render the case's documents inside this: ``with in_packet_language(case): ...``."""
    return translation.override(packet_language(case))
