package dev.corral.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class LoadSpecTest {

    record Valid(String text, LoadSpec.Generator generator, boolean tls, Workload workload, int clients, int outstanding,
            long durationMs, double readRatio) {}

    static Stream<Valid> validSpecs() {
        return Stream.of(
                // a bare workload takes the official generator's defaults and the run's duration
                new Valid("set", LoadSpec.Generator.OFFICIAL, false, Workload.SET, 4, 8, 10_000, 0.9),
                new Valid("exists-watch", LoadSpec.Generator.OFFICIAL, false, Workload.EXISTS_WATCH, 4, 8, 10_000, 0.9),
                // knobs override defaults; durations take units
                new Valid("get:clients=1,outstanding=1", LoadSpec.Generator.OFFICIAL, false, Workload.GET, 1, 1, 10_000, 0.9),
                new Valid("mixed:readRatio=0.5,duration=2s", LoadSpec.Generator.OFFICIAL, false, Workload.MIXED, 4, 8, 2_000, 0.5),
                new Valid("set:duration=250ms", LoadSpec.Generator.OFFICIAL, false, Workload.SET, 4, 8, 250, 0.9),
                // the raw- prefix picks the raw-frame generator and its defaults
                new Valid("raw-get", LoadSpec.Generator.RAW, false, Workload.GET, 16, 32, 10_000, 0.9),
                new Valid("raw-set:clients=64", LoadSpec.Generator.RAW, false, Workload.SET, 64, 32, 10_000, 0.9),
                // the tls- prefix runs the official client over TLS, with its defaults
                new Valid("tls-get", LoadSpec.Generator.OFFICIAL, true, Workload.GET, 4, 8, 10_000, 0.9),
                new Valid("tls-set:clients=1,outstanding=1", LoadSpec.Generator.OFFICIAL, true, Workload.SET, 1, 1, 10_000, 0.9));
    }

    @ParameterizedTest
    @MethodSource("validSpecs")
    void parsesTheGeneratorWorkloadAndKnobsOfASpec(Valid c) {
        LoadSpec spec = LoadSpec.parse(c.text(), 10_000, 2_000);

        assertThat(spec.label()).isEqualTo(c.text());
        assertThat(spec.generator()).isEqualTo(c.generator());
        assertThat(spec.tls()).isEqualTo(c.tls());
        assertThat(spec.workload()).isEqualTo(c.workload());
        assertThat(spec.clients()).isEqualTo(c.clients());
        assertThat(spec.outstanding()).isEqualTo(c.outstanding());
        assertThat(spec.durationMs()).isEqualTo(c.durationMs());
        assertThat(spec.readRatio()).isEqualTo(c.readRatio());
    }

    record Invalid(String text, String message) {}

    static Stream<Invalid> invalidSpecs() {
        return Stream.of(
                // names
                new Invalid("nope", "unknown workload 'nope'"),
                new Invalid("raw-sessions", "does not implement sessions"),
                new Invalid("tls-raw-set", "unknown workload 'raw-set'"),
                // knobs
                new Invalid("set:colour=red", "unknown knob(s) [colour]"),
                new Invalid("set:clients", "is not key=value"),
                new Invalid("set:clients=many", "is not a whole number"),
                new Invalid("mixed:readRatio=1.5", "readRatio 1.5 is not between 0 and 1"),
                // bounds
                new Invalid("set:clients=0", "clients=0 is outside"),
                new Invalid("set:outstanding=100000", "outstanding=100000 is outside"),
                new Invalid("set:duration=forever", "is not a duration"));
    }

    @ParameterizedTest
    @MethodSource("invalidSpecs")
    void rejectsABadSpecNamingWhatIsWrong(Invalid c) {
        assertThatThrownBy(() -> LoadSpec.parse(c.text(), 10_000, 2_000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(c.message());
    }
}
