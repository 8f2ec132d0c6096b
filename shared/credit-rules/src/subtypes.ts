import type { OutcomeType } from './types';

/**
 * The catalogue's subtypes (学习成果细类) and the outcome type each belongs to. Catalogue items and
 * credit rules may only use these; front-ends list them for filters.
 */
export interface CatalogSubtype {
  readonly code: string;
  readonly type: OutcomeType;
  readonly name: string;
  readonly nameEn: string;
}

export const CATALOG_SUBTYPES: readonly CatalogSubtype[] = Object.freeze([
  { code: 'ACADEMIC_COURSE', type: 'ACADEMIC', name: '学历教育课程', nameEn: 'Academic course' },
  { code: 'DEGREE_PROGRAMME', type: 'ACADEMIC', name: '学历（学位）教育专业', nameEn: 'Degree programme' },
  { code: 'SKILL_CERTIFICATE', type: 'VOCATIONAL', name: '职业技能等级证书', nameEn: 'Vocational skill-level certificate' },
  { code: 'VOCATIONAL_QUALIFICATION', type: 'VOCATIONAL', name: '职业资格证书', nameEn: 'Vocational qualification certificate' },
  { code: 'VOCATIONAL_TRAINING', type: 'VOCATIONAL', name: '职业培训课程', nameEn: 'Vocational training course' },
  { code: 'COMMUNITY_EDUCATION', type: 'NON_ACADEMIC', name: '社区教育', nameEn: 'Community education' },
  { code: 'ELDERLY_EDUCATION', type: 'NON_ACADEMIC', name: '老年教育', nameEn: 'Elderly education' },
  { code: 'CULTURAL_ACTIVITY', type: 'NON_ACADEMIC', name: '文化活动', nameEn: 'Cultural activity' },
  { code: 'PARTY_EDUCATION', type: 'NON_ACADEMIC', name: '党员教育', nameEn: 'Party-member education' },
  { code: 'SAFETY', type: 'NON_ACADEMIC', name: '安全教育', nameEn: 'Safety education' },
  { code: 'HEALTH', type: 'NON_ACADEMIC', name: '健康教育', nameEn: 'Health education' },
  { code: 'OTHER_NON_ACADEMIC', type: 'NON_ACADEMIC', name: '其他非学历教育', nameEn: 'Other non-academic learning' },
]);

const byCode = new Map(CATALOG_SUBTYPES.map((s) => [s.code, s]));

export function catalogSubtype(code: string): CatalogSubtype | undefined {
  return byCode.get(code);
}

/** Whether a subtype exists and belongs to the type. */
export function subtypeFits(type: OutcomeType, subtype: string): boolean {
  return byCode.get(subtype)?.type === type;
}
