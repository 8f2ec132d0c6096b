import type { EventDefinition } from './event-definition';
import { ACCOUNT_EVENTS } from './events/account.events';
import { NETWORK_EVENTS } from './events/network.events';
import { STANDARDS_EVENTS } from './events/standards.events';
import { OUTCOME_EVENTS } from './events/outcome.events';
import { CONVERSION_EVENTS } from './events/conversion.events';

/** Every event type of the platform. Add new definitions here. */
export const EVENT_CATALOG: readonly EventDefinition[] = [
  ...ACCOUNT_EVENTS,
  ...NETWORK_EVENTS,
  ...STANDARDS_EVENTS,
  ...OUTCOME_EVENTS,
  ...CONVERSION_EVENTS,
];

const byType = new Map<string, EventDefinition>(EVENT_CATALOG.map((d) => [d.type, d]));
if (byType.size !== EVENT_CATALOG.length) throw new Error('duplicate event type in the catalogue');

export function eventDefinition(type: string): EventDefinition | undefined {
  return byType.get(type);
}

export function eventsOfTopic(topic: string): EventDefinition[] {
  return EVENT_CATALOG.filter((d) => d.topic === topic);
}
