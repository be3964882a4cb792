import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeSalesWindows, salesEntry } from '../../../../gateway/grpc/services/sales-queries.ts';
import type { SalesWindowMessage } from '../../../../gateway/grpc/proto.ts';

const window = (startMs: number, entries: [string, number, number][]): SalesWindowMessage => ({
  startMs, endMs: startMs + 60_000,
  units: entries.reduce((sum, [, units]) => sum + units, 0),
  revenueCents: entries.reduce((sum, [, , revenue]) => sum + revenue, 0),
  keys: entries.length,
  entries: entries.map(([key, units, revenueCents]) => salesEntry(key, { units, revenueCents })),
});

test('instances\' windows merge by start: totals add up over every key, entries are cut to the top by revenue, then units, then key', () => {
  const merged = mergeSalesWindows([
    [window(60_000, [['p1', 3, 900], ['p3', 1, 100]]), window(0, [['p1', 1, 300]])],
    [window(60_000, [['p2', 5, 900], ['p4', 2, 2_000], ['p5', 1, 100]])],
  ], 3);
  assert.deepEqual(merged.map((w) => [w.startMs, w.units, w.revenueCents, w.keys, w.entries.map((e) => e.key)]), [
    [0, 1, 300, 1, ['p1']],
    [60_000, 12, 4_000, 5, ['p4', 'p2', 'p1']],
  ]);
});

test('a window store\'s totals become an entry; absent name and category are empty strings, as gRPC sends them', () => {
  assert.deepEqual(salesEntry('p1', { units: 2, revenueCents: 900, name: 'Tea', category: 'drinks' }), { key: 'p1', name: 'Tea', category: 'drinks', units: 2, revenueCents: 900 });
  assert.deepEqual(salesEntry('drinks', { units: -1, revenueCents: -450 }), { key: 'drinks', name: '', category: '', units: -1, revenueCents: -450 });
});
