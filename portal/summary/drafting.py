"""What the draft says: the figure fields a text may quote, the sections with their generated text, and how a text
with fields reads once the numbers are put in.

How "refresh the figures without losing the edits" works
---------------------------------------------------------
A generated sentence does not hold a number but a field in braces, named in Chinese so that staff can read it:
“全年共接待来访的人大代表、政协委员{接待人次}人次”. The page shows the sentence with the number in place, marked as a
number from the records; the edit box shows the field, and staff rewrite the prose around it as they like (they may
also type a field of ``fields()`` themselves, or delete one and type a number of their own, which is then theirs).

The numbers are kept once per summary (``AnnualSummary.figures``: every field's value and the tables, computed from
the dashboard's figure groups "as of" a day). 刷新数字 recomputes that snapshot and nothing else, so every edit of
the prose stays exactly as saved and every field shows the new number; a section that staff rewrote without
fields is untouched by a refresh. The numbers are never counted here: each comes from an area's
``contributions.figures(scope)`` (``FigureGroup.get``, or a row of one of its tables) under the definitions of
``portal.figures.definitions.NOTES``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from portal import areas

FIELD = re.compile(r"\{([^{}\s]{1,20})\}")

ITEM_GROUPS = {"建议提案": "建议、提案", "交办督办件": "交办督办件、来信、关注案件"}  # field prefix: table row label
ITEM_COLUMNS = {"受理": "受理", "办结": "办结", "在办": "在办", "办结率": "办结率", "满意率": "满意率"}


def _figure(group: str, key: str, missing: str = "0"):
    """A figure of a group (``missing`` when the group is not there)."""
    def value(groups):
        return groups[group].get(key).shown() if group in groups else missing
    value.group = group
    return value


def _table_cell(group: str, table: int, row: str, column: str):
    """A cell of a figure group's breakdown (a row missing from it counts none)."""
    def value(groups):
        found = groups.get(group)
        if found is None or len(found.tables) <= table:
            return "0"
        breakdown = found.tables[table]
        cells = next((cells for label, cells in breakdown.rows if label == row), None)
        if cells is None:
            return "0"
        cell = cells[breakdown.headers.index(column)]
        return cell.shown() if hasattr(cell, "shown") else str(cell)
    value.group = group
    return value


# field name -> (what it counts, how it is read from the figure groups); with the fields areas name as cells of
# their tables (``summary_fields``), after their group's own fields: see ``fields()``.
_FIELDS: dict[str, tuple[str, object]] = {
    "接待次数": ("来访接待：接待次数", _figure("reception", "visits")),
    "接待人次": ("来访接待：接待人次（每人每次计一人次）", _figure("reception", "persons")),
    "来访人大代表人次": ("来访接待：其中人大代表人次", _figure("reception", "npc")),
    "来访政协委员人次": ("来访接待：其中政协委员人次", _figure("reception", "cppcc")),
    "旁听庭审场次": ("旁听庭审：已开庭的旁听庭审场次", _figure("hearings", "held")),
    "邀请旁听人次": ("旁听庭审：邀请人次", _figure("hearings", "invited")),
    "旁听人次": ("旁听庭审：实到旁听人次", _figure("hearings", "attended")),
    "旁听出席率": ("旁听庭审：出席率", _figure("hearings", "attended_rate")),
    "联络活动次数": ("联络活动：活动次数", _figure("activities", "activities")),
    "联络活动人次": ("联络活动：参加人次", _figure("activities", "persons")),
    "受理件数": ("建议提案和交办督办件：受理合计", _figure("items", "received")),
    "办结件数": ("建议提案和交办督办件：办结合计", _figure("items", "closed")),
    "在办件数": ("建议提案和交办督办件：在办合计", _figure("items", "open")),
    "办结率": ("建议提案和交办督办件：办结率", _figure("items", "closed_rate")),
    "满意率": ("建议提案和交办督办件：满意率", _figure("items", "satisfied_rate")),
    **{f"{prefix}{name}": (f"{label}：{column}", _table_cell("items", 0, label, column))
       for prefix, label in ITEM_GROUPS.items() for name, column in ITEM_COLUMNS.items()},
    "述职报告份数": ("代表述职：述职报告份数", _figure("duty", "reports")),
    "当面述职人数": ("代表述职：当面述职", _figure("duty", "in_person")),
    "书面述职人数": ("代表述职：书面报告", _figure("duty", "written")),
    "述职备案份数": ("代表述职：已备案", _figure("duty", "filed")),
    "民意测评次数": ("民意测评：开展次数", _figure("surveys", "surveys")),
    "测评发出份数": ("民意测评：发出份数", _figure("surveys", "sent")),
    "测评收回份数": ("民意测评：收回份数", _figure("surveys", "answered")),
    "测评回收率": ("民意测评：回收率", _figure("surveys", "rate", missing="—")),
    "结对院领导人数": ("结对联络：截至统计日结对的院领导人数", _figure("pairing", "leaders")),
    "结对关系数": ("结对联络：截至统计日的结对关系数", _figure("pairing", "pairings")),
    "发送短信条数": ("信息通报：发送短信条数", _figure("notices", "sms")),
    "发送邮件封数": ("信息通报：发送电子邮件封数", _figure("notices", "email")),
    "法院工作信息期数": ("信息通报：《法院工作信息》期数", _figure("notices", "newsletters")),
}


@cache
def fields() -> dict[str, tuple[str, object]]:
    """Every field a text may quote: the ones above, and after each group's the cells areas name through their
    ``summary_fields()`` hook, as (field, what it counts, group, table, row label, column)."""
    named: dict[str, list] = {}
    for declared in areas.collect("summary_fields"):
        for name, label, group, table, row, column in declared:
            named.setdefault(group, []).append((name, (label, _table_cell(group, table, row, column))))
    last_of_group = {read.group: name for name, (_label, read) in _FIELDS.items()}
    result = {}
    for name, (label, read) in _FIELDS.items():
        result[name] = (label, read)
        if last_of_group[read.group] == name:
            result.update(named.pop(read.group, []))
    for rest in named.values():
        result.update(rest)
    return result


def values_of(groups: dict) -> dict[str, str]:
    """Every field's number as the documents print it, from the figure groups (by key)."""
    return {name: read(groups) for name, (_label, read) in fields().items()}


def tables_of(groups: dict) -> dict[str, dict]:
    """The tables of the sections that have one, as plain rows of text: {section key: {headers, rows, total}}."""
    tables = {}
    items = groups.get("items")
    if items is not None and len(items.tables) > 1:
        by_kind = items.tables[1]
        wanted = [by_kind.headers.index(c) for c in ("受理", "办结", "在办", "办结率", "满意率")]
        total = {f.key: f for f in items.figures}
        tables["items"] = {
            "headers": ["类别", "受理", "办结", "在办", "办结率", "满意率"],
            "rows": [[label, *(cells[i].shown() for i in wanted)] for label, cells in by_kind.rows],
            "total": ["合计", *(total[k].shown() for k in ("received", "closed", "open", "closed_rate",
                                                           "satisfied_rate"))]}
    activities = groups.get("activities")
    if activities is not None and activities.tables:
        tables["activities"] = {
            "headers": ["活动类型", "次数", "人次"],
            "rows": [[label, *(c.shown() for c in cells)] for label, cells in activities.tables[0].rows],
            "total": ["合计", activities.get("activities").shown(), activities.get("persons").shown()]}
    surveys = groups.get("surveys")
    if surveys is not None and surveys.tables:
        tables["surveys"] = {
            "headers": ["测评名称", "发出", "收回", "满意率"],
            "rows": [[label, *(c.shown() if hasattr(c, "shown") else c for c in cells)]
                     for label, cells in surveys.tables[0].rows],
            "total": ["合计", surveys.get("sent").shown(), surveys.get("answered").shown(), ""]}
    return tables


@dataclass(frozen=True)
class SectionKind:
    key: str
    title: str
    text: str  # with {we} (我院 / 全市法院) and {year}; the figure fields in double braces

    def draft(self, year: int, we: str) -> str:
        return self.text.format(year=year, we=we)


SECTIONS = [
    SectionKind("reception", "热情接待代表委员来访，认真听取意见建议",
                "{year}年，{we}坚持“联络之家”接待制度，院领导亲自接待来访的代表委员，做到来访有登记、意见有回音。"
                "全年共接待来访的人大代表、政协委员{{接待人次}}人次（接待{{接待次数}}次），其中人大代表{{来访人大代表人次}}人次、"
                "政协委员{{来访政协委员人次}}人次。对代表委员反映的问题，逐件登记，明确专人跟踪办理，及时反馈办理结果。"),
    SectionKind("hearings", "主动邀请代表委员旁听庭审，增强对法院工作的了解",
                "为增强法院工作的透明度，主动接受监督，{we}坚持定期或不定期邀请人大代表、政协委员旁听案件庭审。"
                "全年共邀请人大代表、政协委员{{旁听人次}}人次参加旁听{{旁听庭审场次}}起案件的庭审，发出邀请{{邀请旁听人次}}人次，"
                "出席率为{{旁听出席率}}。每次旁听庭审前，把相关案情资料发给每位代表委员；庭审后组织旁听代表委员座谈，"
                "认真听取代表委员对庭审程序和案件处理的意见建议。"),
    SectionKind("activities", "开展多种形式的联络活动，主动通报法院工作",
                "{we}通过走访、视察、座谈、评议等形式，主动向代表委员通报法院工作情况，虚心听取意见建议。"
                "全年共开展联络活动{{联络活动次数}}次，代表委员参加{{联络活动人次}}人次，其中座谈会{{座谈会次数}}次、"
                "走访{{走访次数}}次、视察{{视察次数}}次。各类活动情况见下表。"),
    SectionKind("items", "认真办理建议、提案和交办督办件，做到件件有回音",
                "{we}坚持“来件有登记、领导有批示、办理有专人、事事有结果、件件有回音”。全年共受理人大代表建议、"
                "政协委员提案{{建议提案受理}}件，已办结{{建议提案办结}}件，办结率为{{建议提案办结率}}，代表委员对办理工作满意率为"
                "{{建议提案满意率}}；受理上级机关交办的督办案件、来信和各级人大代表、政协委员关注的案件{{交办督办件受理}}件，"
                "已办结{{交办督办件办结}}件，办结率为{{交办督办件办结率}}，剩余{{交办督办件在办}}件正在办理。分类办理情况见下表。"),
    SectionKind("duty", "做好代表向选民述职的服务保障",
                "{we}配合人大常委会做好代表向选民述职工作，为代表撰写述职报告、召开述职会提供服务保障。"
                "全年代表提交述职报告{{述职报告份数}}份，其中当面述职{{当面述职人数}}人、书面述职{{书面述职人数}}人，"
                "已备案{{述职备案份数}}份。"),
    SectionKind("surveys", "开展民意测评，虚心听取对法院工作的评价",
                "{we}向代表委员寄发民意测评表和征求意见函，全年开展民意测评、征求意见{{民意测评次数}}次，"
                "发出{{测评发出份数}}份，收回{{测评收回份数}}份，回收率为{{测评回收率}}。各次测评结果见下表。"),
    SectionKind("notices", "畅通信息渠道，定期通报法院工作",
                "{we}开通代表委员短信联络平台和电子信箱，定期通报法院重大工作信息，在节日期间向代表委员发送慰问短信。"
                "全年共向代表委员发送短信{{发送短信条数}}条、电子邮件{{发送邮件封数}}封，编发《法院工作信息》{{法院工作信息期数}}期。"),
    SectionKind("pairing", "认真开展结对联络活动",
                "{we}落实院领导与代表委员结对联络制度，院领导{{结对院领导人数}}人与代表委员结成{{结对关系数}}对结对联络关系，"
                "虚心听取代表、委员意见，增进代表委员对人民法院工作的了解和支持。全年开展结对联络活动{{结对联络次数}}次、"
                "{{结对联络人次}}人次，"
                "节日走访{{节日走访次数}}次。"),
    SectionKind("next", "下一步工作打算",
                "（一）继续坚持定期邀请代表委员座谈、视察和旁听庭审制度，进一步拓宽联络渠道。\n"
                "（二）健全代表建议、意见督办落实和反馈机制，对不能按期办结的，及时报告办理进展情况。\n"
                "（三）深化结对联络工作，做到联络有记录、意见有反馈、建议有落实。"),
]
SECTION_KINDS = {kind.key: kind for kind in SECTIONS}


@dataclass(frozen=True)
class Part:
    """A piece of a text as read: prose, or a field with its number (``known``: a field of ``fields()``)."""

    text: str
    field: str = ""
    known: bool = False


def parts(text: str, values: dict[str, str]) -> list[list[Part]]:
    """The text's paragraphs, each a list of prose and fields with their numbers; an unknown field stays as typed."""
    paragraphs = []
    for line in text.split("\n"):
        found, last = [], 0
        for match in FIELD.finditer(line):
            name = match.group(1)
            if name not in fields():
                continue
            if match.start() > last:
                found.append(Part(line[last:match.start()]))
            found.append(Part(values.get(name, "—"), field=name, known=True))
            last = match.end()
        if last < len(line):
            found.append(Part(line[last:]))
        paragraphs.append(found)
    return paragraphs


def rendered(text: str, values: dict[str, str]) -> str:
    """The text with every known field replaced by its number."""
    return FIELD.sub(lambda m: values.get(m.group(1), "—") if m.group(1) in fields() else m.group(0), text)


def fields_in(text: str) -> list[str]:
    """The known fields a text quotes, each once, in order."""
    return list(dict.fromkeys(m.group(1) for m in FIELD.finditer(text) if m.group(1) in fields()))


def unknown_fields(text: str) -> list[str]:
    return list(dict.fromkeys(m.group(1) for m in FIELD.finditer(text) if m.group(1) not in fields()))
