/**
 * The metric names a PromQL expression reads, for checking dashboards against live
 * scrapes: label matchers, grouping clauses, ranges, strings and numbers are removed,
 * and what is left that is neither a function (followed by `(`) nor a keyword is a
 * metric name. `label_values(metric, label)` (Grafana's variable query) names its metric.
 * Histogram series (`_bucket`, `_sum`, `_count`) map to their family with `familyOf`.
 */

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);

export function metricNames(expression: string): string[] {
  const labelValues = /^label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,/.exec(expression.trim());
  if (labelValues !== null) return [labelValues[1] as string];
  const stripped = expression
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const name = match[0];
    const after = stripped.slice((match.index ?? 0) + name.length).trimStart();
    if (after.startsWith('(') || KEYWORDS.has(name.toLowerCase())) continue;
    names.add(name);
  }
  return [...names];
}

/** The family a series name belongs to: a histogram's `_bucket`, `_sum` and `_count` series are its family's. */
export function familyOf(name: string, families: ReadonlySet<string>): string {
  if (families.has(name)) return name;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (name.endsWith(suffix) && families.has(name.slice(0, -suffix.length))) return name.slice(0, -suffix.length);
  }
  return name;
}

/** Every PromQL expression of a Grafana dashboard: panel targets and query variables. */
export function dashboardExpressions(dashboard: unknown): string[] {
  const board = dashboard as { panels?: Array<{ targets?: Array<{ expr?: string }> }>; templating?: { list?: Array<{ query?: string | { query?: string } }> } };
  const panels = (board.panels ?? []).flatMap((panel) => (panel.targets ?? []).map((target) => target.expr ?? ''));
  const variables = (board.templating?.list ?? []).map((variable) => (typeof variable.query === 'string' ? variable.query : variable.query?.query ?? ''));
  return [...panels, ...variables].filter((expression) => expression !== '');
}

/** A Prometheus text scrape: families declared (`# TYPE`) and each series' samples. */
export interface Scrape {
  readonly families: ReadonlySet<string>;
  /** Sum of the sample values per family (histograms: their `_count`), for "has it seen anything". */
  readonly totals: ReadonlyMap<string, number>;
}

export function parseScrape(text: string): Scrape {
  const families = new Set<string>();
  const types = new Map<string, string>();
  for (const match of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    families.add(match[1] as string);
    types.set(match[1] as string, match[2] as string);
  }
  const totals = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)/.exec(line);
    if (match === null) continue;
    const series = match[1] as string;
    const family = familyOf(series, families);
    // A histogram counts by its _count series only (buckets and sums would add up twice).
    if (types.get(family) === 'histogram' && !series.endsWith('_count')) continue;
    const value = Number(match[3]);
    if (Number.isFinite(value)) totals.set(family, (totals.get(family) ?? 0) + Math.abs(value));
  }
  return { families, totals };
}
