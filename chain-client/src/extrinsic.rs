//! Signed extrinsics: signing with the runtime's own payload, submission, inclusion with
//! the extrinsic's events, finality.

use crate::{error::refused, Chain, ChainError};
use codec::Encode;
use jsonrpsee::{
	core::client::{Subscription, SubscriptionClientT},
	rpc_params,
};
use medledger_runtime::{
	immortal_extension, RuntimeCall, RuntimeError, RuntimeEvent, SignedPayload, UncheckedExtrinsic,
};
use serde_json::Value;
use sp_core::{crypto::Ss58Codec, sr25519, Bytes, Pair, H256};
use sp_crypto_hashing::blake2_256;
use sp_runtime::{traits::IdentifyAccount, AccountId32, MultiAddress, MultiSignature, MultiSigner};
use std::time::Duration;

/// How long a write may wait to be included in a block.
const INCLUSION_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a write may wait for finality after inclusion.
const FINALITY_TIMEOUT: Duration = Duration::from_secs(120);

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

impl Chain {
	/// Signs `call` as `signer` and submits it; returns once it is in a block, with its
	/// events, or with the chain's reason if it was refused or failed.
	pub async fn submit(
		&self,
		signer: &sr25519::Pair,
		call: RuntimeCall,
	) -> Result<(Included, Watch), ChainError> {
		let account: AccountId32 = signer.public().into();
		let lock = self.signers.lock().await.entry(account.clone()).or_default().clone();
		let watch = {
			// Held until the pool has it, so the next nonce read counts it.
			let _in_order = lock.lock().await;
			let (nonce, versions) = self.signing_context(&account).await?;
			self.watch(sign_extrinsic(signer, call, nonce, versions)).await?
		};
		self.included(watch).await
	}

	/// Submits an extrinsic someone else signed (a patient's consent decision).
	pub async fn submit_signed(&self, extrinsic: Vec<u8>) -> Result<(Included, Watch), ChainError> {
		let watch = self.watch(extrinsic).await?;
		self.included(watch).await
	}

	async fn watch(&self, extrinsic: Vec<u8>) -> Result<Watch, ChainError> {
		let hash = H256(blake2_256(&extrinsic));
		let subscription = self
			.client()
			.await?
			.subscribe(
				"author_submitAndWatchExtrinsic",
				rpc_params![Bytes(extrinsic)],
				"author_unwatchExtrinsic",
			)
			.await
			.map_err(refused)?;
		Ok(Watch { hash, subscription })
	}

	async fn included(&self, mut watch: Watch) -> Result<(Included, Watch), ChainError> {
		let block = watch.until(INCLUSION_TIMEOUT, "inBlock").await?;
		let events = self.extrinsic_events(block, &watch).await?;
		Ok((Included { block, events }, watch))
	}

	/// What `account` signs an extrinsic with besides the call: its next nonce (counting
	/// its transactions in the pool) and the chain's versions.
	pub async fn signing_context(
		&self,
		account: &AccountId32,
	) -> Result<(u32, Versions), ChainError> {
		#[derive(serde::Deserialize)]
		#[serde(rename_all = "camelCase")]
		struct RuntimeVersion {
			spec_version: u32,
			transaction_version: u32,
		}
		let genesis = self
			.block_hash(0)
			.await?
			.ok_or_else(|| ChainError::Unavailable("no genesis block".into()))?;
		let version: RuntimeVersion = self.rpc("state_getRuntimeVersion", rpc_params![]).await?;
		let nonce: u32 =
			self.rpc("system_accountNextIndex", rpc_params![account.to_ss58check()]).await?;
		let versions = Versions {
			spec_version: version.spec_version,
			tx_version: version.transaction_version,
			genesis,
		};
		Ok((nonce, versions))
	}

	/// The events of the watched extrinsic in `block`; an `ExtrinsicFailed` becomes
	/// [`ChainError::Rejected`] naming the pallet error.
	async fn extrinsic_events(
		&self,
		block: H256,
		watch: &Watch,
	) -> Result<Vec<RuntimeEvent>, ChainError> {
		let body = self
			.block(block)
			.await?
			.ok_or_else(|| ChainError::Unavailable("the extrinsic's block is gone".into()))?;
		// Several of ours may share a block: ours is found by its own hash.
		let ours = body
			.extrinsics
			.iter()
			.position(|xt| blake2_256(xt) == watch.hash.0)
			.ok_or_else(|| ChainError::Unavailable("extrinsic not in its block".into()))?
			as u32;
		let mut events = Vec::new();
		for record in self.events_at(block).await? {
			if record.phase != frame_system::Phase::ApplyExtrinsic(ours) {
				continue;
			}
			if let RuntimeEvent::System(frame_system::Event::ExtrinsicFailed {
				dispatch_error,
				..
			}) = &record.event
			{
				return Err(ChainError::Rejected(dispatch_error_name(*dispatch_error)));
			}
			events.push(record.event);
		}
		Ok(events)
	}
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

impl Watch {
	/// Waits for the extrinsic's block to be finalised.
	pub async fn finalised(mut self) -> Result<H256, ChainError> {
		self.until(FINALITY_TIMEOUT, "finalized").await
	}

	/// Reads statuses until `wanted` (`inBlock` or `finalized`), or a terminal failure.
	async fn until(&mut self, timeout: Duration, wanted: &str) -> Result<H256, ChainError> {
		let deadline = tokio::time::Instant::now() + timeout;
		loop {
			let next = tokio::time::timeout_at(deadline, self.subscription.next()).await;
			let status = match next {
				Err(_) => return Err(ChainError::Unavailable(format!("no {wanted} in time"))),
				Ok(None) => {
					return Err(ChainError::Unavailable("the node closed the watch".into()))
				}
				Ok(Some(Err(e))) => return Err(ChainError::Unavailable(e.to_string())),
				Ok(Some(Ok(status))) => status,
			};
			if let Some(hash) = status.get(wanted) {
				return serde_json::from_value(hash.clone())
					.map_err(|_| ChainError::Decode { what: "a transaction status" });
			}
			match status.as_str() {
				Some("invalid") => return Err(ChainError::Rejected("Invalid".into())),
				Some("dropped") => {
					return Err(ChainError::Unavailable("dropped from the pool".into()))
				}
				_ => {}
			}
			if status.get("usurped").is_some() {
				return Err(ChainError::Rejected("Usurped".into()));
			}
			if status.get("finalityTimeout").is_some() {
				return Err(ChainError::Unavailable("finality timeout".into()));
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
