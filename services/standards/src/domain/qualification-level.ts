import { optionalInt } from './input';
import { BadInputError, freeText } from '@creditbank/kernel';

/**
 * The qualification framework (资历框架): numbered levels with names and descriptors, and what they
 * correspond to in vocational skill levels and academic education. Catalogue items name a level;
 * conversion rules compare levels (higher = more advanced). The default is modelled on provincial
 * lifelong-learning qualification frameworks (seven levels); PLATFORM_ADMIN may rename, describe and
 * add levels, and stored levels overlay the default.
 */
export interface QualificationLevel {
  level: number;
  name: string;
  descriptor: string;
  /** The national vocational skill level at this level (五级/初级工 … 一级/高级技师). */
  vocationalEquivalent: string | null;
  academicEquivalent: string | null;
}

export const DEFAULT_QUALIFICATION_LEVELS: readonly QualificationLevel[] = Object.freeze([
  {
    level: 1,
    name: '一级（入门）',
    descriptor: '具备基本的文化知识和简单的操作技能，能在指导下完成常规、重复性的工作和学习任务。',
    vocationalEquivalent: '五级/初级工',
    academicEquivalent: '社区教育、老年教育等入门课程',
  },
  {
    level: 2,
    name: '二级（基础）',
    descriptor: '具备某一领域的基础知识和操作技能，能独立完成常规工作，解决常见问题。',
    vocationalEquivalent: '四级/中级工',
    academicEquivalent: '初中后职业培训',
  },
  {
    level: 3,
    name: '三级（熟练）',
    descriptor: '具备较系统的专业知识和熟练技能，能处理较复杂的工作，并能指导他人完成常规任务。',
    vocationalEquivalent: '三级/高级工',
    academicEquivalent: '中等职业教育',
  },
  {
    level: 4,
    name: '四级（专业）',
    descriptor: '具备系统的专业理论和技术能力，能解决较复杂的实际问题，具备一定的组织和管理能力。',
    vocationalEquivalent: '二级/技师',
    academicEquivalent: '专科（高等职业教育）',
  },
  {
    level: 5,
    name: '五级（高级专业）',
    descriptor: '具备宽厚的专业理论和创新能力，能解决复杂的技术或管理问题，能指导和培训他人。',
    vocationalEquivalent: '一级/高级技师',
    academicEquivalent: '本科',
  },
  {
    level: 6,
    name: '六级（研究）',
    descriptor: '具备深入的专业知识和研究能力，能在专业领域开展创新性的研究和实践。',
    vocationalEquivalent: null,
    academicEquivalent: '硕士研究生',
  },
  {
    level: 7,
    name: '七级（前沿）',
    descriptor: '具备学科前沿的专业知识和独立研究能力，能在专业领域作出创造性贡献。',
    vocationalEquivalent: null,
    academicEquivalent: '博士研究生',
  },
]);

/** The framework in force: the default, overlaid and extended by stored levels, lowest first. */
export function mergeLevels(stored: readonly QualificationLevel[]): QualificationLevel[] {
  const byLevel = new Map<number, QualificationLevel>(DEFAULT_QUALIFICATION_LEVELS.map((l) => [l.level, l]));
  for (const l of stored) byLevel.set(l.level, l);
  return [...byLevel.values()].sort((a, b) => a.level - b.level);
}

export interface QualificationLevelInput {
  level: number;
  name: string;
  descriptor: string;
  vocationalEquivalent?: string | null;
  academicEquivalent?: string | null;
}

export function parseLevelInput(input: QualificationLevelInput): QualificationLevel {
  const level = optionalInt(input.level, 'input.level', 1, 20);
  if (level === null) throw new BadInputError('Is required', 'input.level');
  return {
    level,
    name: freeText(input.name, 'input.name', { max: 50, required: true, noAngleBrackets: true }),
    descriptor: freeText(input.descriptor, 'input.descriptor', { max: 1000, required: true, multiline: true }),
    vocationalEquivalent: freeText(input.vocationalEquivalent, 'input.vocationalEquivalent', { max: 50, noAngleBrackets: true }),
    academicEquivalent: freeText(input.academicEquivalent, 'input.academicEquivalent', { max: 50, noAngleBrackets: true }),
  };
}
