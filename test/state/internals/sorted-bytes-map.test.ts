import { test } from 'node:test';
import assert from 'node:assert/strict';

import { keyString } from '../../../state/internals/bytes.ts';
import { SortedBytesMap } from '../../../state/internals/sorted-bytes-map.ts';

/** A small deterministic generator, so a failure replays. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

test('ranges of the sorted map match a model under random puts, deletes and ranges', () => {
  const next = random(7);
  const map = new SortedBytesMap();
  const model = new Map<string, Buffer>();
  const randomKey = (): Buffer => Buffer.from(Array.from({ length: Math.floor(next() * 3) }, () => [0, 1, 0x61, 0x62, 0x7f, 0x80, 0xff][Math.floor(next() * 7)] as number));
  for (let step = 0; step < 3_000; step++) {
    const key = randomKey();
    const roll = next();
    if (roll < 0.5) {
      const value = Buffer.from([step & 0xff]);
      map.set(keyString(key), { key, value });
      model.set(key.toString('hex'), value);
    } else if (roll < 0.8) {
      map.delete(keyString(key));
      model.delete(key.toString('hex'));
    } else {
      const [from, to] = [randomKey(), randomKey()].sort(Buffer.compare);
      const bounds = [next() < 0.2 ? undefined : from, next() < 0.2 ? undefined : to] as const;
      const got = [...map.range(bounds[0], bounds[1])].map((entry) => `${entry.key.toString('hex')}=${entry.value.toString('hex')}`);
      const expected = [...model.entries()]
        .map(([hex, value]) => [Buffer.from(hex, 'hex'), value] as const)
        .filter(([k]) => (bounds[0] === undefined || Buffer.compare(k, bounds[0]) >= 0) && (bounds[1] === undefined || Buffer.compare(k, bounds[1]) <= 0))
        .sort((a, b) => Buffer.compare(a[0], b[0]))
        .map(([k, value]) => `${k.toString('hex')}=${value.toString('hex')}`);
      assert.deepEqual(got, expected, `step ${step}`);
    }
    assert.equal(map.size, model.size);
  }
});

test('latin1 key strings order exactly as the bytes do', () => {
  const keys = [[0xff], [0x80, 0x00], [0x7f], [0x00], [], [0x00, 0x00], [0xc3, 0xa9]].map((bytes) => Buffer.from(bytes));
  const byStrings = [...keys].sort((a, b) => (keyString(a) < keyString(b) ? -1 : keyString(a) > keyString(b) ? 1 : 0));
  assert.deepEqual(byStrings, [...keys].sort(Buffer.compare));
});
