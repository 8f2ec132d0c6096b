import { Type } from '@sinclair/typebox';

/** Reusable field schemas for event payloads. */
export const ProvinceCode = Type.String({ pattern: '^[1-9][0-9]$', description: 'Two-digit province code' });
export const DivisionCode = Type.String({
  pattern: '^[0-9]{6}([0-9]{3})?$',
  description: 'GB/T 2260 division: 6 digits (county) or 9 (township)',
});
export const AccountNo = Type.String({
  pattern: '^[1-9][0-9][0-9]{9}[0-9X]$',
  description: 'Lifelong learning account number: province prefix, serial, check character',
});
export const IdHash = Type.String({
  pattern: '^[0-9a-f]{64}$',
  description: 'HMAC-SHA256 of the normalised resident ID number (keyed; never the number itself)',
});
export const Timestamp = Type.String({ format: 'date-time' });
export const EntityId = Type.String({ minLength: 1, maxLength: 64 });
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
