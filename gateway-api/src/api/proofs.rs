//! `document_proof`: proof bundles anyone holding the consortium's trust file checks
//! offline.

use super::namespace;
use crate::{
	access::{Ownership, ANY},
	values::Purpose,
};
pub use medledger_verifier::bundle::ProofBundle;

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
}
