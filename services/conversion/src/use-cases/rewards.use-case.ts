import { randomUUID } from 'node:crypto';
import {
  BadInputError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  freeText,
  isAppError,
  isProvinceCode,
  isValidAccountNo,
  narrowScope,
  provinceOfAccountNo,
  scopeOf,
  type Caller,
  type CommandContext,
} from '@creditbank/kernel';
import { checkRedemption, emptyAccount, redeem, type Redemption } from '../domain/credit-account';
import { actorOf, canActForLearner, idempotencyKey, requireRole } from './access';
import { applyToAccount } from './account-writer';
import type { RewardItem, RewardStore, StaleHold } from './ports';
import { requestHash, type ConversionDeps } from './submit-conversion.use-case';

export const REWARD_KINDS = ['STUDENT_CARD_TOPUP', 'TRANSIT_POINTS', 'ADMISSION_TICKET', 'CREDIT_SCORE', 'COURSE_FEE_WAIVER'] as const;
const ITEM_CODE = /^[A-Z0-9][A-Z0-9-]{1,63}$/;

export interface RewardItemInput {
  code: string;
  name: string;
  kind: string;
  pointsCost: number;
  stock: number;
  province?: string | null;
  active?: boolean | null;
}

/** The provincial reward catalogue (兑换): the centre adds or changes an item (points cost, stock). */
export async function upsertRewardItem(store: RewardStore, ctx: CommandContext, input: RewardItemInput): Promise<RewardItem> {
  const c = ctx.caller;
  requireRole(c, ['CENTER_ADMIN', 'PLATFORM_ADMIN']);
  const province = input.province ?? c.province;
  if (!isProvinceCode(province)) throw new BadInputError('Not a province code', 'input.province');
  if (c.role !== 'PLATFORM_ADMIN' && province !== c.province) throw new ForbiddenError('Not allowed for that province');
  const code = String(input.code ?? '')
    .trim()
    .toUpperCase();
  if (!ITEM_CODE.test(code)) throw new BadInputError('code: 2–64 capitals, digits and dashes', 'input.code');
  const name = freeText(input.name, 'input.name', { max: 100, required: true });
  if (!(REWARD_KINDS as readonly string[]).includes(input.kind)) throw new BadInputError('Unknown reward kind', 'input.kind');
  if (!Number.isInteger(input.pointsCost) || input.pointsCost < 1 || input.pointsCost > 1_000_000)
    throw new BadInputError('pointsCost: 1 to 1,000,000', 'input.pointsCost');
  if (!Number.isInteger(input.stock) || input.stock < 0 || input.stock > 10_000_000)
    throw new BadInputError('stock: 0 to 10,000,000', 'input.stock');
  return store.upsert({
    province,
    code,
    name,
    kind: input.kind,
    pointsCost: input.pointsCost,
    stock: input.stock,
    active: input.active ?? true,
    updatedAt: ctx.now,
    updatedBy: c.sub.slice(0, 64),
  });
}

export async function rewardItems(store: RewardStore, caller: Caller, province?: string | null): Promise<RewardItem[]> {
  const scope = narrowScope(scopeOf(caller), province);
  return (await store.list(scope)).filter(
    (i) => i.active || (caller.kind === 'user' && ['CENTER_ADMIN', 'PLATFORM_ADMIN'].includes(caller.role)),
  );
}

export interface RedeemDeps extends ConversionDeps {
  rewards: RewardStore;
}

/**
 * Drop the marker of stock held for a redemption that was written (the stock stays taken). Bookkeeping
 * only: a failure is logged, not the request's failure — the redemption happened, and a replay of its
 * key tidies the marker again.
 */
async function settleHold(deps: RedeemDeps, province: string, itemCode: string, redemptionId: string, accountNo: string): Promise<void> {
  try {
    await deps.rewards.settle(province, itemCode, redemptionId);
  } catch (error) {
    deps.onSettleError?.(error, accountNo);
  }
}

/** True when the account is readable and has no such redemption; false when it has, or cannot be read. */
async function notWritten(deps: RedeemDeps, accountNo: string, redemptionId: string): Promise<boolean> {
  try {
    return !(await deps.accounts.get(accountNo))?.redemptions[redemptionId];
  } catch {
    return false;
  }
}

/**
 * redeemReward: points buy an item. Stock is held first (never below zero, once per redemption), then
 * the points are spent in the account's single atomic write (never below zero); if that write is
 * known not to have happened the stock goes back, once it has the stock is the redemption's for good.
 * The idempotency key replays the first redemption.
 */
export async function redeemReward(
  deps: RedeemDeps,
  ctx: CommandContext,
  accountNo: string,
  itemCodeRaw: string,
  quantity: number,
  keyRaw: string,
): Promise<Redemption> {
  const c = ctx.caller;
  requireRole(c, ['LEARNER', 'INTAKE_OPERATOR']);
  const key = idempotencyKey(keyRaw);
  if (!isValidAccountNo(accountNo) || !canActForLearner(c, accountNo)) throw new NotFoundError('Learner');
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > 100) throw new BadInputError('quantity: 1 to 100', 'quantity');
  const itemCode = String(itemCodeRaw ?? '')
    .trim()
    .toUpperCase();
  if (!ITEM_CODE.test(itemCode)) throw new NotFoundError('Reward item');
  const province = provinceOfAccountNo(accountNo);

  const hash = requestHash({ op: 'redeemReward', itemCode, quantity });
  const fresh = `rd-${randomUUID()}`;
  const existing = await deps.idempotency.claim({ accountNo, key, op: 'redeemReward', requestHash: hash, resultId: fresh });
  if (existing && (existing.op !== 'redeemReward' || existing.requestHash !== hash))
    throw new ConflictError('This idempotency key was used for a different request', { field: 'idempotencyKey' });
  const redemptionId = existing?.resultId ?? fresh;

  let held = false;
  try {
    const before = await deps.accounts.get(accountNo);
    const done = before?.redemptions[redemptionId];
    if (done) {
      // A replay of a redemption that was written: tidy the stock marker it may have left behind.
      await settleHold(deps, province, done.itemCode, redemptionId, accountNo);
      return done;
    }
    const item = await deps.rewards.get(province, itemCode);
    if (!item || !item.active) throw new NotFoundError('Reward item');
    const points = item.pointsCost * quantity;
    // Fail early without touching the stock when the points are clearly not there.
    checkRedemption(before ?? emptyAccount(accountNo, province), points);
    const hold = await deps.rewards.hold(province, itemCode, redemptionId, quantity, { accountNo, at: ctx.now });
    if (hold === 'MISSING') throw new NotFoundError('Reward item');
    if (hold === 'OUT_OF_STOCK') throw new BadInputError('Out of stock', 'quantity', { itemCode });
    // A replay of a redemption still in flight finds the stock already held for it: not ours to give back.
    held = hold === 'HELD';
    const actor = actorOf(c);
    const { account } = await applyToAccount(deps, accountNo, { create: false, province, ctx }, (a) =>
      redeem(a, { redemptionId, itemCode, itemName: item.name, kind: item.kind, quantity, points, actor, now: ctx.now }),
    );
    const r = account?.redemptions[redemptionId];
    if (!r) throw new BadInputError('Not enough points', 'quantity');
    // Written: the held stock now belongs to the redemption and must never go back, whatever happens next.
    held = false;
    await settleHold(deps, province, itemCode, redemptionId, accountNo);
    return r;
  } catch (error) {
    // The stock goes back only when the redemption is known not to be written: a refusal, or another
    // failure after which the account shows no such redemption (a lost acknowledgement can hide a
    // write). Unknown: it stays held, and a replay of the key finishes the redemption; if none comes (or
    // the replay is refused) releaseStaleHolds gives the stock back later.
    if (held && (isAppError(error) || (await notWritten(deps, accountNo, redemptionId))))
      await deps.rewards.release(province, itemCode, redemptionId);
    if (!existing && isAppError(error)) await deps.idempotency.release(accountNo, key, redemptionId);
    throw error;
  }
}

/**
 * Stock held for a redemption that never finished — its process died between taking the stock and
 * writing the account, or the only replay of its key was refused — goes back to the catalogue once the
 * hold is older than `staleAfterMs` (far longer than any request may run, so the redemption cannot
 * still be in flight). A hold whose redemption was written is only settled (the stock stays taken). A
 * later replay of the key takes the stock again. Idempotent: replicas may run it side by side.
 */
export async function releaseStaleHolds(
  deps: Pick<RedeemDeps, 'rewards' | 'accounts'>,
  now: Date,
  staleAfterMs: number,
  limit = 200,
): Promise<{ released: StaleHold[]; settled: number }> {
  const released: StaleHold[] = [];
  let settled = 0;
  for (const h of await deps.rewards.staleHolds({ all: true }, new Date(now.getTime() - staleAfterMs), limit)) {
    const account = await deps.accounts.get(h.accountNo);
    if (account?.redemptions[h.redemptionId]) {
      await deps.rewards.settle(h.province, h.code, h.redemptionId);
      settled++;
    } else {
      await deps.rewards.release(h.province, h.code, h.redemptionId);
      released.push(h);
    }
  }
  return { released, settled };
}
