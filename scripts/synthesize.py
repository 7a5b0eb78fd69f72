"""Write a deterministic synthetic content tree of about N records, for scaling tests and demos.

    python scripts/synthesize.py --records 2000 --out /tmp/synthetic/content [--seed 1]

The same arguments always give byte-identical files. The records follow
content format v1 and pass `disclose validate --as-of 2026-11-27` with no
errors and no warnings: every event date is on or before that day, and a
public record's required relations point at public records only (optional
ones, a finding's meeting and a notice's related records, may point at
internal records, which the public build leaves out).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

AS_OF = dt.date(2026, 11, 27)
START = dt.date(2021, 1, 4)
MIN_RECORDS = 20
DAY = dt.timedelta(days=1)

FOLDERS = {
    "team": "teams",
    "unit": "units",
    "meeting": "meetings",
    "finding": "findings",
    "rectification": "rectifications",
    "notice": "notices",
}

# Shares of internal records, chosen so that about 10% of all records are internal.
INTERNAL_UNIT = 0.07
INTERNAL_FINDING = 0.015
INTERNAL_CASE = 0.4  # discipline violations are kept internal more often
INTERNAL_RECT = 0.02
INTERNAL_MEETING = 0.1
INTERNAL_NOTICE = 0.1

# -- word banks: (English, Chinese) --------------------------------------------------------------

# code, department (en, zh), topic (en, zh)
DEPARTMENTS = [
    ("EDU", "Municipal Education Bureau", "市教育局", "education", "教育"),
    ("HLTH", "Municipal Health Commission", "市卫生健康委员会", "health", "卫生健康"),
    ("TRN", "Municipal Transport Bureau", "市交通运输局", "transport", "交通运输"),
    ("HUD", "Municipal Housing and Urban-Rural Development Bureau", "市住房和城乡建设局", "construction", "建设"),
    ("WAT", "Municipal Water Affairs Bureau", "市水务局", "water", "水务"),
    ("CIV", "Municipal Civil Affairs Bureau", "市民政局", "civil affairs", "民政"),
    ("HRSS", "Municipal Human Resources and Social Security Bureau", "市人力资源和社会保障局", "social security", "社会保障"),
    ("ENV", "Municipal Ecology and Environment Bureau", "市生态环境局", "environmental", "生态环境"),
    ("AGR", "Municipal Agriculture and Rural Affairs Bureau", "市农业农村局", "agricultural", "农业农村"),
    ("COM", "Municipal Commerce Bureau", "市商务局", "commerce", "商务"),
    ("CTS", "Municipal Culture, Tourism and Sports Bureau", "市文化广电旅游体育局", "culture and tourism", "文化旅游"),
    ("MKT", "Municipal Market Regulation Administration", "市市场监督管理局", "market regulation", "市场监管"),
    ("EMG", "Municipal Emergency Management Bureau", "市应急管理局", "emergency", "应急管理"),
    ("STA", "Municipal Statistics Bureau", "市统计局", "statistics", "统计"),
    ("FIN", "Municipal Finance Bureau", "市财政局", "public finance", "财政"),
    ("AUD", "Municipal Audit Bureau", "市审计局", "audit", "审计"),
    ("JUS", "Municipal Justice Bureau", "市司法局", "legal", "法律服务"),
    ("VET", "Municipal Veterans Affairs Bureau", "市退役军人事务局", "veterans", "退役军人服务"),
    ("FOR", "Municipal Forestry and Landscaping Bureau", "市林业和园林局", "landscaping", "园林绿化"),
    ("URB", "Municipal Urban Management Bureau", "市城市管理局", "urban management", "城市管理"),
    ("DRC", "Municipal Development and Reform Commission", "市发展和改革委员会", "development", "发展改革"),
    ("SCI", "Municipal Science and Technology Bureau", "市科学技术局", "science and technology", "科技"),
    ("GSA", "Municipal Government Services Administration", "市政务服务管理局", "government services", "政务服务"),
    ("MED", "Municipal Medical Security Bureau", "市医疗保障局", "medical insurance", "医疗保障"),
    ("PNR", "Municipal Planning and Natural Resources Bureau", "市规划和自然资源局", "land and planning", "自然资源"),
    ("IIT", "Municipal Bureau of Industry and Information Technology", "市工业和信息化局", "industry", "工业"),
    ("MOAA", "Municipal Organ Affairs Administration", "市机关事务管理局", "organ affairs", "机关事务"),
    ("GO", "General Office of the Municipal Government", "市政府办公厅", "government affairs", "政务"),
    ("HPF", "Municipal Housing Provident Fund Management Centre", "市住房公积金管理中心", "provident fund", "公积金"),
    ("PORT", "Municipal Port and Shipping Bureau", "市港航管理局", "port and shipping", "港航"),
]  # fmt: skip

# Beyond one team per municipal department, teams are stationed at the districts' departments.
DISTRICTS = [
    ("DC", "Dongcheng District", "东城区"), ("XC", "Xicheng District", "西城区"),
    ("NS", "Nanshan District", "南山区"), ("BH", "Beihu District", "北湖区"),
    ("JK", "Jiangkou District", "江口区"), ("QS", "Qingshan District", "青山区"),
    ("HX", "Hexi District", "河西区"), ("GX", "Gaoxin District", "高新区"),
]  # fmt: skip

# unit type (en, zh), index into LEADER_TITLES
UNIT_TYPES = [
    ("Service Centre", "服务中心", 0), ("Information Centre", "信息中心", 0),
    ("Research Institute", "研究院", 1), ("Training Centre", "培训中心", 0),
    ("Monitoring Station", "监测站", 2), ("Archives", "档案馆", 0),
    ("Administrative Law Enforcement Detachment", "综合行政执法支队", 3),
    ("Affairs Service Centre", "事务服务中心", 0), ("Development Centre", "发展中心", 0),
    ("Testing and Inspection Centre", "检验检测中心", 0), ("Evaluation and Review Centre", "评审中心", 0),
    ("Project Management Office", "项目管理办公室", 0), ("Publicity and Education Centre", "宣传教育中心", 0),
    ("Fund Management Centre", "资金管理中心", 0), ("Logistics Service Centre", "后勤服务中心", 0),
    ("Emergency Command Centre", "应急指挥中心", 0), ("Planning and Design Institute", "规划设计院", 1),
    ("Data Centre", "数据中心", 0), ("Quality Supervision Station", "质量监督站", 2),
    ("Assets Management Centre", "资产管理中心", 0),
]  # fmt: skip

LEADER_TITLES = [
    ("Party Branch Secretary and Director", "党支部书记、主任"),
    ("Party Committee Secretary and President", "党委书记、院长"),
    ("Party Branch Secretary and Station Chief", "党支部书记、站长"),
    ("Party Branch Secretary and Detachment Leader", "党支部书记、支队长"),
]

UNIT_ROLES = [
    ("Handles the {topic} services of the department for the public and enterprises, much of it through outsourced contracts.",
     "承担{topic}领域面向群众和企业的服务事项，部分业务通过购买服务开展。"),
    ("Runs the {topic} information systems of the department and keeps its statistics and archives.",
     "负责{topic}系统信息化建设运维，管理统计数据和业务档案。"),
    ("Inspects and tests on behalf of the department and charges fees for some of its services.",
     "受主管部门委托开展{topic}领域检验检测工作，部分服务项目收取费用。"),
    ("Manages the special {topic} funds and the related procurement of the department.",
     "管理{topic}专项资金，组织相关政府采购工作。"),
    ("Carries out {topic} field work across the city; most of its staff spend weeks away from the office.",
     "承担全市{topic}外业工作，大部分职工长期在一线。"),
]  # fmt: skip

SURNAMES = [
    ("Wang", "王"), ("Li", "李"), ("Zhang", "张"), ("Liu", "刘"), ("Chen", "陈"), ("Yang", "杨"),
    ("Zhao", "赵"), ("Huang", "黄"), ("Zhou", "周"), ("Wu", "吴"), ("Xu", "徐"), ("Sun", "孙"),
    ("Hu", "胡"), ("Zhu", "朱"), ("Gao", "高"), ("Lin", "林"), ("He", "何"), ("Guo", "郭"),
    ("Ma", "马"), ("Luo", "罗"), ("Liang", "梁"), ("Song", "宋"), ("Zheng", "郑"), ("Xie", "谢"),
    ("Han", "韩"), ("Tang", "唐"), ("Feng", "冯"), ("Deng", "邓"), ("Cao", "曹"), ("Peng", "彭"),
]  # fmt: skip
GIVEN_NAMES = [
    ("Wei", "伟"), ("Fang", "芳"), ("Min", "敏"), ("Jing", "静"), ("Lei", "磊"), ("Yang", "洋"),
    ("Yong", "勇"), ("Jun", "军"), ("Jie", "杰"), ("Tao", "涛"), ("Ming", "明"), ("Chao", "超"),
    ("Xiuying", "秀英"), ("Hua", "华"), ("Ping", "平"), ("Gang", "刚"), ("Hui", "辉"), ("Jianguo", "建国"),
    ("Haitao", "海涛"), ("Hongwei", "宏伟"), ("Xiaodong", "晓东"), ("Wenbin", "文斌"), ("Li", "丽"),
    ("Yan", "燕"), ("Bin", "斌"), ("Peng", "鹏"), ("Yun", "云"), ("Feng", "峰"), ("Qiang", "强"), ("Lin", "琳"),
]  # fmt: skip

# category -> (weight, titles, what the team found)
CATEGORIES = {
    "two-responsibilities": (8, [
        ('Pressure of the "two responsibilities" not passed down to the sections', "“两个责任”压力传导不到位"),
        ("Top leader's first responsibility not carried down to the front line", "第一责任人责任未压实到基层一线"),
        ("Responsibility statements signed but not broken down into tasks", "党风廉政建设责任书签而不落"),
        ("Supervisory duties of the deputy leaders not exercised", "班子成员“一岗双责”履行不到位"),
    ], [
        ("the leadership had signed the annual responsibility statements, but the sections below had not broken them down into tasks of their own",
         "领导班子签订了年度党风廉政建设责任书，但各科室未将责任分解为具体任务"),
        ("section chiefs could not name the integrity risks of their own posts, although the unit handles payments and approvals",
         "科室负责人说不出本岗位廉政风险点，而该单位恰恰承担资金支付和审批事项"),
    ]),
    "cadre-supervision": (9, [
        ("Education, management and supervision of cadres not in place", "干部教育管理监督不到位"),
        ("Reports on cadres' personal matters not checked", "领导干部个人有关事项报告未核查"),
        ("No integrity talks with staff in key posts", "未对重点岗位人员开展廉政谈话"),
        ("Staff in key posts not rotated", "重点岗位人员未按规定轮岗交流"),
    ], [
        ("integrity education reached the office staff but not the teams that work in the field and handle procurement",
         "廉政教育只覆盖机关人员，未覆盖长期在外业、负责采购的一线人员"),
        ("the reports of cadres on personal matters were collected every year but never checked against any record",
         "干部个人有关事项报告每年收集，但从未与任何记录比对核查"),
    ]),
    "work-style": (8, [
        ("Applicants passed from window to window", "窗口服务推诿扯皮"),
        ("Field verification reports written without going to the field", "现场核查报告未到现场即出具"),
        ("Meetings and documents multiplied instead of solving problems", "文山会海问题突出，形式主义抬头"),
        ("Allowances paid without checking work records", "未核对工作记录即发放补贴"),
    ], [
        ("staff passed cases that did not fit a standard procedure from one window to another, and no one was responsible for them",
         "工作人员对不符合标准流程的事项相互推诿，无人牵头负责"),
        ("forms were filled in and reports signed without the work they describe having been done",
         "存在只填表格、不干实事的情况，报告所述工作并未实际开展"),
    ]),
    "party-building": (6, [
        ("Party building tight at the top and loose below", "党建工作上热中温下冷"),
        ("Organisational life of the party branch held only on paper", "支部组织生活流于形式"),
        ("No analysis of cadres' political and ideological situation", "未开展干部思想政治状况分析"),
        ("Theoretical study replaced by reading documents aloud", "理论学习以读文件代替"),
    ], [
        ("the branch committee meets regularly, but study sessions are cancelled whenever a deadline comes up",
         "支委会按期召开，但一遇业务任务就取消集中学习"),
        ("the branch had not once looked into how its members were doing politically, ideologically and in their work style",
         "支部从未对党员干部思想、作风状况进行分析研判"),
    ]),
    "mass-contact": (6, [
        ("Contact with enterprises and the public not close enough", "联系服务企业群众不够紧密"),
        ("Complaints from the hotline closed without a reply", "热线投诉未答复即办结"),
        ("Service commitments not published", "服务承诺未向社会公开"),
        ("Enterprise visits not recorded or followed up", "走访企业无记录、无跟踪"),
    ], [
        ("the unit relies on its hotline and hardly ever visits the enterprises and residents it serves",
         "该单位依赖服务热线，很少主动走访服务对象"),
        ("complaints were marked as settled in the system before anyone had contacted the complainant",
         "投诉件在未联系投诉人的情况下即在系统中标记办结"),
    ]),
    "discipline-violation": (3, [
        ("A staff member accepted benefits from a supplier", "工作人员收受供应商好处"),
        ("Public funds used for banquets under the name of meetings", "以会议名义使用公款宴请"),
        ("Official vehicle used for private purposes", "公车私用"),
        ("Gifts accepted during the holidays", "节日期间违规收受礼品"),
    ], [
        ("a staff member accepted benefits from a supplier in return for signing off short deliveries",
         "一名工作人员收受供应商好处，对短斤少两的货物予以验收"),
        ("expenses for banquets were booked as meeting services and approved without any check",
         "宴请费用以会议服务名义列支，审批时未作任何核对"),
    ]),
    "other": (5, [
        ("Idle assets disposed of without a collective decision", "闲置资产处置未经集体决策"),
        ("Charges for services not published or itemised", "服务收费未公示、未列明细"),
        ("Weak link in the risk prevention of procurement", "采购环节廉政风险防控薄弱"),
        ("Approval records missing for expenses", "费用支出缺少审批记录"),
    ], [
        ("technical requirements are written, evaluated and accepted by the same section, and no one outside it reviews them",
         "技术需求的编制、评审和验收由同一科室完成，缺少外部审核"),
        ("two batches of idle equipment were sold on the decision of a section chief, without a collective decision or a valuation",
         "两批闲置设备由科室负责人决定出售，未经集体决策，也未进行评估"),
    ]),
}  # fmt: skip

SOURCES = [
    ("daily-supervision", 40),
    ("reporting-meeting", 22),
    ("interview", 10),
    ("inspection", 10),
    ("petition", 8),
    ("audit", 6),
    ("other", 4),
]
SOURCE_OPENERS = {
    "daily-supervision": ("During daily supervision the team found that", "派驻纪检监察组在日常监督中发现，"),
    "reporting-meeting": ("At the reporting meeting it became clear that", "述责述廉会上反映出，"),
    "interview": ("In the interview with the top leader the team learned that", "在与主要负责人谈话中了解到，"),
    "inspection": ("A spot check by the team showed that", "派驻纪检监察组抽查发现，"),
    "petition": ("A complaint forwarded to the team, and the team's own check, showed that", "经核查群众来信反映的问题，发现"),
    "audit": ("An audit shared with the team found that", "审计部门移送的审计报告显示，"),
    "other": ("The unit's own self-inspection, reported to the team, showed that", "单位自查并向派驻纪检监察组报告，"),
}  # fmt: skip
CONSEQUENCES = [
    ("The responsibility is felt at the top and hardly at all where the money is paid out.", "责任停留在上层，没有传导到资金支付的环节。"),
    ("Rules exist on paper, but nobody checks whether they are followed.", "制度写在纸上，执行情况无人检查。"),
    ("The problem is not limited to one person: the unit has no rule on who decides such cases.", "问题不只是个人的，单位对此类事项由谁决定没有规定。"),
    ("Without a check by someone outside the section, the risk stays invisible until a case breaks out.", "缺少科室以外的监督，风险在出事之前始终看不见。"),
    ("The unit knew of the problem from earlier years but had not treated it as its own.", "单位往年即已知晓该问题，但没有把它当作自己的问题。"),
    ("The amounts are small, but the habit is the point.", "涉及金额不大，但反映出的作风问题值得警惕。"),
]  # fmt: skip
# things checked (en, zh with measure word), what was missing (en, zh)
CHECKED_THINGS = [
    ("vouchers", "张凭证", "an approval record", "审批记录"),
    ("contracts", "份合同", "an acceptance record", "验收记录"),
    ("reports", "份报告", "a record of the site visit", "现场记录"),
    ("files", "卷档案", "the signature of the person responsible", "责任人签字"),
]
INTERNAL_NOTES = [
    ("The person concerned, {name}, was given a talk reminder by the team; the record is in the case file.",
     "已对相关责任人{name}进行谈话提醒，记录存入问题线索档案。"),
    ("About CNY {amount:,} is involved. The case was handed to the case review office on {date}.",
     "涉及金额约{amount:,}元。已于{date}移交案件审理室。"),
    ("The team checked with the finance section: {name} had approved every one of the payments.",
     "经与财务科核实，上述款项均由{name}审批。"),
    ("Passed on by the commission's letters and visits office; the complainant was informed on {date}.",
     "由委信访室转办，已于{date}向反映人反馈。"),
]  # fmt: skip
MEASURES = [
    ("Break the responsibility statement down into a task list for each section, signed by the section chief.", "将责任书分解为各科室任务清单，由科室负责人签字确认。"),
    ("Draw up a list of integrity risks for every post that handles money or approvals.", "梳理涉及资金和审批岗位的廉政风险点清单。"),
    ("Top leader to hold an integrity talk with every section chief and report the records to the team.", "主要负责人与各科室负责人逐一开展廉政谈话，记录报派驻纪检监察组。"),
    ("Check a random fifth of the cadres' reports on personal matters every year.", "每年随机抽查五分之一干部个人有关事项报告。"),
    ("Rotate the staff who accept deliveries and approve payments.", "对负责验收和付款审批的人员实行轮岗。"),
    ("Publish the fee schedule and itemise every invoice.", "公开收费标准，逐项列明发票明细。"),
    ("Introduce a first-window-responsible rule and publish a complaint number at every window.", "推行首问负责制，在每个窗口公布投诉电话。"),
    ("Party branch to analyse the political, ideological and work-style situation of staff every quarter.", "党支部每季度开展一次干部职工思想作风状况分析。"),
    ("Have a second person outside the section check every procurement above CNY 50,000.", "五万元以上采购由科室以外人员复核。"),
    ("Hold a warning education session using cases from the same sector.", "利用本系统典型案例开展警示教育。"),
    ("Link the allowance system to the field attendance log so the check is automatic.", "将补贴发放与外业考勤系统关联，实现自动核对。"),
    ("Put every disposal of assets to a collective decision of the leadership.", "资产处置事项一律提交领导班子集体决策。"),
]  # fmt: skip
PROGRESS_NOTES = [
    ("Task lists signed by all sections.", "各科室任务清单已全部签字。"),
    ("Risk list adopted by the party branch.", "廉政风险点清单经党支部审议通过。"),
    ("Integrity talks held; records sent to the team.", "廉政谈话已完成，记录已报派驻纪检监察组。"),
    ("First random check done; {n} corrections required.", "完成首次随机抽查，责令整改{n}处。"),
    ("Rules published at every window.", "制度已在各窗口公示。"),
    ("Warning education session held for {n} staff.", "组织{n}名干部职工开展警示教育。"),
    ("Rotation of {n} staff completed.", "已完成{n}名人员轮岗。"),
    ("Rectification slower than planned; the team asked for a written explanation.", "整改进度滞后，派驻纪检监察组要求作出书面说明。"),
    ("Amounts paid without grounds recovered from {n} staff members.", "已追回{n}名人员违规领取的款项。"),
]  # fmt: skip
DEADLINE_REASONS = [
    ("The new system depends on a tender that was delayed.", "新系统依赖的招标项目延期。"),
    ("The rotation has to wait for the annual staffing plan.", "轮岗需待年度人员编制方案确定。"),
    ("Extended at the unit's request, with the team's consent, to cover a full year of checks.", "经派驻纪检监察组同意，延期以覆盖完整年度检查。"),
    ("The unit was merged with another centre during the rectification.", "整改期间该单位与其他中心合并。"),
    ("Two of the cadres concerned were on long-term sick leave.", "涉及的两名干部长期病休。"),
]  # fmt: skip
VERIFICATION_NOTES = [
    ("The team compared the records with its own spot check. Item closed.", "派驻纪检监察组将整改记录与抽查情况比对一致，予以销号。"),
    ("The team interviewed three section chiefs again: all could name the risks of their posts. Item closed.", "再次约谈三名科室负责人，均能说清岗位风险，予以销号。"),
    ("Mystery-shopper check with two non-standard cases: both were handled at the first window. Item closed.", "以暗访方式办理两件非标准事项，均由首问窗口办结，予以销号。"),
    ("Accepted at the rectification review meeting. The team will look again next year.", "在整改回头看会议上验收通过，明年继续跟踪。"),
]  # fmt: skip
MEETING_KINDS = [
    ("responsibility-integrity-report", 50),
    ("rectification-review", 25),
    ("interview", 15),
    ("other", 10),
]
# How many units report at a meeting of each kind.
REPORTING_UNITS = {
    "responsibility-integrity-report": (3, 8),
    "rectification-review": (2, 5),
    "interview": (1, 4),
}
MEETING_TITLES = {
    "responsibility-integrity-report": (
        "{year} Responsibility and Integrity Reporting Meeting of the Units Directly under the {dept}",
        "{dept}直属单位{year}年度述责述廉会",
    ),
    "rectification-review": (
        "Review of the Rectification of Problems Raised at the Units of the {dept}",
        "{dept}直属单位问题整改“回头看”会议",
    ),
    "interview": (
        "Full-coverage Interviews with the Top Leaders of the Units of the {dept}",
        "与{dept}直属单位主要负责人全覆盖谈话",
    ),
    "other": ("Warning Education Meeting of the {dept}", "{dept}警示教育大会"),
}
LOCATIONS = [
    ("Conference Room 3, Municipal Administrative Centre", "市行政中心三号会议室"),
    ("Main Meeting Room of the {dept}", "{dept}大会议室"),
    ("Lecture Hall of the Municipal Party School", "市委党校报告厅"),
]
SUMMARIES = [
    ("The heads of the party organisations of **{n} units** each gave an account of how they carried out their responsibility for clean government and of their own integrity, and everyone present rated each unit on the spot.",
     "**{n}个单位**党组织主要负责人逐一述责述廉，与会人员现场进行测评。"),
    ("The team kept its comments **problem-oriented**: instead of praising the reports, it named what was missing.",
     "派驻纪检监察组点评**直奔问题**，不讲成绩讲不足。"),
    ("Each problem raised was logged as a finding with a named person responsible and a deadline.",
     "会上指出的问题逐一建立台账，明确责任人和整改时限。"),
    ("Reporting is the first half of the article; fixing the problems is the second.",
     "述责述廉是“上半篇文章”，整改落实是“下半篇文章”。"),
]  # fmt: skip
STATEMENTS = [
    ("Described the unit's work on clean government this year and the rules adopted since the last meeting.", "介绍了本年度党风廉政建设工作情况和上次会议以来建立的制度。"),
    ("Reported on procurement, the use of special funds and the unit's own checks.", "汇报了政府采购、专项资金使用和内部检查情况。"),
    ("Admitted that the integrity risk list had not been updated and promised to do so.", "承认廉政风险点清单未及时更新，表示将尽快完善。"),
]  # fmt: skip
COMMENTS = [
    ("The report lists work, not responsibility. The unit's risk list has not been updated since {year}.", "报告罗列工作多，讲责任少。单位廉政风险点清单自{year}年以来未更新。"),
    ("A system that no one follows up on is **not a system**.", "制度无人跟踪落实，**等于没有制度**。"),
    ("The measures are in place and the records match. The team will look again next year.", "整改措施已落实，记录相符，明年继续跟踪。"),
    ("The top leader must take the problem as a warning for the whole unit, not treat it as one person's problem.", "主要负责人要把问题当作全单位的警示，而不是个人问题。"),
]  # fmt: skip
NOTICE_KINDS = [("announcement", 30), ("progress-report", 25), ("exposure", 15), ("meeting-report", 30)]
TAGS = [
    ("annual reporting", "年度述责述廉"),
    ("procurement", "采购"),
    ("formalism", "形式主义"),
    ("public service", "公共服务"),
    ("education", "教育"),
    ("follow-through on rectification", "后半篇文章"),
]
STATUS_WORDS = {
    "verified": ("verified (closed)", "已验收销号"),
    "completed": ("completed, awaiting acceptance", "已完成待验收"),
    "long-term": ("long-term", "长期坚持"),
    "in-progress": ("in progress", "整改中"),
    "planned": ("planned", "未开始"),
}


# -- records in memory ---------------------------------------------------------------------------


@dataclass
class _Rec:
    """One record before it is written: its fields and what other records need to know of it."""

    kind: str
    id: str
    public: bool
    zh: bool
    data: dict[str, Any]
    date: dt.date = START
    body: str | None = None
    team: str = ""
    unit: str = ""
    # A team's units, a meeting's reporting units.
    units: list[str] = field(default_factory=list)
    # The meetings a unit reported at, the findings raised at a meeting.
    linked: list[str] = field(default_factory=list)


def synthesize(out_dir: Path, records: int, seed: int = 1) -> dict[str, int]:
    """Write about `records` valid records under out_dir/<kind folder>/; return the count per kind."""
    if records < MIN_RECORDS:
        raise ValueError(f"records must be at least {MIN_RECORDS}, got {records}")
    for folder in FOLDERS.values():
        path = out_dir / folder
        if path.exists() and any(path.iterdir()):
            raise FileExistsError(f"{path} is not empty: synthesize into a new folder")
    generated = _Synth(random.Random(seed), plan_counts(records)).run()
    counts = dict.fromkeys(FOLDERS, 0)
    for rec in generated:
        _write(out_dir, rec)
        counts[rec.kind] += 1
    return counts


def plan_counts(total: int) -> dict[str, int]:
    """Records per kind: teams, units, meetings and notices in fixed proportions, the rest shared."""
    teams = max(2, round(total / 200))
    units = max(2 * teams, round(total / 10))
    meetings = max(1, round(total / 25))
    notices = max(1, round(total / 50))
    # Findings and rectifications share what is left, so that the total is exactly `total`.
    rest = total - teams - units - meetings - notices
    findings = (rest + 1) // 2
    return {
        "team": teams,
        "unit": units,
        "meeting": meetings,
        "finding": findings,
        "rectification": rest - findings,
        "notice": notices,
    }


class _Synth:
    """Generates one content tree; every choice goes through one seeded random.Random."""

    def __init__(self, rng: random.Random, counts: dict[str, int]) -> None:
        self.rng = rng
        self.counts = counts
        self.teams: list[_Rec] = []
        self.units: list[_Rec] = []
        self.meetings: list[_Rec] = []
        self.findings: list[_Rec] = []
        self.rects: list[_Rec] = []
        self.notices: list[_Rec] = []
        self.by_id: dict[str, _Rec] = {}
        # team id -> (department en, department zh, topic en, topic zh)
        self.depts: dict[str, tuple[str, str, str, str]] = {}

    def run(self) -> list[_Rec]:
        """Make every kind in dependency order and return all records."""
        self._make_teams()
        self._make_units()
        self._make_meetings()
        self._make_findings()
        self._make_rectifications()
        self._make_notices()
        return self.teams + self.units + self.meetings + self.findings + self.rects + self.notices

    # -- small helpers -----------------------------------------------------------------------

    def _weighted(self, choices: list[tuple[str, int]]) -> str:
        return self.rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]

    def _day(self, low: dt.date, high: dt.date) -> dt.date:
        """A random day in [low, high] (low when the range is empty)."""
        span = (high - low).days
        return low + self.rng.randint(0, span) * DAY if span > 0 else low

    def _name(self, zh: bool) -> str:
        surname, given = self.rng.choice(SURNAMES), self.rng.choice(GIVEN_NAMES)
        return surname[1] + given[1] if zh else f"{surname[0]} {given[0]}"

    def _text(self, bank: list[tuple[str, str]], zh: bool, **values: Any) -> str:
        return _pick(self.rng.choice(bank), zh).format(**values)

    def _tags(self, data: dict[str, Any], zh: bool) -> None:
        if self.rng.random() < 0.2:
            data["tags"] = [_pick(self.rng.choice(TAGS), zh)]

    def _dept(self, team_id: str, zh: bool) -> str:
        return self.depts[team_id][1 if zh else 0]

    def _add(self, rec: _Rec, bucket: list[_Rec]) -> None:
        bucket.append(rec)
        self.by_id[rec.id] = rec

    # -- teams and units ---------------------------------------------------------------------

    def _make_teams(self) -> None:
        for index in range(self.counts["team"]):
            code, dept_en, dept_zh, topic_en, topic_zh = DEPARTMENTS[index % len(DEPARTMENTS)]
            round_ = index // len(DEPARTMENTS)
            if round_:
                district_code, district_en, district_zh = DISTRICTS[(round_ - 1) % len(DISTRICTS)]
                again = (round_ - 1) // len(DISTRICTS)
                code = f"{code}-{district_code}{again + 1 if again else ''}"
                dept_en = f"{dept_en.removeprefix('Municipal ')} of {district_en}"
                dept_zh = district_zh + dept_zh.removeprefix("市")
            team_id = f"T-{code}"
            self.depts[team_id] = (dept_en, dept_zh, topic_en, topic_zh)
            zh = index % 2 == 1
            dept = dept_zh if zh else dept_en
            data: dict[str, Any] = {"id": team_id, "visibility": "public"}
            if zh:
                data["name"] = f"市纪委监委驻{dept}纪检监察组"
                data["short_name"] = f"驻{dept}纪检监察组"
            else:
                data["name"] = f"Discipline Inspection and Supervision Team Stationed at the {dept}"
                data["short_name"] = f"Team at the {dept.removeprefix('Municipal ')}"
            data["stationed_at"] = dept
            # Teams are public bodies; their description, which counts the units, comes later.
            self._add(_Rec("team", team_id, True, zh, data, team=code), self.teams)

    def _make_units(self) -> None:
        rng = self.rng
        # Every team gets two units, the rest are spread unevenly.
        owners = [t for t in self.teams for _ in range(2)]
        weights = [rng.uniform(0.5, 1.5) for _ in self.teams]
        owners += rng.choices(self.teams, weights=weights, k=self.counts["unit"] - len(owners))
        for index, team in enumerate(owners):
            number = len(team.units) + 1
            kind_en, kind_zh, title_index = UNIT_TYPES[(number - 1) % len(UNIT_TYPES)]
            again = (number - 1) // len(UNIT_TYPES)
            zh = index % 2 == 1
            dept = self._dept(team.id, zh)
            if zh:
                name = f"{dept}{kind_zh}" + (f"（{again + 1}）" if again else "")
            else:
                name = f"{kind_en} of the {dept}" + (f" No. {again + 1}" if again else "")
            # A team's first unit stays public, so that its public meetings always have a reporter.
            public = number == 1 or rng.random() >= INTERNAL_UNIT
            data: dict[str, Any] = {
                "id": f"U-{team.team}-{number:02d}",
                "visibility": "public" if public else "internal",
                "name": name,
                "parent": dept,
                "team": team.id,
                "top_leader": {"title": _pick(LEADER_TITLES[title_index], zh), "name": self._name(zh)},
                "description": _paragraphs(
                    [self._text(UNIT_ROLES, zh, topic=self.depts[team.id][3 if zh else 2])], zh
                ),
            }
            self._tags(data, zh)
            rec = _Rec("unit", data["id"], public, zh, data, team=team.id)
            team.units.append(rec.id)
            self._add(rec, self.units)
        for team in self.teams:
            team.data["description"] = self._team_description(team)

    def _team_description(self, team: _Rec) -> str:
        n, dept = len(team.units), team.data["stationed_at"]
        if team.zh:
            parts = [
                f"市纪委监委派驻{dept}的纪检监察组，负责监督{dept}机关及其**{n}个直属单位**。",
                "日常监督中，派驻纪检监察组重点检查“两个责任”压力是否传导到基层，并把发现的问题带到年度述责述廉会上。",
            ]
        else:
            parts = [
                "Sent out by the Municipal Commission for Discipline Inspection and Supervision, the team"
                f" supervises the party organisations of the {dept} and its **{n} directly affiliated units**.",
                'Much of its work is daily supervision: the team checks whether the pressure of the "two'
                ' responsibilities" actually reaches the units at the bottom of the chain.',
            ]
        return _paragraphs(parts, team.zh)

    # -- meetings ------------------------------------------------------------------------------

    def _make_meetings(self) -> None:
        made = []
        for index in range(self.counts["meeting"]):
            # Every team organises at least one meeting.
            team = self.teams[index] if index < len(self.teams) else self.rng.choice(self.teams)
            made.append(self._meeting(team, index % 2 == 1))
        for rec in _numbered(made, "M", 3):
            self._add(rec, self.meetings)
            for unit in rec.units:
                self.by_id[unit].linked.append(rec.id)

    def _meeting(self, team: _Rec, zh: bool) -> _Rec:
        rng = self.rng
        kind = self._weighted(MEETING_KINDS)
        public = rng.random() >= INTERNAL_MEETING
        date = self._day(START, AS_OF - 3 * DAY)
        if kind == "responsibility-integrity-report":
            # Annual reporting meetings look back on the year just ended.
            date = min(
                dt.date(rng.randint(START.year, AS_OF.year), rng.randint(1, 3), rng.randint(5, 28)), AS_OF
            )
        # A public meeting's reports name public units only (a required relation).
        candidates = [u for u in team.units if self.by_id[u].public] if public else team.units
        low, high = REPORTING_UNITS.get(kind, (0, 0))
        units = rng.sample(candidates, min(len(candidates), rng.randint(low, high))) if high else []
        dept = self._dept(team.id, zh)
        year = date.year - 1 if date.month <= 3 else date.year
        attendees = rng.randint(20, 80)
        data: dict[str, Any] = {
            "visibility": "public" if public else "internal",
            "title": _pick(MEETING_TITLES[kind], zh).format(year=year, dept=dept),
            "date": date,
            "kind": kind,
            "organizer": team.id,
            "location": self._text(LOCATIONS, zh, dept=dept),
            "attendees": attendees,
        }
        self._tags(data, zh)
        summary = [_pick(s, zh).format(n=max(len(units), 1)) for s in rng.sample(SUMMARIES, 3)]
        data["summary"] = _paragraphs(summary, zh)
        if units:
            data["reports"] = [self._report(self.by_id[u], attendees, zh, year) for u in units]
        return _Rec("meeting", "", public, zh, data, date=date, team=team.id, units=units)

    def _report(self, unit: _Rec, attendees: int, zh: bool, year: int) -> dict[str, Any]:
        rng = self.rng
        satisfied = rng.randint(attendees // 2, attendees)
        basically = rng.randint(0, attendees - satisfied)
        return {
            "unit": unit.id,
            # The unit's top leader reports (the name is an internal field).
            "reporter": dict(unit.data["top_leader"]),
            "statement": _paragraphs([self._text(STATEMENTS, zh)], zh),
            "comments": _paragraphs([self._text(COMMENTS, zh, year=year - 3)], zh),
            "assessment": {
                "satisfied": satisfied,
                "basically_satisfied": basically,
                "dissatisfied": attendees - satisfied - basically,
            },
        }

    # -- findings ------------------------------------------------------------------------------

    def _make_findings(self) -> None:
        rng = self.rng
        weights = [rng.uniform(0.3, 2.0) for _ in self.units]
        units = rng.choices(self.units, weights=weights, k=self.counts["finding"])
        made = [self._finding(unit, index % 2 == 1) for index, unit in enumerate(units)]
        for rec in _numbered(made, "F", 4):
            self._add(rec, self.findings)
            if "meeting" in rec.data:
                self.by_id[rec.data["meeting"]].linked.append(rec.id)
            if rng.random() < 0.03:
                # Renumbered when the ledger moved to four-digit numbers: old links keep working.
                year, number = rec.id.split("-")[1:]
                rec.data = _insert_after(rec.data, "visibility", "former_ids", [f"F{year}-{int(number):03d}"])

    def _finding(self, unit: _Rec, zh: bool) -> _Rec:
        rng = self.rng
        source = self._weighted(SOURCES)
        meeting = None
        if source in ("reporting-meeting", "interview"):
            meetings = [self.by_id[m] for m in unit.linked]
            if source == "interview":
                meetings = [m for m in meetings if m.data["kind"] == "interview"]
            meeting = rng.choice(meetings) if meetings else None
            if source == "reporting-meeting" and meeting is None:
                source = "daily-supervision"
        found_on = meeting.date if meeting is not None else self._day(START, AS_OF)
        category = rng.choices(list(CATEGORIES), weights=[c[0] for c in CATEGORIES.values()])[0]
        _, titles, details = CATEGORIES[category]
        case = category == "discipline-violation"
        # A public finding needs a public unit; its meeting may be internal (an optional relation).
        public = unit.public and rng.random() >= (INTERNAL_CASE if case else INTERNAL_FINDING)
        data: dict[str, Any] = {
            "visibility": "public" if public else "internal",
            "title": _pick(rng.choice(titles), zh),
            "unit": unit.id,
        }
        if rng.random() < 0.1:
            data["team"] = unit.team
        data["found_on"] = found_on
        data["source"] = source
        if meeting is not None:
            data["meeting"] = meeting.id
        data["category"] = category
        data["severity"] = "high" if case else rng.choices(["low", "medium", "high"], weights=[3, 5, 2])[0]
        self._tags(data, zh)
        data["description"] = self._finding_text(source, details, zh)
        if rng.random() < 0.3 or not public:
            when = min(found_on + rng.randint(5, 60) * DAY, AS_OF)
            note = self._text(
                INTERNAL_NOTES,
                zh,
                name=self._name(zh),
                amount=rng.randint(3, 300) * 1000,
                date=when.isoformat(),
            )
            data["internal_notes"] = _paragraphs([note], zh)
        return _Rec("finding", "", public, zh, data, date=found_on, team=unit.team, unit=unit.id)

    def _finding_text(self, source: str, details: list[tuple[str, str]], zh: bool) -> str:
        rng = self.rng
        opener = _pick(SOURCE_OPENERS[source], zh)
        detail = self._text(details, zh)
        parts = [f"{opener}{detail}。" if zh else f"{opener} {detail}.", self._text(CONSEQUENCES, zh)]
        if rng.random() < 0.4:
            lines = []
            for things_en, things_zh, missing_en, missing_zh in rng.sample(CHECKED_THINGS, rng.randint(2, 3)):
                total = rng.randint(10, 80)
                bad = rng.randint(1, total // 2)
                if zh:
                    lines.append(f"- 抽查{total}{things_zh}，其中{bad}{things_zh[0]}缺少{missing_zh}；")
                else:
                    lines.append(f"- {bad} of {total} {things_en} checked had no {missing_en};")
            parts.append("\n".join(lines))
        return _paragraphs(parts, zh)

    # -- rectifications ----------------------------------------------------------------------

    def _make_rectifications(self) -> None:
        groups = self._finding_groups(self.counts["rectification"])
        seen: set[str] = set()
        made = []
        for group in groups:
            follow_up = group[0].id in seen
            seen.add(group[0].id)
            made.append(self._rectification(group, follow_up, _verified_on(group, made)))
        for rec in _numbered(made, "R", 4):
            self._add(rec, self.rects)

    def _finding_groups(self, wanted: int) -> list[list[_Rec]]:
        """Findings fixed together (same unit); the newest have none yet; follow-ups fill the count."""
        rng = self.rng
        by_unit: dict[str, list[_Rec]] = {}
        for finding in self.findings:
            by_unit.setdefault(finding.unit, []).append(finding)
        groups: list[list[_Rec]] = []
        for unit_findings in by_unit.values():
            pending = sorted(unit_findings, key=lambda f: (f.date, f.id))
            while pending:
                size = 2 if len(pending) > 1 and rng.random() < 0.12 else 1
                groups.append(pending[:size])
                pending = pending[size:]
        groups.sort(key=lambda g: (g[-1].date, g[0].id))
        groups = groups[: len(groups) - max(1, len(groups) // 30)]
        while len(groups) > wanted:
            groups.pop(rng.randrange(len(groups)))
        older = groups[: max(1, len(groups) * 3 // 4)]
        while len(groups) < wanted:
            # A second rectification of an older item, when the first did not hold.
            groups.append(rng.choice(older))
        return groups

    def _rectification(self, group: list[_Rec], follow_up: bool, closed: dt.date | None = None) -> _Rec:
        rng = self.rng
        first = group[0]
        zh = first.zh
        unit = self.by_id[first.unit]
        # Its findings and owner are required relations: a public item needs them public.
        public = all(f.public for f in group) and rng.random() >= INTERNAL_RECT
        latest = max(f.date for f in group)
        delay = rng.randint(180, 720) if follow_up else rng.randint(3, 40)
        opened_on = min(latest + delay * DAY, AS_OF)
        if closed is not None:
            # A second item is opened while the first is still being checked: once that one is
            # verified and closed, a problem that comes back is a new finding (validate warns).
            opened_on = min(opened_on, closed)
        status, overdue = self._status(opened_on)
        dates = self._rect_dates(opened_on, status, overdue)
        data: dict[str, Any] = {"visibility": "public" if public else "internal"}
        if follow_up or rng.random() < 0.7:
            data["title"] = _rect_title(first.data["title"], zh, follow_up)
        data["findings"] = [f.id for f in group]
        if rng.random() < 0.3:
            data["owner"] = unit.id
        data["responsible"] = dict(unit.data["top_leader"])
        data["opened_on"] = opened_on
        data["deadline"] = dates["deadline"]
        data["status"] = status
        self._tags(data, zh)
        if rng.random() < 0.05:
            data["extra"] = {"ledger_row": rng.randint(1, 400), "source_sheet": f"{unit.team} ledger"}
        data["measures"] = self._measures(opened_on, dates["effective"], status, zh)
        progress = self._progress(opened_on, dates.get("completed_on"), status, zh)
        if progress:
            data["progress"] = progress
        if dates["changes"]:
            data["deadline_changes"] = [
                {"date": when, "new_deadline": new, "reason": self._text(DEADLINE_REASONS, zh)}
                for when, new in dates["changes"]
            ]
        if "completed_on" in dates:
            data["completed_on"] = dates["completed_on"]
        if status == "verified":
            completed = dates["completed_on"]
            data["verification"] = {
                "by": unit.team,
                "date": self._day(completed, min(completed + 90 * DAY, AS_OF)),
                "note": _paragraphs([self._text(VERIFICATION_NOTES, zh)], zh),
            }
        return _Rec("rectification", "", public, zh, data, date=opened_on, team=unit.team, unit=unit.id)

    def _status(self, opened_on: dt.date) -> tuple[str, bool]:
        """A status that fits the item's age, and whether an open item is overdue."""
        rng = self.rng
        age = (AS_OF - opened_on).days
        if age < 45:
            return rng.choices(["planned", "in-progress"], weights=[6, 4])[0], False
        if age < 365:
            weights = {"planned": 6, "in-progress": 40, "completed": 22, "verified": 22, "long-term": 10}
        else:
            weights = {"planned": 3, "in-progress": 14, "completed": 12, "verified": 60, "long-term": 11}
        status = rng.choices(list(weights), weights=list(weights.values()))[0]
        overdue = status in ("planned", "in-progress") and rng.random() < (0.35 if age < 365 else 0.7)
        return status, overdue

    def _rect_dates(self, opened_on: dt.date, status: str, overdue: bool) -> dict[str, Any]:
        """Deadline, completion and deadline changes; the effective deadline matches the status."""
        rng = self.rng
        if status in ("planned", "in-progress"):
            # Overdue: the effective deadline has passed as of AS_OF; otherwise it is still ahead.
            effective = (
                self._day(opened_on + 30 * DAY, AS_OF - DAY)
                if overdue
                else AS_OF + rng.randint(10, 300) * DAY
            )
        else:
            effective = opened_on + rng.randint(45, 400 if status == "long-term" else 300) * DAY
        dates: dict[str, Any] = {"deadline": effective, "effective": effective, "changes": []}
        end = AS_OF
        if status in ("completed", "verified"):
            # Some items are done late; a verified one leaves the team time to check it.
            last = min(effective + 60 * DAY, AS_OF - (10 if status == "verified" else 0) * DAY)
            end = dates["completed_on"] = self._day(min(opened_on + 14 * DAY, last), last)
        span = (effective - opened_on).days
        wanted = rng.choices([0, 1, 2], weights=[80, 15, 5])[0]
        if wanted and span > 60 and (end - opened_on).days > 10:
            # Earlier deadlines, each replaced by the next one, ending at the effective deadline.
            steps = sorted(rng.sample(range(30, span), wanted))
            deadlines = [opened_on + s * DAY for s in steps] + [effective]
            # Each change is decided in the weeks before the deadline it replaces, in date order.
            when: list[dt.date] = []
            for replaced in deadlines[:-1]:
                earliest = max([opened_on + DAY, *when[-1:]])
                when.append(min(max(replaced - rng.randint(0, 30) * DAY, earliest), end))
            dates["deadline"] = deadlines[0]
            dates["changes"] = list(zip(when, deadlines[1:], strict=True))
        return dates

    def _measures(
        self, opened_on: dt.date, effective: dt.date, status: str, zh: bool
    ) -> list[dict[str, Any]]:
        rng = self.rng
        count = rng.randint(1, 4)
        chosen = rng.sample(MEASURES, count)
        deadlines = sorted(self._day(opened_on + 7 * DAY, effective) for _ in chosen)
        done = {"planned": 0, "completed": count, "verified": count}.get(status)
        if done is None:
            done = rng.randint(0, count - 1)
        measures = []
        for position, (text, deadline) in enumerate(zip(chosen, deadlines, strict=True)):
            if position < done:
                state = "done"
            elif status == "planned" or (position > done and rng.random() < 0.5):
                state = "planned"
            else:
                state = "in-progress"
            measures.append({"text": _pick(text, zh), "deadline": deadline, "status": state})
        return measures

    def _progress(self, opened_on: dt.date, completed_on: dt.date | None, status: str, zh: bool) -> list[Any]:
        rng = self.rng
        if status == "planned":
            return []
        count = rng.randint(1 if completed_on else 0, 4)
        dates = sorted(self._day(opened_on, completed_on or AS_OF) for _ in range(count))
        if completed_on is not None:
            dates[-1] = completed_on
        notes = rng.sample(PROGRESS_NOTES, count)
        return [
            {"date": when, "note": _paragraphs([_pick(note, zh).format(n=rng.randint(2, 40))], zh)}
            for when, note in zip(dates, notes, strict=True)
        ]

    # -- notices -------------------------------------------------------------------------------

    def _make_notices(self) -> None:
        made = [self._notice(index % 2 == 1) for index in range(self.counts["notice"])]
        for rec in _numbered(made, "N", 3):
            self._add(rec, self.notices)

    def _notice(self, zh: bool) -> _Rec:
        rng = self.rng
        kind = self._weighted(NOTICE_KINDS)
        public = rng.random() >= INTERNAL_NOTICE
        team = rng.choice(self.teams)
        meetings = [m for m in self.meetings if m.team == team.id]
        cases = [f for f in self.findings if f.data["category"] == "discipline-violation"]
        if kind in ("announcement", "meeting-report") and meetings:
            meeting = rng.choice(meetings)
            # Notices about a record are written in its language; they quote its title.
            zh = meeting.zh
            if kind == "announcement":
                date = max(meeting.date - rng.randint(7, 30) * DAY, START)
                related, (title, body) = [meeting.id], self._announcement(meeting, zh)
            else:
                date = min(meeting.date + rng.randint(2, 10) * DAY, AS_OF)
                raised = meeting.linked[:6]
                related, (title, body) = [meeting.id, *raised], self._meeting_report(meeting, len(raised), zh)
        elif kind == "exposure" and cases:
            # The case itself is often internal: a public notice may still name it as related.
            case = rng.choice(cases)
            zh = case.zh
            date = min(case.date + rng.randint(30, 120) * DAY, AS_OF)
            related, (title, body) = [case.id], self._exposure(case, zh)
        else:
            kind = "progress-report"
            date = self._day(START + 365 * DAY, AS_OF)
            items = [r for r in self.rects if r.team == team.id and r.date <= date]
            related = [r.id for r in rng.sample(items, min(len(items), 8))]
            title, body = self._progress_report(team, date, items, zh)
        data: dict[str, Any] = {"title": title, "date": date, "kind": kind, "issuer": team.id}
        if related:
            data["related"] = related
        data["visibility"] = "public" if public else "internal"
        self._tags(data, zh)
        return _Rec("notice", "", public, zh, data, date=date, body=body, team=team.id)

    def _announcement(self, meeting: _Rec, zh: bool) -> tuple[str, str]:
        when, name = meeting.date, meeting.data["title"]
        dept = self._dept(meeting.team, zh)
        if zh:
            title = f"关于召开{name}的通知"
            body = [
                f"根据市纪委监委工作安排，定于**{when.year}年{when.month}月{when.day}日**召开{name}。",
                "- 各单位主要负责人现场述责述廉，每人不超过十分钟；\n"
                "- 述职报告要讲问题、讲不足，不只讲成绩；\n"
                "- 与会人员现场测评。",
                f"请{dept}各直属单位结合日常监督中指出的问题认真准备。",
            ]
        else:
            title = f"Arrangements for the {name}"
            body = [
                "Under the work rules of the Municipal Commission for Discipline Inspection and Supervision,"
                f" the meeting will be held on **{when.isoformat()}**. The arrangements are:",
                "- each top leader reports in person for no more than ten minutes;\n"
                "- the report must name the unit's own problems, not only its achievements;\n"
                "- the audience rates each unit on the spot.",
                f"Units of the {dept} should base their reports on the problems the team has raised with"
                " them in daily supervision during the year.",
            ]
        return title, _paragraphs(body, zh)

    def _meeting_report(self, meeting: _Rec, problems: int, zh: bool) -> tuple[str, str]:
        reports = meeting.data.get("reports", [])
        liked = sum(1 for r in reports if 3 * r["assessment"]["satisfied"] > 2 * meeting.data["attendees"])
        name, attendees, when = meeting.data["title"], meeting.data["attendees"], meeting.date
        if zh:
            title = f"{name}召开"
            table = (
                "| 测评结果 | 单位数 |\n| --- | ---: |\n"
                f"| “满意”票超过三分之二 | {liked} |\n| 述责述廉单位 | {len(reports)} |"
            )
            body = [
                f"{when.year}年{when.month}月{when.day}日，派驻纪检监察组召开{name}，{attendees}人参加。",
                table,
                f"会上指出的{problems}个问题已全部纳入整改台账。",
            ]
        else:
            title = f"Report on the {name}"
            table = (
                "| result | units |\n| --- | ---: |\n"
                f'| more than two-thirds of votes "satisfied" | {liked} |\n| units reporting | {len(reports)} |'
            )
            body = [
                f"On {when.isoformat()} the team held the meeting, with {attendees} participants."
                " The team's comments went straight to the problems.",
                table,
                f"The {problems} problems raised have been entered in the rectification ledger with a"
                " person responsible and a deadline.",
            ]
        return title, _paragraphs(body, zh)

    def _exposure(self, case: _Rec, zh: bool) -> tuple[str, str]:
        if zh:
            title = f"关于{case.data['title']}问题的通报"
            body = [
                "某直属单位一名工作人员利用职务便利违反纪律，已受到相应处理。",
                "1. 各单位要以案为鉴，开展警示教育；\n2. 排查本单位是否存在一人经手钱物的岗位；\n"
                "3. 将排查结果报派驻纪检监察组。",
            ]
        else:
            title = f"Exposure of a Case: {case.data['title']}"
            body = [
                "A staff member of a directly affiliated unit took advantage of the post to break the rules"
                " of discipline, and has been dealt with accordingly. The units are asked to:",
                "1. hold a warning education session on this case;\n"
                "2. check whether any post handles money or goods alone;\n"
                "3. report the results to the stationed team.",
            ]
        return title, _paragraphs(body, zh)

    def _progress_report(self, team: _Rec, date: dt.date, items: list[_Rec], zh: bool) -> tuple[str, str]:
        counts = dict.fromkeys(STATUS_WORDS, 0)
        for item in items:
            counts[item.data["status"]] += 1
        header = "| 状态 | 事项数 |" if zh else "| status | items |"
        rows = "\n".join(f"| {_pick(STATUS_WORDS[s], zh)} | {n} |" for s, n in counts.items())
        total = "合计" if zh else "total"
        table = f"{header}\n| --- | ---: |\n{rows}\n| **{total}** | **{len(items)}** |"
        dept = self._dept(team.id, zh)
        if zh:
            title = f"{dept}问题整改进展情况（{date.year}年{date.month}月）"
            body = [f"截至{date.year}年{date.month}月{date.day}日，台账共有整改事项{len(items)}项。", table]
        else:
            title = f"Progress of Rectification at the {dept}, {date.strftime('%B %Y')}"
            body = [f"As of {date.isoformat()} the ledger holds {len(items)} rectification items.", table]
        return title, _paragraphs(body, zh)


# -- text helpers --------------------------------------------------------------------------------


def _pick(pair: tuple[str, ...], zh: bool) -> str:
    return pair[1] if zh else pair[0]


def _paragraphs(parts: list[str], zh: bool) -> str:
    """Markdown paragraphs; English prose wrapped like hand-written records, lists and tables kept."""
    if not zh:
        parts = [p if "\n" in p or p.startswith(("- ", "| ", "1. ")) else _fill(p) for p in parts]
    return "\n\n".join(parts) + "\n"


def _fill(text: str) -> str:
    return textwrap.fill(text, width=78, break_long_words=False, break_on_hyphens=False)


def _rect_title(finding_title: str, zh: bool, follow_up: bool) -> str:
    if zh:
        return f"{'巩固整改' if follow_up else '整改'}：{finding_title}"
    verb = "Consolidate the fix" if follow_up else "Fix"
    return f"{verb}: {finding_title[0].lower()}{finding_title[1:]}"


def _verified_on(group: list[_Rec], made: list[_Rec]) -> dt.date | None:
    """The first date an item already made verified and closed one of these findings, if any."""
    ids = {f.id for f in group}
    dates = [
        rect.data["verification"]["date"]
        for rect in made
        if "verification" in rect.data and ids & set(rect.data["findings"])
    ]
    return min(dates, default=None)


def _numbered(records: list[_Rec], prefix: str, width: int) -> list[_Rec]:
    """Give dated records ids like F-2022-0007, numbered per year in date order."""
    ordered = sorted(enumerate(records), key=lambda pair: (pair[1].date, pair[0]))
    per_year: dict[int, int] = {}
    for _, rec in ordered:
        per_year[rec.date.year] = per_year.get(rec.date.year, 0) + 1
        rec.id = f"{prefix}-{rec.date.year}-{per_year[rec.date.year]:0{width}d}"
        rec.data = {"id": rec.id, **rec.data}
    return [rec for _, rec in ordered]


def _insert_after(data: dict[str, Any], after: str, key: str, value: Any) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, item in data.items():
        result[name] = item
        if name == after:
            result[key] = value
    return result


# -- writing -------------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """yaml.safe_dump's dumper, writing multi-line text as literal blocks as people write records."""

    def ignore_aliases(self, data: Any) -> bool:
        """Never write anchors: a date used by two fields is written out twice."""
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


# On the subclass only: yaml.SafeDumper itself is left as it was.
_Dumper.add_representer(str, _represent_str)


def _dump(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)


def _write(out_dir: Path, rec: _Rec) -> None:
    folder = out_dir / FOLDERS[rec.kind]
    if rec.kind in ("finding", "rectification"):
        folder = folder / str(rec.date.year)
    folder.mkdir(parents=True, exist_ok=True)
    if rec.kind == "notice":
        (folder / f"{rec.id}.md").write_text(f"---\n{_dump(rec.data)}---\n{rec.body}", encoding="utf-8")
    else:
        (folder / f"{rec.id}.yaml").write_text(_dump(rec.data), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Command line: write the content tree and print the counts."""
    parser = argparse.ArgumentParser(
        prog="synthesize.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--records", type=int, required=True, help=f"about how many records (at least {MIN_RECORDS})"
    )
    parser.add_argument(
        "--out", type=Path, required=True, help="content folder to write (must not hold records)"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args(argv)
    try:
        counts = synthesize(args.out, args.records, args.seed)
    except (ValueError, FileExistsError) as error:
        parser.error(str(error))
    print(", ".join(f"{n} {FOLDERS[kind]}" for kind, n in counts.items()) + f" in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
