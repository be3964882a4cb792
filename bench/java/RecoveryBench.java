/*
 * The Kafka Streams side of `bench/recovery/run.ts`: one instance of a counting
 * application (count per key in a persistent RocksDB store, every update written to the
 * output as "<marker>:<count>"), with static membership, exactly_once_v2 and standby
 * replicas, the same as our engine's child (`bench/recovery/ours-child.ts`). The marker
 * names the instance and its incarnation, so the runner sees which process wrote each
 * committed record. Compiled once by the runner, or launched as a single-file program:
 *
 *   java -cp '<kafka-streams lib>/*' bench/java/RecoveryBench.java <bootstrap> <input> <output> \
 *     <application.id> <state.dir> <group.instance.id> <marker> <session.timeout.ms> \
 *     <commit.interval.ms> <num.standby.replicas>
 *
 * Prints "BOOTED <ms>" (JVM uptime) just before it starts the client, "STARTED" whenever
 * the client reaches RUNNING; closes cleanly when stdin ends.
 */

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

public final class RecoveryBench {
  private RecoveryBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 10) {
      System.err.println("usage: RecoveryBench <bootstrap> <input> <output> <application.id> <state.dir> <group.instance.id> <marker> <session.timeout.ms> <commit.interval.ms> <num.standby.replicas>");
      System.exit(2);
    }
    String marker = args[6];
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, args[3]);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    props.put(StreamsConfig.STATE_DIR_CONFIG, args[4]);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.parseLong(args[8]));
    props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, Integer.parseInt(args[9]));
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 10L * 1024 * 1024);
    // Static membership (KIP-345): Kafka Streams gives each thread's consumer "<id>-<thread>".
    props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, args[5]);
    props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Integer.parseInt(args[7]));
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");

    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(args[1], Consumed.with(Serdes.String(), Serdes.String()))
        .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
        .count(Materialized.<String, Long>as(Stores.persistentKeyValueStore("counts")).withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))
        .toStream()
        .mapValues(count -> marker + ":" + count)
        .to(args[2], Produced.with(Serdes.String(), Serdes.String()));

    KafkaStreams streams = new KafkaStreams(builder.build(), props);
    streams.setUncaughtExceptionHandler(error -> {
      System.err.println("FAILED " + error);
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    streams.setStateListener((next, previous) -> {
      if (next == KafkaStreams.State.RUNNING) System.out.println("STARTED");
    });
    System.out.println("BOOTED " + ManagementFactory.getRuntimeMXBean().getUptime());
    streams.start();

    // Stop when the runner closes our stdin; a SIGKILL is the crash being measured.
    InputStream in = System.in;
    byte[] buffer = new byte[256];
    while (in.read(buffer) >= 0) {
      // ignore anything written
    }
    streams.close(Duration.ofSeconds(30));
    System.out.println("CLOSED");
    System.exit(0);
  }
}
