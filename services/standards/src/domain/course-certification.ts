import { BadInputError, ConflictError, freeText } from '@creditbank/kernel';
import { optionalInt, requireNumber } from './input';

/**
 * Course certification (课程认证): an institution submits a course mapped to a catalogue item; experts
 * of the province review it (decision, score, comment), each once. A configurable number of approvals
 * certifies it; any rejection, with its reason, rejects it. The institution sees status and history.
 */
export type CertificationStatus = 'SUBMITTED' | 'UNDER_REVIEW' | 'CERTIFIED' | 'REJECTED';
export type ReviewDecision = 'APPROVE' | 'REJECT';

export interface CourseTeacher {
  name: string;
  title: string | null;
  qualification: string | null;
}

export interface ExpertReview {
  expertId: string;
  decision: ReviewDecision;
  score: number | null;
  comment: string | null;
  at: Date;
}

export interface CertificationStep {
  at: Date;
  by: string;
  action: 'SUBMITTED' | 'REVIEWED' | 'CERTIFIED' | 'REJECTED';
  note: string | null;
}

export interface CourseCertification {
  id: string;
  province: string;
  institutionCode: string;
  title: string;
  catalogItemCode: string;
  /** The catalogue item version in force when the course was submitted. */
  catalogItemVersion: number;
  hours: number;
  syllabus: string;
  assessment: string;
  teachers: CourseTeacher[];
  status: CertificationStatus;
  requiredApprovals: number;
  reviews: ExpertReview[];
  history: CertificationStep[];
  submittedAt: Date;
  submittedBy: string;
  decidedAt: Date | null;
  rejectionReason: string | null;
  rev: number;
}

export interface CourseCertificationInput {
  institutionCode: string;
  title: string;
  catalogItemCode: string;
  hours: number;
  syllabus: string;
  assessment: string;
  teachers?: Array<{ name: string; title?: string | null; qualification?: string | null }> | null;
}

export function parseSubmission(
  input: CourseCertificationInput,
): Pick<CourseCertification, 'title' | 'hours' | 'syllabus' | 'assessment' | 'teachers'> {
  const teachersIn = input.teachers ?? [];
  if (teachersIn.length > 20) throw new BadInputError('At most 20 teachers', 'input.teachers');
  return {
    title: freeText(input.title, 'input.title', { min: 2, max: 200, required: true, noAngleBrackets: true }),
    hours: requireNumber(input.hours, 'input.hours', 0.5, 10000, 1),
    syllabus: freeText(input.syllabus, 'input.syllabus', { min: 10, max: 20000, required: true, multiline: true }),
    assessment: freeText(input.assessment, 'input.assessment', { min: 2, max: 2000, required: true, multiline: true }),
    teachers: teachersIn.map((t, i) => ({
      name: freeText(t.name, `input.teachers.${i}.name`, { max: 50, required: true, noAngleBrackets: true }),
      title: freeText(t.title, `input.teachers.${i}.title`, { max: 50, noAngleBrackets: true }),
      qualification: freeText(t.qualification, `input.teachers.${i}.qualification`, { max: 100, noAngleBrackets: true }),
    })),
  };
}

export function approvalsOf(c: Pick<CourseCertification, 'reviews'>): number {
  return c.reviews.filter((r) => r.decision === 'APPROVE').length;
}

export function averageScore(c: Pick<CourseCertification, 'reviews'>): number | null {
  const scores = c.reviews.map((r) => r.score).filter((s): s is number => s !== null);
  return scores.length ? Math.round((scores.reduce((a, b) => a + b, 0) / scores.length) * 100) / 100 : null;
}

export interface ReviewInput {
  decision: ReviewDecision;
  score?: number | null;
  comment?: string | null;
}

/**
 * Apply one expert's review. One expert reviews once; a decided certification takes no more reviews;
 * a rejection needs a reason and rejects at once; the required number of approvals certifies.
 */
export function applyReview(
  c: CourseCertification,
  expertId: string,
  input: ReviewInput,
  at: Date,
): { next: CourseCertification; decided: 'CERTIFIED' | 'REJECTED' | null } {
  if (input.decision !== 'APPROVE' && input.decision !== 'REJECT') throw new BadInputError('Unknown decision', 'decision');
  const score = optionalInt(input.score, 'score', 0, 100);
  const comment = freeText(input.comment, 'comment', { max: 2000, multiline: true });
  if (input.decision === 'REJECT' && comment === null) throw new BadInputError('A rejection needs a reason in the comment', 'comment');
  if (c.status === 'CERTIFIED' || c.status === 'REJECTED')
    throw new ConflictError(`The certification is already ${c.status.toLowerCase()}`);
  if (c.reviews.some((r) => r.expertId === expertId)) throw new ConflictError('You have already reviewed this course');
  const review: ExpertReview = { expertId, decision: input.decision, score, comment, at };
  const reviews = [...c.reviews, review];
  const history: CertificationStep[] = [
    ...c.history,
    {
      at,
      by: expertId,
      action: 'REVIEWED',
      note: `${input.decision}${score !== null ? ` (${score})` : ''}${comment ? `: ${comment}` : ''}`,
    },
  ];
  if (input.decision === 'REJECT') {
    return {
      next: {
        ...c,
        reviews,
        status: 'REJECTED',
        decidedAt: at,
        rejectionReason: comment,
        history: [...history, { at, by: expertId, action: 'REJECTED', note: comment }],
      },
      decided: 'REJECTED',
    };
  }
  const approvals = approvalsOf({ reviews });
  if (approvals >= c.requiredApprovals) {
    return {
      next: {
        ...c,
        reviews,
        status: 'CERTIFIED',
        decidedAt: at,
        history: [...history, { at, by: 'system', action: 'CERTIFIED', note: `${approvals} of ${c.requiredApprovals} approvals` }],
      },
      decided: 'CERTIFIED',
    };
  }
  return { next: { ...c, reviews, status: 'UNDER_REVIEW', history }, decided: null };
}
