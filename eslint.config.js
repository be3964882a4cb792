// Lint enforces the layering of ARCHITECTURE.md: dependencies point one way
// (gateway, connectors, topologies/ecommerce → topologies → processors → state, schemas → common),
// heavy clients stay in their folder, and there are no import cycles.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import noImportCycle from './scripts/lint/no-import-cycle.js';

/** Project folders a layer may not import, as gitignore-style patterns on the import path. */
const folder = (name) => [`**/${name}/**`, `**/${name}`];

const heavy = {
  kafka: { name: '@platformatic/kafka', message: 'Only processors/kafka/ talks to the Kafka client; use the adapter.' },
  rocksdb: { name: 'rocksdb-native', message: 'Only state/ imports storage engines.' },
  level: { name: 'level', message: 'Only state/ imports storage engines.' },
  classicLevel: { name: 'classic-level', message: 'Only state/ imports storage engines.' },
  memoryLevel: { name: 'memory-level', message: 'Only state/ imports storage engines.' },
  pg: { name: 'pg', message: 'Only connectors/sinks/postgres/ imports a database client.' },
  fastify: { name: 'fastify', message: 'Only gateway/ and the Connect REST server import fastify.' },
  grpc: { name: '@grpc/grpc-js', message: 'Only gateway/ imports gRPC.' },
  protoLoader: { name: '@grpc/proto-loader', message: 'Only gateway/ imports gRPC.' },
  grpcHealth: { name: 'grpc-health-check', message: 'Only gateway/ imports gRPC.' },
  grpcReflection: { name: '@grpc/reflection', message: 'Only gateway/ imports gRPC.' },
};

/**
 * One rule per layer: what it must not import. `allow` lists the heavy clients this
 * layer is the home of.
 */
function layer(files, forbiddenFolders, message, allow = []) {
  const paths = Object.entries(heavy).filter(([key]) => !allow.includes(key)).map(([, value]) => value);
  return {
    files,
    rules: {
      'no-restricted-imports': ['error', {
        paths,
        patterns: [{ group: forbiddenFolders.flatMap(folder), message }],
      }],
    },
  };
}

const upper = ['gateway', 'connectors'];

export default tseslint.config(
  { ignores: ['node_modules/**', '.cache/**', '.stack/**', 'dist/**', 'test/fixtures/lint/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { project: { rules: { 'no-import-cycle': noImportCycle } } },
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', fetch: 'readonly', structuredClone: 'readonly', queueMicrotask: 'readonly', performance: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly' } },
    rules: {
      'project/no-import-cycle': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  layer(['common/**'], ['state', 'schemas', 'processors', 'topologies', ...upper], 'common/ is the bottom layer: it imports nothing of the project.'),
  layer(['state/**'], ['processors', 'topologies', ...upper], 'state/ sits below processors/ and topologies/.', ['rocksdb', 'level', 'classicLevel', 'memoryLevel']),
  layer(['schemas/**'], ['state', 'processors', 'topologies', ...upper], 'schemas/ sits below processors/ and topologies/.'),
  layer(['processors/**'], ['topologies', ...upper], 'processors/ (the runtime) imports the compiled plan, never the DSL or the services.'),
  layer(['processors/kafka/**'], ['topologies', ...upper], 'processors/ (the runtime) imports the compiled plan, never the DSL or the services.', ['kafka']),
  layer(['topologies/**'], ['ecommerce', ...upper], 'topologies/ (the DSL) must not import the services built on it, the gateway or the connectors.'),
  layer(['topologies/ecommerce/**'], upper, 'Nothing imports gateway/ or connectors/.'),
  layer(['gateway/**'], ['connectors'], 'Nothing imports connectors/.', ['fastify', 'grpc', 'protoLoader', 'grpcHealth', 'grpcReflection']),
  layer(['connectors/**'], ['gateway'], 'Nothing imports gateway/.', ['fastify']),
  layer(['connectors/sinks/postgres/**'], ['gateway'], 'Nothing imports gateway/.', ['fastify', 'pg']),
);
