import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How far PostgreSQL LISTEN/NOTIFY fan-out carries: writers store "customer messages" with the turn's
 * statement shape (conversation counter update, message insert and pg_notify in one autocommit
 * statement, as conversation/TurnSql), while N listening connections (N Parley instances' change
 * feeds) each receive every notification. Per step: messages (= notifications) committed per second,
 * notifications received per second per listener, and the delivery delay (commit to receipt).
 * Bounded: a few seconds per step, embedded PostgreSQL on 127.0.0.1 (or a JDBC URL as first argument).
 * Run with Parley's own libraries:
 *   java -cp "target/quarkus-app/lib/main/*" bench/NotifyFanout.java [jdbc-url|embedded] [seconds-per-step] [writers]
 */
public class NotifyFanout {

    static final String CHANNEL = "parley_messages";

    public static void main(String[] args) throws Exception {
        String url = args.length > 0 && !args[0].equals("embedded") ? args[0] : null;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int writers = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        EmbeddedPostgres pg = null;
        if (url == null) {
            Path dir = Files.createTempDirectory("notify-fanout");
            pg = EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(true).start();
            url = pg.getJdbcUrl("postgres", "postgres");
        }
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("drop table if exists fanout_message, fanout_conversation");
            s.execute("create table fanout_conversation (id uuid primary key, last_seq int not null default 0, updated_at timestamptz)");
            s.execute("create table fanout_message (id bigserial primary key, conversation_id uuid not null, seq int not null, "
                    + "msg_id text not null, text text not null, created_at timestamptz not null, unique (conversation_id, seq))");
        }
        System.out.printf("%d writers, %d s per step, %d cores%n", writers, seconds, Runtime.getRuntime().availableProcessors());
        System.out.println("| listeners | notify | messages/s | received/s per listener | deliveries/s in all | delay p50 / p99 / max (ms) |");
        System.out.println("|---|---|---|---|---|---|");
        step(url, writers, 0, false, seconds);
        for (int listeners : new int[] {0, 1, 2, 4, 8, 16}) {
            step(url, writers, listeners, true, seconds);
        }
        if (pg != null) {
            pg.close();
        }
    }

    static void step(String url, int writerCount, int listenerCount, boolean notify, int seconds) throws Exception {
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicBoolean listening = new AtomicBoolean(true);
        AtomicLong sent = new AtomicLong();
        long[] received = new long[listenerCount];
        List<long[]> delays = new ArrayList<>();
        List<Thread> listeners = new ArrayList<>();
        for (int l = 0; l < listenerCount; l++) {
            int index = l;
            long[] delay = new long[1_000_000];
            delays.add(delay);
            Connection c = DriverManager.getConnection(url);
            try (Statement s = c.createStatement()) {
                s.execute("LISTEN " + CHANNEL);
            }
            Thread t = new Thread(() -> listen(c, listening, received, index, delay), "listener-" + l);
            t.start();
            listeners.add(t);
        }
        List<Thread> writers = new ArrayList<>();
        long start = System.nanoTime();
        for (int w = 0; w < writerCount; w++) {
            Thread t = new Thread(() -> write(url, writing, sent, notify), "writer-" + w);
            t.start();
            writers.add(t);
        }
        Thread.sleep(seconds * 1000L);
        writing.set(false);
        for (Thread t : writers) {
            t.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        Thread.sleep(1500); // let the queue drain: what still arrives counts, later is lost to the step
        listening.set(false);
        for (Thread t : listeners) {
            t.join();
        }
        double perListener = listenerCount == 0 ? 0 : Arrays.stream(received).average().orElse(0) / elapsed;
        long[] all = merged(delays, received);
        System.out.printf("| %d | %s | %.0f | %.0f | %.0f | %s |%n", listenerCount, notify ? "yes" : "no", sent.get() / elapsed, perListener,
                perListener * listenerCount, all.length == 0 ? "–" : String.format("%.1f / %.1f / %.1f", pct(all, 0.5), pct(all, 0.99), all[all.length - 1] / 1000.0));
    }

    /** One "instance's change feed": takes every notification off its connection and notes how late it came. */
    static void listen(Connection c, AtomicBoolean listening, long[] received, int index, long[] delay) {
        try (c) {
            PGConnection pg = c.unwrap(PGConnection.class);
            while (listening.get()) {
                PGNotification[] batch = pg.getNotifications(200);
                if (batch == null) {
                    continue;
                }
                long now = System.nanoTime() / 1000;
                for (PGNotification n : batch) {
                    String p = n.getParameter();
                    long sentMicros = Long.parseLong(p.substring(p.lastIndexOf(':') + 1));
                    int i = (int) received[index]++;
                    if (i < delay.length) {
                        delay[i] = Math.max(0, now - sentMicros);
                    }
                }
            }
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    /** One writer: new customer messages in conversations of its own, each in the turn's single statement. */
    static void write(String url, AtomicBoolean writing, AtomicLong sent, boolean notify) {
        try (Connection c = DriverManager.getConnection(url)) {
            List<UUID> conversations = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("insert into fanout_conversation (id) values (?)")) {
                for (int i = 0; i < 50; i++) {
                    UUID id = UUID.randomUUID();
                    ps.setObject(1, id);
                    ps.execute();
                    conversations.add(id);
                }
            }
            String sql = """
                    with s as (update fanout_conversation set last_seq = last_seq + 1, updated_at = now() where id = ? returning id, last_seq),
                         m as (insert into fanout_message (conversation_id, seq, msg_id, text, created_at)
                               select s.id, s.last_seq, ?, 'where is my order?', now() from s returning id)
                    select s.last_seq, (select id from m)""" + (notify ? ", pg_notify(?, s.id || ':' || s.last_seq || ':1:' || ?)" : "") + " from s";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int n = 0;
                while (writing.get()) {
                    ps.setObject(1, conversations.get(n++ % conversations.size()));
                    ps.setString(2, UUID.randomUUID().toString());
                    if (notify) {
                        ps.setString(3, CHANNEL);
                        // sent time in microseconds, on the listeners' clock (one process)
                        ps.setString(4, Long.toString(System.nanoTime() / 1000));
                    }
                    ps.executeQuery().close();
                    sent.incrementAndGet();
                }
            }
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    static long[] merged(List<long[]> delays, long[] received) {
        int total = 0;
        for (int i = 0; i < delays.size(); i++) {
            total += (int) Math.min(received[i], delays.get(i).length);
        }
        long[] all = new long[total];
        int at = 0;
        for (int i = 0; i < delays.size(); i++) {
            int n = (int) Math.min(received[i], delays.get(i).length);
            System.arraycopy(delays.get(i), 0, all, at, n);
            at += n;
        }
        Arrays.sort(all);
        return all;
    }

    static double pct(long[] sorted, double q) {
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1000.0;
    }
}
