"""Queries and writes for liaison activities. Services flush and raise ServiceError; the request commits.

The form checks what was typed (dates, lengths, the kind); ``check_people`` and the writes here check what the
records allow: a court the user sees, staff of that court, deputies that are in the register, an opinion's
deputy among the activity's deputies.
"""
import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, exists, false, func, or_, select
from sqlalchemy.orm import selectinload

from portal import clock, events, params, periods
from portal.access import current_user_id
from portal.activities.models import Activity, ActivityDeputy, ActivityKind, ActivityOpinion, ActivityStaff
from portal.attachments import files_of
from portal.auth.models import Court, Role, User
from portal.errors import NotFound, ServiceError
from portal.extensions import db
from portal.items.models import Item, ItemKind, ItemOrigin
from portal.items.services import create_item, deputy_kinds
from portal.models import like_pattern
from portal.pagination import Page, paginate
from portal.register.models import Deputy
from portal.register.services import deputies_by_ids, search_condition
from portal.trash import services as trash

OWNER_TYPE = "activity"  # attachments (photos, minutes, scans) of an activity
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")
STAFF_CHOICE_ROLES = (Role.LEADER, Role.LIAISON, Role.HANDLER)
NAME_SEPARATORS = re.compile(r"[、,，;；/\s]+")
OTHERS_LIMIT = 200
OPINION_LIMIT = 5000


# --- the list ----------------------------------------------------------------------------------------------------

@dataclass
class ActivityFilters:
    period: periods.Period = field(default_factory=lambda: periods.parse("", ""))  # from_args: the session's
    kind: str = ""
    deputy: str = ""  # a deputy's id
    q: str = ""

    @classmethod
    def from_args(cls, args) -> "ActivityFilters":
        """The filters of a request; the period is the session's (see ``portal.periods``): at first the year."""
        kind = params.parse_choice(args.get("kind"), ActivityKind)
        deputy = params.parse_id(args.get("deputy"))
        return cls(period=periods.from_request(args), kind=kind.value if kind else "",
                   deputy=str(deputy) if deputy else "", q=params.clean_query(args.get("q"), 60))

    def as_args(self, **overrides) -> dict:
        """Query arguments that give these filters back; the period is always there, even when empty."""
        values = {**self.period.as_args(), "kind": self.kind, "deputy": self.deputy, "q": self.q, **overrides}
        return {k: v for k, v in values.items() if v or k in ("from", "to")}


def _conditions(filters: ActivityFilters, court_ids: list[int]) -> list:
    conditions = [Activity.court_id.in_(court_ids)]
    period = filters.period
    if period.problem:
        conditions.append(false())  # the list shows the period's problem instead of rows
    if period.start:
        conditions.append(Activity.held_on >= period.start)
    if period.end:
        conditions.append(Activity.held_on <= period.end)
    if filters.kind:
        conditions.append(Activity.kind == ActivityKind(filters.kind))
    if filters.deputy:
        conditions.append(exists().where(ActivityDeputy.activity_id == Activity.id,
                                         ActivityDeputy.deputy_id == int(filters.deputy)))
    if filters.q:
        conditions.append(_search(filters.q))
    return conditions


def _search(q: str):
    """Activities with a deputy matching ``q`` (name, pinyin, initials…) or whose text contains it."""
    pattern = like_pattern(q)
    by_text = or_(*(column.ilike(pattern, escape="\\") for column in
                    (Activity.title, Activity.place, Activity.content, Activity.other_participants)))
    by_deputy = search_condition(q)
    if by_deputy is None:
        return by_text
    return or_(by_text, exists().where(ActivityDeputy.activity_id == Activity.id,
                                       ActivityDeputy.deputy_id == Deputy.id, by_deputy))


def _list_options():
    return (selectinload(Activity.deputies), selectinload(Activity.staff), selectinload(Activity.court),
            selectinload(Activity.deputy_links), selectinload(Activity.opinions))


def filtered_query(filters: ActivityFilters, court_ids: list[int]) -> Select:
    return select(Activity).where(*_conditions(filters, court_ids))


def list_activities(filters: ActivityFilters, court_ids: list[int], *, cursor: str | None, per_page: int,
                    total: int | None, number: int) -> Page:
    """One page of the list, latest date first."""
    query = filtered_query(filters, court_ids).options(*_list_options())
    return paginate(query, [Activity.held_on, Activity.id], cursor=cursor, per_page=per_page, descending=True,
                    total=total, number=number)


def all_filtered(filters: ActivityFilters, court_ids: list[int]) -> list[Activity]:
    """Every activity matching ``filters``, oldest first, for the period's register and spreadsheet."""
    query = filtered_query(filters, court_ids).options(
        *_list_options(), selectinload(Activity.opinions).selectinload(ActivityOpinion.item))
    return list(db.session.scalars(query.order_by(Activity.held_on, Activity.id)))


@dataclass
class PeriodCounts:
    activities: int
    persons: int  # 人次 of deputies and other participants
    opinions: int
    items: int  # opinions that became tracked items


def period_counts(filters: ActivityFilters, court_ids: list[int]) -> PeriodCounts:
    """Activities, 人次, opinions and their items of the filtered list, in one SQL statement."""
    conditions = _conditions(filters, court_ids)
    chosen = select(Activity.id).where(*conditions).correlate(None)

    def count(model, *where):
        return select(func.count()).select_from(model).where(model.activity_id.in_(chosen), *where).scalar_subquery()

    activities, others, deputies, opinions, items = db.session.execute(
        select(func.count(Activity.id), func.coalesce(func.sum(Activity.other_count), 0), count(ActivityDeputy),
               count(ActivityOpinion), count(ActivityOpinion, ActivityOpinion.item_id.is_not(None)))
        .where(*conditions)).one()
    return PeriodCounts(activities=activities, persons=int(others) + deputies, opinions=opinions, items=items)


def courts_of(court_ids: list[int]) -> list[Court]:
    return list(db.session.scalars(select(Court).where(Court.id.in_(court_ids)).order_by(Court.code, Court.id)))


# --- one activity ------------------------------------------------------------------------------------------------

def load_activity(activity_id: int, court_ids: list[int]) -> Activity | None:
    """The activity if it belongs to one of ``court_ids`` (what the user sees), else None."""
    query = select(Activity).where(Activity.id == activity_id, Activity.court_id.in_(court_ids)).options(
        *_list_options(), selectinload(Activity.staff_links), selectinload(Activity.created_by))
    return db.session.scalar(query)


@dataclass
class Files:
    photos: list = field(default_factory=list)
    others: list = field(default_factory=list)


def files_of_activity(activity: Activity) -> Files:
    """The activity's attachments, photos (shown as pictures) apart from the other files."""
    found = Files()
    for attachment in files_of(OWNER_TYPE, [activity.id])[activity.id]:
        is_photo = attachment.original_name.lower().endswith(PHOTO_SUFFIXES)
        (found.photos if is_photo else found.others).append(attachment)
    return found


# --- choices -------------------------------------------------------------------------------------------------------

def staff_choices(court_id: int | None) -> list[User]:
    """Who may be recorded as taking part for the court: its active leaders, liaison staff and handlers."""
    if court_id is None:
        return []
    query = (select(User).where(User.court_id == court_id, User.active.is_(True),
                                User.role.in_(STAFF_CHOICE_ROLES)))
    order = {role: n for n, role in enumerate(STAFF_CHOICE_ROLES)}
    return sorted(db.session.scalars(query), key=lambda u: (order[u.role], u.id))


def split_names(text: str) -> list[str]:
    return [n for n in NAME_SEPARATORS.split(text or "") if n]


# --- writes ----------------------------------------------------------------------------------------------------------

@dataclass
class People:
    court_id: int
    deputies: list[Deputy]
    staff: list[User]
    other_participants: str
    other_count: int


def check_people(court_id: int | None, deputy_ids: list[int], staff_ids: list[int], others: str,
                 court_ids: list[int]) -> People:
    """The court and the people of an activity as the records allow them; ServiceError with the fields' errors."""
    errors: dict[str, str] = {}
    if court_id not in court_ids:
        errors["court_id"] = "请选择组织活动的法院。"
    names = split_names(others)
    joined = "、".join(names)
    if len(joined) > OTHERS_LIMIT:
        errors["other_participants"] = f"不能超过 {OTHERS_LIMIT} 个字。"
    deputies = deputies_by_ids(deputy_ids)
    if len(deputies) != len(deputy_ids):
        errors["deputy_ids"] = "有参加活动的代表委员在名册中找不到，请重新选择。"
    elif not deputies and not names:
        errors["deputy_ids"] = "请至少选择一名参加活动的代表委员（或在“其他参加人员”中填写姓名）。"
    allowed = {u.id: u for u in staff_choices(court_id)} if "court_id" not in errors else {}
    staff = [allowed[i] for i in staff_ids if i in allowed]
    if len(staff) != len(staff_ids) and "court_id" not in errors:
        errors["staff_ids"] = "院方参加人员应为组织法院的在职人员。"
    if errors:
        raise ServiceError("表单有误，请查看标红的字段。", errors)
    return People(court_id=court_id, deputies=deputies, staff=staff, other_participants=joined,
                  other_count=len(names))


FIELDS = ("held_on", "kind", "title", "place", "content")


def _set_people(activity: Activity, people: People) -> None:
    """Make the activity's court, deputies and staff these; links removed or added are audited rows."""
    activity.court_id = people.court_id
    activity.other_participants, activity.other_count = people.other_participants, people.other_count
    wanted = {d.id for d in people.deputies}
    for link in [link for link in activity.deputy_links if link.deputy_id not in wanted]:
        activity.deputy_links.remove(link)
        db.session.delete(link)  # explicitly, so the audit trail sees it (orphans are found only during the flush)
    present = {link.deputy_id for link in activity.deputy_links}
    activity.deputy_links.extend(ActivityDeputy(deputy=d) for d in people.deputies if d.id not in present)
    wanted = {u.id for u in people.staff}
    for link in [link for link in activity.staff_links if link.user_id not in wanted]:
        activity.staff_links.remove(link)
        db.session.delete(link)
    present = {link.user_id for link in activity.staff_links}
    activity.staff_links.extend(ActivityStaff(user=u) for u in people.staff if u.id not in present)


def create_activity(values: dict, people: People) -> Activity:
    """Record an activity (``values``: the checked FIELDS) and announce it."""
    activity = Activity(**{k: values[k] for k in FIELDS}, court_id=people.court_id, created_by_id=current_user_id())
    db.session.add(activity)
    _set_people(activity, people)
    db.session.flush()
    events.announce("activity.recorded", activity, kind=activity.kind.value, held_on=activity.held_on.isoformat())
    db.session.expire(activity, ["deputies", "staff"])
    return activity


def update_activity(activity: Activity, values: dict, people: People) -> Activity:
    """Change an activity; a deputy who gave an opinion stays among its deputies."""
    kept = {d.id for d in people.deputies}
    speakers = [o.deputy.name for o in activity.opinions if o.deputy_id not in kept]
    if speakers:
        raise ServiceError("表单有误，请查看标红的字段。", {
            "deputy_ids": f"{'、'.join(dict.fromkeys(speakers))}在本次活动中提出了意见建议，不能从参加人员中移除。"})
    for key in FIELDS:
        setattr(activity, key, values[key])
    _set_people(activity, people)
    db.session.flush()
    db.session.expire(activity, ["deputies", "staff"])
    return activity


def delete_activity(activity: Activity) -> None:
    """Delete an activity with its links, opinions and files; not once an opinion became a tracked item."""
    if any(o.item_id for o in activity.opinions):
        raise ServiceError("本次活动的意见建议已转为跟踪事项，不能删除；如有误请修改活动记录。", status=409)
    trash.discard(activity, kind="activity", label=trash_label(activity), court_id=activity.court_id,
                  children=files_of(OWNER_TYPE, [activity.id])[activity.id])


def trash_label(activity: Activity) -> str:
    """What the bin calls an activity: 2026-03-01 联络活动：座谈会."""
    return f"{activity.held_on.isoformat()} 联络活动：{activity.title}"


def _activity_page(activity_id: int) -> tuple[str, dict]:
    return "activities.detail", {"activity_id": activity_id}


def _opinion_check(rows: list[dict]) -> None:
    """An opinion comes back only while its deputy is still among the activity's deputies."""
    values = rows[0]["values"]
    if not db.session.get(ActivityDeputy, (values["activity_id"], values["deputy_id"])) and \
            db.session.get(Activity, values["activity_id"]) is not None:
        raise ServiceError("无法恢复：提出意见的代表委员已不在本次活动的参加人员中。", status=409)


trash.register("activity", "联络活动", link=lambda values: _activity_page(values["id"]))
trash.register("activity_opinion", "联络活动意见建议", check=_opinion_check,
               link=lambda values: _activity_page(values["activity_id"]))
trash.owner_page(OWNER_TYPE, _activity_page)


# --- opinions ------------------------------------------------------------------------------------------------------

def add_opinion(activity: Activity, deputy_id: int | None, text: str) -> ActivityOpinion:
    """Record an opinion a deputy of the activity gave (the only deputy's, when none is chosen)."""
    errors = {}
    present = [link.deputy_id for link in activity.deputy_links]
    if deputy_id is None and len(present) == 1:
        deputy_id = present[0]
    if deputy_id not in present:
        errors["deputy_id"] = "请选择提出意见的代表委员（应为参加本次活动的代表委员）。"
    text = params.clean_text(text or "", multiline=True).strip()
    if not text:
        errors["text"] = "请填写意见建议的内容。"
    elif len(text) > OPINION_LIMIT:
        errors["text"] = f"不能超过 {OPINION_LIMIT} 个字。"
    if errors:
        raise ServiceError("意见建议未保存，请查看标红的字段。", errors)
    opinion = ActivityOpinion(activity_id=activity.id, deputy_id=deputy_id, text=text,
                              recorded_by_id=current_user_id())
    db.session.add(opinion)
    db.session.flush()
    db.session.expire(activity, ["opinions"])
    return opinion


def find_opinion(activity: Activity, opinion_id: int) -> ActivityOpinion:
    opinion = next((o for o in activity.opinions if o.id == opinion_id), None)
    if opinion is None:
        raise NotFound()
    return opinion


def delete_opinion(activity: Activity, opinion: ActivityOpinion) -> None:
    if opinion.item_id:
        raise ServiceError("该意见建议已转为跟踪事项，不能删除。", status=409)
    trash.discard(opinion, kind="activity_opinion", court_id=activity.court_id,
                  label=f"{trash_label(activity)} 的意见建议：{opinion.deputy.name}")
    db.session.expire(activity, ["opinions"])


def opinion_to_item(activity: Activity, opinion: ActivityOpinion) -> tuple[Item, bool]:
    """The tracked item of this opinion, registered now unless it already was; True when new.

    One click: a congress deputy's opinion becomes a 建议, a CPPCC member's a 提案 (what they may submit), dated
    the day of the activity (today, for one still ahead).
    """
    if opinion.item is not None:
        return opinion.item, False
    kinds = deputy_kinds(opinion.deputy)
    kind = next((k for k in kinds if k in (ItemKind.SUGGESTION, ItemKind.PROPOSAL)), ItemKind.SUGGESTION)
    item = create_item(court_id=activity.court_id, kind=kind,
                       title=f"{activity.kind.label}意见建议：{activity.title}"[:200], content=opinion.text,
                       deputies=[opinion.deputy], origin=ItemOrigin.ACTIVITY, origin_id=activity.id,
                       received_on=min(activity.held_on, clock.today()))
    opinion.item = item
    db.session.flush()
    return item, True


# --- the deputy's part -----------------------------------------------------------------------------------------------

def _year_conditions(deputy_id: int, year: int | None) -> list:
    conditions = [ActivityDeputy.deputy_id == deputy_id]
    if year:
        conditions += [Activity.held_on >= date(year, 1, 1), Activity.held_on <= date(year, 12, 31)]
    return conditions


def activities_of_deputy(deputy_id: int, year: int | None, *, limit: int = 5) -> list[Activity]:
    """The latest activities a deputy took part in (in ``year``, when given)."""
    query = (select(Activity).join(ActivityDeputy, ActivityDeputy.activity_id == Activity.id)
             .where(*_year_conditions(deputy_id, year)).options(selectinload(Activity.court))
             .order_by(Activity.held_on.desc(), Activity.id.desc()).limit(limit))
    return list(db.session.scalars(query))


def deputy_year_counts(deputy_id: int, year: int | None) -> tuple[int, int]:
    """How many activities a deputy took part in (in ``year``) and how many opinions they gave at them."""
    chosen = (select(Activity.id).join(ActivityDeputy, ActivityDeputy.activity_id == Activity.id)
              .where(*_year_conditions(deputy_id, year)).correlate(None))
    opinions = (select(func.count()).select_from(ActivityOpinion)
                .where(ActivityOpinion.activity_id.in_(chosen), ActivityOpinion.deputy_id == deputy_id)
                .scalar_subquery())
    taken, given = db.session.execute(
        select(func.count(Activity.id), opinions).join(ActivityDeputy, ActivityDeputy.activity_id == Activity.id)
        .where(*_year_conditions(deputy_id, year))).one()
    return taken, given
