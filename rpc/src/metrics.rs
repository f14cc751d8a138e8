//! `GET /metrics`: this gateway's queues in Prometheus' text format, for the hospital's
//! monitoring — above all the audit entries the chain refused for good (dead letters), which
//! someone must look into (`audit_deadLetters` lists them). Like every method, it needs a
//! bearer token: an administrator's or an auditor's (`crate::server` checks it).

use crate::store::{Store, StoreError};
use prometheus::{Encoder, IntGauge, Registry, TextEncoder};

/// Where the metrics are served.
pub const PATH: &str = "/metrics";

/// The gauges, read from the store now, in Prometheus' text exposition format.
pub fn render(store: &Store) -> Result<String, StoreError> {
	let counts = store.counts()?;
	let registry = Registry::new();
	for (name, help, value) in [
		(
			"medledger_audit_queued",
			"Audit entries of reads at this gateway waiting to be recorded on chain.",
			counts.audit_queued,
		),
		(
			"medledger_audit_dead_letters",
			"Audit entries the chain refused for good, kept with its reason (audit_deadLetters).",
			counts.dead_letters,
		),
		(
			"medledger_uploads_pending",
			"Uploads accepted and not yet final on chain.",
			counts.uploads_pending,
		),
	] {
		let gauge = IntGauge::new(name, help).expect("a valid metric name");
		gauge.set(i64::try_from(value).unwrap_or(i64::MAX));
		registry.register(Box::new(gauge)).expect("each metric registered once");
	}
	let mut text = Vec::new();
	TextEncoder::new().encode(&registry.gather(), &mut text).expect("writing to memory");
	Ok(String::from_utf8(text).expect("the text format is UTF-8"))
}
