import type { CatalogItemInput } from '../domain/catalog-item';
import type { CreditRuleInput, CreditStandardInput } from '../domain/credit-standard';

/**
 * Demo data: a catalogue for rural learners and a default credit standard for Zhejiang (33) and
 * Guangdong (44). Hours and credits are plausible demonstration values, not official figures.
 */

/** The five national vocational skill levels; framework level 1 (五级) to 5 (一级). */
const SKILL_GRADES = [
  { grade: 5, label: '五级/初级工', level: 1, hours: 100, credits: 4 },
  { grade: 4, label: '四级/中级工', level: 2, hours: 150, credits: 6 },
  { grade: 3, label: '三级/高级工', level: 3, hours: 200, credits: 8 },
  { grade: 2, label: '二级/技师', level: 4, hours: 250, credits: 10 },
  { grade: 1, label: '一级/高级技师', level: 5, hours: 300, credits: 12 },
] as const;

const OCCUPATIONS = [
  { track: 'VSC-AGRI', name: '农业技术员', field: '农林牧渔大类' },
  { track: 'VSC-ELEC', name: '电工', field: '装备制造大类' },
  { track: 'VSC-COOK', name: '中式烹调师', field: '旅游大类' },
  { track: 'VSC-CHILDCARE', name: '保育师', field: '教育与体育大类' },
  { track: 'VSC-ELDERCARE', name: '养老护理员', field: '医药卫生大类' },
  { track: 'VSC-ECOM', name: '电子商务师', field: '财经商贸大类' },
] as const;

const skillCertificates: CatalogItemInput[] = OCCUPATIONS.flatMap((o) =>
  SKILL_GRADES.map((g) => ({
    code: `${o.track}-G${g.grade}`,
    name: `${o.name}（${g.label}）职业技能等级证书`,
    type: 'VOCATIONAL' as const,
    subtype: 'SKILL_CERTIFICATE',
    level: g.level,
    track: o.track,
    field: o.field,
    hours: g.hours,
    standardCredits: g.credits,
    evidenceRequired: ['职业技能等级证书编号', '证书查询截图'],
    description: `国家职业技能标准“${o.name}”${g.label}。同一职业的五个等级构成一条晋升路径（${o.track}）。`,
  })),
);

type Short = [code: string, name: string, hours: number, field: string | null, extra?: Partial<CatalogItemInput>];

const nonAcademic = (subtype: string, rows: Short[], evidence: string[]): CatalogItemInput[] =>
  rows.map(([code, name, hours, field, extra]) => ({
    code,
    name,
    type: 'NON_ACADEMIC' as const,
    subtype,
    level: 1,
    field,
    hours,
    evidenceRequired: evidence,
    ...extra,
  }));

const ATTENDANCE = ['结业证明或学时记录'];

const vocationalTraining: CatalogItemInput[] = (
  [
    ['VT-LIVE-COMMERCE', '农产品直播带货实务', 36, '财经商贸大类', { level: 1 }],
    ['VT-DRONE', '植保无人机操作与维护', 48, '农林牧渔大类', { level: 2 }],
    ['VT-HOMESTAY', '乡村民宿经营与服务', 32, '旅游大类', { level: 1 }],
    ['VT-TEA', '茶叶加工与品质鉴评', 40, '农林牧渔大类', { level: 2 }],
    ['VT-HOUSEKEEPING', '家政服务基础', 40, '公共管理与服务大类', { level: 1 }],
  ] as Short[]
).map(([code, name, hours, field, extra]) => ({
  code,
  name,
  type: 'VOCATIONAL' as const,
  subtype: 'VOCATIONAL_TRAINING',
  field,
  hours,
  evidenceRequired: ['培训结业证书', '培训学时记录'],
  ...extra,
}));

const communityEducation = nonAcademic(
  'COMMUNITY_EDUCATION',
  [
    ['CE-SMARTPHONE', '智能手机应用', 16, '信息技术'],
    ['CE-FAMILY-EDU', '家庭教育指导', 18, '教育'],
    ['CE-RURAL-LAW', '农村常用法律知识', 12, '法律'],
    ['CE-GREEN-HOME', '垃圾分类与美丽庭院', 8, '生态环境'],
    ['CE-DIGITAL-GOV', '数字生活与网上办事', 12, '信息技术'],
  ],
  ATTENDANCE,
);

const elderlyEducation = nonAcademic(
  'ELDERLY_EDUCATION',
  [
    ['EE-TAICHI', '太极拳（二十四式）', 36, '体育健身'],
    ['EE-CALLIGRAPHY', '书法入门', 32, '文化艺术'],
    ['EE-SMART-LIFE', '老年人智能生活', 16, '信息技术'],
    ['EE-OPERA', '戏曲欣赏与演唱', 24, '文化艺术'],
  ],
  ATTENDANCE,
);

const culturalActivities = nonAcademic(
  'CULTURAL_ACTIVITY',
  [
    ['CA-READING', '乡村读书会', 12, '文化艺术'],
    ['CA-PAPER-CUT', '剪纸艺术', 16, '文化艺术'],
  ],
  ['活动签到记录'],
);

const partyEducation = nonAcademic(
  'PARTY_EDUCATION',
  [
    ['PE-THEORY', '党的创新理论专题学习', 16, '政治理论'],
    ['PE-RURAL-REVIVAL', '乡村振兴战略专题', 12, '政治理论'],
    ['PE-BRANCH', '基层党组织建设实务', 8, '政治理论'],
  ],
  ['党校或党组织出具的学习证明'],
);

const safety = nonAcademic(
  'SAFETY',
  [
    ['SF-FIRE', '消防安全知识', 4, '安全'],
    ['SF-TRAFFIC', '农村道路交通安全', 4, '安全'],
    ['SF-ELECTRIC', '农村安全用电', 4, '安全'],
    ['SF-ANTI-FRAUD', '防范电信网络诈骗', 2, '安全'],
    ['SF-FOOD', '食品安全', 4, '安全'],
    ['SF-PESTICIDE', '农药安全使用', 6, '安全'],
  ],
  ATTENDANCE,
);

const health = nonAcademic(
  'HEALTH',
  [
    ['HL-FIRST-AID', '应急救护（红十字救护员）', 16, '健康', { validityYears: 3, evidenceRequired: ['救护员证编号'] }],
    ['HL-CHRONIC', '慢性病防治', 12, '健康'],
    ['HL-NUTRITION', '合理膳食与营养', 8, '健康'],
    ['HL-MENTAL', '心理健康与压力调适', 8, '健康'],
  ],
  ATTENDANCE,
);

type Course = [code: string, name: string, level: number, hours: number, credits: number, field: string];

const academic = (rows: Course[], description: string): CatalogItemInput[] =>
  rows.map(([code, name, level, hours, credits, field]) => ({
    code,
    name,
    type: 'ACADEMIC' as const,
    subtype: code.includes('-DEG-') ? 'DEGREE_PROGRAMME' : 'ACADEMIC_COURSE',
    level,
    field,
    hours: code.includes('-DEG-') ? null : hours,
    standardCredits: credits,
    evidenceRequired: ['成绩单（加盖教务公章）'],
    description,
  }));

/** Partner university of Zhejiang: provincial items of 33. */
const zhejiangOpenUniversity = academic(
  [
    ['33-ZJOU-AGEC101', '农村经济管理', 4, 54, 3, '管理学'],
    ['33-ZJOU-ECOM102', '电子商务概论', 4, 54, 3, '管理学'],
    ['33-ZJOU-PRESCH103', '学前儿童卫生与保健', 4, 54, 3, '教育学'],
    ['33-ZJOU-CS104', '计算机应用基础', 4, 72, 4, '工学'],
    ['33-ZJOU-ELDER105', '老年护理学', 4, 54, 3, '医学'],
    ['33-ZJOU-DEG-AGEC', '农业经济管理（专科）', 4, 0, 76, '管理学'],
  ],
  '浙江开放大学课程（合作高校）',
);

/** Partner university of Guangdong: provincial items of 44. */
const guangdongOpenUniversity = academic(
  [
    ['44-GDOU-MKT101', '市场营销学', 5, 54, 3, '管理学'],
    ['44-GDOU-ACC102', '基础会计', 4, 72, 4, '管理学'],
    ['44-GDOU-HORT103', '园艺植物栽培学', 5, 54, 3, '农学'],
    ['44-GDOU-LAW104', '法律基础', 4, 36, 2, '法学'],
    ['44-GDOU-MGT105', '管理学基础', 4, 54, 3, '管理学'],
    ['44-GDOU-DEG-ECOM', '电子商务（专科）', 4, 0, 76, '管理学'],
  ],
  '广东开放大学课程（合作高校）',
);

export const DEMO_CATALOG: readonly CatalogItemInput[] = [
  ...skillCertificates,
  ...vocationalTraining,
  ...communityEducation,
  ...elderlyEducation,
  ...culturalActivities,
  ...partyEducation,
  ...safety,
  ...health,
  ...zhejiangOpenUniversity,
  ...guangdongOpenUniversity,
];

const perHours = (type: CreditRuleInput['type'], subtype: string | null, hoursPerCredit: number, extra: Partial<CreditRuleInput> = {}) =>
  ({ type, subtype, method: 'PER_HOURS', hoursPerCredit, roundingStep: 0.5, rounding: 'DOWN', ...extra }) as CreditRuleInput;

function defaultStandard(province: string, name: string, hoursPerCredit: number, pointsPerCredit: number): CreditStandardInput {
  return {
    province,
    name,
    pointsPerCredit,
    note: '演示数据：默认学分认定标准。',
    rules: [
      { type: 'ACADEMIC', subtype: 'ACADEMIC_COURSE', method: 'DECLARED', minScore: 60, maxPerOutcome: 10 },
      { type: 'ACADEMIC', subtype: 'DEGREE_PROGRAMME', method: 'ITEM_STANDARD' },
      { type: 'ACADEMIC', subtype: null, method: 'DECLARED', maxPerOutcome: 10 },
      {
        type: 'VOCATIONAL',
        subtype: 'SKILL_CERTIFICATE',
        method: 'LEVEL_TABLE',
        levelCredits: SKILL_GRADES.map((g) => ({ level: g.level, credits: g.credits })),
      },
      perHours('VOCATIONAL', 'VOCATIONAL_TRAINING', hoursPerCredit, { maxPerOutcome: 4 }),
      perHours('VOCATIONAL', null, hoursPerCredit, { maxPerOutcome: 4 }),
      perHours('NON_ACADEMIC', 'COMMUNITY_EDUCATION', hoursPerCredit, { maxPerOutcome: 2, maxPerItem: 2 }),
      perHours('NON_ACADEMIC', 'ELDERLY_EDUCATION', hoursPerCredit, { maxPerOutcome: 2, maxPerItem: 2 }),
      { type: 'NON_ACADEMIC', subtype: 'PARTY_EDUCATION', method: 'FIXED', credits: 1, maxPerItem: 1 },
      { type: 'NON_ACADEMIC', subtype: 'SAFETY', method: 'FIXED', credits: 0.5, maxPerItem: 1 },
      perHours('NON_ACADEMIC', 'HEALTH', hoursPerCredit, { maxPerOutcome: 1 }),
      { type: 'NON_ACADEMIC', subtype: 'CULTURAL_ACTIVITY', method: 'FIXED', credits: 0.5, maxPerItem: 1 },
      perHours('NON_ACADEMIC', null, hoursPerCredit, { maxPerOutcome: 2 }),
    ],
    itemRules: [{ catalogItemCode: 'HL-FIRST-AID', credits: 1, maxPerItem: 1 }],
    annualCaps: [
      { type: 'NON_ACADEMIC', subtype: null, maxCredits: 10 },
      { type: 'VOCATIONAL', subtype: 'VOCATIONAL_TRAINING', maxCredits: 12 },
    ],
  };
}

export const DEMO_STANDARDS: readonly CreditStandardInput[] = [
  defaultStandard('33', '浙江省终身学习学分银行学分认定标准（默认）', 18, 100),
  defaultStandard('44', '广东省终身学习学分银行学分认定标准（默认）', 16, 80),
];
