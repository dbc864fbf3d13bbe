import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// DESIGN.md: which top-level folders of src/ each folder must not import.
const forbidden: Record<string, string[]> = {
  client: ['store', 'sync', 'cli', 'server', 'sim'],
  formats: ['store', 'cli', 'server', 'sim'],
  export: ['store', 'sync', 'cli', 'server', 'sim'],
  store: ['cli', 'server', 'sim'],
  sync: ['cli', 'server', 'sim'],
  coord: ['cli', 'server', 'sim'],
  config: ['store', 'sync', 'cli', 'server', 'sim'],
  server: ['sim'],
  // The simulator is an independent implementation: it may import nothing in src/ outside src/sim.
  sim: ['client', 'formats', 'store', 'sync', 'server', 'cli', 'internal', 'index.ts'],
};

const root = resolve(import.meta.dirname, '../../src');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]!);
  return specs.filter((s) => s.startsWith('.'));
}

describe('layering', () => {
  for (const [folder, banned] of Object.entries(forbidden)) {
    it(`src/${folder} imports nothing from ${banned.join(', ')}`, () => {
      const dir = join(root, folder);
      const files = statSafe(dir) ? walk(dir) : [];
      const violations: string[] = [];
      for (const file of files) {
        for (const spec of importsOf(file)) {
          const target = relative(root, resolve(dirname(file), spec));
          const top = target.split(/[\\/]/)[0]!;
          if (target.startsWith('..') || banned.includes(top)) {
            violations.push(`${relative(root, file)} -> ${spec}`);
          }
        }
      }
      expect(violations).toEqual([]);
    });
  }

  it('the checker sees relative imports, dynamic ones included', () => {
    expect(importsOf(join(root, 'cli/main.ts'))).toContain('./commands/index.ts');
  });
});

function statSafe(p: string) {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}
