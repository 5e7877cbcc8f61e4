"""案号: checking and normalising case numbers in the official form, e.g. （2024）桂0981民初1234号.

The form (最高人民法院《关于人民法院案件案号的若干规定》): the year in brackets, the province's one-character
abbreviation and the court's code digits (none for a high court), the case-type characters, the sequence number
and 号. Full-width or ASCII brackets and digits are accepted; the stored form uses full-width brackets （）.
"""
import re
import unicodedata
from dataclasses import dataclass

from portal import clock
from portal.models import LabeledEnum


class CaseType(LabeledEnum):
    """The kind of case a 案号 names (and a hearing's 案件类型)."""

    CRIMINAL = "criminal", "刑事"
    CIVIL = "civil", "民事"
    ADMINISTRATIVE = "administrative", "行政"
    EXECUTION = "execution", "执行"


# Case-type characters (类型代字) the portal accepts, by the case type they belong to.
CASE_TYPE_CODES: dict[str, CaseType | None] = {
    **{code: CaseType.CIVIL for code in ("民初", "民终", "民再", "民申", "民抗", "民监", "民特", "民催", "民督", "民撤",
                                         "民辖", "民辖终", "民他", "民请", "民认", "民破")},
    **{code: CaseType.CRIMINAL for code in ("刑初", "刑终", "刑再", "刑申", "刑抗", "刑监", "刑更", "刑核", "刑止",
                                            "刑他", "刑辖", "刑医", "刑没")},
    **{code: CaseType.ADMINISTRATIVE for code in ("行初", "行终", "行再", "行申", "行抗", "行监", "行审", "行审复",
                                                  "行他", "行辖", "行辖终", "行赔初", "行赔终", "行赔申")},
    **{code: CaseType.EXECUTION for code in ("执", "执恢", "执保", "执异", "执复", "执监", "执协", "执他")},
    **{code: None for code in ("破", "破申", "破终", "强清", "司惩", "司救")},
}
EXAMPLE = "（2024）桂0981民初1234号"
COMMON_CODES = "民初、民终、刑初、刑终、行初、行终、执、执恢"

_BRACKETS = str.maketrans({"〔": "(", "〕": ")", "[": "(", "]": ")", "【": "(", "】": ")"})
_FORM = re.compile(r"^\((?P<year>\d+)\)(?P<rest>.*)号$")
_REST = re.compile(r"^(?P<province>[\u4e00-\u9fff])(?P<court>\d{0,4})(?P<code>\D{1,4})(?P<seq>\d+)$")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class CaseNumber:
    value: str  # normalised, e.g. （2024）桂0981民初1234号
    year: int
    code: str  # 民初
    case_type: CaseType | None  # what the code says the case is, when it says


def parse_case_number(raw: str | None) -> tuple[CaseNumber | None, str | None]:
    """The normalised case number, or a Chinese message saying what is wrong and how it should look."""
    text = unicodedata.normalize("NFKC", raw or "").translate(_BRACKETS)
    text = re.sub(r"\s+", "", text)
    if not text:
        return None, "请填写案号。"
    if not text.startswith("("):
        return None, f"案号应以括号括起的四位年份开头，如“{EXAMPLE}”。"
    if not text.endswith("号"):
        return None, f"案号应以“号”结尾，如“{EXAMPLE}”。"
    form = _FORM.match(text)
    if not form:
        return None, f"案号的年份应写在括号内，如“{EXAMPLE}”。"
    year = form["year"]
    if len(year) != 4 or not 1949 <= int(year) <= clock.today().year + 1:
        return None, f"案号中的年份“{year}”不正确，应为四位数的立案年份。"
    rest = form["rest"]
    if not rest or not _CJK.match(rest):
        return None, f"年份后应为省份简称和法院代字，如“桂0981”（{EXAMPLE}）。"
    parts = _REST.match(rest)
    if not parts:
        if not re.search(r"\d$", rest):
            return None, f"案件类型代字后应写明案件序号，如“民初1234号”（{EXAMPLE}）。"
        return None, f"案号格式不正确，应为“{EXAMPLE}”的形式：年份、省份简称与法院代字、案件类型代字、序号、“号”。"
    code = parts["code"]
    if code not in CASE_TYPE_CODES:
        return None, f"无法识别的案件类型代字“{code}”，常用的有：{COMMON_CODES}。"
    sequence = parts["seq"]
    if sequence.startswith("0"):
        return None, "案件序号不应以 0 开头。"
    if len(sequence) > 6:
        return None, "案件序号过长，请核对。"
    value = f"（{year}）{parts['province']}{parts['court']}{code}{sequence}号"
    return CaseNumber(value=value, year=int(year), code=code, case_type=CASE_TYPE_CODES[code]), None
