// Generates TypeScript types for proto/kosmos/v1 into proto/gen. With --check, generates into a
// temporary folder and fails when proto/gen differs (CI's drift check).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { GENERATOR_FLAGS, PROTO_FILES, PROTO_ROOT } from './options.ts';

const check = process.argv.includes('--check');
const committed = join(PROTO_ROOT, 'gen');
const outDir = check ? mkdtempSync(join(tmpdir(), 'kosmos-gen-')) : committed;
const generator = new URL(
  '../node_modules/@grpc/proto-loader/build/bin/proto-loader-gen-types.js',
  import.meta.url,
).pathname;

if (!check) rmSync(committed, { recursive: true, force: true });
execFileSync(
  process.execPath,
  [generator, ...GENERATOR_FLAGS, '-I', PROTO_ROOT, '-O', outDir, ...PROTO_FILES],
  {
    stdio: 'inherit',
  },
);

// The generator writes the absolute path of each source into a header comment; make it relative so
// every checkout generates the same files.
for (const file of files(outDir)) {
  const text = readFileSync(file, 'utf8');
  const relativeText = text.replaceAll(`// Original file: ${PROTO_ROOT}`, '// Original file: proto/');
  if (relativeText !== text) writeFileSync(file, relativeText);
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? files(full) : [full];
  });
}

if (check) {
  const want = new Map(files(outDir).map((f) => [relative(outDir, f), readFileSync(f, 'utf8')]));
  const have = new Map(files(committed).map((f) => [relative(committed, f), readFileSync(f, 'utf8')]));
  const drift = [...new Set([...want.keys(), ...have.keys()])].filter((f) => want.get(f) !== have.get(f));
  rmSync(outDir, { recursive: true, force: true });
  if (drift.length > 0) {
    console.error(`proto/gen is out of date with proto/ (run \`npm run gen\`): ${drift.join(', ')}`);
    process.exit(1);
  }
  console.log('proto/gen matches proto/');
}
