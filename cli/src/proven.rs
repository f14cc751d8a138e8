//! What the CLI takes from a gateway only with proof: every chain fact it acts on or shows
//! as verified comes in a proof checked here against the consortium's trust file (a
//! GRANDPA justification by the trusted authority set, a header chain, a storage proof).
//! A proof that fails, or a fact the gateway told that differs from the proven one, is a
//! [`NotTheChain`] error naming what did not match; nothing is released or signed after it.

use crate::gateway::{CallError, Gateway};
use jsonrpsee::{core::ClientError, http_client::HttpClient};
use medledger_chain_client::facts::Proven;
use medledger_gateway_api::{api::proofs::StateProof, ErrorKind};
use medledger_verifier::{ProofBundle, TrustedSet, Verified};
use std::{
	future::Future,
	pin::Pin,
	time::{Duration, Instant, SystemTime},
};

/// How long a proof waits for the chain's next stored justification (every 4 blocks of 2 s;
/// finality lags a few blocks behind the best block; and margin).
const PROOF_WAIT: Duration = Duration::from_secs(60);
/// The oldest proven state acted on, by the block's time against this computer's clock: a
/// gateway must not replay an old state (a hospital's key before it was rotated, a consent
/// before it was revoked). Proofs are normally seconds old.
const MAX_AGE: Duration = Duration::from_secs(300);

/// The gateway's answer is not what the chain holds.
#[derive(Debug, thiserror::Error)]
#[error("the gateway's answer does not match the chain: {0}")]
pub struct NotTheChain(pub String);

impl From<medledger_verifier::Failure> for NotTheChain {
	fn from(failure: medledger_verifier::Failure) -> Self {
		NotTheChain(format!("its proof does not verify: {failure}"))
	}
}

/// The consortium's trust file, required by every command that acts on chain facts.
pub fn trusted(gw: &Gateway) -> anyhow::Result<&TrustedSet> {
	gw.trust.as_ref().ok_or_else(|| {
		anyhow::anyhow!(
			"no trust file: this command checks the gateway's answers against the chain; make \
			 one with `medledger trust --chain-spec <the consortium's raw chain spec> --out \
			 medledger-trust.json` or pass --trust"
		)
	})
}

/// A call of the generated client (its methods return boxed futures borrowing it).
type Call<'a, T> = Pin<Box<dyn Future<Output = Result<T, ClientError>> + Send + 'a>>;

/// `trusted` advanced through every change of authority set since its own, each checked
/// against the set before it (`medledger_verifier::advance`).
pub fn advanced(gw: &Gateway, mut trusted: TrustedSet) -> anyhow::Result<TrustedSet> {
	use medledger_gateway_api::api::proofs::ProofsApiClient;
	let changes = gw.run(gw.client.authority_set_changes(trusted.set_id))?;
	for change in &changes {
		trusted = medledger_verifier::advance(&trusted, change).map_err(NotTheChain::from)?;
	}
	Ok(trusted)
}

/// The state proof `call` gets, verified and fresh.
pub fn state(
	gw: &Gateway,
	call: impl for<'a> Fn(&'a HttpClient) -> Call<'a, StateProof>,
) -> anyhow::Result<Proven> {
	let trusted = trusted(gw)?;
	let proof = waiting(gw, call)?;
	let proven =
		Proven(medledger_verifier::verify_state(&proof, trusted).map_err(NotTheChain::from)?);
	let time = proven.time().map_err(NotTheChain::from)?;
	let now = SystemTime::now()
		.duration_since(SystemTime::UNIX_EPOCH)
		.map_or(0, |d| d.as_millis() as u64);
	fresh(proven.0.block.1, time, now)?;
	Ok(proven)
}

/// Refuses a proven state of block `number`, stamped `time` (ms), older than [`MAX_AGE`] at
/// `now` (ms, this computer's clock): a gateway replaying what it proved earlier.
fn fresh(number: u32, time: u64, now: u64) -> Result<(), NotTheChain> {
	let age = Duration::from_millis(now.saturating_sub(time));
	if age > MAX_AGE {
		return Err(NotTheChain(format!(
			"its proof is of block #{number}, {} s old: the gateway is not showing the current \
			 chain",
			age.as_secs()
		)));
	}
	Ok(())
}

/// Document `id`'s proof bundle, verified (without a file); the bundle and what it proves.
pub fn document(gw: &Gateway, id: u64) -> anyhow::Result<(ProofBundle, Verified)> {
	let trusted = trusted(gw)?;
	let bundle = waiting(gw, |client| {
		use medledger_gateway_api::api::proofs::ProofsApiClient;
		client.document_proof(id, None, None)
	})?;
	let verified = medledger_verifier::verify(&bundle, trusted, None).map_err(NotTheChain::from)?;
	Ok((bundle, verified))
}

/// Runs `call`, again while the gateway answers that the proof is not ready (the fact was
/// written after the last justified block).
pub(crate) fn waiting<T>(
	gw: &Gateway,
	call: impl for<'a> Fn(&'a HttpClient) -> Call<'a, T>,
) -> Result<T, CallError> {
	let deadline = Instant::now() + PROOF_WAIT;
	let not_ready = ErrorKind::ProofNotReady.code();
	loop {
		match gw.run(call(&gw.client)) {
			Err(CallError::Refused { code, .. })
				if code == not_ready && Instant::now() < deadline =>
			{
				std::thread::sleep(Duration::from_secs(2))
			}
			reply => return reply,
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	/// A gateway that saved a proof (of a consent before its revocation, of a hospital's key
	/// before it changed) and replays it later is refused once the proof is older than
	/// `MAX_AGE` by the patient's clock; a proof seconds old, or stamped slightly ahead of a
	/// slow clock, is taken.
	#[test]
	fn a_replayed_old_proof_is_refused() {
		let minute = 60_000;
		let block_time = 1_000_000_000;
		assert!(fresh(7, block_time, block_time + 6 * minute).is_err());
		let refused = fresh(7, block_time, block_time + 6 * minute).unwrap_err().to_string();
		assert!(refused.contains("block #7, 360 s old"), "{refused}");
		assert!(fresh(7, block_time, block_time + 5 * minute).is_ok());
		assert!(fresh(7, block_time, block_time + 6_000).is_ok());
		assert!(fresh(7, block_time + minute, block_time).is_ok());
	}
}
