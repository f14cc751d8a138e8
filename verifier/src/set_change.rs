//! Following the consortium's validators: a trust file for authority set N advances to set
//! N + 1 by a [`SetChange`] — the header of the block that scheduled the change (its digest
//! names the next authorities), the headers up to the block that enacts it, and set N's
//! GRANDPA justification of that block. This is how GRANDPA light clients follow sets: only
//! the trusted set can hand over to the next, so proofs made after a council vote verify
//! with the consortium's original chain spec.
//!
//! Only standard (scheduled) changes are followed; a forced change — the consortium's
//! recovery from a stalled GRANDPA — needs a new trust file from the consortium.

use crate::{
	finality::{self, DigestItem},
	hex_bytes,
	trust::{Authority, TrustedSet},
	Failure,
};
use codec::{Decode, Encode};
use serde::{Deserialize, Serialize};

/// GRANDPA's engine id in header digests.
const GRANDPA_ENGINE: [u8; 4] = *b"FRNK";

/// The proof that set N handed over to set N + 1.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SetChange {
	/// Headers (SCALE) from the block that schedules the change to the block that enacts
	/// it (one header when the change takes effect at once).
	#[serde(with = "hex_bytes::list")]
	#[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
	pub headers: Vec<Vec<u8>>,
	/// Set N's GRANDPA justification of the last header.
	#[serde(with = "hex_bytes::vec")]
	#[cfg_attr(feature = "schema", schemars(with = "String"))]
	pub justification: Vec<u8>,
}

/// GRANDPA's log in a header digest (`sp_consensus_grandpa::ConsensusLog`, same indices;
/// only what a light client follows is declared).
#[derive(Decode, Encode)]
enum ConsensusLog {
	#[codec(index = 1)]
	ScheduledChange(ScheduledChange),
	#[codec(index = 2)]
	ForcedChange(u32, ScheduledChange),
}

/// The next authorities and the delay (in blocks) before they take over.
#[derive(Decode, Encode)]
struct ScheduledChange {
	next_authorities: Vec<([u8; 32], u64)>,
	delay: u32,
}

/// The set after `change`, if `trusted` signed it; the failure names what is wrong.
pub fn advance(trusted: &TrustedSet, change: &SetChange) -> Result<TrustedSet, Failure> {
	let invalid = |why: &str| Failure::SetChangeInvalid(why.into());
	let first = change.headers.first().ok_or_else(|| invalid("it carries no header"))?;
	let scheduling = finality::decode_header(first)?;
	let mut logs = scheduling.digest.iter().filter_map(|item| match item {
		DigestItem::Consensus(engine, log) if *engine == GRANDPA_ENGINE => {
			ConsensusLog::decode(&mut &log[..]).ok()
		}
		_ => None,
	});
	let scheduled =
		match logs.next() {
			Some(ConsensusLog::ScheduledChange(scheduled)) => scheduled,
			Some(ConsensusLog::ForcedChange(..)) => return Err(invalid(
				"it is a forced change, which only a new trust file from the consortium follows",
			)),
			None => return Err(invalid("its first header schedules no change of authorities")),
		};
	let enacted = scheduling.number() + scheduled.delay;
	let finalised = finality::check_justification(&change.justification, trusted)?;
	let first_block = (sp_crypto_hashing::blake2_256(first), scheduling.number());
	finality::check_header_chain(first_block, &change.headers[1..], finalised)?;
	if finalised.1 != enacted {
		return Err(invalid("its justification is not of the block that enacts the change"));
	}
	let authorities: Vec<Authority> = scheduled
		.next_authorities
		.into_iter()
		.map(|(id, weight)| Authority { id, weight })
		.collect();
	if authorities.iter().all(|a| a.weight == 0) {
		return Err(invalid("the next set has no authority with weight"));
	}
	Ok(TrustedSet { set_id: trusted.set_id + 1, authorities, ..trusted.clone() })
}
