import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AssignmentErrorCode, assignmentError, createStreamsAssignor } from '../../../../processors/runtime/assignment/index.ts';
import { activeOf, adopt, counts, member, rebalance, simpleTopology, standbyOf, type SimMember, type SimResult } from './group-simulator.ts';

/** Members of one process share its id; threads[i] members for process i. */
function cluster(threads: readonly number[]): SimMember[] {
  return threads.flatMap((n, p) => Array.from({ length: n }, (_, t) => member(`m-p${p}-t${t}`, `p${p}`, `host${p}:50051`)));
}

function allActive(result: SimResult): string[] {
  return [...result.byMember.values()].flatMap((v) => [...v.assignment.activeTasks.keys()]).sort();
}

function assertBalancedPerThread(result: SimResult): void {
  const perThread = [...result.byMember.values()].map((v) => v.assignment.activeTasks.size);
  assert.ok(Math.max(...perThread) - Math.min(...perThread) <= 1, `tasks per thread ${perThread.join(',')}`);
}

test('every task is assigned exactly once, balanced per thread, over many shapes of group', async () => {
  let seed = 7;
  const random = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  for (let round = 0; round < 60; round++) {
    const threads = Array.from({ length: 1 + random(7) }, () => 1 + random(4));
    const subtopologies = 1 + random(4);
    const partitions = 1 + random(24);
    const members = cluster(threads);
    const replicas = random(3);
    const result = await rebalance(simpleTopology(subtopologies), counts(subtopologies, partitions), members, replicas);
    const processOf = new Map(members.map((m) => [m.memberId, m.processId]));
    const activeProcess = new Map<string, string>();
    for (const [memberId, { assignment }] of result.byMember) for (const task of assignment.activeTasks.keys()) activeProcess.set(task, processOf.get(memberId) as string);
    const copies = new Map<string, string[]>();
    for (const [memberId, { assignment }] of result.byMember) {
      for (const task of assignment.standbyTasks.keys()) {
        assert.notEqual(processOf.get(memberId), activeProcess.get(task), `standby ${task} on its active's process`);
        copies.set(task, [...(copies.get(task) ?? []), processOf.get(memberId) as string]);
      }
    }
    for (const processes of copies.values()) assert.equal(new Set(processes).size, processes.length);
    assert.equal(copies.size, replicas === 0 || threads.length === 1 ? 0 : subtopologies * partitions);
    const expected = Array.from({ length: subtopologies * partitions }, (_, i) => `${Math.floor(i / partitions)}_${i % partitions}`).sort();
    assert.deepEqual(allActive(result), expected);
    assertBalancedPerThread(result);
    // The consumer partitions are exactly the active tasks' input partitions.
    for (const { partitions: tps, assignment } of result.byMember.values()) {
      assert.deepEqual(tps.map((tp) => `${tp.topic}-${tp.partition}`).sort(), [...assignment.activeTasks.values()].flat().map((tp) => `${tp.topic}-${tp.partition}`).sort());
    }
  }
});

test('processes get tasks in proportion to their threads, and each sub-topology is spread', async () => {
  const members = cluster([1, 2, 3]);
  const result = await rebalance(simpleTopology(2), counts(2, 12), members);
  const perProcess = new Map<string, number>();
  for (const m of members) perProcess.set(m.processId, (perProcess.get(m.processId) ?? 0) + activeOf(result, m.memberId).length);
  assert.deepEqual([...perProcess.values()], [4, 8, 12]);
  for (const process of ['p0', 'p1', 'p2']) {
    const tasks = members.filter((m) => m.processId === process).flatMap((m) => activeOf(result, m.memberId));
    assert.equal(tasks.filter((t) => t.startsWith('0_')).length, tasks.filter((t) => t.startsWith('1_')).length, `${process} holds both sub-topologies evenly`);
  }
});

test('a rejoin with the same members changes nothing', async () => {
  const members = cluster([2, 1, 3]);
  const first = await rebalance(simpleTopology(3), counts(3, 7), members, 1);
  adopt(members, first);
  const second = await rebalance(simpleTopology(3), counts(3, 7), members, 1);
  for (const m of members) {
    assert.deepEqual(activeOf(second, m.memberId), activeOf(first, m.memberId));
    assert.deepEqual(standbyOf(second, m.memberId), standbyOf(first, m.memberId));
  }
});

test('when a member leaves, the others keep their tasks and take over only the leaver\'s', async () => {
  const members = cluster([1, 1, 1, 1]);
  const first = await rebalance(simpleTopology(2), counts(2, 8), members);
  adopt(members, first);
  const remaining = members.filter((m) => m.memberId !== 'm-p2-t0');
  const second = await rebalance(simpleTopology(2), counts(2, 8), remaining);
  for (const m of remaining) for (const task of activeOf(first, m.memberId)) assert.ok(activeOf(second, m.memberId).includes(task), `${m.memberId} kept ${task}`);
  assertBalancedPerThread(second);
  assert.equal(allActive(second).length, 16);
});

test('when a member joins, only the tasks it needs move to it, and none move between the others', async () => {
  const members = cluster([1, 1, 1]);
  const first = await rebalance(simpleTopology(2), counts(2, 6), members);
  adopt(members, first);
  const joined = [...members, member('m-p9-t0', 'p9', 'host9:50051')];
  const second = await rebalance(simpleTopology(2), counts(2, 6), joined);
  assertBalancedPerThread(second);
  assert.equal(activeOf(second, 'm-p9-t0').length, 3);
  for (const m of members) for (const task of activeOf(second, m.memberId)) assert.ok(activeOf(first, m.memberId).includes(task), `${task} did not move between old members`);
  // The newcomer gets a slice of both sub-topologies, not all of one.
  assert.deepEqual(new Set(activeOf(second, 'm-p9-t0').map((t) => t[0])).size, 2);
});

test('a thread leaving its process keeps the process\'s tasks in the process', async () => {
  const members = cluster([3, 3]);
  const first = await rebalance(simpleTopology(1), counts(1, 12), members);
  adopt(members, first);
  const remaining = members.filter((m) => m.memberId !== 'm-p0-t2');
  const second = await rebalance(simpleTopology(1), counts(1, 12), remaining);
  const p0 = (r: SimResult, list: SimMember[]) => list.filter((m) => m.processId === 'p0').flatMap((m) => activeOf(r, m.memberId)).sort();
  // 12 tasks over 5 threads: p0 (2 threads) gets 4 or 5, all from what it had.
  for (const task of p0(second, remaining)) assert.ok(p0(first, members).includes(task));
  for (const m of remaining) for (const task of activeOf(first, m.memberId)) if (activeOf(second, m.memberId).length < 3) assert.ok(activeOf(second, m.memberId).includes(task));
});

test('an orphaned task goes where its state is: highest offset sum, then a standby', async () => {
  const members = [member('a', 'pa', 'a:1'), member('b', 'pb', 'b:1'), member('c', 'pc', 'c:1')];
  members[1]!.offsetSums = new Map([['0_0', 100n], ['0_1', 5n]]);
  members[2]!.offsetSums = new Map([['0_1', 50n]]);
  members[0]!.standby = ['0_2'];
  const result = await rebalance(simpleTopology(1), counts(1, 3), members);
  assert.deepEqual(activeOf(result, 'b'), ['0_0']);
  assert.deepEqual(activeOf(result, 'c'), ['0_1']);
  assert.deepEqual(activeOf(result, 'a'), ['0_2']);
});

test('standbys: N copies of every stateful task, never on the active\'s process, balanced, none for stateless tasks', async () => {
  for (const replicas of [1, 2]) {
    const members = cluster([2, 1, 1, 2]);
    const topology = simpleTopology(3, (id) => id !== 2);
    const result = await rebalance(topology, counts(3, 8), members, replicas);
    const processOf = new Map(members.map((m) => [m.memberId, m.processId]));
    const activeProcess = new Map<string, string>();
    const standbyProcesses = new Map<string, string[]>();
    const standbysPerProcess = new Map<string, number>();
    for (const [memberId, { assignment }] of result.byMember) {
      const process = processOf.get(memberId) as string;
      for (const task of assignment.activeTasks.keys()) activeProcess.set(task, process);
      for (const task of assignment.standbyTasks.keys()) {
        standbyProcesses.set(task, [...(standbyProcesses.get(task) ?? []), process]);
        standbysPerProcess.set(process, (standbysPerProcess.get(process) ?? 0) + 1);
      }
    }
    for (const [task, processes] of standbyProcesses) {
      assert.ok(!task.startsWith('2_'), 'stateless tasks get no standby');
      assert.equal(processes.length, replicas, `${task} has ${replicas} standby(s)`);
      assert.equal(new Set(processes).size, replicas, 'on distinct processes');
      assert.ok(!processes.includes(activeProcess.get(task) as string), `${task} standby not on its active's process`);
    }
    assert.equal(standbyProcesses.size, 16);
    // Weighted by threads (2,1,1,2): per-thread standby load differs by at most one.
    const weights = new Map([['p0', 2], ['p1', 1], ['p2', 1], ['p3', 2]]);
    const perThread = [...weights].map(([p, w]) => (standbysPerProcess.get(p) ?? 0) / w);
    assert.ok(Math.max(...perThread) - Math.min(...perThread) <= 1, `standbys per thread ${perThread.join(',')}`);
    // A process's standbys are spread over its threads.
    for (const process of ['p0', 'p3']) {
      const [x, y] = members.filter((m) => m.processId === process).map((m) => standbyOf(result, m.memberId).length);
      assert.ok(Math.abs((x as number) - (y as number)) <= 1);
    }
  }
});

test('standbys stay where they were on rejoin, and a single process gets none', async () => {
  const single = cluster([3]);
  const alone = await rebalance(simpleTopology(1), counts(1, 4), single, 1);
  for (const m of single) assert.deepEqual(standbyOf(alone, m.memberId), []);
});

test('the host table lists every process with an endpoint and the partitions it hosts', async () => {
  const members = [...cluster([2, 1]), member('m-silent', 'p-silent')];
  const result = await rebalance(simpleTopology(2), counts(2, 4), members, 1);
  const hosts = result.byMember.get('m-p0-t0')?.assignment.hosts ?? [];
  for (const { assignment } of result.byMember.values()) assert.deepEqual(assignment.hosts, hosts, 'every member gets the same table');
  assert.deepEqual(hosts.map((h) => [h.processId, h.endpoint]), [['p0', 'host0:50051'], ['p1', 'host1:50051']]);
  for (const host of hosts) {
    const expected = members.filter((m) => m.processId === host.processId).flatMap((m) => [...(result.byMember.get(m.memberId)?.partitions ?? [])]);
    assert.deepEqual(host.activePartitions.map((tp) => `${tp.topic}-${tp.partition}`).sort(), expected.map((tp) => `${tp.topic}-${tp.partition}`).sort());
    const standbys = members.filter((m) => m.processId === host.processId).flatMap((m) => [...(result.byMember.get(m.memberId)?.assignment.standbyTasks.values() ?? [])].flat());
    assert.deepEqual(host.standbyPartitions.map((tp) => `${tp.topic}-${tp.partition}`).sort(), standbys.map((tp) => `${tp.topic}-${tp.partition}`).sort());
  }
});

test('co-partitioned topics with different counts fail the assignment for every member, naming topics and counts', async () => {
  const topology = { subtopologies: [{ id: 0, sourceTopics: ['orders', 'customers'], stateful: true, changelogTopics: ['app-store-changelog'] }], copartitionGroups: [['orders', 'customers']] };
  const members = cluster([1, 1]);
  const result = await rebalance(topology, { orders: 4, customers: 6 }, members);
  for (const { partitions, assignment } of result.byMember.values()) {
    assert.equal(partitions.length, 0);
    assert.equal(assignment.errorCode, AssignmentErrorCode.COPARTITION_MISMATCH);
    assert.match(assignment.errorMessage ?? '', /"orders" \(4 partitions\), "customers" \(6 partitions\)/);
    assert.equal(assignmentError(assignment)?.code, 'KST_STREAMS_ASSIGNMENT_FAILED');
  }
});

test('a missing source topic fails the assignment with its name', async () => {
  const result = await rebalance(simpleTopology(2), { t0: 3 }, cluster([1]));
  const { assignment } = [...result.byMember.values()][0]!;
  assert.equal(assignment.errorCode, AssignmentErrorCode.INCOMPLETE_SOURCE_TOPIC_METADATA);
  assert.match(assignment.errorMessage ?? '', /"t1"/);
});

test('static members are known by their instance id: threads restarted with new member ids, owning nothing, get back what the leader gave them', async () => {
  const topology = simpleTopology(1);
  const leader = createStreamsAssignor({ processId: 'p0', endpoint: undefined, topology, numStandbyReplicas: 0, log: () => undefined, ownedTasks: () => ({ active: [], standby: [] }) });
  const a = { ...member('m-a', 'pa'), instanceId: 'a-1' };
  const b1 = { ...member('m-b1', 'pb'), instanceId: 'b-1' };
  const b2 = { ...member('m-b2', 'pb'), instanceId: 'b-2' };
  // History made b-2 own 0_0 and b-1 own 0_5: not the order a fresh placement would pick.
  a.active = ['0_1', '0_2', '0_3'];
  b1.active = ['0_5'];
  b2.active = ['0_0'];
  const first = await rebalance(topology, counts(1, 6), [a, b1, b2], 0, leader);
  const before = { a: activeOf(first, 'm-a'), b1: activeOf(first, 'm-b1'), b2: activeOf(first, 'm-b2') };
  assert.ok(before.b1.includes('0_5') && before.b2.includes('0_0'), JSON.stringify(before));

  // Process pb crashed; its threads come back with new member ids, no tasks, no state on disk.
  const restarted = [a, { ...member('z-b1', 'pb'), instanceId: 'b-1' }, { ...member('a-b2', 'pb'), instanceId: 'b-2' }];
  adopt([a], first);
  const second = await rebalance(topology, counts(1, 6), restarted, 0, leader);
  assert.deepEqual({ a: activeOf(second, 'm-a'), b1: activeOf(second, 'z-b1'), b2: activeOf(second, 'a-b2') }, before);

  // A leader without that memory (it restarted too) places by instance id alone: still every task once.
  const fresh = await rebalance(topology, counts(1, 6), restarted.map((m) => ({ ...m, active: [] })));
  assert.equal(allActive(fresh).length, 6);
});

test('warm-up replicas: a new process restores as a standby while the tasks stay put, and takes them at the probing rebalance once caught up', async () => {
  const topology = simpleTopology(1);
  const all = ['0_0', '0_1', '0_2', '0_3'];
  const old = member('m-a', 'pa', 'a:1');
  old.active = [...all];
  old.offsetSums = new Map(all.map((t) => [t, 50_000n]));
  const newcomer = member('m-b', 'pb', 'b:1');
  const listed: string[] = [];
  const leader = createStreamsAssignor({
    processId: 'pa', endpoint: 'a:1', topology, numStandbyReplicas: 0, log: () => undefined,
    ownedTasks: () => ({ active: [], standby: [] }),
    warmup: { acceptableLag: 1_000, maxWarmups: 2, probingIntervalMs: 30_000 },
    endOffsets: async (partitions) => {
      listed.push(...partitions.map((p) => `${p.topic}-${p.partition}`));
      return partitions.map((p) => ({ ...p, offset: 50_000n }));
    },
    now: () => 1_000,
  });

  const first = await rebalance(topology, counts(1, 4), [old, newcomer], 0, leader);
  assert.deepEqual(listed.sort(), ['app-s0-changelog-0', 'app-s0-changelog-1', 'app-s0-changelog-2', 'app-s0-changelog-3']);
  assert.deepEqual(activeOf(first, 'm-a'), all, 'nothing moves to a process that has no state yet');
  assert.equal(standbyOf(first, 'm-b').length, 2, 'the newcomer warms up the two tasks it should run');
  for (const { assignment } of first.byMember.values()) assert.equal(assignment.probingRebalanceAtMs, 31_000);

  adopt([old, newcomer], first);
  newcomer.offsetSums = new Map(newcomer.standby.map((t) => [t, 49_500n]));
  const second = await rebalance(topology, counts(1, 4), [old, newcomer], 0, leader);
  assert.deepEqual(activeOf(second, 'm-b'), [...newcomer.standby].sort(), 'caught up within the acceptable lag: the warmed-up tasks move');
  assert.equal(activeOf(second, 'm-a').length, 2);
  for (const { assignment } of second.byMember.values()) assert.equal(assignment.probingRebalanceAtMs, undefined, 'nothing waits: no probing rebalance');
});

test('warm-up replicas when the changelog end offsets cannot be listed: the best reported state stands in, and the failure is logged', async () => {
  const topology = simpleTopology(1);
  const old = member('m-a', 'pa');
  old.active = ['0_0', '0_1'];
  old.offsetSums = new Map([['0_0', 9_000n], ['0_1', 9_000n]]);
  const newcomer = member('m-b', 'pb');
  const logs: string[] = [];
  const leader = createStreamsAssignor({
    processId: 'pa', endpoint: undefined, topology, numStandbyReplicas: 0, log: (line) => logs.push(line),
    ownedTasks: () => ({ active: [], standby: [] }),
    warmup: { acceptableLag: 100, maxWarmups: 2, probingIntervalMs: 5_000 },
    endOffsets: async () => {
      throw new Error('broker away');
    },
  });
  const result = await rebalance(topology, counts(1, 2), [old, newcomer], 0, leader);
  assert.deepEqual(activeOf(result, 'm-a'), ['0_0', '0_1']);
  assert.equal(standbyOf(result, 'm-b').length, 1);
  assert.ok(logs.some((line) => line.includes('broker away')), logs.join('\n'));
});

test('warm-up replicas: a leader whose listing of end offsets does not answer assigns within 2 s, measuring against the best reported state', async () => {
  const topology = simpleTopology(1);
  const old = member('m-a', 'pa');
  old.active = ['0_0', '0_1'];
  old.offsetSums = new Map([['0_0', 9_000n], ['0_1', 9_000n]]);
  const newcomer = member('m-b', 'pb');
  const logs: string[] = [];
  const leader = createStreamsAssignor({
    processId: 'pa', endpoint: undefined, topology, numStandbyReplicas: 0, log: (line) => logs.push(line),
    ownedTasks: () => ({ active: [], standby: [] }),
    warmup: { acceptableLag: 100, maxWarmups: 2, probingIntervalMs: 5_000 },
    endOffsets: () => new Promise(() => undefined),
  });
  const started = Date.now();
  const result = await rebalance(topology, counts(1, 2), [old, newcomer], 0, leader);
  assert.ok(Date.now() - started < 3_000, `assigned after ${Date.now() - started} ms`);
  assert.deepEqual(activeOf(result, 'm-a'), ['0_0', '0_1']);
  assert.ok(logs.some((line) => line.includes('no answer within 2000 ms')), logs.join('\n'));
});
