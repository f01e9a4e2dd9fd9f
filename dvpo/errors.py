"""Exceptions that carry a message a person can read; views show them as form errors."""


class ActionRefused(Exception):
    """A state change or edit that the rules do not allow. Nothing was changed."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def require(condition, message: str, field: str | None = None) -> None:
    """Refuse (changing nothing) unless the condition holds."""
    if not condition:
        raise ActionRefused(message, field=field)


class EditConflict(ActionRefused):
    """Someone else saved the record after this person opened it."""

    MESSAGE = (
        "Someone else changed this record after you opened it. "
        "Your changes have not been saved: reload the page to see theirs, then try again."
    )

    def __init__(self):
        super().__init__(self.MESSAGE)


def check_version(obj, expected: int | None) -> None:
    """Optimistic locking: refuse when the row's version moved on since the form was shown."""
    if expected is not None and obj.lock_version != expected:
        raise EditConflict


def save_as(obj, actor, **kwargs) -> None:
    """Save a history-tracked row with the acting user recorded (also from tasks/commands)."""
    if hasattr(obj, "lock_version"):
        obj.lock_version += 1
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = [*kwargs["update_fields"], "lock_version"]
    obj._history_user = actor
    obj.save(**kwargs)
