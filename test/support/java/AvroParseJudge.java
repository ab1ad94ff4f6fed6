import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;

/**
 * Apache Avro's Java parser as Confluent Schema Registry parses a new schema (Schema.Parser with
 * its default validation: names and defaults). One schema per input line; one answer per output
 * line: "ok", or "error<TAB>reason".
 */
public final class AvroParseJudge {
  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    StringBuilder out = new StringBuilder();
    String line;
    while ((line = in.readLine()) != null) {
      try {
        new Schema.Parser().parse(line);
        out.append("ok\n");
      } catch (Exception | StackOverflowError e) {
        out.append("error\t").append(String.valueOf(e.getMessage()).replace('\n', ' ').replace('\t', ' ')).append('\n');
      }
    }
    System.out.print(out);
    System.out.flush();
  }
}
