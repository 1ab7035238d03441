// Browser tests: a real `frontline serve --test-clock` on a demo database, driven through Debian's
// Chromium by playwright-core.  Prints "N skipped" when some tests did not apply, then
// "N passed, N failed", and exits non-zero on failure.
//
//   node web/tests/run.mjs              all tests
//   TEST_ONLY=portal node web/tests/run.mjs   tests whose name contains "portal"
//   FRONTLINE_BIN=./frontline ...       another binary (default build/san/frontline)
//   FRONTLINE_PG=postgres://...         on PostgreSQL (a new database there; scripts/pg-cluster.sh start)
//   FRONTLINE_DEMO_DAYS=0               the demo's stories without the quarter before them (faster; some tests want it)
//   SCREENSHOTS=0                       don't rewrite docs/screenshots/*.png
//
// The tests live in one file per page or story (*.test.mjs, helpers in lib.mjs).  They share one
// server and run in the order imported here: later files see what earlier ones made.
import { runAll } from './lib.mjs';
import './shell.test.mjs';
import './sign-in.test.mjs';
import './case.test.mjs';
import './portal.test.mjs';
import './pages.test.mjs';
import './stories.test.mjs';
import './cases.test.mjs';
import './recognition.test.mjs';
import './notify.test.mjs';
import './estimate.test.mjs';
import './mail.test.mjs';
import './attachments.test.mjs';
import './actions.test.mjs';
import './workspace.test.mjs';

runAll();
