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

use crate::{auth::Credential, store::Store};
use medledger_chain_client::{Chain, H256};
use medledger_gateway_api::GatewayError;
use medledger_primitives::audit::Refusal;
use pallet_consortium::{MemberStatus, OrgStatus};
use std::collections::HashMap;
use tokio::sync::Mutex;

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
		chain: &Chain,
		store: &Store,
		credential: &Credential,
	) -> Result<(), GatewayError> {
		let refusal = match self.current(chain, store, credential).await {
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
		chain: &Chain,
		store: &Store,
		credential: &Credential,
	) -> Result<Option<Refusal>, GatewayError> {
		let (best, _) = chain.best_head().await?;
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
				let refusal = look_up(chain, best, credential).await?;
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
) -> Result<Option<Refusal>, GatewayError> {
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
