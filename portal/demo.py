"""Realistic Chinese demo data for trying the portal out: ``flask --app portal seed-demo --size N``.

The data describe the fictional 云岭市 (南江省): its intermediate court, the basic courts of its districts and
counties with a few people's tribunals, their departments and staff, and a deputy register of People's
Congress deputies and CPPCC members. Nothing here is a real person; every mobile number is made up.

Each record type has its own small ``_seed_*`` function working on a shared :class:`DemoContext`, so later
features (receptions, hearings, tracked items…) can add theirs to :func:`seed`. Each function draws from its own
random stream (:meth:`DemoContext.rng`), so adding one does not change what the others generate.
"""
from __future__ import annotations

import importlib
import importlib.util
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select, text

from portal.auth.models import Court, CourtLevel, Department, Duty, Role, User, hash_password
from portal.extensions import db
from portal.pinyin import name_keys
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

DEMO_PASSWORD = "Demo1234"
PROVINCE = "南江省"
CITY = "云岭市"
INTERMEDIATE_NAME = f"{CITY}中级人民法院"
INTERMEDIATE_CODE = "ylzy"
BATCH = 1000
CHUNK = 5000  # rows per executemany of the bulk inserts
MAX_BASIC_COURTS = 12
MAX_TRIBUNALS = 6


@dataclass(frozen=True)
class Area:
    """A district (区), county (县) or county-level city (市) of 云岭市; each has its basic court."""

    name: str
    abbr: str
    towns: tuple[str, ...]
    npc_term: str  # the county congress's current term (县（区）级)
    township_term: str  # the township congresses' current term (乡（镇）级)
    cppcc_term: str  # the county CPPCC's current term

    @property
    def court_name(self) -> str:
        return f"{CITY}{self.name}人民法院" if self.name.endswith("区") else f"{self.name}人民法院"

    @property
    def court_code(self) -> str:
        return f"yl{self.abbr}"


# In order: the first 5 exist at size 1; more appear as the data grows (5 + size // 10, at most 12).
AREAS = (
    Area("云城区", "yc", ("城东街道", "城西街道", "城北街道", "江南街道", "凤凰镇", "白鹭镇"), "第十八届", "第二十届", "第十一届"),
    Area("青溪区", "qx", ("青溪街道", "桥头街道", "柳塘镇", "茶山镇", "长岭镇"), "第十届", "第十二届", "第十届"),
    Area("临江县", "lj", ("城关镇", "河口镇", "大坪镇", "石桥镇", "水口乡", "竹林乡"), "第十八届", "第二十届", "第十一届"),
    Area("梅溪市", "mx", ("梅城街道", "古城镇", "南山镇", "北岸镇", "桃源镇"), "第十六届", "第十八届", "第十届"),
    Area("松阳县", "sy", ("松城镇", "黄泥镇", "平安镇", "东门乡", "高峰乡"), "第十八届", "第二十届", "第十一届"),
    Area("白沙区", "bs", ("白沙街道", "沙田镇", "龙湾镇", "新圩镇", "马坡镇"), "第六届", "第八届", "第六届"),
    Area("石门县", "sm", ("石门镇", "三江镇", "岩口镇", "双溪乡", "坪上乡"), "第十七届", "第十九届", "第十一届"),
    Area("龙潭县", "lt", ("龙潭镇", "新安镇", "高桥镇", "太平乡", "金鸡乡"), "第十八届", "第二十届", "第十一届"),
    Area("安平县", "ap", ("安平镇", "良田镇", "官塘镇", "白石乡", "永和乡"), "第十八届", "第二十届", "第十一届"),
    Area("丰林县", "fl", ("丰林镇", "大岭镇", "清水镇", "杉木乡", "营盘乡"), "第十七届", "第十九届", "第十届"),
    Area("凤山县", "fs", ("凤山镇", "塘坊镇", "那坡镇", "长乐镇", "云岩乡"), "第十八届", "第二十届", "第十一届"),
    Area("清源县", "qy", ("清源镇", "石坝镇", "牛角镇", "鹤岭镇", "溪口乡"), "第十八届", "第二十届", "第十一届"),
)
# People's tribunals: (area index, place, code suffix). The first 2 exist at size 1; 2 + size // 20 at most.
TRIBUNALS = ((2, "河口", "hk"), (4, "平安", "pa"), (3, "古城", "gc"), (0, "凤凰", "fh"), (6, "三江", "sj"),
             (7, "高桥", "gq"))

INTERMEDIATE_DEPARTMENTS = ("立案庭", "刑事审判庭", "民事审判第一庭", "民事审判第二庭", "行政审判庭", "执行局",
                            "审判管理办公室", "办公室")
BASIC_DEPARTMENTS = ("立案庭", "刑事审判庭", "民事审判第一庭", "民事审判第二庭", "执行局", "办公室")
TRIBUNAL_DEPARTMENTS = ("审判团队", "诉讼服务站")
# Leaders by court level: (username suffix, post). The post is not stored (User has no title field); the
# username tells it, e.g. ``ylzy_president`` is the 院长 of the intermediate court, ``ylzy_evp`` the 常务副院长.
LEADER_POSTS = (("president", "院长"), ("evp", "常务副院长"), ("vp", "副院长"))

SURNAMES_COMMON = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
SURNAMES_USUAL = "郑梁谢宋唐许韩冯邓曹彭肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛"
SURNAMES_RARE = ("闫段雷侯龙史陶黎贺顾毛郝龚邵万钱覃武戴莫孔汤向常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦"
                 "俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶牟艾尤阳时穆农卓")
# Surnames read differently from the character's everyday reading, and a few compound surnames.
SURNAMES_SPECIAL = ("曾", "单", "解", "仇", "区", "查", "缪", "乐", "盖", "朴", "欧阳", "司马", "上官", "诸葛")
MALE_CHARS = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁龙林阳建国峰亮成东文志海新晓永春德胜荣庆宏振家忠锋清江兴良福昌贵学金云光天世立洪瑞毅博睿泽晨"
FEMALE_CHARS = "芳娜敏静丽艳娟霞秀燕玲桂英丹萍红梅琳洁婷雪慧莉倩颖琴兰凤佳欣怡雯璐晶妍蕾薇月春秋玉彩美琼珍莹"

MOBILE_PREFIXES = ("130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "147", "150", "151", "152",
                   "153", "155", "156", "157", "158", "159", "166", "173", "177", "180", "181", "182", "183", "185",
                   "186", "187", "188", "189", "191", "198", "199")

VILLAGES = ("东坡", "西岭", "南塘", "北坑", "上寨", "下坝", "中和", "大塘", "小河", "石板", "青山", "长湾", "团结", "红星",
            "先锋", "光明", "和平", "联合", "永安", "金竹", "木棉", "莲塘", "荷塘", "枫木", "樟树", "杨梅", "三合", "双龙")
COMMUNITIES = ("东门社区", "西街社区", "解放路社区", "人民路社区", "滨江社区", "新华社区", "朝阳社区", "文昌社区")
ROADS = ("人民路", "解放路", "建设路", "中山路", "新华路", "朝阳路", "滨江大道", "文昌路", "和平路", "迎宾大道", "友谊路",
         "教育路", "桂花路")
BRANDS = ("鑫源", "华盛", "恒通", "远航", "宏达", "嘉禾", "金穗", "鼎新", "盛隆", "佳德", "润丰", "永盛", "天成", "联创",
          "南方", "瑞丰", "绿源", "长兴")
INDUSTRIES = ("建材", "农业科技", "食品", "物流", "房地产开发", "机械制造", "电子科技", "林产", "茶业", "生物科技",
              "建筑工程", "旅游开发")
CROPS = ("柑橘", "茶叶", "蔬菜", "水稻", "油茶", "生猪养殖", "中药材", "食用菌", "百香果")
CITY_BUREAUS = (("发展和改革委员会", "副主任"), ("自然资源局", "局长"), ("住房和城乡建设局", "副局长"),
                ("农业农村局", "局长"), ("市场监督管理局", "副局长"), ("生态环境局", "副局长"), ("司法局", "副局长"),
                ("财政局", "副局长"), ("工业和信息化局", "副局长"))

# CPPCC sectors (界别) with their weight and the occupations their members typically have.
SECTORS = (
    ("中国共产党", 8, ("official", "city_official")), ("民革", 3, ("lawyer", "company", "teacher")),
    ("民盟", 4, ("teacher", "professor")), ("民建", 4, ("company",)), ("民进", 3, ("teacher", "culture", "media")),
    ("农工党", 3, ("doctor",)), ("致公党", 2, ("company", "overseas")), ("九三学社", 3, ("engineer", "science")),
    ("无党派人士", 4, ("lawyer", "doctor", "professor")), ("共青团", 2, ("youth",)), ("工会", 3, ("union", "worker")),
    ("妇联", 3, ("women",)), ("工商联", 6, ("company", "private")), ("科学技术界", 3, ("science", "engineer")),
    ("经济界", 8, ("company", "city_official")), ("农业界", 6, ("coop", "science", "village")),
    ("教育界", 6, ("teacher", "professor")), ("文化艺术界", 4, ("culture",)), ("医药卫生界", 6, ("doctor",)),
    ("体育界", 2, ("sports",)), ("新闻出版界", 2, ("media",)), ("社会科学界", 2, ("professor",)),
    ("社会福利和社会保障界", 3, ("social",)), ("少数民族界", 3, ("ethnic", "village")), ("宗教界", 2, ("religion",)),
)
# Occupations of NPC deputies, with their weight.
NPC_OCCUPATIONS = (("village", 15), ("community", 5), ("company", 18), ("private", 4), ("teacher", 8), ("doctor", 8),
                   ("lawyer", 4), ("coop", 8), ("farmer", 4), ("official", 10), ("city_official", 6), ("worker", 6),
                   ("professor", 2), ("engineer", 3))
COUNTY_GROUPS = ("工商界代表组", "教科文卫代表组", "农业农村代表组", "机关代表组")

NPC_LEVEL_WEIGHTS = ((DeputyLevel.NATIONAL, 2), (DeputyLevel.PROVINCIAL, 4), (DeputyLevel.CITY, 35),
                     (DeputyLevel.COUNTY, 45), (DeputyLevel.TOWNSHIP, 15))
CPPCC_LEVEL_WEIGHTS = ((DeputyLevel.NATIONAL, 1), (DeputyLevel.PROVINCIAL, 4), (DeputyLevel.CITY, 45),
                       (DeputyLevel.COUNTY, 50))
NPC_TERMS = {DeputyLevel.NATIONAL: "第十四届", DeputyLevel.PROVINCIAL: "第十四届", DeputyLevel.CITY: "第十六届"}
CPPCC_TERMS = {DeputyLevel.NATIONAL: "第十四届", DeputyLevel.PROVINCIAL: "第十三届", DeputyLevel.CITY: "第十届"}


@dataclass(frozen=True)
class DemoDeputy:
    """What later seeders need to know of a register entry created in this run, without holding the ORM row."""

    id: int
    name: str
    kind: DeputyKind
    level: DeputyLevel
    court_id: int  # the court nearest to the deputy: the area's basic court, or the intermediate court
    active: bool


@dataclass
class DemoContext:
    size: int
    random_seed: int
    password_hash: str
    counts: dict[str, int] = field(default_factory=dict)
    intermediate: Court | None = None
    basic: list[tuple[Area, Court]] = field(default_factory=list)
    tribunals: list[Court] = field(default_factory=list)
    departments: dict[int, list[Department]] = field(default_factory=dict)  # court id → departments
    leaders: dict[int, list[User]] = field(default_factory=dict)  # court id → leaders, president first
    liaisons: dict[int, list[User]] = field(default_factory=dict)
    handlers: dict[int, list[User]] = field(default_factory=dict)
    usernames: set[str] = field(default_factory=set)  # lower-case, taken in the database or in this run
    mobiles: set[str] = field(default_factory=set)  # deputies' mobiles and users' usernames/phones in use
    deputies: list[DemoDeputy] = field(default_factory=list)
    _mobile_rng: random.Random | None = None

    def rng(self, part: str) -> random.Random:
        """An independent, repeatable random stream for one part of the data."""
        return random.Random(f"{self.random_seed}:{part}")

    @property
    def courts(self) -> list[Court]:
        return [self.intermediate] + [court for _, court in self.basic] + self.tribunals

    def add(self, label: str, n: int = 1) -> None:
        self.counts[label] = self.counts.get(label, 0) + n

    def new_mobile(self) -> str:
        """A valid mobile number used by no deputy or user yet."""
        if self._mobile_rng is None:
            # Starting the stream where the register stands keeps a second run from retracing the first.
            self._mobile_rng = self.rng(f"mobiles:{len(self.mobiles)}")
        while True:
            number = self._mobile_rng.choice(MOBILE_PREFIXES) + f"{self._mobile_rng.randrange(10 ** 8):08d}"
            if number not in self.mobiles:
                self.mobiles.add(number)
                return number

    def take_username(self, username: str) -> bool:
        """Reserve ``username``; False when it is already taken."""
        key = username.lower()
        if key in self.usernames:
            return False
        self.usernames.add(key)
        return True


def seed(*, size: int, random_seed: int = 2024) -> dict[str, int]:
    """Add demo data for ``size`` years of one city's courts; returns what was added, by Chinese label.

    Size 1 is 云岭市中级人民法院 with 5 basic courts and 2 people's tribunals, their departments and staff,
    and 200 register entries (about 35% CPPCC members), 10 of them with a login. Larger sizes add deputies,
    handlers, liaison officers and deputy accounts in proportion, and a few more basic courts and tribunals.

    Every demo account — staff, the admin if one had to be created, and deputies — has the password
    ``Demo1234`` (:data:`DEMO_PASSWORD`). Staff usernames are ``<court code>_<post>``: ``ylzy_president``
    (院长), ``ylzy_evp`` (常务副院长), ``ylzy_vp``, ``ylzy_liaison``, ``ylzy_h0001`` (承办人)…; deputies log in with
    their mobile number. The admin, created only when the database has none, is ``admin``.

    The same ``random_seed`` gives the same data. Running it again adds to the existing 云岭市 court tree:
    courts, departments and staff that already exist are kept, and new register entries get fresh mobile
    numbers. The unnamed top court that ``init-db`` leaves when given no name (without lower courts) becomes
    the intermediate court, so the first admin belongs to it.

    The caller commits.
    """
    if size < 1:
        raise ValueError("size must be at least 1")
    ctx = DemoContext(size=size, random_seed=random_seed,
                      password_hash=hash_password(DEMO_PASSWORD))  # hashed once: hashing is slow
    for label in ("法院", "部门", "用户", "代表委员", "代表委员账户"):
        ctx.counts[label] = 0
    _load_taken(ctx)
    _seed_courts(ctx)
    _seed_departments(ctx)
    _seed_staff(ctx)
    _seed_admin(ctx)
    _seed_deputies(ctx)
    _seed_deputy_accounts(ctx)
    db.session.flush()
    _seed_areas(ctx)
    return ctx.counts


def demo_accounts(per_role: int = 3) -> list[tuple[str, list[str]]]:
    """A few demo accounts of each role, by label, for ``seed-demo`` to print: the intermediate court's staff,
    one basic court's and some deputies'. All have :data:`DEMO_PASSWORD`."""
    top = db.session.scalar(select(Court).where(Court.name == INTERMEDIATE_NAME, Court.parent_id.is_(None))
                            .order_by(Court.id))
    if top is None:
        return []
    from portal.access import court_subtree_ids

    def usernames(role: Role, *courts: int) -> list[str]:
        query = (select(User.username).where(User.role == role, User.court_id.in_(courts), User.active.is_(True))
                 .order_by(User.id).limit(per_role))
        return list(db.session.scalars(query))

    accounts = [(f"{top.name}{role.label}", usernames(role, top.id)) for role in (Role.LEADER, Role.LIAISON, Role.HANDLER)]
    basic = next((c for c in top.children if c.level == CourtLevel.BASIC), None)
    if basic is not None:
        accounts.append((f"{basic.name}联络员、院领导", usernames(Role.LIAISON, basic.id)[:1]
                         + usernames(Role.LEADER, basic.id)[:1]))
    accounts.append(("代表委员（用户名是手机号码）", usernames(Role.DEPUTY, *court_subtree_ids(top.id))))
    return [(label, names) for label, names in accounts if names]


def _seed_areas(ctx: DemoContext) -> None:
    """Each feature area with a ``demo`` module adds its records (receptions, hearings, items…)."""
    from portal import AREAS

    for area in AREAS:
        if importlib.util.find_spec(f"portal.{area}.demo"):
            importlib.import_module(f"portal.{area}.demo").seed(ctx)
            db.session.flush()


# --- helpers -------------------------------------------------------------------------------------------------

def _load_taken(ctx: DemoContext) -> None:
    ctx.usernames = {u.lower() for u in db.session.scalars(select(User.username))}
    ctx.mobiles = set(db.session.scalars(select(Deputy.mobile)))
    ctx.mobiles |= {u for u in ctx.usernames if u.isdigit()}
    ctx.mobiles |= {p for p in db.session.scalars(select(User.phone)) if p}


def _person_name(rng: random.Random, gender: Gender) -> str:
    roll = rng.random()
    if roll < 0.03:
        surname = rng.choice(SURNAMES_SPECIAL)
    elif roll < 0.45:
        surname = rng.choice(SURNAMES_COMMON)
    elif roll < 0.85:
        surname = rng.choice(SURNAMES_USUAL)
    else:
        surname = rng.choice(SURNAMES_RARE)
    chars = MALE_CHARS if gender == Gender.MALE else FEMALE_CHARS
    given = rng.choice(chars)
    if len(surname) == 1 and rng.random() < 0.7:
        given += rng.choice(chars)
    return surname + given


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs)
    return rng.choices(values, weights=weights)[0]


def _new_user(ctx: DemoContext, *, username: str, display_name: str, role: Role, court: Court,
              department: Department | None = None, phone: str = "", deputy: Deputy | None = None) -> User:
    user = User(username=username, display_name=display_name, role=role, court=court, department=department,
                phone=phone, deputy=deputy, password_hash=ctx.password_hash)
    db.session.add(user)
    return user


def insert_rows(model, rows: list[dict], *, returning: bool = False, chunk: int = CHUNK) -> list[int]:
    """Insert ``rows`` (dicts with the same keys) into ``model``'s table in chunks of executemany, with the
    columns' defaults; with ``returning``, the new ids in the order of ``rows``.

    Core inserts skip the ORM: no audit row is written (portal/audit.py listens to ORM flushes), nor any domain
    event. The demo uses them for the records it makes in bulk; they are seeded, not done by anyone.
    """
    table = getattr(model, "__table__", model)
    ids: list[int] = []
    if returning and rows and db.session.get_bind().dialect.name == "postgresql":
        # Ids from the table's sequence, then a plain executemany: psycopg parses an INSERT … RETURNING of many
        # VALUES rows anew for every page, which took longer than the rest of the province data set.
        sequence = db.session.scalar(text("SELECT pg_get_serial_sequence(:table, 'id')"),
                                     {"table": f'"{table.name}"'})
        ids = list(db.session.scalars(text("SELECT nextval(:sequence) FROM generate_series(1, :n) ORDER BY 1"),
                                      {"sequence": sequence, "n": len(rows)}))
        rows = [dict(row, id=row_id) for row, row_id in zip(rows, ids)]
        returning = False
    for start in range(0, len(rows), chunk):
        part = rows[start:start + chunk]
        if returning:
            result = db.session.execute(table.insert().returning(table.c.id, sort_by_parameter_order=True), part)
            ids += result.scalars().all()
        else:
            db.session.execute(table.insert(), part)
    return ids


# --- courts and departments ----------------------------------------------------------------------------------

def _court(ctx: DemoContext, existing: dict[str, Court], codes: set[str], *, name: str, code: str,
           level: CourtLevel, parent: Court | None) -> Court:
    court = existing.get(name)
    if court is not None:
        return court
    base, n = code, 2
    while code in codes:
        code, n = f"{base}{n}", n + 1
    codes.add(code)
    court = Court(code=code, name=name, level=level, parent=parent)
    db.session.add(court)
    ctx.add("法院")
    return court


def _seed_courts(ctx: DemoContext, areas: tuple[Area, ...] | None = None,
                 tribunals: list[tuple[int, str, str]] | None = None) -> None:
    """The intermediate court, a basic court per area and the people's tribunals (area index, place, code
    suffix): by default as many as the size asks for."""
    if areas is None:
        areas = AREAS[:min(5 + ctx.size // 10, MAX_BASIC_COURTS)]
    if tribunals is None:
        tribunals = [t for t in TRIBUNALS[:min(2 + ctx.size // 20, MAX_TRIBUNALS)] if t[0] < len(areas)]
    codes = set(db.session.scalars(select(Court.code)))
    top = db.session.scalar(select(Court).where(Court.name == INTERMEDIATE_NAME, Court.parent_id.is_(None))
                            .order_by(Court.id))
    if top is None:
        placeholder = db.session.scalar(select(Court).where(Court.parent_id.is_(None)).order_by(Court.id))
        if placeholder is not None and not placeholder.named and not placeholder.children:
            placeholder.name, placeholder.level = INTERMEDIATE_NAME, CourtLevel.INTERMEDIATE
            if INTERMEDIATE_CODE not in codes:
                placeholder.code = INTERMEDIATE_CODE
                codes.add(INTERMEDIATE_CODE)
            top = placeholder
    if top is None:
        top = _court(ctx, {}, codes, name=INTERMEDIATE_NAME, code=INTERMEDIATE_CODE,
                     level=CourtLevel.INTERMEDIATE, parent=None)
    ctx.intermediate = top
    below = {c.name: c for c in db.session.scalars(select(Court).where(Court.parent_id.is_not(None)))}
    for area in areas:
        court = _court(ctx, below, codes, name=area.court_name, code=area.court_code, level=CourtLevel.BASIC,
                       parent=top)
        ctx.basic.append((area, court))
    for area_index, place, abbr in tribunals:
        area, parent = ctx.basic[area_index]
        court = _court(ctx, below, codes, name=f"{parent.name}{place}人民法庭", code=f"{area.court_code}_{abbr}",
                       level=CourtLevel.TRIBUNAL, parent=parent)
        ctx.tribunals.append(court)
    db.session.flush()


def _seed_departments(ctx: DemoContext) -> None:
    court_ids = [c.id for c in ctx.courts]
    query = select(Department).where(Department.court_id.in_(court_ids))
    existing: dict[tuple[int, str], Department] = {(d.court_id, d.name): d for d in db.session.scalars(query)}
    rng = ctx.rng("departments")
    for court in ctx.courts:
        if court.level == CourtLevel.INTERMEDIATE:
            names = INTERMEDIATE_DEPARTMENTS
        elif court.level == CourtLevel.BASIC:
            # Administrative cases go to a few designated basic courts only (集中管辖).
            names = BASIC_DEPARTMENTS[:4] + (("行政审判庭",) if rng.random() < 0.4 else ()) + BASIC_DEPARTMENTS[4:]
        else:
            names = TRIBUNAL_DEPARTMENTS
        departments = []
        for name in names:
            department = existing.get((court.id, name))
            if department is None:
                department = Department(court=court, name=name)
                db.session.add(department)
                ctx.add("部门")
            departments.append(department)
        ctx.departments[court.id] = departments
    db.session.flush()


# --- staff ---------------------------------------------------------------------------------------------------

def _seed_staff(ctx: DemoContext) -> None:
    """Leaders, liaison officers and handlers of every court; existing usernames are kept as they are."""
    rng = ctx.rng("staff")
    leader_names: set[str] = set()
    for court in ctx.courts:
        leaders, liaisons, handlers = [], [], []
        if court.level != CourtLevel.TRIBUNAL:
            posts = LEADER_POSTS if court.level == CourtLevel.INTERMEDIATE or rng.random() < 0.5 else LEADER_POSTS[:2]
            for suffix, _post in posts:
                gender = Gender.FEMALE if rng.random() < 0.2 else Gender.MALE
                name = _person_name(rng, gender)
                while name in leader_names:  # leaders are picked by name in the register's Excel import
                    name = _person_name(rng, gender)
                leader_names.add(name)
                leaders.append(_staff_user(ctx, f"{court.code}_{suffix}", name, Role.LEADER, court))
            for n in range(1, 2 + ctx.size // 25):
                name = _person_name(rng, Gender.FEMALE if rng.random() < 0.6 else Gender.MALE)
                username = f"{court.code}_liaison" if n == 1 else f"{court.code}_liaison{n}"
                office = next(d for d in ctx.departments[court.id] if d.name == "办公室")
                liaisons.append(_staff_user(ctx, username, name, Role.LIAISON, court, office))
        departments = [d for d in ctx.departments[court.id] if d.name != "办公室"]
        count = (rng.randint(2, 4) if court.level != CourtLevel.TRIBUNAL else rng.randint(2, 3)) * ctx.size
        for n in range(1, count + 1):
            name = _person_name(rng, Gender.FEMALE if rng.random() < 0.45 else Gender.MALE)
            chief = court.level == CourtLevel.TRIBUNAL and n == 1  # the tribunal's 庭长
            username = f"{court.code}_chief" if chief else f"{court.code}_h{n:04d}"
            department = departments[(n - 1) % len(departments)]
            handlers.append(_staff_user(ctx, username, name, Role.HANDLER, court, department))
            if n % BATCH == 0:
                db.session.flush()
        db.session.flush()
        for department in departments:  # the division's first judge heads it (庭长) and signs its case reports
            if department.head_id is None:
                department.head = next((u for u in handlers if u is not None and u.department_id == department.id),
                                       None)
        ctx.leaders[court.id] = [u for u in leaders if u is not None]
        ctx.liaisons[court.id] = [u for u in liaisons if u is not None]
        ctx.handlers[court.id] = [u for u in handlers if u is not None]
    # Staff of an earlier run are this run's staff too.
    court_ids = [c.id for c in ctx.courts]
    known = {u.id for group in (ctx.leaders, ctx.liaisons, ctx.handlers) for users in group.values() for u in users}
    for user in db.session.scalars(select(User).where(User.court_id.in_(court_ids), User.deputy_id.is_(None),
                                                      User.role.in_([Role.LEADER, Role.LIAISON, Role.HANDLER]))
                                   .order_by(User.id)):
        if user.id not in known:
            target = {Role.LEADER: ctx.leaders, Role.LIAISON: ctx.liaisons, Role.HANDLER: ctx.handlers}[user.role]
            target.setdefault(user.court_id, []).append(user)
    rank = {suffix: n for n, (suffix, _) in enumerate(LEADER_POSTS)}
    for leaders in ctx.leaders.values():  # president first, then the executive vice-president
        leaders.sort(key=lambda u: (rank.get(u.username.rsplit("_", 1)[-1], len(rank)), u.id))


def _staff_user(ctx: DemoContext, username: str, name: str, role: Role, court: Court,
                department: Department | None = None) -> User | None:
    if not ctx.take_username(username):
        return None
    ctx.add("用户")
    return _new_user(ctx, username=username, display_name=name, role=role, court=court, department=department,
                     phone=ctx.new_mobile())


def _seed_admin(ctx: DemoContext) -> None:
    """The three administrators (三员分立), each only when the database has none of that duty: the system
    administrator (``admin``), the security administrator and the audit administrator, none with a business role."""
    for duty, username, name in ((Duty.SYSTEM, "admin", "系统管理员"), (Duty.SECURITY, "security", "安全管理员"),
                                 (Duty.AUDIT, "auditor", "审计管理员")):
        if db.session.scalar(select(User.id).where(User.admin_duty == duty).limit(1)) is not None:
            continue
        username = username if ctx.take_username(username) else next(
            f"demo_{username}{n}" for n in range(1, 1000) if ctx.take_username(f"demo_{username}{n}"))
        _new_user(ctx, username=username, display_name=name, role=Role.NONE, court=ctx.intermediate).admin_duty = duty
        ctx.add("用户")
    db.session.flush()


# --- the deputy register -------------------------------------------------------------------------------------

def _town_stem(town: str) -> str:
    return town.removesuffix("街道").removesuffix("镇").removesuffix("乡")


def _occupation(rng: random.Random, kind: str, area: Area, town: str, local: bool) -> tuple[str, str]:
    """A work unit and post for an occupation kind, placed in ``area`` and ``town``.

    ``local`` is for county and township deputies, whose units are rarely the city's own.
    """
    village = rng.choice(VILLAGES)
    place = area.name
    city = place if local else CITY
    if kind == "village":
        return f"{place}{town}{village}村党总支", rng.choice(("党总支书记、村委会主任", "党总支书记", "村委会主任"))
    if kind == "community":
        return f"{place}{town}{rng.choice(COMMUNITIES)}居民委员会", rng.choice(("党委书记、居委会主任", "居委会副主任"))
    if kind == "company":
        return (f"{rng.choice((city, place))}{rng.choice(BRANDS)}{rng.choice(INDUSTRIES)}有限公司",
                rng.choice(("董事长", "总经理", "董事长、总经理", "副总经理", "党支部书记、董事长")))
    if kind == "private":
        return f"{place}{rng.choice(BRANDS)}{rng.choice(('商行', '农资店', '超市', '餐馆'))}", "个体工商户"
    if kind == "teacher":
        school = rng.choice((f"{place}第{rng.choice('一二三四')}中学", f"{CITY}实验中学", f"{place}{town}中心小学",
                             f"{CITY}第{rng.choice('一二三四五六七八九')}中学", f"{place}职业技术学校"))
        return school, rng.choice(("校长", "副校长", "教师", "高级教师", "党支部书记、校长"))
    if kind == "doctor":
        hospital = rng.choice((f"{city}人民医院", f"{city}中医医院", f"{city}妇幼保健院", f"{place}人民医院",
                               f"{place}{town}{'社区卫生服务中心' if town.endswith('街道') else '卫生院'}"))
        return hospital, rng.choice(("主任医师", "副主任医师", "护士长", "院长", "副院长", "主治医师"))
    if kind == "lawyer":
        return f"南江{rng.choice(BRANDS)}律师事务所", rng.choice(("主任、律师", "合伙人、律师", "律师"))
    if kind == "coop":
        return f"{place}{_town_stem(town)}{rng.choice(CROPS)}专业合作社", "理事长"
    if kind == "farmer":
        return f"{place}{town}{village}村", "村民"
    if kind == "official":
        if town.endswith("街道"):
            return rng.choice(((f"{place}{town}办事处", rng.choice(("主任", "副主任"))),
                               (f"中共{place}{town}工作委员会", "党工委书记")))
        head = "乡长" if town.endswith("乡") else "镇长"
        return rng.choice(((f"{place}{town}人民政府", rng.choice((head, "副" + head))),
                           (f"中共{place}{town}委员会", "党委书记"),
                           (f"{place}{town}人民代表大会", "人大主席"),
                           (f"{place}人民政府", f"副{place[-1]}长")))
    if kind == "city_official":  # a bureau of the city, or of the county for county and township deputies
        bureau, post = rng.choice(CITY_BUREAUS)
        return f"{city}{bureau}", post
    if kind == "worker":
        return (f"{CITY}{rng.choice(BRANDS)}{rng.choice(('制糖', '水泥', '机械', '纺织'))}有限责任公司",
                rng.choice(("车间主任", "班组长", "技术员", "一线工人")))
    if kind == "professor":
        return rng.choice(("云岭学院", "云岭职业技术学院", "南江师范大学云岭分校")), rng.choice(("教授", "副教授", "副院长"))
    if kind == "engineer":
        return (rng.choice(("南江电网云岭供电局", f"{CITY}自来水有限公司", f"{CITY}交通投资集团有限公司")),
                rng.choice(("高级工程师", "总工程师", "工程师")))
    if kind == "science":
        return rng.choice((f"{CITY}农业科学研究所", f"{CITY}林业科学研究所")), rng.choice(("所长", "研究员", "副研究员"))
    if kind == "overseas":
        return f"{CITY}归国华侨联合会", rng.choice(("副主席", "常委"))
    if kind == "youth":
        return f"共青团{CITY}委员会", rng.choice(("书记", "副书记"))
    if kind == "union":
        return f"{CITY}总工会", rng.choice(("副主席", "经费审查委员会主任"))
    if kind == "women":
        return f"{city}妇女联合会", rng.choice(("主席", "副主席"))
    if kind == "culture":
        return rng.choice(((f"{CITY}文学艺术界联合会", "副主席"), (f"{CITY}采茶剧团", "国家一级演员"),
                           (f"{CITY}群众艺术馆", "馆长")))
    if kind == "media":
        return rng.choice((f"{CITY}日报社", f"{CITY}广播电视台")), rng.choice(("副总编辑", "记者", "编辑部主任"))
    if kind == "sports":
        return f"{CITY}体育运动学校", rng.choice(("校长", "教练员"))
    if kind == "social":
        return rng.choice(((f"{CITY}残疾人联合会", "理事长"), (f"{CITY}慈善总会", "秘书长"),
                           (f"{CITY}社会福利院", "院长"), (f"{CITY}人力资源和社会保障局", "副局长")))
    if kind == "ethnic":
        return f"{CITY}民族宗教事务局", rng.choice(("副局长", "科长"))
    if kind == "religion":
        return rng.choice((f"{CITY}佛教协会", f"{CITY}基督教两会", f"{CITY}道教协会")), rng.choice(("会长", "副会长"))
    raise ValueError(kind)


def _address(rng: random.Random, area: Area, town: str, occupation: str, work_unit: str) -> str:
    if occupation in ("village", "farmer"):
        village = work_unit.removeprefix(f"{area.name}{town}").split("村")[0]
        return f"{PROVINCE}{CITY}{area.name}{town}{village}村"
    return f"{PROVINCE}{CITY}{area.name}{rng.choice(ROADS)}{rng.randint(1, 288)}号"


def _email(rng: random.Random, pinyin: str) -> str:
    roll = rng.random()
    if roll < 0.4:
        return f"{rng.randint(10 ** 7, 10 ** 10)}@qq.com"
    return f"{pinyin}{rng.choice(('', str(rng.randint(60, 99)), str(rng.randint(1960, 1999))))}@" \
           f"{rng.choice(('163.com', '126.com', 'sina.com', 'yeah.net'))}"


def _seed_deputies(ctx: DemoContext, count: int | None = None) -> None:
    """200 register entries per size (or ``count``); about 35% CPPCC members. Paired leaders are of the nearest
    court; every provincial and national deputy or member is paired three-level (三级联动): with a leader of the
    intermediate court and with the president of their area's basic court.

    Written with bulk inserts (:func:`insert_rows`): the register's audit trail has no row for seeded entries."""
    rng = ctx.rng("deputies")
    pair_rng = ctx.rng("pairings")  # a stream of its own: the register's data stays what it was
    keys: dict[str, tuple[str, str]] = {}  # name → pinyin keys; names repeat, pypinyin is not free
    top_leaders = ctx.leaders.get(ctx.intermediate.id, [])
    sector_pairs = [(name, weight) for name, weight, _ in SECTORS]
    sector_kinds = {name: kinds for name, _, kinds in SECTORS}
    people: list[dict] = []
    mandates: list[dict] = []
    pairings: list[list[dict]] = []
    demo: list[tuple[str, DeputyKind, DeputyLevel, int, bool]] = []
    for _ in range(200 * ctx.size if count is None else count):
        kind = DeputyKind.CPPCC if rng.random() < 0.35 else DeputyKind.NPC
        level = _weighted(rng, CPPCC_LEVEL_WEIGHTS if kind == DeputyKind.CPPCC else NPC_LEVEL_WEIGHTS)
        area, basic_court = ctx.basic[rng.randrange(len(ctx.basic))]
        # Subdistricts (街道) have no congress of their own: township deputies come from towns (镇、乡).
        town = rng.choice([t for t in area.towns if not t.endswith("街道")] if level == DeputyLevel.TOWNSHIP
                          else area.towns)
        gender = Gender.FEMALE if rng.random() < (0.3 if kind == DeputyKind.NPC else 0.35) else Gender.MALE
        name = _person_name(rng, gender)
        local = level in (DeputyLevel.COUNTY, DeputyLevel.TOWNSHIP)
        if kind == DeputyKind.CPPCC:
            group = _weighted(rng, sector_pairs)
            term = area.cppcc_term if local else CPPCC_TERMS[level]
            constituency = ""
            occupation = rng.choice(sector_kinds[group])
        else:
            if level == DeputyLevel.NATIONAL:
                group, constituency, term = "南江代表团", PROVINCE, NPC_TERMS[level]
            elif level == DeputyLevel.PROVINCIAL:
                group, constituency, term = f"{CITY}代表团", CITY, NPC_TERMS[level]
            elif level == DeputyLevel.CITY:
                group, constituency, term = f"{area.name}代表团", area.name, NPC_TERMS[level]
            elif level == DeputyLevel.COUNTY:
                group = rng.choice(COUNTY_GROUPS) if rng.random() < 0.3 else f"{town}代表组"
                constituency, term = f"{town}第{rng.randint(1, 12)}选区", area.npc_term
            else:
                group = f"{town}第{rng.randint(1, 6)}代表小组"
                constituency, term = f"{rng.choice(VILLAGES)}村选区", area.township_term
            occupation = _weighted(rng, NPC_OCCUPATIONS)
            if not local and occupation == "farmer":
                occupation = "coop"
        work_unit, post = _occupation(rng, occupation, area, town, local)
        if name not in keys:
            keys[name] = name_keys(name)
        pinyin, initials = keys[name]
        email = _email(rng, pinyin) if rng.random() < 0.35 else ""
        address = _address(rng, area, town, occupation, work_unit) if rng.random() < 0.5 else ""
        court_roles = ""
        if rng.random() < 0.10:
            chosen = set(rng.sample(COURT_ROLES, rng.choice((1, 1, 1, 2))))
            court_roles = "、".join(r for r in COURT_ROLES if r in chosen)
        court = basic_court if local else ctx.intermediate
        pairing = ctx.leaders.get(court.id) or top_leaders
        paired = rng.choice(pairing) if pairing and rng.random() < 0.30 else None
        retired = rng.random() < 0.08
        people.append({"name": name, "name_pinyin": pinyin, "name_initials": initials, "gender": gender,
                       "level_rank": level.rank, "work_unit": work_unit, "post": post, "mobile": ctx.new_mobile(),
                       "email": email, "address": address, "court_roles": court_roles})
        leaders = [paired] if paired else []
        if level in (DeputyLevel.NATIONAL, DeputyLevel.PROVINCIAL):
            if not leaders and top_leaders:
                leaders.append(pair_rng.choice(top_leaders))
            president = next(iter(ctx.leaders.get(basic_court.id) or []), None)
            if president is not None:
                leaders.append(president)
        # the pairing scheme began in April 2024 (the provincial court's 方案)
        pairings.append([{"leader_id": leader.id, "since": date(2024, 4, 15) + timedelta(days=pair_rng.randrange(400)),
                          "ended_on": None} for leader in leaders])
        mandates.append({"kind": kind, "level": level, "term": term, "group_name": group, "constituency": constituency,
                         "status": DeputyStatus.RETIRED if retired else DeputyStatus.ACTIVE,
                         "left_on": date(2023, 3, 1) + timedelta(days=rng.randrange(640)) if retired else None})
        demo.append((name, kind, level, court.id, not retired))
    ids = insert_rows(Deputy, people, returning=True)
    for deputy_id, mandate, links in zip(ids, mandates, pairings):
        mandate["deputy_id"] = deputy_id
        for link in links:
            link["deputy_id"] = deputy_id
    insert_rows(Mandate, mandates)
    insert_rows(Pairing, [link for links in pairings for link in links])
    ctx.deputies += [DemoDeputy(id=deputy_id, name=name, kind=kind, level=level, court_id=court_id, active=active)
                     for deputy_id, (name, kind, level, court_id, active) in zip(ids, demo)]
    ctx.add("代表委员", len(ids))


def _seed_deputy_accounts(ctx: DemoContext, count: int | None = None) -> None:
    """Logins for 10 active deputies per size (or ``count``): the username is the mobile number."""
    rng = ctx.rng("deputy-accounts")
    active = [d for d in ctx.deputies if d.active]
    count = 10 * ctx.size if count is None else count
    chosen = sorted(rng.sample(active, min(count, len(active))), key=lambda d: d.id)
    courts = {c.id: c for c in ctx.courts}
    rows: dict[int, Deputy] = {}
    ids = [d.id for d in chosen]
    for start in range(0, len(ids), 500):
        rows |= {d.id: d for d in db.session.scalars(select(Deputy).where(Deputy.id.in_(ids[start:start + 500])))}
    for n, demo in enumerate(chosen, 1):
        deputy = rows[demo.id]
        if not ctx.take_username(deputy.mobile):
            continue
        _new_user(ctx, username=deputy.mobile, display_name=deputy.name, role=Role.DEPUTY,
                  court=courts[demo.court_id], phone=deputy.mobile, deputy=deputy)
        ctx.add("代表委员账户")
        if n % BATCH == 0:
            db.session.flush()
    db.session.flush()
