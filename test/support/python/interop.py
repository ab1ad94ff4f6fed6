"""Confluent's own Python client on the other side of the kit, for test/integration/interop/python-client.test.ts.

produce: writes booking events with confluent_kafka's AvroSerializer (the latest schema of
         <topic>-value, with its references, as the registry serves it); reads the events as JSON
         lines on stdin (timestamps as ISO 8601 strings, union branch named by "__record").
consume: reads --count records with AvroDeserializer (writer schema by the ID in each message) and
         prints each as one JSON line (timestamps as ISO 8601).
"""
import argparse
import datetime
import json
import sys
import uuid

from confluent_kafka import Consumer, Producer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

TIMESTAMP_FIELDS = {"timestamp", "departureTime", "pickupTime", "dropoffTime"}


def to_python(value, key=None):
    if isinstance(value, dict):
        return {k: to_python(v, k) for k, v in value.items()}
    if key in TIMESTAMP_FIELDS and isinstance(value, str):
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value


def to_json(value):
    if isinstance(value, (datetime.datetime, datetime.date)):
        text = value.astimezone(datetime.timezone.utc).isoformat(timespec="milliseconds")
        return text.replace("+00:00", "Z")
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"not JSON serializable: {type(value)}")


def produce(args, registry):
    serializer = AvroSerializer(registry, None, conf={"auto.register.schemas": False, "use.latest.version": True})
    producer = Producer({"bootstrap.servers": args.brokers, "enable.idempotence": True, "acks": "all"})
    count = 0
    for line in sys.stdin:
        if not line.strip():
            continue
        event = json.loads(line)
        record_name = event.pop("__record")
        # fastavro picks the branch of a union of records from a (name, value) tuple
        value = serializer((record_name, to_python(event)), SerializationContext(args.topic, MessageField.VALUE))
        producer.produce(args.topic, key=event["bookingId"].encode(), value=value, headers={"event-type": event["eventType"]})
        count += 1
    remaining = producer.flush(30)
    if remaining:
        sys.exit(f"{remaining} message(s) not delivered")
    print(json.dumps({"produced": count}))


def consume(args, registry):
    deserializer = AvroDeserializer(registry)
    consumer = Consumer({
        "bootstrap.servers": args.brokers,
        "group.id": args.group,
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
    })
    consumer.subscribe([args.topic])
    seen = 0
    deadline = datetime.datetime.now() + datetime.timedelta(seconds=args.timeout)
    try:
        while seen < args.count and datetime.datetime.now() < deadline:
            message = consumer.poll(1.0)
            if message is None:
                continue
            if message.error():
                sys.exit(f"consumer error: {message.error()}")
            value = deserializer(message.value(), SerializationContext(message.topic(), MessageField.VALUE))
            schema_id = int.from_bytes(message.value()[1:5], "big")
            print(json.dumps({"key": message.key().decode(), "schemaId": schema_id, "value": value}, default=to_json), flush=True)
            seen += 1
    finally:
        consumer.close()
    if seen < args.count:
        sys.exit(f"read {seen} of {args.count} record(s) within {args.timeout} s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["produce", "consume"])
    parser.add_argument("--brokers", required=True)
    parser.add_argument("--registry", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--group", default="interop-python")
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=60)
    args = parser.parse_args()
    registry = SchemaRegistryClient({"url": args.registry})
    (produce if args.mode == "produce" else consume)(args, registry)


if __name__ == "__main__":
    main()
