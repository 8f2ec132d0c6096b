import { Schema, scoped, type Connection } from '@creditbank/mongo';
import type { TenantScope } from '@creditbank/kernel';
import type { LearnerOrigin, ServiceNode } from '../domain/service-node';
import type { LearnerOriginStore, ServiceNodeStore } from '../use-cases/ports';

export const SERVICE_NODES_COLLECTION = 'service_nodes';
export const LEARNER_ORIGINS_COLLECTION = 'learner_origins';

type NodeDoc = Omit<ServiceNode, 'id'> & { _id: string };

const nodeSchema = new Schema<NodeDoc>(
  {
    _id: String,
    kind: { type: String, required: true },
    name: { type: String, required: true },
    province: { type: String, required: true },
    adminDivision: { type: String, required: true },
    parentId: { type: String, default: null },
    address: { type: String, default: null },
    location: { type: new Schema({ lat: Number, lng: Number }, { _id: false }), default: null },
    hostOrganization: { type: String, default: null },
    status: { type: String, required: true },
    openedAt: { type: Date, required: true },
  },
  { collection: SERVICE_NODES_COLLECTION, versionKey: false },
);
nodeSchema.index({ province: 1, parentId: 1 });

type OriginDoc = { _id: string; province: string; nodeId: string | null };
const originSchema = new Schema<OriginDoc>(
  { _id: String, province: { type: String, required: true }, nodeId: { type: String, default: null } },
  { collection: LEARNER_ORIGINS_COLLECTION, versionKey: false },
);

const toNode = ({ _id, ...rest }: NodeDoc): ServiceNode => ({ id: _id, ...rest });

export function createServiceNodeRepository(connection: Connection): ServiceNodeStore {
  const nodes = connection.model<NodeDoc>('ServiceNode', nodeSchema);
  return {
    async insert(node) {
      const { id, ...rest } = node;
      await nodes.create({ _id: id, ...rest });
    },
    async findByIds(scope: TenantScope, ids) {
      return (await nodes.find(scoped(scope, { _id: { $in: [...ids] } })).lean<NodeDoc[]>()).map(toNode);
    },
    async findChildren(scope: TenantScope, parentIds) {
      return (
        await nodes
          .find(scoped(scope, { parentId: { $in: [...parentIds] } }))
          .sort({ _id: 1 })
          .lean<NodeDoc[]>()
      ).map(toNode);
    },
  };
}

export function createLearnerOriginRepository(connection: Connection): LearnerOriginStore {
  const origins = connection.model<OriginDoc>('LearnerOrigin', originSchema);
  return {
    async record(origin: LearnerOrigin) {
      await origins.updateOne(
        { _id: origin.accountNo },
        { $setOnInsert: { province: origin.province, nodeId: origin.nodeId } },
        { upsert: true },
      );
    },
    async findByAccountNos(scope: TenantScope, accountNos) {
      const docs = await origins.find(scoped(scope, { _id: { $in: [...accountNos] } })).lean<OriginDoc[]>();
      return docs.map((d) => ({ accountNo: d._id, province: d.province, nodeId: d.nodeId }));
    },
  };
}
