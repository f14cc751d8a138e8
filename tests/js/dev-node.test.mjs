// An outside client, @polkadot/api, against a MedLedger development node it starts itself:
// the metadata decodes, a member's extrinsic gets into a block, and an unregistered
// account's extrinsic is refused at submission with the membership code.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDevNode, submit as submitTo } from './dev-node.mjs';

// The refusal codes of pallet-consortium's CheckMembership (InvalidTransaction::Custom).
const NOT_A_MEMBER = 1;

let dev;
let api;
let keyring;

before(async () => {
  dev = await startDevNode();
  ({ api, keyring } = dev);
});

after(async () => {
  await dev?.stop();
});

async function submit(tx, signer) {
  return (await submitTo(api, tx, signer)).blockHash;
}

test('the metadata decodes into MedLedger calls, storage and constants', { timeout: 120_000 }, async () => {
  assert.equal(api.runtimeVersion.specName.toString(), 'medledger');
  assert.equal(typeof api.tx.consortium.registerMember, 'function');
  assert.equal(typeof api.tx.council.propose, 'function');
  const organisations = await api.query.consortium.organisations.entries();
  const names = organisations.map(([, org]) => org.unwrap().name.toUtf8()).sort();
  assert.deepEqual(names, ['H1', 'H2', 'H3', 'H4']);
  const eve = keyring.addFromUri('//Eve');
  const member = (await api.query.consortium.members(eve.address)).unwrap();
  assert.ok(member.role.isPatient);
  assert.equal(api.consts.consortium.maxOrganisations.toNumber(), 32);
});

test("a member's remark gets into a block", { timeout: 120_000 }, async () => {
  const eve = keyring.addFromUri('//Eve');
  const blockHash = await submit(api.tx.system.remark('0x6d65646c6564676572'), eve);
  const block = await api.rpc.chain.getBlock(blockHash);
  const remarks = block.block.extrinsics.filter(
    (xt) => xt.method.section === 'system' && xt.method.method === 'remark',
  );
  assert.equal(remarks.length, 1);
  assert.equal(remarks[0].signer.toString(), eve.address);
});

test("an unregistered account's extrinsic is refused at submission as not a member", { timeout: 120_000 }, async () => {
  const stranger = keyring.addFromUri('//Stranger');
  await assert.rejects(submit(api.tx.system.remark('0x00'), stranger), (err) => {
    // 1010 = invalid transaction, refused by the pool: it never reached a block.
    assert.match(err.message, /1010/);
    assert.match(err.message, new RegExp(`Custom error: ${NOT_A_MEMBER}\\b`));
    assert.doesNotMatch(err.message, /Payment|fee|balance/i);
    return true;
  });
});
