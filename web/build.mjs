// Build the web UI into web/dist (committed, so `make` needs no node):
//   node build.mjs          write dist/index.html, dist/app.js, dist/app.css
//   node build.mjs --check  exit 1 if dist is not what the sources build to
import { build } from 'esbuild';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
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
const files = { 'index.html': readFileSync(join(here, 'src/index.html')) };
for (const f of result.outputFiles) {
  const name = f.path.endsWith('.css') ? 'app.css' : 'app.js';
  files[name] = Buffer.from(f.contents);
}
let stale = [];
for (const [name, data] of Object.entries(files)) {
  let old = null;
  try { old = readFileSync(join(dist, name)); } catch (e) { old = null; }
  if (!old || !old.equals(data)) stale.push(name);
  if (!check) { mkdirSync(dist, { recursive: true }); writeFileSync(join(dist, name), data); }
}
if (check) {
  if (stale.length) { console.error('web/dist is out of date (' + stale.join(', ') + '): run `make web`'); process.exit(1); }
  console.log('web/dist is up to date');
} else {
  console.log('built ' + Object.keys(files).map((n) => 'dist/' + n + ' (' + files[n].length + ' bytes)').join(', '));
}
