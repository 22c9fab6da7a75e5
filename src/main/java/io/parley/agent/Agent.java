package io.parley.agent;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.quarkus.security.jpa.Password;
import io.quarkus.security.jpa.Roles;
import io.quarkus.security.jpa.UserDefinition;
import io.quarkus.security.jpa.Username;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** A support agent or admin account; quarkus-security-jpa signs them in against the bcrypt hash. */
@Entity
@Table(name = "agent")
@UserDefinition
public class Agent extends PanacheEntityBase {

    public static final String AGENT = "agent";
    public static final String ADMIN = "admin";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Username
    @Column(nullable = false, unique = true)
    public String username;

    /** bcrypt (Modular Crypt Format), never the password itself. */
    @Password
    @Column(nullable = false)
    public String password;

    @Roles
    @Column(nullable = false)
    public String role;

    @Column(name = "display_name", nullable = false)
    public String displayName;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    /** Refreshed while the agent's console is connected: "someone is online" for hand-off replies. */
    @Column(name = "last_seen_at")
    public OffsetDateTime lastSeenAt;

    /** Sessions signed in at or before this instant are over (sign-out, password change, disabled). */
    @Column(name = "sessions_valid_after")
    public OffsetDateTime sessionsValidAfter;

    /** Set by an admin: the account cannot sign in and its sessions are over. */
    @Column(name = "disabled_at")
    public OffsetDateTime disabledAt;

    public boolean isAdmin() {
        return ADMIN.equals(role);
    }
}
