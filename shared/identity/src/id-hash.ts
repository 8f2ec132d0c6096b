import { createHmac } from 'node:crypto';
import { normaliseResidentId } from './resident-id';

/**
 * The keyed hash that links a person across services without the number itself: HMAC-SHA256 of the
 * normalised ID number under a platform key. Equal numbers give equal hashes; without the key the
 * hash cannot be brute-forced from the (small) space of valid numbers.
 */
export function idHash(idNumber: string, key: Buffer | string): string {
  if (typeof key === 'string' ? key.length < 16 : key.length < 16) throw new Error('ID hash key too short');
  return createHmac('sha256', key).update(normaliseResidentId(idNumber), 'utf8').digest('hex');
}
