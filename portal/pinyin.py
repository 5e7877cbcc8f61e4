"""Pinyin keys for Chinese names, so that ``zs`` or ``zhangsan`` finds 张三 and lists sort by reading."""
from pypinyin import Style, lazy_pinyin

# Surnames whose reading as a surname differs from the character's common reading.
# Compound surnames come first so that 单于 is read before 单.
SURNAME_READINGS: dict[str, list[str]] = {
    "万俟": ["mo", "qi"], "尉迟": ["yu", "chi"], "单于": ["chan", "yu"], "长孙": ["zhang", "sun"],
    "令狐": ["ling", "hu"], "澹台": ["tan", "tai"],
    "曾": ["zeng"], "单": ["shan"], "解": ["xie"], "仇": ["qiu"], "区": ["ou"], "查": ["zha"], "朴": ["piao"],
    "覃": ["qin"], "乐": ["yue"], "盖": ["ge"], "缪": ["miao"], "翟": ["zhai"], "尉": ["yu"], "员": ["yun"],
    "种": ["chong"], "秘": ["bi"], "薄": ["bo"], "纪": ["ji"], "繁": ["po"], "谌": ["chen"], "句": ["gou"],
    "折": ["she"], "召": ["shao"], "重": ["chong"], "藏": ["zang"], "祭": ["zhai"], "洗": ["xian"],
    "牟": ["mu"], "能": ["nai"], "柏": ["bai"], "阚": ["kan"], "隗": ["wei"], "华": ["hua"], "任": ["ren"],
    "沈": ["shen"], "贾": ["jia"], "石": ["shi"], "葛": ["ge"], "蔚": ["yu"], "那": ["na"], "宿": ["su"],
    "都": ["du"], "过": ["guo"], "燕": ["yan"], "相": ["xiang"], "黑": ["he"], "冼": ["xian"], "车": ["che"],
}


def name_syllables(name: str) -> list[str]:
    """The pinyin syllables of a personal name, reading the surname as a surname."""
    name = name.strip()
    for length in (2, 1):
        surname = name[:length]
        if len(name) > length and surname in SURNAME_READINGS:
            return SURNAME_READINGS[surname] + _syllables(name[length:])
    return _syllables(name)


def _syllables(text: str) -> list[str]:
    return [s.lower() for s in lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: list(chars)) if s.strip()]


def name_keys(name: str) -> tuple[str, str]:
    """``("zhangsan", "zs")`` for 张三: the full reading and the initials, both lowercase without spaces."""
    syllables = name_syllables(name)
    return "".join(syllables), "".join(s[0] for s in syllables if s)

