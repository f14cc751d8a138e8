// An outside client, @polkadot/api, submits every call of the documents, consent and audit
// pallets to a development node, decodes every event they raise and every storage item
// they keep, and calls their runtime APIs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { startDevNode, submit } from './dev-node.mjs';

let dev;
let api;
let alice; // administrator of H1
let bob; // administrator of H2
let clinician; // registered below as a clinician of H2
let nurse; // registered below as a clinician of H2, later removed
let h1Clinician; // registered below as a clinician of H1
let eve; // a patient
const events = new Set();

before(async () => {
  dev = await startDevNode();
  api = dev.api;
  alice = dev.keyring.addFromUri('//Alice');
  bob = dev.keyring.addFromUri('//Bob');
  clinician = dev.keyring.addFromUri('//Bob//clinician');
  nurse = dev.keyring.addFromUri('//Bob//nurse');
  h1Clinician = dev.keyring.addFromUri('//Alice//clinician');
  eve = dev.keyring.addFromUri('//Eve');
});

after(async () => {
  await dev?.stop();
});

// Submits and remembers the `section.Method` of every event the extrinsic raised.
async function send(tx, signer) {
  const result = await submit(api, tx, signer);
  for (const event of result.events) events.add(`${event.section}.${event.method}`);
  return result;
}

function eventData(result, section, method) {
  const event = result.events.find((e) => e.section === section && e.method === method);
  assert.ok(event, `${section}.${method} raised`);
  return event.data;
}

// A new document for Eve; `n` makes its commitment and CID unique.
function newDocument(n, documentType = '11502-2') {
  const digest = new Uint8Array(32).fill(n);
  return {
    patient: eve.address,
    commitment: u8aToHex(digest),
    cid: u8aToHex(new Uint8Array([0x01, 0x55, 0x12, 0x20, ...digest])),
    size: 1024,
    mediaType: 'application/fhir+json',
    documentType,
  };
}

const readOnly = { read: true, write: false };

async function window(ms) {
  const now = (await api.query.timestamp.now()).toNumber();
  return { from: now, to: now + ms };
}

// A window ending on the first whole minute at least `ms` from now: the chain ends a grant
// by itself only once the minute its window ends in has passed, so a grant ending on a
// minute's first millisecond leaves a whole minute to record its expiry by hand.
async function windowToMinute(ms) {
  const asked = await window(ms);
  return { from: asked.from, to: Math.ceil(asked.to / 60_000) * 60_000 };
}

async function request(scope, ms = 86_400_000, asked = null) {
  asked ??= await window(ms);
  const result = await send(
    api.tx.consent.request(eve.address, scope, 'Treatment', readOnly, asked),
    clinician,
  );
  return { id: eventData(result, 'consent', 'Requested').id.toNumber(), until: asked.to };
}

// Resolves once the chain's clock has passed `moment`.
async function chainTimePasses(moment) {
  while ((await api.query.timestamp.now()).toNumber() <= moment) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

// The member's signature of their key statement (pallet_consortium::KeyStatement): a tag,
// then SCALE of the account, the encryption key, the registering hospital (Some(org)) and
// the genesis hash.
function keyProof(member, encryptionKey, org) {
  const registrar = new Uint8Array(5);
  registrar[0] = 1;
  new DataView(registrar.buffer).setUint32(1, org, true);
  const message = u8aConcat(
    stringToU8a('medledger/encryption-key'),
    member.publicKey,
    encryptionKey,
    registrar,
    api.genesisHash,
  );
  return { Sr25519: member.sign(message) };
}

// The hash a grant names (pallet_consent::Terms::hash): the chain's hasher (BLAKE2b-256) over
// a tag and the SCALE of the request's hospital, scope, purpose, actions and window, as the
// chain holds them.
async function terms(id) {
  const consent = (await api.query.consent.consents(id)).unwrap();
  return api.registry.hash(
    u8aConcat(
      stringToU8a('medledger/consent-terms1'),
      consent.org.toU8a(),
      consent.scope.toU8a(),
      consent.purpose.toU8a(),
      consent.actions.toU8a(),
      consent.window.toU8a(),
    ),
  );
}

test('every call goes through and every event decodes', { timeout: 300_000 }, async () => {
  const key = new Uint8Array(32).fill(7);
  for (const [member, org, admin] of [[clinician, 2, bob], [nurse, 2, bob], [h1Clinician, 1, alice]]) {
    await send(
      api.tx.consortium.registerMember(member.address, { Clinician: org }, u8aToHex(key), keyProof(member, key, org)),
      admin,
    );
  }

  const anchored = await send(api.tx.documents.anchor(newDocument(1)), alice);
  const first = eventData(anchored, 'documents', 'Anchored');
  assert.equal(first.patient.toString(), eve.address);
  assert.equal(first.org.toNumber(), 1);
  const doc = first.id.toNumber();
  const recorded = eventData(anchored, 'audit', 'Recorded').record.entry;
  assert.ok(recorded.action.isCreate);
  assert.equal(recorded.subject.asDocument.toNumber(), doc);

  const batch = await send(api.tx.documents.anchorBatch([2, 3, 4].map((n) => newDocument(n))), alice);
  assert.equal(batch.events.filter((e) => e.method === 'Anchored').length, 3);
  await send(api.tx.documents.amend(doc + 1, newDocument(5)), alice);
  await send(api.tx.documents.markEnteredInError(doc + 2), alice);
  // Under one Merkle root: a batch record, an entry per document, an Anchored event each.
  const rooted = await send(api.tx.documents.anchorRootedBatch([6, 7].map((n) => newDocument(n))), alice);
  assert.equal(rooted.events.filter((e) => e.method === 'Anchored').length, 2);
  assert.equal(eventData(rooted, 'documents', 'BatchAnchored').count.toNumber(), 2);

  const { id: consent } = await request('All');
  const granted = await send(
    api.tx.consent.grant(consent, await terms(consent), [[doc, u8aToHex(new Uint8Array(104).fill(9))]]),
    eve,
  );
  assert.equal(eventData(granted, 'consent', 'KeysWrapped').documents.toNumber(), 1);
  await send(
    api.tx.audit.recordAccess([{
      patient: eve.address,
      subject: { Document: doc },
      consent,
      purpose: 'Treatment',
      outcome: 'Success',
      at: (await api.query.timestamp.now()).toNumber(),
    }]),
    clinician,
  );
  await send(api.tx.consent.revoke(consent), eve);

  const { id: denied } = await request({ Documents: [doc] });
  await send(api.tx.consent.deny(denied), eve);

  const opened = await send(api.tx.consent.breakGlass(eve.address, 'unconscious in ER'), clinician);
  const emergency = eventData(opened, 'consent', 'BreakGlass');
  assert.equal(emergency.clinician.toString(), clinician.address);
  // H1 issued the document: it releases the key to H2 during the emergency window.
  await send(api.tx.consent.addWraps(emergency.id, [[doc, u8aToHex(new Uint8Array(104).fill(3))]]), alice);

  // Eve changes her encryption key; H1 wraps its document's key to the new one.
  const newKey = u8aToHex(new Uint8Array(32).fill(5));
  await send(api.tx.consortium.setEncryptionKey(newKey), eve);
  const rewrapped = await send(
    api.tx.consent.wrapForPatient(eve.address, newKey, [[doc, u8aToHex(new Uint8Array(104).fill(4))]]),
    alice,
  );
  assert.equal(eventData(rewrapped, 'consent', 'WrappedForPatient').documents.toNumber(), 1);

  // A patient's revocation of break-glass bars the hospital (here H1, whose clinician
  // broke the glass) until she lifts the bar.
  const again = await send(api.tx.consent.breakGlass(eve.address, 'second emergency'), h1Clinician);
  await send(api.tx.consent.revoke(eventData(again, 'consent', 'BreakGlass').id), eve);
  await send(api.tx.consent.liftBreakGlassHold(1), eve);
  const third = await send(api.tx.consent.breakGlass(eve.address, 'third emergency'), h1Clinician);
  const held = await send(api.tx.consent.revoke(eventData(third, 'consent', 'BreakGlass').id), eve);
  assert.equal(eventData(held, 'consent', 'BreakGlassHeld').org.toNumber(), 1);

  // H2 removes a clinician, who can sign nothing now; H2's administrator reports her
  // refused attempt.
  await send(api.tx.consortium.removeMember(nurse.address), bob);
  await send(
    api.tx.audit.recordRefusals([[nurse.address, {
      patient: eve.address,
      subject: { Document: doc },
      consent: null,
      purpose: 'Treatment',
      outcome: { Refused: 'NotAMember' },
      at: (await api.query.timestamp.now()).toNumber(),
    }]]),
    bob,
  );

  const short = await request({ DocumentTypes: ['11502-2'] }, 0, await windowToMinute(20_000));
  await send(api.tx.consent.grant(short.id, await terms(short.id), []), eve);
  await chainTimePasses(short.until);
  await send(api.tx.consent.expire(short.id), bob);
  // One request left open, so every storage item holds something.
  await request('All');

  for (const name of [
    'documents.Anchored', 'documents.Amended', 'documents.MarkedEnteredInError',
    'documents.BatchAnchored',
    'consent.Requested', 'consent.Granted', 'consent.Denied', 'consent.Revoked',
    'consent.Expired', 'consent.BreakGlass', 'consent.KeysWrapped', 'consent.WrappedForPatient',
    'consent.BreakGlassHeld', 'consent.BreakGlassHoldLifted',
    'audit.Recorded',
  ]) {
    assert.ok(events.has(name), `${name} seen`);
  }
});

test('every storage item decodes', { timeout: 120_000 }, async () => {
  for (const section of ['documents', 'consent', 'audit']) {
    for (const [name, item] of Object.entries(api.query[section])) {
      const decoded = item.creator.meta.type.isPlain ? [[null, await item()]] : await item.entries();
      assert.ok(decoded.length > 0, `${section}.${name} holds something`);
      for (const [, value] of decoded) assert.ok(value.toJSON() !== undefined);
    }
  }
  const doc = (await api.query.documents.records(1)).unwrap();
  assert.equal(doc.patient.toString(), eve.address);
  assert.ok(doc.status.isCurrent);
  assert.equal(doc.documentType.toUtf8(), '11502-2');
  const second = (await api.query.documents.records(2)).unwrap();
  assert.equal(second.status.asSuperseded.by.toNumber(), 5);
  const consent = (await api.query.consent.consents(1)).unwrap();
  assert.ok(consent.status.isRevoked);
  const trail = await api.query.audit.trails(eve.address);
  assert.ok(trail.seq.toNumber() >= 10);
});

test('the runtime APIs answer', { timeout: 120_000 }, async () => {
  const access = await api.call.consentApi.canAccess(clinician.address, 1, 'Read', 'Emergency');
  // Only the break-glass consent (3) could allow it, and its hour has not passed.
  assert.ok(access.isOk);
  assert.equal(access.asOk.asConsent.toNumber(), 3);
  // It serves emergencies only.
  const forTreatment = await api.call.consentApi.canAccess(clinician.address, 1, 'Read', 'Treatment');
  assert.ok(forTreatment.asErr.isPurposeNotGranted);
  const refused = await api.call.consentApi.canAccess(dev.keyring.addFromUri('//Ferdie').address, 1, 'Read', null);
  assert.ok(refused.isErr);
  assert.ok(refused.asErr.isNoConsent);
  const doc = await api.call.documentsApi.document(1);
  assert.equal(doc.unwrap().org.toNumber(), 1);
  const mine = await api.call.documentsApi.documentsByPatient(eve.address, null, 100);
  assert.equal(mine.length, 5);
  // The chain's state keeps only Eve's trail head; every entry is in a block's events
  // (`audit.Recorded`), numbered 1, 2, …, the last one's head the head kept.
  const best = await api.rpc.chain.getBlockHash();
  const head = await (await api.at(best)).call.auditApi.trailHead(eve.address);
  const entries = [];
  const last = (await api.rpc.chain.getHeader(best)).number.toNumber();
  for (let n = 1; n <= last; n++) {
    const at = await api.at(await api.rpc.chain.getBlockHash(n));
    for (const { event } of await at.query.system.events()) {
      if (event.section === 'audit' && event.method === 'Recorded'
        && event.data.record.entry.patient.toString() === eve.address) {
        entries.push([event.data.seq.toNumber(), event.data.record.head.toHex()]);
      }
    }
  }
  assert.deepEqual(entries.map(([seq]) => seq), [...Array(head.seq.toNumber()).keys()].map((i) => i + 1));
  assert.equal(entries[entries.length - 1][1], head.head.toHex());
});
