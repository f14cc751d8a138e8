//! The `medledger-node` binary: see the library for what it does.

// `sc_cli::Error` is large; it is returned once, from `main`.
#![allow(clippy::result_large_err)]

fn main() -> sc_cli::Result<()> {
	medledger_node::command::run()
}
