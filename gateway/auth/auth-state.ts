/**
 * Sign-in state, kept in Kafka and read as Kafka Streams would: every gateway instance
 * runs a small `KafkaStreams` application (`<prefix>gateway-auth`, one consumer group over
 * all gateway instances) with
 *
 * - `auth.registrations` (keyed by email) → `groupByKey().reduce(first wins)` → the
 *   compacted `auth.accounts` topic. The reduce makes the owner of an email's partition
 *   the single writer of its account: two registrations of one email racing on two
 *   instances end with the first one in partition order, and the second stays out of
 *   `auth.accounts`, so compaction can never bring it back;
 * - `auth.accounts` as a GlobalKTable (store `accounts`): every instance reads every
 *   account (email → customer id and scrypt hash) to sign in;
 * - `auth.revocations` (compacted, entries also expire with the longest token lifetime) as
 *   a GlobalKTable (store `revocations`): sign-out on any instance writes `sid:<session>`,
 *   and every instance refuses the session's tokens once its global store has the record.
 *
 * Stores are in memory: they are rebuilt from the topics at start, before `start()`
 * resolves (the engine restores global stores before its stream threads start). `register` and `revoke` wait until this instance's store shows the outcome,
 * so a 201 or 204 means this instance already acts on it.
 *
 * @example
 * ```ts
 * const state = await AuthState.start({ bootstrapServers: ['127.0.0.1:9092'], topicPrefix: '', applicationId: 'gateway-auth', revocationRetentionMs: 8 * 86_400_000 });
 * const outcome = await state.register({ registrationId, email, customerId, name, passwordHash, registeredAtMs: Date.now() });
 * await state.revoke('sid:…', { revokedAtMs: Date.now(), expiresAtMs });
 * await state.isRevoked(['sid:…']); // true
 * ```
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KstError } from '../../common/errors.ts';
import { KafkaStreams, QueryableStoreTypes, type ClientState } from '../../processors/client/index.ts';
import { Consumed, Grouped, Materialized, Produced, StreamsBuilder } from '../../processors/dsl/index.ts';
import { KafkaAdmin, KafkaProducer, kafkaClientConfig, type SecuritySettings } from '../../processors/kafka/index.ts';
import type { ReadOnlyKeyValueStore } from '../../state/api/key-value-store.ts';
import { Serdes } from '../../schemas/serdes/serdes.ts';

/** An account as kept on `auth.accounts`, keyed by its (lower-case) email. */
export interface AccountRecord {
  readonly registrationId: string;
  readonly email: string;
  /** Chosen by the gateway at registration; the `sub` of the account's tokens. */
  readonly customerId: string;
  readonly name: string;
  /** `hashPassword`'s stored form. */
  readonly passwordHash: string;
  readonly registeredAtMs: number;
}

/** A revoked session (`sid:<id>`) or token (`jti:<id>`) on `auth.revocations`. */
export interface RevocationRecord {
  readonly revokedAtMs: number;
  /** When the last token it covers expires; past it the record may go. */
  readonly expiresAtMs: number;
}

export type Registration = { readonly created: true; readonly account: AccountRecord } | { readonly created: false; readonly account: AccountRecord };

export interface AuthStateOptions {
  readonly bootstrapServers: readonly string[];
  readonly security?: Partial<SecuritySettings>;
  readonly topicPrefix: string;
  /** Shared by every gateway instance. */
  readonly applicationId: string;
  /** Retention of revocations: at least the longest token lifetime. */
  readonly revocationRetentionMs: number;
  /** Local state folder; default a fresh temporary one (the stores are in memory). */
  readonly stateDir?: string;
  readonly partitions?: number;
  /** How long `register` and `revoke` wait for their outcome. Default 10 000 ms. */
  readonly writeTimeoutMs?: number;
}

export interface AuthTopicNames {
  readonly registrations: string;
  readonly accounts: string;
  readonly revocations: string;
}

export const AuthTopics: AuthTopicNames = Object.freeze({ registrations: 'auth.registrations', accounts: 'auth.accounts', revocations: 'auth.revocations' });
export const AuthStores = Object.freeze({ claims: 'account-claims', accounts: 'accounts', revocations: 'revocations' });

/** The topology: registrations reduced first-wins into accounts; accounts and revocations as global tables. */
export function authTopology(topics: AuthTopicNames): ReturnType<StreamsBuilder['build']> {
  const builder = new StreamsBuilder();
  const account = Serdes.JSON<AccountRecord>();
  builder.stream(topics.registrations, Consumed.with(Serdes.String(), account))
    .groupByKey(Grouped.with(Serdes.String(), account))
    .reduce((first) => first, Materialized.as<string, AccountRecord>(AuthStores.claims).withStoreType('in_memory').withKeySerde(Serdes.String()).withValueSerde(account))
    .toStream()
    .to(topics.accounts, Produced.with(Serdes.String(), account));
  builder.globalTable(topics.accounts, Consumed.with(Serdes.String(), account), Materialized.as<string, AccountRecord>(AuthStores.accounts).withStoreType('in_memory'));
  builder.globalTable(topics.revocations, Consumed.with(Serdes.String(), Serdes.JSON<RevocationRecord>()), Materialized.as<string, RevocationRecord>(AuthStores.revocations).withStoreType('in_memory'));
  return builder.build();
}

const POLL_MS = 20;

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new KstError('KST_GATEWAY_COMMAND_FAILED', `sign-in state: ${what} did not happen within ${timeoutMs} ms`, { what });
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export class AuthState {
  readonly topics: AuthTopicNames;
  readonly #streams: KafkaStreams;
  readonly #producer: KafkaProducer;
  readonly #writeTimeoutMs: number;
  /** The temporary state folder this instance made, removed on close. */
  #ownStateDir: string | undefined;
  #accounts: ReadOnlyKeyValueStore<string, AccountRecord> | undefined;
  #revocations: ReadOnlyKeyValueStore<string, RevocationRecord> | undefined;

  private constructor(streams: KafkaStreams, producer: KafkaProducer, topics: AuthTopicNames, writeTimeoutMs: number) {
    this.#streams = streams;
    this.#producer = producer;
    this.topics = topics;
    this.#writeTimeoutMs = writeTimeoutMs;
  }

  /** Creates the topics if missing, starts the streams application and waits until its global stores are restored. */
  static async start(options: AuthStateOptions): Promise<AuthState> {
    const topics = Object.freeze({
      registrations: `${options.topicPrefix}${AuthTopics.registrations}`,
      accounts: `${options.topicPrefix}${AuthTopics.accounts}`,
      revocations: `${options.topicPrefix}${AuthTopics.revocations}`,
    });
    const client = kafkaClientConfig.parse({ ...options.security, 'bootstrap.servers': [...options.bootstrapServers], 'client.id': options.applicationId });
    const admin = new KafkaAdmin(client);
    const partitions = options.partitions ?? 3;
    try {
      await admin.createTopics([
        { name: topics.registrations, partitions },
        { name: topics.accounts, partitions, configs: { 'cleanup.policy': 'compact' } },
        { name: topics.revocations, partitions, configs: { 'cleanup.policy': 'compact,delete', 'retention.ms': String(options.revocationRetentionMs) } },
      ], { ifNotExists: true });
    } finally {
      await admin.close().catch(() => undefined);
    }
    const ownStateDir = options.stateDir === undefined ? mkdtempSync(join(tmpdir(), 'kst-gateway-auth-')) : undefined;
    const streams = new KafkaStreams(authTopology(topics), {
      ...options.security,
      'application.id': options.applicationId,
      'bootstrap.servers': [...options.bootstrapServers].join(','),
      'processing.guarantee': 'at_least_once',
      'commit.interval.ms': 100,
      // A crashed gateway's registrations partitions move after 10 s, not Kafka's 45.
      'session.timeout.ms': 10_000,
      'heartbeat.interval.ms': 2_000,
      'state.dir': options.stateDir ?? ownStateDir as string,
    });
    const producer = new KafkaProducer(client);
    const state = new AuthState(streams, producer, topics, options.writeTimeoutMs ?? 10_000);
    state.#ownStateDir = ownStateDir;
    try {
      // start() restores the global stores before it resolves: accounts and revocations are
      // readable from here on, while the registrations task may still be rebalancing (a
      // restarted gateway waits for its dead predecessor's session to end).
      await streams.start();
      const clientState: ClientState = streams.state;
      if (clientState === 'ERROR' || clientState === 'PENDING_ERROR' || clientState === 'NOT_RUNNING') {
        throw new KstError('KST_GATEWAY_COMMAND_FAILED', `the sign-in streams application stopped (${clientState}) while starting its global stores`, { state: clientState });
      }
    } catch (error) {
      await state.close().catch(() => undefined);
      throw error;
    }
    return state;
  }

  #accountStore(): ReadOnlyKeyValueStore<string, AccountRecord> {
    this.#accounts ??= this.#streams.store({ storeName: AuthStores.accounts, queryableStoreType: QueryableStoreTypes.keyValueStore<string, AccountRecord>() });
    return this.#accounts;
  }

  #revocationStore(): ReadOnlyKeyValueStore<string, RevocationRecord> {
    this.#revocations ??= this.#streams.store({ storeName: AuthStores.revocations, queryableStoreType: QueryableStoreTypes.keyValueStore<string, RevocationRecord>() });
    return this.#revocations;
  }

  /** The account of `email` (lower-case), as this instance knows it. */
  async account(email: string): Promise<AccountRecord | undefined> {
    return (await this.#accountStore().get(email)) ?? undefined;
  }

  /** True when any of `keys` is revoked. */
  async isRevoked(keys: readonly string[]): Promise<boolean> {
    const store = this.#revocationStore();
    for (const key of keys) {
      const found = await store.get(key);
      if (found !== undefined && found !== null) return true;
    }
    return false;
  }

  async #send(topic: string, key: string, value: unknown): Promise<void> {
    try {
      await this.#producer.send([{ topic, key: Buffer.from(key, 'utf8'), value: Buffer.from(JSON.stringify(value), 'utf8') }]);
    } catch (error) {
      throw new KstError('KST_GATEWAY_COMMAND_FAILED', `producing to ${topic} failed: ${error instanceof Error ? error.message : String(error)}`, { topic }, { cause: error });
    }
  }

  /**
   * Registers `account` unless its email has one: resolves once this instance's accounts
   * table holds the email's account, `created` when it is this registration.
   */
  async register(account: AccountRecord): Promise<Registration> {
    const existing = await this.account(account.email);
    if (existing !== undefined) return { created: false, account: existing };
    await this.#send(this.topics.registrations, account.email, account);
    const settled = await until(`the account of a registration appearing in ${this.topics.accounts}`, this.#writeTimeoutMs, () => this.account(account.email));
    return { created: settled.registrationId === account.registrationId, account: settled };
  }

  /** Revokes `key` (`sid:<session>` or `jti:<token>`); resolves once this instance refuses it. */
  async revoke(key: string, record: RevocationRecord): Promise<void> {
    await this.#send(this.topics.revocations, key, record);
    await until(`revocation ${key} appearing in ${this.topics.revocations}`, this.#writeTimeoutMs, async () => ((await this.isRevoked([key])) ? true : undefined));
  }

  async close(): Promise<void> {
    await this.#streams.close({ timeoutMs: 10_000 }).catch(() => undefined);
    await this.#producer.close();
    if (this.#ownStateDir !== undefined) rmSync(this.#ownStateDir, { recursive: true, force: true });
  }
}
