# Sourced by the other scripts: paths and the shared cargo target directory.
# shellcheck shell=bash
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# One target directory outside the clone, so CI runs and later sessions reuse the build
# (a cold node build takes about half an hour on 2 cores).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/medledger/target}"
# One profile for building, running and testing.
export MEDLEDGER_NODE="${MEDLEDGER_NODE:-$CARGO_TARGET_DIR/release/medledger-node}"
# The Python that validates FHIR in the tests (scripts/setup creates it).
export MEDLEDGER_FHIR_PYTHON="${MEDLEDGER_FHIR_PYTHON:-${MEDLEDGER_FHIR_VENV:-$HOME/.cache/medledger/fhir-venv}/bin/python}"

log() { printf '==> %s\n' "$*" >&2; }

build_node() {
	log "building medledger-node (release; target dir $CARGO_TARGET_DIR)"
	(cd "$ROOT" && cargo build --release --locked --workspace)
}
