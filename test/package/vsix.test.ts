// The VSIX that `npm run package` builds installs clean: under the size budget, only what the
// extension needs at run time (bundles, rule docs, snippets, grammar, icon, README, CHANGELOG,
// LICENSE), a manifest with repository and icon, and vsce printing no warning.
// scripts/test-all.sh packages first and passes vsce's output in DOCKSMITH_VSCE_LOG; run alone,
// this test runs `npm run package` itself, which rewrites dist/ (the production build, then the
// development build again): do not run it alone next to other tests that use dist/.

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { inflateRawSync } from 'zlib';
import { spawnSync } from 'child_process';

const ROOT = path.resolve(__dirname, '../../..');
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const VSIX = path.join(ROOT, `${PKG.name}-${PKG.version}.vsix`);
const BUDGET = 400 * 1024;

interface Entry { name: string; method: number; compressedSize: number; localOffset: number }

/** The zip's central directory (a VSIX is a zip; no ZIP64: it is far below 4 GB). */
function entries(zip: Buffer): Entry[] {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  assert.ok(eocd >= 0, 'no end of central directory: not a zip');
  const count = zip.readUInt16LE(eocd + 10);
  const out: Entry[] = [];
  for (let at = zip.readUInt32LE(eocd + 16), i = 0; i < count; i++) {
    assert.equal(zip.readUInt32LE(at), 0x02014b50, 'bad central directory entry');
    const nameLen = zip.readUInt16LE(at + 28);
    out.push({
      name: zip.toString('utf8', at + 46, at + 46 + nameLen),
      method: zip.readUInt16LE(at + 10),
      compressedSize: zip.readUInt32LE(at + 20),
      localOffset: zip.readUInt32LE(at + 42),
    });
    at += 46 + nameLen + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return out;
}

function read(zip: Buffer, e: Entry): Buffer {
  const start = e.localOffset + 30 + zip.readUInt16LE(e.localOffset + 26) + zip.readUInt16LE(e.localOffset + 28);
  const data = zip.subarray(start, start + e.compressedSize);
  return e.method === 8 ? inflateRawSync(data) : Buffer.from(data);
}

let vsceOutput = '';
let zip: Buffer;
let names: string[];

before(() => {
  if (process.env.DOCKSMITH_VSCE_LOG) {
    vsceOutput = fs.readFileSync(process.env.DOCKSMITH_VSCE_LOG, 'utf8');
  } else {
    const r = spawnSync('npm', ['run', '-s', 'package'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
    vsceOutput = r.stdout + r.stderr;
    assert.equal(r.status, 0, vsceOutput);
  }
  zip = fs.readFileSync(VSIX);
  names = entries(zip).map((e) => e.name);
});

describe('npm run package', () => {
  it(`builds ${path.basename(VSIX)} under 400 KB`, () => {
    assert.match(vsceOutput, /Packaged: .*\.vsix/);
    assert.ok(zip.length < BUDGET, `${(zip.length / 1024).toFixed(1)} KB`);
  });

  it('vsce prints no warning (LICENSE, repository, bundling, .vscodeignore, links)', () => {
    // (vsce's "a newer vsce exists" notice, printed on a terminal only, is not about the package)
    const warnings = vsceOutput.split('\n')
      .filter((l) => /WARNING|not found|is missing|Do you want to continue/i.test(l) && !/latest version of @vscode\/vsce/.test(l));
    assert.deepEqual(warnings, []);
  });

  it('ships the bundles, the rule docs, snippets, grammar, icon, README, CHANGELOG and LICENSE', () => {
    for (const f of ['dist/client.js', 'dist/server.js', 'package.json', 'readme.md', 'changelog.md', 'LICENSE.txt',
      'images/icon.png', 'snippets/dockerfile.json', 'syntaxes/docksmith-pragma.tmLanguage.json', 'docs/standard.md']) {
      assert.ok(names.includes(`extension/${f}`), `extension/${f} missing from ${names.join(', ')}`);
    }
    // every rule's page: hovers and diagnostics link to docs/rules/<rule>.md
    const pages = fs.readdirSync(path.join(ROOT, 'docs/rules')).filter((f) => f.endsWith('.md'));
    assert.ok(pages.length > 0);
    for (const p of pages) assert.ok(names.includes(`extension/docs/rules/${p}`), `docs/rules/${p} missing`);
  });

  it('ships no source maps, sources, tests, compiled tests or node_modules', () => {
    const bad = names.filter((n) => /\.map$|\.ts$|(^|\/)(out|test|node_modules|client\/src|server\/src|examples|scripts)\//.test(n));
    assert.deepEqual(bad, []);
  });

  it('the packaged bundles are minified (production build) and the dev build is back in dist/', () => {
    const server = read(zip, entries(zip).find((e) => e.name === 'extension/dist/server.js')!).toString('utf8');
    assert.doesNotMatch(server, /sourceMappingURL/);
    // minified: far fewer lines than the development bundle (template literals keep their newlines)
    const lines = (s: string) => s.split('\n').length;
    const dev = fs.readFileSync(path.join(ROOT, 'dist/server.js'), 'utf8');
    assert.ok(lines(server) * 20 < lines(dev), `extension/dist/server.js has ${lines(server)} lines, the development build ${lines(dev)}`);
    // npm run package restores the development bundles (with source maps) the tests and `npm start` use
    assert.match(dev, /sourceMappingURL=server\.js\.map/);
  });

  it('the manifest inside has repository, bugs, homepage, icon and the Restricted Mode capability', () => {
    const manifest = JSON.parse(read(zip, entries(zip).find((e) => e.name === 'extension/package.json')!).toString('utf8'));
    assert.equal(manifest.icon, 'images/icon.png');
    assert.match(manifest.repository.url, /^https:\/\//);
    assert.ok(manifest.bugs.url && manifest.homepage);
    assert.equal(manifest.main, './dist/client.js');
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, true);
    const vsixManifest = read(zip, entries(zip).find((e) => e.name === 'extension.vsixmanifest')!).toString('utf8');
    assert.match(vsixManifest, /Microsoft\.VisualStudio\.Services\.Icons\.Default" Path="extension\/images\/icon\.png"/);
  });
});
