// Drives the dashboard's sign-in with the identity provider in headless Chromium (Debian's
// package): clicks "Sign in", lets the issuer (which signs its configured user in at once) send the
// browser back, waits for the charts and the audit log, records what the page and its cookies hold, saves a
// screenshot, signs out, and prints what it saw as one JSON line for DashboardBrowserIT.
// Usage: node dashboard-sign-in.mjs <base-url> <screenshot.png> <user-data-dir>
import { chromium } from 'playwright-core';

const [baseUrl, screenshot, userDataDir] = process.argv.slice(2);
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
const cookies = async () => (await context.cookies(baseUrl)).map((c) => ({
  name: c.name, httpOnly: c.httpOnly, secure: c.secure, sameSite: c.sameSite, path: c.path,
  length: c.value.length,
}));
try {
  const page = context.pages()[0] || (await context.newPage());
  page.on('console', (msg) => {
    if (msg.type() === 'error') result.consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => result.consoleErrors.push('pageerror: ' + err.message));
  page.on('request', (req) => result.requests.push({
    url: req.url(),
    method: req.method(),
    authorization: req.headers()['authorization'] ? 'present' : 'absent',
    csrf: req.headers()['x-csrf-token'] ? 'present' : 'absent',
  }));

  await page.goto(baseUrl + '/dashboard', { waitUntil: 'load', timeout: 30000 });
  await page.waitForSelector('#sso:not(.hidden)', { timeout: 30000 });
  await Promise.all([
    page.waitForURL(baseUrl + '/dashboard', { timeout: 30000 }),
    page.click('#sso-signin'),
  ]);
  await page.waitForSelector('body[data-loaded="true"]', { timeout: 30000 });
  await page.waitForFunction(() => document.getElementById('who').textContent.length > 0);

  result.url = page.url();
  result.who = await page.textContent('#who');
  result.charts = await page.$$eval('figure.chart', (figs) => figs.map((f) => ({
    id: f.id,
    svg: f.querySelectorAll('svg').length,
    marks: f.querySelectorAll('svg .datum').length,
  })));
  result.spend = await page.textContent('#t-spend');
  // an admin sees the admin API's audit log below the report
  await page.waitForSelector('body[data-audit-loaded="true"]', { timeout: 30000 });
  result.audit = await page.$$eval('#audit-table tbody tr', (rows) =>
    rows.map((r) => Array.from(r.cells).map((c) => c.textContent)));
  result.cookiesSignedIn = await cookies();
  result.scriptSeesCookie = await page.evaluate(() => document.cookie.includes('sb_session'));
  result.storage = await page.evaluate(() => ({
    local: localStorage.length,
    session: sessionStorage.length,
  }));
  await page.screenshot({ path: screenshot, fullPage: true });

  await page.click('#signout');
  await page.waitForSelector('#signin:not(.hidden)', { timeout: 30000 });
  result.cookiesSignedOut = await cookies();
  // a reload finds no session: the sign-in is shown again
  await page.reload({ waitUntil: 'load' });
  await page.waitForSelector('#sso:not(.hidden)', { timeout: 30000 });
  result.reportHiddenAfterSignOut = await page.$eval('#report', (r) => r.classList.contains('hidden'));
} catch (e) {
  result.failure = String(e && e.message ? e.message : e);
} finally {
  await context.close();
}
process.stdout.write(JSON.stringify(result) + '\n');
