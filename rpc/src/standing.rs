//! Whether a credential's account still stands on chain as what it was issued for.
//!
//! A credential is the gateway's word; membership is the chain's. Every call is checked
//! against the chain: the account must be an active member with the credential's role and,
//! for staff, of an active hospital. A member the council or their hospital removed, or the
//! staff of a suspended hospital, is refused on the next call, however long their token
//! lives. The check reads the best block, as the chain's own transaction gate and
//! `can_access` do, so a credential is good exactly when the member could act on chain; each
//! credential is looked up once per block. While the node cannot be reached, the last answer
//! (kept in the store) stands; a credential never looked up is refused as the node being
//! unavailable.

use crate::{auth::Credential, read_cache::ReadCache, store::Store};
use medledger_chain_client::{Chain, ChainError, H256};
use medledger_gateway_api::GatewayError;
use medledger_primitives::{audit::Refusal, DocId};
use pallet_consortium::{MemberStatus, OrgStatus};
use sp_runtime::AccountId32;
use std::{
	collections::HashMap,
	sync::Arc,
	time::{Duration, Instant},
};
use tokio::sync::Mutex;

/// How long a refused attempt of one reader on one document is audited once only.
const ATTEMPT_QUIET: Duration = Duration::from_secs(60);

/// Standings already looked up, at one block.
#[derive(Default)]
pub struct Standings(Mutex<Option<AtBlock>>);

/// The credentials (by id) looked up at `block`: none (their account stands) or why not.
struct AtBlock {
	block: H256,
	known: HashMap<String, Option<Refusal>>,
}

impl Standings {
	/// `Ok` if `credential`'s account stands on chain as its role; the reason otherwise.
	pub async fn ensure(
		&self,
		chain: &Arc<Chain>,
		reads: &ReadCache,
		store: &Store,
		credential: &Credential,
	) -> Result<(), GatewayError> {
		let refusal = match self.current(chain, reads, store, credential).await {
			Ok(refusal) => refusal,
			// The node is down: what the chain said last holds (kept in the store across
			// restarts), so work this gateway keeps durably — uploads in its outbox — is
			// still accepted from members who stood, and refused from those who did not.
			Err(unavailable) => store.standing(&credential.id)?.ok_or(unavailable)?,
		};
		refusal.map_or(Ok(()), |refusal| Err(GatewayError::AccessRefused(refusal)))
	}

	/// What the chain says now about `credential`'s account, looked up once per block (and
	/// kept in `store`).
	async fn current(
		&self,
		chain: &Arc<Chain>,
		reads: &ReadCache,
		store: &Store,
		credential: &Credential,
	) -> Result<Option<Refusal>, GatewayError> {
		let (best, _) = reads.best(chain).await?;
		let known = self
			.0
			.lock()
			.await
			.as_ref()
			.filter(|at| at.block == best)
			.and_then(|at| at.known.get(&credential.id).copied());
		Ok(match known {
			Some(refusal) => refusal,
			None => {
				let refusal = reads.bounded(look_up(chain, best, credential)).await?;
				store.set_standing(&credential.id, refusal)?;
				let mut cache = self.0.lock().await;
				let at = match cache.take() {
					Some(at) if at.block == best => cache.insert(at),
					_ => cache.insert(AtBlock { block: best, known: HashMap::new() }),
				};
				at.known.insert(credential.id.clone(), refusal);
				refusal
			}
		})
	}
}

/// Why `credential`'s account does not stand as its role at block `at`, if it does not.
async fn look_up(
	chain: &Chain,
	at: H256,
	credential: &Credential,
) -> Result<Option<Refusal>, ChainError> {
	let api = chain.api_at(at);
	let member = api.member(&credential.account).await?;
	let Some(member) =
		member.filter(|m| m.status == MemberStatus::Active && m.role == credential.role)
	else {
		return Ok(Some(Refusal::NotAMember));
	};
	let Some(org) = member.role.organisation() else { return Ok(None) };
	let active = api
		.organisations()
		.await?
		.iter()
		.any(|(id, o)| *id == org && o.status == OrgStatus::Active);
	Ok((!active).then_some(Refusal::OrganisationInactive))
}

/// The refused read attempts of members who no longer stand that were audited lately: one
/// per reader and document per minute reaches the patient's trail, so a stale token
/// replayed cannot flood a trail or the audit queue (each replay is still refused).
#[derive(Default)]
pub struct RecentAttempts(parking_lot::Mutex<HashMap<(AccountId32, DocId), Instant>>);

impl RecentAttempts {
	/// Whether `reader`'s attempt on `document` is the first in a minute (then remembered).
	pub fn first_in_a_while(&self, reader: &AccountId32, document: DocId) -> bool {
		let now = Instant::now();
		let mut seen = self.0.lock();
		seen.retain(|_, at| now.duration_since(*at) < ATTEMPT_QUIET);
		match seen.entry((reader.clone(), document)) {
			std::collections::hash_map::Entry::Occupied(_) => false,
			std::collections::hash_map::Entry::Vacant(first) => {
				first.insert(now);
				true
			}
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn an_attempt_is_audited_once_a_minute_per_reader_and_document() {
		let recent = RecentAttempts::default();
		let (carol, dave) = (AccountId32::new([1; 32]), AccountId32::new([2; 32]));
		assert!(recent.first_in_a_while(&carol, 7));
		assert!(!recent.first_in_a_while(&carol, 7));
		assert!(recent.first_in_a_while(&carol, 8));
		assert!(recent.first_in_a_while(&dave, 7));
	}
}
