import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isKstError } from '../../../common/errors.ts';
import { candidateHomes, findJava, javaMajor, parseMajor } from '../../../scripts/stack/java.ts';

/** Fake JDK folders: a release file and an executable bin/java, which is all findJava reads. */
function fakeJdks(t: { after: (fn: () => void) => void }, versions: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'kstack-jvm-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  for (const [name, version] of Object.entries(versions)) {
    mkdirSync(join(root, name, 'bin'), { recursive: true });
    writeFileSync(join(root, name, 'release'), `IMPLEMENTOR="test"\nJAVA_VERSION="${version}"\n`);
    writeFileSync(join(root, name, 'bin', 'java'), '#!/bin/sh\n');
    chmodSync(join(root, name, 'bin', 'java'), 0o755);
  }
  return root;
}

test('versions parse in both the old and the new scheme', () => {
  assert.equal(parseMajor('17.0.15'), 17);
  assert.equal(parseMajor('1.8.0_392'), 8);
  assert.equal(parseMajor('25'), 25);
  assert.equal(parseMajor('21-ea'), 21);
  assert.equal(parseMajor('garbage'), undefined);
});

test('the oldest JDK inside the range is chosen', (t) => {
  const root = fakeJdks(t, { 'jdk-25': '25.0.3', 'jdk-17': '17.0.15', 'jdk-21': '21.0.7', 'jdk-11': '11.0.2' });
  const homes = candidateHomes({ PATH: '' }, [root]);
  assert.equal(homes.length, 4);
  assert.equal(javaMajor(join(root, 'jdk-21')), 21);
  assert.equal(findJava({ service: 'registry', min: 21, configured: '', envName: 'X' }, homes).major, 21);
  assert.equal(findJava({ service: 'opensearch', min: 17, max: 21, configured: '', envName: 'X' }, homes).major, 17);
  assert.equal(findJava({ service: 'kafka', min: 17, configured: '', envName: 'X' }, homes).java, join(root, 'jdk-17', 'bin', 'java'));
});

test('no JDK in range fails with KST_STACK_PREREQUISITE_MISSING saying what to install and what to set', (t) => {
  const root = fakeJdks(t, { 'jdk-17': '17.0.15' });
  const homes = candidateHomes({ PATH: '' }, [root]);
  assert.throws(
    () => findJava({ service: 'registry', min: 21, configured: '', envName: 'STACK_REGISTRY_JAVA_HOME' }, homes),
    (error: unknown) =>
      isKstError(error, 'KST_STACK_PREREQUISITE_MISSING') && /21 or newer/.test(error.message) && /Java 17 at/.test(error.message) && /openjdk-21/.test(error.message) && /STACK_REGISTRY_JAVA_HOME/.test(error.message),
  );
  assert.throws(() => findJava({ service: 'kafka', min: 17, configured: '', envName: 'X' }, []), /no JDK at all/);
});

test('a configured JDK must exist and fit the range', (t) => {
  const root = fakeJdks(t, { 'jdk-17': '17.0.15', 'jdk-21': '21.0.7' });
  assert.equal(findJava({ service: 'registry', min: 21, configured: join(root, 'jdk-21'), envName: 'STACK_REGISTRY_JAVA_HOME' }, []).major, 21);
  assert.throws(() => findJava({ service: 'registry', min: 21, configured: join(root, 'jdk-17'), envName: 'STACK_REGISTRY_JAVA_HOME' }, []), /STACK_REGISTRY_JAVA_HOME=.* is Java 17/);
  assert.throws(() => findJava({ service: 'registry', min: 21, configured: join(root, 'nope'), envName: 'STACK_REGISTRY_JAVA_HOME' }, []), /is not a JDK/);
});
