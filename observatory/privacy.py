"""The small-count rule: on anything partners or the public see, a count of 1 to 4 requests shows as "< 5".

A count of nobody (0) is shown: it says nothing about a person. Where a table's counts add up to a total that
is shown too (a partition: outcomes, audiences, months), hiding one small cell is not enough, since the total
minus the others gives it back; the smallest other non-zero cell is then hidden as well.
"""

from collections.abc import Sequence

SMALL_COUNT = 5
HIDDEN = "< 5"
# A cell hidden only so that a small one cannot be found back from the total.
MASKED = "masqué"

Shown = int | str


def is_small(count: int) -> bool:
    return 0 < count < SMALL_COUNT


def show(count: int, *, exact: bool) -> Shown:
    """The count, or "< 5" when it is small and the reader must not see it exactly."""
    return count if exact or not is_small(count) else HIDDEN


def show_partition(counts: Sequence[int], *, exact: bool) -> list[Shown]:
    """Counts of a partition whose total is shown: small ones hidden, and one more when a single one is."""
    if exact:
        return list(counts)
    hidden = {index for index, count in enumerate(counts) if is_small(count)}
    if len(hidden) == 1:
        others = [(count, index) for index, count in enumerate(counts) if count > 0 and index not in hidden]
        if others:
            hidden.add(min(others)[1])
    return [(HIDDEN if is_small(count) else MASKED) if index in hidden else count for index, count in enumerate(counts)]


def share(part: int, total: int, *, exact: bool) -> float | None:
    """A percentage, left out (None) when either count is small and must not be seen."""
    if total == 0 or (not exact and (is_small(part) or is_small(total))):
        return None
    return round(100 * part / total, 1)
