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
//! `/api/v0/dag/import` (the upload's blocks, as a CAR, roots pinned), `/api/v0/cat`,
//! `/api/v0/pin/add`. Untested here: no kubo can be installed on the build machines
//! (README says so).
//!
//! ## The same bytes give the same CID either way
//!
//! The gateway builds each envelope's DAG itself, once, when it accepts the upload
//! ([`Dag`]): kubo's defaults for `ipfs add` — CIDv0, UnixFS file nodes in dag-pb (no raw
//! leaves), 256 KiB fixed-size chunks, balanced layout with up to 174 links per node, what
//! rust-ipfs 0.14's importer makes. Both stores receive those very blocks (the embedded
//! node writes them, kubo imports them as a CAR), so a kubo hospital that adds the same
//! bytes with its defaults names them with the same CID.

mod dag;
mod embedded;
mod kubo;

pub use dag::{Dag, SpoolError};
pub use embedded::{peer_id, peer_of, EmbeddedNode};
pub use kubo::Kubo;

use cid::Cid;
use libp2p::{Multiaddr, PeerId};
use medledger_gateway_api::GatewayError;
use std::{path::Path, sync::Arc, time::Duration};

/// How long a read waits for content (from the local repo or the peers).
const FETCH_TIMEOUT: Duration = Duration::from_secs(30);

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

impl Storage {
	/// Starts (embedded) or connects (Kubo).
	pub async fn start(config: &IpfsConfig, data_dir: &Path) -> anyhow::Result<Self> {
		match config {
			IpfsConfig::Kubo(url) => Ok(Storage::Kubo(Kubo::new(url))),
			IpfsConfig::Embedded { listen, peers, swarm_key } => Ok(Storage::Embedded(
				EmbeddedNode::start(listen, peers, swarm_key.as_deref(), data_dir).await?,
			)),
		}
	}

	/// Stores an envelope's blocks, its root pinned. When this returns `Ok`, every block
	/// reads back intact from the store (so the caller may drop its own copy).
	pub async fn put(&self, dag: &Dag) -> Result<(), GatewayError> {
		match self {
			Storage::Embedded(node) => node.put(dag).await,
			Storage::Kubo(kubo) => kubo.import(dag).await,
		}
	}

	/// Fetches document `document`'s envelope by the CID its anchored `record` names, locally
	/// or from the peers, and pins it here (replication: what this hospital may read stays
	/// available to it). Within [`FETCH_TIMEOUT`], and no larger than an envelope of the
	/// anchored size: a hospital that anchored a small size for a huge file cannot make the
	/// other gateways fetch it. Content over that bound, or that does not hash to its CID —
	/// altered on disk or by a Kubo node — is [`GatewayError::Tampered`], not merely
	/// unavailable. The anchored size is the issuer's word, so a record that claims more
	/// than `largest_file` (this gateway's own upload limit) is refused before any fetch
	/// ([`GatewayError::FileTooLarge`]): no issuer sets how much another gateway reads.
	pub async fn get(
		&self,
		document: u64,
		record: &pallet_documents::Document<medledger_runtime::Runtime>,
		largest_file: u64,
	) -> Result<Vec<u8>, GatewayError> {
		if record.size > largest_file {
			return Err(GatewayError::FileTooLarge { size: record.size, limit: largest_file });
		}
		let cid = Cid::try_from(&record.cid[..]).map_err(GatewayError::internal)?;
		let most = medledger_envelope::max_envelope_len(record.size);
		let most = usize::try_from(most).unwrap_or(usize::MAX);
		let bytes = match self {
			Storage::Embedded(node) => node.get(&cid, document, most).await?,
			Storage::Kubo(kubo) => kubo.cat(&cid, document, most).await?,
		};
		// rust-ipfs checks each block's hash as it loads it; a Kubo endpoint is trusted less.
		if Dag::of(&bytes).root() != cid {
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

fn other_cid_settings(cid: &Cid, expected: &Cid) -> GatewayError {
	tracing::error!(%cid, %expected, "IPFS computed another CID than the gateway");
	GatewayError::StorageUnavailable(
		"the IPFS store uses other CID settings than the gateway".into(),
	)
}

fn unavailable(error: impl std::fmt::Display) -> GatewayError {
	GatewayError::StorageUnavailable(error.to_string())
}
