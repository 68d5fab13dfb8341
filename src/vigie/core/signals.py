"""Write a change log entry for every save and delete of a change-logged model."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .audit import append_entries
from .choices import ChangeAction
from .context import current_change_context
from .models import ChangeLogEntry, ChangeLoggedModel


def _log(instance, action: str, prechange, postchange) -> None:
    context = current_change_context()
    entry = ChangeLogEntry(
        user_id=context.user_id,
        user_name=context.user_name,
        request_id=context.request_id,
        origin=context.origin,
        action=action,
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_id=instance.pk,
        object_repr=str(instance)[:200],
        prechange=prechange,
        postchange=postchange,
    )
    with transaction.atomic():
        append_entries([entry])


@receiver(pre_save)
def keep_prechange(sender, instance, raw=False, **kwargs):
    if raw or not isinstance(instance, ChangeLoggedModel) or instance.pk is None:
        return
    previous = sender._default_manager.filter(pk=instance.pk).first()
    instance._prechange = previous.snapshot() if previous is not None else None


@receiver(post_save)
def log_save(sender, instance, created, raw=False, **kwargs):
    if raw or not isinstance(instance, ChangeLoggedModel):
        return
    prechange = None if created else getattr(instance, "_prechange", None)
    postchange = instance.snapshot()
    if prechange == postchange:
        return
    _log(instance, ChangeAction.CREATE if created else ChangeAction.UPDATE, prechange, postchange)


@receiver(post_delete)
def log_delete(sender, instance, **kwargs):
    if isinstance(instance, ChangeLoggedModel):
        _log(instance, ChangeAction.DELETE, instance.snapshot(), None)
