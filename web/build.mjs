// Build the web UI into web/dist (committed, so `make` needs no node):
//   node build.mjs          write dist/index.html and dist/assets/app-HASH.js, app-HASH.css, chunk-HASH.js
//   node build.mjs --check  exit 1 if dist is not what the sources build to
// The assets carry a hash of their content in their names, so the server lets browsers keep them
// for a year (Cache-Control: immutable); index.html, which names them, is revalidated every time.
import { build } from 'esbuild';
import { readFileSync, writeFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const check = process.argv.includes('--check');

// Pages that only some people open (Leadership, with chart.js) are loaded when first opened
// (import() in main.js), so esbuild splits them into chunks of their own.
const result = await build({
  entryPoints: [{ in: join(here, 'src/main.js'), out: 'app' }, { in: join(here, 'src/app.css'), out: 'app' }],
  bundle: true, minify: true, format: 'esm', splitting: true, target: ['chrome110', 'firefox110', 'safari16'],
  entryNames: 'assets/[name]-[hash]', chunkNames: 'assets/chunk-[hash]', assetNames: 'assets/[name]-[hash]',
  write: false, outdir: dist, absWorkingDir: here, preserveSymlinks: true, legalComments: 'eof', logLevel: 'warning', metafile: true,
});
const files = {};
let html = readFileSync(join(here, 'src/index.html'), 'utf8');
for (const f of result.outputFiles) {
  const name = f.path.slice(dist.length + 1);
  files[name] = Buffer.from(f.contents);
  const entry = name.match(/^assets\/app-[A-Z0-9]+\.(js|css)$/);
  if (entry) html = html.replace('/app.' + entry[1], '/' + name);
  // the chunks the script imports at once are fetched beside it, not after it has been read
  if (entry && entry[1] === 'js') {
    const out = Object.entries(result.metafile.outputs).find(([k]) => k.endsWith(name))[1];
    const preload = out.imports.filter((i) => i.kind === 'import-statement').map((i) => '<link rel="modulepreload" href="/assets/' + i.path.split('/').pop() + '">\n');
    html = html.replace('<script type="module"', preload.join('') + '<script type="module"');
  }
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
