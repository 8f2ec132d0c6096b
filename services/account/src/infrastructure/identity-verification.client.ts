import type { Logger } from '@creditbank/logging';
import type { IdentityVerifier } from '../use-cases/ports';

export interface IdentityVerificationConfig {
  /** e.g. https://idv.example.gov.cn — unset: every check is "unavailable" (accounts stay pending). */
  baseUrl: string | undefined;
  apiKey: string | undefined;
  timeoutMs: number;
  logger: Logger;
}

/**
 * Client of the external real-name verification service (实名认证):
 * `POST {baseUrl}/v1/identity/verify` with `{ idNumber, name }` and `Authorization: Bearer <key>`,
 * answered `{ "result": "MATCH" | "MISMATCH" }`. Anything else — a network error, a timeout, a non-2xx
 * status, an unexpected body — means the service could not decide ("unavailable").
 */
export function createIdentityVerificationClient(config: IdentityVerificationConfig): IdentityVerifier {
  const log = config.logger.child({ component: 'identity-verification' });
  return {
    async verify(idNumber, name) {
      if (!config.baseUrl) return { result: 'unavailable', detail: 'not configured' };
      const started = Date.now();
      try {
        const res = await fetch(new URL('/v1/identity/verify', config.baseUrl), {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {}) },
          body: JSON.stringify({ idNumber, name }),
          signal: AbortSignal.timeout(config.timeoutMs),
        });
        if (!res.ok) {
          log.warn({ status: res.status, ms: Date.now() - started }, 'identity verification answered with an error status');
          return { result: 'unavailable', detail: `status ${res.status}` };
        }
        const body = (await res.json()) as { result?: unknown };
        if (body.result === 'MATCH') return { result: 'match' };
        if (body.result === 'MISMATCH') return { result: 'mismatch' };
        log.warn('identity verification answered with an unexpected body');
        return { result: 'unavailable', detail: 'unexpected answer' };
      } catch (error) {
        const timeout = (error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError';
        log.warn({ ms: Date.now() - started, timeout }, 'identity verification unreachable');
        return { result: 'unavailable', detail: timeout ? 'timeout' : 'unreachable' };
      }
    },
  };
}
