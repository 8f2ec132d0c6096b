import { Schema, type Connection } from '@creditbank/mongo';
import { OUTBOX_HIDDEN, outboxOnInsert, outboxSchemaFields, withOutbox, type OutboxSignal } from '@creditbank/events';
import type { ConversionRule } from '../domain/rule';
import type { RuleStore } from '../use-cases/ports';

export const RULES_COLLECTION = 'conversion_rules';

type RuleDoc = Omit<ConversionRule, 'id'> & { _id: string };

const ruleSchema = new Schema<RuleDoc>(
  {
    _id: { type: String, required: true },
    province: { type: String, required: true },
    version: { type: Number, required: true },
    supersedes: { type: String, default: null },
    status: { type: String, required: true },
    name: { type: String, required: true },
    creditsRequired: { type: Number, required: true },
    source: { type: Schema.Types.Mixed, required: true },
    target: { type: Schema.Types.Mixed, required: true },
    effectiveFrom: { type: Date, default: null },
    effectiveTo: { type: Date, default: null },
    draftedBy: String,
    draftedByRole: String,
    createdAt: Date,
    publishedBy: { type: String, default: null },
    publishedAt: { type: Date, default: null },
    retiredBy: { type: String, default: null },
    retiredAt: { type: Date, default: null },
    ...outboxSchemaFields,
  },
  { collection: RULES_COLLECTION, versionKey: false, minimize: false },
);
ruleSchema.index({ province: 1, status: 1, _id: 1 });
ruleSchema.index({ 'target.institutionCode': 1, status: 1 });
ruleSchema.index({ 'source.catalogItemCodes': 1, status: 1 });

const toRule = ({ _id, ...rest }: RuleDoc): ConversionRule => ({
  id: _id,
  province: rest.province,
  version: rest.version,
  supersedes: rest.supersedes ?? null,
  status: rest.status,
  name: rest.name,
  creditsRequired: rest.creditsRequired,
  source: rest.source,
  target: rest.target,
  effectiveFrom: rest.effectiveFrom ?? null,
  effectiveTo: rest.effectiveTo ?? null,
  draftedBy: rest.draftedBy,
  draftedByRole: rest.draftedByRole,
  createdAt: rest.createdAt,
  publishedBy: rest.publishedBy ?? null,
  publishedAt: rest.publishedAt ?? null,
  retiredBy: rest.retiredBy ?? null,
  retiredAt: rest.retiredAt ?? null,
});

export function createRuleRepository(connection: Connection, signal: OutboxSignal): RuleStore {
  const rules = connection.model<RuleDoc>('ConversionRule', ruleSchema);
  return {
    async insert(rule) {
      const { id, ...rest } = rule;
      await rules.collection.insertOne({ _id: id, ...rest, ...outboxOnInsert([]) } as never);
    },
    async findByIds(ids) {
      if (ids.length === 0) return [];
      return (await rules.find({ _id: { $in: [...new Set(ids)] } }, OUTBOX_HIDDEN).lean<RuleDoc[]>()).map(toRule);
    },
    async list(f, page) {
      const filter: Record<string, unknown> = {};
      if (f.province) filter['province'] = f.province;
      if (f.status) filter['status'] = f.status;
      if (f.targetInstitutionCode) filter['target.institutionCode'] = f.targetInstitutionCode;
      if (f.catalogItemCode) filter['source.catalogItemCodes'] = f.catalogItemCode;
      if (f.targetKind) filter['target.kind'] = f.targetKind;
      if (f.outcomeType) filter['source.types'] = f.outcomeType;
      if (f.draftedBy) filter['draftedBy'] = f.draftedBy;
      const [rows, total] = await Promise.all([
        rules
          .find(page.after ? { ...filter, _id: { $gt: page.after } } : filter, OUTBOX_HIDDEN)
          .sort({ _id: 1 })
          .limit(page.limit + 1)
          .lean<RuleDoc[]>(),
        rules.countDocuments(filter),
      ]);
      return { rows: rows.map(toRule), total };
    },
    async transition(id, from, set, events) {
      const { id: _ignored, ...fields } = set as ConversionRule;
      const r = await rules.updateOne({ _id: id, status: from }, withOutbox({ $set: { ...fields } }, events));
      if (r.modifiedCount !== 1) return null;
      if (events.length) signal.notify({ collection: RULES_COLLECTION, ids: [id] });
      const d = await rules.findById(id, OUTBOX_HIDDEN).lean<RuleDoc>();
      return d ? toRule(d) : null;
    },
  };
}
