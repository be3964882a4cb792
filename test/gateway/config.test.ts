import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKstError } from '../../common/errors.ts';
import { gatewayConfig } from '../../gateway/config.ts';

const naming = (variable: string) => (e: unknown): boolean => isKstError(e, 'KST_CONFIG_INVALID') && e.message.includes(variable);

test('the search settings: defaults for the local stack, and a bad URL, index or timeout fails naming its variable', () => {
  const defaults = gatewayConfig.fromEnv({}, 'GATEWAY');
  assert.deepEqual([defaults['search.url'], defaults['search.index'], defaults['search.timeout.ms']], ['http://127.0.0.1:9200', 'products', 3_000]);
  const set = gatewayConfig.fromEnv({ GATEWAY_SEARCH_URL: 'https://user:pw@search.example:9200', GATEWAY_SEARCH_INDEX: 'shop-1.products' }, 'GATEWAY');
  assert.deepEqual([set['search.url'], set['search.index']], ['https://user:pw@search.example:9200', 'shop-1.products']);
  assert.throws(() => gatewayConfig.fromEnv({ GATEWAY_SEARCH_URL: 'search.example:9200' }, 'GATEWAY'), naming('GATEWAY_SEARCH_URL'));
  assert.throws(() => gatewayConfig.fromEnv({ GATEWAY_SEARCH_INDEX: 'Products' }, 'GATEWAY'), naming('GATEWAY_SEARCH_INDEX'));
  assert.throws(() => gatewayConfig.fromEnv({ GATEWAY_SEARCH_TIMEOUT_MS: '10' }, 'GATEWAY'), naming('GATEWAY_SEARCH_TIMEOUT_MS'));
});
