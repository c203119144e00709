// Drives the usage dashboard in headless Chromium (Debian's package, never a downloaded build):
// signs in with a key, waits for the charts, collects console errors, saves a screenshot, and
// prints what it saw as one JSON line for DashboardBrowserIT to assert on.
// Usage: node dashboard.mjs <base-url> <key> <screenshot.png> <user-data-dir>
import { chromium } from 'playwright-core';

const [baseUrl, key, screenshot, userDataDir] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath,
  headless: true,
  viewport: { width: 1280, height: 1000 },
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});
const result = { consoleErrors: [], requests: [] };
try {
  const page = context.pages()[0] || (await context.newPage());
  page.on('console', (msg) => {
    if (msg.type() === 'error') result.consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => result.consoleErrors.push('pageerror: ' + err.message));
  page.on('request', (req) => result.requests.push({
    url: req.url(),
    authorization: req.headers()['authorization'] ? 'present' : 'absent',
  }));

  await page.goto(baseUrl + '/dashboard', { waitUntil: 'load', timeout: 30000 });
  await page.fill('#key', key);
  await page.click('#signin-form button[type=submit]');
  await page.waitForSelector('body[data-loaded="true"]', { timeout: 30000 });

  result.charts = await page.$$eval('figure.chart', (figs) => figs.map((f) => ({
    id: f.id,
    points: Number(f.getAttribute('data-points') || 0),
    svg: f.querySelectorAll('svg').length,
    marks: f.querySelectorAll('svg .datum').length,
  })));
  result.spend = await page.textContent('#t-spend');
  result.requestsTile = await page.textContent('#t-requests');
  result.modelRows = await page.$$eval('#models-table tbody tr', (rows) => rows.length);
  result.url = page.url();
  result.keyInStorage = await page.evaluate(
    () => sessionStorage.getItem('switchboard.dashboard.key') !== null);
  await page.screenshot({ path: screenshot, fullPage: true });
} catch (e) {
  result.failure = String(e && e.message ? e.message : e);
} finally {
  await context.close();
}
process.stdout.write(JSON.stringify(result) + '\n');
