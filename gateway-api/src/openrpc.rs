//! The OpenRPC document (`rpc.discover`), generated from the method declarations: each
//! method's parameters and result with their JSON schemas, its callers, and the errors
//! with their stable codes.

use crate::{access::Caller, codes, METHODS};
use schemars::{generate::SchemaSettings, SchemaGenerator};
use serde_json::{json, Value};

/// The portal's OpenRPC document.
pub fn openrpc() -> Value {
	let mut generator = SchemaGenerator::new(
		SchemaSettings::draft2020_12().with(|s| s.definitions_path = "/components/schemas".into()),
	);
	let errors: Vec<Value> = codes()
		.iter()
		.map(|e| json!({ "code": e.code, "message": e.name, "data": e.meaning }))
		.collect();
	let methods: Vec<Value> = METHODS
		.iter()
		.map(|m| {
			let params: Vec<Value> = (m.params)(&mut generator)
				.into_iter()
				.map(|p| json!({ "name": p.name, "required": p.required, "schema": p.schema }))
				.collect();
			let callers: Vec<&Caller> = m.callers.iter().collect();
			json!({
				"name": m.name,
				"summary": summary(m.summary),
				"paramStructure": "by-name",
				"params": params,
				"result": { "name": "result", "schema": (m.result)(&mut generator) },
				"errors": errors,
				"x-callers": callers,
				"x-ownership": m.ownership,
				"x-subscription": m.subscription,
			})
		})
		.collect();
	json!({
		"openrpc": "1.2.6",
		"info": {
			"title": "MedLedger gateway portal",
			"version": env!("CARGO_PKG_VERSION"),
			"description": "Send `Authorization: Bearer <token>` with every call (on the HTTP request or the WebSocket upgrade). Parameters by name. Errors carry the stable codes listed with each method; x-callers names who may call a method (none: anyone), x-ownership what a patient must own.",
		},
		"methods": methods,
		"components": { "schemas": generator.take_definitions(true) },
	})
}

/// A doc comment's lines as one paragraph.
fn summary(doc: &str) -> String {
	doc.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
	use super::*;

	/// Every `$ref` in `value` names a schema the document defines.
	fn refs_resolve(value: &Value, schemas: &serde_json::Map<String, Value>) {
		match value {
			Value::Object(map) => {
				if let Some(Value::String(target)) = map.get("$ref") {
					let name = target.trim_start_matches("#/components/schemas/");
					assert!(schemas.contains_key(name), "unresolved {target}");
				}
				map.values().for_each(|v| refs_resolve(v, schemas));
			}
			Value::Array(items) => items.iter().for_each(|v| refs_resolve(v, schemas)),
			_ => {}
		}
	}

	#[test]
	fn every_parameter_and_result_has_a_real_schema() {
		let document = openrpc();
		let schemas = document["components"]["schemas"].as_object().unwrap().clone();
		let methods = document["methods"].as_array().unwrap();
		assert_eq!(methods.len(), METHODS.len());
		for method in methods {
			let name = method["name"].as_str().unwrap();
			for param in method["params"].as_array().unwrap() {
				let schema = &param["schema"];
				assert!(schema.as_object().is_some_and(|s| !s.is_empty()), "{name}: {param}");
			}
			let result = &method["result"]["schema"];
			assert!(result.as_object().is_some_and(|s| !s.is_empty()), "{name}: {result}");
			assert!(!method["summary"].as_str().unwrap().is_empty(), "{name}");
		}
		refs_resolve(&document, &schemas);
		// The names the middleware checks calls against are the documented parameters.
		for method in METHODS.iter() {
			let documented: Vec<&str> =
				(method.params)(&mut SchemaGenerator::default()).iter().map(|p| p.name).collect();
			assert_eq!(method.param_names, documented, "{}", method.name);
		}
		// A parameter left out is optional only where the type allows it.
		let list = methods.iter().find(|m| m["name"] == "document_list").unwrap();
		assert!(list["params"].as_array().unwrap().iter().all(|p| p["required"] == false));
		let get = methods.iter().find(|m| m["name"] == "document_get").unwrap();
		assert!(get["params"].as_array().unwrap().iter().all(|p| p["required"] == true));
	}
}
