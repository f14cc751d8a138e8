//! Proofs anyone holding the consortium's trust file checks without trusting the gateway:
//! `document_proof` bundles (checked offline, `medledger verify`) and state proofs of the
//! facts a patient's CLI acts on (`medledger_chain_client::facts` names their keys).

use super::namespace;
use crate::{
	access::{Ownership, ANY, TRAIL_READERS},
	values::{Account, Purpose},
};
pub use medledger_verifier::{bundle::ProofBundle, SetChange, StateProof};

namespace! {
	/// Proofs of documents' anchors.
	trait ProofsApi;

	/// A proof bundle (medledger-proof/1) of a document's anchor: storage proof, header
	/// chain, GRANDPA justification; staff giving a purpose also get the salt (an audited
	/// read). Patients: their own documents.
	#[method("document_proof", callers = ANY, owns = Ownership::Document)]
	fn document_proof(
		"id" id: u64,
		"atBlock" at_block: Option<u32>,
		"purpose" purpose: Option<Purpose>,
	) -> ProofBundle;

	/// A state proof (medledger-state/1) of a consent's record (terms, status), at the last
	/// justified block (patients: their own).
	#[method("consent_proof", callers = ANY, owns = Ownership::Consent)]
	fn consent_proof("id" id: u64) -> StateProof;

	/// A state proof of a hospital's record and its delegate's member record (the
	/// encryption key a grant wraps data keys for), at the last justified block.
	#[method("organisation_proof", callers = ANY, owns = Ownership::None)]
	fn organisation_proof("id" id: u32) -> StateProof;

	/// A state proof of a patient's trail head (sequence number and hash), at the last
	/// justified block (patients: their own).
	#[method("trail_proof", callers = TRAIL_READERS, owns = Ownership::Patient)]
	fn trail_proof("patient" patient: Account) -> StateProof;

	/// The changes of GRANDPA authority set since set `from`, in order, each proved by the
	/// set before it (`medledger trust --advance` follows them from the chain spec's set).
	#[method("authority_setChanges", callers = ANY, owns = Ownership::None)]
	fn authority_set_changes("from" from: u64) -> Vec<SetChange>;
}
