import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findQuarkusRunJar } from '../../../scripts/stack/registry.ts';

test('quarkus-run.jar is found wherever the release put it', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'kstack-reg-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  assert.equal(findQuarkusRunJar(root), undefined);
  mkdirSync(join(root, 'apicurio-registry', 'target', 'quarkus-app', 'lib'), { recursive: true });
  writeFileSync(join(root, 'apicurio-registry', 'target', 'quarkus-app', 'quarkus-run.jar'), '');
  assert.equal(findQuarkusRunJar(root), join(root, 'apicurio-registry', 'target', 'quarkus-app', 'quarkus-run.jar'));
  writeFileSync(join(root, 'quarkus-run.jar'), '');
  assert.equal(findQuarkusRunJar(root), join(root, 'quarkus-run.jar'));
  assert.equal(findQuarkusRunJar(join(root, 'missing')), undefined);
});
