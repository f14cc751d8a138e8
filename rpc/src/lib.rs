//! # MedLedger gateway
//!
//! The service hospital apps talk to: portal JSON-RPC over HTTP and WebSocket on one port,
//! in front of a MedLedger node and IPFS.
//!
//! ## Parts
//!
//! The API itself — methods, callers, types, errors, OpenRPC — is declared in
//! `medledger-gateway-api`; the auditors' explorer is `medledger-explorer`, served here.
//!
//! - [`server`]: the jsonrpsee server over HTTP and WebSocket, with the explorer's pages;
//!   [`tls`] serves the same over HTTPS and WSS (plain HTTP only on loopback).
//! - [`access`]: the middleware that applies each method's declared callers and ownership
//!   before any handler runs, and which notifications each subscriber receives.
//! - [`portal`]: the handlers, one file per namespace (members, documents, proofs,
//!   consent, audit, events).
//! - [`proof`]: proof bundles of documents' anchors, for offline verification, and state
//!   proofs of the facts a patient's CLI acts on (`medledger-verifier`).
//! - [`report`]: a hospital's compliance report as CSV or a FHIR R4 Bundle (built as JSON, not
//!   from a typed FHIR model crate: its docs say why).
//! - [`auth`]: bearer credentials bound to a member account and role, stored hashed, with
//!   a rate limit each.
//! - [`ipfs`]: the embedded IPFS node on a private swarm, or a Kubo RPC endpoint.
//! - [`upload`]: files put as a plain HTTP body (`PUT /documents`), beside
//!   `document_upload`'s base64 in JSON.
//! - [`records`]: documents however they were anchored — whose each is, and a patient's or
//!   a hospital's list (a rooted batch's documents come from the index).
//! - [`read_cache`]: the chain facts reads need, asked of the node once per best block;
//!   [`audit_queue`]: reads' audit entries made durable many to one commit.
//! - [`store`] and [`outbox`]: the durable outbox — uploads and audit entries are on disk
//!   before they are acknowledged, and workers carry them to IPFS and the chain, exactly
//!   once, across outages and restarts.
//! - [`wraps`]: the key wraps this hospital owes others for documents it issued after
//!   their grant, or during their break-glass window.
//! - The audit history is read from `medledger-index`, which this gateway keeps up to date
//!   with its node's finalised blocks (`DATA_DIR/index.redb`).
//! - [`keystore`]: the hospital's signing and encryption keys, encrypted at rest.
//! - Envelope encryption itself is the `medledger-envelope` crate, shared with the patient
//!   CLI.
//!
//! ## One libp2p in the workspace
//!
//! rust-ipfs 0.16 is built on libp2p 0.56, whose `libp2p-swarm` pins
//! `libp2p-swarm-derive =0.35.1`, while polkadot-sdk's `sc-network` (libp2p 0.54) pins
//! `=0.35.0`: one Cargo.lock cannot hold both. The gateway uses rust-ipfs 0.14.1, the last
//! release on libp2p 0.54, so node and gateway share one libp2p. rust-ipfs 0.14 needs
//! `core2 0.4.0`, which its author yanked (every core2 release is yanked); Cargo.lock
//! records it, as Cargo allows for yanked versions already locked.

pub mod access;
pub mod audit_queue;
pub mod auth;
pub mod config;
pub mod ipfs;
pub mod keystore;
pub mod limits;
pub mod metrics;
pub mod notify;
pub mod outbox;
pub mod portal;
pub mod proof;
pub mod read_cache;
pub mod records;
pub mod report;
pub mod server;
pub mod standing;
pub mod store;
pub mod tls;
pub mod transport;
pub mod upload;
mod views;
pub mod wraps;

use keystore::Keystore;
use medledger_chain_client::{Chain, Watch};
use medledger_gateway_api::{
	api::events::{Finalised, Notification},
	GatewayError,
};
use medledger_index::RecordError;
use std::sync::Arc;
use tokio::sync::{broadcast, Notify, RwLock};

/// Limits on what clients may send.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
	/// Largest file accepted by `document_upload`, in bytes.
	pub max_file_size: u64,
}

/// Everything a portal method needs.
pub struct Gateway {
	/// The node.
	pub chain: Arc<Chain>,
	/// The outbox and audit queue.
	pub store: Arc<store::Store>,
	/// The audit history of finalised blocks (`medledger-index`): trails and lists by actor,
	/// organisation and period.
	pub index: Arc<medledger_index::Index>,
	/// IPFS.
	pub storage: ipfs::Storage,
	/// The hospital's keys.
	pub keystore: RwLock<Keystore>,
	/// Who may call.
	pub credentials: auth::Credentials,
	/// Whether credentials' accounts still stand on chain.
	pub standings: standing::Standings,
	/// The chain facts reads need, per best block.
	pub reads: read_cache::ReadCache,
	/// Refused read attempts of those who no longer stand, audited lately.
	pub recent_attempts: standing::RecentAttempts,
	/// Input limits.
	pub limits: Limits,
	/// Wakes the upload worker.
	pub outbox: Notify,
	/// Reads' audit entries, queued durably for the audit worker.
	pub audit: audit_queue::AuditQueue,
	/// Notifications for WebSocket subscribers, each with who may receive it.
	pub notifications: broadcast::Sender<(notify::Audience, Notification)>,
	/// The hospital this gateway serves.
	pub organisation: pallet_consortium::OrgId,
}

impl Gateway {
	/// Document `id`'s envelope from IPFS, by its anchored `record`. Another hospital's
	/// record claiming more than this gateway's `--max-file-size` is not fetched (its size
	/// is that hospital's word, [`ipfs::Storage::get`]); this hospital's own are, whatever
	/// the limit is now.
	pub async fn envelope(
		&self,
		id: u64,
		record: &pallet_documents::Document<medledger_runtime::Runtime>,
	) -> Result<Vec<u8>, GatewayError> {
		let largest = match record.org == self.organisation {
			true => u64::MAX,
			false => self.limits.max_file_size,
		};
		self.storage.get(id, record, largest).await
	}

	/// The signing key of keystore account `name`.
	pub async fn signing_pair(&self, name: &str) -> Result<sp_core::sr25519::Pair, GatewayError> {
		let keystore = self.keystore.read().await;
		keystore
			.account(name)
			.map(|a| a.pair.clone())
			.ok_or_else(|| GatewayError::internal(format!("no keystore account {name}")))
	}

	/// The id of the document that is this upload ([`store::Upload::is_anchored_as`]), at the
	/// best block or (with `finalised`) at the finalised head — every question in the state of
	/// that one block, so a reorganisation between them cannot mix two forks' answers.
	pub async fn anchored_id(
		&self,
		upload: &store::Upload,
		finalised: bool,
	) -> Result<Option<u64>, GatewayError> {
		let at = match finalised {
			true => self.chain.finalised_head().await?,
			false => self.chain.best_head().await?.0,
		};
		let api = self.chain.api_at(at);
		let org = self.organisation;
		let Some(id) = api.document_id(upload.commitment.0, org).await? else { return Ok(None) };
		let pair = self.signing_pair(&upload.signer).await?;
		let signer = sp_runtime::AccountId32::from(sp_core::Pair::public(&pair));
		match medledger_index::record_at(&self.chain, &self.index, Some(at), id).await {
			Ok(record) => {
				let ours = record.filter(|doc| upload.is_anchored_as(org, &signer, doc));
				Ok(ours.map(|_| id))
			}
			// Final but not indexed yet: not final as far as this upload goes (its CID is
			// checked once it is).
			Err(RecordError::NotIndexed(_)) if finalised => Ok(None),
			// Of a rooted batch not final yet: its CID is not known here, its patient and
			// author are — and only this gateway signs with the upload's signer's key.
			Err(RecordError::NotIndexed(_)) => {
				let Some((entry, batch)) = api.batched(id).await? else { return Ok(None) };
				Ok((entry.patient == upload.patient && batch.author == signer).then_some(id))
			}
			Err(error) => Err(error.into()),
		}
	}

	/// Follows a submitted extrinsic to finality and tells subscribers: this hospital's
	/// staff, and the patient who signed it if a patient did.
	pub fn watch_finality(&self, watch: Watch, patient: Option<sp_runtime::AccountId32>) {
		let notifications = self.notifications.clone();
		let audience = notify::Audience { patient, organisations: vec![self.organisation] };
		tokio::spawn(async move {
			match watch.finalised().await {
				Ok(block) => {
					let written = Notification::Finalised(Finalised { block: block.into() });
					let _ = notifications.send((audience, written));
				}
				Err(error) => tracing::warn!(%error, "a submitted extrinsic was not finalised"),
			}
		});
	}
}

/// Milliseconds since the Unix epoch.
pub fn unix_millis() -> u64 {
	std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.map(|d| d.as_millis() as u64)
		.unwrap_or(0)
}

/// A started gateway.
pub struct Running {
	/// The portal's address.
	pub addr: std::net::SocketAddr,
	/// The shared state.
	pub gateway: Arc<Gateway>,
	/// The server (stop it to shut down).
	pub server: jsonrpsee::server::ServerHandle,
}

/// Opens the stores, starts IPFS, the server and the workers.
pub async fn start(settings: &config::Settings, passphrase: &str) -> anyhow::Result<Running> {
	let keystore = Keystore::open(&settings.data_dir, passphrase)?;
	let organisation = keystore.organisation();
	tracing::info!(
		organisation = keystore.organisation(),
		accounts = keystore.accounts().len(),
		"keystore opened"
	);
	let store = Arc::new(store::Store::open(&settings.data_dir)?);
	// A cache of the chain's blocks: deleting the file rebuilds it from them.
	let index = Arc::new(medledger_index::Index::open(&settings.data_dir.join("index.redb"))?);
	let storage = ipfs::Storage::start(&settings.ipfs, &settings.data_dir).await?;
	if let Some((peer, addrs)) = storage.identity().await {
		tracing::info!(%peer, ?addrs, "embedded IPFS node started (private swarm)");
	}
	let (notifications, _) = broadcast::channel(1024);
	let gateway = Arc::new(Gateway {
		chain: Arc::new(Chain::new(&settings.node_url)),
		store: store.clone(),
		index,
		storage,
		keystore: RwLock::new(keystore),
		credentials: auth::Credentials::new(&settings.data_dir, settings.rate_limit),
		standings: standing::Standings::default(),
		reads: read_cache::ReadCache::default(),
		recent_attempts: standing::RecentAttempts::default(),
		limits: Limits { max_file_size: settings.max_file_size },
		outbox: Notify::new(),
		audit: audit_queue::AuditQueue::new(store.clone())?,
		notifications,
		organisation,
	});
	// base64 inflates by 4/3. Bodies up to twice the file limit reach `document_upload`,
	// which answers FileTooLarge (-32004); larger ones get HTTP 413 from the server.
	let max_request = (settings.max_file_size * 2 + 64 * 1024).min(u32::MAX as u64) as u32;
	let tls = settings.tls.as_ref().map(|t| tls::server_config(&t.cert, &t.key)).transpose()?;
	let (addr, server) = server::serve(gateway.clone(), settings.listen, max_request, tls).await?;
	tokio::spawn(outbox::run_uploads(gateway.clone()));
	tokio::spawn(outbox::run_audit(gateway.clone()));
	tokio::spawn(notify::run(gateway.clone()));
	tokio::spawn(wraps::run(gateway.clone()));
	tokio::spawn(medledger_index::follow(gateway.index.clone(), gateway.chain.clone()));
	Ok(Running { addr, gateway, server })
}

/// The well-known development secrets of a dev delegate (`alice` … `dave`): its signing
/// secret URI and its X25519 secret `BLAKE2b-256("medledger-dev-encryption//" ++ Name)`,
/// as the dev chain spec registers them. Public knowledge: for trying the chain only.
pub fn dev_secrets(name: &str) -> Option<(String, [u8; 32])> {
	let name = match name {
		"alice" => "Alice",
		"bob" => "Bob",
		"charlie" => "Charlie",
		"dave" => "Dave",
		_ => return None,
	};
	let secret =
		sp_crypto_hashing::blake2_256(format!("medledger-dev-encryption//{name}").as_bytes());
	Some((format!("//{name}"), secret))
}
