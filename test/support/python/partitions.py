"""Where confluent-kafka (librdkafka) puts each key: reads keys (one per line) on stdin, produces
each with the given partitioner to the topic, prints {"key": partition, ...} from the delivery
reports."""
import json
import sys

from confluent_kafka import Producer


def main() -> None:
    bootstrap, topic, partitioner = sys.argv[1], sys.argv[2], sys.argv[3]
    keys = [line.rstrip("\n") for line in sys.stdin if line.strip()]
    placed = {}

    def report(err, msg):
        if err is not None:
            raise SystemExit(f"delivery failed: {err}")
        placed[msg.key().decode("utf-8")] = msg.partition()

    producer = Producer({"bootstrap.servers": bootstrap, "partitioner": partitioner, "enable.idempotence": True})
    for key in keys:
        producer.produce(topic, key=key.encode("utf-8"), value=b"x", on_delivery=report)
        producer.poll(0)
    if producer.flush(30) != 0:
        raise SystemExit("not every message was delivered within 30 s")
    json.dump(placed, sys.stdout)


if __name__ == "__main__":
    main()
