/**
 * Sends the platform's commands as a client would: Avro in the Confluent wire format
 * (the project's serdes over the registry), keyed by entity id, to the prefixed command
 * topics, through the Kafka adapter's idempotent producer. Commands are queued and sent
 * in batches by `flush`, one request per partition leader. A send that fails for a reason
 * a retry can fix (the broker is away: the chaos test restarts it) is sent again, for up
 * to `retryForMs`; the services drop a command id they have seen, so a batch sent twice
 * changes nothing.
 */

import { isKstError } from '../../../../common/errors.ts';
import { KafkaProducer, type KafkaClientConfig, type ProducerRecord } from '../../../../processors/kafka/index.ts';
import type { CustomerCommand, InventoryCommand, OrderCommand, OrderItem } from '../../../../topologies/ecommerce/contracts/commands.ts';
import type { TopicNames } from '../../../../topologies/ecommerce/contracts/topics.ts';
import type { EcommerceSerdes } from '../../../../topologies/ecommerce/serdes.ts';

export class CommandSender {
  readonly #producer: KafkaProducer;
  readonly #topics: TopicNames;
  readonly #serdes: EcommerceSerdes;
  #queue: ProducerRecord[] = [];
  #sequence = 0;
  /** Commands sent so far, by topic. */
  readonly sent = new Map<string, number>();

  readonly #retryForMs: number;
  /** Sends that failed and were sent again. */
  retries = 0;

  constructor(client: KafkaClientConfig, topics: TopicNames, serdes: EcommerceSerdes, retryForMs = 120_000) {
    this.#producer = new KafkaProducer(client);
    this.#retryForMs = retryForMs;
    this.#topics = topics;
    this.#serdes = serdes;
  }

  createCustomer(customerId: string): void {
    this.#customer({ type: 'CreateCustomer', commandId: this.#id('customer'), issuedAtMs: Date.now(), customerId, name: `Customer ${customerId}`, email: `${customerId}@example.com` });
  }

  deposit(customerId: string, amountCents: number): void {
    this.#customer({ type: 'Deposit', commandId: this.#id('deposit'), issuedAtMs: Date.now(), customerId, amountCents });
  }

  upsertProduct(productId: string, restockQuantity: number, priceCents?: number): void {
    const command: InventoryCommand = {
      type: 'UpsertProduct', commandId: this.#id('product'), issuedAtMs: Date.now(), productId, restockQuantity,
      ...(priceCents === undefined ? {} : { name: `Product ${productId}`, priceCents }),
    };
    this.#queue.push({ topic: this.#topics.inventoryCommands, key: Buffer.from(productId), value: this.#serdes.inventoryCommand.serialize(this.#topics.inventoryCommands, command) });
  }

  createOrder(orderId: string, customerId: string, items: readonly OrderItem[], deadlineMs?: number): void {
    this.#order({ type: 'CreateOrder', commandId: `create-${orderId}`, issuedAtMs: Date.now(), orderId, customerId, items, ...(deadlineMs === undefined ? {} : { deadlineMs }) });
  }

  cancelOrder(orderId: string, customerId: string, reason: string): void {
    this.#order({ type: 'CancelOrder', commandId: `cancel-${orderId}`, issuedAtMs: Date.now(), orderId, customerId, reason });
  }

  /** Sends what is queued; resolves once the broker acknowledged all of it. What could not be sent stays queued. */
  async flush(): Promise<void> {
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0) return;
    const giveUpAt = Date.now() + this.#retryForMs;
    for (;;) {
      try {
        await this.#producer.send(batch);
        break;
      } catch (error) {
        if (!isKstError(error) || error.recovery !== 'retry' || Date.now() > giveUpAt) {
          this.#queue = [...batch, ...this.#queue];
          throw error;
        }
        this.retries += 1;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    for (const record of batch) this.sent.set(record.topic, (this.sent.get(record.topic) ?? 0) + 1);
  }

  async close(): Promise<void> {
    await this.#producer.close();
  }

  #customer(command: CustomerCommand): void {
    this.#queue.push({ topic: this.#topics.customerCommands, key: Buffer.from(command.customerId), value: this.#serdes.customerCommand.serialize(this.#topics.customerCommands, command) });
  }

  #order(command: OrderCommand): void {
    this.#queue.push({ topic: this.#topics.orderCommands, key: Buffer.from(command.orderId), value: this.#serdes.orderCommand.serialize(this.#topics.orderCommands, command) });
  }

  #id(kind: string): string {
    return `e2e-${kind}-${++this.#sequence}`;
  }
}
