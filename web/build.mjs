// Build the web UI into web/dist (committed, so `make` needs no node):
//   node build.mjs          write dist/index.html and dist/assets/app-HASH.js, app-HASH.css
//   node build.mjs --check  exit 1 if dist is not what the sources build to
// The assets carry a hash of their content in their names, so the server lets browsers keep them
// for a year (Cache-Control: immutable); index.html, which names them, is revalidated every time.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const check = process.argv.includes('--check');

const result = await build({
  entryPoints: { app: join(here, 'src/main.js'), appcss: join(here, 'src/app.css') },
  bundle: true, minify: true, format: 'esm', target: ['chrome110', 'firefox110', 'safari16'],
  write: false, outdir: dist, legalComments: 'eof', logLevel: 'warning',
});
const files = {};
let html = readFileSync(join(here, 'src/index.html'), 'utf8');
for (const f of result.outputFiles) {
  const ext = f.path.endsWith('.css') ? 'css' : 'js';
  const data = Buffer.from(f.contents);
  const name = 'assets/app-' + createHash('sha256').update(data).digest('hex').slice(0, 12) + '.' + ext;
  files[name] = data;
  html = html.replace('/app.' + ext, '/' + name);
}
files['index.html'] = Buffer.from(html);

const present = (() => {
  const out = [];
  try { out.push(...readdirSync(dist).filter((n) => n !== 'assets')); } catch (e) { /* no dist yet */ }
  try { out.push(...readdirSync(join(dist, 'assets')).map((n) => 'assets/' + n)); } catch (e) { /* no assets yet */ }
  return out;
})();
const stale = [];
for (const [name, data] of Object.entries(files)) {
  let old = null;
  try { old = readFileSync(join(dist, name)); } catch (e) { old = null; }
  if (!old || !old.equals(data)) stale.push(name);
}
const extra = present.filter((n) => !(n in files));
if (check) {
  if (stale.length || extra.length) {
    console.error('web/dist is out of date (' + stale.concat(extra.map((n) => n + ' left over')).join(', ') + '): run `make web`');
    process.exit(1);
  }
  console.log('web/dist is up to date');
} else {
  mkdirSync(join(dist, 'assets'), { recursive: true });
  for (const n of extra) rmSync(join(dist, n));
  for (const [name, data] of Object.entries(files)) writeFileSync(join(dist, name), data);
  console.log('built ' + Object.keys(files).map((n) => 'dist/' + n + ' (' + files[n].length + ' bytes)').join(', '));
}
