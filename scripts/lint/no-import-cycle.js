// ESLint rule: no import cycles between the project's modules. Type-only imports are
// erased at run time and do not count. Imports are read from the files with a light
// parse (static `import … from` / `export … from` / side-effect imports of relative
// paths), cached for the whole lint run, so every file is read once.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

const IMPORT = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]/gm;
const cache = new Map();

/** Runtime (non-type) relative imports of a file, as absolute paths. */
function importsOf(file) {
  let found = cache.get(file);
  if (found !== undefined) return found;
  found = [];
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    cache.set(file, found);
    return found;
  }
  for (const match of text.matchAll(IMPORT)) {
    if (match[2] !== undefined) continue;
    found.push(resolve(dirname(file), match[3]));
  }
  cache.set(file, found);
  return found;
}

/** A path from `start` back to `target`, or undefined. */
function pathBack(start, target) {
  const seen = new Set();
  const stack = [[start, [start]]];
  while (stack.length > 0) {
    const [file, path] = stack.pop();
    if (file === target) return path;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const next of importsOf(file)) stack.push([next, [...path, next]]);
  }
  return undefined;
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid import cycles between modules (type-only imports excepted).' },
    messages: { cycle: 'Import cycle: {{path}}' },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const check = (node) => {
      if (node.importKind === 'type' || node.exportKind === 'type' || node.source === null || node.source === undefined) return;
      const spec = node.source.value;
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const path = pathBack(resolve(dirname(file), spec), file);
      if (path !== undefined) {
        const cwd = context.cwd;
        context.report({ node, messageId: 'cycle', data: { path: [file, ...path].map((p) => relative(cwd, p)).join(' → ') } });
      }
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check };
  },
};
