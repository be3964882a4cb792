/**
 * Tracing settings of a platform process (gateway, service, Connect worker), read from
 * OpenTelemetry's own environment variables and validated once at start: a bad value
 * stops the process with `KST_CONFIG_INVALID` naming the variable. Tracing is on when an
 * OTLP endpoint is set and `OTEL_SDK_DISABLED` is not `true`.
 *
 * | variable | meaning |
 * | --- | --- |
 * | `OTEL_EXPORTER_OTLP_ENDPOINT` | OTLP/HTTP base URL; spans go to `<url>/v1/traces` |
 * | `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` | the full traces URL instead |
 * | `OTEL_SERVICE_NAME` | `service.name`; each process has its own default |
 * | `OTEL_TRACES_SAMPLER` | `parentbased_traceidratio` (default), `parentbased_always_on`, `parentbased_always_off` |
 * | `OTEL_TRACES_SAMPLER_ARG` | the ratio of new traces sampled, 0 to 1 (default 1) |
 * | `OTEL_BSP_SCHEDULE_DELAY` | ms between two exports of finished spans (default 5000) |
 *
 * @example
 * ```ts
 * const config = tracingConfig.fromEnv(process.env, 'OTEL');
 * ```
 */

import { boolean, defineConfig, integer, oneOf, string, type ConfigOf, type Field } from '../common/config.ts';
import { KstError } from '../common/errors.ts';

/** A number from 0 to 1, as OTEL_TRACES_SAMPLER_ARG takes it. */
function ratio(options: { readonly default: number; readonly doc: string }): Field<number> {
  return Object.freeze({
    kind: 'number 0..1',
    doc: options.doc,
    default: options.default,
    convert: (raw: unknown, key: string): number => {
      const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
      if (!(value >= 0 && value <= 1)) throw new KstError('KST_CONFIG_INVALID', `config "${key}" must be a number from 0 to 1 (got ${JSON.stringify(raw)})`, { key, value: raw });
      return value;
    },
  });
}

const URL_PATTERN = /^https?:\/\/[^\s]+$/;

export const tracingConfig = defineConfig({
  'sdk.disabled': boolean({ default: false, doc: 'true turns tracing off even when an endpoint is set.' }),
  'exporter.otlp.endpoint': string({ default: '', pattern: URL_PATTERN, doc: 'OTLP/HTTP base URL of a collector (Jaeger: http://jaeger:4318); spans go to <url>/v1/traces. Unset: no tracing.' }),
  'exporter.otlp.traces.endpoint': string({ default: '', pattern: URL_PATTERN, doc: 'Full OTLP/HTTP traces URL, instead of <endpoint>/v1/traces.' }),
  'service.name': string({ default: '', doc: 'The service.name of the spans; by default the process says (gateway, order, ..., connect).' }),
  'traces.sampler': oneOf(['parentbased_traceidratio', 'parentbased_always_on', 'parentbased_always_off'] as const, { default: 'parentbased_traceidratio', doc: 'How a span is sampled: as its parent (the sampled flag of the traceparent it continues), and a new trace by the rule named.' }),
  'traces.sampler.arg': ratio({ default: 1, doc: 'With parentbased_traceidratio: the share of new traces (at the gateway, or records without a traceparent) sampled.' }),
  'bsp.schedule.delay': integer({ default: 5_000, min: 1, doc: 'Milliseconds between two exports of finished spans.' }),
});

export type TracingConfig = ConfigOf<typeof tracingConfig.fields>;

/** Where spans are exported to; undefined when tracing is off. */
export function tracesUrl(config: TracingConfig): string | undefined {
  if (config['sdk.disabled']) return undefined;
  if (config['exporter.otlp.traces.endpoint'] !== '') return config['exporter.otlp.traces.endpoint'];
  if (config['exporter.otlp.endpoint'] === '') return undefined;
  return `${config['exporter.otlp.endpoint'].replace(/\/+$/, '')}/v1/traces`;
}
