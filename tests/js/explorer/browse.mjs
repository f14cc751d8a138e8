// Drives Debian's Chromium (headless, via playwright-core) through every explorer page for
// the scenario `tests/tests/explorer.rs` set up, checking what each page shows, and saves a
// screenshot of each. Exits non-zero on the first check that fails.
//
// Usage: node browse.mjs '<scenario JSON>' (see explorer.rs for its fields).

import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

const scenario = JSON.parse(process.argv[2]);
const { url, token, patient, documents, consents, output } = scenario;
const TIMEOUT = 60_000;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  // This machine has no outside network: keep Chromium from trying to reach it.
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-default-apps'],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
const page = await context.newPage();
page.setDefaultTimeout(TIMEOUT);
const problems = [];
page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
page.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
// Nothing may leave for another origin (no CDN, no fonts, no telemetry).
page.on('request', (request) => {
  if (!request.url().startsWith(new URL(url).origin) && !request.url().startsWith('blob:') && !request.url().startsWith('data:')) {
    problems.push(`request to another origin: ${request.url()}`);
  }
});

let shot = 0;
async function screenshot(name) {
  shot += 1;
  await page.screenshot({ path: path.join(output, `${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true });
}

// Opens `#/hash` and waits until the page named `name` has rendered.
async function open(hash, name) {
  await page.goto(`${url}#/${hash}`);
  await page.waitForFunction((wanted) => document.getElementById('page').dataset.page === wanted && !document.getElementById('page').hasAttribute('aria-busy'), name);
}

// An explorer RPC call from inside the page, with the auditor's token.
const rpc = (method, params = {}) =>
  page.evaluate(async ([method, params, token]) => {
    const response = await fetch('/', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    });
    return (await response.json()).result;
  }, [method, params, token]);

const text = (selector) => page.locator(selector).innerText();
const step = (name) => console.log(`explorer: ${name}`);

try {
  // ---- sign in: a wrong credential is refused, the auditor's is kept for the tab.
  step('sign in');
  await page.goto(url);
  await page.fill('input[name=token]', 'mlg_not-a-credential');
  await page.click('#sign-in-form button');
  await page.waitForSelector('text=That credential was refused.');
  await page.fill('input[name=token]', token);
  await page.click('#sign-in-form button');

  // ---- chain status: H1's validator authors and votes.
  step('status');
  await page.waitForFunction(() => document.getElementById('page').dataset.page === 'status');
  const validator = page.locator('[data-testid=validators] tr[data-organisation="1"]');
  assert.match(await validator.innerText(), /authoring/);
  assert.match(await validator.innerText(), /\bvoting/);
  assert.doesNotMatch(await validator.innerText(), /not (authoring|voting)/);
  const best = Number((await text('[data-testid=best] .value')).replace('#', ''));
  const finalised = Number((await text('[data-testid=finalised] .value')).replace('#', ''));
  assert.ok(best >= finalised && finalised > 0, `best ${best}, finalised ${finalised}`);
  assert.match(await text('[data-testid=history]'), /archive node/);
  assert.equal(await page.locator('[data-testid=unclaimed]').count(), 0, 'Alice\'s keys are H1\'s');
  await screenshot('status');

  // ---- blocks, live: a newer block appears without reloading.
  step('blocks');
  await open('blocks', 'blocks');
  const newest = async () => Number(await page.locator('[data-testid=blocks] tbody tr').first().getAttribute('data-number'));
  const first = await newest();
  await page.waitForFunction((seen) => Number(document.querySelector('[data-testid=blocks] tbody tr')?.getAttribute('data-number')) > seen, first);
  assert.ok((await newest()) > first);
  assert.match(await text('[data-testid=blocks]'), /H1|Hospital|finalised/);
  await screenshot('blocks');

  // ---- block detail, in domain language: the summary's anchoring, the grant, the refusal.
  step('block detail');
  const view = await rpc('explorer_document', { id: documents.summary });
  await open(`block/${view.anchoredIn.number}`, 'block');
  const anchoring = await text('[data-testid=extrinsics]');
  assert.match(anchoring, new RegExp(`anchored document ${documents.summary} \\(18842-5, application/fhir\\+json\\) for patient ${patient.slice(0, 6)}…`));
  assert.match(anchoring, /Documents\.anchor/);
  await screenshot('block-anchor');
  // Find the grant's block among blocks with domain events.
  let grantBlock = null;
  for (let before = undefined; grantBlock === null;) {
    const list = await rpc('explorer_blocks', before ? { before, limit: 50 } : { limit: 50 });
    for (const b of list.blocks.filter((b) => b.events > 0)) {
      const detail = await rpc('explorer_block', { number: b.number });
      const sentences = JSON.stringify(detail.extrinsics.flatMap((x) => x.events));
      if (sentences.includes(' granted ') && sentences.includes(`consent ${consents.granted}`)) grantBlock = b.number;
    }
    before = list.blocks.at(-1).number;
    assert.ok(before > 1 || grantBlock !== null, 'no block holds the grant');
  }
  await open(`block/${grantBlock}`, 'block');
  const grant = await text('[data-testid=extrinsics]');
  assert.match(grant, /patient \S+ granted Hospital|patient \S+ granted H/);
  assert.match(grant, /read for treatment \(all documents\) until \d{4}-\d\d-\d\d/);
  assert.match(grant, /Consent\.grant/);
  await screenshot('block-grant');

  // ---- document: anchor, block, versions, consents covering it, access history, proof.
  step('document');
  await open(`document/${documents.summary}`, 'document');
  const anchor = await text('[data-testid=anchor]');
  assert.match(anchor, /18842-5 \(application\/fhir\+json\)/);
  assert.match(anchor, new RegExp(`in block #${view.anchoredIn.number}`));
  assert.match(anchor, /Salted commitment\s+0x[0-9a-f]{64}/);
  const coverage = await text('[data-testid=coverage]');
  assert.match(coverage, new RegExp(`consent ${consents.granted}[\\s\\S]*Treatment[\\s\\S]*Revoked`));
  assert.match(coverage, new RegExp(`consent ${consents.denied}[\\s\\S]*Denied[\\s\\S]*no`));
  const access = await text('[data-testid=access]');
  assert.match(access, /Read[\s\S]*success/);
  assert.match(access, /refused: ConsentRevoked/);
  assert.equal(await page.locator('[data-testid=versions] tbody tr').count(), 1);
  // The proof downloads once a justification covers the anchor (every 4 blocks).
  let bundle = null;
  for (let attempt = 0; bundle === null && attempt < 30; attempt += 1) {
    const downloading = page.waitForEvent('download', { timeout: 5_000 }).catch(() => null);
    await page.click('[data-testid=download-proof]');
    const download = await downloading;
    if (download) bundle = JSON.parse(await readFile(await download.path(), 'utf8'));
    else await page.waitForTimeout(3_000);
  }
  assert.ok(bundle, 'no proof bundle downloaded');
  assert.equal(bundle.format, 'medledger-proof/1');
  assert.equal(bundle.document.id, documents.summary);
  await screenshot('document');
  // The corrected lab report: both versions, the first superseded; its block tells it.
  await open(`document/${documents.correctedLab}`, 'document');
  const versions = await page.locator('[data-testid=versions] tbody tr').allInnerTexts();
  assert.equal(versions.length, 2, `versions: ${versions}`);
  assert.match(versions[0], new RegExp(`document ${documents.lab}[\\s\\S]*superseded`));
  assert.match(versions[1], new RegExp(`document ${documents.correctedLab}[\\s\\S]*current`));
  await screenshot('document-versions');
  const amendedIn = (await rpc('explorer_document', { id: documents.correctedLab })).anchoredIn.number;
  await open(`block/${amendedIn}`, 'block');
  assert.match(await text('[data-testid=extrinsics]'),
    new RegExp(`document ${documents.correctedLab} amends document ${documents.lab}, which is now superseded`));
  await screenshot('block-amend');

  // ---- consent: its lifecycle with times and signers.
  step('consent');
  await open(`consent/${consents.granted}`, 'consent');
  assert.match(await text('[data-testid=consent]'), /Revoked/);
  const lifecycle = await page.locator('[data-testid=lifecycle] li').allInnerTexts();
  assert.ok(lifecycle.length >= 3, `lifecycle: ${lifecycle}`);
  assert.match(lifecycle[0], /requested by/);
  assert.match(lifecycle[1], new RegExp(`granted by ${patient.slice(0, 6)}`));
  assert.match(lifecycle[2], new RegExp(`revoked by ${patient.slice(0, 6)}`));
  await screenshot('consent');

  // ---- patient: the whole trail, verified in the browser.
  step('patient trail');
  await open(`patient/${patient}`, 'patient');
  const check = page.locator('[data-testid=trail-check]');
  assert.match(await check.getAttribute('class'), /verified/);
  assert.match(await check.innerText(), /Trail complete: \d+ entries verified against the gateway's head/);
  const rows = await page.locator('[data-testid=trail] tbody tr').count();
  assert.ok(rows >= scenario.trailLength, `${rows} rows, trail of ${scenario.trailLength}`);
  assert.equal(await page.locator('[data-testid=patient-documents] tbody tr').count(), 3);
  assert.match(await text('[data-testid=patient-documents]'), new RegExp(`document ${documents.lab}[\\s\\S]*11502-2`));
  await screenshot('patient');

  // ---- with the consortium's trust file loaded (kept in the browser), the head is proved:
  // checked in the page's Wasm against a GRANDPA justification of the trusted set.
  step('trail head proved');
  await page.setInputFiles('[data-testid=trust-file]', scenario.trustFile);
  let proved = null;
  for (let tries = 0; tries < 30 && !proved; tries++) {
    await open('organisations', 'organisations'); // leave, so the patient page loads afresh
    await open(`patient/${patient}`, 'patient');
    const verdict = await check.innerText();
    const complete = verdict.match(/Trail complete: (\d+) entries verified against the head proved at block #\d+ \(GRANDPA authority set 0/);
    // The proof is of the last justified block: wait until it covers the whole trail.
    if (complete && Number(complete[1]) >= scenario.trailLength) proved = Number(complete[1]);
    else await page.waitForTimeout(2000);
  }
  assert.ok(proved, `the head was never proved: ${await check.innerText()}`);
  await screenshot('patient-proved');

  // ---- the completeness check flags a tampered list: the gateway's answer is altered on
  // its way to the page (an entry dropped, then an entry's bytes changed, then the newest
  // entry dropped with the head moved back before it — caught only by the proof).
  step('tampered trails');
  const tamper = async (alter) => {
    await page.route(`${new URL(url).origin}/`, async (route) => {
      const body = route.request().postDataJSON();
      const response = await route.fetch();
      if (body?.method !== 'audit_trail') return route.fulfill({ response });
      const json = await response.json();
      alter(json.result);
      return route.fulfill({ response, json });
    });
    await open(`organisations`, 'organisations'); // leave, so the patient page loads afresh
    await open(`patient/${patient}`, 'patient');
    const verdict = { class: await check.getAttribute('class'), text: await check.innerText() };
    await page.unrouteAll({ behavior: 'wait' });
    return verdict;
  };
  const dropped = await tamper((trail) => trail.entries.splice(2, 1));
  assert.match(dropped.class, /broken/);
  assert.match(dropped.text, /Trail broken at entry 3\./);
  assert.match(dropped.text, /entry 3 is missing/);
  await screenshot('trail-broken-missing');
  const altered = await tamper(({ entries }) => {
    // The second-to-last byte of the entry before its 32-byte head: part of a time (the
    // chain's, past any date, when the entry has no reported read time).
    const record = entries[3].record;
    const at = record.length - 66;
    const flipped = (parseInt(record.slice(at - 2, at), 16) ^ 1).toString(16).padStart(2, '0');
    entries[3].record = record.slice(0, at - 2) + flipped + record.slice(at);
  });
  assert.match(altered.text, /Trail broken at entry 4\./);
  assert.match(altered.text, /altered/);
  assert.equal(await page.locator('[data-testid=trail] tr.broken').getAttribute('data-seq'), '4');
  await screenshot('trail-broken-altered');
  const hidden = await tamper((trail) => {
    trail.entries.splice(proved - 1);
    trail.head.seq = proved - 1;
    trail.head.head = trail.entries.at(-1).head;
  });
  assert.match(hidden.class, /broken/);
  assert.match(hidden.text, new RegExp(`Trail broken at entry ${proved}\\.`));
  assert.match(hidden.text, /chain's head is at entry/);
  await screenshot('trail-broken-head-moved');

  // ---- organisation: documents, consents, audit, and the compliance export (CSV, FHIR).
  step('organisation');
  await open('organisation/2', 'organisation');
  assert.match(await text('[data-testid=org-consents]'), new RegExp(`consent ${consents.granted}`));
  assert.match(await text('[data-testid=org-audit]'), /refused: ConsentRevoked/);
  const exported = async (button) => {
    const downloading = page.waitForEvent('download');
    await page.click(button);
    const download = await downloading;
    return { name: download.suggestedFilename(), content: await readFile(await download.path(), 'utf8') };
  };
  const csv = await exported('[data-testid=export-csv]');
  assert.match(csv.name, /^compliance-2-.*\.csv$/);
  assert.match(csv.content, /^record,/m);
  assert.ok(csv.content.includes(patient), 'the CSV names the patient');
  const fhir = await exported('[data-testid=export-fhir]');
  const fhirBundle = JSON.parse(fhir.content);
  assert.equal(fhirBundle.resourceType, 'Bundle');
  assert.ok(fhirBundle.entry.some((e) => e.resource.resourceType === 'AuditEvent'));
  assert.ok(fhirBundle.entry.some((e) => e.resource.resourceType === 'Consent'));
  await screenshot('organisation');

  // ---- search: a number names several things; an account goes straight to its page.
  step('search');
  await page.fill('#search input', String(documents.summary));
  await page.press('#search input', 'Enter');
  await page.waitForFunction(() => document.getElementById('page').dataset.page === 'search');
  const results = await text('[data-testid=results]');
  assert.match(results, new RegExp(`document ${documents.summary}`));
  assert.match(results, new RegExp(`block ${documents.summary}`));
  await screenshot('search');
  // A block hash and a document's commitment each name one thing: straight to its page.
  const search = async (query, expected) => {
    await page.fill('#search input', query);
    await page.press('#search input', 'Enter');
    await page.waitForFunction((wanted) => document.getElementById('page').dataset.page === wanted, expected);
  };
  await search(view.anchoredIn.hash, 'block');
  assert.match(await page.locator('h1').innerText(), new RegExp(`Block #${view.anchoredIn.number}`));
  await search(view.document.commitment, 'document');
  assert.match(await page.locator('h1').innerText(), new RegExp(`Document ${documents.summary}`));
  await page.fill('#search input', patient);
  await page.press('#search input', 'Enter');
  await page.waitForFunction(() => document.getElementById('page').dataset.page === 'patient');
  await page.fill('#search input', scenario.staff.h2Admin);
  await page.press('#search input', 'Enter');
  await page.waitForFunction(() => document.getElementById('page').dataset.page === 'account');
  assert.match(await text('[data-testid=actor-audit]'), /Read/);
  await screenshot('account');

  assert.deepEqual(problems, []);
  console.log(`explorer: all pages checked; screenshots in ${output}`);
} catch (error) {
  await screenshot('failure').catch(() => {});
  console.error(error);
  if (problems.length) console.error(problems.join('\n'));
  process.exitCode = 1;
} finally {
  await browser.close();
}
