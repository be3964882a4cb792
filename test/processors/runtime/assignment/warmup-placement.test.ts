import { test } from 'node:test';
import assert from 'node:assert/strict';
import { placeTasks, type PlacementClient, type PlacementTask } from '../../../../processors/runtime/assignment/sticky-placement.ts';
import { holdForWarmup } from '../../../../processors/runtime/assignment/warmup-placement.ts';

const tasks = (n: number): PlacementTask[] => Array.from({ length: n }, (_, index) => ({ key: `0_${index}`, group: 0, index }));

const client = (id: string, options: { active?: string[]; standby?: string[]; sums?: Record<string, bigint> } = {}): PlacementClient => ({
  id,
  capacity: 1,
  previousActive: new Set(options.active ?? []),
  previousStandby: new Set(options.standby ?? []),
  offsetSums: new Map(Object.entries(options.sums ?? {})),
});

const settings = { acceptableLag: 100, maxWarmups: 2 };
const sorted = (map: ReadonlyMap<string, readonly string[]>): Record<string, string[]> => Object.fromEntries([...map].map(([id, keys]) => [id, [...keys].sort()]));

test('a new client with no state gets warm-ups, not actives: the tasks stay with the client that ran them', () => {
  const all = tasks(4);
  const keys = all.map((t) => t.key);
  const clients = [client('a', { active: keys, sums: Object.fromEntries(keys.map((k) => [k, 5_000n])) }), client('b')];
  const balanced = placeTasks(all, clients);
  assert.equal(balanced.get('b')?.length, 2, 'the balanced placement moves half to the newcomer');
  const ends = new Map(keys.map((k) => [k, 5_000n]));

  const placed = holdForWarmup(all, balanced, clients, ends, settings);
  assert.deepEqual(sorted(placed.active), { a: keys, b: [] });
  assert.deepEqual(sorted(placed.warmups), { a: [], b: (balanced.get('b') ?? []).slice().sort() });
  assert.equal(placed.held, 2);
});

test('no more warm-ups than max.warmup.replicas; the other held tasks wait for a later probing rebalance', () => {
  const all = tasks(8);
  const keys = all.map((t) => t.key);
  const clients = [client('a', { active: keys, sums: Object.fromEntries(keys.map((k) => [k, 1_000n])) }), client('b'), client('c')];
  const balanced = placeTasks(all, clients);
  const placed = holdForWarmup(all, balanced, clients, new Map(keys.map((k) => [k, 1_000n])), { acceptableLag: 10, maxWarmups: 3 });
  assert.equal(placed.active.get('a')?.length, 8);
  assert.equal(placed.held, 8 - (balanced.get('a')?.length ?? 0));
  assert.equal([...placed.warmups.values()].reduce((n, list) => n + list.length, 0), 3);
});

test('a target within acceptable.recovery.lag of the changelog end takes the task at once', () => {
  const all = tasks(2);
  const clients = [
    client('a', { active: ['0_0', '0_1'], sums: { '0_0': 10_000n, '0_1': 10_000n } }),
    client('b', { standby: ['0_0', '0_1'], sums: { '0_0': 9_950n, '0_1': 9_000n } }),
  ];
  const balanced = placeTasks(all, clients);
  const toB = balanced.get('b') ?? [];
  assert.equal(toB.length, 1);
  const ends = new Map([['0_0', 10_000n], ['0_1', 10_000n]]);
  const placed = holdForWarmup(all, balanced, clients, ends, settings);
  const bCaughtUp = toB[0] === '0_0';
  assert.deepEqual(placed.active.get('b'), bCaughtUp ? ['0_0'] : [], 'b is 50 records behind on 0_0 (caught up), 1,000 on 0_1 (not)');
  assert.equal(placed.held, bCaughtUp ? 0 : 1);
});

test('a changelog shorter than the acceptable lag moves at once: a client without state is caught up', () => {
  const all = tasks(2);
  const clients = [client('a', { active: ['0_0', '0_1'], sums: { '0_0': 40n, '0_1': 40n } }), client('b')];
  const balanced = placeTasks(all, clients);
  const placed = holdForWarmup(all, balanced, clients, new Map([['0_0', 40n], ['0_1', 40n]]), settings);
  assert.deepEqual(sorted(placed.active), sorted(balanced));
  assert.equal(placed.held, 0);
});

test('a task no client is caught up for stays at its balanced place (someone must restore it)', () => {
  const all = tasks(2);
  const clients = [client('a', { sums: { '0_0': 10n } }), client('b', { sums: { '0_1': 20n } })];
  const balanced = placeTasks(all, clients);
  const placed = holdForWarmup(all, balanced, clients, new Map([['0_0', 90_000n], ['0_1', 90_000n]]), settings);
  assert.deepEqual(sorted(placed.active), sorted(balanced));
  assert.equal(placed.held, 0);
});

test('when the end offsets are unknown, the best reported state stands in for them', () => {
  const all = tasks(2);
  const clients = [
    client('a', { sums: { '0_0': 50_000n, '0_1': 50_000n } }),
    client('b', { sums: { '0_0': 49_990n } }),
  ];
  const balanced = placeTasks(all, clients);
  const placed = holdForWarmup(all, balanced, clients, undefined, settings);
  for (const [id, keys] of placed.active) {
    for (const key of keys) {
      const ok = id === 'a' || key === '0_0';
      assert.ok(ok, `${key} on ${id}: b has no state of 0_1 and must not take it`);
    }
  }
});

test('the failover case: the client that kept a standby is caught up and takes over; a returning client with old state warms up', () => {
  const all = tasks(2);
  // a died and came back with state 5,000 records behind; b ran everything meanwhile.
  const clients = [
    client('a', { sums: { '0_0': 15_000n, '0_1': 15_000n } }),
    client('b', { active: ['0_0', '0_1'], sums: { '0_0': 20_000n, '0_1': 20_000n } }),
  ];
  const balanced = placeTasks(all, clients);
  const placed = holdForWarmup(all, balanced, clients, new Map([['0_0', 20_000n], ['0_1', 20_000n]]), settings);
  assert.deepEqual(sorted(placed.active), { a: [], b: ['0_0', '0_1'] });
  assert.equal(placed.warmups.get('a')?.length, 1);
});
