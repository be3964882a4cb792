/**
 * What one recovery benchmark run does, from the command line (`--kills=…` etc.) over
 * defaults chosen so that a full run (both engines, both scenarios) stays within about
 * ten minutes on this 2-core machine. Every setting goes to both engines alike.
 */

import { ENGINES, type Engine } from '../streams/settings.ts';

/**
 * two: two instances, one of them (always the second, `b`) is killed and restarted;
 * single: the only instance is killed and restarted;
 * large-store: as single, with a store of `largeStoreKeys` keys first (not by default:
 * it times the restoration of the whole store, which both engines do after an
 * exactly-once crash).
 */
export const SCENARIOS = ['two', 'single', 'large-store'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface RecoverySettings {
  readonly bootstrap: string;
  readonly engines: readonly Engine[];
  readonly scenarios: readonly Scenario[];
  /** SIGKILL + restart rounds per engine and scenario (p50/p99 over them). */
  readonly kills: number;
  readonly partitions: number;
  readonly keys: number;
  /** Input records per second, produced steadily in batches every 100 ms. */
  readonly recordsPerSecond: number;
  /** 10 s on both: short enough that a lost instance would not idle its tasks long, longer than a restart. */
  readonly sessionTimeoutMs: number;
  /** exactly_once_v2's default of both engines. */
  readonly commitIntervalMs: number;
  readonly standbyReplicas: number;
  /** After a round has resumed, how long to run undisturbed before the next kill (standbys catch up, commits settle). */
  readonly settleMs: number;
  /** A round that has not resumed within this long has failed. */
  readonly roundTimeoutMs: number;
  readonly javaHeapMb: number;
  /** Distinct keys written (one record each) before the large-store scenario starts its instance. */
  readonly largeStoreKeys: number;
  /**
   * Our children get Node's compile cache (`NODE_COMPILE_CACHE`), as the platform
   * launcher gives its services: it halves the engine's import time at a restart.
   * `--no-compile-cache` measures a cold boot.
   */
  readonly compileCache: boolean;
}

export const DEFAULTS: Omit<RecoverySettings, 'bootstrap'> = {
  engines: ENGINES,
  scenarios: ['two', 'single'],
  kills: 10,
  partitions: 8,
  keys: 1_000,
  recordsPerSecond: 200,
  sessionTimeoutMs: 10_000,
  commitIntervalMs: 100,
  standbyReplicas: 1,
  settleMs: 3_000,
  roundTimeoutMs: 60_000,
  javaHeapMb: 512,
  largeStoreKeys: 1_000_000,
  compileCache: true,
};

function pick<T extends string>(value: string, allowed: readonly T[], flag: string): T[] {
  const items = value.split(',').filter((item) => item !== '');
  for (const item of items) {
    if (!allowed.includes(item as T)) throw new Error(`--${flag}: unknown "${item}" (known: ${allowed.join(', ')})`);
  }
  return items as T[];
}

function natural(value: string, flag: string): number {
  const number = Number(value.replaceAll('_', ''));
  if (!Number.isSafeInteger(number) || number < 0) throw new Error(`--${flag} must be a non-negative integer, got "${value}"`);
  return number;
}

export const USAGE = `usage: node bench/recovery/run.ts [--kills=N] [--engines=ours,kafka-streams] [--scenarios=two,single,large-store]
  [--partitions=N] [--keys=N] [--rate=N] [--session-timeout-ms=N] [--commit-ms=N] [--standbys=N] [--settle-ms=N]
  [--round-timeout-s=N] [--large-store-keys=N] [--no-compile-cache]`;

/** Parses `--key=value` flags over the defaults; the broker comes from the stack config. */
export function parseRecoverySettings(argv: readonly string[], bootstrap: string): RecoverySettings {
  const settings: { -readonly [K in keyof RecoverySettings]: RecoverySettings[K] } = { ...DEFAULTS, bootstrap };
  for (const arg of argv) {
    const [flag = '', value = ''] = arg.replace(/^--/, '').split('=', 2);
    switch (flag) {
      case 'kills': settings.kills = natural(value, flag); break;
      case 'engines': settings.engines = pick(value, ENGINES, flag); break;
      case 'scenarios': settings.scenarios = pick(value, SCENARIOS, flag); break;
      case 'partitions': settings.partitions = natural(value, flag); break;
      case 'keys': settings.keys = natural(value, flag); break;
      case 'rate': settings.recordsPerSecond = natural(value, flag); break;
      case 'session-timeout-ms': settings.sessionTimeoutMs = natural(value, flag); break;
      case 'commit-ms': settings.commitIntervalMs = natural(value, flag); break;
      case 'standbys': settings.standbyReplicas = natural(value, flag); break;
      case 'settle-ms': settings.settleMs = natural(value, flag); break;
      case 'round-timeout-s': settings.roundTimeoutMs = natural(value, flag) * 1000; break;
      case 'large-store-keys': settings.largeStoreKeys = natural(value, flag); break;
      case 'no-compile-cache': settings.compileCache = false; break;
      default: throw new Error(`unknown flag ${arg}\n${USAGE}`);
    }
  }
  if (settings.kills < 1 || settings.partitions < 1 || settings.keys < 1 || settings.recordsPerSecond < 10) {
    throw new Error(`--kills, --partitions and --keys must be at least 1, --rate at least 10\n${USAGE}`);
  }
  return settings;
}
