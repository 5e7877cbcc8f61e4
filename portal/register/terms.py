"""A new term (换届): the register of a congress's (or CPPCC committee's) new term imported in one step.

The file is an ordinary register import (the same template and checks, see ``excel.parse_import``) whose rows
are the seats of the new term. Every kind and level in it is renewed: its mandates in office of an earlier term
end (离任, on the day the new term began) and the file's rows open the new term's mandates, for the people the
mobiles name (re-elected deputies keep their records) or for new people. Nothing is deleted, so every person
keeps the history of their earlier terms. ``plan_new_term`` only reads; ``apply_new_term`` writes.
"""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, or_, select

from portal import clock
from portal.extensions import db
from portal.register.excel import ImportResult, RowError, parse_import
from portal.register.models import DeputyKind, DeputyLevel, DeputyStatus, Mandate
from portal.register.services import import_deputies, mobile_owners


@dataclass
class NewTermPlan:
    result: ImportResult  # the new term's rows, read like any import
    began_on: date  # the day the old term's mandates end
    terms: dict[tuple[DeputyKind, DeputyLevel], str] = field(default_factory=dict)  # renewed -> new term
    closing: list[Mandate] = field(default_factory=list)  # in office, of a renewed body, of an earlier term
    new_people: int = 0
    returning: int = 0  # people already on the register who get a seat of the new term

    @property
    def errors(self) -> list[RowError]:
        return self.result.errors

    @property
    def renewed(self) -> list[str]:
        """第十七届市级人大代表, for each body renewed."""
        return [f"{term}{level.label}{kind.label}" for (kind, level), term in
                sorted(self.terms.items(), key=lambda item: (item[0][0] != DeputyKind.NPC, item[0][1].rank))]


def plan_new_term(data: bytes, began_on: date | None) -> NewTermPlan:
    """Check the file and work out what the new term changes, without writing anything."""
    result = parse_import(data)
    plan = NewTermPlan(result=result, began_on=began_on or clock.today())
    if began_on is None:
        result.errors.insert(0, RowError(0, "", "请填写换届日期（新一届任期开始、上一届任职结束的日期）。"))
    elif began_on > clock.today():
        result.errors.insert(0, RowError(0, "", "换届日期不能晚于今天：请在新一届任期开始后再导入。"))
    terms: dict[tuple, set[str]] = {}
    for values in result.rows:
        terms.setdefault((values["kind"], values["level"]), set()).add(values["term"])
    for (kind, level), found in sorted(terms.items(), key=lambda item: (item[0][0], item[0][1].rank)):
        if len(found) > 1:
            result.errors.append(RowError(0, "届次", f"{level.label}{kind.label}只能换为一个届次，文件中有："
                                                     f"{'、'.join(sorted(found))}。请分开导入或更正届次。"))
    if result.errors:
        return plan
    plan.terms = {key: found.pop() for key, found in terms.items()}
    plan.closing = list(db.session.scalars(
        select(Mandate).where(Mandate.status == DeputyStatus.ACTIVE, or_(*[
            and_(Mandate.kind == kind, Mandate.level == level, Mandate.term != term)
            for (kind, level), term in plan.terms.items()]))
        .order_by(Mandate.id)))
    owners = mobile_owners({values["mobile"] for values in result.rows})
    plan.returning = len({owners[v["mobile"]].id for v in result.rows if v["mobile"] in owners})
    plan.new_people = len({v["mobile"] for v in result.rows if v["mobile"] not in owners})
    return plan


def apply_new_term(plan: NewTermPlan) -> tuple[int, int]:
    """Open the new term's mandates and end the earlier term's; returns (opened, ended)."""
    for mandate in plan.closing:  # flushed once, with the new mandates
        mandate.status, mandate.left_on = DeputyStatus.RETIRED, plan.began_on
        mandate.deputy.refresh_keys()
    opened = import_deputies(plan.result.rows)
    return opened, len(plan.closing)
