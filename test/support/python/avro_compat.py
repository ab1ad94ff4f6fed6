"""Reader/writer verdicts from Apache Avro's Python reference implementation.

Used by the kit's tests to cross-check its own checker against a client it did not write.
Reads a JSON array of {"id", "reader", "writer"} (Avro schemas as JSON) on stdin and writes a
JSON array of {"id", "compatible"} (or {"id", "error"}) on stdout. One process for all pairs.

Requires: pip install avro
"""
import json
import sys

try:
    import avro.schema
    from avro.compatibility import ReaderWriterCompatibilityChecker, SchemaCompatibilityType
except ImportError as error:  # pragma: no cover - reported to the test as a clear message
    sys.stderr.write("python avro is not installed (pip install avro): %s\n" % error)
    sys.exit(3)


def verdict(pair):
    try:
        reader = avro.schema.parse(json.dumps(pair["reader"]))
        writer = avro.schema.parse(json.dumps(pair["writer"]))
        result = ReaderWriterCompatibilityChecker().get_compatibility(reader, writer)
        return {"id": pair["id"], "compatible": result.compatibility is SchemaCompatibilityType.compatible}
    except Exception as error:  # a schema python rejects is reported, not fatal
        return {"id": pair["id"], "error": "%s: %s" % (type(error).__name__, error)}


def main():
    pairs = json.load(sys.stdin)
    json.dump([verdict(pair) for pair in pairs], sys.stdout)


if __name__ == "__main__":
    main()
