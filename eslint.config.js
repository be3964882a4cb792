// Lint enforces the layering of docs/ARCHITECTURE.md (whose layer table a unit test checks
// against `layers` below): the engine package (common, schemas, state, processors) never
// imports the application (topologies, gateway, connectors, scripts); inside the engine,
// dependencies point one way, the runtime never imports the DSL or its compiler; heavy
// clients stay in their folder; and there are no import cycles.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import noImportCycle from './scripts/lint/no-import-cycle.js';

/** Project folders a layer may not import, as gitignore-style patterns on the import path. */
const folder = (name) => [`**/${name}/**`, `**/${name}`];

export const heavy = {
  kafka: { name: '@platformatic/kafka', message: 'Only processors/kafka/ talks to the Kafka client; use the adapter.' },
  rocksdb: { name: 'rocksdb-native', message: 'Only state/ imports storage engines.' },
  level: { name: 'level', message: 'Only state/ imports storage engines.' },
  classicLevel: { name: 'classic-level', message: 'Only state/ imports storage engines.' },
  memoryLevel: { name: 'memory-level', message: 'Only state/ imports storage engines.' },
  pg: { name: 'pg', message: 'Only connectors/sinks/postgres/, connectors/sources/postgres/ (and gateway/audit/, which reads the audit log) import a database client.' },
  fastify: { name: 'fastify', message: 'Only gateway/ and the Connect REST server import fastify.' },
  grpc: { name: '@grpc/grpc-js', message: 'Only gateway/ imports gRPC.' },
  protoLoader: { name: '@grpc/proto-loader', message: 'Only gateway/ imports gRPC.' },
  grpcHealth: { name: 'grpc-health-check', message: 'Only gateway/ imports gRPC.' },
  grpcReflection: { name: '@grpc/reflection', message: 'Only gateway/ imports gRPC.' },
  otelApi: { name: '@opentelemetry/api', message: 'Only the runtime (a span per record), gateway/, connectors/ and telemetry/ create spans.' },
  otelSdk: { name: '@opentelemetry/sdk-trace', message: 'Only telemetry/ sets up the OpenTelemetry SDK; the rest uses @opentelemetry/api.' },
  otelCore: { name: '@opentelemetry/core', message: 'Only telemetry/ sets up the OpenTelemetry SDK; the rest uses @opentelemetry/api.' },
  otelResources: { name: '@opentelemetry/resources', message: 'Only telemetry/ sets up the OpenTelemetry SDK; the rest uses @opentelemetry/api.' },
  otelContext: { name: '@opentelemetry/context-async-hooks', message: 'Only telemetry/ sets up the OpenTelemetry SDK; the rest uses @opentelemetry/api.' },
  otelExporter: { name: '@opentelemetry/exporter-trace-otlp-http', message: 'Only telemetry/ sets up the OpenTelemetry SDK; the rest uses @opentelemetry/api.' },
};

/** The engine package's folders and the application's: the package boundary is folders. */
const application = ['topologies', 'gateway', 'connectors', 'scripts', 'telemetry'];
/** The DSL side of processors/ (builds and compiles a topology) and its runtime side (runs a plan). */
const dslSide = ['dsl', 'compiler'];
const runtimeSide = ['runtime', 'client', 'testing'];

/**
 * The layer table, most general first (a later entry overrides an earlier one for the files
 * it matches, so each entry lists everything its files may not import). `forbidden`: project
 * folders, matched by name on the import path; `heavy`: the heavy clients this folder is the
 * home of. docs/ARCHITECTURE.md shows this table; test/lint/architecture-doc.test.ts checks it.
 */
export const layers = [
  { files: 'common/**', forbidden: ['state', 'schemas', 'processors', ...application], heavy: [], message: 'common/ is the bottom layer: it imports nothing of the project.' },
  { files: 'schemas/**', forbidden: ['state', 'processors', ...application], heavy: [], message: 'schemas/ sits below state/ and processors/, and the engine never imports the application.' },
  { files: 'state/**', forbidden: ['processors', ...application], heavy: ['rocksdb', 'level', 'classicLevel', 'memoryLevel'], message: 'state/ sits below processors/, and the engine never imports the application.' },
  { files: 'processors/**', forbidden: [...application], heavy: [], message: 'The engine never imports the application (topologies/, gateway/, connectors/, scripts/).' },
  { files: 'processors/dsl/**', forbidden: [...runtimeSide, ...application], heavy: [], message: 'The DSL builds and compiles a plan; it never imports the runtime, the client or the test driver.' },
  { files: 'processors/compiler/**', forbidden: [...runtimeSide, ...application], heavy: [], message: 'The DSL builds and compiles a plan; it never imports the runtime, the client or the test driver.' },
  { files: 'processors/api/**', forbidden: [...dslSide, 'testing', ...application], heavy: [], message: 'The runtime imports the compiled plan, never the DSL, its compiler or the test driver.' },
  { files: 'processors/plan/**', forbidden: [...dslSide, 'testing', ...application], heavy: [], message: 'The runtime imports the compiled plan, never the DSL, its compiler or the test driver.' },
  { files: 'processors/runtime/**', forbidden: [...dslSide, 'testing', ...application], heavy: ['otelApi'], message: 'The runtime imports the compiled plan, never the DSL, its compiler or the test driver.' },
  { files: 'processors/client/**', forbidden: [...dslSide, 'testing', ...application], heavy: [], message: 'The runtime imports the compiled plan, never the DSL, its compiler or the test driver.' },
  { files: 'processors/testing/**', forbidden: [...dslSide, ...application], heavy: [], message: 'The test driver runs the compiled plan, never the DSL or its compiler.' },
  { files: 'processors/kafka/**', forbidden: [...dslSide, 'testing', ...application], heavy: ['kafka'], message: 'The runtime imports the compiled plan, never the DSL, its compiler or the test driver.' },
  { files: 'topologies/**', forbidden: ['gateway', 'connectors', 'scripts'], heavy: [], message: 'The services import the engine, never the gateway, the connectors or the scripts.' },
  { files: 'gateway/**', forbidden: ['connectors', 'scripts'], heavy: ['fastify', 'grpc', 'protoLoader', 'grpcHealth', 'grpcReflection', 'otelApi'], message: 'gateway/ never imports connectors/ or scripts/.' },
  { files: 'gateway/audit/**', forbidden: ['connectors', 'scripts'], heavy: ['fastify', 'grpc', 'protoLoader', 'grpcHealth', 'grpcReflection', 'otelApi', 'pg'], message: 'gateway/ never imports connectors/ or scripts/; gateway/audit/ reads the audit log table.' },
  { files: 'connectors/**', forbidden: ['topologies', 'gateway', 'scripts'], heavy: ['fastify', 'otelApi'], message: 'connectors/ never imports the services, gateway/ or scripts/.' },
  { files: 'connectors/sinks/postgres/**', forbidden: ['topologies', 'gateway', 'scripts'], heavy: ['fastify', 'pg', 'otelApi'], message: 'connectors/ never imports the services, gateway/ or scripts/.' },
  { files: 'connectors/sources/postgres/**', forbidden: ['topologies', 'gateway', 'scripts'], heavy: ['fastify', 'pg', 'otelApi'], message: 'connectors/ never imports the services, gateway/ or scripts/.' },
  { files: 'telemetry/**', forbidden: ['state', 'schemas', 'processors', 'topologies', 'gateway', 'connectors', 'scripts'], heavy: ['otelApi', 'otelSdk', 'otelCore', 'otelResources', 'otelContext', 'otelExporter'], message: 'telemetry/ sets up the OpenTelemetry SDK for the platform\'s processes; it imports only common/.' },
  { files: 'scripts/**', forbidden: [], heavy: ['pg'], message: 'scripts/ may import any folder; heavy clients only through their adapters (the stack scripts create PostgreSQL databases).' },
];

/** One lint rule per layer: the project folders and heavy clients it must not import. */
function layer({ files, forbidden, heavy: allow, message }) {
  const paths = Object.entries(heavy).filter(([key]) => !allow.includes(key)).map(([, value]) => value);
  return {
    files: [files],
    rules: {
      'no-restricted-imports': ['error', {
        paths,
        patterns: forbidden.length === 0 ? [] : [{ group: forbidden.flatMap(folder), message }],
      }],
    },
  };
}

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
  ...layers.map(layer),
);
