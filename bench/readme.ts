// npm run bench:readme — rewrites the README's Performance table from speed benchmark results
// (bench/results/speed.json by default; several files give ranges over repeated runs), and with
// --quality FILE the "How it compares" tables from a quality.json.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { type QualityReadmeInput, qualityBlocks } from './quality/readme-tables.ts';
import { replaceBlock } from './readme-block.ts';
import { performanceTable, replaceTable } from './speed/headline.ts';
import type { SpeedDocument } from './speed/report.ts';

const ROOT = resolve(new URL('..', import.meta.url).pathname);

const program = new Command('bench:readme')
  .description(
    "Regenerates the README's Performance table from speed benchmark results: each figure's range over the given runs and the reference-loop times of those runs.",
  )
  .argument('[results...]', 'speed.json files written by npm run bench (--out)', [
    join(ROOT, 'bench/results/speed.json'),
  ])
  .option('--readme <file>', 'the README to rewrite', join(ROOT, 'README.md'))
  .option('--print', 'print the table instead of writing the README')
  .option(
    '--quality <file>',
    'instead: rewrite the "How it compares" tables from a quality.json written by npm run bench:quality (needs its seed repeats)',
  );

/** A results file as JSON; `produce` says which command writes it, for the error. */
function readResults<T>(file: string, produce: string): Partial<T> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Partial<T>;
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as Error).message} (run ${produce})`);
  }
}

function load(file: string): SpeedDocument {
  const doc = readResults<SpeedDocument>(file, `npm run bench -- --out ${file}`);
  if (doc.benchmark !== 'speed' || !doc.headline)
    throw new Error(`${file} has no headline figures: re-run npm run bench to produce them`);
  return doc as SpeedDocument;
}

function runsLine(runs: readonly SpeedDocument[]): string {
  return runs.map((d) => `${d.startedAt.slice(0, 16).replace('T', ' ')} UTC \`${d.command}\``).join('; ');
}

const files = program.parse().processedArgs[0] as string[];
const opts = program.opts<{ readme: string; print?: boolean; quality?: string }>();

function loadQuality(file: string): QualityReadmeInput {
  const doc = readResults<QualityReadmeInput>(file, 'npm run bench:quality -- --out DIR');
  if (!doc.acrossSeeds?.length || !doc.goals?.length || typeof doc.command !== 'string')
    throw new Error(
      `${file} has no seed repeats or goals: run npm run bench:quality without --repeat-seeds none`,
    );
  return doc as QualityReadmeInput;
}

if (opts.quality) {
  const blocks = qualityBlocks(loadQuality(opts.quality));
  if (opts.print) for (const [name, block] of Object.entries(blocks)) console.log(`${name}\n${block}\n`);
  else {
    let readme = readFileSync(opts.readme, 'utf8');
    for (const [name, block] of Object.entries(blocks)) readme = replaceBlock(readme, name, block);
    writeFileSync(opts.readme, readme);
    console.log(`${opts.readme}: ${Object.keys(blocks).join(', ')} from ${opts.quality}`);
  }
} else {
  const runs = files.map(load);
  const block = `${performanceTable(runs)}\n\nRuns: ${runsLine(runs)}.`;
  if (opts.print) console.log(block);
  else {
    writeFileSync(opts.readme, replaceTable(readFileSync(opts.readme, 'utf8'), block));
    console.log(`${opts.readme}: Performance table from ${runs.length} run(s)`);
  }
}
