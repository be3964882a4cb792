/*
 * The Kafka Streams side of `bench/run.ts`: the same four topologies as our engine's
 * child (`bench/streams/ours-child.ts`), built with Apache Kafka Streams. Launched as a
 * single-file source program:
 *
 *   java -cp '<kafka-streams lib>/*' bench/java/StreamsBench.java \
 *     <filter-map|count|join|window> <at_least_once|exactly_once_v2> <bootstrap> <input> <output> \
 *     <application.id> <state.dir> <commit.interval.ms> <cache bytes> <table topic|->
 *
 * Prints "STARTED" once the client reaches RUNNING; closes cleanly when stdin ends, so
 * the runner stops both contenders the same way. Completion is measured outside, from
 * the group's committed offsets.
 */

import java.io.InputStream;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Joined;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.WindowedSerdes;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

public final class StreamsBench {
  /** As `WINDOW_SIZE_MS` / `WINDOW_GRACE_MS` in `bench/streams/settings.ts`. */
  private static final long WINDOW_SIZE_MS = 60_000;
  private static final long WINDOW_GRACE_MS = 10_000;

  private StreamsBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 10) {
      System.err.println("usage: StreamsBench <filter-map|count|join|window> <guarantee> <bootstrap> <input> <output> <application.id> <state.dir> <commit.interval.ms> <cache bytes> <table topic|->");
      System.exit(2);
    }
    String topology = args[0];
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, args[5]);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args[2]);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, args[1]);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    props.put(StreamsConfig.STATE_DIR_CONFIG, args[6]);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.parseLong(args[7]));
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, Long.parseLong(args[8]));
    props.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");

    StreamsBuilder builder = new StreamsBuilder();
    KStream<String, String> input = builder.stream(args[3], Consumed.with(Serdes.String(), Serdes.String()));
    switch (topology) {
      case "filter-map" -> input
          .filter((key, value) -> value.charAt(0) % 2 == 0)
          .mapValues(value -> value.toUpperCase())
          .to(args[4], Produced.with(Serdes.String(), Serdes.String()));
      case "count" -> input
          .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
          .count(Materialized.<String, Long>as(Stores.persistentKeyValueStore("counts")).withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))
          .toStream()
          .to(args[4], Produced.with(Serdes.String(), Serdes.Long()));
      case "join" -> {
        // Not materialized by name: the join materializes it as `<topic>-STATE-STORE-…` (RocksDB, logged), as ours.
        KTable<String, String> table = builder.table(args[9], Consumed.with(Serdes.String(), Serdes.String()));
        input
            .join(table, (value, row) -> value + "|" + row, Joined.with(Serdes.String(), Serdes.String(), Serdes.String()))
            .to(args[4], Produced.with(Serdes.String(), Serdes.String()));
      }
      case "window" -> input
          .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
          .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(WINDOW_SIZE_MS), Duration.ofMillis(WINDOW_GRACE_MS)))
          .count(Materialized.<String, Long, WindowStore<Bytes, byte[]>>as("window-counts").withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))
          .toStream()
          .to(args[4], Produced.with(WindowedSerdes.timeWindowedSerdeFrom(String.class, WINDOW_SIZE_MS), Serdes.Long()));
      default -> throw new IllegalArgumentException("unknown topology " + topology);
    }

    KafkaStreams streams = new KafkaStreams(builder.build(), props);
    CountDownLatch failed = new CountDownLatch(1);
    streams.setUncaughtExceptionHandler(error -> {
      System.err.println("FAILED " + error);
      failed.countDown();
      return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    streams.setStateListener((next, previous) -> {
      if (next == KafkaStreams.State.RUNNING) System.out.println("STARTED");
    });
    streams.start();

    // Stop when the runner closes our stdin (or dies).
    InputStream in = System.in;
    byte[] buffer = new byte[256];
    while (in.read(buffer) >= 0) {
      // ignore anything written
    }
    streams.close(Duration.ofSeconds(30));
    System.out.println("CLOSED");
    System.exit(failed.getCount() == 0 ? 1 : 0);
  }
}
