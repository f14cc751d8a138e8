//! The chain client: runtime-API queries, signed extrinsics, inclusion and finality.
//!
//! ## Why the runtime's own types over jsonrpsee, not subxt
//!
//! The gateway lives in the same workspace as the runtime, so it can build calls as
//! `medledger_runtime::RuntimeCall`, sign them with the runtime's `SignedPayload`, and decode
//! runtime-API results and events into the pallets' own Rust types — checked by the compiler
//! against exactly the runtime it ships with, with no metadata code generation step and no
//! second set of type definitions to keep in sync. The transport is jsonrpsee's WebSocket
//! client (the same jsonrpsee the node serves), speaking the node's standard RPC:
//! `state_call` for runtime APIs, `author_submitAndWatchExtrinsic` for writes,
//! `state_getStorage` for events. A runtime upgrade that changes a type needs a gateway
//! built from the same source — the consortium upgrades both together; the spec and
//! transaction versions are read from the node at every submission, so signatures follow
//! upgrades that keep the types.

use crate::error::GatewayError;
use codec::{Decode, Encode};
use jsonrpsee::{
	core::client::{ClientT, Subscription, SubscriptionClientT},
	rpc_params,
	ws_client::{WsClient, WsClientBuilder},
};
use medledger_runtime::{
	immortal_extension, Header, RuntimeCall, RuntimeError, RuntimeEvent, SignedPayload,
	UncheckedExtrinsic,
};
use serde_json::Value;
use sp_core::{crypto::Ss58Codec, sr25519, Pair, H256};
use sp_crypto_hashing::{blake2_256, twox_128};
use sp_runtime::{traits::IdentifyAccount, AccountId32, MultiAddress, MultiSignature, MultiSigner};
use std::{collections::HashMap, sync::Arc, time::Duration};
use tokio::sync::{Mutex, RwLock};

/// How long a write may wait to be included in a block.
const INCLUSION_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a write may wait for finality after inclusion.
const FINALITY_TIMEOUT: Duration = Duration::from_secs(120);

/// A connection to one node, re-established on demand after the node went away.
pub struct Chain {
	url: String,
	client: RwLock<Option<Arc<WsClient>>>,
	/// One lock per signing account: nonces are taken and used in order.
	signers: Mutex<HashMap<AccountId32, Arc<Mutex<()>>>>,
}

/// An extrinsic in a block.
#[derive(Debug, Clone)]
pub struct Included {
	/// The block's hash.
	pub block: H256,
	/// The events the extrinsic emitted (its success event included).
	pub events: Vec<RuntimeEvent>,
}

/// A submitted extrinsic whose finality can still be awaited.
pub struct Watch {
	/// BLAKE2b-256 of the encoded extrinsic: how it is found in its block.
	hash: H256,
	subscription: Subscription<Value>,
}

impl Chain {
	/// A client of the node at `url` (`ws://…`). Connects on first use.
	pub fn new(url: &str) -> Self {
		Chain { url: url.into(), client: RwLock::new(None), signers: Mutex::new(HashMap::new()) }
	}

	async fn client(&self) -> Result<Arc<WsClient>, GatewayError> {
		if let Some(client) = self.client.read().await.as_ref() {
			if client.is_connected() {
				return Ok(client.clone());
			}
		}
		let mut slot = self.client.write().await;
		if let Some(client) = slot.as_ref() {
			if client.is_connected() {
				return Ok(client.clone());
			}
		}
		let client = WsClientBuilder::default()
			.connection_timeout(Duration::from_secs(5))
			.max_response_size(64 * 1024 * 1024)
			.build(&self.url)
			.await
			.map_err(|e| GatewayError::ChainUnavailable(e.to_string()))?;
		let client = Arc::new(client);
		*slot = Some(client.clone());
		Ok(client)
	}

	async fn rpc<R: serde::de::DeserializeOwned>(
		&self,
		method: &str,
		params: jsonrpsee::core::params::ArrayParams,
	) -> Result<R, GatewayError> {
		self.client().await?.request(method, params).await.map_err(rpc_error)
	}

	/// Calls runtime API `method` (e.g. `DocumentsApi_document`) on the best block.
	pub async fn api<R: Decode>(&self, method: &str, args: impl Encode) -> Result<R, GatewayError> {
		self.api_at(method, args, None).await
	}

	/// Every item of a paged runtime-API list — `method` takes `(key, after, limit)` and
	/// returns up to `limit` `(id, item)` pairs after `after` — fetched page by page.
	pub async fn list_all<T: Decode>(
		&self,
		method: &str,
		key: impl Encode,
	) -> Result<Vec<(u64, T)>, GatewayError> {
		const PAGE: u32 = 1000;
		let mut out = Vec::new();
		let mut after: Option<u64> = None;
		loop {
			let page: Vec<(u64, T)> = self.api(method, (&key, after, PAGE)).await?;
			let full = page.len() as u32 == PAGE;
			after = page.last().map(|(id, _)| *id);
			out.extend(page);
			if !full {
				return Ok(out);
			}
		}
	}

	/// Calls runtime API `method` at block `at` (the best block if `None`).
	pub async fn api_at<R: Decode>(
		&self,
		method: &str,
		args: impl Encode,
		at: Option<H256>,
	) -> Result<R, GatewayError> {
		let args = format!("0x{}", hex::encode(args.encode()));
		let hex: String = self.rpc("state_call", rpc_params![method, args, at]).await?;
		let bytes = decode_hex(&hex)?;
		R::decode(&mut &bytes[..]).map_err(|e| {
			tracing::error!(method, %e, "runtime API result does not decode: gateway and runtime differ");
			GatewayError::Internal
		})
	}

	/// The chain's time at the best block (ms): the last block's timestamp.
	pub async fn now(&self) -> Result<u64, GatewayError> {
		self.time_at(None).await
	}

	/// The timestamp (ms) of block `at` (the best block if `None`).
	pub async fn time_at(&self, at: Option<H256>) -> Result<u64, GatewayError> {
		let key = [twox_128(b"Timestamp"), twox_128(b"Now")].concat();
		let value: Option<String> = self
			.rpc("state_getStorage", rpc_params![format!("0x{}", hex::encode(key)), at])
			.await?;
		let bytes = decode_hex(&value.unwrap_or_default())?;
		Ok(u64::decode(&mut &bytes[..]).unwrap_or(0))
	}

	/// The best block's hash and number.
	pub async fn best_head(&self) -> Result<(H256, u64), GatewayError> {
		let header: Header = self
			.rpc::<Option<Header>>("chain_getHeader", rpc_params![])
			.await?
			.ok_or_else(|| GatewayError::ChainUnavailable("no best header".into()))?;
		Ok((header.hash(), header.number.into()))
	}

	/// Block `hash` — header, extrinsics, stored GRANDPA justification — or `None` if the
	/// node has no such block.
	pub async fn block(&self, hash: H256) -> Result<Option<Block>, GatewayError> {
		#[derive(serde::Deserialize)]
		struct Body {
			header: Header,
			extrinsics: Vec<sp_core::Bytes>,
		}
		#[derive(serde::Deserialize)]
		struct Stored {
			block: Body,
			justifications: Option<sp_runtime::Justifications>,
		}
		let stored: Option<Stored> = self.rpc("chain_getBlock", rpc_params![hash]).await?;
		Ok(stored.map(|s| Block {
			header: s.block.header,
			extrinsics: s.block.extrinsics.into_iter().map(|x| x.0).collect(),
			justification: s
				.justifications
				.and_then(|j| j.into_justification(sp_consensus_grandpa::GRANDPA_ENGINE_ID)),
		}))
	}

	/// The hash of the last finalised block.
	pub async fn finalised_head(&self) -> Result<H256, GatewayError> {
		self.rpc("chain_getFinalizedHead", rpc_params![]).await
	}

	/// Signs `call` as `signer` and submits it; returns once it is in a block, with its
	/// events, or with the chain's reason if it was refused or failed.
	pub async fn submit(
		&self,
		signer: &sr25519::Pair,
		call: RuntimeCall,
	) -> Result<(Included, Watch), GatewayError> {
		let account: AccountId32 = signer.public().into();
		let lock = self.signers.lock().await.entry(account.clone()).or_default().clone();
		let watch = {
			// Held until the pool has it, so the next nonce read counts it.
			let _in_order = lock.lock().await;
			let extrinsic = self.sign(signer, &account, call).await?;
			self.watch(extrinsic).await?
		};
		self.included(watch).await
	}

	/// Submits an extrinsic someone else signed (a patient's consent decision).
	pub async fn submit_signed(
		&self,
		extrinsic: Vec<u8>,
	) -> Result<(Included, Watch), GatewayError> {
		let watch = self.watch(extrinsic).await?;
		self.included(watch).await
	}

	async fn watch(&self, extrinsic: Vec<u8>) -> Result<Watch, GatewayError> {
		let hash = H256(blake2_256(&extrinsic));
		let subscription = self
			.client()
			.await?
			.subscribe(
				"author_submitAndWatchExtrinsic",
				rpc_params![format!("0x{}", hex::encode(&extrinsic))],
				"author_unwatchExtrinsic",
			)
			.await
			.map_err(rpc_error)?;
		Ok(Watch { hash, subscription })
	}

	async fn included(&self, mut watch: Watch) -> Result<(Included, Watch), GatewayError> {
		let block = watch.until(INCLUSION_TIMEOUT, "inBlock").await?;
		let events = self.extrinsic_events(block, &watch).await?;
		Ok((Included { block, events }, watch))
	}

	async fn sign(
		&self,
		signer: &sr25519::Pair,
		account: &AccountId32,
		call: RuntimeCall,
	) -> Result<Vec<u8>, GatewayError> {
		let (nonce, versions) = self.signing_context(account).await?;
		Ok(sign_extrinsic(signer, call, nonce, versions))
	}

	/// What `account` signs an extrinsic with besides the call: its next nonce (counting
	/// its transactions in the pool) and the chain's versions.
	pub async fn signing_context(
		&self,
		account: &AccountId32,
	) -> Result<(u32, Versions), GatewayError> {
		let genesis: H256 = self.rpc("chain_getBlockHash", rpc_params![0]).await?;
		let version: Value = self.rpc("state_getRuntimeVersion", rpc_params![]).await?;
		let spec_version = version["specVersion"].as_u64().ok_or(GatewayError::Internal)? as u32;
		let tx_version =
			version["transactionVersion"].as_u64().ok_or(GatewayError::Internal)? as u32;
		let nonce: u32 =
			self.rpc("system_accountNextIndex", rpc_params![account.to_ss58check()]).await?;
		Ok((nonce, Versions { spec_version, tx_version, genesis }))
	}

	/// The events of the watched extrinsic in `block`; an `ExtrinsicFailed` becomes
	/// [`GatewayError::ChainRejected`] naming the pallet error.
	async fn extrinsic_events(
		&self,
		block: H256,
		watch: &Watch,
	) -> Result<Vec<RuntimeEvent>, GatewayError> {
		let body: Value = self.rpc("chain_getBlock", rpc_params![block]).await?;
		let extrinsics = body["block"]["extrinsics"].as_array().cloned().unwrap_or_default();
		let records = self.events_at(block).await?;
		// Several of ours may share a block: ours is found by its own hash.
		let ours = extrinsics
			.iter()
			.position(|xt| {
				let bytes = xt.as_str().and_then(|h| decode_hex(h).ok()).unwrap_or_default();
				blake2_256(&bytes) == watch.hash.0
			})
			.ok_or_else(|| GatewayError::ChainUnavailable("extrinsic not in its block".into()))?
			as u32;
		let mut events = Vec::new();
		for record in records {
			if record.phase != frame_system::Phase::ApplyExtrinsic(ours) {
				continue;
			}
			if let RuntimeEvent::System(frame_system::Event::ExtrinsicFailed {
				dispatch_error,
				..
			}) = &record.event
			{
				return Err(GatewayError::ChainRejected(dispatch_error_name(*dispatch_error)));
			}
			events.push(record.event);
		}
		Ok(events)
	}

	/// All events of a block, with their phases.
	pub async fn events_at(
		&self,
		block: H256,
	) -> Result<Vec<frame_system::EventRecord<RuntimeEvent, H256>>, GatewayError> {
		let key = [twox_128(b"System"), twox_128(b"Events")].concat();
		let raw: Option<String> = self
			.rpc("state_getStorage", rpc_params![format!("0x{}", hex::encode(key)), block])
			.await?;
		// Genesis has no events at all (the key is absent, not an empty list).
		let Some(raw) = raw else { return Ok(Vec::new()) };
		let bytes = decode_hex(&raw)?;
		Vec::<frame_system::EventRecord<RuntimeEvent, H256>>::decode(&mut &bytes[..]).map_err(|e| {
			tracing::error!(%e, "events do not decode: gateway and runtime differ");
			GatewayError::Internal
		})
	}

	/// The hash of block `number` on the best chain.
	pub async fn block_hash(&self, number: u64) -> Result<Option<H256>, GatewayError> {
		self.rpc("chain_getBlockHash", rpc_params![number]).await
	}

	/// The number of block `hash`.
	pub async fn block_number(&self, hash: H256) -> Result<u64, GatewayError> {
		let header: Value = self.rpc("chain_getHeader", rpc_params![hash]).await?;
		header_number(&header).ok_or_else(|| GatewayError::ChainUnavailable("no header".into()))
	}

	/// The header of block `hash`.
	pub async fn header(&self, hash: H256) -> Result<Header, GatewayError> {
		let header: Option<Header> = self.rpc("chain_getHeader", rpc_params![hash]).await?;
		header.ok_or_else(|| GatewayError::ChainUnavailable(format!("no header for {hash:?}")))
	}

	/// The raw value at storage `key` in the state of block `at`.
	pub async fn storage_at(&self, key: &[u8], at: H256) -> Result<Option<Vec<u8>>, GatewayError> {
		let value: Option<String> = self
			.rpc("state_getStorage", rpc_params![format!("0x{}", hex::encode(key)), at])
			.await?;
		value.map(|v| decode_hex(&v)).transpose()
	}

	/// The trie nodes proving storage `key` in the state of block `at` (`state_getReadProof`;
	/// the node keeps archive state, so old blocks can be proved).
	pub async fn read_proof(&self, key: &[u8], at: H256) -> Result<Vec<Vec<u8>>, GatewayError> {
		let proof: Value = self
			.rpc("state_getReadProof", rpc_params![[format!("0x{}", hex::encode(key))], at])
			.await?;
		let nodes = proof["proof"].as_array().ok_or(GatewayError::Internal)?;
		nodes.iter().map(|n| decode_hex(n.as_str().unwrap_or_default())).collect()
	}

	/// The GRANDPA justification the node stored with block `hash`, if any (the node keeps
	/// one every `GRANDPA_JUSTIFICATION_PERIOD` blocks and at every authority-set change).
	pub async fn justification(&self, hash: H256) -> Result<Option<Vec<u8>>, GatewayError> {
		Ok(self.block(hash).await?.and_then(|b| b.justification))
	}

	/// Subscribes to finalised block headers.
	pub async fn finalised_heads(&self) -> Result<Subscription<Value>, GatewayError> {
		self.client()
			.await?
			.subscribe(
				"chain_subscribeFinalizedHeads",
				rpc_params![],
				"chain_unsubscribeFinalizedHeads",
			)
			.await
			.map_err(rpc_error)
	}
}

/// A block as the node stores it.
#[derive(Debug, Clone)]
pub struct Block {
	/// Its header.
	pub header: Header,
	/// Its extrinsics, SCALE-encoded.
	pub extrinsics: Vec<Vec<u8>>,
	/// The GRANDPA justification stored with it, if any (SCALE).
	pub justification: Option<Vec<u8>>,
}

/// What a signature commits to besides the call and nonce: the chain and its runtime.
#[derive(Debug, Clone, Copy)]
pub struct Versions {
	/// The runtime's `spec_version`.
	pub spec_version: u32,
	/// The runtime's `transaction_version`.
	pub tx_version: u32,
	/// The chain's genesis hash.
	pub genesis: H256,
}

/// An immortal extrinsic calling `call`, signed by `signer` (sr25519 staff keys, ed25519
/// patient keys) with `nonce`: the encoding the node accepts. Shared by the gateway, the
/// patient CLI and the tests.
pub fn sign_extrinsic<P: Pair>(
	signer: &P,
	call: RuntimeCall,
	nonce: u32,
	versions: Versions,
) -> Vec<u8>
where
	P::Signature: Into<MultiSignature>,
	P::Public: Into<MultiSigner>,
{
	let Versions { spec_version, tx_version, genesis } = versions;
	let extension = immortal_extension(nonce);
	let implicit = ((), spec_version, tx_version, genesis, genesis, (), (), ());
	let payload = SignedPayload::from_raw(call.clone(), extension.clone(), implicit);
	let signature = payload.using_encoded(|bytes| signer.sign(bytes));
	let account = signer.public().into().into_account();
	UncheckedExtrinsic::new_signed(call, MultiAddress::Id(account), signature.into(), extension)
		.encode()
}

/// The number of a block header as the node's JSON-RPC gives it (hex string).
pub fn header_number(header: &Value) -> Option<u64> {
	let number = header["number"].as_str()?;
	u64::from_str_radix(number.trim_start_matches("0x"), 16).ok()
}

impl Watch {
	/// Waits for the extrinsic's block to be finalised.
	pub async fn finalised(mut self) -> Result<H256, GatewayError> {
		self.until(FINALITY_TIMEOUT, "finalized").await
	}

	/// Reads statuses until `wanted` (`inBlock` or `finalized`), or a terminal failure.
	async fn until(&mut self, timeout: Duration, wanted: &str) -> Result<H256, GatewayError> {
		let deadline = tokio::time::Instant::now() + timeout;
		loop {
			let next = tokio::time::timeout_at(deadline, self.subscription.next()).await;
			let status = match next {
				Err(_) => {
					return Err(GatewayError::ChainUnavailable(format!("no {wanted} in time")))
				}
				Ok(None) => {
					return Err(GatewayError::ChainUnavailable("the node closed the watch".into()))
				}
				Ok(Some(Err(e))) => return Err(GatewayError::ChainUnavailable(e.to_string())),
				Ok(Some(Ok(status))) => status,
			};
			if let Some(hash) = status.get(wanted).and_then(|h| h.as_str()) {
				return hash.parse().map_err(|_| GatewayError::Internal);
			}
			match status.as_str() {
				Some("invalid") => return Err(GatewayError::ChainRejected("Invalid".into())),
				Some("dropped") => {
					return Err(GatewayError::ChainUnavailable("dropped from the pool".into()))
				}
				_ => {}
			}
			if status.get("usurped").is_some() {
				return Err(GatewayError::ChainRejected("Usurped".into()));
			}
			if status.get("finalityTimeout").is_some() {
				return Err(GatewayError::ChainUnavailable("finality timeout".into()));
			}
		}
	}
}

/// `Pallet.Error` for a dispatch error, e.g. `Documents.DuplicateAnchor`.
pub fn dispatch_error_name(error: sp_runtime::DispatchError) -> String {
	match RuntimeError::from_dispatch_error(error) {
		Some(runtime_error) => {
			let text = format!("{runtime_error:?}");
			// `Documents(DuplicateAnchor)` → `Documents.DuplicateAnchor`
			text.trim_end_matches(')').replacen('(', ".", 1)
		}
		None => format!("{error:?}"),
	}
}

fn decode_hex(text: &str) -> Result<Vec<u8>, GatewayError> {
	hex::decode(text.trim_start_matches("0x")).map_err(|_| GatewayError::Internal)
}

/// Node errors: transport failures mean "unavailable"; a call error means the node refused
/// (an invalid transaction: the pool's reason is named).
fn rpc_error(error: jsonrpsee::core::client::Error) -> GatewayError {
	use jsonrpsee::core::client::Error;
	match error {
		Error::Call(object) => {
			let detail = object.data().map(|d| d.get().trim_matches('"').to_string());
			GatewayError::ChainRejected(match detail {
				Some(detail) => format!("{}: {detail}", object.message()),
				None => object.message().to_string(),
			})
		}
		other => GatewayError::ChainUnavailable(other.to_string()),
	}
}
