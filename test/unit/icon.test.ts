// The extension's icon is drawn by scripts/draw-icon.mjs: the committed images/icon.png must be
// exactly the image the script draws today (edit the script and run it; never edit the PNG by hand).
// Compared chunk by chunk with the pixel data decompressed, so another zlib build that compresses
// the same pixels to other bytes does not fail the test.

import { it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { inflateSync } from 'zlib';
import { spawnSync } from 'child_process';

const ROOT = path.resolve(__dirname, '../../..');
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The PNG's chunks in order, IDAT data decompressed (CRCs are checked on the way). */
function chunks(png: Buffer): { type: string; data: Buffer }[] {
  assert.ok(png.subarray(0, 8).equals(SIGNATURE), 'not a PNG');
  const out: { type: string; data: Buffer }[] = [];
  for (let at = 8; at < png.length;) {
    const len = png.readUInt32BE(at);
    const type = png.toString('ascii', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + len);
    assert.ok(at + 12 + len <= png.length, `truncated ${type} chunk`);
    out.push({ type, data: type === 'IDAT' ? inflateSync(data) : data });
    at += 12 + len;
  }
  return out;
}

it('images/icon.png is the image scripts/draw-icon.mjs draws: a 128x128 PNG', () => {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/draw-icon.mjs'), '-'], { cwd: ROOT, timeout: 60_000 });
  assert.equal(r.status, 0, String(r.stderr));
  const drawn = chunks(r.stdout);
  assert.deepEqual(drawn.map((c) => c.type), ['IHDR', 'IDAT', 'IEND']);
  assert.deepEqual([drawn[0].data.readUInt32BE(0), drawn[0].data.readUInt32BE(4)], [128, 128]);
  const committed = chunks(fs.readFileSync(path.join(ROOT, 'images/icon.png')));
  assert.deepEqual(committed.map((c) => c.type), drawn.map((c) => c.type));
  for (let i = 0; i < drawn.length; i++) {
    assert.ok(committed[i].data.equals(drawn[i].data),
      `images/icon.png (${drawn[i].type}) differs from what scripts/draw-icon.mjs draws: run \`node scripts/draw-icon.mjs\` and commit the result`);
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  assert.equal(pkg.icon, 'images/icon.png');
});
