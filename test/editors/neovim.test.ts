// Other editors, proven: headless Neovim (Debian's package, 0.7) runs the documented configuration
// (editors/neovim/docksmith.lua) against dist/server.js, opens a fixture Dockerfile and reads the
// diagnostics the server publishes. No fixed waits: vim.wait polls until they have arrived.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const SERVER = path.join(ROOT, 'dist', 'server.js');
const CONFIG = path.join(ROOT, 'editors', 'neovim', 'docksmith.lua');

describe('Neovim (headless) with the documented configuration', () => {
  it('shows the non-root-user diagnostic on a Dockerfile that runs as root', () => {
    const nvim = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
    assert.equal(nvim.status, 0, 'Neovim is not installed: apt-get install neovim (.ci/run does)');
    assert.ok(fs.existsSync(SERVER), `${SERVER} is missing: npm run build`);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'docksmith-nvim-'));
    try {
      const dockerfile = path.join(tmp, 'Dockerfile');
      fs.writeFileSync(dockerfile, 'FROM python:3.11-slim\nWORKDIR /app\nCMD ["gunicorn", "app.main:app"]\n');
      const out = path.join(tmp, 'diagnostics.json');
      // the config runs before the file is read (--cmd, as an init.lua would); then: wait (bounded) until the server has published, then write what Neovim holds
      const probe = path.join(tmp, 'probe.lua');
      fs.writeFileSync(probe, `
local ok = vim.wait(30000, function() return #vim.diagnostic.get(0) > 0 end, 50)
local items = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(items, { code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code), line = d.lnum, source = d.source, message = d.message })
end
local f = io.open(${JSON.stringify(out)}, 'w')
f:write(vim.fn.json_encode({ arrived = ok, version = tostring(vim.version().major) .. '.' .. tostring(vim.version().minor), diagnostics = items }))
f:close()
vim.cmd('qa!')
`);
      const run = spawnSync('nvim', ['--headless', '-n', '-i', 'NONE', '--clean', '--cmd', `luafile ${CONFIG}`, dockerfile, '-c', `luafile ${probe}`],
        { encoding: 'utf8', timeout: 60_000, env: { ...process.env, DOCKSMITH_SERVER: SERVER, XDG_STATE_HOME: tmp, XDG_DATA_HOME: tmp } });
      assert.ok(fs.existsSync(out), `Neovim wrote no result (exit ${run.status}): ${run.stderr?.slice(-2000)}`);
      const result = JSON.parse(fs.readFileSync(out, 'utf8')) as { arrived: boolean; version: string; diagnostics: { code: string; line: number; source: string; message: string }[] };
      assert.equal(result.arrived, true, 'no diagnostics arrived within 30 s');
      const nonRoot = result.diagnostics.find((d) => d.code === 'non-root-user');
      assert.ok(nonRoot, `non-root-user expected, got ${JSON.stringify(result.diagnostics.map((d) => d.code))}`);
      assert.equal(nonRoot.source, 'docksmith');
      assert.match(nonRoot.message, /root/);
      assert.ok(!result.diagnostics.some((d) => /createDockerfile/.test(d.message)));
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
