"""Risk instruments as data: load a JSON file into RiskInstrument and RiskQuestion rows."""

import json
from pathlib import Path

from django.db import transaction

from cases.models import RiskInstrument, RiskQuestion

DEFAULT = Path(__file__).parent / "dash-topics.json"


class InstrumentFileError(ValueError):
    pass


def read_instrument(path: Path) -> dict:
    try:
        data = json.loads(Path(path).read_text())
        questions = [(int(number), str(text).strip()) for number, text in data["questions"]]
        spec = {
            "code": data["code"],
            "name": data["name"],
            "threshold": int(data.get("high_risk_yes_threshold", 14)),
            "questions": questions,
        }
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise InstrumentFileError(f"{path}: not a valid instrument file ({error}).") from error
    numbers = [n for n, _ in questions]
    if not questions or len(set(numbers)) != len(numbers) or any(not t for _, t in questions):
        raise InstrumentFileError(f"{path}: questions need unique numbers and some text.")
    return spec


@transaction.atomic
def instrument_load(path: Path = DEFAULT) -> tuple[RiskInstrument, bool]:
    """Create or update an instrument from a file; returns (instrument, changed)."""
    spec = read_instrument(path)
    instrument, created = RiskInstrument.objects.get_or_create(
        code=spec["code"],
        defaults={"name": spec["name"], "high_risk_yes_threshold": spec["threshold"]},
    )
    changed = created
    if (instrument.name, instrument.high_risk_yes_threshold) != (spec["name"], spec["threshold"]):
        instrument.name, instrument.high_risk_yes_threshold = spec["name"], spec["threshold"]
        instrument.save()
        changed = True
    current = dict(instrument.questions.values_list("number", "text"))
    wanted = dict(spec["questions"])
    if current != wanted:
        instrument.questions.exclude(number__in=wanted).delete()
        for number, text in wanted.items():
            RiskQuestion.objects.update_or_create(
                instrument=instrument, number=number, defaults={"text": text}
            )
        changed = True
    return instrument, changed
