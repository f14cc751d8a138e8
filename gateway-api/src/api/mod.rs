//! The portal's methods, declared once per namespace: each declaration makes the
//! jsonrpsee server and client traits (named parameters) and the method's entry in
//! [`METHODS`] — who may call it, what it owns, its parameters' and result's schemas —
//! from which the gateway's access middleware and the OpenRPC document are built.

pub mod audit;
pub mod consent;
pub mod documents;
pub mod events;
pub mod explorer;
pub mod members;
pub mod proofs;

use crate::access::{Callers, Ownership};
use schemars::{Schema, SchemaGenerator};

/// One portal method, as the access middleware and the OpenRPC document see it.
pub struct Method {
	/// JSON-RPC name.
	pub name: &'static str,
	/// Who may call it.
	pub callers: Callers,
	/// Which records a patient calling it must own.
	pub ownership: Ownership,
	/// What it does, in one paragraph.
	pub summary: &'static str,
	/// The names of its parameters (what the access middleware checks a call against).
	pub param_names: &'static [&'static str],
	/// Its parameters with their schemas (for the OpenRPC document).
	pub params: fn(&mut SchemaGenerator) -> Vec<Param>,
	/// The schema of its result.
	pub result: fn(&mut SchemaGenerator) -> Schema,
	/// Whether it opens a subscription (over WebSocket).
	pub subscription: bool,
	/// Whether a parameter carries a file: only then may its parameters be larger than a
	/// few KiB.
	pub carries_file: bool,
}

/// A named parameter of a method.
pub struct Param {
	/// Its name in the params object.
	pub name: &'static str,
	/// Whether it must be given.
	pub required: bool,
	/// Its JSON schema.
	pub schema: Schema,
}

/// Every portal method, in the order of the OpenRPC document.
pub static METHODS: std::sync::LazyLock<Vec<&'static Method>> = std::sync::LazyLock::new(|| {
	[
		members::METHODS,
		documents::METHODS,
		proofs::METHODS,
		consent::METHODS,
		audit::METHODS,
		events::METHODS,
		explorer::METHODS,
	]
	.into_iter()
	.flatten()
	.copied()
	.collect()
});

/// The method named `name`.
pub fn method(name: &str) -> Option<&'static Method> {
	METHODS.iter().copied().find(|m| m.name == name)
}

/// Declares a namespace of portal methods: the `#[rpc(server, client)]` trait and the
/// table of its methods with their callers, ownership and schemas — one declaration, so
/// the access rules and the documentation cannot drift from the methods served.
macro_rules! namespace {
	(
		$(#[$trait_meta:meta])*
		trait $trait:ident;
		$(
			$(#[doc = $doc:literal])*
			#[method($name:tt, callers = $callers:expr, owns = $owns:expr)]
			fn $fn:ident($($param:tt $arg:ident: $ty:ty),* $(,)?) -> $result:ty;
		)*
	) => {
		$(#[$trait_meta])*
		#[jsonrpsee::proc_macros::rpc(server, client)]
		pub trait $trait {
			$(
				$(#[doc = $doc])*
				#[method(name = $name, param_kind = map, with_extensions)]
				async fn $fn(&self, $(#[argument(rename = $param)] $arg: $ty),*)
					-> jsonrpsee::core::RpcResult<$result>;
			)*
		}

		/// This namespace's methods.
		pub const METHODS: &[&crate::api::Method] = &[$(&crate::api::Method {
			name: $name,
			callers: $callers,
			ownership: $owns,
			summary: concat!($($doc, "\n"),*),
			param_names: &[$($param),*],
			params: |_generator: &mut schemars::SchemaGenerator| vec![$(crate::api::Param {
				name: $param,
				required: <$ty as crate::values::Param>::REQUIRED,
				schema: _generator.subschema_for::<$ty>(),
			}),*],
			result: |generator| generator.subschema_for::<$result>(),
			subscription: false,
			carries_file: false $(|| <$ty as crate::values::Param>::CARRIES_FILE)*,
		}),*];
	};
}

pub(crate) use namespace;
