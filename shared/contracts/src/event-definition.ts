import type { Static, TObject } from '@sinclair/typebox';
import type { Service, TopicName } from './topics';

/**
 * One event type: its topic, producer, payload schema, partition key and an example. This is the
 * single source for validation, documentation (AsyncAPI) and the privacy and compatibility gates.
 */
export interface EventDefinition<S extends TObject = TObject> {
  readonly type: string;
  readonly topic: TopicName;
  readonly producer: Service;
  readonly description: string;
  readonly data: S;
  /** Partition key: the learner's accountNo for learner events, else the entity id. */
  key(data: Static<S>): string;
  /** CloudEvents `subject`: the entity the event is about. */
  subject(data: Static<S>): string;
  readonly example: Static<S>;
}

export function defineEvent<S extends TObject>(definition: EventDefinition<S>): EventDefinition<S> {
  if (!/^creditbank\.[a-z-]+\.[a-z-]+\.v[0-9]+$/.test(definition.type)) {
    throw new Error(`event type ${definition.type} does not follow creditbank.<aggregate>.<event>.vN`);
  }
  return Object.freeze(definition);
}

export type EventData<E> = E extends EventDefinition<infer S> ? Static<S> : never;
