//! The `medledger-node` binary: see the library for what it does.

fn main() -> sc_cli::Result<()> {
	medledger_node::command::run()
}
