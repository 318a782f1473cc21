from datetime import date

from roadmap import indicators
from roadmap.actions import record_measurement
from roadmap.models import Indicator

SNAPSHOT_SOURCE = "Relevé automatique"


def take_snapshots(*, on: date) -> int:
    """Record today's value of every computed indicator; a second run the same day replaces the first."""
    taken = 0
    for indicator in Indicator.objects.exclude(computed=""):
        if indicator.computed not in indicators.REGISTRY:
            continue
        value = indicators.compute(indicator.computed, indicator.parameters, on)
        if value is None:
            continue
        record_measurement(indicator, value=value, on=on, source=SNAPSHOT_SOURCE, by=None, is_snapshot=True)
        taken += 1
    return taken
