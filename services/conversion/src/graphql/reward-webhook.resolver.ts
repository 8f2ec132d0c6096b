import type { Resolvers } from '@creditbank/server';
import type { RewardItem, WebhookDelivery, WebhookSubscription } from '../use-cases/ports';
import { redeemReward, rewardItems, upsertRewardItem, type RewardItemInput } from '../use-cases/rewards.use-case';
import {
  createWebhookSubscription,
  replayWebhookDelivery,
  rotateWebhookSecret,
  webhookDeliveries,
  webhookSubscriptions,
  type WebhookSubscriptionInput,
} from '../use-cases/webhooks.use-case';
import type { ConversionContext } from './context';

type Page = { first?: number | null; after?: string | null };

export const rewardWebhookResolvers: Resolvers<ConversionContext> = {
  Query: {
    rewardItems: (_: unknown, args: { province?: string | null }, ctx: ConversionContext) =>
      rewardItems(ctx.deps.rewards, ctx.caller, args.province),
    webhookSubscriptions: (_: unknown, __: unknown, ctx: ConversionContext) => webhookSubscriptions(ctx.deps, ctx.caller),
    webhookDeliveries: (_: unknown, args: Page & { subscriptionId: string; status?: string | null }, ctx: ConversionContext) =>
      webhookDeliveries(ctx.deps, ctx.caller, args.subscriptionId, args.status, args.first, args.after),
  },
  Mutation: {
    upsertRewardItem: (_: unknown, args: { input: RewardItemInput }, ctx: ConversionContext) =>
      upsertRewardItem(ctx.deps.rewards, ctx.command(), args.input),
    redeemReward: (
      _: unknown,
      args: { accountNo: string; itemCode: string; quantity: number; idempotencyKey: string },
      ctx: ConversionContext,
    ) => redeemReward(ctx.deps, ctx.command(), args.accountNo, args.itemCode, args.quantity, args.idempotencyKey),
    createWebhookSubscription: (_: unknown, args: { input: WebhookSubscriptionInput }, ctx: ConversionContext) =>
      createWebhookSubscription(ctx.deps, ctx.command(), args.input),
    rotateWebhookSecret: (_: unknown, args: { id: string }, ctx: ConversionContext) =>
      rotateWebhookSecret(ctx.deps, ctx.command(), args.id),
    replayWebhookDelivery: (_: unknown, args: { id: string }, ctx: ConversionContext) =>
      replayWebhookDelivery(ctx.deps, ctx.command(), args.id),
  },
  RewardItem: {
    updatedAt: (i: RewardItem) => i.updatedAt.toISOString(),
  },
  WebhookSubscription: {
    createdAt: (s: WebhookSubscription) => s.createdAt.toISOString(),
    updatedAt: (s: WebhookSubscription) => s.updatedAt.toISOString(),
    previousSecretExpiresAt: (s: WebhookSubscription) => {
      const previous = s.secrets.filter((x) => x.expiresAt && x.expiresAt > new Date()).map((x) => x.expiresAt!.getTime());
      return previous.length ? new Date(Math.max(...previous)).toISOString() : null;
    },
  },
  WebhookDelivery: {
    nextAttemptAt: (d: WebhookDelivery) => (d.status === 'PENDING' ? (d.nextAttemptAt?.toISOString() ?? null) : null),
    createdAt: (d: WebhookDelivery) => d.createdAt.toISOString(),
    deliveredAt: (d: WebhookDelivery) => d.deliveredAt?.toISOString() ?? null,
    attemptLog: (d: WebhookDelivery) =>
      d.attemptLog.map((a) => ({ ...a, at: new Date(a.at).toISOString(), durationMs: Math.round(a.durationMs) })),
  },
};
