// Draws the extension's icon (images/icon.png, 128x128): a white anvil with three sparks on a
// dark blue square. This script is the icon's source: the PNG is written with node's zlib and a
// CRC32 of its own, no image library, and test/unit/icon.test.ts checks that the committed file
// is exactly what it draws.
//
// Usage: node scripts/draw-icon.mjs            writes images/icon.png
//        node scripts/draw-icon.mjs -          writes the PNG to stdout
import { deflateSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SIZE = 128;
/** Samples per pixel along each axis: edges are anti-aliased by coverage (4x4 = 16 samples). */
const SS = 4;

const BACKGROUND = [0x1d, 0x3b, 0x53];
const ANVIL = [0xf2, 0xf5, 0xf8];
const SPARK = [0xff, 0x9f, 0x1c];

// Shapes in icon coordinates (0..128), drawn in order over the background.
const anvil = [
  [10, 35], // horn tip
  [30, 30], [106, 30], // top face
  [106, 50], [92, 50], // the heel's underside
  [82, 66], [82, 78], // waist, right
  [98, 88], [102, 100], // foot, right
  [26, 100], [30, 88], // foot, left
  [46, 78], [46, 66], // waist, left
  [40, 54], [30, 48], [20, 42], // the horn's underside, curving back to the tip
];
/** A spark: a four-pointed star around (cx, cy). */
const spark = (cx, cy, r) => [
  [cx, cy - r], [cx + r * 0.28, cy - r * 0.28], [cx + r, cy], [cx + r * 0.28, cy + r * 0.28],
  [cx, cy + r], [cx - r * 0.28, cy + r * 0.28], [cx - r, cy], [cx - r * 0.28, cy - r * 0.28],
];
const shapes = [
  { polygon: anvil, color: ANVIL },
  { polygon: spark(64, 14, 9), color: SPARK },
  { polygon: spark(44, 20, 6), color: SPARK },
  { polygon: spark(84, 19, 6), color: SPARK },
];

/** Even-odd point-in-polygon test. */
function inside(polygon, x, y) {
  let inPoly = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i];
    const [xj, yj] = polygon[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inPoly = !inPoly;
  }
  return inPoly;
}

/** RGB rows, 3 bytes per pixel. */
export function drawPixels() {
  const px = Buffer.alloc(SIZE * SIZE * 3);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      let color = [...BACKGROUND];
      for (const { polygon, color: fill } of shapes) {
        let hits = 0;
        for (let sy = 0; sy < SS; sy++) {
          for (let sx = 0; sx < SS; sx++) {
            if (inside(polygon, x + (sx + 0.5) / SS, y + (sy + 0.5) / SS)) hits++;
          }
        }
        const a = hits / (SS * SS);
        color = color.map((c, k) => c * (1 - a) + fill[k] * a);
      }
      px.set(color.map(Math.round), (y * SIZE + x) * 3);
    }
  }
  return px;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** The icon as PNG bytes (8-bit RGB, no interlace; deterministic for a given node zlib). */
export function drawIcon() {
  const px = drawPixels();
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(SIZE, 0);
  ihdr.writeUInt32BE(SIZE, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  // compression, filter and interlace methods: 0
  const raw = Buffer.alloc(SIZE * (1 + SIZE * 3));
  for (let y = 0; y < SIZE; y++) {
    raw[y * (1 + SIZE * 3)] = 0; // filter: none
    px.copy(raw, y * (1 + SIZE * 3) + 1, y * SIZE * 3, (y + 1) * SIZE * 3);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const png = drawIcon();
  if (process.argv[2] === '-') process.stdout.write(png);
  else writeFileSync(new URL('../images/icon.png', import.meta.url), png);
}
