import assert from 'node:assert/strict';
import { test } from 'node:test';

import { chromiumPath } from '../../../scripts/stack/chromium.ts';

test('CHROMIUM_PATH wins when it names a file, and names none when the file is missing', () => {
  assert.equal(chromiumPath({ CHROMIUM_PATH: process.execPath }), process.execPath);
  assert.equal(chromiumPath({ CHROMIUM_PATH: '/nonexistent/chromium' }), undefined);
});

test('without CHROMIUM_PATH the chromium on the PATH is found, or none', () => {
  const found = chromiumPath({});
  if (found !== undefined) assert.match(found, /chromium/);
  assert.equal(chromiumPath({ CHROMIUM_PATH: '' }), found);
});
