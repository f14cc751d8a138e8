//! Signed extrinsics: signing with the runtime's own payload, submission, inclusion with
//! the extrinsic's events, finality.

use crate::{
	error::{refused, refuses_for_good},
	Chain, ChainError,
};
use codec::{Decode, Encode};
use jsonrpsee::{
	core::client::{Error, Subscription, SubscriptionClientT},
	rpc_params,
	types::ErrorObjectOwned,
};
use medledger_runtime::{
	immortal_extension, Runtime, RuntimeCall, RuntimeError, RuntimeEvent, SignedPayload,
	UncheckedExtrinsic,
};
use serde_json::Value;
use sp_core::{crypto::Ss58Codec, sr25519, Bytes, Pair, H256};
use sp_crypto_hashing::blake2_256;
use sp_runtime::{traits::IdentifyAccount, AccountId32, MultiAddress, MultiSignature, MultiSigner};
use std::time::Duration;
use tokio::sync::OwnedMutexGuard;

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

/// A signed extrinsic as its sender keeps it, durably, before sending it: sent again as
/// the same bytes it can land at most once (its nonce is its own), so whatever the sender
/// missed — the wait for its block ended, the connection dropped, the sender restarted — it
/// is settled by asking the chain ([`Chain::settle`]), never signed a second time.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct Signed {
	/// Its signer.
	pub account: AccountId32,
	/// Its signer's nonce.
	pub nonce: u32,
	/// The best block's number just before it was signed: on the chain as it then was, it
	/// can only be in a later block (`Chain::settle` also copes with a shorter fork winning).
	pub signed_at: u64,
	/// The encoded extrinsic.
	pub extrinsic: Vec<u8>,
}

/// A signed extrinsic not yet sent, holding its signer's turn: no other extrinsic of the
/// signer is given its nonce until it is sent (or dropped unsent).
pub struct Signing {
	signed: Signed,
	_turn: OwnedMutexGuard<()>,
}

impl Signing {
	/// What to keep before sending it.
	pub fn signed(&self) -> &Signed {
		&self.signed
	}
}

/// What became of a kept extrinsic ([`Signed`]).
#[derive(Debug, Clone)]
pub enum Settled {
	/// In a finalised block, with its events.
	Included(Included),
	/// Not settled yet: in the pool (sent again if nothing held its nonce), or in a block
	/// not yet final.
	Pending,
	/// It will never be in a block: its nonce went to another extrinsic, or the chain
	/// refuses it now although its nonce is unused.
	Lost,
}

impl Chain {
	/// Signs `call` as `signer` and submits it; returns once it is in a block, with its
	/// events, or with the chain's reason if it was refused ([`ChainError::Rejected`]) or
	/// failed in its block ([`ChainError::Failed`]).
	pub async fn submit(
		&self,
		signer: &sr25519::Pair,
		call: RuntimeCall,
	) -> Result<(Included, Watch), ChainError> {
		let signing = self.sign(signer, call).await?;
		self.send(signing).await
	}

	/// Signs `call` as `signer` with the signer's next nonce, to be kept and then sent
	/// ([`Chain::send`]).
	pub async fn sign(
		&self,
		signer: &sr25519::Pair,
		call: RuntimeCall,
	) -> Result<Signing, ChainError> {
		let account: AccountId32 = signer.public().into();
		// Held until the pool has it, so the next nonce read counts it.
		let turn = self.turn(&account).await;
		// Read before the nonce: the block that uses the nonce comes after this one.
		let (_, signed_at) = self.best_head().await?;
		let (nonce, versions) = self.signing_context(&account).await?;
		let extrinsic = sign_extrinsic(signer, call, nonce, versions);
		Ok(Signing { signed: Signed { account, nonce, signed_at, extrinsic }, _turn: turn })
	}

	/// Sends a signed extrinsic; returns once it is in a block, with its events, or with the
	/// chain's reason if it was refused or failed in its block.
	pub async fn send(&self, signing: Signing) -> Result<(Included, Watch), ChainError> {
		let watch = self.watch(signing.signed.extrinsic.clone()).await?;
		drop(signing);
		self.included(watch).await
	}

	/// What became of `kept`, sent before (or perhaps not): found in the finalised block
	/// that used its nonce (included, failed there — [`ChainError::Failed`] — or lost to
	/// another extrinsic of its signer), pending
	/// while anything in a block or in the pool holds that nonce, else sent again as the same
	/// bytes — which land at most once — and pending.
	pub async fn settle(&self, kept: &Signed) -> Result<Settled, ChainError> {
		let finalised = self.finalised_head().await?;
		if self.nonce_at(&kept.account, finalised).await? > kept.nonce {
			return self.find(kept, finalised).await;
		}
		// Held until the pool has it again: no extrinsic signed meanwhile is given its nonce.
		let _turn = self.turn(&kept.account).await;
		// Counting the pool: whatever holds the nonce there (these bytes or another
		// extrinsic of the signer) is never pushed out by sending these again.
		if self.next_index(&kept.account).await? > kept.nonce {
			return Ok(Settled::Pending);
		}
		match self.watch_or_refusal(kept.extrinsic.clone()).await? {
			// Taken again: settled once its block is final.
			Ok(_) => Ok(Settled::Pending),
			// Refused for what the bytes are, not for now: unless a block has just taken the
			// nonce (the pool judged a newer block than we asked), nothing ever will take them.
			Err(refusal) if refuses_for_good(&refusal) => {
				let used = self.next_index(&kept.account).await? > kept.nonce;
				Ok(if used { Settled::Pending } else { Settled::Lost })
			}
			// Banned for a while, or the pool is full.
			Err(_) => Ok(Settled::Pending),
		}
	}

	/// `account`'s turn to have a nonce read and its extrinsic put in the pool.
	async fn turn(&self, account: &AccountId32) -> OwnedMutexGuard<()> {
		let lock = self.signers.lock().await.entry(account.clone()).or_default().clone();
		lock.lock_owned().await
	}

	/// The finalised block whose state first counts `kept`'s nonce as used holds whatever
	/// used it: `kept` (included) or another extrinsic of its signer (`kept` is lost).
	async fn find(&self, kept: &Signed, finalised: H256) -> Result<Settled, ChainError> {
		// Binary search over finalised block numbers: `lo` has the nonce unused, `hi` used.
		let mut hi = self.block_number(finalised).await?;
		let mut lo = kept.signed_at.min(hi);
		if self.nonce_used_at_number(kept, lo).await? {
			// A fork made after signing, with fewer blocks, became the chain: look from the start.
			lo = 0;
		}
		while hi - lo > 1 {
			let mid = lo + (hi - lo) / 2;
			if self.nonce_used_at_number(kept, mid).await? {
				hi = mid;
			} else {
				lo = mid;
			}
		}
		let block = self.finalised_hash(hi).await?;
		match self.extrinsic_events(block, H256(blake2_256(&kept.extrinsic))).await? {
			Some(events) => Ok(Settled::Included(Included { block, events })),
			None => Ok(Settled::Lost),
		}
	}

	async fn nonce_used_at_number(&self, kept: &Signed, number: u64) -> Result<bool, ChainError> {
		let block = self.finalised_hash(number).await?;
		Ok(self.nonce_at(&kept.account, block).await? > kept.nonce)
	}

	/// The hash of block `number` on the best chain: final for the numbers `find` asks
	/// about, all at or below the finalised head.
	async fn finalised_hash(&self, number: u64) -> Result<H256, ChainError> {
		self.block_hash(number)
			.await?
			.ok_or_else(|| ChainError::Unavailable(format!("no block {number}")))
	}

	/// `account`'s nonce in the state of block `at`: how many of its extrinsics are in blocks.
	async fn nonce_at(&self, account: &AccountId32, at: H256) -> Result<u32, ChainError> {
		let key = frame_system::Account::<Runtime>::hashed_key_for(account);
		let info: Option<
			frame_system::AccountInfo<
				<Runtime as frame_system::Config>::Nonce,
				<Runtime as frame_system::Config>::AccountData,
			>,
		> = self.storage_value_at(&key, at, "System.Account").await?;
		Ok(info.map_or(0, |info| info.nonce))
	}

	/// Submits an extrinsic someone else signed (a patient's consent decision).
	pub async fn submit_signed(&self, extrinsic: Vec<u8>) -> Result<(Included, Watch), ChainError> {
		let watch = self.watch(extrinsic).await?;
		self.included(watch).await
	}

	async fn watch(&self, extrinsic: Vec<u8>) -> Result<Watch, ChainError> {
		self.watch_or_refusal(extrinsic).await?.map_err(|refusal| refused(Error::Call(refusal)))
	}

	/// The watch of a submitted extrinsic, or the node's refusal to take it.
	async fn watch_or_refusal(
		&self,
		extrinsic: Vec<u8>,
	) -> Result<Result<Watch, ErrorObjectOwned>, ChainError> {
		let hash = H256(blake2_256(&extrinsic));
		let subscribed = self
			.client()
			.await?
			.subscribe(
				"author_submitAndWatchExtrinsic",
				rpc_params![Bytes(extrinsic)],
				"author_unwatchExtrinsic",
			)
			.await;
		match subscribed {
			Ok(subscription) => Ok(Ok(Watch { hash, subscription })),
			Err(Error::Call(refusal)) => Ok(Err(refusal)),
			Err(other) => Err(refused(other)),
		}
	}

	async fn included(&self, mut watch: Watch) -> Result<(Included, Watch), ChainError> {
		let block = watch.until(INCLUSION_TIMEOUT, "inBlock").await?;
		let events = self
			.extrinsic_events(block, watch.hash)
			.await?
			.ok_or_else(|| ChainError::Unavailable("extrinsic not in its block".into()))?;
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
		let nonce = self.next_index(account).await?;
		let versions = Versions {
			spec_version: version.spec_version,
			tx_version: version.transaction_version,
			genesis,
		};
		Ok((nonce, versions))
	}

	/// `account`'s next nonce, counting its extrinsics in the pool.
	async fn next_index(&self, account: &AccountId32) -> Result<u32, ChainError> {
		self.rpc("system_accountNextIndex", rpc_params![account.to_ss58check()]).await
	}

	/// The events in `block` of the extrinsic whose hash is `hash`, `None` if it is not
	/// there; an `ExtrinsicFailed` becomes [`ChainError::Failed`] naming the pallet error.
	async fn extrinsic_events(
		&self,
		block: H256,
		hash: H256,
	) -> Result<Option<Vec<RuntimeEvent>>, ChainError> {
		let body = self
			.block(block)
			.await?
			.ok_or_else(|| ChainError::Unavailable("the extrinsic's block is gone".into()))?;
		// Several of ours may share a block: ours is found by its own hash.
		let Some(ours) = body.extrinsics.iter().position(|xt| blake2_256(xt) == hash.0) else {
			return Ok(None);
		};
		let ours = ours as u32;
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
				let error = dispatch_error_name(*dispatch_error);
				return Err(ChainError::Failed { block, error });
			}
			events.push(record.event);
		}
		Ok(Some(events))
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
				// Taken, then dropped: other nodes may still hold it, so this is no refusal.
				Some("invalid") => {
					return Err(ChainError::Unavailable("found invalid in the pool".into()))
				}
				Some("dropped") => {
					return Err(ChainError::Unavailable("dropped from the pool".into()))
				}
				_ => {}
			}
			if status.get("usurped").is_some() {
				return Err(ChainError::Unavailable("usurped in the pool".into()));
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
