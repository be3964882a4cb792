import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import type { KafkaStreams } from '../../../processors/client/index.ts';
import { PeerClients } from '../../../gateway/grpc/peer-clients.ts';
import { FORWARDED_HEADER } from '../../../gateway/grpc/proto.ts';
import { forwardedMetadata, QueryRouting } from '../../../gateway/grpc/query-routing.ts';
import { isStatusError } from '../../../gateway/grpc/status.ts';

/** A streams client that names `owner` as every key's active host, with `members` in its group. */
function streams(owner: string, members: readonly string[]): KafkaStreams {
  const [host, port] = owner.split(':') as [string, string];
  return {
    queryMetadataForKey: () => ({ activeHost: { host, port: Number(port) }, standbyHosts: [], partition: 1 }),
    metadataForAllStreamsClients: () => members.map((endpoint) => ({ endpoint })),
  } as unknown as KafkaStreams;
}

test('a key is forwarded only to an endpoint a member of the application advertises', () => {
  const peers = new PeerClients({ deadlineMs: 1_000 });
  const routing = new QueryRouting({ self: '127.0.0.1:1001', peers });
  routing.attach(streams('127.0.0.1:1002', ['127.0.0.1:1001', '127.0.0.1:1002']));
  assert.deepEqual(routing.route('orders', 'o-1', new grpc.Metadata()), { local: false, endpoint: '127.0.0.1:1002' });
  routing.attach(streams('10.9.9.9:1002', ['127.0.0.1:1001', '127.0.0.1:1002']));
  assert.throws(() => routing.route('orders', 'o-1', new grpc.Metadata()), (e: unknown) => isStatusError(e) && e.code === grpc.status.UNAVAILABLE && /not a member/.test(e.details));
  const forwarded = new grpc.Metadata();
  forwarded.set(FORWARDED_HEADER, '1');
  assert.deepEqual(routing.route('orders', 'o-1', forwarded), { local: true }, 'a forwarded call is answered here, never sent on');
  peers.close();
});

test('a forwarded call carries the caller\'s token and the mark, nothing else', () => {
  const incoming = new grpc.Metadata();
  incoming.set('authorization', 'Bearer callers-token');
  incoming.set('x-kst-role', 'admin');
  incoming.set('x-forwarded-for', '10.0.0.1');
  const out = forwardedMetadata(incoming);
  assert.deepEqual(out.getMap(), { authorization: 'Bearer callers-token', [FORWARDED_HEADER]: '1' });
  assert.deepEqual(forwardedMetadata(new grpc.Metadata()).getMap(), { [FORWARDED_HEADER]: '1' }, 'no token in, none out');
});
