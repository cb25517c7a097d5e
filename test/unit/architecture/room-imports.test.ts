// The hub and the agent ship in the image; the embedded API server (packages/apiserver) is for
// the simulator, the benches and the tests. Walk every import the product's code reaches,
// directly or through lib/ and proto/, and require that none lands in the server's package.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SERVER_DIR = join(ROOT, 'packages/apiserver/');
const SERVER_PACKAGE = '@kosmos/apiserver';

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/** Module specifiers of static imports, re-exports and dynamic imports with a literal. */
function specifiers(source: string): string[] {
  const out: string[] = [];
  const re =
    /(?:^|[\s;])(?:import|export)\b[^'"]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;
  for (const m of source.matchAll(re)) out.push((m[1] ?? m[2] ?? m[3])!);
  return out;
}

/** Every file reachable from `entries` through relative imports, with the chain that reached it. */
function reachable(entries: string[]): { file: string; via: string[] }[] {
  const seen = new Map<string, string[]>();
  const stack = entries.map((file) => ({ file, via: [] as string[] }));
  const bare: { file: string; via: string[] }[] = [];
  while (stack.length > 0) {
    const { file, via } = stack.pop()!;
    if (seen.has(file)) continue;
    seen.set(file, via);
    if (file.startsWith(SERVER_DIR)) continue;
    for (const spec of specifiers(readFileSync(file, 'utf8'))) {
      const chain = [...via, relative(ROOT, file)];
      if (spec === SERVER_PACKAGE || spec.startsWith(`${SERVER_PACKAGE}/`))
        bare.push({ file: spec, via: chain });
      else if (spec.startsWith('.')) stack.push({ file: resolve(dirname(file), spec), via: chain });
    }
  }
  return [...[...seen].map(([file, via]) => ({ file, via })), ...bare];
}

describe('room boundaries', () => {
  it('finds import specifiers of every form the code uses', () => {
    const src = [
      "import { a } from './a.ts';",
      "import type { B } from '../b.ts';",
      "export { c } from './c.ts';",
      "const d = await import('./d.ts');",
      "import './e.ts';",
      'import {\n  f,\n  g,\n} from "@kosmos/apiserver";',
    ].join('\n');
    expect(specifiers(src).sort()).toEqual([
      '../b.ts',
      './a.ts',
      './c.ts',
      './d.ts',
      './e.ts',
      '@kosmos/apiserver',
    ]);
  });

  it('the walk detects a path into the server package', () => {
    const hits = reachable([join(ROOT, 'sim/node/real/real-nodes.ts')]).filter(
      (r) => r.file.startsWith(SERVER_DIR) || r.file === SERVER_PACKAGE,
    );
    expect(hits.length).toBeGreaterThan(0);
  });

  it.each(['hub', 'agent', 'lib', 'proto'])('%s/ never reaches the embedded API server', (room) => {
    const files = tsFiles(join(ROOT, room));
    expect(files.length).toBeGreaterThan(0);
    const hits = reachable(files)
      .filter((r) => r.file.startsWith(SERVER_DIR) || r.file === SERVER_PACKAGE)
      .map((r) => `${[...r.via, relative(ROOT, r.file)].join(' → ')}`);
    expect(hits).toEqual([]);
  });

  it('hub/src/horizontal decides without I/O: only scale-writer.ts writes', () => {
    const dir = join(ROOT, 'hub/src/horizontal');
    const deciding = tsFiles(dir).filter((f) => !f.endsWith('/scale-writer.ts'));
    expect(deciding.length).toBeGreaterThan(3);
    const valueImport = /^import\s+(?!type\b)[^;]*?from\s*'([^']+)'/gms;
    const offending = deciding.flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(valueImport)]
        .map((m) => m[1]!)
        .filter(
          (spec) =>
            !spec.startsWith('.') ||
            !resolve(dirname(f), spec).startsWith(dir) ||
            spec.endsWith('scale-writer.ts'),
        )
        .map((spec) => `${relative(ROOT, f)} imports ${spec}`),
    );
    expect(offending).toEqual([]);
    expect(readFileSync(join(dir, 'scale-writer.ts'), 'utf8')).toMatch(/@kubernetes\/client-node/);
  });
});
