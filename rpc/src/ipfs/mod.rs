//! Where envelopes are kept: an embedded IPFS node (the default) or a Kubo RPC API endpoint.
//!
//! ## Embedded node
//!
//! rust-ipfs (0.14, the last release on libp2p 0.54 — the libp2p the node uses, so the
//! workspace has one libp2p stack), with its repository under `DATA_DIR/ipfs`, its identity
//! kept in `DATA_DIR/ipfs/identity`, and only bitswap, identify and ping behaviours: no
//! bootstrap peers, no mDNS, no Kademlia DHT, no relay, no UPnP. Its transport is TCP,
//! wrapped in libp2p's **private network** layer (a pre-shared swarm key in kubo's
//! `swarm.key` format), then noise and yamux: only the consortium's IPFS nodes, which hold
//! the key, can talk to it. It listens where configured (127.0.0.1 by default) and dials the
//! configured peers — the other hospitals' IPFS nodes — again every few seconds when they
//! drop, so H2's gateway fetches H1's envelope by CID over bitswap.
//!
//! ## Kubo RPC API
//!
//! `--ipfs http://HOST:5001` uses a kubo (or IPFS Cluster proxy) endpoint instead:
//! `/api/v0/add`, `/api/v0/cat`, `/api/v0/pin/add`. Untested here: no kubo can be installed
//! on the build machines (README says so).
//!
//! ## The same bytes give the same CID either way
//!
//! The gateway computes each envelope's CID itself before storing it ([`cid_of`]) and checks
//! the store returned the same one. The settings are kubo's defaults for `ipfs add`:
//! CIDv0, UnixFS file nodes in dag-pb (no raw leaves), 256 KiB fixed-size chunks, balanced
//! layout with up to 174 links per node — what rust-ipfs 0.14's importer makes (the
//! embedded node writes those blocks itself), and what the Kubo client asks for explicitly
//! (`cid-version=0&raw-leaves=false&chunker=size-262144`).

use cid::Cid;
use futures::StreamExt;
use libp2p::{
	core::{muxing::StreamMuxerBox, transport::Boxed, upgrade::Version},
	identity::Keypair,
	noise, pnet, tcp, yamux, Multiaddr, PeerId, Transport,
};
use medledger_gateway_api::GatewayError;
use rust_ipfs::{
	unixfs::ll::file::adder::FileAdder, Block, Ipfs, IpfsPath, UninitializedIpfsDefault,
};
use std::{path::Path, str::FromStr, sync::Arc, time::Duration};

/// How long a read waits for content (from the local repo or the peers).
const FETCH_TIMEOUT: Duration = Duration::from_secs(30);
/// How often the embedded node dials configured peers it is not connected to.
const REDIAL_EVERY: Duration = Duration::from_secs(5);

/// How to reach IPFS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IpfsConfig {
	/// Run a node in the gateway process.
	Embedded {
		/// Listen addresses (loopback by default).
		listen: Vec<Multiaddr>,
		/// The other hospitals' IPFS nodes, each with its `/p2p/<peer id>`.
		peers: Vec<Multiaddr>,
		/// The consortium's swarm key file; `None`: `DATA_DIR/ipfs/swarm.key`, created with
		/// a fresh key on first start (a consortium of one).
		swarm_key: Option<std::path::PathBuf>,
	},
	/// A Kubo RPC API endpoint, e.g. `http://127.0.0.1:5001`.
	Kubo(String),
}

/// A handle to IPFS.
#[derive(Clone)]
pub enum Storage {
	/// The embedded node.
	Embedded(Arc<EmbeddedNode>),
	/// A Kubo RPC API.
	Kubo(Kubo),
}

/// The embedded node and the peers it keeps dialling.
pub struct EmbeddedNode {
	ipfs: Ipfs,
	peers: Vec<Multiaddr>,
}

impl Storage {
	/// Starts (embedded) or connects (Kubo).
	pub async fn start(config: &IpfsConfig, data_dir: &Path) -> anyhow::Result<Self> {
		match config {
			IpfsConfig::Kubo(url) => Ok(Storage::Kubo(Kubo::new(url))),
			IpfsConfig::Embedded { listen, peers, swarm_key } => {
				let dir = data_dir.join("ipfs");
				let keypair = load_or_create_identity(data_dir)?;
				let key_path = swarm_key.clone().unwrap_or_else(|| dir.join("swarm.key"));
				let psk = load_or_create_swarm_key(&key_path)?;
				let ipfs: Ipfs = UninitializedIpfsDefault::new()
					.set_storage_type(rust_ipfs::StorageType::Disk(dir.join("repo")))
					.set_keypair(&keypair)
					.with_bitswap()
					.with_identify(Default::default())
					.with_ping(Default::default())
					.set_listening_addrs(listen.clone())
					.with_custom_transport(Box::new(move |keys, _relay| {
						private_transport(keys, psk)
					}))
					.start()
					.await?;
				let node = Arc::new(EmbeddedNode { ipfs, peers: peers.clone() });
				tokio::spawn(keep_peers_connected(Arc::downgrade(&node)));
				Ok(Storage::Embedded(node))
			}
		}
	}

	/// Stores an envelope (pinned) and checks the store names it `expected`. When this
	/// returns `Ok`, the envelope reads back intact from the store (so the caller may drop
	/// its own copy).
	pub async fn put(&self, bytes: Vec<u8>, expected: &Cid) -> Result<(), GatewayError> {
		match self {
			Storage::Embedded(node) => node.put(&bytes, expected).await,
			Storage::Kubo(kubo) => {
				let cid = kubo.add(bytes).await?;
				if &cid != expected {
					return Err(other_cid_settings(&cid, expected));
				}
				Ok(())
			}
		}
	}

	/// Fetches document `document`'s envelope by CID, locally or from the peers, and pins it
	/// here (replication: what this hospital may read stays available to it). Content that
	/// does not hash to its CID — altered on disk or by a Kubo node — is
	/// [`GatewayError::Tampered`], not merely unavailable.
	pub async fn get(&self, cid: &Cid, document: u64) -> Result<Vec<u8>, GatewayError> {
		let bytes = match self {
			Storage::Embedded(node) => node.get(cid, document).await?,
			Storage::Kubo(kubo) => kubo.cat(cid).await?,
		};
		// rust-ipfs checks each block's hash as it loads it; a Kubo endpoint is trusted less.
		if &cid_of(&bytes) != cid {
			return Err(GatewayError::Tampered(document));
		}
		Ok(bytes)
	}

	/// The embedded node's peer id and listen addresses (for the other hospitals' config).
	pub async fn identity(&self) -> Option<(PeerId, Vec<Multiaddr>)> {
		match self {
			Storage::Embedded(node) => {
				let info = node.ipfs.identity(None).await.ok()?;
				let addrs = node.ipfs.listening_addresses().await.ok()?;
				Some((info.peer_id, addrs))
			}
			Storage::Kubo(_) => None,
		}
	}

	/// Stops the embedded node (releases its repository lock).
	pub async fn stop(&self) {
		if let Storage::Embedded(node) = self {
			node.ipfs.clone().exit_daemon().await;
		}
	}
}

impl EmbeddedNode {
	/// Reads from the local repository when the envelope is here, otherwise from the peers,
	/// and pins what it fetched.
	///
	/// rust-ipfs treats a local block that fails its hash check as missing, so a failed local
	/// read is examined for damaged blocks. Under a pin (this hospital's own upload, or a
	/// completed fetch) a damaged block means the repository was altered. Without one it is
	/// what a gateway killed during a fetch leaves (see [`EmbeddedNode::put`]): it is
	/// removed and fetched again.
	async fn get(&self, cid: &Cid, document: u64) -> Result<Vec<u8>, GatewayError> {
		if self.ipfs.repo().contains(cid).await.unwrap_or(false) {
			match self.ipfs.cat_unixfs(IpfsPath::from(*cid)).local().await {
				Ok(bytes) => return Ok(bytes.to_vec()),
				Err(error) => {
					let damaged = self.damaged_blocks(cid).await;
					if damaged.is_empty() {
						// Partly here (an interrupted fetch): the peers have the rest.
						tracing::debug!(%cid, %error, "not all blocks are local");
					} else if self.ipfs.is_pinned(cid).await.unwrap_or(true) {
						tracing::error!(%cid, document, "an envelope's block was altered in the repository");
						return Err(GatewayError::Tampered(document));
					} else {
						for block in damaged {
							tracing::warn!(%block, "removing a damaged block left by an interrupted fetch");
							self.ipfs.remove_block(block, false).await.map_err(unavailable)?;
						}
					}
				}
			}
		}
		let peers = self.ipfs.connected().await.unwrap_or_default();
		let bytes = self
			.ipfs
			.cat_unixfs(IpfsPath::from(*cid))
			.providers(&peers)
			.timeout(FETCH_TIMEOUT)
			.await
			.map_err(unavailable)?;
		if !self.ipfs.is_pinned(cid).await.unwrap_or(false) {
			if let Err(error) = self.ipfs.insert_pin(cid).recursive().local().await {
				tracing::warn!(%cid, %error, "could not pin a fetched envelope");
			}
		}
		Ok(bytes.to_vec())
	}

	/// Writes the envelope's blocks, pins its root, then reads it back.
	///
	/// Why not `add_unixfs`: rust-ipfs's block store creates a block's file empty, then
	/// renames a fully written temporary file over it. A gateway killed in between leaves an
	/// empty file under the block's name, and every later write of that block is skipped as
	/// "already there" — the envelope would be reported stored while its bytes are gone.
	/// So each block already in the repository is checked first and a damaged one replaced.
	async fn put(&self, bytes: &[u8], expected: &Cid) -> Result<(), GatewayError> {
		let blocks = dag_of(bytes);
		let root = blocks.last().map(|block| *block.cid()).expect("a DAG has a root");
		if &root != expected {
			return Err(other_cid_settings(&root, expected));
		}
		for block in &blocks {
			self.remove_if_damaged(block.cid()).await?;
			self.ipfs.put_block(block).await.map_err(unavailable)?;
		}
		if !self.ipfs.is_pinned(&root).await.map_err(unavailable)? {
			self.ipfs.insert_pin(root).recursive().local().await.map_err(unavailable)?;
		}
		let stored = self.ipfs.cat_unixfs(IpfsPath::from(root)).local().await;
		if stored.map_err(unavailable)?.as_ref() != bytes {
			return Err(unavailable("the envelope did not read back intact"));
		}
		Ok(())
	}

	/// Removes block `cid` from the repository if it is there but does not hash to its CID.
	/// A damaged block under a pin (only a power loss after the pin can leave one) cannot be
	/// removed through rust-ipfs; the upload then stays in the outbox with the error shown.
	async fn remove_if_damaged(&self, cid: &Cid) -> Result<(), GatewayError> {
		match self.ipfs.repo().get_block_now(cid).await {
			Err(error) if hash_mismatch(error.as_ref()) => {
				tracing::warn!(%cid, "replacing a damaged block left by an interrupted write");
				self.ipfs.remove_block(cid, false).await.map_err(unavailable)?;
				Ok(())
			}
			Err(error) => Err(unavailable(error)),
			Ok(_) => Ok(()),
		}
	}

	/// The blocks of the DAG under `root` that are in the repository but do not hash to
	/// their CID.
	async fn damaged_blocks(&self, root: &Cid) -> Vec<Cid> {
		let mut damaged = Vec::new();
		let mut pending = vec![*root];
		while let Some(cid) = pending.pop() {
			match self.ipfs.repo().get_block_now(&cid).await {
				Ok(Some(block)) => {
					let _ = block.references(&mut pending);
				}
				Ok(None) => {}
				Err(error) if hash_mismatch(error.as_ref()) => damaged.push(cid),
				Err(_) => {}
			}
		}
		damaged
	}
}

/// The blocks kubo's `ipfs add` defaults make of `bytes`, root last (see the module docs).
fn dag_of(bytes: &[u8]) -> Vec<Block> {
	let mut adder = FileAdder::builder().build();
	let mut blocks = Vec::new();
	let mut offset = 0;
	while offset < bytes.len() {
		let (pushed, consumed) = adder.push(&bytes[offset..]);
		blocks.extend(pushed);
		offset += consumed;
	}
	blocks.extend(adder.finish());
	blocks.into_iter().map(|(cid, data)| Block::new_unchecked(cid, data)).collect()
}

/// The CID kubo's `ipfs add` defaults give `bytes` (see the module docs).
pub fn cid_of(bytes: &[u8]) -> Cid {
	*dag_of(bytes).last().expect("an adder always yields a root").cid()
}

/// Whether a block read failed because its content does not match its hash (rust-ipfs
/// reports it as an `InvalidData` I/O error somewhere in the chain of causes).
fn hash_mismatch(error: &(dyn std::error::Error + 'static)) -> bool {
	let mut cause = Some(error);
	while let Some(error) = cause {
		if error
			.downcast_ref::<std::io::Error>()
			.is_some_and(|e| e.kind() == std::io::ErrorKind::InvalidData)
		{
			return true;
		}
		cause = error.source();
	}
	false
}

fn other_cid_settings(cid: &Cid, expected: &Cid) -> GatewayError {
	tracing::error!(%cid, %expected, "IPFS computed another CID than the gateway");
	GatewayError::StorageUnavailable(
		"the IPFS store uses other CID settings than the gateway".into(),
	)
}

fn unavailable(error: impl std::fmt::Display) -> GatewayError {
	GatewayError::StorageUnavailable(error.to_string())
}

/// TCP, then the private-network handshake (pre-shared key), then noise, then yamux.
fn private_transport(
	keys: &Keypair,
	psk: pnet::PreSharedKey,
) -> std::io::Result<Boxed<(PeerId, StreamMuxerBox)>> {
	let noise = noise::Config::new(keys).map_err(std::io::Error::other)?;
	Ok(tcp::tokio::Transport::new(tcp::Config::default().nodelay(true))
		.and_then(move |socket, _| pnet::PnetConfig::new(psk).handshake(socket))
		.upgrade(Version::V1Lazy)
		.authenticate(noise)
		.multiplex(yamux::Config::default())
		.timeout(Duration::from_secs(20))
		.boxed())
}

async fn keep_peers_connected(node: std::sync::Weak<EmbeddedNode>) {
	loop {
		let Some(node) = node.upgrade() else { return };
		for addr in &node.peers {
			let Some(peer) = peer_of(addr) else { continue };
			if !node.ipfs.is_connected(peer).await.unwrap_or(false) {
				if let Err(error) = node.ipfs.connect(addr.clone()).await {
					tracing::debug!(%addr, %error, "IPFS peer not reachable yet");
				}
			}
		}
		drop(node);
		tokio::time::sleep(REDIAL_EVERY).await;
	}
}

/// The peer id at the end of a `/p2p/…` multiaddr.
pub fn peer_of(addr: &Multiaddr) -> Option<PeerId> {
	addr.iter().find_map(|p| match p {
		libp2p::multiaddr::Protocol::P2p(peer) => Some(peer),
		_ => None,
	})
}

/// The embedded node's peer id (what the other hospitals put in their `--ipfs-peer`),
/// creating its identity under `data_dir` if there is none yet.
pub fn peer_id(data_dir: &Path) -> anyhow::Result<PeerId> {
	Ok(load_or_create_identity(data_dir)?.public().to_peer_id())
}

fn load_or_create_identity(data_dir: &Path) -> anyhow::Result<Keypair> {
	let dir = data_dir.join("ipfs");
	std::fs::create_dir_all(&dir)?;
	let path = dir.join("identity");
	if let Ok(bytes) = std::fs::read(&path) {
		return Ok(Keypair::from_protobuf_encoding(&bytes)?);
	}
	let keypair = Keypair::generate_ed25519();
	crate::store::write_atomically(&path, &keypair.to_protobuf_encoding()?)?;
	Ok(keypair)
}

fn load_or_create_swarm_key(path: &Path) -> anyhow::Result<pnet::PreSharedKey> {
	if let Ok(text) = std::fs::read_to_string(path) {
		return pnet::PreSharedKey::from_str(&text)
			.map_err(|e| anyhow::anyhow!("swarm key {}: {e}", path.display()));
	}
	let mut key = [0u8; 32];
	rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut key);
	let psk = pnet::PreSharedKey::new(key);
	crate::store::write_atomically(path, psk.to_string().as_bytes())?;
	Ok(psk)
}

/// A minimal client of the Kubo RPC API.
#[derive(Clone)]
pub struct Kubo {
	base: String,
	http: reqwest::Client,
}

impl Kubo {
	fn new(url: &str) -> Self {
		Kubo { base: url.trim_end_matches('/').to_string(), http: reqwest::Client::new() }
	}

	async fn add(&self, bytes: Vec<u8>) -> Result<Cid, GatewayError> {
		let form = reqwest::multipart::Form::new()
			.part("file", reqwest::multipart::Part::bytes(bytes).file_name("envelope"));
		let response: serde_json::Value = self
			.http
			.post(format!(
				"{}/api/v0/add?cid-version=0&raw-leaves=false&chunker=size-262144&pin=true",
				self.base
			))
			.multipart(form)
			.send()
			.await
			.map_err(unavailable)?
			.error_for_status()
			.map_err(unavailable)?
			.json()
			.await
			.map_err(unavailable)?;
		let hash = response["Hash"].as_str().ok_or_else(|| unavailable("no Hash in reply"))?;
		Cid::from_str(hash).map_err(unavailable)
	}

	async fn cat(&self, cid: &Cid) -> Result<Vec<u8>, GatewayError> {
		let response = self
			.http
			.post(format!("{}/api/v0/cat?arg={cid}", self.base))
			.timeout(FETCH_TIMEOUT)
			.send()
			.await
			.map_err(unavailable)?
			.error_for_status()
			.map_err(unavailable)?;
		let mut body = response.bytes_stream();
		let mut out = Vec::new();
		while let Some(chunk) = body.next().await {
			out.extend_from_slice(&chunk.map_err(unavailable)?);
		}
		// Pin on the node we read through, as the embedded node does.
		let _ = self.http.post(format!("{}/api/v0/pin/add?arg={cid}", self.base)).send().await;
		Ok(out)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn loopback_node() -> IpfsConfig {
		IpfsConfig::Embedded {
			listen: vec!["/ip4/127.0.0.1/tcp/0".parse().unwrap()],
			peers: vec![],
			swarm_key: None,
		}
	}

	/// Starts a node on a repository a stopped node used. rust-ipfs releases the repository's
	/// lock from its own task after `exit_daemon`, so a restart in the same process (a killed
	/// gateway's restart is a new process) waits for it.
	async fn start_again(config: &IpfsConfig, dir: &Path) -> Storage {
		for _ in 0..100 {
			match Storage::start(config, dir).await {
				Ok(storage) => return storage,
				Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
			}
		}
		Storage::start(config, dir).await.expect("the repository is released")
	}

	/// Two 256 KiB chunks and a root.
	fn envelope() -> Vec<u8> {
		(0..300_000u32).map(|i| (i % 251) as u8).collect()
	}

	/// Where the repository keeps `cid`'s block: a file named for its CIDv1, in a shard
	/// directory.
	fn block_file(dir: &Path, cid: &Cid) -> std::path::PathBuf {
		let name = format!("{}.data", Cid::new_v1(cid.codec(), *cid.hash()));
		let mut pending = vec![dir.join("ipfs/repo/blockstore")];
		while let Some(dir) = pending.pop() {
			for entry in std::fs::read_dir(dir).unwrap().map(Result::unwrap) {
				if entry.file_type().unwrap().is_dir() {
					pending.push(entry.path());
				} else if entry.file_name().to_str() == Some(name.as_str()) {
					return entry.path();
				}
			}
		}
		panic!("no file for block {cid}");
	}

	/// A gateway killed while rust-ipfs writes a block leaves the block's file empty. Storing
	/// the envelope again (what the outbox does after a restart) must rewrite it, so the
	/// envelope reads back instead of being lost.
	#[tokio::test(flavor = "multi_thread")]
	async fn blocks_emptied_by_an_interrupted_write_are_rewritten() {
		let dir = tempfile::tempdir().unwrap();
		// A leaf and the root get damaged.
		let envelope = envelope();
		let blocks = dag_of(&envelope);
		assert_eq!(blocks.len(), 3);
		let root = *blocks[2].cid();
		assert_eq!(cid_of(&envelope), root);

		let storage = Storage::start(&loopback_node(), dir.path()).await.unwrap();
		let Storage::Embedded(node) = &storage else { unreachable!("embedded") };
		for block in [&blocks[0], &blocks[2]] {
			node.ipfs.put_block(block).await.unwrap();
		}
		storage.stop().await;
		drop(storage);
		for block in [&blocks[0], &blocks[2]] {
			std::fs::write(block_file(dir.path(), block.cid()), b"").unwrap();
		}

		let storage = start_again(&loopback_node(), dir.path()).await;
		storage.put(envelope.clone(), &root).await.expect("stored again");
		assert_eq!(storage.get(&root, 1).await.expect("read back"), envelope);
		assert_eq!(std::fs::read(block_file(dir.path(), &root)).unwrap(), blocks[2].data());
		storage.stop().await;
	}

	/// H2's gateway killed while fetching H1's envelope leaves an empty, unpinned block: the
	/// next read fetches it again instead of reporting H1's document as tampered.
	#[tokio::test(flavor = "multi_thread")]
	async fn a_fetch_interrupted_by_a_kill_is_fetched_again() {
		let (h1_dir, h2_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
		let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
		let h1_config = IpfsConfig::Embedded {
			listen: vec![format!("/ip4/127.0.0.1/tcp/{port}").parse().unwrap()],
			peers: vec![],
			swarm_key: None,
		};
		let h1 = Storage::start(&h1_config, h1_dir.path()).await.unwrap();
		let envelope = envelope();
		let blocks = dag_of(&envelope);
		let root = *blocks[2].cid();
		h1.put(envelope.clone(), &root).await.unwrap();

		// What the interrupted fetch left at H2: the root, empty.
		let h2_config = IpfsConfig::Embedded {
			listen: vec!["/ip4/127.0.0.1/tcp/0".parse().unwrap()],
			peers: vec![format!(
				"/ip4/127.0.0.1/tcp/{port}/p2p/{}",
				peer_id(h1_dir.path()).unwrap()
			)
			.parse()
			.unwrap()],
			swarm_key: Some(h1_dir.path().join("ipfs/swarm.key")),
		};
		let h2 = Storage::start(&h2_config, h2_dir.path()).await.unwrap();
		let Storage::Embedded(node) = &h2 else { unreachable!("embedded") };
		node.ipfs.put_block(&blocks[2]).await.unwrap();
		h2.stop().await;
		drop(h2);
		std::fs::write(block_file(h2_dir.path(), &root), b"").unwrap();

		let h2 = start_again(&h2_config, h2_dir.path()).await;
		let Storage::Embedded(node) = &h2 else { unreachable!("embedded") };
		let h1_peer = peer_id(h1_dir.path()).unwrap();
		for _ in 0..100 {
			if node.ipfs.is_connected(h1_peer).await.unwrap_or(false) {
				break;
			}
			tokio::time::sleep(Duration::from_millis(100)).await;
		}
		assert_eq!(h2.get(&root, 1).await.expect("fetched again from H1"), envelope);
		assert!(node.ipfs.is_pinned(&root).await.unwrap(), "kept at H2 from now on");
		h2.stop().await;
		h1.stop().await;
	}
}
