// A MedLedger development node on loopback for the @polkadot/api tests: started on free
// ports, connected, and stopped by its pid.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

const NODE =
  process.env.MEDLEDGER_NODE ?? `${process.env.HOME}/.cache/medledger/target/release/medledger-node`;

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

// Starts `medledger-node --dev` with a temporary database; returns the connected api, an
// sr25519 keyring and `stop()`.
export async function startDevNode() {
  const rpcPort = await freePort();
  const p2pPort = await freePort();
  const node = spawn(
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
  const api = await ApiPromise.create({
    provider: new WsProvider(`ws://127.0.0.1:${rpcPort}`),
    noInitWarn: true,
  });
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519' });
  const stop = async () => {
    await api.disconnect();
    if (node.exitCode === null) process.kill(node.pid, 'SIGTERM');
  };
  return { api, keyring, stop };
}

// Signs and submits; resolves with the block hash and the extrinsic's events once in a
// block, rejects on refusal or on a dispatch error (decoded to `section.Name`).
export function submit(api, tx, signer) {
  return new Promise((resolve, reject) => {
    tx.signAndSend(signer, ({ status, dispatchError, events }) => {
      if (dispatchError) {
        if (dispatchError.isModule) {
          const { section, name } = api.registry.findMetaError(dispatchError.asModule);
          reject(new Error(`dispatch error: ${section}.${name}`));
        } else {
          reject(new Error(`dispatch error: ${dispatchError.toString()}`));
        }
      } else if (status.isInBlock) {
        resolve({ blockHash: status.asInBlock.toHex(), events: events.map((r) => r.event) });
      }
    }).catch(reject);
  });
}
