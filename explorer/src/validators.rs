//! `explorer_status`: the chain's heads and each hospital's validator — is it authoring, is
//! it voting — and any authority no hospital claims.

use codec::Decode;
use medledger_chain_client::Chain;
use medledger_gateway_api::{
	api::{
		audit::BlockRef,
		explorer::{ChainStatus, UnclaimedAuthority, Validator},
	},
	values::{Account, Hex32, Status},
	GatewayError,
};
use medledger_primitives::OrgId;
use medledger_runtime::{Header, Runtime};
use sp_core::H256;
use sp_runtime::{AccountId32, DigestItem};
use std::collections::HashMap;

/// Aura rounds the status page counts authorship over: a validator that authored no block
/// in the last four rounds (one slot each per round) is "not authoring".
const AUTHORSHIP_ROUNDS: u64 = 4;
/// The fewest recent blocks counted, for small sets.
const MIN_AUTHORSHIP_WINDOW: u64 = 16;

/// `explorer_status`: the best and finalised heads, and each validator — a hospital's
/// node — with whether it is authoring (blocks in the last [`AUTHORSHIP_ROUNDS`] rounds) and
/// voting (a precommit in the last stored GRANDPA justification); and any authority no
/// hospital claims.
pub(crate) async fn status(chain: &Chain) -> Result<ChainStatus, GatewayError> {
	let (best, best_number) = chain.best_head().await?;
	let finalised = chain.finalised_head().await?;
	let finalised_number = chain.block_number(finalised).await?;
	let api = chain.api_at(best);
	let aura: Vec<[u8; 32]> = api.aura_authorities().await?.iter().map(raw_key).collect();
	let grandpa: Vec<([u8; 32], u64)> = api
		.grandpa_authorities()
		.await?
		.iter()
		.map(|(key, weight)| (raw_key(key), *weight))
		.collect();
	let set_id = api.grandpa_set_id().await?;

	// Authorship: blocks per Aura key in the window, with the newest block of each.
	let mut authored: HashMap<[u8; 32], (u64, u64)> = HashMap::new();
	let window = (AUTHORSHIP_ROUNDS * aura.len() as u64).max(MIN_AUTHORSHIP_WINDOW);
	let first = best_number.saturating_sub(window - 1).max(1);
	let mut authors = Authors::new(chain);
	for number in (first..=best_number).rev() {
		let Some(hash) = chain.block_hash(number).await? else { continue };
		let Some((key, _)) = authors.of(&chain.header(hash).await?).await? else { continue };
		authored.entry(key).or_insert((0, number)).0 += 1;
	}

	// Voting: who signed the last justification the node stored.
	let recent = finalised_number.saturating_sub(64) as u32..=finalised_number as u32;
	let justified = chain.justified_block(recent.rev()).await?;
	let (justified_number, voters) = match &justified {
		Some((number, _, bytes)) => {
			let justification =
				medledger_verifier::finality::Justification::decode(&mut &bytes[..])
					.map_err(GatewayError::internal)?;
			let voters: Vec<[u8; 32]> =
				justification.commit.precommits.iter().map(|p| p.id).collect();
			(Some(*number), voters)
		}
		None => (None, Vec::new()),
	};

	// The explorer describes old blocks with their own state: that needs an archive node. A
	// pruned node has discarded block 1's state.
	let archive = match chain.block_hash(1).await? {
		Some(first) => chain.time_at(Some(first)).await.is_ok(),
		None => true,
	};

	let hospitals = hospital_validators(chain, best).await?;
	let grandpa: Vec<[u8; 32]> = grandpa.into_iter().map(|(key, _)| key).collect();
	let unclaimed = unclaimed_authorities(&hospitals, &aura, &grandpa, &authored, &voters);
	let mut validators = Vec::new();
	for v in hospitals {
		let (aura_key, grandpa_key) = v.keys.unzip();
		let (blocks, last) = aura_key.and_then(|k| authored.get(&k).copied()).unwrap_or((0, 0));
		validators.push(Validator {
			organisation: v.org,
			name: v.name,
			status: v.status,
			account: Account(v.account),
			aura_key: aura_key.map(Hex32),
			grandpa_key: grandpa_key.map(Hex32),
			in_authoring_set: aura_key.is_some_and(|k| aura.contains(&k)),
			in_finality_set: grandpa_key.is_some_and(|k| grandpa.contains(&k)),
			blocks_authored: blocks,
			last_authored: (blocks > 0).then_some(last),
			authoring: blocks > 0,
			voting: grandpa_key.is_some_and(|k| voters.contains(&k)),
		});
	}
	Ok(ChainStatus {
		best: BlockRef { number: best_number, hash: Hex32::from(best) },
		finalised: BlockRef { number: finalised_number, hash: Hex32::from(finalised) },
		archive,
		authorship_window: window,
		last_justified: justified_number.map(u64::from),
		finality_set_id: set_id,
		authoring_set_size: aura.len() as u32,
		finality_set_size: grandpa.len() as u32,
		validators,
		unclaimed_authorities: unclaimed,
	})
}

/// Authorities in the current sets that are no hospital's validator's session keys: the
/// consortium does not know who runs them, which an auditor must see. Each with what it
/// did (blocks authored in the window; a precommit in the last justification).
fn unclaimed_authorities(
	hospitals: &[HospitalValidator],
	aura: &[[u8; 32]],
	grandpa: &[[u8; 32]],
	authored: &HashMap<[u8; 32], (u64, u64)>,
	voters: &[[u8; 32]],
) -> Vec<UnclaimedAuthority> {
	let claimed = |key: &[u8; 32], grandpa_key: bool| {
		hospitals
			.iter()
			.filter_map(|v| v.keys)
			.any(|(a, g)| *key == if grandpa_key { g } else { a })
	};
	let authoring = aura.iter().filter(|k| !claimed(k, false)).map(|key| {
		let blocks = authored.get(key).map_or(0, |(blocks, _)| *blocks);
		UnclaimedAuthority::Authoring { key: Hex32(*key), blocks_authored: blocks }
	});
	let finality = grandpa
		.iter()
		.filter(|k| !claimed(k, true))
		.map(|key| UnclaimedAuthority::Finality { key: Hex32(*key), voting: voters.contains(key) });
	authoring.chain(finality).collect()
}

/// Aura's consensus engine id in header digests.
const AURA_ENGINE: [u8; 4] = *b"aura";

/// The Aura key that authored a block, from the slot in its pre-runtime digest.
fn author(header: &Header, authorities: &[[u8; 32]]) -> Option<[u8; 32]> {
	let slot = header.digest.logs.iter().find_map(|log| match log {
		DigestItem::PreRuntime(AURA_ENGINE, data) => u64::decode(&mut &data[..]).ok(),
		_ => None,
	})?;
	if authorities.is_empty() {
		return None;
	}
	authorities.get((slot % authorities.len() as u64) as usize).copied()
}

/// A validator account's session keys (Aura, GRANDPA) as `Session.NextKeys` holds them.
async fn session_keys(
	chain: &Chain,
	validator: &AccountId32,
	at: H256,
) -> Result<Option<([u8; 32], [u8; 32])>, GatewayError> {
	let keys = chain.session_keys(validator, at).await?;
	Ok(keys.map(|keys| (raw_key(&keys.aura), raw_key(&keys.grandpa))))
}

/// The bytes of an authority key (sr25519 for Aura, ed25519 for GRANDPA: 32 bytes each),
/// as the explorer compares and shows them.
fn raw_key(key: &impl sp_core::crypto::ByteArray) -> [u8; 32] {
	let mut out = [0; 32];
	out.copy_from_slice(key.as_slice());
	out
}

/// A hospital's validator as of a block: its validator account and the session keys
/// (Aura, GRANDPA) that account registered.
struct HospitalValidator {
	org: OrgId,
	name: String,
	status: Status,
	account: AccountId32,
	keys: Option<([u8; 32], [u8; 32])>,
}

/// The hospitals that run a validator, in the state of block `at`.
async fn hospital_validators(
	chain: &Chain,
	at: H256,
) -> Result<Vec<HospitalValidator>, GatewayError> {
	let orgs: Vec<(OrgId, pallet_consortium::OrganisationOf<Runtime>)> =
		chain.api_at(at).organisations().await?;
	let mut out = Vec::new();
	for (org, o) in orgs {
		let Some(account) = o.validator else { continue };
		out.push(HospitalValidator {
			org,
			name: String::from_utf8_lossy(&o.name).into_owned(),
			status: o.status.into(),
			keys: session_keys(chain, &account, at).await?,
			account,
		});
	}
	Ok(out)
}

/// Finds blocks' authors: a block's slot picks from the Aura set in its *parent's* state
/// (the set it was authored under); the hospitals' keys are read again only when that set
/// changes from one block to the next.
pub(crate) struct Authors<'a> {
	chain: &'a Chain,
	set: Option<Vec<[u8; 32]>>,
	hospitals: HashMap<[u8; 32], (OrgId, String)>,
}

impl<'a> Authors<'a> {
	pub(crate) fn new(chain: &'a Chain) -> Self {
		Authors { chain, set: None, hospitals: HashMap::new() }
	}

	/// The Aura key that authored `header`, and its hospital if one holds that key; `None`
	/// for genesis.
	pub(crate) async fn of(
		&mut self,
		header: &Header,
	) -> Result<Option<([u8; 32], Option<(OrgId, String)>)>, GatewayError> {
		if header.number == 0 {
			return Ok(None);
		}
		let parent = header.parent_hash;
		let set: Vec<[u8; 32]> =
			self.chain.api_at(parent).aura_authorities().await?.iter().map(raw_key).collect();
		if self.set.as_ref() != Some(&set) {
			self.hospitals = hospital_validators(self.chain, parent)
				.await?
				.into_iter()
				.filter_map(|v| Some((v.keys?.0, (v.org, v.name))))
				.collect();
			self.set = Some(set);
		}
		let set = self.set.as_deref().unwrap_or_default();
		Ok(author(header, set).map(|key| (key, self.hospitals.get(&key).cloned())))
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn hospital(org: OrgId, keys: Option<([u8; 32], [u8; 32])>) -> HospitalValidator {
		HospitalValidator {
			org,
			name: format!("H{org}"),
			status: Status::Active,
			account: AccountId32::new([org as u8; 32]),
			keys,
		}
	}

	#[test]
	fn authorities_no_hospital_claims_are_listed_with_what_they_did() {
		let hospitals = [hospital(1, Some(([1; 32], [11; 32]))), hospital(2, None)];
		let authored = HashMap::from([([1; 32], (3, 40)), ([9; 32], (2, 41))]);
		let unclaimed = unclaimed_authorities(
			&hospitals,
			&[[1; 32], [9; 32]],
			&[[11; 32], [19; 32], [29; 32]],
			&authored,
			&[[11; 32], [19; 32]],
		);
		assert_eq!(
			unclaimed,
			[
				UnclaimedAuthority::Authoring { key: Hex32([9; 32]), blocks_authored: 2 },
				UnclaimedAuthority::Finality { key: Hex32([19; 32]), voting: true },
				UnclaimedAuthority::Finality { key: Hex32([29; 32]), voting: false },
			]
		);
	}
}
