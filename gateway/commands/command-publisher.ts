/**
 * Produces the platform's commands: Avro in the Confluent wire format (the schemas of
 * `schemas/ecommerce/`, registered once at start under `<topic>-value`), keyed by the
 * entity id as UTF-8, to the command topics of `contracts/topics.ts` (with the configured
 * prefix), through the project's idempotent Kafka producer. `publish` resolves once the
 * broker acknowledged the record, so a 202 means the command is on the topic. With an
 * OpenTelemetry SDK registered, each send is a PRODUCER span under the request's, and the
 * record's `traceparent` header carries it to the service that consumes it.
 *
 * @example
 * ```ts
 * const publisher = await CommandPublisher.create({ bootstrapServers: ['127.0.0.1:9092'], registryUrl, topicPrefix: '' });
 * await publisher.publish('order', 'o-1', { type: 'CreateOrder', commandId: 'c-1', orderId: 'o-1', ... });
 * await publisher.close();
 * ```
 */

import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { isKstError, KstError } from '../../common/errors.ts';
import { withTraceContext } from '../../processors/runtime/record-tracing.ts';
import { KafkaProducer, kafkaClientConfig, type SecuritySettings } from '../../processors/kafka/index.ts';
import { ecommerceSchema, type EcommerceSchemaName } from '../../schemas/ecommerce/index.ts';
import { RegistryClient } from '../../schemas/registry/registry-client.ts';
import type { RegistryAuth } from '../../schemas/registry/registry-auth.ts';
import { AvroSerde } from '../../schemas/serdes/avro.ts';
import { toAvroRecord } from '../../topologies/ecommerce/contracts/avro-records.ts';
import type { CartCommand } from '../../topologies/ecommerce/contracts/carts.ts';
import type { CustomerCommand, InventoryCommand, OrderCommand } from '../../topologies/ecommerce/contracts/commands.ts';
import { Topics } from '../../topologies/ecommerce/contracts/topics.ts';

const TRACER = 'kstreams-gateway';

/** Which command stream: each has its topic, schema and command type. */
export interface CommandKinds {
  readonly order: OrderCommand;
  readonly inventory: InventoryCommand;
  readonly customer: CustomerCommand;
  readonly cart: CartCommand;
}
export type CommandKind = keyof CommandKinds;

const KINDS: Readonly<Record<CommandKind, { topic: string; schema: EcommerceSchemaName; nullable: readonly string[] }>> = {
  order: { topic: Topics.orderCommands, schema: 'order-command', nullable: ['deadlineMs', 'reason'] },
  inventory: { topic: Topics.inventoryCommands, schema: 'inventory-command', nullable: ['name', 'priceCents'] },
  customer: { topic: Topics.customerCommands, schema: 'customer-command', nullable: ['name', 'email', 'amountCents'] },
  cart: { topic: Topics.cartCommands, schema: 'cart-command', nullable: ['productId', 'quantity'] },
};

/** Where commands go; the seam tests and the HTTP layer depend on. */
export interface CommandSink {
  publish<K extends CommandKind>(kind: K, key: string, command: CommandKinds[K]): Promise<void>;
  close(): Promise<void>;
}

export interface CommandPublisherOptions {
  readonly bootstrapServers: readonly string[];
  /** TLS and SASL settings of the producer (Kafka's names). */
  readonly security?: Partial<SecuritySettings>;
  readonly registryUrl: string;
  /** Credentials and CA of a secured registry. */
  readonly registryAuth?: RegistryAuth;
  readonly topicPrefix: string;
  readonly clientId?: string;
}

export class CommandPublisher implements CommandSink {
  /** The broker topic of each kind, prefix included. */
  readonly topics: Readonly<Record<CommandKind, string>>;
  readonly #producer: KafkaProducer;
  readonly #serdes: Readonly<Record<CommandKind, AvroSerde<Record<string, unknown>>>>;

  private constructor(producer: KafkaProducer, topics: Readonly<Record<CommandKind, string>>, serdes: Readonly<Record<CommandKind, AvroSerde<Record<string, unknown>>>>) {
    this.#producer = producer;
    this.topics = topics;
    this.#serdes = serdes;
  }

  static async create(options: CommandPublisherOptions): Promise<CommandPublisher> {
    const registry = new RegistryClient({ url: options.registryUrl, clientId: options.clientId ?? 'kst-gateway', ...(options.registryAuth === undefined ? {} : { auth: options.registryAuth }) });
    const kinds = Object.keys(KINDS) as CommandKind[];
    const topics = Object.fromEntries(kinds.map((kind) => [kind, `${options.topicPrefix}${KINDS[kind].topic}`])) as Record<CommandKind, string>;
    const serdes = await Promise.all(kinds.map((kind) => AvroSerde.create<Record<string, unknown>>(registry, { topic: topics[kind], schema: ecommerceSchema(KINDS[kind].schema) })));
    const producer = new KafkaProducer(kafkaClientConfig.parse({ ...options.security, 'bootstrap.servers': [...options.bootstrapServers], 'client.id': options.clientId ?? 'kst-gateway' }));
    return new CommandPublisher(producer, Object.freeze(topics), Object.freeze(Object.fromEntries(kinds.map((kind, i) => [kind, serdes[i]]))) as Record<CommandKind, AvroSerde<Record<string, unknown>>>);
  }

  async publish<K extends CommandKind>(kind: K, key: string, command: CommandKinds[K]): Promise<void> {
    const topic = this.topics[kind];
    const value = this.#serdes[kind].serialize(topic, toAvroRecord(command, KINDS[kind].nullable));
    // A PRODUCER span under the request's; the record carries it, so the service's span is its child.
    const span = trace.getTracer(TRACER).startSpan(`send ${topic}`, {
      kind: SpanKind.PRODUCER,
      attributes: { 'messaging.system': 'kafka', 'messaging.operation.type': 'send', 'messaging.destination.name': topic, 'messaging.kafka.message.key': key, 'kstreams.command.type': command.type },
    });
    const headers = withTraceContext([], trace.setSpan(context.active(), span));
    try {
      await this.#producer.send([{ topic, key: Buffer.from(key, 'utf8'), value, headers }]);
      span.end();
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
      span.end();
      const reason = isKstError(error) ? error.message : String(error);
      throw new KstError('KST_GATEWAY_COMMAND_FAILED', `producing ${command.type} to ${topic} failed: ${reason}`, { topic, type: command.type }, { cause: error });
    }
  }

  close(): Promise<void> {
    return this.#producer.close();
  }
}
