/**
 * Java `.properties` text as `java.util.Properties.load` reads it, for the files Connect
 * reads this way: the `FileConfigProvider`'s secrets files and the REST basic-auth
 * credentials file. Comment lines start with `#` or `!`; a key ends at the first
 * unescaped `=`, `:` or white space; a line ending in an odd number of backslashes
 * continues on the next; `\t`, `\n`, `\r`, `\f`, `\uXXXX` and `\<char>` are unescaped.
 * A later duplicate key wins.
 *
 * @example
 * ```ts
 * parseProperties('# db\npassword = s3cret\nuser: app').get('password'); // 's3cret'
 * ```
 */

const ESCAPES: Readonly<Record<string, string>> = { t: '\t', n: '\n', r: '\r', f: '\f' };

/** The logical lines: comments and blank lines dropped, continuations joined. */
function logicalLines(text: string): string[] {
  const out: string[] = [];
  let pending: string | null = null;
  for (const physical of text.split(/\r\n|\r|\n/)) {
    const line = physical.replace(/^[ \t\f]+/, '');
    if (pending === null && (line === '' || line.startsWith('#') || line.startsWith('!'))) continue;
    const trailing = /\\+$/.exec(line)?.[0].length ?? 0;
    const continues = trailing % 2 === 1;
    const body = continues ? line.slice(0, -1) : line;
    pending = (pending ?? '') + body;
    if (!continues) {
      out.push(pending);
      pending = null;
    }
  }
  if (pending !== null) out.push(pending);
  return out;
}

function unescape(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (char !== '\\' || i === text.length - 1) {
      out += char;
      continue;
    }
    const next = text[++i] as string;
    if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) {
      out += String.fromCharCode(parseInt(text.slice(i + 1, i + 5), 16));
      i += 4;
    } else {
      out += ESCAPES[next] ?? next;
    }
  }
  return out;
}

/** Splits one logical line at its first unescaped separator. */
function split(line: string): [string, string] {
  let i = 0;
  while (i < line.length) {
    const char = line[i] as string;
    if (char === '\\') {
      i += 2;
      continue;
    }
    if (char === '=' || char === ':' || char === ' ' || char === '\t' || char === '\f') break;
    i++;
  }
  const key = line.slice(0, i);
  let rest = line.slice(i).replace(/^[ \t\f]+/, '');
  if (rest.startsWith('=') || rest.startsWith(':')) rest = rest.slice(1).replace(/^[ \t\f]+/, '');
  return [key, rest];
}

export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of logicalLines(text)) {
    const [key, value] = split(line);
    out.set(unescape(key), unescape(value));
  }
  return out;
}
