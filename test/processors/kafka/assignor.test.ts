import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKstError } from '../../../common/errors.ts';
import { allMembersRangeAssignor, decodeGroupDirectory, encodeGroupDirectory, rangeAssign, type AssignorMember } from '../../../processors/kafka/assignor.ts';
import { validate } from '../../../processors/kafka/membership.ts';

const member = (memberId: string, topics: string[] = ['a', 'b']): AssignorMember => ({ memberId, groupInstanceId: null, metadata: Buffer.from(`${memberId}:1`), topics });

test('the group directory round-trips', () => {
  const entries = [
    { memberId: 'm1', metadata: Buffer.from('host-1:50051'), partitions: [{ topic: 'orders', partition: 0 }, { topic: 'orders', partition: 2 }] },
    { memberId: 'm2-ü', metadata: Buffer.alloc(0), partitions: [] },
  ];
  const decoded = decodeGroupDirectory(encodeGroupDirectory(entries));
  assert.deepEqual(decoded.map((e) => ({ ...e, metadata: e.metadata.toString() })), entries.map((e) => ({ ...e, metadata: e.metadata.toString() })));
  assert.throws(() => decodeGroupDirectory(Buffer.from([0, 9, 0])), (e) => isKstError(e, 'KST_KAFKA_ASSIGNOR'));
});

test('range assignment keeps partition numbers of co-partitioned topics together', () => {
  const result = rangeAssign([member('m1'), member('m2')], new Map([['a', 3], ['b', 3]]));
  assert.deepEqual(result.get('m1'), [{ topic: 'a', partition: 0 }, { topic: 'a', partition: 1 }, { topic: 'b', partition: 0 }, { topic: 'b', partition: 1 }]);
  assert.deepEqual(result.get('m2'), [{ topic: 'a', partition: 2 }, { topic: 'b', partition: 2 }]);
  const onlyA = rangeAssign([member('m1', ['a']), member('m2', ['b'])], new Map([['a', 2], ['b', 1]]));
  assert.equal(onlyA.get('m1')?.length, 2);
  assert.equal(onlyA.get('m2')?.length, 1);
});

test('the all-members assignor gives everyone the full directory, and bad assignments are refused', async () => {
  const members = [member('m1'), member('m2')];
  const context = { generationId: 4, members, partitionCounts: new Map([['a', 2], ['b', 2]]) };
  const result = await allMembersRangeAssignor(() => Buffer.alloc(0)).assign(context);
  for (const m of members) {
    assert.deepEqual(decodeGroupDirectory(result.get(m.memberId)?.userData as Buffer).map((e) => e.metadata.toString()), ['m1:1', 'm2:1']);
  }
  validate(result, context);
  const twice = new Map([['m1', { partitions: [{ topic: 'a', partition: 0 }], userData: Buffer.alloc(0) }], ['m2', { partitions: [{ topic: 'a', partition: 0 }], userData: Buffer.alloc(0) }]]);
  assert.throws(() => validate(twice, context), (e) => isKstError(e, 'KST_KAFKA_ASSIGNOR') && /twice/.test(e.message));
  const unknown = new Map([['m1', { partitions: [{ topic: 'a', partition: 9 }], userData: Buffer.alloc(0) }], ['m2', { partitions: [], userData: Buffer.alloc(0) }]]);
  assert.throws(() => validate(unknown, context), (e) => isKstError(e, 'KST_KAFKA_ASSIGNOR') && /unknown partition/.test(e.message));
  assert.throws(() => validate(new Map(), context), (e) => isKstError(e, 'KST_KAFKA_ASSIGNOR'));
});
