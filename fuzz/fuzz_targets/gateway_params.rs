//! A call's parameters as the gateway decodes them, from any caller: each wire type is
//! decoded from the fuzzed JSON or refused with serde's reason — never a panic — and what
//! decodes writes back and decodes again to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use medledger_gateway_api::values::{Account, Base64, CidText, Hex32, HexBytes, KeyProof};
use serde::{de::DeserializeOwned, Serialize};
use std::fmt::Debug;

fn round_trip<T: DeserializeOwned + Serialize + PartialEq + Debug>(value: &serde_json::Value) {
	if let Ok(decoded) = serde_json::from_value::<T>(value.clone()) {
		let again = serde_json::to_value(&decoded).expect("a decoded value serialises");
		assert_eq!(serde_json::from_value::<T>(again).ok().as_ref(), Some(&decoded));
	}
}

fuzz_target!(|data: &[u8]| {
	let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else { return };
	round_trip::<Account>(&value);
	round_trip::<Hex32>(&value);
	round_trip::<HexBytes>(&value);
	round_trip::<KeyProof>(&value);
	round_trip::<Base64>(&value);
	round_trip::<CidText>(&value);
	round_trip::<medledger_gateway_api::values::Purpose>(&value);
	round_trip::<medledger_gateway_api::api::consent::ScopeRequest>(&value);
});
