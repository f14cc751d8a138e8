//! `audit_*`: a patient's trail with its hash-chain check, entries by actor or hospital,
//! compliance reports.

use super::{page_limit, Portal, Whose};
use crate::Gateway;
use codec::Encode;
use jsonrpsee::{core::RpcResult, Extensions};
use medledger_gateway_api::{
	api::audit::{
		AuditApiServer, AuditEntry, BlockRef, DeadLetter, FhirBundle, Head, Report, ReportFormat,
		Trail, TrailEntry,
	},
	convert,
	values::{Account, Hex32, HexBytes},
	GatewayError,
};
use medledger_index::Period;
use medledger_primitives::{
	audit::{AuditRecord, TrailHead},
	OrgId,
};
use medledger_runtime::Runtime;
use pallet_consent::Consent;
use sp_runtime::AccountId32;

/// Most audit entries in one compliance report.
const MAX_REPORT_ENTRIES: usize = 100_000;

#[jsonrpsee::core::async_trait]
impl AuditApiServer for Portal {
	async fn audit_trail(
		&self,
		_: &Extensions,
		patient: Account,
		from: Option<u64>,
		limit: Option<u32>,
	) -> RpcResult<Trail> {
		Ok(trail(self, &patient.0, from.unwrap_or(1).max(1), page_limit(limit)).await?)
	}

	async fn audit_by_actor(
		&self,
		_: &Extensions,
		actor: Account,
		from: Option<u64>,
		to: Option<u64>,
		limit: Option<u32>,
	) -> RpcResult<Vec<AuditEntry>> {
		let range = (from.unwrap_or(0), to.unwrap_or(u64::MAX));
		let who = Who::Actor(actor.0);
		let entries = audit_entries(self, &who, range, page_limit(limit) as usize)?;
		Ok(entries.iter().map(|(seq, r)| convert::audit_entry(*seq, r)).collect())
	}

	async fn audit_by_organisation(
		&self,
		_: &Extensions,
		organisation: OrgId,
		from: Option<u64>,
		to: Option<u64>,
		limit: Option<u32>,
	) -> RpcResult<Vec<AuditEntry>> {
		let range = (from.unwrap_or(0), to.unwrap_or(u64::MAX));
		let who = Who::Organisation(organisation);
		let entries = audit_entries(self, &who, range, page_limit(limit) as usize)?;
		Ok(entries.iter().map(|(seq, r)| convert::audit_entry(*seq, r)).collect())
	}

	async fn audit_report(
		&self,
		_: &Extensions,
		organisation: OrgId,
		from: u64,
		to: u64,
		format: ReportFormat,
	) -> RpcResult<Report> {
		let report = report(self, organisation, from, to).await?;
		Ok(match format {
			ReportFormat::Csv => Report::Csv(report.to_csv()?),
			ReportFormat::Fhir => Report::Fhir(FhirBundle(report.to_fhir(crate::unix_millis()))),
		})
	}

	async fn audit_dead_letters(
		&self,
		_: &Extensions,
		after: Option<u64>,
		limit: Option<u32>,
	) -> RpcResult<Vec<DeadLetter>> {
		let letters = self
			.store
			.dead_letters(after, page_limit(limit) as usize)
			.map_err(GatewayError::from)?;
		let keystore = self.keystore.read().await;
		Ok(letters
			.into_iter()
			.map(|(id, letter)| {
				let (entry, record) = (&letter.entry, &letter.entry.record);
				let signer = keystore.account(&entry.signer).map(|a| a.account_id());
				DeadLetter {
					id,
					patient: Account::from(&record.patient),
					reader: entry.reader.as_ref().or(signer.as_ref()).map(Account::from),
					reported_by: entry.signer.clone(),
					subject: convert::subject(record.subject),
					consent: record.consent,
					purpose: record.purpose.map(Into::into),
					outcome: convert::outcome(record.outcome),
					at: record.at,
					reason: letter.reason,
				}
			})
			.collect())
	}
}

/// A page of `patient`'s trail from sequence number `from`, from the index, with the
/// hash-chain check of the page: against the chain's head at the block the index last filed
/// when the page should reach it (it holds fewer than `limit` entries: a missing last
/// entry is found), else up to the page's own last head.
async fn trail(
	gw: &Gateway,
	patient: &AccountId32,
	from: u64,
	limit: u32,
) -> Result<Trail, GatewayError> {
	let page = gw.index.trail(patient, from, limit)?;
	let (at_number, at) = match page.at {
		Some(at) => at,
		// Nothing filed yet: genesis, where every trail is empty.
		None => (0, gw.chain.block_hash(0).await?.unwrap_or_default()),
	};
	let head: TrailHead = gw.chain.api_at(at).trail_head(patient).await?;
	let reaches_the_head = (page.entries.len() as u32) < limit && from <= head.seq;
	let end = match page.entries.last() {
		Some((seq, _)) if *seq == head.seq => head,
		_ if reaches_the_head => head,
		Some((seq, record)) => TrailHead { seq: *seq, head: record.head },
		None => page.start,
	};
	let check = medledger_primitives::audit::verify_trail(patient, page.start, &page.entries, end);
	Ok(Trail {
		head: Head { seq: head.seq, head: Hex32(head.head) },
		at: BlockRef { number: at_number, hash: Hex32::from(at) },
		entries: page
			.entries
			.iter()
			.map(|(seq, r)| TrailEntry {
				entry: convert::audit_entry(*seq, r),
				record: HexBytes(r.encode()),
			})
			.collect(),
		verified: check.is_ok(),
		problem: check.err(),
	})
}

/// Whose audit entries.
enum Who {
	Actor(AccountId32),
	Organisation(OrgId),
}

/// Up to `limit` audit entries of `who` with `from ≤ at < to`, in time order, from the index.
fn audit_entries(
	gw: &Gateway,
	who: &Who,
	(from, to): (u64, u64),
	limit: usize,
) -> Result<Vec<(u64, AuditRecord<AccountId32>)>, GatewayError> {
	if from > to {
		return Err(GatewayError::invalid("from", "after to"));
	}
	let period = Period { from, to };
	Ok(match who {
		Who::Actor(actor) => gw.index.by_actor(actor, period, limit)?,
		Who::Organisation(org) => gw.index.by_organisation(*org, period, limit)?,
	})
}

/// A hospital's documents, consents and audit entries in a period.
async fn report(
	gw: &Gateway,
	organisation: OrgId,
	from: u64,
	to: u64,
) -> Result<crate::report::Report, GatewayError> {
	let who = Who::Organisation(organisation);
	let entries = audit_entries(gw, &who, (from, to), MAX_REPORT_ENTRIES + 1)?;
	if entries.len() > MAX_REPORT_ENTRIES {
		return Err(GatewayError::invalid(
			"to",
			"more than 100000 audit entries: ask for a shorter period",
		));
	}
	let in_period = |at: u64| (from..to).contains(&at);
	let documents = crate::records::all(gw, &Whose::Organisation(organisation)).await?;
	let consents: Vec<(u64, Consent<Runtime>)> =
		gw.chain.api().all_consents_by_organisation(organisation).await?;
	let documents = documents.into_iter().filter(|(_, d)| in_period(d.created_at)).collect();
	let consents =
		consents.into_iter().filter(|(_, c)| c.requested_at < to && c.window.to > from).collect();
	Ok(crate::report::Report { organisation, from, to, documents, consents, entries })
}
