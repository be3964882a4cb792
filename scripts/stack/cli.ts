/**
 * `npm run stack -- up|down|status [--json] [service ...]`: the local servers (Kafka,
 * schema registry, OpenSearch, PostgreSQL) on 127.0.0.1 without Docker. Settings come
 * from `STACK_*` environment variables (see `config.ts`). Servers keep running after
 * `up` returns; `down` stops what `up` started.
 *
 * Exit codes: 0 success (also `status` with nothing running), 1 a coded failure
 * (prerequisite, port, download, start), 2 bad usage.
 */

import { isKstError } from '../../common/errors.ts';
import { loadStackConfig } from './config.ts';
import { SERVICE_NAMES, down, status, up, type ServiceStatus } from './stack.ts';

const USAGE = `usage: npm run stack -- <up|down|status> [--json] [service ...]
services: ${SERVICE_NAMES.join(', ')} (default: all)
settings: STACK_* environment variables, e.g. STACK_KAFKA_PORT=9092, STACK_HOME, STACK_CACHE_DIR`;

interface Command {
  readonly action: 'up' | 'down' | 'status';
  readonly json: boolean;
  readonly services: readonly string[];
}

/** Parses the arguments after the script name; returns a message for bad usage. */
function parseArgs(argv: readonly string[]): Command | string {
  const [action, ...rest] = argv;
  if (action === '--help' || action === '-h' || action === 'help') return USAGE;
  if (action !== 'up' && action !== 'down' && action !== 'status') return `${action === undefined ? 'missing command' : `unknown command "${action}"`}\n${USAGE}`;
  const flags = rest.filter((arg) => arg.startsWith('-'));
  const unknownFlag = flags.find((flag) => flag !== '--json');
  if (unknownFlag !== undefined) return `unknown option "${unknownFlag}"\n${USAGE}`;
  return { action, json: flags.includes('--json'), services: rest.filter((arg) => !arg.startsWith('-')) };
}

function describe(entry: ServiceStatus): string {
  const name = entry.service.padEnd(10);
  if (!entry.running) return `${name} down`;
  return `${name} ${entry.healthy ? 'up' : 'running, not answering yet'} (pid ${entry.pid}, port ${entry.port})`;
}

async function main(argv: readonly string[]): Promise<number> {
  const command = parseArgs(argv);
  if (typeof command === 'string') {
    console.error(command);
    return command === USAGE ? 0 : 2;
  }
  const config = loadStackConfig();
  const progress = command.json ? () => undefined : (line: string) => console.log(line);
  switch (command.action) {
    case 'up': {
      const began = Date.now();
      const results = await up(config, command.services, progress);
      if (command.json) console.log(JSON.stringify(results, null, 2));
      else console.log(`stack ready in ${((Date.now() - began) / 1000).toFixed(1)}s (logs in ${config.home}/logs)`);
      return 0;
    }
    case 'down': {
      const results = await down(config, command.services, progress);
      if (command.json) console.log(JSON.stringify(results, null, 2));
      return 0;
    }
    case 'status': {
      const entries = await status(config, command.services);
      console.log(command.json ? JSON.stringify(entries, null, 2) : entries.map(describe).join('\n'));
      return 0;
    }
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (isKstError(error)) {
    console.error(`stack: ${error.message}`);
    process.exitCode = 1;
  } else {
    console.error(error);
    process.exitCode = 1;
  }
}
// Health-check clients may leave sockets or timers behind; the servers are detached, so nothing here needs to linger.
process.exit();
