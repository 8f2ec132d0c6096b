/**
 * Service node ids as the intake-network service mints them: `sn-` and then letters, digits and
 * hyphens (`sn-33`, `sn-330106`, `sn-330106001`, `sn-330106001-2`, `sn-<uuid>`), at most 64 characters.
 */
export const SERVICE_NODE_ID_PATTERN = /^sn-[A-Za-z0-9](?:[A-Za-z0-9-]{0,60})$/;

export function isServiceNodeId(value: unknown): value is string {
  return typeof value === 'string' && SERVICE_NODE_ID_PATTERN.test(value);
}
