/**
 * The demo's progress display. On a terminal, one bar redrawn in place (at most ten times
 * a second, so a fast phase does not spend its time writing); elsewhere (a CI log, a pipe)
 * a plain line every few seconds and one at the end of each phase, because carriage
 * returns and escape codes make a log unreadable.
 *
 * `renderProgress` is pure, so the text is unit-tested; `ProgressReporter` only decides
 * when to write it.
 *
 * @example
 * ```ts
 * const progress = new ProgressReporter({ mode: process.stdout.isTTY ? 'bar' : 'lines', out: process.stdout });
 * progress.update({ phase: 'placing orders', done: 120, total: 300, detail: '85 final' });
 * progress.finish({ phase: 'placing orders', done: 300, total: 300 });
 * ```
 */

export interface ProgressState {
  readonly phase: string;
  readonly done: number;
  readonly total: number;
  /** Shown after the counts, e.g. "85 final · 2 retried". */
  readonly detail?: string;
}

export type ProgressMode = 'bar' | 'lines';

const FULL = '█';
const PARTIAL = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
const EMPTY = '░';

/** The bar alone, `width` cells, with eighth-cell resolution. */
export function renderBar(done: number, total: number, width: number): string {
  const ratio = total <= 0 ? 1 : Math.min(1, Math.max(0, done / total));
  const eighths = Math.round(ratio * width * 8);
  const full = Math.floor(eighths / 8);
  const partial = PARTIAL[eighths % 8] as string;
  return FULL.repeat(full) + partial + EMPTY.repeat(width - full - (partial === '' ? 0 : 1));
}

/** One progress line: `placing orders ▕███░░░▏ 120/300  40% · 85 final`, or without the bar. */
export function renderProgress(state: ProgressState, options: { readonly bar: boolean; readonly width?: number }): string {
  const percent = state.total <= 0 ? 100 : Math.floor((Math.min(state.done, state.total) / state.total) * 100);
  const counts = `${state.done}/${state.total} ${String(percent).padStart(3)}%`;
  const detail = state.detail === undefined || state.detail === '' ? '' : ` · ${state.detail}`;
  return options.bar ? `${state.phase.padEnd(18)} ▕${renderBar(state.done, state.total, options.width ?? 30)}▏ ${counts}${detail}` : `${state.phase}: ${counts}${detail}`;
}

/** Where the lines go: a stream's `write` (and, for the bar, its width). */
export interface ProgressOutput {
  write(text: string): unknown;
  readonly columns?: number;
}

export interface ProgressReporterOptions {
  readonly mode: ProgressMode;
  readonly out: ProgressOutput;
  /** Lines mode: the least time between two lines of one phase. Default 2 000 ms. */
  readonly lineIntervalMs?: number;
  /** Bar mode: the least time between two redraws. Default 100 ms. */
  readonly redrawIntervalMs?: number;
  readonly now?: () => number;
}

export class ProgressReporter {
  readonly #options: ProgressReporterOptions;
  readonly #now: () => number;
  #lastWriteMs = Number.NEGATIVE_INFINITY;
  #lastPhase = '';
  /** A bar is on screen and the next plain text must first end its line. */
  #barShown = false;
  #lastLine = '';

  constructor(options: ProgressReporterOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Shows the state if enough time passed since the last write (or the phase changed). */
  update(state: ProgressState): void {
    const now = this.#now();
    const interval = this.#options.mode === 'bar' ? (this.#options.redrawIntervalMs ?? 100) : (this.#options.lineIntervalMs ?? 2_000);
    if (state.phase === this.#lastPhase && now - this.#lastWriteMs < interval) return;
    this.#write(state, now);
  }

  /** Shows the phase's last state, always, and ends its line. */
  finish(state: ProgressState): void {
    this.#write(state, this.#now());
    if (this.#options.mode === 'bar') this.#options.out.write('\n');
    this.#barShown = false;
    this.#lastPhase = '';
  }

  /** Prints a message on its own line without garbling a bar on screen. */
  log(line: string): void {
    if (this.#barShown) this.#options.out.write('\r\x1b[2K');
    this.#options.out.write(`${line}\n`);
    // The bar is redrawn at the next update.
    this.#lastWriteMs = Number.NEGATIVE_INFINITY;
  }

  #write(state: ProgressState, now: number): void {
    this.#lastWriteMs = now;
    this.#lastPhase = state.phase;
    if (this.#options.mode === 'lines') {
      const line = renderProgress(state, { bar: false });
      // finish() right after an update would repeat the same line in a log.
      if (line !== this.#lastLine) this.#options.out.write(`${line}\n`);
      this.#lastLine = line;
      return;
    }
    // Keep the line within the terminal, or it wraps and \r no longer returns to its start.
    const columns = this.#options.out.columns ?? 100;
    const rest = renderProgress(state, { bar: true, width: 0 }).length;
    const width = Math.max(10, Math.min(40, columns - 1 - rest));
    const line = renderProgress(state, { bar: true, width });
    this.#options.out.write(`\r\x1b[2K${line.length > columns - 1 ? line.slice(0, columns - 1) : line}`);
    this.#barShown = true;
  }
}
