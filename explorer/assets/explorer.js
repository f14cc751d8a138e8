// MedLedger explorer: a read-only page for auditors, served by the gateway.
//
// Every piece of data comes from the gateway's JSON-RPC (`explorer_*` and the portal's read
// methods) with the auditor's bearer token, kept in this tab's session storage. Pages are
// chosen by the URL's hash (`#/block/12`), so every view has an address an auditor can
// share or cite. The audit-trail completeness check runs here, in WebAssembly built from
// the same Rust the chain's hash chain is defined by (trail_check.js and its Wasm, generated
// by wasm-bindgen).

import initTrailCheck, { checkTrail as wasmCheckTrail } from './trail_check.js';

const TOKEN_KEY = 'medledger-explorer-token';
// The consortium's trust file, kept across visits: the auditor loads it once.
const TRUST_KEY = 'medledger-explorer-trust';
const page = document.getElementById('page');
let refresh = null; // the live page's timer, stopped on navigation

// ------------------------------------------------------------------ JSON-RPC

class RpcError extends Error {
  constructor(error) {
    super(error.data ? `${error.message}: ${typeof error.data === 'string' ? error.data : JSON.stringify(error.data)}` : error.message);
    this.code = error.code;
  }
}

let nextId = 0;
async function rpc(method, params = {}) {
  const response = await fetch('/', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY) ?? ''}`,
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: ++nextId, method, params }),
  });
  const body = await response.json();
  if (body.error) throw new RpcError(body.error);
  return body.result;
}

// ------------------------------------------------------------------ DOM helpers

// `el('a', { href: '#/' }, 'text', child)`: children are text (never parsed as HTML) or nodes.
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

// A time from the chain or a gateway; one no date can hold (an altered entry can carry any
// bytes) is shown as its number rather than stopping the page.
const time = (ms) => {
  if (!ms) return '—';
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? `${ms} (not a date)` : date.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
};
const short = (account) => (account ? `${account.slice(0, 6)}…${account.slice(-6)}` : '—');
const tag = (text, kind = text) => el('span', { class: `tag ${kind}` }, text);
const yesNo = (flag, yes, no) => el('span', { class: flag ? 'yes' : 'no' }, flag ? yes : no);
const accountLink = (account, kind = 'account') =>
  account ? el('a', { href: `#/${kind}/${account}`, title: account, class: 'mono' }, short(account)) : '—';
const orgLink = (id, names) => (id === null || id === undefined ? '—' : el('a', { href: `#/organisation/${id}` }, names?.get(id) ?? `organisation ${id}`));
const docLink = (id) => el('a', { href: `#/document/${id}` }, `document ${id}`);
const consentLink = (id) => el('a', { href: `#/consent/${id}` }, `consent ${id}`);
const blockLink = (number) => el('a', { href: `#/block/${number}` }, `#${number}`);

// A domain-language sentence from the gateway: parts of text, some linked.
const sentence = (parts) =>
  el('span', { class: 'sentence' }, parts.map((p) => (p.href ? el('a', { href: p.href }, p.text) : p.text)));

function fields(pairs) {
  return el('dl', { class: 'fields' }, pairs.flatMap(([name, value]) => [el('dt', {}, name), el('dd', {}, value ?? '—')]));
}

function table(headings, rows, empty = 'None.', testid) {
  const body = rows.length
    ? rows
    : [el('tr', {}, el('td', { colspan: headings.length, class: 'empty' }, empty))];
  return el('table', { 'data-testid': testid }, el('thead', {}, el('tr', {}, headings.map((h) => el('th', {}, h)))), el('tbody', {}, body));
}

function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = el('a', { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

async function organisationNames() {
  const orgs = await rpc('organisation_list');
  return new Map(orgs.map((o) => [o.id, o.name]));
}

const subjectOf = (s) => (s.document !== undefined ? docLink(s.document) : s.consent !== undefined ? consentLink(s.consent) : 'all records');
const outcomeOf = (o) => (o.result === 'success' ? tag('success') : tag(`refused: ${o.refusal}`, 'refused'));

// Audit entries, as the portal (or the trail check) shows them.
function auditTable(entries, names, { broken, testid } = {}) {
  return table(
    ['#', 'Time', 'Actor', 'Organisation', 'Action', 'Subject', 'Consent', 'Purpose', 'Outcome'],
    entries.map((e) =>
      el('tr', { class: broken === e.seq ? 'broken' : undefined, 'data-seq': e.seq },
        // The chain's time; a reported read also shows when its gateway says it happened.
        el('td', {}, e.seq), el('td', {}, time(e.at), e.occurredAt != null ? el('small', {}, ` (read ${time(e.occurredAt)})`) : []),
        el('td', {}, accountLink(e.actor)),
        el('td', {}, orgLink(e.organisation, names)), el('td', {}, e.action), el('td', {}, subjectOf(e.subject)),
        el('td', {}, e.consent ? consentLink(e.consent) : '—'), el('td', {}, e.purpose ?? '—'), el('td', {}, outcomeOf(e.outcome)))),
    'No audit entries.', testid);
}

function consentRow(c, names, extra = []) {
  return el('tr', {},
    el('td', {}, consentLink(c.id)), el('td', {}, accountLink(c.patient, 'patient')), el('td', {}, orgLink(c.organisation, names)),
    el('td', {}, c.purpose), el('td', {}, [c.actions.read && 'read', c.actions.write && 'write'].filter(Boolean).join(', ')),
    el('td', {}, `${time(c.window.from)} → ${time(c.window.to)}`), el('td', {}, tag(c.status)), ...extra);
}
const consentHeadings = ['Consent', 'Patient', 'Hospital', 'Purpose', 'Actions', 'Window', 'Status'];

function documentRow(d, names) {
  return el('tr', {},
    el('td', {}, docLink(d.id)), el('td', {}, accountLink(d.patient, 'patient')), el('td', {}, orgLink(d.organisation, names)),
    el('td', {}, d.documentType), el('td', {}, d.mediaType), el('td', {}, time(d.createdAt)), el('td', {}, tag(d.status.state)));
}
const documentHeadings = ['Document', 'Patient', 'Hospital', 'Type', 'Media type', 'Anchored', 'Status'];

// ------------------------------------------------------------------ the trail check (Wasm)

let trailCheckReady = null;

// Runs the chain's own `verify_trail` over the records as stored; returns
// `{ verified, brokenAt, problem, entries }` with the entries decoded from those bytes.
async function checkTrail(request) {
  trailCheckReady ??= initTrailCheck();
  await trailCheckReady;
  return JSON.parse(wasmCheckTrail(JSON.stringify(request)));
}

// ------------------------------------------------------------------ pages

const pages = {
  async status() {
    const [status, names] = await Promise.all([rpc('explorer_status'), organisationNames()]);
    return [
      el('h1', {}, 'Chain status'),
      el('div', { class: 'figures' },
        el('div', { class: 'figure', 'data-testid': 'best' }, el('div', { class: 'label' }, 'Best block'), el('div', { class: 'value' }, blockLink(status.best.number))),
        el('div', { class: 'figure', 'data-testid': 'finalised' }, el('div', { class: 'label' }, 'Finalised block'), el('div', { class: 'value' }, blockLink(status.finalised.number))),
        el('div', { class: 'figure' }, el('div', { class: 'label' }, 'Last justified block'), el('div', { class: 'value' }, status.lastJustified === null ? '—' : blockLink(status.lastJustified))),
        el('div', { class: 'figure' }, el('div', { class: 'label' }, 'Finality set'), el('div', { class: 'value' }, `${status.finalitySetSize} (set ${status.finalitySetId})`)),
        el('div', { class: 'figure', 'data-testid': 'history' }, el('div', { class: 'label' }, 'History'),
          el('div', { class: 'value' }, status.archive ? 'archive node' : yesNo(false, '', 'pruned: old blocks may not load')))),
      el('h2', {}, 'Validators — one per hospital'),
      table(['Hospital', 'Validator account', 'Status', 'Authoring', `Blocks of last ${status.authorshipWindow}`, 'Voting (last justification)'],
        status.validators.map((v) => el('tr', { 'data-organisation': v.organisation },
          el('td', {}, orgLink(v.organisation, names)), el('td', {}, accountLink(v.account)), el('td', {}, tag(v.status)),
          el('td', {}, yesNo(v.authoring, 'authoring', 'not authoring')),
          el('td', {}, v.lastAuthored ? [`${v.blocksAuthored}, last `, blockLink(v.lastAuthored)] : '0'),
          el('td', {}, yesNo(v.voting, 'voting', 'not voting')))),
        'No hospital runs a validator.', 'validators'),
      ...(status.unclaimedAuthorities.length
        ? [el('h2', { class: 'no' }, 'Authorities no hospital claims'),
          el('p', {}, 'These keys are in the current validator sets but are no hospital\'s session keys: the consortium does not know who runs them.'),
          table(['Set', 'Key', 'Activity'], status.unclaimedAuthorities.map((a) => el('tr', {},
            el('td', {}, a.set), el('td', { class: 'mono' }, a.key),
            el('td', {}, a.set === 'authoring' ? `${a.blocksAuthored} blocks of last ${status.authorshipWindow}` : yesNo(a.voting, 'voting', 'not voting')))),
          'None.', 'unclaimed')]
        : []),
    ];
  },

  async blocks(_, query) {
    const before = query.get('before');
    const shown = location.hash;
    const [list, names] = await Promise.all([rpc('explorer_blocks', before ? { before: Number(before) } : {}), organisationNames()]);
    const rows = list.blocks.map((b) => el('tr', { 'data-number': b.number },
      el('td', {}, blockLink(b.number)), el('td', {}, time(b.time)), el('td', {}, b.author ? orgLink(b.author.organisation, names) : '—'),
      el('td', {}, b.extrinsics), el('td', {}, b.events), el('td', {}, b.finalised ? tag('finalised', 'success') : tag('not yet final', 'Requested'))));
    const oldest = list.blocks.at(-1)?.number;
    // Live only while the auditor is still here (they may have moved on while it loaded).
    if (!before && location.hash === shown) refresh = setTimeout(route, 2000);
    return [
      el('h1', {}, 'Blocks'),
      el('p', {}, before ? 'Older blocks. ' : el('span', { class: 'live' }, '● live — refreshes every 2 s. '),
        `Best #${list.best}, finalised #${list.finalised}.`),
      table(['Block', 'Time', 'Authored by', 'Signed extrinsics', 'Domain events', 'Finality'], rows, 'No blocks.', 'blocks'),
      el('div', { class: 'actions' }, oldest > 0 ? el('a', { href: `#/blocks?before=${oldest}` }, 'Older blocks →') : null),
    ];
  },

  async block([id]) {
    const block = await rpc('explorer_block', /^0x/.test(id) ? { hash: id } : { number: Number(id) });
    const extrinsics = block.extrinsics.map((x) => el('div', { class: 'extrinsic', 'data-testid': 'extrinsic' },
      el('div', {}, el('span', { class: 'call' }, `${x.index}. ${x.call}`), ' ', x.success === false ? el('span', { class: 'no' }, `failed: ${x.error}`) : ''),
      x.summary ? el('div', { class: 'muted' }, sentence(x.summary)) : null,
      x.events.length ? el('ol', { class: 'sentences' }, x.events.map((e) => el('li', { 'data-testid': 'event' }, sentence(e)))) : null));
    return [
      el('h1', {}, `Block #${block.number}`),
      el('section', { class: 'card' }, fields([
        ['Hash', el('code', {}, block.hash)],
        ['Parent', el('a', { href: `#/block/${block.parent}`, class: 'mono' }, block.parent)],
        ['Time', time(block.time)],
        ['Authored by', block.author ? el('a', { href: `#/organisation/${block.author.organisation}` }, block.author.name) : '—'],
        ['Finality', block.finalised ? tag('finalised', 'success') : tag('not yet final', 'Requested')],
        ['GRANDPA justification stored', block.justified ? 'yes' : 'no'],
        ['State root', el('code', {}, block.stateRoot)],
        ['Extrinsics root', el('code', {}, block.extrinsicsRoot)],
      ])),
      el('h2', {}, 'Extrinsics'),
      el('section', { class: 'card', 'data-testid': 'extrinsics' }, extrinsics),
      block.events.length ? [el('h2', {}, 'Block events'), el('section', { class: 'card' }, el('ol', { class: 'sentences' }, block.events.map((e) => el('li', { 'data-testid': 'event' }, sentence(e)))))] : null,
      el('div', { class: 'actions' },
        block.number > 0 ? el('a', { href: `#/block/${block.number - 1}` }, '← previous') : null,
        el('a', { href: `#/block/${block.number + 1}` }, 'next →')),
    ];
  },

  async document([id]) {
    const [view, names] = await Promise.all([rpc('explorer_document', { id: Number(id) }), organisationNames()]);
    const d = view.document;
    const status = d.status.state === 'superseded' ? ['superseded by ', docLink(d.status.by)]
      : d.status.supersededBy !== undefined ? [tag(d.status.state), ' (superseded by ', docLink(d.status.supersededBy), ')']
      : tag(d.status.state);
    const proofButton = el('button', {
      type: 'button', 'data-testid': 'download-proof',
      async onclick(event) {
        const note = event.target.nextElementSibling;
        try {
          const bundle = await rpc('document_proof', { id: d.id });
          download(`proof-document-${d.id}.json`, JSON.stringify(bundle, null, 2), 'application/json');
          note.textContent = `Proof at block #${bundle.block.number}: verify offline with \`medledger verify FILE --proof proof-document-${d.id}.json --trust CHAIN_SPEC\` (the file and its salt come from the patient or the issuing hospital).`;
        } catch (error) {
          note.textContent = error.code === -32043 ? 'Not provable yet: the next finality justification covers it (within about 16 blocks). Try again shortly.' : error.message;
        }
      },
    }, 'Download proof bundle');
    return [
      el('h1', {}, `Document ${d.id}`),
      el('section', { class: 'card', 'data-testid': 'anchor' }, fields([
        ['Patient', accountLink(d.patient, 'patient')],
        ['Issued by', orgLink(d.organisation, names)],
        ['Author', accountLink(d.author)],
        ['Type', `${d.documentType} (${d.mediaType}), ${d.size} bytes`],
        ['Anchored', [time(d.createdAt), view.anchoredIn ? [' in block ', blockLink(view.anchoredIn.number)] : '']],
        ['Status', status],
        ['Amends', d.previous ? docLink(d.previous) : '—'],
        ['Salted commitment', el('code', {}, d.commitment)],
        ['Ciphertext (IPFS CID)', el('code', {}, d.cid)],
      ]), el('div', { class: 'actions' }, proofButton, el('span', { class: 'muted', 'data-testid': 'proof-note' }))),
      el('h2', {}, 'Versions'),
      table(documentHeadings, view.versions.map((v) => documentRow(v, names)), 'One version.', 'versions'),
      el('h2', {}, 'Consents covering it'),
      table([...consentHeadings, 'Key wrap on chain'], view.consents.map((c) => consentRow(c, names, [el('td', {}, c.keyReleased ? 'yes' : 'no')])),
        'No consent of the patient covers this document.', 'coverage'),
      el('h2', {}, 'Access history'),
      auditTable(view.access, names, { testid: 'access' }),
    ];
  },

  async consent([id]) {
    const [history, names] = await Promise.all([rpc('consent_history', { id: Number(id) }), organisationNames()]);
    const c = history.consent;
    const scope = c.scope.all ? 'all documents' : c.scope.documentTypes ? `document types ${c.scope.documentTypes.join(', ')}` : `documents ${c.scope.documents.join(', ')}`;
    // Lifecycle steps: the entries about the consent itself, each signed by its actor. The
    // first update is the patient's decision, a second one its end.
    const steps = history.events.filter((e) => e.subject.consent === c.id);
    const decision = c.status === 'Denied' ? 'denied' : 'granted';
    const ending = c.status.toLowerCase();
    let updates = 0;
    const step = (e) => {
      const what = e.action === 'Create'
        ? (c.breakGlassReason ? 'emergency access opened' : 'requested')
        : e.action === 'Update' ? (++updates === 1 ? decision : ending) : e.action.toLowerCase();
      return el('li', { 'data-testid': 'step' }, `${time(e.at)} — ${what} by `, accountLink(e.actor), e.organisation ? [' of ', orgLink(e.organisation, names)] : '', ` (audit entry ${e.seq})`);
    };
    return [
      el('h1', {}, `Consent ${c.id}`),
      el('section', { class: 'card', 'data-testid': 'consent' }, fields([
        ['Status', tag(c.status)],
        ['Patient', accountLink(c.patient, 'patient')],
        ['Hospital', orgLink(c.organisation, names)],
        ['Requested by', accountLink(c.requester)],
        ['Purpose', c.purpose],
        ['Actions', [c.actions.read && 'read', c.actions.write && 'write'].filter(Boolean).join(', ')],
        ['Scope', scope],
        ['Window', `${time(c.window.from)} → ${time(c.window.to)}`],
        ['Requested', time(c.requestedAt)],
        ['Decided', time(c.decidedAt)],
        ['Ended', time(c.endedAt)],
        ['Break-glass reason', c.breakGlassReason],
        ['Document keys wrapped', c.wraps],
      ])),
      el('h2', {}, 'Lifecycle'),
      el('section', { class: 'card' }, el('ol', { class: 'sentences', 'data-testid': 'lifecycle' }, steps.map(step))),
      el('h2', {}, 'Everything recorded under it'),
      auditTable(history.events, names, { testid: 'consent-events' }),
    ];
  },

  async patient([account]) {
    const names = await organisationNames();
    // The whole trail, page by page, up to the head read with the first page.
    const first = await rpc('audit_trail', { patient: account, from: 1, limit: 1000 });
    const trusted = first.head;
    const entries = [...first.entries];
    while (entries.length && entries.at(-1).seq < trusted.seq) {
      const next = await rpc('audit_trail', { patient: account, from: entries.at(-1).seq + 1, limit: 1000 });
      if (!next.entries.length) break;
      entries.push(...next.entries);
    }
    const request = { patient: account, trusted, entries: entries.map((e) => ({ seq: e.seq, record: e.record })) };
    // With the consortium's trust file loaded, the head is the one proved on chain (at the
    // last justified block), not the gateway's word.
    const trust = localStorage.getItem(TRUST_KEY);
    let proofNote = null;
    if (trust) {
      try {
        request.proof = { state: await rpc('trail_proof', { patient: account }), trust };
      } catch (error) {
        proofNote = `No proof of the head yet (${error.message}): checked against the gateway's head.`;
      }
    }
    const check = await checkTrail(request);
    const against = check.proven
      ? `the head proved at block #${check.proven.block} (GRANDPA authority set ${check.proven.setId}, checked in this browser against your trust file)`
      : `the gateway's head at block #${first.at.number} (not proved: load the consortium's trust file to check the head too)`;
    const banner = check.verified
      ? el('div', { class: 'check verified', 'data-testid': 'trail-check' },
          `Trail complete: ${check.entries.length} entries verified against ${against}.`,
          el('span', { class: 'detail' }, proofNote ?? 'Recomputed in this browser from the records as stored: no entry missing, reordered or altered.'))
      : el('div', { class: 'check broken', 'data-testid': 'trail-check' },
          check.brokenAt ? `Trail broken at entry ${check.brokenAt}.` : 'Trail broken.',
          el('span', { class: 'detail' }, check.problem));
    const trustInput = el('input', { type: 'file', accept: '.json,application/json', 'data-testid': 'trust-file' });
    trustInput.addEventListener('change', async () => {
      const file = trustInput.files[0];
      if (!file) return;
      localStorage.setItem(TRUST_KEY, await file.text());
      route();
    });
    const trustCard = el('p', { class: 'muted', 'data-testid': 'trust' },
      trust ? 'Trust file loaded (kept in this browser). Replace it: ' : "Load the consortium's trust file (or raw chain spec) to prove the trail's head: ",
      trustInput);
    const [documents, consents] = await Promise.all([
      rpc('document_list', { patient: account, limit: 1000 }),
      rpc('consent_list', { patient: account, limit: 1000 }),
    ]);
    return [
      el('h1', {}, 'Patient ', el('span', { class: 'mono' }, account)),
      banner,
      trustCard,
      el('h2', {}, `Audit trail (${check.entries.length} entries, head ${short(check.head?.head ?? trusted.head)})`),
      auditTable(check.entries, names, { broken: check.brokenAt, testid: 'trail' }),
      el('h2', {}, 'Documents'),
      table(documentHeadings, documents.map((d) => documentRow(d, names)), 'No documents.', 'patient-documents'),
      el('h2', {}, 'Consents'),
      table(consentHeadings, consents.map((c) => consentRow(c, names)), 'No consents.', 'patient-consents'),
    ];
  },

  async organisations() {
    const orgs = await rpc('organisation_list');
    return [
      el('h1', {}, 'Organisations'),
      table(['Id', 'Hospital', 'Status', 'Delegate', 'Validator'], orgs.map((o) => el('tr', {},
        el('td', {}, o.id), el('td', {}, el('a', { href: `#/organisation/${o.id}` }, o.name)), el('td', {}, tag(o.status)),
        el('td', {}, accountLink(o.delegate)), el('td', {}, accountLink(o.validator))))),
    ];
  },

  async organisation([id]) {
    const org = (await rpc('organisation_list')).find((o) => o.id === Number(id));
    if (!org) return [el('h1', {}, `No organisation ${id}`)];
    const names = await organisationNames();
    const [documents, consents, entries] = await Promise.all([
      rpc('document_list', { organisation: org.id, limit: 1000 }),
      rpc('consent_list', { organisation: org.id, limit: 1000 }),
      rpc('audit_byOrganisation', { organisation: org.id, limit: 1000 }),
    ]);
    const day = 24 * 3600 * 1000;
    const from = el('input', { type: 'date', name: 'from', value: new Date(Date.now() - 30 * day).toISOString().slice(0, 10) });
    const to = el('input', { type: 'date', name: 'to', value: new Date(Date.now() + day).toISOString().slice(0, 10) });
    const note = el('span', { class: 'muted', 'data-testid': 'export-note' });
    const exporter = (format) => async () => {
      const period = { from: Date.parse(from.value), to: Date.parse(to.value) };
      try {
        const report = await rpc('audit_report', { organisation: org.id, ...period, format });
        const name = `compliance-${org.id}-${from.value}-${to.value}`;
        if (format === 'csv') download(`${name}.csv`, report, 'text/csv');
        else download(`${name}.fhir.json`, JSON.stringify(report, null, 2), 'application/fhir+json');
        note.textContent = `Exported ${format.toUpperCase()} for ${from.value} to ${to.value}.`;
      } catch (error) {
        note.textContent = error.message;
      }
    };
    entries.sort((a, b) => b.at - a.at);
    return [
      el('h1', {}, org.name),
      el('section', { class: 'card', 'data-testid': 'organisation' }, fields([
        ['Id', org.id], ['Status', tag(org.status)], ['Delegate', accountLink(org.delegate)], ['Validator', accountLink(org.validator)],
      ])),
      el('h2', {}, 'Compliance export'),
      el('section', { class: 'card' }, el('div', { class: 'actions' }, 'From', from, 'to', to,
        el('button', { type: 'button', onclick: exporter('csv'), 'data-testid': 'export-csv' }, 'CSV'),
        el('button', { type: 'button', onclick: exporter('fhir'), 'data-testid': 'export-fhir' }, 'FHIR R4 Bundle'), note)),
      el('h2', {}, 'Documents issued'),
      table(documentHeadings, documents.sort((a, b) => a.id - b.id).map((d) => documentRow(d, names)), 'No documents.', 'org-documents'),
      el('h2', {}, 'Consents asked'),
      table(consentHeadings, consents.sort((a, b) => a.id - b.id).map((c) => consentRow(c, names)), 'No consents.', 'org-consents'),
      el('h2', {}, `Audit entries of its staff (${entries.length}${entries.length === 1000 ? ', the first thousand: export the period for all' : ''}), newest first`),
      auditTable(entries, names, { testid: 'org-audit' }),
    ];
  },

  async account([account]) {
    const [member, names] = await Promise.all([rpc('member_get', { account }), organisationNames()]);
    if (member?.role === 'Patient') {
      location.replace(`#/patient/${account}`);
      return [];
    }
    const entries = member ? await rpc('audit_byActor', { actor: account, limit: 200 }) : [];
    const role = member ? (typeof member.role === 'string' ? member.role : Object.entries(member.role).map(([r, o]) => [`${r} of `, orgLink(o, names)])) : 'not a member';
    return [
      el('h1', {}, 'Account ', el('span', { class: 'mono' }, account)),
      el('section', { class: 'card' }, fields([['Role', role], ['Status', member?.status], ['Encryption key', member ? el('code', {}, member.encryptionKey) : null]])),
      el('h2', {}, 'Audit entries it made'),
      auditTable(entries.sort((a, b) => b.at - a.at), names, { testid: 'actor-audit' }),
    ];
  },

  async search([query]) {
    const results = await rpc('explorer_search', { query: decodeURIComponent(query) });
    if (results.length === 1) {
      location.replace(results[0].href);
      return [];
    }
    return [
      el('h1', {}, `Search: ${decodeURIComponent(query)}`),
      results.length
        ? el('ul', { 'data-testid': 'results' }, results.map((r) => el('li', {}, el('a', { href: r.href }, r.label), ` (${r.kind})`)))
        : el('p', { 'data-testid': 'results' }, 'Nothing on this chain matches.'),
    ];
  },
};

// ------------------------------------------------------------------ routing and sign-in

function showSignIn(message = '') {
  document.getElementById('sign-out').hidden = true;
  page.replaceChildren(document.getElementById('sign-in').content.cloneNode(true));
  page.querySelector('[data-testid=sign-in-error]').textContent = message;
  page.querySelector('#sign-in-form').addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, new FormData(event.target).get('token').trim());
    route();
  });
}

async function route() {
  clearTimeout(refresh);
  refresh = null;
  if (!sessionStorage.getItem(TOKEN_KEY)) return showSignIn();
  document.getElementById('sign-out').hidden = false;
  const [path, search = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const [name, ...args] = path.split('/');
  const render = Object.hasOwn(pages, name || 'status') ? pages[name || 'status'] : null;
  const wanted = location.hash;
  page.setAttribute('aria-busy', 'true');
  try {
    const content = render ? await render(args, new URLSearchParams(search)) : [el('h1', {}, 'No such page')];
    if (location.hash !== wanted) return; // the auditor moved on meanwhile
    page.replaceChildren(...content.flat().filter(Boolean));
    page.dataset.page = name || 'status';
  } catch (error) {
    if (error.code === -32001) {
      sessionStorage.removeItem(TOKEN_KEY);
      return showSignIn('That credential was refused.');
    }
    if (error.code === -32002) {
      sessionStorage.removeItem(TOKEN_KEY);
      return showSignIn('That credential is not an auditor\'s.');
    }
    page.replaceChildren(el('h1', {}, 'Could not load this page'), el('p', { class: 'error', 'data-testid': 'page-error' }, error.message));
    page.dataset.page = 'error';
  } finally {
    page.removeAttribute('aria-busy');
  }
}

document.getElementById('search').addEventListener('submit', (event) => {
  event.preventDefault();
  const query = new FormData(event.target).get('q').trim();
  if (query) location.hash = `#/search/${encodeURIComponent(query)}`;
});
document.getElementById('sign-out').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  location.hash = '#/';
  showSignIn();
});
window.addEventListener('hashchange', route);
route();
