//! Chain records as text outside the API's types (CSV, FHIR, the explorer's sentences).

use medledger_gateway_api::values::Account;
use sp_runtime::AccountId32;

/// An account in SS58.
pub(crate) fn account(who: &AccountId32) -> String {
	Account::from(who).to_string()
}

/// A binary CID in text form (or hex if it does not parse, which the chain prevents).
pub(crate) fn cid(bytes: &[u8]) -> String {
	cid::Cid::try_from(bytes)
		.map(|c| c.to_string())
		.unwrap_or_else(|_| format!("0x{}", hex::encode(bytes)))
}
