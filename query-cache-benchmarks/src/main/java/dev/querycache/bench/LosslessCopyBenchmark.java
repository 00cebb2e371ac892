package dev.querycache.bench;

import dev.querycache.spring.internal.DataJson;
import dev.querycache.spring.internal.EndpointTypes;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the shared level's lossless check costs on the miss path: a copy written as JSON (what was done
 * before the check) against the same plus reading it back with the endpoint's declared types and comparing
 * with {@code equals} (what a fetch that shares its copy now pays), for a record of the sample's size and
 * for a page of twenty of them. A hit never pays either.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class LosslessCopyBenchmark {

    public record Stats(int hp, int attack, int defense, int speed) {
    }

    public record Pokemon(int id, String name, List<String> types, Stats stats, Instant updated) {
    }

    private final JsonMapper mapper = new JsonMapper();
    private final Pokemon one = pokemon(25);
    private final List<Pokemon> page = java.util.stream.IntStream.rangeClosed(1, 20).mapToObj(LosslessCopyBenchmark::pokemon).toList();
    private final EndpointTypes.Types oneTypes = new EndpointTypes.Types(String.class, Pokemon.class, Object.class, false);
    private final EndpointTypes.Types pageTypes = new EndpointTypes.Types(String.class,
            org.springframework.core.ResolvableType.forClassWithGenerics(List.class, Pokemon.class).getType(), Object.class, false);

    private static Pokemon pokemon(int id) {
        return new Pokemon(id, "pokemon-" + id, List.of("electric", "fairy"), new Stats(35, 55, 40, 90),
                Instant.ofEpochMilli(1_700_000_000_000L + id));
    }

    private String write(Object value) {
        return mapper.writeValueAsString(DataJson.tree(mapper, value));
    }

    private String writeAndCheck(EndpointTypes.Types types, Object value) {
        JsonNode tree = DataJson.tree(mapper, value);
        if (!value.equals(DataJson.read(mapper, types, tree))) {
            throw new IllegalStateException("not lossless");
        }
        return mapper.writeValueAsString(tree);
    }

    @Benchmark
    public String recordWriteOnly() {
        return write(one);
    }

    @Benchmark
    public String recordWriteAndCheck() {
        return writeAndCheck(oneTypes, one);
    }

    @Benchmark
    public String pageWriteOnly() {
        return write(page);
    }

    @Benchmark
    public String pageWriteAndCheck() {
        return writeAndCheck(pageTypes, page);
    }
}
