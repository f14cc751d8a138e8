//! The database's keys: fixed-width big-endian fields, so that byte order is the order of
//! patients' sequence numbers and of times.

use medledger_primitives::{DocId, OrgId};
use medledger_runtime::AccountId;

/// Bytes of an entry's place: patient ‖ sequence number.
pub(crate) const PLACE: usize = 32 + 8;

/// An entry's place in its patient's trail.
pub(crate) fn place(patient: &AccountId, seq: u64) -> [u8; PLACE] {
	let mut key = [0; PLACE];
	key[..32].copy_from_slice(patient.as_ref());
	key[32..].copy_from_slice(&seq.to_be_bytes());
	key
}

/// `owner ‖ at ‖ place`: an entry listed under its actor or organisation, in time order.
pub(crate) fn listed(owner: &[u8], at: u64, place: &[u8; PLACE]) -> Vec<u8> {
	[owner, &at.to_be_bytes(), place].concat()
}

/// The first key under `owner` at time `at` or later.
pub(crate) fn listed_from(owner: &[u8], at: u64) -> Vec<u8> {
	[owner, &at.to_be_bytes()].concat()
}

/// The place at the end of a listed key.
pub(crate) fn place_of(listed: &[u8]) -> &[u8] {
	&listed[listed.len() - PLACE..]
}

/// `owner ‖ id`: a document listed under its patient or issuer, in id order.
pub(crate) fn listed_id(owner: &[u8], id: DocId) -> Vec<u8> {
	[owner, &id.to_be_bytes()].concat()
}

/// The id at the end of a `listed_id` key.
pub(crate) fn id_of(listed: &[u8]) -> DocId {
	let mut id = [0; 8];
	id.copy_from_slice(&listed[listed.len() - 8..]);
	DocId::from_be_bytes(id)
}

/// The owner bytes of an organisation.
pub(crate) fn organisation(org: OrgId) -> [u8; 4] {
	org.to_be_bytes()
}
