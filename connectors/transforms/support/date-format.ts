/**
 * The part of Java's `SimpleDateFormat` that timestamp formats use, in UTC as Connect's
 * `TimestampConverter` applies it: `yyyy yy MM M dd d HH H mm m ss s SSS`, quoted
 * literals (`'T'`), and zones `Z` (+0000) / `X`, `XX`, `XXX` (Z or +00:00).
 *
 * @example
 * ```ts
 * const format = compileDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
 * format.format(new Date(0)); // '1970-01-01T00:00:00.000Z'
 * format.parse('2024-05-01T10:00:00.000+02:00').toISOString(); // '2024-05-01T08:00:00.000Z'
 * ```
 */

import { inputInvalid } from './schemas.ts';

type Token = { readonly kind: 'literal'; readonly text: string } | { readonly kind: 'field'; readonly letter: string; readonly width: number };

export interface DateFormat {
  format(date: Date): string;
  parse(text: string): Date;
}

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1);
      const text = end === -1 ? pattern.slice(i + 1) : pattern.slice(i + 1, end);
      tokens.push({ kind: 'literal', text: text === '' ? "'" : text });
      i = end === -1 ? pattern.length : end + 1;
    } else if (/[A-Za-z]/.test(c)) {
      let width = 1;
      while (pattern[i + width] === c) width += 1;
      tokens.push({ kind: 'field', letter: c, width });
      i += width;
    } else {
      tokens.push({ kind: 'literal', text: c });
      i += 1;
    }
  }
  return tokens;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

function formatField(date: Date, letter: string, width: number): string {
  switch (letter) {
    case 'y': return width === 2 ? pad(date.getUTCFullYear() % 100, 2) : pad(date.getUTCFullYear(), width);
    case 'M': return pad(date.getUTCMonth() + 1, width);
    case 'd': return pad(date.getUTCDate(), width);
    case 'H': return pad(date.getUTCHours(), width);
    case 'm': return pad(date.getUTCMinutes(), width);
    case 's': return pad(date.getUTCSeconds(), width);
    case 'S': return pad(date.getUTCMilliseconds(), width);
    case 'Z': return '+0000';
    case 'X': return 'Z';
    default: return inputInvalid(`date format letter "${letter}" is not supported`);
  }
}

const FIELD_PATTERNS: Record<string, string> = { y: '(\\d{2,4})', M: '(\\d{1,2})', d: '(\\d{1,2})', H: '(\\d{1,2})', m: '(\\d{1,2})', s: '(\\d{1,2})', S: '(\\d{1,3})', Z: '([+-]\\d{4})', X: '(Z|[+-]\\d{2}(?::?\\d{2})?)' };

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function offsetMinutes(zone: string): number {
  if (zone === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0');
  return zone.startsWith('-') ? -minutes : minutes;
}

export function compileDateFormat(pattern: string): DateFormat {
  const tokens = tokenize(pattern);
  const fields = tokens.filter((t): t is Extract<Token, { kind: 'field' }> => t.kind === 'field');
  for (const field of fields) if (FIELD_PATTERNS[field.letter] === undefined) inputInvalid(`date format letter "${field.letter}" is not supported`, { pattern });
  const regex = new RegExp(`^${tokens.map((t) => (t.kind === 'literal' ? escape(t.text) : FIELD_PATTERNS[t.letter])).join('')}$`);
  return {
    format: (date) => tokens.map((t) => (t.kind === 'literal' ? t.text : formatField(date, t.letter, t.width))).join(''),
    parse: (text) => {
      const match = regex.exec(text);
      if (match === null) return inputInvalid(`could not parse timestamp ${JSON.stringify(text)} with format ${JSON.stringify(pattern)}`);
      const parts: Record<string, string> = {};
      fields.forEach((field, index) => { parts[field.letter] = match[index + 1] as string; });
      const n = (letter: string, fallback: number): number => (parts[letter] === undefined ? fallback : Number(parts[letter]));
      let year = n('y', 1970);
      if ((parts['y'] ?? '').length === 2) year += 2000;
      const millis = parts['S'] === undefined ? 0 : Number(parts['S'].padEnd(3, '0'));
      const utc = Date.UTC(year, n('M', 1) - 1, n('d', 1), n('H', 0), n('m', 0), n('s', 0), millis);
      const zone = parts['Z'] ?? parts['X'];
      return new Date(utc - (zone === undefined ? 0 : offsetMinutes(zone)) * 60_000);
    },
  };
}
