//! `explorer_search`: what a query names, each with the explorer page that shows it.

use medledger_chain_client::Chain;
use medledger_gateway_api::{api::explorer::Hit, values::Account, GatewayError};
use medledger_primitives::OrgId;
use medledger_runtime::Runtime;
use pallet_consent::Consent;
use sp_core::crypto::Ss58Codec;
use sp_runtime::AccountId32;

use crate::blocks::parse_hash;

/// `explorer_search`: what a query names — a block number or hash, a document (id or
/// commitment), a consent, an organisation (id or name), an account (SS58) — each with
/// the explorer page that shows it.
pub(crate) async fn search(chain: &Chain, query: &str) -> Result<Vec<Hit>, GatewayError> {
	let query = query.trim().trim_start_matches('#');
	if query.is_empty() || query.len() > 128 {
		return Err(GatewayError::invalid("query", "give a number, a 0x hash or an account"));
	}
	let mut found = Vec::new();
	let mut hit = |kind: &str, label: String, href: String| {
		found.push(Hit { kind: kind.into(), label, href });
	};
	if let Ok(number) = query.parse::<u64>() {
		if chain.block_hash(number).await?.is_some() {
			hit("block", format!("block {number}"), format!("#/block/{number}"));
		}
		// Anchored with a record of its own, or in a rooted batch.
		if chain.api().document(number).await?.is_some()
			|| chain.api().batched(number).await?.is_some()
		{
			hit("document", format!("document {number}"), format!("#/document/{number}"));
		}
		let consent: Option<Consent<Runtime>> = chain.api().consent(number).await?;
		if consent.is_some() {
			hit("consent", format!("consent {number}"), format!("#/consent/{number}"));
		}
	}
	let orgs: Vec<(OrgId, pallet_consortium::OrganisationOf<Runtime>)> =
		chain.api().organisations().await?;
	for (id, org) in &orgs {
		let name = String::from_utf8_lossy(&org.name).into_owned();
		let by_id = query.parse::<OrgId>() == Ok(*id);
		if by_id || name.to_lowercase().contains(&query.to_lowercase()) {
			hit("organisation", name, format!("#/organisation/{id}"));
		}
	}
	if let Ok(hash) = parse_hash("query", query) {
		if chain.block(hash).await?.is_some() {
			hit("block", format!("block {hash:?}"), format!("#/block/{hash:?}"));
		}
		for (org, _) in &orgs {
			if let Some(id) = chain.api().document_id(hash.0, *org).await? {
				hit(
					"document",
					format!("document {id} of organisation {org} (by its commitment)"),
					format!("#/document/{id}"),
				);
			}
		}
	}
	if let Ok(account) = AccountId32::from_ss58check(query) {
		let member: Option<pallet_consortium::Member<u32>> = chain.api().member(&account).await?;
		let address = Account::from(&account).to_string();
		match member.map(|m| m.role) {
			Some(pallet_consortium::Role::Patient) => {
				hit("patient", format!("patient {address}"), format!("#/patient/{address}"))
			}
			Some(role) => hit(
				"account",
				format!("{} {address}", role_word(&role)),
				format!("#/account/{address}"),
			),
			None => hit(
				"account",
				format!("account {address} (not a member)"),
				format!("#/account/{address}"),
			),
		}
	}
	Ok(found)
}

/// A staff or auditor role in words, for search results.
fn role_word(role: &pallet_consortium::Role) -> &'static str {
	match role {
		pallet_consortium::Role::Patient => "patient",
		pallet_consortium::Role::Clinician(_) => "clinician",
		pallet_consortium::Role::OrgAdmin(_) => "administrator",
		pallet_consortium::Role::Auditor => "auditor",
	}
}
