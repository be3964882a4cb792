import '../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KafkaStreams } from '../../../processors/client/index.ts';
import { PartitionReader } from '../../../processors/kafka/index.ts';
import type { StateRestoreListener } from '../../../processors/runtime/restoration/index.ts';
import { COUNTS_STORE, splitWords, wordCount } from './fixtures/word-count.ts';
import { bootstrap, clientConfig, createTopics, expectedCounts, latestCounts, makeLines, produce, readUntil, sameCounts, tempStateDir, text, uniqueName, waitForState } from './helpers.ts';

interface RestoreLog {
  restored: number;
  starts: number;
}

function listener(log: RestoreLog): StateRestoreListener {
  return {
    onRestoreStart: () => void log.starts++,
    onRestoreEnd: (_target, total) => void (log.restored += total),
  };
}

test('exactly_once_v2: a clean close checkpoints, a restart restores from the checkpoint, a wiped state dir is rebuilt from the changelog', { timeout: 240_000 }, async (t) => {
  const input = uniqueName('kst-rs-in');
  const output = uniqueName('kst-rs-out');
  const applicationId = uniqueName('kst-rs');
  await createTopics([{ name: input, partitions: 2 }, { name: output, partitions: 2 }]);
  const state = tempStateDir();
  const config = {
    'application.id': applicationId,
    'bootstrap.servers': bootstrap(),
    'processing.guarantee': 'exactly_once_v2',
    'state.dir': state.dir,
    // Caching off: every count update reaches the changelog, so it is much longer than the state.
    'cache.max.bytes.buffering': 0,
    'session.timeout.ms': 10_000,
    'heartbeat.interval.ms': 1_000,
  } as const;
  const all: string[] = [];
  const run = async (lines: readonly string[], log: RestoreLog): Promise<KafkaStreams> => {
    const streams = new KafkaStreams(wordCount(input, output), config);
    streams.setGlobalStateRestoreListener(listener(log));
    await streams.start();
    await waitForState(streams, 'RUNNING');
    all.push(...lines);
    await produce(lines.map((line, i) => ({ topic: input, key: text(`k${i}`), value: text(line) })));
    const expected = expectedCounts(all, splitWords);
    const records = await readUntil(output, (r) => sameCounts(latestCounts(r), expected), { timeoutMs: 90_000 });
    assert.deepEqual(latestCounts(records), expected);
    return streams;
  };
  try {
    const first = await run(makeLines(1_000, 3), { restored: 0, starts: 0 });
    assert.equal(await first.close({ timeoutMs: 30_000 }), true);
    assert.ok(existsSync(join(state.dir, applicationId, '1_0', '.checkpoint')), 'a clean close writes the checkpoint');

    const reader = new PartitionReader(clientConfig('kst-rs-reader'));
    const changelog = `${applicationId}-${COUNTS_STORE}-changelog`;
    const ends = await reader.endOffsets([{ topic: changelog, partition: 0 }, { topic: changelog, partition: 1 }]);
    await reader.close();
    const changelogSize = ends.reduce((sum, e) => sum + Number(e.offset), 0);
    assert.ok(changelogSize > 1_000, `changelog holds ${changelogSize} records`);

    const fromCheckpoint = { restored: 0, starts: 0 };
    const second = await run(makeLines(300, 5), fromCheckpoint);
    assert.ok(fromCheckpoint.restored * 10 < changelogSize, `restored ${fromCheckpoint.restored} of ${changelogSize} changelog records`);
    t.diagnostic(`clean restart: restored ${fromCheckpoint.restored} records from the checkpoint; the changelog held ${changelogSize} offsets`);
    assert.equal(await second.close({ timeoutMs: 30_000 }), true);

    await second.cleanUp();
    assert.equal(existsSync(join(state.dir, applicationId)), false);
    const fromScratch = { restored: 0, starts: 0 };
    const third = await run(makeLines(300, 9), fromScratch);
    assert.ok(fromScratch.starts >= 1, 'the wiped store was restored');
    assert.ok(fromScratch.restored >= changelogSize / 2, `restored ${fromScratch.restored} records from the changelog (it held ${changelogSize} offsets after the first run)`);
    t.diagnostic(`deleted state dir: rebuilt from the changelog, ${fromScratch.restored} records restored`);
    assert.equal(await third.close({ timeoutMs: 30_000 }), true);
  } finally {
    state.remove();
  }
});
