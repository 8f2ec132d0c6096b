/** One account opening, as analytics keeps it (no personal data: birth year and division only). */
export interface AccountFact {
  accountNo: string;
  province: string;
  adminDivision: string;
  gender: 'MALE' | 'FEMALE';
  birthYear: number;
  householdId: string | null;
  channel: 'ONLINE' | 'INTAKE_POINT';
  nodeId: string | null;
  openedAt: Date;
}

export interface NodeStats {
  accountsOpened: number;
}
