"""Validates a FHIR R4 Bundle with fhir.resources (R4 4.0.1 models).

Usage: validate.py BUNDLE.json — prints the count of each resource type as JSON and exits
0 if the bundle and every resource in it parse as valid R4; prints the errors and exits 1
otherwise.
"""

import collections
import json
import sys

import fhir.resources
from fhir.resources.bundle import Bundle
from pydantic import ValidationError

assert fhir.resources.__fhir_version__ == "4.0.1", fhir.resources.__fhir_version__

try:
    bundle = Bundle.parse_file(sys.argv[1])
except ValidationError as error:
    print(error, file=sys.stderr)
    sys.exit(1)

counts = collections.Counter(entry.resource.resource_type for entry in bundle.entry or [])
print(json.dumps(counts))
