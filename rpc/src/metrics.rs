//! `GET /metrics`: this gateway's queues in Prometheus' text format, for the hospital's
//! monitoring — above all the audit entries the chain refused for good (dead letters), which
//! someone must look into (`audit_deadLetters` lists them), and an audit index that stopped
//! following the chain (its answers then end at its last block). Like every method, it needs a
//! bearer token: an administrator's or an auditor's (`crate::server` checks it).

use crate::store::Store;
use medledger_gateway_api::GatewayError;
use medledger_index::Index;
use prometheus::{Encoder, IntGauge, Registry, TextEncoder};

/// Where the metrics are served.
pub const PATH: &str = "/metrics";

/// The gauges, read from the store and the index now (`finalised`: the node's finalised
/// block, when it answered), in Prometheus' text exposition format.
pub fn render(
	store: &Store,
	index: &Index,
	finalised: Option<u64>,
) -> Result<String, GatewayError> {
	let counts = store.counts()?;
	let filed = index.last_indexed()?.map_or(0, |(number, _)| number);
	let lag = finalised.map(|finalised| finalised.saturating_sub(filed));
	let registry = Registry::new();
	let index_gauges = [
		Some((
			"medledger_audit_index_last_block",
			"The last finalised block the audit index filed.",
			filed,
		)),
		lag.map(|lag| {
			(
				"medledger_audit_index_lag_blocks",
				"Finalised blocks the audit index has not filed yet.",
				lag,
			)
		}),
		Some((
			"medledger_audit_index_failed_passes",
			"Passes of the audit index's follower that failed in a row (0: up to date).",
			index.failed_passes(),
		)),
	];
	for (name, help, value) in index_gauges.into_iter().flatten().chain([
		(
			"medledger_audit_queued",
			"Audit entries of reads at this gateway not yet recorded in a final block.",
			counts.audit_queued,
		),
		(
			"medledger_audit_dead_letters",
			"Audit entries the chain refused for good, kept with its reason (audit_deadLetters).",
			counts.dead_letters,
		),
		(
			"medledger_audit_reports_unsettled",
			"Audit reports sent whose block is not final yet; one that stays is stuck in a pool \
			 or banned there for a while.",
			counts.reports_unsettled,
		),
		(
			"medledger_uploads_pending",
			"Uploads accepted and not yet final on chain.",
			counts.uploads_pending,
		),
	]) {
		let gauge = IntGauge::new(name, help).expect("a valid metric name");
		gauge.set(i64::try_from(value).unwrap_or(i64::MAX));
		registry.register(Box::new(gauge)).expect("each metric registered once");
	}
	let mut text = Vec::new();
	TextEncoder::new().encode(&registry.gather(), &mut text).expect("writing to memory");
	Ok(String::from_utf8(text).expect("the text format is UTF-8"))
}
