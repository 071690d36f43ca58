"""Hot issues: group opinions about the same problem and rank the groups by a heat index.

"The same problem" means the same place (or group of people), the same topic, close in time:
  * place — named places are found in the title with a pattern for place names ("A5区劳动东路魅力之城小区" →
    劳动东, 魅力之城; "A市经济学院" → 经济学院), and every name so found is then looked for in all titles, so that
    "A市万科魅力之城商铺…" names 魅力之城 too. Two messages are at the same place when their names share three
    characters in a row (not counting an institutional suffix: all 幼儿园 share "幼儿园"), or a two-character name
    lies inside the other's. When the title names no place, the first lines are searched, but such a place only
    keeps messages apart, it never links them;
  * topic — cosine similarity of TF-IDF word vectors of the title (weight 1) and of the first 300 characters of the
    text (weight ½), with place names and administrative units masked, so that the problem is compared, not the
    address;
  * time — two messages further apart than `window_days` are not linked directly.
A message's title is taken without a greeting before it, and a title of nothing else ("尊敬的领导：", "？？？", "投诉")
is replaced by the first line of its text that says what the problem is (_subject).
Two messages are linked when they name the same place and their topic similarity is ≥ `same_place_threshold`
(0.15), or when they do not name different places and it is ≥ `threshold` (0.5). A message that names no place
keeps only its links to the places of its closest named match (`_hub_links`), so that it cannot join complaints
about different places. Groups are the connected components of the links, so a group can span longer than the
window through a chain of messages.

Heat index (docs/insights.md):
    heat = (P + r·(N − P) + ln(1 + S)) · 2^(−age / H)     for groups with P ≥ min_people (3), else not hot
P distinct people, N messages, r the weight of a further message by someone already counted (0.1), S support
(Σ over messages of max(0, likes − dislikes)), age the days from the group's latest message to the reference
time, H the half-life (180 days). People count most; support counts on a log scale, so one message with many
likes counts like a few more people, not like thousands.
"""

from __future__ import annotations

import contextlib
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from renda.insights import text as textlib

# Suffixes that name a kind of place. For homes the suffix is often dropped when people write ("魅力之城" for
# "魅力之城小区"), so it is cut off the name; for institutions it is part of the name ("经济学院", not "经济").
HOME_SUFFIXES = "小区|花园|家园|公寓|新城|苑|楼盘"
OTHER_SUFFIXES = (
    "大厦|广场|学院|大学|中学|小学|学校|幼儿园|卫生院|医院|村|社区|街道|公园|市场|商场|工业园|产业园|园区|车站|公司|物业|"
    "集团|酒店|银行|工地|搅拌站|加油站|大道|路"
)
# characters that do not occur inside a place name: they mark where a name cannot start or continue
_NOT_IN_NAME = "的了在是就怎么要能把被和与及对为从到有无不没我你他她它们这那该此请求问何吗呢啊还都也又很太最让给向"
_PLACE = re.compile(r"((?:(?![" + _NOT_IN_NAME + r"])[\u4e00-\u9fa5a-z0-9·]){2,12}?)(" + HOME_SUFFIXES + "|"
                    + OTHER_SUFFIXES + ")")
_HOME = re.compile(HOME_SUFFIXES)
_ADMIN_UNIT = re.compile(r"[a-z]\d{0,2}(?:市|区|县)|西地省")  # the masked administrative units of the data
_ADMIN_PREFIX = re.compile(r"^.*(?:[a-z]\d{0,2}(?:市|区|县)|西地省|县城|城区|市区|省|市|区|县|镇|乡|路|街)")
_PHASE = re.compile(r"[一二三四五六七八九十\d]+期")  # "三期小区" (of 县城三期小区): a phase of an estate, no name
_NOT_A_ROAD = "马走修出让带问半"  # 过马路, 走路, 修路 … are no road's name
_TOWN_NAMED = re.compile(r"[\u4e00-\u9fa5]{2,4}(?:镇|乡)$")
_GENERIC = re.compile(r"^(?:关于|反映|投诉|举报|咨询|建议|希望|要求|强烈|我们|我|该|本|这个|这|那|此|各|所在"
                      r"|附近|周边|一个|个|某)+")
# words that describe rather than name an institution: "配套幼儿园", "公办小学" are no particular place
_DESCRIPTIVE = re.compile(r"^(?:配套|公立|公办|民办|私立|普惠性?|新建|相关|全部|所有|一所|这所|该所"
                          r"|全市|全省|全区|全县)+")
# kinds of business or service: "物业公司", "房地产开发公司", "供电公司" name what a place is, not which one
_KIND = re.compile(r"(?:物业|房地产|地产|开发商?|建筑|建设|施工|装修|装饰|保安|运营|管理|服务|电力|供电|燃气|天然气"
                   r"|自来水|供水|水务|公交|客运|出租车|快递|物流|通信|保险|担保|投资|科技|实业|劳务|中介|培训|教育)+")
_SUFFIX = re.compile(HOME_SUFFIXES + "|" + OTHER_SUFFIXES)
COMMON_WORD_FREQ = 100  # a home "name" that is an ordinary word (幸福, 建设) is a place only with its suffix
BODY_WEIGHT = 0.5
# Words that greet the reader or say that a message is a request or a complaint, not what it is about: a first line
# of nothing else ("尊敬的各位领导：", "县长您好！", "投诉", "紧急求助") is no title. Stop words (尊敬, 领导, 希望 …)
# are gone before these are looked at; "0" is any number ("1、").
_SAY_NOTHING = frozenset({
    "各位", "大家", "好", "你们好", "同志", "书记", "主任", "县长", "市长", "区长", "镇长", "乡长", "局长",
    "代表", "亲爱", "早上好", "上午好", "下午好", "晚上好", "感谢", "打扰", "麻烦", "反映", "投诉", "举报",
    "实名", "咨询", "求助", "建议", "要求", "请求", "恳请", "恳求", "请", "帮帮", "帮忙", "紧急", "急", "急急",
    "在线", "标题", "无", "个", "想", "问", "一下", "尽快", "解决", "处理", "0"})
_CLAUSE_END = re.compile(r"[，,：:、！!？?。；;…~～\s]+")
SUBJECT_CHARS = 60  # as long as a title (monthly.message)


@dataclass(frozen=True)
class Place:
    name: str  # "魅力之城", "经济学院"
    suffix: int = 0  # length of the institutional suffix kept at the end of the name ("学院": 2)

    def grams(self) -> set[str]:
        """Three-character pieces of the name with at least two characters before its suffix: all 幼儿园 share
        "幼儿园", and "鑫天鑫城物业" and "泉塘长城物业" share "城物业" but are different estates' companies."""
        return {self.name[k:k + 3] for k in range(len(self.name) - 2) if k < len(self.name) - self.suffix - 1}


@dataclass(frozen=True)
class Message:
    id: str
    title: str
    body: str
    author: str
    at: datetime
    likes: int = 0
    dislikes: int = 0


@dataclass
class HotIssue:
    messages: list[Message]
    heat: float
    people: int
    support: int
    places: list[str]
    first_at: datetime
    last_at: datetime
    title: str  # the title of the message most similar to the rest of its group, of those whose title says what
    # the problem is if any (_subject)
    keywords: list[str] = field(default_factory=list)


def _place_matches(text: str) -> list[tuple[Place, str]]:
    """(place, matched text) of each named place in the text, found by the pattern of place names."""
    common = textlib.common_words(COMMON_WORD_FREQ)
    out = []
    for m in _PLACE.finditer(textlib.normalise(text)):
        name, suffix = m.group(1), m.group(2)
        core = _GENERIC.sub("", _ADMIN_PREFIX.sub("", name))
        if _HOME.fullmatch(suffix) or suffix == "路":
            if (len(core) < 2 or core.isascii() or (suffix == "路" and core[-1] in _NOT_A_ROAD)
                    or _PHASE.fullmatch(core)):
                continue
            if core not in common:
                out.append((Place(core), m.group(0)))
            elif suffix != "路":  # "幸福花园": an ordinary word names a place only with its suffix
                out.append((Place(core + suffix, len(suffix)), m.group(0)))
        else:
            core = _DESCRIPTIVE.sub("", core)
            if len(core) < 2 and (town := _TOWN_NAMED.search(_GENERIC.sub("", name))):
                core = town.group(0)  # "青山镇中学": a township's own school or clinic is named by the township
            if _KIND.fullmatch(core) or _SUFFIX.fullmatch(core):
                continue  # "物业公司", "集团公司": a kind of company, which every estate and town has
            if len(core) >= 2 and not core.isascii():
                out.append((Place(core + suffix, len(suffix)), m.group(0)))
    return out


def places(text: str) -> set[str]:
    """The named places of a text: "A5区劳动东路魅力之城小区" → {"劳动东", "魅力之城"}, "A市经济学院" → {"经济学院"},
    "青山镇中学门口" → {"青山镇中学"}."""
    return {place.name for place, _ in _place_matches(text)}


class Gazetteer:
    """Place names learnt from the titles of the messages themselves (plus any the congress knows), found again
    wherever they occur: "A市万科魅力之城商铺无排烟管道" names 魅力之城 although it has no 小区 after it."""

    def __init__(self, known: Iterable[Place]) -> None:
        self.by_first: dict[str, list[Place]] = defaultdict(list)
        # longest first; of one name, the form that knows its suffix first: the same order in every process
        for place in sorted((p for p in known if len(p.name) >= 3), key=lambda p: (-len(p.name), -p.suffix, p.name)):
            self.by_first[place.name[0]].append(place)

    def find(self, text: str) -> set[Place]:
        norm = textlib.normalise(text)
        found = set()
        for i, ch in enumerate(norm):
            for place in self.by_first.get(ch, ()):
                if norm.startswith(place.name, i):
                    found.add(place)
                    break
        return found


@dataclass
class _Located:
    title: list[set[Place]]  # places named in the title: strong evidence of "the same place"
    any: list[set[Place]]  # the title's, or else those of the first lines: used only to keep places apart


def _locate(messages: Sequence[Message], known: set[str]) -> _Located:
    own = [{place for place, _ in _place_matches(m.title)} for m in messages]
    gazetteer = Gazetteer({Place(name) for name in known}.union(*own))
    title = [o | gazetteer.find(m.title) for m, o in zip(messages, own, strict=True)]
    anywhere = []
    for m, found in zip(messages, title, strict=True):
        if not found:
            head = m.body[:80]
            found = {place for place, _ in _place_matches(head)} | gazetteer.find(head)
        anywhere.append(found)
    return _Located(title=title, any=anywhere)


def _place_matrix(place_sets: Sequence[set[Place]]) -> sparse.csr_matrix:
    """[i, j] > 0 when messages i and j name a common place: names sharing three characters in a row outside an
    institutional suffix, or a two-character name inside the other name."""
    grams: dict[str, int] = {}
    short: dict[str, int] = {}
    rows_g, cols_g, rows_s, cols_s, rows_a, cols_a = [], [], [], [], [], []
    for i, found in enumerate(place_sets):
        for place in found:
            for g in place.grams():
                rows_g.append(i)
                cols_g.append(grams.setdefault(g, len(grams)))
            if len(place.name) == 2:
                rows_s.append(i)
                cols_s.append(short.setdefault(place.name, len(short)))
    for i, found in enumerate(place_sets):  # every two-character piece of every name, to meet the short names
        for place in found:
            for k in range(len(place.name) - 1):
                if place.name[k:k + 2] in short:
                    rows_a.append(i)
                    cols_a.append(short[place.name[k:k + 2]])
    n = len(place_sets)

    def incidence(rows: list[int], cols: list[int], width: int) -> sparse.csr_matrix:
        return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, max(width, 1)))

    g = incidence(rows_g, cols_g, len(grams))
    s = incidence(rows_s, cols_s, len(short))
    a = incidence(rows_a, cols_a, len(short))
    return ((g @ g.T) + (s @ a.T) + (a @ s.T)).tocsr()


def place_spans(text: str) -> set[str]:
    """The places of a text as written, suffix included ("幸福花园小区", "青山镇中学"), and the bare words that name a
    kind of home ("小区", "花园"): what says where a problem is, not what it is."""
    norm = textlib.normalise(text)
    return {matched for _, matched in _place_matches(norm)} | set(_HOME.findall(norm))


def _masked(text: str, found: set[Place]) -> str:
    """The text with its place names, administrative units and words like 小区 replaced by a comma (not a space:
    see text.is_pretokenised)."""
    norm = _ADMIN_UNIT.sub("，", textlib.normalise(text))
    for span in sorted(place_spans(norm) | {place.name for place in found}, key=len, reverse=True):
        norm = norm.replace(span, "，")
    return _HOME.sub("，", norm)  # a bare "小区" left behind says nothing about the problem


def _without_greeting(line: str) -> str:
    """The line without the clauses it opens with that say nothing: "尊敬的领导：甲村路灯坏了" → "甲村路灯坏了",
    "？？？" → ""."""
    rest = line.strip()
    while rest:
        end = _CLAUSE_END.search(rest)
        clause = rest[:end.start()] if end else rest
        if any(w not in _SAY_NOTHING for w in textlib.words(clause)):
            return rest
        rest = rest[end.end():] if end else ""
    return ""


def _tells(text: str) -> bool:
    """Whether the text says what a problem is: a word besides stop words, place names, administrative units and
    _SAY_NOTHING ("幸福花园小区" alone does not, "德雅路什么时候修？" does)."""
    return any(w not in _SAY_NOTHING for w in textlib.words(_masked(text, set())))


@dataclass(frozen=True)
class _Subject:
    compared: str  # the title the message is compared by
    shown: str  # the title it gives its group
    rank: int  # 0: its own title says what the problem is; 1: a line of its text does; 2: nothing does


def _subject(m: Message) -> _Subject:
    """What the message is about, in its own words. A title is taken without a greeting before it ("尊敬的领导：甲村
    路灯坏了" → "甲村路灯坏了"). A title of nothing else (a greeting, punctuation, an emoji, "投诉") is replaced by
    the first line of the text that says what the problem is, to compare the message by and to title it: such a
    title left the vectoriser nothing to learn from, and every opinion's first line being "尊敬的领导：" failed the
    month's page. A title that names a place and no problem ("幸福花园小区") is still what the message is compared
    by, as before (its place links it, the text gives the topic); only the group's title adds that line to it
    ("幸福花园小区，楼下餐馆油烟直排")."""
    title = _without_greeting(m.title)
    if _tells(title):
        return _Subject(title, title, 0)
    line = next((text for raw in m.body[:300].splitlines() if _tells(text := _without_greeting(raw))), "")
    if not title:
        return _Subject(line[:SUBJECT_CHARS], line[:SUBJECT_CHARS] or m.title.strip(), 1 if line else 2)
    shown = line if title in line else f"{title}，{line}" if line else title
    return _Subject(title, shown[:SUBJECT_CHARS], 1 if line else 2)


def _topic_vectors(messages: Sequence[Message], place_sets: Sequence[set[Place]]) -> tuple[sparse.csr_matrix, list]:
    titles = [textlib.words(_masked(m.title, p)) for m, p in zip(messages, place_sets, strict=True)]
    bodies = [textlib.words(_masked(m.body[:300], p)) for m, p in zip(messages, place_sets, strict=True)]

    small = len(messages) < 50
    vt = TfidfVectorizer(analyzer=textlib.identity, sublinear_tf=True)
    vb = TfidfVectorizer(analyzer=textlib.identity, sublinear_tf=True, min_df=1 if small else 2,
                         max_df=1.0 if small else 0.3)
    blocks = []
    with contextlib.suppress(ValueError):  # ValueError: no subject has a word (see _subject)
        blocks.append(normalize(vt.fit_transform(titles)))
    with contextlib.suppress(ValueError):  # ValueError: no body word survives the document-frequency cut
        blocks.append(normalize(vb.fit_transform(bodies)) * math.sqrt(BODY_WEIGHT))
    if not blocks:  # not a word to compare the messages by: none is like another
        return sparse.csr_matrix((len(messages), 1)), titles
    return normalize(sparse.hstack(blocks).tocsr()), titles


@dataclass(frozen=True)
class Params:
    window_days: float = 365  # messages further apart are not linked directly
    same_place_threshold: float = 0.15  # topic similarity that links two messages naming the same place
    threshold: float = 0.5  # topic similarity that links two messages otherwise (places unknown)
    half_life_days: float = 180  # of the heat index's recency factor
    repeat_weight: float = 0.1  # of a further message by someone already counted
    min_people: int = 3  # an issue raised by one or two people is not "hot", however often they write


PAIR_BLOCK = 512  # rows of the similarity product computed at once


def _candidate_pairs(x: sparse.csr_matrix, days: np.ndarray, min_sim: float, window_days: float
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(i, j, similarity) of the pairs i < j at least `min_sim` alike and at most `window_days` apart, computed a
    block of rows at a time: the whole product of a few thousand messages is nearly dense (any two share some
    word) and held about 0.5 GB for 4,326 messages."""
    xt = x.T.tocsc()
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for start in range(0, x.shape[0], PAIR_BLOCK):
        cos = (x[start:start + PAIR_BLOCK] @ xt).tocoo()
        row = cos.row + start
        keep = (row < cos.col) & (cos.data >= min_sim) & (np.abs(days[row] - days[cos.col]) <= window_days)
        found.append((row[keep], cos.col[keep], cos.data[keep]))
    if not found:
        return np.array([], dtype=int), np.array([], dtype=int), np.array([])
    return (np.concatenate([f[0] for f in found]), np.concatenate([f[1] for f in found]),
            np.concatenate([f[2] for f in found]))


def _links(x: sparse.csr_matrix, located: _Located, days: np.ndarray, p: Params) -> sparse.coo_matrix:
    """The pairs of messages about the same problem (see the module docstring)."""
    rows, cols, sims = _candidate_pairs(x, days, min(p.same_place_threshold, p.threshold), p.window_days)
    n = len(days)
    if not len(rows):  # no candidate pair (scipy cannot index a sparse matrix with empty arrays)
        return sparse.coo_matrix((n, n))
    same_any = _place_matrix(located.any)
    shared = np.asarray(_place_matrix(located.title)[rows, cols]).ravel() > 0
    apart = np.asarray(same_any[rows, cols]).ravel() == 0
    named = np.array([bool(found) for found in located.any])
    conflict = named[rows] & named[cols] & apart
    ok = np.where(shared, sims >= p.same_place_threshold, (sims >= p.threshold) & ~conflict)
    ok &= ~_hub_links(rows, cols, sims, ok, named, same_any)
    return sparse.coo_matrix((np.ones(int(ok.sum())), (rows[ok], cols[ok])), shape=(n, n))


def _hub_links(rows: np.ndarray, cols: np.ndarray, sims: np.ndarray, ok: np.ndarray, named: np.ndarray,
               same_any: sparse.csr_matrix) -> np.ndarray:
    """The links of a message that names no place to messages at another place than its closest named match: a
    message "麻将馆扰民" with no place must not join 麻将馆 complaints of five different estates into one issue."""
    drop = np.zeros(len(rows), dtype=bool)
    by_hub: dict[int, list[tuple[float, int, int]]] = defaultdict(list)  # hub → (similarity, neighbour, link)
    for link in np.flatnonzero(ok & (named[rows] != named[cols])).tolist():
        hub, other = (int(rows[link]), int(cols[link])) if not named[rows[link]] else (int(cols[link]), int(rows[link]))
        by_hub[hub].append((float(sims[link]), other, link))
    for links in by_hub.values():
        if len(links) < 2:
            continue
        _, closest, _ = max(links)
        for _, other, link in links:
            if other != closest and same_any[closest, other] == 0:
                drop[link] = True
    return drop


def _group(messages: Sequence[Message], p: Params, located: _Located, x: sparse.csr_matrix) -> list[list[int]]:
    days = np.array([m.at.timestamp() / 86400 for m in messages])
    _, comp = connected_components(_links(x, located, days, p), directed=False)
    members: dict[int, list[int]] = defaultdict(list)
    for i, c in enumerate(comp):
        members[int(c)].append(i)
    return sorted(members.values(), key=lambda g: (-len(g), g[0]))


def group(messages: Sequence[Message], p: Params = Params(), *,
          known_places: Iterable[str] = ()) -> list[list[int]]:
    """Indices of messages grouped by problem, biggest group first (single messages are groups of one)."""
    if not messages:
        return []
    read = _read(messages, known_places)
    return _group(read.compared, p, read.located, read.x)


@dataclass(frozen=True)
class _Read:
    """What grouping reads of the messages: each one's subject, the messages with the title they are compared by,
    their places, their topic vectors and the words of those titles."""

    subjects: list[_Subject]
    compared: list[Message]
    located: _Located
    x: sparse.csr_matrix
    titles: list[list[str]]


def _read(messages: Sequence[Message], known_places: Iterable[str]) -> _Read:
    subjects = [_subject(m) for m in messages]
    compared = [replace(m, title=s.compared) for m, s in zip(messages, subjects, strict=True)]
    located = _locate(compared, set(known_places))
    x, titles = _topic_vectors(compared, located.title)
    return _Read(subjects, compared, located, x, titles)


def heat(msgs: Sequence[Message], *, now: datetime, p: Params = Params()) -> tuple[float, int, int]:
    """(heat, distinct people, support) of one group: see the module docstring for the formula."""
    people = len({m.author for m in msgs})
    support = sum(max(0, m.likes - m.dislikes) for m in msgs)
    age = max(0.0, (now - max(m.at for m in msgs)).total_seconds() / 86400)
    base = people + p.repeat_weight * (len(msgs) - people) + math.log1p(support)
    return base * 2 ** (-age / p.half_life_days), people, support


def _most_common(counts: Counter[str], n: int) -> list[str]:
    """The n most frequent, ties by name: the same in every process (a set's order changes with the hash seed)."""
    return [key for key, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]


def hot_issues(messages: Sequence[Message], *, now: datetime | None = None, p: Params = Params(),
               known_places: Iterable[str] = (), top: int | None = None) -> list[HotIssue]:
    """Groups of messages about one problem, hottest first. `now` defaults to the latest message's time;
    `known_places` are place names the congress knows (villages, estates, schools) beyond those in the titles."""
    if not messages:
        return []
    now = now or max(m.at for m in messages)
    read = _read(messages, known_places)
    subjects, compared, located, x, titles = read.subjects, read.compared, read.located, read.x, read.titles
    issues = []
    for idx in _group(compared, p, located, x):
        msgs = [messages[i] for i in idx]
        h, people, support = heat(msgs, now=now, p=p)
        if people < p.min_people:
            continue
        rows = x[idx]
        centre = np.asarray(rows @ rows.sum(axis=0).T).ravel()
        # the subject of the message most like the rest, of those whose own title says what the problem is if any:
        # a line found in the text titles the group only when no title says more
        best = idx[min(range(len(idx)), key=lambda k: (subjects[idx[k]].rank, -centre[k]))]
        place_count = Counter(place.name for i in idx for place in located.any[i])
        # the words of the titles the group is shown by: of a place alone ("幸福花园小区"), the line of its text
        word_count = Counter(w for i in idx for w in set(titles[i] if subjects[i].shown == compared[i].title else
                                                         textlib.words(_masked(subjects[i].shown, located.any[i])))
                             if len(w) >= 2 and w not in _SAY_NOTHING)
        issues.append(HotIssue(
            messages=sorted(msgs, key=lambda m: m.at), heat=round(h, 3), people=people, support=support,
            places=_most_common(place_count, 3), first_at=min(m.at for m in msgs),
            last_at=max(m.at for m in msgs), title=subjects[best].shown,
            keywords=_most_common(word_count, 5)))
    issues.sort(key=lambda g: -g.heat)
    return issues[:top] if top else issues
