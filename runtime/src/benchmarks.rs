//! The pallets `medledger-node benchmark pallet` measures, and the runtime API it calls.

use crate::{AllPalletsWithSystem, Audit, Consent, Consortium, Documents};
use alloc::{string::String, vec::Vec};
use frame_benchmarking::{BenchmarkBatch, BenchmarkConfig, BenchmarkList};
use frame_support::traits::{StorageInfo, StorageInfoTrait, WhitelistedStorageKeys};

frame_benchmarking::define_benchmarks!(
	[pallet_consortium, Consortium]
	[pallet_audit, Audit]
	[pallet_documents, Documents]
	[pallet_consent, Consent]
);

/// The benchmarks available, and what each pallet stores.
pub fn metadata(extra: bool) -> (Vec<BenchmarkList>, Vec<StorageInfo>) {
	let mut list = Vec::<BenchmarkList>::new();
	list_benchmarks!(list, extra);
	(list, AllPalletsWithSystem::storage_info())
}

/// Runs the benchmarks `config` selects.
pub fn dispatch(config: BenchmarkConfig) -> Result<Vec<BenchmarkBatch>, String> {
	let whitelist = AllPalletsWithSystem::whitelisted_storage_keys();
	let mut batches = Vec::<BenchmarkBatch>::new();
	let params = (&config, &whitelist);
	add_benchmarks!(params, batches);
	Ok(batches)
}
