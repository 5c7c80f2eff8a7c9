"""Sign-ins, second factors, and every change to what a person may see or do, written to the audit log.

Who changed it is the person whose request is being served (the administrator in the admin, say);
a change made by a command or a task has no actor."""

from __future__ import annotations

from allauth.mfa import signals as mfa_signals
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver

from . import context
from .services import record_audit

User = get_user_model()

# What a person may see or do: their role, their household or team, admin rights, whether the account works.
ACCESS_FIELDS = ("role", "household_id", "team_id", "is_active", "is_staff", "is_superuser")


def _actor():
    return context.current().user


@receiver(pre_save, sender=User, dispatch_uid="audit-access-before")
def _remember_access(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        instance._access_before = None
        return
    instance._access_before = sender.objects.filter(pk=instance.pk).values(*ACCESS_FIELDS).first()


@receiver(post_save, sender=User, dispatch_uid="audit-access-after")
def _record_access_change(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if created:
        record_audit(actor=_actor(), action="account.created", obj=instance, household_id=instance.household_id, role=instance.role)
        return
    before = getattr(instance, "_access_before", None)
    if not before:
        return
    changes = {field: [before[field], getattr(instance, field)] for field in ACCESS_FIELDS if before[field] != getattr(instance, field)}
    if changes:
        record_audit(actor=_actor(), action="account.access_changed", obj=instance, household_id=instance.household_id, changes=changes)


def _permission_names(model, pk_set) -> list[str]:
    if model is Group:
        return sorted(Group.objects.filter(pk__in=pk_set or ()).values_list("name", flat=True))
    return sorted(model.objects.filter(pk__in=pk_set or ()).values_list("codename", flat=True))


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="audit-user-groups")
@receiver(m2m_changed, sender=User.user_permissions.through, dispatch_uid="audit-user-permissions")
@receiver(m2m_changed, sender=Group.permissions.through, dispatch_uid="audit-group-permissions")
def _record_permission_change(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear") or reverse:
        return
    record_audit(actor=_actor(), action="permissions.changed", obj=instance, change=action.removeprefix("post_"),
                 which=_permission_names(model, pk_set))


@receiver(user_logged_in, dispatch_uid="audit-signed-in")
def _record_sign_in(sender, request, user, **kwargs):
    record_audit(actor=user, action="account.signed_in", obj=user, household_id=user.household_id)


@receiver(user_login_failed, dispatch_uid="audit-sign-in-failed")
def _record_failed_sign_in(sender, credentials, request=None, **kwargs):
    # The address typed, never the password (Django has already masked it).
    typed = credentials.get("email") or credentials.get("username") or credentials.get("login") or ""
    record_audit(actor=None, action="account.sign_in_failed", login=str(typed)[:254])


def _second_factor(change: str):
    def receiver_(sender, request, user, authenticator, **kwargs):
        record_audit(actor=user, action=f"account.second_factor_{change}", obj=user, kind=authenticator.type)

    return receiver_


_second_factor_added = _second_factor("added")
_second_factor_removed = _second_factor("removed")
_second_factor_reset = _second_factor("reset")
mfa_signals.authenticator_added.connect(_second_factor_added, dispatch_uid="audit-second-factor-added")
mfa_signals.authenticator_removed.connect(_second_factor_removed, dispatch_uid="audit-second-factor-removed")
mfa_signals.authenticator_reset.connect(_second_factor_reset, dispatch_uid="audit-second-factor-reset")
