// Generates docs/rules/<rule>.md and the rule table in README.md from the rules' own metadata.
//   node scripts/gen-docs.mjs          write them
//   node scripts/gen-docs.mjs --check  exit 1 when a generated file is stale (run by the tests)
// Needs the compiled core (npx tsc -p .).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const require = createRequire(import.meta.url);
const { RULES } = require(path.join(root, 'out/server/src/service/index.js'));
const check = process.argv.includes('--check');
const stale = [];

function write(file, content) {
  const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  if (old === content) return;
  if (check) { stale.push(path.relative(root, file)); return; }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

const FIX = { safe: 'safe fix (applied by fix-all on save)', unsafe: 'quick fix (Ctrl+. only, never on save)', mixed: 'safe and quick fixes', none: 'no automatic fix' };

for (const r of RULES) {
  const d = r.docs;
  write(path.join(root, 'docs/rules', `${r.name}.md`), [
    `# ${r.name}`, '', `> ${d.summary}`, '',
    `Default severity: **${r.severity}** · Fix: ${FIX[r.fix]}`, '',
    '## What it does', '', d.whatItDoes, '',
    '## Why', '', d.why, '',
    '## Example', '', '```dockerfile', d.example, '```', '',
    '## Use instead', '', '```dockerfile', d.useInstead, '```', '',
    ...(d.references?.length ? ['## References', '', ...d.references.map((x) => `- [${x.title}](${x.url})`), ''] : []),
    'The standard these rules implement, with the reasons behind each number: [docs/standard.md](../standard.md).', '',
    '## Silencing', '',
    `\`# docksmith ignore=${r.name}\` on the line above the instruction, \`# docksmith global ignore=${r.name}\` anywhere in the file,`,
    `or \`rules = { "${r.name}" = "off" }\` in \`[tool.docksmith]\` / \`"docksmith.rules": { "${r.name}": "off" }\` in settings.`, '',
  ].join('\n'));
}
const known = new Set(RULES.map((r) => `${r.name}.md`));
for (const f of fs.existsSync(path.join(root, 'docs/rules')) ? fs.readdirSync(path.join(root, 'docs/rules')) : []) {
  if (!known.has(f)) { if (check) stale.push(`docs/rules/${f} (no such rule)`); else fs.rmSync(path.join(root, 'docs/rules', f)); }
}

const table = ['| rule | default | fix | what it checks |', '|---|---|---|---|',
  ...RULES.map((r) => `| [\`${r.name}\`](docs/rules/${r.name}.md) | ${r.severity} | ${r.fix} | ${r.docs.summary} |`)].join('\n');
const readmePath = path.join(root, 'README.md');
const readme = fs.readFileSync(readmePath, 'utf8');
const re = /(<!-- rules:start -->\n)[\s\S]*?(<!-- rules:end -->)/;
if (!re.test(readme)) { console.error('README.md has no <!-- rules:start --> / <!-- rules:end --> markers'); process.exit(1); }
write(readmePath, readme.replace(re, `$1${table}\n$2`));

// package.json: docksmith.rules lists every rule, so settings.json completes the names and flags unknown ones
const pkgPath = path.join(root, 'package.json');
const pkg = JSON.parse(fs.readFileSync(pkgPath, 'utf8'));
const rulesSetting = pkg.contributes.configuration.properties['docksmith.rules'];
const severity = typeof rulesSetting.additionalProperties === 'object' ? rulesSetting.additionalProperties : Object.values(rulesSetting.properties ?? {})[0];
const { enum: sevEnum, enumDescriptions } = severity;
rulesSetting.properties = Object.fromEntries(RULES.map((r) => [r.name, { type: 'string', enum: sevEnum, enumDescriptions,
  markdownDescription: `${r.docs.summary} Default: \`${r.severity}\`.` }]));
rulesSetting.additionalProperties = false;
write(pkgPath, JSON.stringify(pkg, null, 2) + '\n');

if (stale.length) {
  console.error(`Generated docs are stale: ${stale.join(', ')}. Run: npx tsc -p . && node scripts/gen-docs.mjs`);
  process.exit(1);
}
console.log(check ? `docs up to date (${RULES.length} rules)` : `docs written (${RULES.length} rules)`);
