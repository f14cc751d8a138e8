//! Command-line arguments.

/// `medledger-node [SUBCOMMAND] [OPTIONS]`: without a subcommand, runs the node.
#[derive(Debug, clap::Parser)]
pub struct Cli {
	/// A maintenance subcommand.
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	/// Options of a running node.
	#[clap(flatten)]
	pub run: sc_cli::RunCmd,

	/// Look for peers on the local network with mDNS (off unless given: a hospital's node
	/// talks to the consortium's authorised nodes at the addresses its operator configures).
	#[arg(long)]
	pub mdns: bool,
}

/// The standard Substrate maintenance subcommands.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management: generate and inspect account and node keys, insert session keys.
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Build a chain specification (`--raw` for the form nodes load).
	BuildSpec(sc_cli::BuildSpecCmd),

	/// Export a chain specification without starting a node.
	ExportChainSpec(sc_cli::ExportChainSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a block as a chain spec.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Database metadata.
	ChainInfo(sc_cli::ChainInfoCmd),

	/// Benchmark the runtime's pallets and the database to generate weights.
	#[cfg(feature = "runtime-benchmarks")]
	#[command(subcommand)]
	Benchmark(frame_benchmarking_cli::BenchmarkCmd),
}
