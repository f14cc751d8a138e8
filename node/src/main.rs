//! The `medledger-node` binary: see the library for what it does.

// `sc_cli::Error` is large; it is returned once, from `main`.
#![allow(clippy::result_large_err)]

fn main() -> sc_cli::Result<()> {
	limit_malloc_arenas();
	medledger_node::command::run()
}

/// Arenas glibc's malloc may create, unless the operator sets `MALLOC_ARENA_MAX`.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MALLOC_ARENAS: i32 = 2;

/// glibc gives each thread that finds the heap busy an arena of its own (up to eight per
/// core) and keeps in each what was freed there. A validator's many threads (import, the
/// pool's validation, RPC, networking) left a fifth of its memory idle that way: under the
/// same load, peak RSS 601–645 MiB with glibc's default, 430–447 MiB with two arenas, and no
/// more CPU per extrinsic (docs/BENCHMARKS.md, session 24).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
	if std::env::var_os("MALLOC_ARENA_MAX").is_some() {
		return;
	}
	// SAFETY: `mallopt` sets one of malloc's parameters; it runs before any other thread
	// exists, so every arena created afterwards is counted against the limit.
	unsafe {
		libc::mallopt(libc::M_ARENA_MAX, MALLOC_ARENAS);
	}
}

/// Other allocators keep their own defaults.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}
