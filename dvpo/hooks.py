"""Ordered hooks: how a lower layer has work done by the apps above it (style.md §12).

The kernel and the lower apps may not import upward (the layer contract in pyproject.toml).
When a change low down must be followed by writes higher up, the lower layer declares a hook
here and sends it; each upper app connects its receiver in its AppConfig.ready() with an
explicit order. Not Django signals: the order is data (tests/test_hooks.py pins it), a
receiver that raises propagates to the sender (inside the sender's transaction, so nothing
is half done), and send() hands back each receiver's result in order.
"""

from collections.abc import Callable
from typing import Any


class Hook:
    """A named point a lower layer sends; receivers run by ascending order."""

    def __init__(self, name: str, doc: str):
        self.name = name
        self.__doc__ = doc
        self._receivers: dict[str, tuple[int, Callable[..., Any]]] = {}

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {', '.join(self.receiver_names()) or 'no receivers'}>"

    def connect(self, receiver: Callable[..., Any], *, order: int) -> None:
        """Run receiver at this order. Idempotent by receiver (AppConfig.ready() can run
        twice in tests); the same receiver at another order, or two at one order, is a
        wiring mistake and raises."""
        key = _name(receiver)
        if key in self._receivers and self._receivers[key][0] != order:
            raise ValueError(
                f"{key} is already connected to {self.name} at order {self._receivers[key][0]}."
            )
        taken = {o: k for k, (o, _) in self._receivers.items() if k != key}
        if order in taken:
            raise ValueError(f"{self.name} already runs {taken[order]} at order {order}.")
        self._receivers[key] = (order, receiver)

    def receivers(self) -> list[tuple[int, Callable[..., Any]]]:
        return sorted(self._receivers.values(), key=lambda item: item[0])

    def receiver_names(self) -> list[str]:
        return [_name(receiver) for _, receiver in self.receivers()]

    def send(self, **kwargs) -> list[Any]:
        """Call every receiver with these keyword arguments, in order; their results."""
        return [receiver(**kwargs) for _, receiver in self.receivers()]


def _name(receiver: Callable[..., Any]) -> str:
    return f"{receiver.__module__}.{receiver.__qualname__}"


calendar_changed = Hook(
    "calendar_changed",
    "A bank-holiday change was saved or removed (dvpo.calendar). Sent with actor= and "
    "calendar= (the calendar now in force); each receiver returns how many cases' deadlines "
    "it moved. The court recompute reads the hearing deadlines the cases recompute has just "
    "moved, so cases runs before courts.",
)

case_reported_at_changed = Hook(
    "case_reported_at_changed",
    "A case's report time changed (cases.services.case_update). Sent with actor= and case= "
    "(the saved case).",
)

order_changed = Hook(
    "order_changed",
    "A DVPO was made, varied or discharged (courts.services.orders). Sent with actor= and "
    "case= (the order's case).",
)
