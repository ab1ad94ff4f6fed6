"""Avro decimals in Apache Avro's Python library and in fastavro (what Confluent's Python
serializers use), for test/judges/avro/decimal-interop.test.ts.

Reads {"schema": <a record with one decimal field "amount">, "values": ["12.50", ...],
"kit": ["<hex of the kit's record bytes>", ...]} on stdin; prints, per value, the record bytes each
library writes for decimal.Decimal(value), and what each reads from the kit's bytes.
"""
import decimal
import io
import json
import sys

try:
    import avro.io
    import avro.schema
    import fastavro
except ImportError as error:  # the test names the missing package
    print(error, file=sys.stderr)
    sys.exit(3)


def main():
    request = json.load(sys.stdin)
    text = json.dumps(request["schema"])
    apache = avro.schema.parse(text)
    fast = fastavro.parse_schema(request["schema"])
    out = []
    for value, kit_hex in zip(request["values"], request["kit"]):
        record = {"amount": decimal.Decimal(value)}
        buffer = io.BytesIO()
        avro.io.DatumWriter(apache).write(record, avro.io.BinaryEncoder(buffer))
        fast_buffer = io.BytesIO()
        fastavro.schemaless_writer(fast_buffer, fast, record)
        kit_bytes = bytes.fromhex(kit_hex)
        read_apache = avro.io.DatumReader(apache).read(avro.io.BinaryDecoder(io.BytesIO(kit_bytes)))
        read_fast = fastavro.schemaless_reader(io.BytesIO(kit_bytes), fast)
        out.append(
            {
                "value": value,
                "avro": buffer.getvalue().hex(),
                "fastavro": fast_buffer.getvalue().hex(),
                "avroReads": str(read_apache["amount"]),
                "fastavroReads": str(read_fast["amount"]),
            }
        )
    json.dump(out, sys.stdout)


main()
