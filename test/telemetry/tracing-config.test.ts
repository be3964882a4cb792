import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKstError } from '../../common/errors.ts';
import { tracesUrl, tracingConfig } from '../../telemetry/tracing-config.ts';

const read = (env: Record<string, string>) => tracingConfig.fromEnv(env, 'OTEL');

test('tracing is off without an endpoint, or when OTEL_SDK_DISABLED is true', () => {
  assert.equal(tracesUrl(read({})), undefined);
  assert.equal(tracesUrl(read({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318', OTEL_SDK_DISABLED: 'true' })), undefined);
});

test('spans go to <endpoint>/v1/traces, or to the traces endpoint as given', () => {
  assert.equal(tracesUrl(read({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318/' })), 'http://jaeger:4318/v1/traces');
  assert.equal(tracesUrl(read({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://b/otlp/traces' })), 'https://b/otlp/traces');
});

test('defaults: parent-based, every new trace sampled, exports every 5 s', () => {
  const config = read({});
  assert.deepEqual([config['traces.sampler'], config['traces.sampler.arg'], config['bsp.schedule.delay']], ['parentbased_traceidratio', 1, 5_000]);
  assert.equal(read({ OTEL_TRACES_SAMPLER_ARG: '0.25' })['traces.sampler.arg'], 0.25);
});

test('a bad value fails at start naming the variable', () => {
  const cases: Record<string, string>[] = [
    { OTEL_TRACES_SAMPLER_ARG: '1.5' },
    { OTEL_TRACES_SAMPLER_ARG: 'half' },
    { OTEL_TRACES_SAMPLER: 'always_on' },
    { OTEL_EXPORTER_OTLP_ENDPOINT: 'jaeger:4318' },
    { OTEL_BSP_SCHEDULE_DELAY: '0' },
    { OTEL_SDK_DISABLED: 'yes' },
  ];
  for (const env of cases) {
    const variable = Object.keys(env)[0] as string;
    assert.throws(() => read(env), (error: unknown) => isKstError(error, 'KST_CONFIG_INVALID') && error.message.includes(variable), variable);
  }
});
