//! The built-in chains. Both are built from the runtime's genesis presets, so the JSON files
//! in `chain-spec/` and these agree by construction.

use medledger_runtime::WASM_BINARY;
use sc_service::ChainType;

/// A MedLedger chain spec (no client extensions).
pub type ChainSpec = sc_service::GenericChainSpec;

fn builder(name: &str, id: &str, chain_type: ChainType, preset: &str) -> Result<ChainSpec, String> {
	let wasm = WASM_BINARY.ok_or("the runtime's Wasm was not built (SKIP_WASM_BUILD set?)")?;
	let mut properties = sc_service::Properties::new();
	properties.insert("ss58Format".into(), 42.into());
	Ok(ChainSpec::builder(wasm, Default::default())
		.with_name(name)
		.with_id(id)
		.with_chain_type(chain_type)
		.with_genesis_config_preset_name(preset)
		.with_properties(properties)
		.build())
}

/// `dev`: Alice alone validates; Alice–Dave administer H1–H4, Eve is a patient, Ferdie an
/// auditor; Alice holds sudo; peers unrestricted.
pub fn development() -> Result<ChainSpec, String> {
	builder(
		"MedLedger Development",
		"medledger_dev",
		ChainType::Development,
		sp_genesis_builder::DEV_RUNTIME_PRESET,
	)
}

/// `local`: the same members; Alice–Dave validate for H1–H4 and only the well-known node
/// keys `0x…01`–`0x…04` are accepted as peers; no sudo.
pub fn local() -> Result<ChainSpec, String> {
	builder(
		"MedLedger Local",
		"medledger_local",
		ChainType::Local,
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET,
	)
}
