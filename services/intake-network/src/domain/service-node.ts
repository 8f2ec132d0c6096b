export type ServiceNodeKind = 'CENTER' | 'BRANCH' | 'SUBCENTER' | 'INTAKE_POINT';
export type ServiceNodeStatus = 'ACTIVE' | 'SUSPENDED' | 'CLOSED';

export interface ServiceNode {
  id: string;
  kind: ServiceNodeKind;
  name: string;
  province: string;
  adminDivision: string;
  parentId: string | null;
  address: string | null;
  location: { lat: number; lng: number } | null;
  hostOrganization: string | null;
  status: ServiceNodeStatus;
  openedAt: Date;
}

/** Where a learner's account was opened, learned from the account service's events. */
export interface LearnerOrigin {
  accountNo: string;
  province: string;
  nodeId: string | null;
}
