import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KstError } from '../../../../common/errors.ts';
import { assignmentTopology } from '../../../../processors/runtime/assignment/assignment-topology.ts';
import { layoutTasks } from '../../../../processors/runtime/assignment/task-layout.ts';
import { source, subtopology, topologyPlan } from '../fixtures.ts';

const store = (name: string, changelog: boolean) => ({ name, builder: {} as never, changelogTopic: changelog ? `${name}-changelog` : undefined });

test('internal topics get the application id, and sub-topologies with logged stores are stateful', () => {
  const plan = {
    ...topologyPlan(
      [
        subtopology(0, [source('s0', ['orders'], [])]),
        subtopology(1, [source('s1', ['by-product-repartition'], [], { internal: true }), source('s2', ['products'], [])], ['stock']),
        subtopology(2, [source('s3', ['audit'], [])], ['scratch']),
      ],
      [store('stock', true), store('scratch', false)],
    ),
    copartitionGroups: [['by-product-repartition', 'products']],
  };
  const topology = assignmentTopology(plan, 'app');
  assert.deepEqual(topology.subtopologies, [
    { id: 0, sourceTopics: ['orders'], stateful: false, changelogTopics: [] },
    { id: 1, sourceTopics: ['app-by-product-repartition', 'products'], stateful: true, changelogTopics: ['app-stock-changelog'] },
    { id: 2, sourceTopics: ['audit'], stateful: false, changelogTopics: [] },
  ]);
  assert.deepEqual(topology.copartitionGroups, [['app-by-product-repartition', 'products']]);
});

test('a topic read by two sub-topologies is refused', () => {
  const plan = topologyPlan([subtopology(0, [source('a', ['t'], [])]), subtopology(1, [source('b', ['t'], [])])]);
  assert.throws(() => assignmentTopology(plan, 'app'), (error) => error instanceof KstError && error.code === 'KST_TOPOLOGY_PLAN_INVALID');
});

test('tasks: as many as the largest source topic, each reading the partitions that exist', () => {
  const layout = layoutTasks({ subtopologies: [{ id: 0, sourceTopics: ['a', 'b'], stateful: false, changelogTopics: [] }], copartitionGroups: [] }, new Map([['a', 2], ['b', 3]]));
  assert.ok(layout.ok);
  assert.deepEqual(layout.tasks.map((t) => [t.key, t.partitions.map((p) => `${p.topic}-${p.partition}`)]), [
    ['0_0', ['a-0', 'b-0']],
    ['0_1', ['a-1', 'b-1']],
    ['0_2', ['b-2']],
  ]);
});
