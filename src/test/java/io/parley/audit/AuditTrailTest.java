package io.parley.audit;

import io.agroal.api.AgroalDataSource;
import io.parley.testing.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The audit chain on a real PostgreSQL: entries written at once from many threads form one chain,
 * the table refuses edits, and an entry altered behind the trigger's back is found by verification.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class AuditTrailTest {

    @Inject
    AuditTrail audit;

    @Inject
    AgroalDataSource db;

    @Test
    void concurrentEntriesFormOneChainThatRevealsAnEditedRow() throws Exception {
        List<CompletableFuture<Long>> writes = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            int n = i;
            writes.add(CompletableFuture.supplyAsync(() -> audit.record(new AuditEntry("agent" + (n % 3), "127.0.0.1",
                    AuditAction.TRANSCRIPT_VIEW, "conversation-" + n, AuditOutcome.OK, Map.of("n", n, "note", "情况")))));
        }
        List<Long> ids = new ArrayList<>();
        for (CompletableFuture<Long> w : writes) {
            ids.add(w.get());
        }
        assertThat(ids).doesNotHaveDuplicates();
        AuditTrail.Verification intact = audit.verify();
        assertThat(intact.intact()).isTrue();
        assertThat(intact.checked()).isGreaterThanOrEqualTo(24);

        long victim = ids.get(7);
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.executeUpdate("update audit_log set outcome = 'denied' where id = " + victim))
                    .isInstanceOf(SQLException.class).hasMessageContaining("append-only");
            assertThatThrownBy(() -> s.executeUpdate("delete from audit_log where id = " + victim))
                    .isInstanceOf(SQLException.class).hasMessageContaining("append-only");
            // what someone with the table owner's rights could still do: switch the guard off and edit
            s.execute("alter table audit_log disable trigger audit_log_append_only");
            try {
                s.executeUpdate("update audit_log set target = 'someone-else' where id = " + victim);
            } finally {
                s.execute("alter table audit_log enable trigger audit_log_append_only");
            }
        }
        AuditTrail.Verification broken = audit.verify();
        assertThat(broken.firstBroken()).contains(victim);

        // restore the row so that later tests sharing this database see an intact chain
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("alter table audit_log disable trigger audit_log_append_only");
            try {
                s.executeUpdate("update audit_log set target = 'conversation-7' where id = " + victim);
            } finally {
                s.execute("alter table audit_log enable trigger audit_log_append_only");
            }
        }
        assertThat(audit.verify().intact()).isTrue();
    }
}
