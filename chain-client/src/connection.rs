//! The connection to one node and what it serves besides runtime APIs and extrinsics:
//! blocks, headers, events, storage and read proofs.

use crate::{error::unanswered, ChainError};
use codec::{Decode, DecodeAll};
use frame_support::traits::{PalletInfoAccess, StorageVersion};
use jsonrpsee::{
	core::client::{ClientT, Subscription, SubscriptionClientT},
	rpc_params,
	ws_client::{WsClient, WsClientBuilder},
};
use medledger_runtime::{Header, Runtime, RuntimeEvent};
use sp_core::{Bytes, H256};
use sp_runtime::AccountId32;
use std::{collections::HashMap, sync::Arc, time::Duration};
use tokio::sync::{Mutex, RwLock};

/// A connection to one node, re-established on demand after the node went away.
pub struct Chain {
	url: String,
	client: RwLock<Option<Arc<WsClient>>>,
	/// One lock per signing account: nonces are taken and used in order.
	pub(crate) signers: Mutex<HashMap<AccountId32, Arc<Mutex<()>>>>,
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

/// A block's events with their phases, as `System.Events` holds them.
pub type EventRecords = Vec<frame_system::EventRecord<RuntimeEvent, H256>>;

impl Chain {
	/// A client of the node at `url` (`ws://…`). Connects on first use.
	pub fn new(url: &str) -> Self {
		Chain { url: url.into(), client: RwLock::new(None), signers: Mutex::new(HashMap::new()) }
	}

	pub(crate) async fn client(&self) -> Result<Arc<WsClient>, ChainError> {
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
			.map_err(|e| ChainError::Unavailable(e.to_string()))?;
		let client = Arc::new(client);
		*slot = Some(client.clone());
		Ok(client)
	}

	pub(crate) async fn rpc<R: serde::de::DeserializeOwned>(
		&self,
		method: &str,
		params: jsonrpsee::core::params::ArrayParams,
	) -> Result<R, ChainError> {
		self.client().await?.request(method, params).await.map_err(|e| unanswered(method, e))
	}

	/// The chain's time at the best block (ms): the last block's timestamp.
	pub async fn now(&self) -> Result<u64, ChainError> {
		self.time_at(None).await
	}

	/// The timestamp (ms) of block `at` (the best block if `None`).
	pub async fn time_at(&self, at: Option<H256>) -> Result<u64, ChainError> {
		let key = pallet_timestamp::Now::<Runtime>::hashed_key();
		let value: Option<Bytes> =
			self.rpc("state_getStorage", rpc_params![Bytes(key.into()), at]).await?;
		// Genesis has no timestamp yet: the storage item's default.
		decode_or_default(value, "Timestamp.Now")
	}

	/// The best block's hash and number.
	pub async fn best_head(&self) -> Result<(H256, u64), ChainError> {
		let header: Header = self
			.rpc::<Option<Header>>("chain_getHeader", rpc_params![])
			.await?
			.ok_or_else(|| ChainError::Unavailable("no best header".into()))?;
		Ok((header.hash(), header.number.into()))
	}

	/// Block `hash` — header, extrinsics, stored GRANDPA justification — or `None` if the
	/// node has no such block.
	pub async fn block(&self, hash: H256) -> Result<Option<Block>, ChainError> {
		#[derive(serde::Deserialize)]
		struct Body {
			header: Header,
			extrinsics: Vec<Bytes>,
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
	pub async fn finalised_head(&self) -> Result<H256, ChainError> {
		self.rpc("chain_getFinalizedHead", rpc_params![]).await
	}

	/// All events of a block, with their phases — of a block made before an event changed
	/// shape, those that did not ([`crate::legacy`]).
	pub async fn events_at(&self, block: H256) -> Result<EventRecords, ChainError> {
		// `System.Events` is private to frame-system; its key is built the way every FRAME
		// storage value's is, from the pallet's name as the runtime registers it.
		let system = <frame_system::Pallet<Runtime> as PalletInfoAccess>::name();
		let key = frame_support::storage::storage_prefix(system.as_bytes(), b"Events");
		// Genesis has no events at all (the key is absent, not an empty list).
		let Some(bytes) = self.storage_at(&key, block).await? else { return Ok(Vec::new()) };
		if let Ok(events) = EventRecords::decode_all(&mut &bytes[..]) {
			return Ok(events);
		}
		// Only then is the block's audit storage version asked (one more call).
		let audit = self.storage_version_at::<pallet_audit::Pallet<Runtime>>(block).await?;
		if audit < crate::legacy::AUDIT_IN_BLOCKS {
			if let Ok(events) = crate::legacy::events_before_audit_v2(&bytes) {
				return Ok(events);
			}
		}
		decode_all(&bytes, "System.Events")
	}

	/// A validator's session keys (Aura, GRANDPA) as `Session.NextKeys` holds them at `at`.
	pub async fn session_keys(
		&self,
		validator: &AccountId32,
		at: H256,
	) -> Result<Option<medledger_runtime::opaque::SessionKeys>, ChainError> {
		let key = pallet_session::NextKeys::<Runtime>::hashed_key_for(validator);
		self.storage_value_at(&key, at, "Session.NextKeys").await
	}

	/// The hash of block `number` on the best chain.
	pub async fn block_hash(&self, number: u64) -> Result<Option<H256>, ChainError> {
		self.rpc("chain_getBlockHash", rpc_params![number]).await
	}

	/// The number of block `hash`.
	pub async fn block_number(&self, hash: H256) -> Result<u64, ChainError> {
		Ok(self.header(hash).await?.number.into())
	}

	/// The header of block `hash`.
	pub async fn header(&self, hash: H256) -> Result<Header, ChainError> {
		let header: Option<Header> = self.rpc("chain_getHeader", rpc_params![hash]).await?;
		header.ok_or_else(|| ChainError::Unavailable(format!("no header for block {hash}")))
	}

	/// The raw value at storage `key` in the state of block `at`.
	pub async fn storage_at(&self, key: &[u8], at: H256) -> Result<Option<Vec<u8>>, ChainError> {
		let value: Option<Bytes> =
			self.rpc("state_getStorage", rpc_params![Bytes(key.to_vec()), at]).await?;
		Ok(value.map(|v| v.0))
	}

	/// The storage version of pallet `P` at block `at` (0 where none is stored).
	pub async fn storage_version_at<P: PalletInfoAccess>(
		&self,
		at: H256,
	) -> Result<StorageVersion, ChainError> {
		let key = StorageVersion::storage_key::<P>();
		let version = self.storage_value_at(&key, at, "a pallet's storage version").await?;
		Ok(version.unwrap_or_default())
	}

	pub(crate) async fn storage_value_at<T: Decode>(
		&self,
		key: &[u8],
		at: H256,
		what: &'static str,
	) -> Result<Option<T>, ChainError> {
		self.storage_at(key, at).await?.map(|bytes| decode_all(&bytes, what)).transpose()
	}

	/// The trie nodes proving storage `keys` in the state of block `at` (`state_getReadProof`;
	/// the node keeps archive state, so old blocks can be proved).
	pub async fn read_proof(&self, keys: &[Vec<u8>], at: H256) -> Result<Vec<Vec<u8>>, ChainError> {
		#[derive(serde::Deserialize)]
		struct ReadProof {
			proof: Vec<Bytes>,
		}
		let keys: Vec<Bytes> = keys.iter().cloned().map(Bytes).collect();
		let proof: ReadProof = self.rpc("state_getReadProof", rpc_params![keys, at]).await?;
		Ok(proof.proof.into_iter().map(|node| node.0).collect())
	}

	/// The GRANDPA justification the node stored with block `hash`, if any (the node keeps
	/// one every `GRANDPA_JUSTIFICATION_PERIOD` blocks and at every authority-set change).
	pub async fn justification(&self, hash: H256) -> Result<Option<Vec<u8>>, ChainError> {
		Ok(self.block(hash).await?.and_then(|b| b.justification))
	}

	/// The first block of `numbers` with a stored GRANDPA justification: its number, hash
	/// and justification.
	pub async fn justified_block(
		&self,
		numbers: impl Iterator<Item = u32>,
	) -> Result<Option<(u32, H256, Vec<u8>)>, ChainError> {
		for n in numbers {
			let Some(hash) = self.block_hash(n.into()).await? else { continue };
			if let Some(justification) = self.justification(hash).await? {
				return Ok(Some((n, hash, justification)));
			}
		}
		Ok(None)
	}

	/// Subscribes to finalised block headers.
	pub async fn finalised_heads(&self) -> Result<Subscription<Header>, ChainError> {
		self.client()
			.await?
			.subscribe(
				"chain_subscribeFinalizedHeads",
				rpc_params![],
				"chain_unsubscribeFinalizedHeads",
			)
			.await
			.map_err(|e| unanswered("chain_subscribeFinalizedHeads", e))
	}
}

/// Decodes `bytes` as a `T` with nothing left over.
pub(crate) fn decode_all<T: Decode>(bytes: &[u8], what: &'static str) -> Result<T, ChainError> {
	T::decode_all(&mut &bytes[..]).map_err(|error| {
		tracing::error!(what, %error, "the node's answer does not decode: client and runtime differ");
		ChainError::Decode { what }
	})
}

fn decode_or_default<T: Decode + Default>(
	value: Option<Bytes>,
	what: &'static str,
) -> Result<T, ChainError> {
	value.map(|bytes| decode_all(&bytes, what)).transpose().map(Option::unwrap_or_default)
}
