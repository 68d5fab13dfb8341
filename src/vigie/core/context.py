"""Who is changing things, and under which request: set by the web middleware or by the CLI."""

import contextlib
import contextvars
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ChangeContext:
    user_id: int | None = None
    user_name: str = ""
    request_id: uuid.UUID = field(default_factory=uuid.uuid4)
    origin: str = "system"  # web, cli, import, system


_current: contextvars.ContextVar[ChangeContext | None] = contextvars.ContextVar(
    "vigie_change_context", default=None
)


def current_change_context() -> ChangeContext:
    return _current.get() or ChangeContext()


def acting_as(user):
    """Attribute the writes inside the block to ``user`` unless the request or command already does
    (a service called by a view or by the CLI keeps the context its caller set)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return contextlib.nullcontext()
    context = current_change_context()
    if context.user_id == user.pk:
        return contextlib.nullcontext()
    return change_context(user=user, origin=context.origin)


@contextlib.contextmanager
def change_context(user=None, user_name: str = "", origin: str = "cli") -> Iterator[ChangeContext]:
    """Attribute every write inside the block to ``user`` (or to a named operator)."""
    context = ChangeContext(
        user_id=getattr(user, "pk", None),
        user_name=user_name or (user.get_username() if user is not None else ""),
        origin=origin,
    )
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)
