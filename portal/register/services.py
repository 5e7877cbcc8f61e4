"""Queries and writes for the deputy register, and its public lookups for other areas (``search_condition``,
``pick_deputies``, ``deputies_by_ids``)."""
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import Select, and_, case, distinct, exists, func, or_, select, text
from sqlalchemy.orm import contains_eager, selectinload

from portal import clock, params
from portal.auth.models import User
from portal.documents import STREAM_ROWS
from portal.extensions import db
from portal.models import like_pattern
from portal.pagination import Page, paginate
from portal.register.models import (
    COURT_ROLES,
    Deputy,
    DeputyKind,
    DeputyLevel,
    DeputyStatus,
    Gender,
    Mandate,
    Pairing,
)

MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")
# Full-width letters, digits, "+" and "-" (typed with a Chinese input method) and the ideographic space, to ASCII.
# Other full-width forms such as "（" stay: the register stores them as typed.
HALF_WIDTH = {0xFF10 + i: 0x30 + i for i in range(10)} | {0xFF21 + i: 0x41 + i for i in range(26)} | \
    {0xFF41 + i: 0x61 + i for i in range(26)} | {0xFF0B: ord("+"), 0xFF0D: ord("-"), 0x3000: ord(" ")}
PHONE_NOISE = re.compile(r"[\s\-\u2010-\u2015\u2212]+")  # spaces and every dash people type in numbers
PHONE_LIKE = re.compile(r"\+?[\d\s\-\u2010-\u2015\u2212]*\d[\d\s\-\u2010-\u2015\u2212]*")
CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# The fields of a person and of a mandate, in form and spreadsheet order.
PERSON_FIELDS = ("name", "gender", "work_unit", "post", "mobile", "email", "address", "court_roles",
                 "note")
MANDATE_FIELDS = ("kind", "level", "term", "group_name", "constituency")
EDITABLE_FIELDS = ("name", "gender", *MANDATE_FIELDS, "work_unit", "post", "mobile", "email", "address",
                   "court_roles", "note")

SORTS = {
    "name": ("姓名拼音", lambda: [Deputy.name_pinyin, Deputy.id], False),
    "level": ("层级", lambda: [Deputy.level_rank, Deputy.name_pinyin, Deputy.id], False),
    "updated": ("最近更新", lambda: [Deputy.updated_at, Deputy.id], True),
}


@dataclass
class RegisterFilters:
    q: str = ""
    kind: str = ""
    level: str = ""
    term: str = ""
    group: str = ""
    status: str = DeputyStatus.ACTIVE.value
    sort: str = "name"

    @classmethod
    def from_args(cls, args) -> "RegisterFilters":
        filters = cls(**{k: params.clean_query(args.get(k), 60) for k in
                         ("q", "kind", "level", "term", "group", "sort")}, status=args.get("status", "active"))
        if filters.sort not in SORTS:
            filters.sort = "name"
        if filters.status not in ("", *DeputyStatus):
            filters.status = "active"
        return filters

    def as_args(self, **overrides) -> dict:
        values = {**self.__dict__, **overrides}
        return {k: v for k, v in values.items() if v}

    def summary(self) -> str:
        """The active filters in words, for document subtitles."""
        parts = []
        if self.kind in DeputyKind.__members__.values():
            parts.append(DeputyKind(self.kind).label)
        if self.level in DeputyLevel.__members__.values():
            parts.append(DeputyLevel(self.level).label)
        parts += [p for p in (self.term, self.group) if p]
        if self.status in DeputyStatus.__members__.values():
            parts.append(DeputyStatus(self.status).label)
        if self.q:
            parts.append(f"含“{self.q}”")
        return " · ".join(parts)


def half_width(value: str) -> str:
    return value.translate(HALF_WIDTH)


def normalise_mobile(value: str) -> str:
    """A mobile number as stored: half-width digits without spaces or dashes, and without the +86/0086/86
    country code in front of an 11-digit number."""
    number = PHONE_NOISE.sub("", half_width(value or "").strip())
    for prefix in ("+86", "0086", "86"):
        if number.startswith(prefix) and len(number) - len(prefix) == 11:
            return number[len(prefix):]
    return number.removeprefix("+86")


def normalise_query(q: str) -> str:
    """What a search box holds, as the register stores it: a phone number normalised like an entered one, and
    no spaces between Chinese characters (names and units are written without them: "张 芳" is 张芳)."""
    q = half_width(q or "").strip()
    if PHONE_LIKE.fullmatch(q):
        return normalise_mobile(q)
    return CJK_GAP.sub("", q)


def search_condition(q: str):
    """A WHERE clause finding deputies by name, pinyin or initials, work unit or phone.

    Latin letters search the pinyin keys by prefix (``zs``, ``zhang``, ``zhangsan``), an index range scan.
    Three characters or more go through the full-text index (SQLite FTS5 trigram; on PostgreSQL, ILIKE served
    by pg_trgm indexes). One or two Chinese characters cannot be trigram-matched, so they fall back to LIKE.
    """
    q = normalise_query(q)
    if not q:
        return None
    lowered = q.lower().replace(" ", "")
    if re.fullmatch(r"[a-z]+", lowered):
        if db.engine.dialect.name == "sqlite":  # SQLite's LIKE is case-insensitive and skips the index
            upper = lowered + "\x7f"
            return or_(and_(Deputy.name_pinyin >= lowered, Deputy.name_pinyin < upper),
                       and_(Deputy.name_initials >= lowered, Deputy.name_initials < upper))
        return or_(Deputy.name_pinyin.startswith(lowered), Deputy.name_initials.startswith(lowered))
    if len(q) >= 3 and db.engine.dialect.name == "sqlite":
        phrase = '"' + q.replace('"', '""') + '"'
        matches = text("SELECT rowid FROM deputy_fts WHERE deputy_fts MATCH :phrase").bindparams(phrase=phrase)
        return Deputy.id.in_(matches.columns(rowid=db.Integer))
    pattern = like_pattern(q)
    return or_(Deputy.name.ilike(pattern, escape="\\"), Deputy.work_unit.ilike(pattern, escape="\\"),
               Deputy.mobile.like(pattern, escape="\\"))


def pick_deputies(q: str, exclude_ids: list[int], limit: int = 8) -> list[Deputy]:
    """People in office matching what was typed, for the deputy picker of other areas' forms; those already
    picked are left out."""
    condition = search_condition(q)
    if condition is None:
        return []
    query = select(Deputy).where(condition, Deputy.in_office())
    if exclude_ids:
        query = query.where(Deputy.id.not_in(exclude_ids))
    return list(db.session.scalars(query.order_by(Deputy.name_pinyin, Deputy.id).limit(limit)))


def deputies_by_ids(ids: list[int]) -> list[Deputy]:
    """The register entries with these ids, in the order given; ids not in the register are left out."""
    if not ids:
        return []
    found = {d.id: d for d in db.session.scalars(select(Deputy).where(Deputy.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def mandate_conditions(filters: RegisterFilters) -> list:
    """The kind, level, term, group and status filters, on one mandate."""
    conditions = []
    if filters.kind in DeputyKind.__members__.values():
        conditions.append(Mandate.kind == DeputyKind(filters.kind))
    if filters.level in DeputyLevel.__members__.values():
        conditions.append(Mandate.level == DeputyLevel(filters.level))
    if filters.term:
        conditions.append(Mandate.term == filters.term)
    if filters.group:
        conditions.append(Mandate.group_name == filters.group)
    if filters.status:
        conditions.append(Mandate.status == DeputyStatus(filters.status))
    return conditions


def filtered_query(filters: RegisterFilters) -> Select:
    """The people found by the search whose mandates include one matching every mandate filter."""
    query = select(Deputy).options(selectinload(Deputy.pairings).selectinload(Pairing.leader))
    condition = search_condition(filters.q)
    if condition is not None:
        query = query.where(condition)
    conditions = mandate_conditions(filters)
    if conditions:
        query = query.where(exists().where(Mandate.deputy_id == Deputy.id, *conditions))
    return query


def list_deputies(filters: RegisterFilters, *, cursor: str | None, per_page: int, total: int | None,
                  number: int) -> Page:
    _, keys, descending = SORTS[filters.sort]
    return paginate(filtered_query(filters), keys(), cursor=cursor, per_page=per_page, descending=descending,
                    total=total, number=number)


def all_filtered(filters: RegisterFilters) -> list[Mandate]:
    """Every mandate matching ``filters`` of the people the search finds, in the chosen order of the people,
    for exports: one row per mandate, as the import reads them back."""
    return list(db.session.scalars(_filtered_query(filters).options(contains_eager(Mandate.deputy))))


def stream_with_leaders(filters: RegisterFilters) -> Iterator[tuple[Mandate, list[str]]]:
    """``all_filtered`` for the workbook, read in batches (``yield_per``), each mandate with the names of the
    leaders its person is paired with today (one query a batch): a streamed export holds one batch at a time."""
    query = _filtered_query(filters).options(contains_eager(Mandate.deputy))
    today = clock.today()
    for batch in db.session.scalars(query.execution_options(yield_per=STREAM_ROWS)).partitions():
        leaders: dict[int, list[str]] = {}
        for deputy_id, name in db.session.execute(
                select(Pairing.deputy_id, User.display_name).join(User, User.id == Pairing.leader_id)
                .where(Pairing.deputy_id.in_({m.deputy_id for m in batch}), Pairing.current(today))
                .order_by(Pairing.deputy_id, Pairing.since, Pairing.id)):
            leaders.setdefault(deputy_id, []).append(name)
        for mandate in batch:
            yield mandate, leaders.get(mandate.deputy_id, [])


def stream_filtered(filters: RegisterFilters) -> Iterator[Mandate]:
    """``all_filtered`` for the Word register (the person, without pairings), read in batches (``yield_per``): a
    streamed export holds one batch at a time."""
    query = _filtered_query(filters).options(contains_eager(Mandate.deputy))  # the query joins the deputy
    return iter(db.session.scalars(query.execution_options(yield_per=STREAM_ROWS)))


def _filtered_query(filters: RegisterFilters) -> Select:
    _, keys, descending = SORTS[filters.sort]
    query = select(Mandate).join(Mandate.deputy).where(*mandate_conditions(filters))
    condition = search_condition(filters.q)
    if condition is not None:
        query = query.where(condition)
    order = [k.desc() if descending else k.asc() for k in keys()]
    level_order = case({level.value: level.rank for level in DeputyLevel}, value=Mandate.level)
    return query.order_by(*order, Mandate.status, level_order, Mandate.id)


def filter_choices() -> dict:
    """The terms and groups present in the register, for the filter menus."""
    terms = db.session.scalars(select(Mandate.term).distinct().order_by(Mandate.term))
    groups = db.session.scalars(select(Mandate.group_name).where(Mandate.group_name != "").distinct()
                                .order_by(Mandate.group_name))
    return {"terms": [(t, t) for t in terms], "groups": [(g, g) for g in groups]}


def register_summary(user: User) -> dict:
    """Counts of people for the home page (``user``'s paired deputies among them), in three aggregate queries."""
    npc, cppcc = db.session.execute(select(
        func.count(distinct(case((Mandate.kind == DeputyKind.NPC, Mandate.deputy_id)))),
        func.count(distinct(case((Mandate.kind == DeputyKind.CPPCC, Mandate.deputy_id)))),
    ).where(Mandate.status == DeputyStatus.ACTIVE)).one()
    retired = db.session.scalar(select(func.count()).select_from(Deputy).where(~Deputy.in_office()))
    paired = db.session.scalar(select(func.count(distinct(Pairing.deputy_id))).where(
        Pairing.leader_id == user.id, Pairing.current(clock.today())))
    return {"npc_active": npc, "cppcc_active": cppcc, "retired": retired, "paired_with_me": paired}


@dataclass
class DeputyInput:
    """Validated values for a deputy, from the form or a spreadsheet row."""

    values: dict = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def validate_deputy(raw: dict, *, exclude_id: int | None = None, mandate: bool = True,
                    mobile_owners: dict[str, tuple[int, str]] | None = None) -> DeputyInput:
    """Check and normalise the fields of a person and (``mandate``) of one of their mandates; errors are keyed by
    field, in Chinese.

    A mobile number belongs to one person: a number already on the register under someone else (other than
    ``exclude_id``) is refused. ``mobile_owners`` ({mobile: (id, name)}, from ``mobile_owners``) lets an import
    check many rows with one query, and leaves the decision to the caller.
    """
    result = DeputyInput()
    values, errors = result.values, result.errors
    text_limits = {"name": 40, "work_unit": 100, "post": 60, "mobile": 20, "email": 120, "address": 200,
                   "note": 2000}
    if mandate:
        text_limits |= {"term": 20, "group_name": 60, "constituency": 60}
    for key, limit in text_limits.items():
        value = params.clean_text(str(raw.get(key) or ""), multiline=key == "note").strip()
        if len(value) > limit:
            errors[key] = f"不能超过 {limit} 个字。"
        values[key] = value
    for key, label in (("name", "姓名"), ("term", "届次"), ("mobile", "手机号码")):
        if key in values and not values[key] and key not in errors:
            errors[key] = f"请填写{label}。"
    values["mobile"] = normalise_mobile(values["mobile"])
    if values["mobile"] and not MOBILE_PATTERN.match(values["mobile"]):
        errors["mobile"] = "手机号码应为 11 位，以 13–19 开头。"
    if values["email"] and not EMAIL_PATTERN.match(values["email"]):
        errors["email"] = "电子邮箱格式不正确。"
    enums = [("gender", Gender, "性别")] + ([("kind", DeputyKind, "类别"), ("level", DeputyLevel, "层级")]
                                          if mandate else [])
    for key, enum_cls, label in enums:
        member = raw.get(key)
        member = member if isinstance(member, enum_cls) else enum_cls.from_label(str(member or ""))
        if member is None:
            choices = "、".join(m.label for m in enum_cls)
            errors[key] = f"请选择{label}（{choices}）。" if not raw.get(key) else f"{label}应为：{choices}。"
        values[key] = member
    roles = raw.get("court_roles") or []
    if isinstance(roles, str):
        roles = [r.strip() for r in re.split(r"[、,，;；\s]+", roles) if r.strip()]
    unknown = [r for r in roles if r not in COURT_ROLES]
    if unknown:
        errors["court_roles"] = f"无法识别的法院职务：{'、'.join(unknown)}（可选：{'、'.join(COURT_ROLES)}）。"
    values["court_roles"] = "、".join(r for r in COURT_ROLES if r in roles)
    if mobile_owners is None and values["mobile"] and "mobile" not in errors:
        owner = find_by_mobile(values["mobile"])
        if owner is not None and owner.id != exclude_id:
            errors["mobile"] = mobile_taken(values["mobile"], owner.name, same_name=owner.name == values["name"])
    return result


def mobile_taken(mobile: str, owner_name: str, *, same_name: bool) -> str:
    if same_name:
        return (f"名册中已有同名且手机号码相同的代表委员“{owner_name}”，请勿重复登记；"
                "同一人的其他届次或层级的任职，请在其信息页“增加任职”。")
    return f"手机号码 {mobile} 已是名册中“{owner_name}”的号码：一个手机号码只能属于一人。"


def find_by_mobile(mobile: str) -> Deputy | None:
    return db.session.scalar(select(Deputy).where(Deputy.mobile == mobile))


def mobile_owners(mobiles: set[str]) -> dict[str, Deputy]:
    """The people who have these mobile numbers, with their mandates, in one query per 500 numbers."""
    owners: dict[str, Deputy] = {}
    mobiles = sorted(mobiles)
    for start in range(0, len(mobiles), 500):  # stay under database parameter limits
        owners |= {d.mobile: d for d in db.session.scalars(
            select(Deputy).where(Deputy.mobile.in_(mobiles[start:start + 500])))}
    return owners


def mandate_key(values) -> tuple:
    """What makes two mandates the same seat: one person holds one per congress term."""
    get = values.get if isinstance(values, dict) else lambda k: getattr(values, k)
    return get("kind"), get("level"), get("term")


def validate_mandate(deputy: Deputy, raw: dict, *, mandate: Mandate | None = None) -> DeputyInput:
    """Check a mandate added to (or, ``mandate``, edited on) ``deputy``."""
    checked = validate_deputy({**{k: getattr(deputy, k) for k in ("name", "mobile")}, "gender": deputy.gender,
                               **raw}, exclude_id=deputy.id)
    result = DeputyInput(values={k: checked.values[k] for k in MANDATE_FIELDS},
                         errors={k: v for k, v in checked.errors.items() if k in MANDATE_FIELDS})
    if not result.errors and any(mandate_key(m) == mandate_key(result.values) for m in deputy.mandates
                                 if m is not mandate):
        result.errors["term"] = f"{deputy.name}已登记{result.values['term']}{result.values['level'].label}" \
                                f"{result.values['kind'].label}的任职。"
    return result


def _new_deputy(values: dict) -> Deputy:
    deputy = Deputy(**{k: values[k] for k in PERSON_FIELDS})
    deputy.mandates.append(Mandate(**{k: values[k] for k in MANDATE_FIELDS}))
    deputy.refresh_keys()
    db.session.add(deputy)
    return deputy


def create_deputy(values: dict) -> Deputy:
    """A new person with their first mandate."""
    deputy = _new_deputy(values)
    db.session.flush()
    return deputy


def import_deputies(rows: list[dict]) -> int:
    """Register the checked rows of an import in one flush (a flush per row made 5,000 rows take 13 s): a row
    whose mobile is already a person's adds a mandate to that person; rows sharing a new mobile are one new
    person. Returns the number of mandates added."""
    people = mobile_owners({values["mobile"] for values in rows})
    for values in rows:
        deputy = people.get(values["mobile"])
        if deputy is None:
            people[values["mobile"]] = _new_deputy(values)
        else:
            deputy.mandates.append(Mandate(**{k: values[k] for k in MANDATE_FIELDS}))
            deputy.refresh_keys()
    db.session.flush()
    return len(rows)


def update_deputy(deputy: Deputy, values: dict) -> Deputy:
    """Change the person's own fields; their mandates are edited one by one."""
    for key in PERSON_FIELDS:
        setattr(deputy, key, values[key])
    deputy.refresh_keys()
    db.session.flush()
    return deputy


def add_mandate(deputy: Deputy, values: dict) -> Mandate:
    mandate = Mandate(**{k: values[k] for k in MANDATE_FIELDS})
    deputy.mandates.append(mandate)
    deputy.refresh_keys()
    db.session.flush()
    return mandate


def update_mandate(mandate: Mandate, values: dict) -> Mandate:
    for key in MANDATE_FIELDS:
        setattr(mandate, key, values[key])
    mandate.deputy.refresh_keys()
    db.session.flush()
    return mandate


def set_status(mandate: Mandate, status: DeputyStatus, on=None) -> None:
    """End (离任, on ``on``, default today) or reinstate a mandate. Nothing on the register is ever deleted:
    other records refer to the people, and a person's past mandates are their history."""
    mandate.status = status
    mandate.left_on = (on or clock.today()) if status == DeputyStatus.RETIRED else None
    mandate.deputy.refresh_keys()
    db.session.flush()
