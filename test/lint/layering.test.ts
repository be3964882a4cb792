import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';

const eslint = new ESLint({ cwd: fileURLToPath(new URL('../../', import.meta.url)) });

async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const cases: Array<[file: string, code: string, allowed: boolean]> = [
  ['state/stores/kv.ts', "import { x } from '../../processors/task.ts';\nexport const y = x;\n", false],
  ['state/stores/kv.ts', "import { x } from '../../common/errors.ts';\nexport const y = x;\n", true],
  ['schemas/serdes/a.ts', "import { x } from '../../topologies/builder.ts';\nexport const y = x;\n", false],
  ['processors/task.ts', "import { x } from '../topologies/kstream.ts';\nexport const y = x;\n", false],
  ['processors/task.ts', "import { x } from '../state/stores/kv.ts';\nexport const y = x;\n", true],
  ['processors/task.ts', "import { Producer } from '@platformatic/kafka';\nexport const y = Producer;\n", false],
  ['processors/kafka/producer.ts', "import { Producer } from '@platformatic/kafka';\nexport const y = Producer;\n", true],
  ['processors/dsl/kstream.ts', "import { x } from '../../topologies/ecommerce/order.ts';\nexport const y = x;\n", false],
  ['processors/dsl/kstream.ts', "import { x } from '../runtime/stream-task.ts';\nexport const y = x;\n", false],
  ['processors/dsl/kstream.ts', "import { x } from '../plan/topology-plan.ts';\nexport const y = x;\n", true],
  ['processors/compiler/compile.ts', "import { x } from '../dsl/graph/nodes.ts';\nexport const y = x;\n", true],
  ['processors/runtime/stream-task.ts', "import { x } from '../dsl/kstream.ts';\nexport const y = x;\n", false],
  ['processors/client/kafka-streams.ts', "import { x } from '../compiler/compile.ts';\nexport const y = x;\n", false],
  ['processors/runtime/global/global-state.ts', "import { x } from '../../testing/topology-test-driver.ts';\nexport const y = x;\n", false],
  ['processors/testing/topology-test-driver.ts', "import { x } from '../runtime/stream-task.ts';\nexport const y = x;\n", true],
  ['scripts/stack/health.ts', "import { Admin } from '@platformatic/kafka';\nexport const y = Admin;\n", false],
  ['scripts/stack/health.ts', "import { KafkaAdmin } from '../../processors/kafka/index.ts';\nexport const y = KafkaAdmin;\n", true],
  ['scripts/stack/postgres.ts', "import pg from 'pg';\nexport const y = pg;\n", true],
  ['state/stores/kv.ts', "import { x } from '../../scripts/stack/config.ts';\nexport const y = x;\n", false],
  ['connectors/worker.ts', "import { x } from '../topologies/ecommerce/order.ts';\nexport const y = x;\n", false],
  ['topologies/ecommerce/order.ts', "import { x } from '../../gateway/server.ts';\nexport const y = x;\n", false],
  ['gateway/server.ts', "import { x } from '../connectors/worker.ts';\nexport const y = x;\n", false],
  ['connectors/worker.ts', "import pg from 'pg';\nexport const y = pg;\n", false],
  ['connectors/sinks/postgres/sink.ts', "import pg from 'pg';\nexport const y = pg;\n", true],
  ['processors/dsl/kstream.ts', "import { RocksDB } from 'rocksdb-native';\nexport const y = RocksDB;\n", false],
  ['common/errors.ts', "import { x } from '../state/stores/kv.ts';\nexport const y = x;\n", false],
];

for (const [file, code, allowed] of cases) {
  const first = code.split('\n')[0];
  test(`lint ${allowed ? 'allows' : 'rejects'} in ${file}: ${first}`, async () => {
    const messages = await restricted(file, code);
    if (allowed) assert.deepEqual(messages, []);
    else assert.equal(messages.length, 1, `expected one layering error, got ${JSON.stringify(messages)}`);
  });
}

test('lint rejects an import cycle and names its path, but not a cycle of type-only imports', async () => {
  const withFixtures = new ESLint({ cwd: fileURLToPath(new URL('../../', import.meta.url)), ignore: false });
  const results = await withFixtures.lintFiles(['test/fixtures/lint/cycle-a.ts', 'test/fixtures/lint/type-only-a.ts']);
  const cycles = (file: string): string[] => (results.find((r) => r.filePath.endsWith(file))?.messages ?? []).filter((m) => m.ruleId === 'project/no-import-cycle').map((m) => m.message);
  assert.deepEqual(cycles('cycle-a.ts'), ['Import cycle: test/fixtures/lint/cycle-a.ts → test/fixtures/lint/cycle-b.ts → test/fixtures/lint/cycle-c.ts → test/fixtures/lint/cycle-a.ts']);
  assert.deepEqual(cycles('type-only-a.ts'), []);
});
