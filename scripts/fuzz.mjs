// npm run fuzz -- --count 100000 --seed 7: the long version of the fuzz test in `npm test`
// (test/fuzz/fuzz.ts). Prints the numbers; failing inputs are printed and saved to
// test/fixtures/fuzz/ as regression fixtures. Exit 1 when any document failed.
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { runFuzz } = require('../out/test/fuzz/fuzz.js');

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : dflt; };
const count = Number(opt('count', 10000));
const seed = Number(opt('seed', Date.now() % 100000));
const noSave = args.includes('--no-save');
if (!Number.isInteger(count) || count < 1 || !Number.isInteger(seed)) {
  console.error('usage: npm run fuzz -- [--count N] [--seed N] [--no-save]');
  process.exit(2);
}
let shown = 0;
const r = runFuzz({ count, seed, saveDir: noSave ? null : undefined, log: (l) => { if (shown++ < 20) console.log(l); } });
console.log(`fuzz: seed ${seed}, ${r.documents} documents in ${(r.ms / 1000).toFixed(1)} s (${(r.documents / (r.ms / 1000)).toFixed(0)}/s)`);
console.log(`exceptions: ${r.exceptions}, out-of-range: ${r.outOfRange}, non-idempotent fix-all: ${r.nonIdempotent}`);
if (r.saved.length) console.log(`saved ${r.saved.length} failing input(s):\n  ${r.saved.slice(0, 20).join('\n  ')}`);
process.exit(r.failures.length ? 1 : 0);
