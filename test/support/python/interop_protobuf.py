"""Confluent's Python client on the other side of the kit's Protobuf framing, for
test/integration/interop/protobuf-python.test.ts.

Stubs are compiled from --proto-root with grpcio-tools into a temporary folder at start-up.

encode: reads JSON lines {"topic", "message" (full name), "json" (proto3 JSON)} and writes each with
        ProtobufSerializer (auto.register.schemas: it registers the file and its imports, as a
        Python service does; imports under --reference-prefix + import path), printing
        {"hex": framed bytes}.
decode: reads JSON lines {"topic", "message", "hex"} and reads each with ProtobufDeserializer,
        printing {"messageIndexes": the path it read, "json": the message as proto3 JSON}.
        --with-registry gives the deserializer the registry (it then fetches the writer's schema).
"""
import argparse
import importlib
import importlib.resources
import io
import json
import os
import sys
import tempfile

from google.protobuf import json_format, symbol_database
from grpc_tools import protoc
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.common.serde import SchemaId
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext


def load_stubs(root):
    out = tempfile.mkdtemp(prefix="proto-stubs-")
    files = sorted(
        os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs if f.endswith(".proto")
    )
    well_known = importlib.resources.files("grpc_tools") / "_proto"  # google/protobuf/*.proto
    if protoc.main(["protoc", f"-I{root}", f"-I{well_known}", f"--python_out={out}", *files]) != 0:
        sys.exit("protoc failed")
    sys.path.insert(0, out)
    for f in files:
        importlib.import_module(f[: -len(".proto")].replace("/", ".") + "_pb2")


def message_class(name):
    return symbol_database.Default().GetSymbol(name)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["encode", "decode"])
    parser.add_argument("--registry", required=True)
    parser.add_argument("--proto-root", required=True)
    parser.add_argument("--with-registry", action="store_true")
    # imports are registered under <prefix><import path> (Confluent's default is the import path alone)
    parser.add_argument("--reference-prefix", default="")
    args = parser.parse_args()
    load_stubs(args.proto_root)
    registry = SchemaRegistryClient({"url": args.registry})
    for line in sys.stdin:
        if not line.strip():
            continue
        item = json.loads(line)
        cls = message_class(item["message"])
        ctx = SerializationContext(item["topic"], MessageField.VALUE)
        if args.mode == "encode":
            conf = {
                "auto.register.schemas": True,
                "reference.subject.name.strategy": lambda ctx, dep: args.reference_prefix + dep.name,
            }
            serializer = ProtobufSerializer(cls, registry, conf)
            value = serializer(json_format.ParseDict(item["json"], cls()), ctx)
            print(json.dumps({"hex": value.hex()}), flush=True)
        else:
            data = bytes.fromhex(item["hex"])
            schema_id = SchemaId("PROTOBUF")
            schema_id.from_bytes(io.BytesIO(data))
            deserializer = ProtobufDeserializer(cls, {}, registry if args.with_registry else None)
            message = deserializer(data, ctx)
            print(json.dumps({"messageIndexes": schema_id.message_indexes, "json": json_format.MessageToDict(message)}), flush=True)


if __name__ == "__main__":
    main()
