"""The fair draw (抽签或轮流): who of the register is invited to a hearing, with equal chances for every level.

A pure function of its inputs and a ``random.Random``, so the same seed gives the same draw. The count is split
evenly among the chosen levels; within a level, deputies never invited come first, then the rest are drawn at
random weighted by how long ago they were last invited (a rotation that still leaves it to chance).
"""
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from portal.documents.gbt9704 import format_date
from portal.register.models import DeputyKind, DeputyLevel


@dataclass(frozen=True)
class Candidate:
    """One mandate in office of a person who may be drawn."""

    deputy_id: int
    name: str
    level: DeputyLevel
    kind: DeputyKind
    last_invited: date | None  # the last day they were invited to any hearing


@dataclass(frozen=True)
class Drawn:
    candidate: Candidate
    reason: str  # 市级 · 上次受邀 2024年3月1日 / 市级 · 从未受邀


@dataclass
class DrawResult:
    drawn: list[Drawn]
    quotas: dict[DeputyLevel, int] = field(default_factory=dict)  # how many each level was given
    wanted: int = 0

    @property
    def shortfall(self) -> int:
        return self.wanted - len(self.drawn)


def reason_for(candidate: Candidate) -> str:
    last = f"上次受邀 {format_date(candidate.last_invited)}" if candidate.last_invited else "从未受邀"
    return f"{candidate.level.label} · {last}"


def split_quota(count: int, available: dict[DeputyLevel, int], rng: random.Random) -> dict[DeputyLevel, int]:
    """Share ``count`` places evenly among the levels; a level with too few people passes its places on.

    The places left over from an uneven split go to levels chosen at random, so no level is favoured.
    """
    quotas = {level: 0 for level in available}
    remaining = min(count, sum(available.values()))
    open_levels = [level for level in available if available[level] > 0]
    while remaining > 0 and open_levels:
        share, extra = divmod(remaining, len(open_levels))
        lucky = set(rng.sample(open_levels, extra)) if extra else set()
        for level in open_levels:
            give = min(share + (1 if level in lucky else 0), available[level] - quotas[level])
            quotas[level] += give
            remaining -= give
        open_levels = [level for level in open_levels if quotas[level] < available[level]]
    return quotas


def _pick(pool: list[Candidate], k: int, rng: random.Random, today: date) -> list[Candidate]:
    never = [c for c in pool if c.last_invited is None]
    if len(never) >= k:
        return rng.sample(never, k)
    rng.shuffle(never)
    invited = [c for c in pool if c.last_invited is not None]
    # Weighted sampling without replacement (Efraimidis–Spirakis): key u^(1/w), largest keys win; the weight
    # is the days since the last invitation, so those invited longest ago are the likeliest.
    keyed = sorted(invited, key=lambda c: rng.random() ** (1.0 / max(1, (today - c.last_invited).days + 1)),
                   reverse=True)
    return never + keyed[: k - len(never)]


def draw(candidates: Sequence[Candidate], count: int, *, levels: Sequence[DeputyLevel] = (),
         kinds: Sequence[DeputyKind] = (), rng: random.Random, today: date) -> DrawResult:
    """Draw ``count`` deputies from ``candidates`` (already without retired deputies and those invited).

    ``levels`` and ``kinds`` narrow the pool (empty: all); the count is split evenly among the chosen levels
    (or every level present when none is chosen). The result lists the drawn by level order, then name.
    """
    seats = [c for c in sorted(candidates, key=lambda c: (c.deputy_id, c.level.rank, c.kind))
             if (not levels or c.level in levels) and (not kinds or c.kind in kinds)]
    # A candidate is a mandate in office: someone who is, say, a provincial and a city deputy stands in the
    # draw once, for one of their levels chosen at random, and is never invited twice.
    by_person: dict[int, list[Candidate]] = {}
    for c in seats:
        by_person.setdefault(c.deputy_id, []).append(c)
    pool = [options[0] if len(options) == 1 else rng.choice(options) for options in by_person.values()]
    chosen_levels = [level for level in DeputyLevel if (level in levels if levels else any(c.level == level
                                                                                            for c in pool))]
    by_level = {level: [c for c in pool if c.level == level] for level in chosen_levels}
    quotas = split_quota(max(0, count), {level: len(members) for level, members in by_level.items()}, rng)
    drawn = []
    for level in chosen_levels:
        drawn += _pick(by_level[level], quotas[level], rng, today)
    drawn.sort(key=lambda c: (c.level.rank, c.last_invited or date.min, c.name))
    return DrawResult(drawn=[Drawn(c, reason_for(c)) for c in drawn], quotas=quotas, wanted=max(0, count))
