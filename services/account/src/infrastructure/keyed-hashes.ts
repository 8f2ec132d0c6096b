import { createHmac } from 'node:crypto';
import { idHash } from '@creditbank/identity';
import type { Keyed } from '../use-cases/ports';

/** Keyed hashes for lookups of personal identifiers without storing them in clear. */
export function createKeyedHashes(key: string): Keyed {
  return {
    idHash: (idNumber) => idHash(idNumber, key),
    phoneHash: (phone) =>
      createHmac('sha256', key)
        .update(`phone:${phone.replace(/[\s-]/g, '')}`, 'utf8')
        .digest('hex'),
  };
}
