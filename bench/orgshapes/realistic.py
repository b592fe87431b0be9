"""A large organisation with realistic Chinese text, as workbook sheets (bench.import_workbook).

Companies, branches, departments and offices, their functions, positions
reporting to their unit's head, dotted lines, forms, duties, KPIs and
employees, in the documented workbook format: ``generate_sheets`` returns each
sheet's rows as lists in the order of ``workbook.sheets.COLUMNS``. Pure Python
(no Django), deterministic for a given seed.
"""

import random
from datetime import date, timedelta

REGIONS = ["华东", "华南", "华北", "华中", "西南", "西北", "东北", "京津", "长三角", "珠三角"]
CITIES = ["上海", "杭州", "南京", "苏州", "广州", "深圳", "北京", "天津", "武汉", "成都", "重庆"]
CITIES += ["西安", "沈阳", "长沙", "郑州", "济南", "青岛", "厦门", "福州", "合肥", "昆明"]
DOMAINS = ["销售", "市场", "财务", "人力资源", "行政", "采购", "生产", "质量管理", "技术"]
DOMAINS += ["研发", "物流", "仓储", "客户服务", "信息", "法务", "审计", "安全环保", "设备"]
UNIT_WORDS = {"department": ["部", "中心"], "office": ["科", "室", "组", "办事处"]}
SECTIONS = ["管理职能", "业务职能", "监督职能", "服务职能"]
OBJECTS = ["年度预算", "客户档案", "销售合同", "供应商评价", "员工招聘计划", "培训课程"]
OBJECTS += ["绩效考核", "设备维护保养", "库存盘点", "质量检验记录", "安全生产检查", "费用报销"]
OBJECTS += ["应收账款", "市场调研", "产品定价", "投标文件", "信息系统权限", "会议纪要"]
OBJECTS += ["印章使用", "车辆调度", "固定资产", "生产计划", "工艺文件", "来访接待", "办公用品"]
OBJECTS += ["项目进度", "客户投诉", "售后服务", "物料需求", "运输安排", "税务申报", "资金计划"]
ACTIONS = ["编制", "审核", "汇总", "跟踪", "归档", "分析", "监督", "组织实施", "统计", "更新"]
ACTIONS += ["检查", "协调", "评估", "落实"]
VERBS = ["负责", "组织", "协助", "参与", "主持", "督促"]
GOALS = ["数据准确及时", "符合公司制度要求", "按期完成", "风险可控", "客户满意度达标"]
GOALS += ["成本控制在预算内", "信息完整可追溯", "流程规范高效"]
BOSSES = ["部门经理", "分管副总", "总经理", "直接上级"]
TITLES = ["主管", "专员", "助理", "工程师", "会计", "出纳", "文员", "分析师", "督导", "司机"]
FORM_TYPES = ["登记表", "申请表", "审批单", "台账", "记录表", "汇总表", "报告", "清单"]
FORM_TYPES += ["评审表", "检查表", "计划表", "统计表"]
FORM_PREFIXES = ["", "月度", "年度", "季度", "部门", "项目", "日常", "专项"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰文斌海燕晓东丹"
REQUIREMENTS = [
    "本科及以上学历，三年以上相关工作经验。",
    "大专及以上学历，熟悉办公软件，有较强的沟通能力。",
    "相关专业本科，持有上岗证书，五年以上行业经验。",
    "熟悉国家相关法规和公司制度，责任心强。",
]
RELATIONS = ["业务指导", "矩阵管理", "专业指导"]


# The sheets, in the order the workbook holds them.
SHEET_ORDER = [
    "departments",
    "functions",
    "positions",
    "dotted_lines",
    "duties",
    "kpis",
    "forms",
    "employees",
]


def _unique(rng, make, seen, tries=50):
    for _ in range(tries):
        text = make()
        if text not in seen:
            seen.add(text)
            return text
    text = f"{make()}（{len(seen) + 1}）"
    seen.add(text)
    return text


def generate_sheets(args) -> dict[str, list[list]]:
    """Rows of every sheet, columns in the documented order (workbook.sheets.COLUMNS).

    ``args`` gives the sizes as attributes (departments, functions_per_department,
    positions, dotted_lines, forms, duties, kpis, employees) and the seed, as
    bench.import_workbook's command line does.
    """
    rng = random.Random(args.seed)
    sheets = {name: [] for name in SHEET_ORDER}

    # Departments: companies -> branches -> departments -> offices, siblings ordered 1..n.
    levels = [max(1, args.departments // 500)]
    levels.append(max(1, args.departments // 50))
    levels.append(max(1, (args.departments - sum(levels)) * 2 // 5))
    levels.append(args.departments - sum(levels))
    units = []  # (code, parent_code, kind, name, domain)
    for depth, count in enumerate(levels):
        parents = [u for u in units if u[5] == depth - 1]
        for i in range(count):
            code = f"D{len(units) + 1:05d}"
            parent = parents[i % len(parents)] if parents else None
            domain = rng.choice(DOMAINS)
            if depth == 0:
                kind, name = "company", f"{rng.choice(REGIONS)}实业集团有限公司{i + 1}"
            elif depth == 1:
                kind, name = "branch", f"{rng.choice(CITIES)}分公司"
            elif depth == 2:
                kind = "department"
                name = f"{domain}{rng.choice(UNIT_WORDS['department'])}"
            else:
                kind = rng.choice(["office", "office", "region"])
                words = UNIT_WORDS["office"] if kind == "office" else ["片区"]
                name = f"{rng.choice(CITIES)}{domain}{rng.choice(words)}"
            units.append((code, parent[0] if parent else "", kind, name, domain, depth))
    siblings = {}
    kind_words = {"company": "公司", "branch": "分公司", "department": "部门", "office": "办事处"}
    for code, parent, kind, name, _domain, _depth in units:
        order = siblings[parent] = siblings.get(parent, 0) + 1
        shown_kind = kind_words.get(kind, kind) if rng.random() < 0.5 else kind
        sheets["departments"].append(
            [
                code,
                name,
                parent,
                shown_kind,
                f"{name}（{code}）",
                f"{name}负责本单位日常管理。",
                order,
            ]
        )
    dept_codes = [u[0] for u in units]
    domain_of = {u[0]: u[4] for u in units}
    parent_of = {u[0]: u[1] for u in units}

    # Functions: five per department in two sections.
    for code in dept_codes:
        seen = set()
        for i in range(args.functions_per_department):
            text = _unique(
                rng,
                lambda: f"{rng.choice(VERBS)}{rng.choice(OBJECTS)}的{rng.choice(ACTIONS)}工作",
                seen,
            )
            sheets["functions"].append(
                [code, SECTIONS[i * 2 // args.functions_per_department], text]
            )

    # Positions: the first of each department is its head, reporting to the parent's head.
    per_dept = args.positions // len(dept_codes)
    extra = args.positions - per_dept * len(dept_codes)
    heads, positions = {}, []
    for index, code in enumerate(dept_codes):
        for i in range(per_dept + (1 if index < extra else 0)):
            positions.append((f"P{len(positions) + 1:06d}", code, i == 0))
            if i == 0:
                heads[code] = positions[-1][0]
    for pos_code, dept, is_head in positions:
        if is_head:
            boss = heads.get(parent_of[dept], "")
            title = f"{domain_of[dept]}负责人"
        else:
            boss = heads[dept]
            title = f"{domain_of[dept]}{rng.choice(TITLES)}"
        sheets["positions"].append(
            [
                pos_code,
                title,
                dept,
                boss,
                rng.randint(1, 5),
                "1" if is_head else "0",
                f"在{rng.choice(BOSSES)}领导下，{rng.choice(VERBS)}{domain_of[dept]}方面的{rng.choice(OBJECTS)}工作。",
                rng.choice(REQUIREMENTS),
            ]
        )

    # Dotted lines: from ordinary positions to heads of other units (never a cycle).
    ordinary = [p for p in positions if not p[2]]
    head_list = list(heads.items())
    lines = set()
    while len(lines) < min(args.dotted_lines, len(ordinary)):
        source = rng.choice(ordinary)
        dept, target = rng.choice(head_list)
        if dept != source[1]:
            lines.add((source[0], target))
    for source, target in sorted(lines):
        sheets["dotted_lines"].append([source, target, rng.choice(RELATIONS)])

    # Forms: unique names, owned by a department.
    form_names, forms = set(), []
    while len(forms) < args.forms:
        name = f"{rng.choice(FORM_PREFIXES)}{rng.choice(OBJECTS)}{rng.choice(FORM_TYPES)}"
        if name in form_names:
            name = f"{rng.choice(CITIES)}{name}"
        if name in form_names:
            continue
        form_names.add(name)
        forms.append((f"F{len(forms) + 1:05d}", name))
        sheets["forms"].append(
            [forms[-1][0], name, f"用于记录{name[:-3]}相关信息。", rng.choice(dept_codes)]
        )

    # Duties: per position, duties first then an authority; some with steps, forms, a function.
    per_position = args.duties // len(positions)
    extra = args.duties - per_position * len(positions)
    duty_counts = {}
    for index, (pos_code, _dept, _head) in enumerate(positions):
        count = per_position + (1 if index < extra else 0)
        seen = set()
        duty_counts[pos_code] = 0
        for i in range(count):
            kind = "authority" if i == count - 1 and count > 2 else "duty"
            obj = rng.choice(OBJECTS)
            if kind == "duty":
                duty_counts[pos_code] += 1
                text = _unique(
                    rng,
                    lambda obj=obj: rng.choice(
                        [
                            f"负责{obj}的{rng.choice(ACTIONS)}，确保{rng.choice(GOALS)}。",
                            f"组织{obj}{rng.choice(ACTIONS)}工作，定期向{rng.choice(BOSSES)}汇报。",
                            f"协助{rng.choice(BOSSES)}完成{obj}的{rng.choice(ACTIONS)}。",
                            f"参与{obj}方案的制定与实施，确保{rng.choice(GOALS)}。",
                        ]
                    ),
                    seen,
                )
            else:
                text = _unique(
                    rng,
                    lambda obj=obj: f"对{obj}有{rng.choice(['审核', '建议', '否决'])}权。",
                    seen,
                )
            steps = "\n".join(
                f"{rng.choice(ACTIONS)}{rng.choice(OBJECTS)}"
                for _ in range(rng.choice([0, 0, 2, 3]))
            )
            used = ""
            if rng.random() < 0.3:
                picked = rng.sample(forms, rng.randint(1, 2))
                used = "、".join(code if rng.random() < 0.5 else name for code, name in picked)
            function = (
                str(rng.randint(1, args.functions_per_department)) if rng.random() < 0.5 else ""
            )
            section = "" if kind == "authority" else rng.choice(["", "", "日常工作", "专项工作"])
            sheets["duties"].append([pos_code, kind, section, text, steps, used, function])

    # KPIs: spread over positions, most tied to a duty by its number.
    periods = [("monthly", "25"), ("月度", "20"), ("quarterly", ""), ("yearly", "12-20")]
    periods += [("年度", "01-15")]
    for i in range(args.kpis):
        pos_code = positions[(i * 7) % len(positions)][0]
        duties = duty_counts[pos_code]
        number = rng.randint(1, duties) if duties and rng.random() < 0.9 else ""
        obj = rng.choice(OBJECTS)
        target = rng.choice(["95", "98", "100", "0", "3", "1,000"])
        period, deadline = rng.choice(periods)
        comparison = "<=" if target in ("0", "3") else ">="
        metric = f"{obj}{rng.choice(['准确率', '及时率', '完成率', '差错次数'])}"
        unit = "次" if target in ("0", "3") else ("元" if target == "1,000" else "%")
        sheets["kpis"].append(
            [
                pos_code,
                number,
                f"{metric}{'不高于' if comparison == '<=' else '不低于'}{target}{unit}（第{i + 1}项）",
                metric,
                comparison,
                target,
                unit,
                period,
                deadline,
            ]
        )

    # Employees: one primary assignment each.
    start = date(2015, 1, 1)
    for i, (pos_code, _dept, _head) in enumerate(rng.sample(positions, args.employees)):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
        sheets["employees"].append(
            [
                f"E{i + 1:06d}",
                name,
                f"u{i + 1:06d}",
                pos_code,
                "1",
                (start + timedelta(days=rng.randint(0, 3650))).isoformat(),
                "",
            ]
        )
    return sheets
