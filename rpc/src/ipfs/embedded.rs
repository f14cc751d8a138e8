//! The embedded IPFS node: rust-ipfs on the consortium's private swarm (see [`super`]).

use super::{unavailable, Dag, FETCH_TIMEOUT};
use cid::Cid;
use libp2p::{
	core::{muxing::StreamMuxerBox, transport::Boxed, upgrade::Version},
	identity::Keypair,
	noise, pnet, tcp, yamux, Multiaddr, PeerId, Transport,
};
use medledger_gateway_api::GatewayError;
use rust_ipfs::{unixfs::TraversalFailed, AddPeerOpt, Ipfs, IpfsPath, UninitializedIpfsDefault};
use std::{path::Path, str::FromStr, sync::Arc, time::Duration};

/// How often the embedded node dials configured peers it is not connected to.
const REDIAL_EVERY: Duration = Duration::from_secs(5);

/// The embedded node and the consortium peers it stays connected to.
pub struct EmbeddedNode {
	pub(super) ipfs: Ipfs,
	peers: Vec<PeerId>,
}

impl EmbeddedNode {
	/// Starts the node with its repository under `DATA_DIR/ipfs`; `swarm_key` `None`:
	/// `DATA_DIR/ipfs/swarm.key`, created with a fresh key on first start.
	pub(super) async fn start(
		listen: &[Multiaddr],
		peers: &[Multiaddr],
		swarm_key: Option<&Path>,
		data_dir: &Path,
	) -> anyhow::Result<Arc<Self>> {
		let dir = data_dir.join("ipfs");
		let keypair = load_or_create_identity(data_dir)?;
		let key_path = swarm_key.map_or_else(|| dir.join("swarm.key"), Path::to_path_buf);
		let psk = load_or_create_swarm_key(&key_path)?;
		let ipfs: Ipfs = UninitializedIpfsDefault::new()
			.set_storage_type(rust_ipfs::StorageType::Disk(dir.join("repo")))
			.set_keypair(&keypair)
			.with_bitswap()
			.with_identify(Default::default())
			.with_ping(Default::default())
			.set_listening_addrs(listen.to_vec())
			.with_custom_transport(Box::new(move |keys, _relay| private_transport(keys, psk)))
			.start()
			.await?;
		// Configured peers as kubo's `Peering.Peers`: their addresses in the address book,
		// dialled now, and every connection to them (either side's) kept alive — not closed
		// after the idle timeout, which would drop a kubo peer's bitswap stream and queue.
		let mut consortium = Vec::new();
		for addr in peers {
			let peer = peer_of(addr).ok_or_else(|| {
				anyhow::anyhow!("IPFS peer {addr} does not end in /p2p/<peer id>")
			})?;
			let known = AddPeerOpt::with_peer_id(peer).add_address(addr.clone());
			ipfs.add_peer(known.set_dial(true).keepalive()).await?;
			consortium.push(peer);
		}
		let node = Arc::new(EmbeddedNode { ipfs, peers: consortium });
		tokio::spawn(keep_peers_connected(Arc::downgrade(&node)));
		Ok(node)
	}

	/// Reads from the local repository when the envelope is here, otherwise from the peers,
	/// and pins what it fetched.
	///
	/// rust-ipfs treats a local block that fails its hash check as missing, so a failed local
	/// read is examined for damaged blocks. Under a pin (this hospital's own upload, or a
	/// completed fetch) a damaged block means the repository was altered. Without one it is
	/// what a gateway killed during a fetch leaves (see [`EmbeddedNode::put`]): it is
	/// removed and fetched again.
	/// Content over `most` bytes is refused as soon as the root's size says so.
	pub(super) async fn get(
		&self,
		cid: &Cid,
		document: u64,
		most: usize,
	) -> Result<Vec<u8>, GatewayError> {
		let refuse = |error: TraversalFailed| match error {
			TraversalFailed::MaxLengthExceeded { size, length } => {
				tracing::error!(%cid, document, size, length, "an envelope is larger than its anchor says");
				GatewayError::Tampered(document)
			}
			other => unavailable(other),
		};
		if self.ipfs.repo().contains(cid).await.unwrap_or(false) {
			match self.ipfs.cat_unixfs(IpfsPath::from(*cid)).max_length(most).local().await {
				Ok(bytes) => return Ok(bytes.to_vec()),
				Err(error @ TraversalFailed::MaxLengthExceeded { .. }) => {
					return Err(refuse(error))
				}
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
			.max_length(most)
			.timeout(FETCH_TIMEOUT)
			.await
			.map_err(refuse)?;
		if !self.ipfs.is_pinned(cid).await.unwrap_or(false) {
			if let Err(error) = self.ipfs.insert_pin(cid).recursive().local().await {
				tracing::warn!(%cid, %error, "could not pin a fetched envelope");
			}
		}
		Ok(bytes.to_vec())
	}

	/// Writes the envelope's blocks, pins its root, then reads every block back.
	///
	/// Why each block is checked before it is written: rust-ipfs's block store creates a
	/// block's file empty, then renames a fully written temporary file over it. A gateway
	/// killed in between leaves an empty file under the block's name, and every later write
	/// of that block is skipped as "already there" — the envelope would be reported stored
	/// while its bytes are gone. So a damaged block already in the repository is replaced.
	pub(super) async fn put(&self, dag: &Dag) -> Result<(), GatewayError> {
		for block in dag.blocks() {
			self.remove_if_damaged(block.cid()).await?;
			self.ipfs.put_block(block).await.map_err(unavailable)?;
		}
		let root = dag.root();
		if !self.ipfs.is_pinned(&root).await.map_err(unavailable)? {
			self.ipfs.insert_pin(root).recursive().local().await.map_err(unavailable)?;
		}
		// The repository checks each block's hash as it loads it.
		for block in dag.blocks() {
			match self.ipfs.repo().get_block_now(block.cid()).await {
				Ok(Some(_)) => {}
				Ok(None) => return Err(unavailable(format!("block {} was not kept", block.cid()))),
				Err(error) => return Err(unavailable(error)),
			}
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

/// Redials a consortium peer whose connection was lost (a restart, a network cut), at the
/// addresses the address book holds for it.
async fn keep_peers_connected(node: std::sync::Weak<EmbeddedNode>) {
	loop {
		let Some(node) = node.upgrade() else { return };
		for peer in &node.peers {
			if !node.ipfs.is_connected(*peer).await.unwrap_or(false) {
				if let Err(error) = node.ipfs.connect(*peer).await {
					tracing::debug!(%peer, %error, "IPFS peer not reachable yet");
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

#[cfg(test)]
mod tests {
	use super::*;
	use crate::ipfs::{IpfsConfig, Storage};

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

	/// The anchored record of `envelope` (stored under `root`), of a `size`-byte file.
	fn anchored(root: &Cid, size: u64) -> pallet_documents::Document<medledger_runtime::Runtime> {
		let account = sp_runtime::AccountId32::new([1; 32]);
		pallet_documents::Document {
			patient: account.clone(),
			org: 1,
			author: account,
			commitment: [0; 32],
			cid: root.to_bytes().try_into().unwrap(),
			size,
			media_type: b"application/pdf".to_vec().try_into().unwrap(),
			document_type: b"34133-9".to_vec().try_into().unwrap(),
			created_at: 0,
			status: pallet_documents::DocumentStatus::Current,
			previous: None,
		}
	}

	/// A hospital that anchored a small size for a large envelope cannot make a gateway
	/// fetch it: refused as tampered once the root says how large it is.
	#[tokio::test(flavor = "multi_thread")]
	async fn an_envelope_larger_than_its_anchor_says_is_refused() {
		let dir = tempfile::tempdir().unwrap();
		let envelope = envelope();
		let dag = Dag::of(&envelope);
		let storage = Storage::start(&loopback_node(), dir.path()).await.unwrap();
		storage.put(&dag).await.unwrap();
		let limit = 1 << 20;
		let small = storage.get(1, &anchored(&dag.root(), 1_000), limit).await;
		assert!(matches!(small, Err(GatewayError::Tampered(1))), "{small:?}");
		let honest = storage.get(1, &anchored(&dag.root(), envelope.len() as u64), limit).await;
		assert_eq!(honest.expect("read"), envelope);
		storage.stop().await;
	}

	/// The anchored size is the issuer's word: a record claiming more than this gateway
	/// accepts is refused before anything is fetched, whatever its CID holds.
	#[tokio::test(flavor = "multi_thread")]
	async fn a_record_claiming_more_than_the_readers_limit_is_refused_unfetched() {
		let dir = tempfile::tempdir().unwrap();
		let storage = Storage::start(&loopback_node(), dir.path()).await.unwrap();
		// Nothing is stored under this CID: a fetch would wait for the peers.
		let absent = Dag::of(b"never stored").root();
		let huge = storage.get(1, &anchored(&absent, 1 << 40), 1 << 20).await;
		assert!(
			matches!(huge, Err(GatewayError::FileTooLarge { size, limit: 1_048_576 }) if size == 1 << 40),
			"{huge:?}"
		);
		storage.stop().await;
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
		let dag = Dag::of(&envelope);
		let blocks = dag.blocks();
		assert_eq!(blocks.len(), 3);
		let root = dag.root();

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
		storage.put(&dag).await.expect("stored again");
		let record = anchored(&root, envelope.len() as u64);
		assert_eq!(storage.get(1, &record, u64::MAX).await.expect("read back"), envelope);
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
		let dag = Dag::of(&envelope);
		let (blocks, root) = (dag.blocks(), dag.root());
		h1.put(&dag).await.unwrap();

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
		let record = anchored(&root, envelope.len() as u64);
		assert_eq!(h2.get(1, &record, u64::MAX).await.expect("fetched again from H1"), envelope);
		assert!(node.ipfs.is_pinned(&root).await.unwrap(), "kept at H2 from now on");
		h2.stop().await;
		h1.stop().await;
	}
}
