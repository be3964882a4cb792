import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProperties } from '../../../connectors/config/properties-file.ts';

test('reads properties as java.util.Properties does: separators, comments, continuations, escapes', () => {
  const text = [
    '# a comment',
    '! another comment \\',
    'password = s3cr=et',
    'user:app',
    'spaced value with spaces',
    '   indented=yes',
    'multi = one, \\',
    '        two',
    'escaped\\ key = tab\\there\\u0041',
    'trailing\\\\',
    'empty=',
    'password=later wins',
  ].join('\n');
  const props = parseProperties(text);
  assert.equal(props.get('password'), 'later wins');
  assert.equal(props.get('user'), 'app');
  assert.equal(props.get('spaced'), 'value with spaces');
  assert.equal(props.get('indented'), 'yes');
  assert.equal(props.get('multi'), 'one, two');
  assert.equal(props.get('escaped key'), 'tab\there\u0041');
  assert.equal(props.get('trailing\\'), '');
  assert.equal(props.get('empty'), '');
  assert.equal(props.has('!'), false, 'a comment line ending in a backslash does not continue');
  assert.equal(parseProperties('a=1\r\nb=2\rc=3').get('c'), '3');
  assert.equal(parseProperties('k=v=w').get('k'), 'v=w');
});
