/**
 * Makes a process's JSON log line (pino: `{"level":"warn","time":…,"msg":…}`) readable
 * for a terminal: `WARN message (orderId=o-1, task=0_1)`. Lines that are not JSON log
 * lines (the contract lines `<app> state RUNNING`, stack traces) come back unchanged. The
 * launcher shows log tails this way when a process crashes; the log files keep the JSON.
 *
 * @example
 * ```ts
 * readableLine('{"level":"warn","msg":"lost its transaction","task":"0_1","service":"order"}');
 * // 'WARN lost its transaction (task=0_1)'
 * ```
 */

/** Fields every line has (who wrote it and when): left out of the readable form. */
const ALWAYS = new Set(['level', 'time', 'msg', 'service', 'instance', 'pid', 'hostname']);
/** Fields shown after the message, when the line has them. */
const SHOWN = ['thread', 'task', 'orderId', 'state', 'err'];
/** pino's numeric levels, for loggers that write numbers (`"level":30`). */
const NUMERIC: Readonly<Record<number, string>> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

export function readableLine(line: string): string {
  if (!line.startsWith('{') || !line.endsWith('}')) return line;
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (typeof entry['msg'] !== 'string') return line;
  const raw = entry['level'];
  const level = typeof raw === 'string' ? raw.toUpperCase() : typeof raw === 'number' ? (NUMERIC[raw] ?? String(raw)) : '';
  const fields = SHOWN.filter((key) => entry[key] !== undefined && !ALWAYS.has(key))
    .map((key) => `${key}=${typeof entry[key] === 'string' ? entry[key] : JSON.stringify(entry[key])}`);
  return `${level} ${entry['msg']}${fields.length === 0 ? '' : ` (${fields.join(', ')})`}`;
}

/** A log file line (`<ISO time> <line>`, as NodeProcess writes them) with its JSON part made readable. */
export function readableLogFileLine(line: string): string {
  const space = line.indexOf(' ');
  if (space < 0) return line;
  return `${line.slice(0, space)} ${readableLine(line.slice(space + 1))}`;
}
