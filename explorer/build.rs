//! Builds the explorer's trail check (`explorer/wasm`) for `wasm32-unknown-unknown`, generates
//! its JavaScript bindings with wasm-bindgen, and puts both with the pages (`assets/`) in
//! `$OUT_DIR/site`, which `src/assets.rs` embeds: one binary serves
//! everything the auditor's browser runs, with nothing fetched from elsewhere.
//!
//! A nested `cargo build` (as the runtime's Wasm is built) into its own target directory
//! beside the outer one, so it never waits on the outer build's lock and is reused across
//! `build`, `test` and `clippy`.

use std::{
	env,
	path::{Path, PathBuf},
	process::Command,
};

const WASM_TARGET: &str = "wasm32-unknown-unknown";

fn main() {
	let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
	let root = manifest.parent().expect("explorer/ is inside the workspace");
	for watched in [
		"explorer/assets",
		"explorer/wasm/src",
		"explorer/wasm/Cargo.toml",
		"primitives/src",
		"verifier/src",
		"verifier/Cargo.toml",
	] {
		println!("cargo:rerun-if-changed={}", root.join(watched).display());
	}
	let out = PathBuf::from(env::var("OUT_DIR").expect("set by cargo"));
	let target_dir = outer_target_dir(&out).join("explorer-wasm");

	let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
	let status = Command::new(cargo)
		.current_dir(root)
		.args(["build", "--release", "--locked", "-p", "medledger-explorer-wasm"])
		.args(["--target", WASM_TARGET])
		.arg("--target-dir")
		.arg(&target_dir)
		// The outer build's flags and wrappers (clippy's driver among them) are for the host.
		.env_remove("CARGO_ENCODED_RUSTFLAGS")
		.env_remove("RUSTFLAGS")
		.env_remove("RUSTC_WORKSPACE_WRAPPER")
		.env_remove("CARGO_TARGET_DIR")
		.status()
		.expect("run cargo for the explorer's Wasm");
	assert!(
		status.success(),
		"building explorer/wasm for {WASM_TARGET} failed (is the target installed? \
		 scripts/setup runs `rustup target add {WASM_TARGET}`)"
	);
	let built = target_dir.join(WASM_TARGET).join("release/medledger_explorer_wasm.wasm");
	let site = out.join("site");
	std::fs::create_dir_all(&site).expect("create the site folder");
	// `trail_check.js` (an ES module the page imports) and `trail_check_bg.wasm` beside it.
	wasm_bindgen_cli_support::Bindgen::new()
		.input_path(&built)
		.web(true)
		.expect("the web target is valid on its own")
		.out_name("trail_check")
		// The module finds its Wasm beside itself (the library's default is to omit that).
		.omit_default_module_path(false)
		.typescript(false)
		.generate(&site)
		.expect("generate the trail check's bindings");
	for page in std::fs::read_dir(manifest.join("assets")).expect("explorer/assets") {
		let page = page.expect("an explorer asset").path();
		std::fs::copy(&page, site.join(page.file_name().expect("a file"))).expect("copy a page");
	}
}

/// The outer build's target directory: `CARGO_TARGET_DIR` when set, else the ancestor of
/// `OUT_DIR` (`<target>/<profile>/build/<crate>/out`).
fn outer_target_dir(out: &Path) -> PathBuf {
	if let Some(dir) = env::var_os("CARGO_TARGET_DIR") {
		return PathBuf::from(dir);
	}
	out.ancestors()
		.find(|p| p.ends_with("build"))
		.and_then(|build| build.parent()?.parent())
		.map(Path::to_path_buf)
		.unwrap_or_else(|| out.join("explorer-wasm"))
}
