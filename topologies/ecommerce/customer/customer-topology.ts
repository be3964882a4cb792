/**
 * The customer service: validates `CreateCustomer` and `Deposit` from
 * `customers.commands` and writes what they did to `customers.events` — `CustomerCreated`,
 * `Deposited`, or `CustomerCommandRejected` with the reason. Balances are the payment
 * service's (it applies these events; see `contracts/stores.ts`); this service keeps the
 * profile, the sum deposited and the per-customer event sequence in `customer-profiles`.
 * A command id seen before (a retried request) is dropped.
 *
 * @example
 * ```ts
 * const topology = buildCustomerTopology({ topics: prefixedTopics(''), serdes });
 * ```
 */

import type { ProcessorContext, ProcessorSupplier } from '../../../processors/api/processor.ts';
import { withValue, type StreamRecord } from '../../../processors/api/record.ts';
import type { KeyValueStore } from '../../../state/api/key-value-store.ts';
import { Consumed, Named, Produced, StreamsBuilder, type Topology } from '../../../processors/dsl/index.ts';
import type { CustomerCommand } from '../contracts/commands.ts';
import type { CustomerEvent } from '../contracts/events.ts';
import { jsonStore, keepLast, type ServiceOptions } from '../shared/service-options.ts';

export const PROFILE_STORE = 'customer-profiles';

export interface CustomerProfile {
  readonly customerId: string;
  readonly name: string;
  readonly email: string;
  readonly depositedCents: number;
  /** The sequence of the customer's last event. */
  readonly sequence: number;
  readonly commandIds: readonly string[];
}

const REMEMBERED_COMMANDS = 200;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** Why the command cannot be applied to `profile`, or undefined. */
export function customerCommandProblem(command: CustomerCommand, profile: CustomerProfile | undefined): string | undefined {
  if (typeof command.customerId !== 'string' || command.customerId.trim() === '') return 'customerId is empty';
  if (command.type === 'CreateCustomer') {
    if (profile !== undefined) return 'the customer exists';
    if (typeof command.name !== 'string' || command.name.trim() === '') return 'name is empty';
    if (typeof command.email !== 'string' || !EMAIL.test(command.email)) return 'email is not an address';
    return undefined;
  }
  if (profile === undefined) return 'unknown customer';
  if (!Number.isSafeInteger(command.amountCents) || command.amountCents <= 0) return 'amountCents must be a positive whole number';
  return undefined;
}

function customerProcessor(): ProcessorSupplier<string, CustomerCommand, string, CustomerEvent> {
  return () => {
    let context: ProcessorContext<string, CustomerEvent>;
    let profiles: KeyValueStore<string, CustomerProfile>;
    return {
      init(ctx) {
        context = ctx;
        profiles = ctx.getStateStore(PROFILE_STORE);
      },
      async process(record: StreamRecord<string, CustomerCommand>) {
        const command = record.value;
        const profile = await profiles.get(command.customerId);
        if (profile?.commandIds.includes(command.commandId) === true) return;
        const atMs = context.currentSystemTimeMs();
        const problem = customerCommandProblem(command, profile);
        if (problem !== undefined) {
          // A refused command is remembered too, so the same command again (a retry) gets no second answer.
          if (profile !== undefined) profiles.put(command.customerId, { ...profile, commandIds: keepLast(profile.commandIds, command.commandId, REMEMBERED_COMMANDS) });
          const rejected: CustomerEvent = { type: 'CustomerCommandRejected', eventId: `${command.customerId}:rejected:${command.commandId}`, customerId: command.customerId, commandId: command.commandId, sequence: 0, atMs, reason: problem };
          return context.forward(withValue(record, rejected));
        }
        const sequence = (profile?.sequence ?? 0) + 1;
        const commandIds = keepLast(profile?.commandIds ?? [], command.commandId, REMEMBERED_COMMANDS);
        const base = { eventId: `${command.customerId}:${sequence}`, customerId: command.customerId, commandId: command.commandId, sequence, atMs };
        if (command.type === 'CreateCustomer') {
          profiles.put(command.customerId, { customerId: command.customerId, name: command.name, email: command.email, depositedCents: 0, sequence, commandIds });
          return context.forward(withValue(record, { ...base, type: 'CustomerCreated', name: command.name, email: command.email }));
        }
        const current = profile as CustomerProfile;
        profiles.put(command.customerId, { ...current, depositedCents: current.depositedCents + command.amountCents, sequence, commandIds });
        return context.forward(withValue(record, { ...base, type: 'Deposited', amountCents: command.amountCents }));
      },
    };
  };
}

export function buildCustomerTopology(options: ServiceOptions): Topology {
  const { topics, serdes } = options;
  const builder = new StreamsBuilder();
  builder.addStateStore(jsonStore<CustomerProfile>(PROFILE_STORE, options.storeKind ?? 'persistent'));
  builder
    .stream(topics.customerCommands, Consumed.with(serdes.key, serdes.customerCommand))
    .process(customerProcessor(), Named.as('customer'), PROFILE_STORE)
    .to(topics.customerEvents, Produced.with(serdes.key, serdes.customerEvent));
  return builder.build();
}
