import {
  ConversionApproved,
  ConversionCancelled,
  ConversionRejected,
  ConversionRulePublished,
  ConversionRuleRetired,
  ConversionSubmitted,
} from '@creditbank/contracts';
import { on, type HandlerRegistration } from '@creditbank/events';
import type { OutcomeType } from '../domain/facts';
import type { FactWriter } from '../use-cases/ports';

/**
 * Conversion facts from `creditbank.conversion.v1`: rules (for recommendations) and applications
 * (node statistics, conversion yield). Only the documented core fields are read, defensively.
 */
function ruleName(d: object): string {
  const r = d as { title?: unknown; name?: unknown; ruleId?: unknown };
  return typeof r.title === 'string' ? r.title : typeof r.name === 'string' ? r.name : String(r.ruleId);
}

export function conversionEventHandlers(facts: FactWriter): HandlerRegistration[] {
  return [
    on(ConversionRulePublished, async ({ data: d }) =>
      facts.rulePublished({
        ruleId: d.ruleId,
        version: d.version,
        province: d.province,
        // The rule's display name: `title` (earlier drafts of the contract called it `name`).
        name: ruleName(d),
        creditsRequired: d.creditsRequired,
        catalogItemCodes: [...(d.source?.catalogItemCodes ?? [])],
        types: [...((d.source?.types ?? []) as OutcomeType[])],
        minLevel: d.source?.minLevel ?? null,
        minScore: d.source?.minScore ?? null,
        withinYears: d.source?.withinYears ?? null,
        effectiveFrom: d.effectiveFrom ?? null,
        effectiveTo: d.effectiveTo ?? null,
      }),
    ),
    on(ConversionRuleRetired, async ({ data: d }) => facts.ruleRetired({ ruleId: d.ruleId, version: d.version })),
    on(ConversionSubmitted, async ({ data: d }) =>
      facts.applicationSubmitted({
        applicationId: d.applicationId,
        province: d.province,
        accountNo: d.accountNo,
        ruleId: d.ruleId,
        nodeId: d.nodeId ?? null,
        at: d.submittedAt,
      }),
    ),
    on(ConversionApproved, async ({ data: d }) =>
      facts.applicationApproved({
        applicationId: d.applicationId,
        province: d.province,
        accountNo: d.accountNo,
        ruleId: d.ruleId,
        credits: d.creditsConsumed ?? 0,
        at: d.decidedAt,
      }),
    ),
    on(ConversionRejected, async ({ data: d }) =>
      facts.applicationClosed({
        applicationId: d.applicationId,
        province: d.province,
        accountNo: d.accountNo,
        ruleId: d.ruleId,
        outcome: 'rejected',
        at: d.rejectedAt,
      }),
    ),
    on(ConversionCancelled, async ({ data: d }) =>
      facts.applicationClosed({
        applicationId: d.applicationId,
        province: d.province,
        accountNo: d.accountNo,
        ruleId: d.ruleId,
        outcome: 'cancelled',
        at: d.cancelledAt,
      }),
    ),
  ];
}
