// An outside client, @polkadot/api, against a MedLedger development node it starts itself:
// the metadata decodes, a member's extrinsic gets into a block, and an unregistered
// account's extrinsic is refused at submission with the membership code.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

const NODE =
  process.env.MEDLEDGER_NODE ?? `${process.env.HOME}/.cache/medledger/target/release/medledger-node`;

// The refusal codes of pallet-consortium's CheckMembership (InvalidTransaction::Custom).
const NOT_A_MEMBER = 1;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Resolves once something accepts TCP connections on 127.0.0.1:port.
async function waitForPort(port, attempts = 240) {
  for (let i = 0; i < attempts; i += 1) {
    const open = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => { socket.end(); resolve(true); });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port}`);
}

let node;
let api;
let keyring;

before(async () => {
  const rpcPort = await freePort();
  const p2pPort = await freePort();
  node = spawn(
    NODE,
    [
      '--dev', '--tmp',
      '--rpc-port', String(rpcPort),
      '--listen-addr', `/ip4/127.0.0.1/tcp/${p2pPort}`,
      '--no-mdns', '--no-telemetry', '--no-prometheus',
    ],
    { stdio: ['ignore', 'ignore', 'ignore'] },
  );
  await waitForPort(rpcPort);
  const provider = new WsProvider(`ws://127.0.0.1:${rpcPort}`);
  api = await ApiPromise.create({ provider, noInitWarn: true });
  await cryptoWaitReady();
  keyring = new Keyring({ type: 'sr25519' });
});

after(async () => {
  await api?.disconnect();
  if (node && node.exitCode === null) {
    node.kill('SIGTERM');
  }
});

// Signs and submits; resolves with the block hash once in a block, rejects on refusal.
function submit(tx, signer) {
  return new Promise((resolve, reject) => {
    tx.signAndSend(signer, ({ status, dispatchError }) => {
      if (dispatchError) reject(new Error(`dispatch error: ${dispatchError.toString()}`));
      else if (status.isInBlock) resolve(status.asInBlock.toHex());
    }).catch(reject);
  });
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
