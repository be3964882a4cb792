/**
 * What one benchmark run does, from the command line (`--records=…` etc.) over
 * defaults chosen for this 2-core machine. The same settings go to both engines where both have them.
 */

export const ENGINES = ['ours', 'kafka-streams'] as const;
export type Engine = (typeof ENGINES)[number];
/**
 * filter-map (stateless), count (key-value store), join (stream-table join against a
 * table topic of one row per key), window (tumbling windowed count in a window store).
 * All four by default (eight rows with both guarantees); `--cases=` picks some.
 */
export const TOPOLOGY_CASES = ['filter-map', 'count', 'join', 'window'] as const;
export type TopologyCase = (typeof TOPOLOGY_CASES)[number];
/** The windowed case: tumbling one-minute windows, 10 s grace (the input spans many windows, see data.ts). */
export const WINDOW_SIZE_MS = 60_000;
export const WINDOW_GRACE_MS = 10_000;
export const GUARANTEES = ['at_least_once', 'exactly_once_v2'] as const;
export type Guarantee = (typeof GUARANTEES)[number];

export interface BenchSettings {
  readonly bootstrap: string;
  /**
   * 3,000,000: each contender then runs 7–25 s on this machine, so start-up (1–3 s,
   * JVM and group join included) is a modest share and the JVM is warm for most of the
   * run; the steady-state headline leaves start-up out anyway. All four cases with three
   * repetitions (48 timed runs) take about half an hour.
   */
  readonly records: number;
  /**
   * 8: more tasks than the machine has cores, as in a real deployment, so per-task
   * costs (one RocksDB store and one changelog partition each in the stateful case,
   * per-partition fetch and commit bookkeeping) show; and still few enough that fetch
   * batches per partition stay large.
   */
  readonly partitions: number;
  readonly keys: number;
  /** 3: the table shows medians, and one repetition can be 2x off on a shared machine. */
  readonly repetitions: number;
  /**
   * Explicit on both sides. At-least-once: 1 s rather than the 30 s default, because
   * completion is seen only at a commit and a 30 s interval would swamp the timing;
   * exactly-once: the 100 ms default of both engines.
   */
  readonly commitIntervalAlosMs: number;
  readonly commitIntervalEosMs: number;
  /** Record cache of 10 MB on both sides (`statestore.cache.max.bytes` in Kafka Streams 4.1). */
  readonly cacheBytes: number;
  readonly pollIntervalMs: number;
  readonly contenderTimeoutMs: number;
  /** A contender whose committed offsets do not move for this long has failed (it is retried once). */
  readonly stallMs: number;
  readonly javaHeapMb: number;
  readonly engines: readonly Engine[];
  readonly cases: readonly TopologyCase[];
  readonly guarantees: readonly Guarantee[];
  /** Profile our child (V8 CPU profile) in an extra, untimed pass of each case. */
  readonly profile: boolean;
  readonly perfTools: boolean;
}

export const DEFAULTS: Omit<BenchSettings, 'bootstrap'> = {
  records: 3_000_000,
  partitions: 8,
  keys: 10_000,
  repetitions: 3,
  commitIntervalAlosMs: 1_000,
  commitIntervalEosMs: 100,
  cacheBytes: 10 * 1024 * 1024,
  pollIntervalMs: 100,
  contenderTimeoutMs: 300_000,
  stallMs: 45_000,
  javaHeapMb: 512,
  engines: ENGINES,
  cases: TOPOLOGY_CASES,
  guarantees: GUARANTEES,
  profile: false,
  perfTools: true,
};

function pick<T extends string>(value: string, allowed: readonly T[], flag: string): T[] {
  const items = value.split(',').filter((item) => item !== '');
  for (const item of items) {
    if (!allowed.includes(item as T)) throw new Error(`--${flag}: unknown "${item}" (known: ${allowed.join(', ')})`);
  }
  return items as T[];
}

function positive(value: string, flag: string): number {
  const number = Number(value.replaceAll('_', ''));
  if (!Number.isSafeInteger(number) || number <= 0) throw new Error(`--${flag} must be a positive integer, got "${value}"`);
  return number;
}

export const USAGE = `usage: node bench/run.ts [--records=N] [--partitions=N] [--keys=N] [--repetitions=N]
  [--engines=ours,kafka-streams] [--cases=filter-map,count,join,window] [--guarantees=at_least_once,exactly_once_v2]
  [--commit-alos-ms=N] [--commit-eos-ms=N] [--timeout-s=N] [--profile] [--no-perf-tools]`;

/** Parses `--key=value` flags over the defaults; the broker comes from the stack config. */
export function parseSettings(argv: readonly string[], bootstrap: string): BenchSettings {
  const settings: { -readonly [K in keyof BenchSettings]: BenchSettings[K] } = { ...DEFAULTS, bootstrap };
  for (const arg of argv) {
    const [flag = '', value = ''] = arg.replace(/^--/, '').split('=', 2);
    switch (flag) {
      case 'records': settings.records = positive(value, flag); break;
      case 'partitions': settings.partitions = positive(value, flag); break;
      case 'keys': settings.keys = positive(value, flag); break;
      case 'repetitions': settings.repetitions = positive(value, flag); break;
      case 'commit-alos-ms': settings.commitIntervalAlosMs = positive(value, flag); break;
      case 'commit-eos-ms': settings.commitIntervalEosMs = positive(value, flag); break;
      case 'engines': settings.engines = pick(value, ENGINES, flag); break;
      case 'cases': settings.cases = pick(value, TOPOLOGY_CASES, flag); break;
      case 'guarantees': settings.guarantees = pick(value, GUARANTEES, flag); break;
      case 'timeout-s': settings.contenderTimeoutMs = positive(value, flag) * 1000; break;
      case 'profile': settings.profile = true; break;
      case 'no-perf-tools': settings.perfTools = false; break;
      default: throw new Error(`unknown flag ${arg}\n${USAGE}`);
    }
  }
  return settings;
}
