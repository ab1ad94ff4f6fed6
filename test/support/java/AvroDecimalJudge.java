import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.apache.avro.Conversions;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Avro decimals as Java writes and reads them (GenericData with the DecimalConversion, what
 * Confluent's Java serializers use), for test/judges/avro/decimal-interop.test.ts. Each input line:
 * schema JSON (a record with a decimal field "amount"), a tab, the decimal, a tab, the hex of the
 * kit's record bytes. Each output line: the hex Java writes for the decimal, a tab, what Java reads
 * from the kit's bytes (or "error: <message>").
 */
public class AvroDecimalJudge {
  public static void main(String[] args) throws Exception {
    GenericData data = new GenericData();
    data.addLogicalTypeConversion(new Conversions.DecimalConversion());
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    HexFormat hex = HexFormat.of();
    String line;
    while ((line = in.readLine()) != null) {
      if (line.isEmpty()) continue;
      String[] parts = line.split("\t");
      Schema schema = new Schema.Parser().parse(parts[0]);
      String written;
      try {
        GenericRecord record = new GenericData.Record(schema);
        record.put("amount", new BigDecimal(parts[1]));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Encoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema, data).write(record, encoder);
        encoder.flush();
        written = hex.formatHex(out.toByteArray());
      } catch (Exception e) {
        written = "error: " + e.getMessage();
      }
      String read;
      try {
        byte[] bytes = hex.parseHex(parts[2]);
        GenericRecord record =
            new GenericDatumReader<GenericRecord>(schema, schema, data)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, null));
        read = ((BigDecimal) record.get("amount")).toPlainString();
      } catch (Exception e) {
        read = "error: " + e.getMessage();
      }
      System.out.println(written + "\t" + read);
    }
  }
}
