import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSales, type SalesWindow } from '../../../scripts/demo/sales-phase.ts';

const HOUR = 3_600_000;
const start = Date.parse('2026-12-07T16:00:00Z');

test('the hour\'s sales print as totals, top products with names, and revenue per category', () => {
  const byProduct: SalesWindow[] = [{ startMs: start, endMs: start + HOUR, units: 12, revenueCents: 365_050, keys: 3, entries: [
    { key: 'p-3', name: 'Tea', units: 10, revenueCents: 360_000 },
    { key: 'p-1', units: 2, revenueCents: 5_050 },
  ] }];
  const byCategory: SalesWindow[] = [{ startMs: start, endMs: start + HOUR, units: 12, revenueCents: 365_050, keys: 1, entries: [{ key: 'uncategorised', units: 12, revenueCents: 365_050 }] }];
  const lines = formatSales(byProduct, byCategory);
  assert.equal(lines[0], 'Sales this hour (16:00–17:00 UTC): 12 units, 3,650.50 revenue over 3 products');
  assert.match(lines[2] ?? '', /^ {4}p-3 +Tea +10 units +3,600\.00$/);
  assert.match(lines[3] ?? '', /^ {4}p-1 +2 units +50\.50$/);
  assert.equal(lines[4], '  revenue per category:');
  assert.match(lines[5] ?? '', /^ {4}uncategorised +12 units +3,650\.50$/);
});

test('an hour without sales says so', () => {
  assert.deepEqual(formatSales([], []), ['Sales this hour: none yet (the analytics service has not counted a paid order this hour).']);
});
