/**
 * `GET /` (worker version, commit, Kafka cluster id) and `GET /health` (KIP-1017).
 */

import type { FastifyPluginAsync } from 'fastify';
import type { RestContext } from '../rest-server.ts';

export interface WorkerInfo {
  /** The Connect version this worker's API matches (X.Y.Z). */
  readonly version: string;
  readonly commit: string;
  readonly kafkaClusterId: () => Promise<string>;
}

export function rootRoutes(context: RestContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/', async () => ({ version: context.info.version, commit: context.info.commit, kafka_cluster_id: await context.info.kafkaClusterId() }));
    app.get('/health', async (_request, reply) => {
      if (context.herder.ready) return { status: 'healthy', message: 'Worker has completed startup and is ready to handle requests.' };
      return reply.code(503).send({ status: 'starting', message: 'Worker is still starting up.' });
    });
  };
}
