//! Storage migrations of the documents pallet.
//!
//! There is nothing to migrate yet: this module is where the next change of the pallet's
//! storage layout brings its migration.
//!
//! ## Why the storage version is 0
//!
//! `STORAGE_VERSION` (in `lib.rs`) is 0, the version FRAME gives a pallet that declares
//! none: a chain that already runs the pallet has no version stored, which reads as 0.
//! Declaring 1 would make try-runtime's check after an upgrade (on-chain and in-code storage
//! versions must match) fail on such a chain unless a migration wrote 1 while migrating
//! nothing. A new chain's genesis stores the in-code version, so new and running chains
//! agree on 0.
//!
//! ## How the next layout change goes
//!
//! A change to how any stored item is keyed or encoded (a field added to a stored struct, a
//! new index to fill, another hasher) comes with a migration:
//!
//! 1. Raise `STORAGE_VERSION` to 1.
//! 2. Add a module `v1` here. It declares the old layout with
//!    [`storage_alias`](frame_support::storage_alias) and a private type implementing
//!    [`UncheckedOnRuntimeUpgrade`](frame_support::traits::UncheckedOnRuntimeUpgrade):
//!    `on_runtime_upgrade` rewrites the items and returns the weight it used; under the
//!    `try-runtime` feature, `pre_upgrade` encodes what it expects to find afterwards
//!    (counts, say) and `post_upgrade` compares, then runs `Pallet::do_try_state`, so the
//!    migrated state meets the invariants every unit test ends on.
//! 3. Export it wrapped in
//!    [`VersionedMigration`](frame_support::migrations::VersionedMigration), which runs it
//!    only while the on-chain version is 0 and then stores 1, so a second run does nothing:
//!
//! ```ignore
//! pub type MigrateV0ToV1<T> = frame_support::migrations::VersionedMigration<
//!     0,
//!     1,
//!     v1::UncheckedMigrateV0ToV1<T>,
//!     crate::Pallet<T>,
//!     <T as frame_system::Config>::DbWeight,
//! >;
//! ```
//!
//! 4. List `MigrateV0ToV1<Runtime>` in the runtime's migrations (the last type parameter of
//!    `frame_executive::Executive`) for the release that brings the change, try it with
//!    `try-runtime on-runtime-upgrade` on a copy of a running chain's state (the runtime
//!    needs a `try-runtime` feature and the `TryRuntime` API for that, which it does not
//!    have yet), and remove it from the runtime once every chain has upgraded.
//!
//! ## What to watch in this pallet
//!
//! - [`crate::Records`] and its indexes ([`crate::ByCommitment`], [`crate::ByPatient`],
//!   [`crate::ByOrganisation`]) grow with every anchored document, without bound. A migration
//!   that rewrites them will not fit in one block on a chain in use: write it as a
//!   [`SteppedMigration`](frame_support::migrations::SteppedMigration), run over several
//!   blocks by `pallet-migrations`.
//! - A [`crate::Document`] is read by the gateway, the explorer and the verifier through
//!   `DocumentsApi`; a change to its encoding changes what they decode, so they move with it.
//! - A lower `MaxCidLength`, `MaxMediaTypeLength` or `MaxDocumentTypeLength` in the runtime
//!   is a layout change too: stored fields longer than the new bound no longer decode.
