package dev.corral.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;

/** Jackson, set up for the tools: never closes the writer it is given, one document per line. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            .disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);

    private Json() {}

    /** Writes {@code value} as one line of JSON. */
    static void writeLine(PrintWriter out, Object value) throws IOException {
        out.println(MAPPER.writeValueAsString(value));
    }

    /** A streaming generator on {@code out}, for documents too large to build in memory first. */
    static JsonGenerator generator(PrintWriter out) throws IOException {
        return MAPPER.getFactory().createGenerator(out);
    }
}
