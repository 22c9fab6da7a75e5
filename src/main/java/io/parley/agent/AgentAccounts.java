package io.parley.agent;

import io.parley.failure.ParleyException;

import io.parley.lifecycle.AgentPresence;

import io.parley.ops.SecretFile;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Agent and admin accounts: the first admin at first start, creation by admins, presence. */
@ApplicationScoped
public class AgentAccounts implements AgentPresence {

    private static final Logger LOG = Logger.getLogger(AgentAccounts.class);
    private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]{1,39}");
    static final int MIN_PASSWORD = 10;
    static final int MIN_DISTINCT = 5;

    private final AgentConfig config;

    AgentAccounts(AgentConfig config) {
        this.config = config;
    }

    /** Any constant: the key of the transaction-scoped advisory lock that orders instances creating the first admin. */
    private static final long FIRST_ADMIN_LOCK = 0x5061726c65794164L;

    @Transactional
    void firstAdmin(@Observes StartupEvent event) {
        // Several instances starting on an empty database at once: the lock (held until this
        // transaction ends) makes the others wait and then see the account, so exactly one creates it.
        Agent.getEntityManager().createNativeQuery("select 1 from (select pg_advisory_xact_lock(" + FIRST_ADMIN_LOCK + ")) l").getSingleResult();
        if (Agent.count() > 0) {
            return;
        }
        if (config.adminPassword().isPresent()) {
            create(config.adminUsername(), config.adminPassword().get(), "Administrator", Agent.ADMIN);
            LOG.infof("first admin account \"%s\" created with the configured password", config.adminUsername());
            return;
        }
        // the generated password is written before the account exists: never an admin nobody can sign in as
        String password = randomPassword();
        Path file = Path.of(config.initialPasswordFile()).toAbsolutePath();
        try {
            SecretFile.write(file, password + "\n");
        } catch (IOException e) {
            throw new IllegalStateException("The first admin's generated password could not be written to " + file + " ("
                    + e.getMessage() + "). Set PARLEY_AGENTS_ADMIN_PASSWORD, or make that folder writable.", e);
        }
        create(config.adminUsername(), password, "Administrator", Agent.ADMIN);
        LOG.infof("first admin account \"%s\" created; its generated password is in %s (sign in and change it)",
                config.adminUsername(), file);
    }

    /** Creates an account; the password is stored as a bcrypt hash only. */
    @Transactional
    public Agent create(String username, String password, String displayName, String role) {
        if (username == null || !USERNAME.matcher(username).matches()) {
            throw ParleyException.badInput("username: 2 to 40 lower-case letters, digits, '.', '_' or '-'.");
        }
        checkPassword(password);
        if (!Agent.AGENT.equals(role) && !Agent.ADMIN.equals(role)) {
            throw ParleyException.badInput("role: \"agent\" or \"admin\".");
        }
        if (Agent.count("username", username) > 0) {
            throw new io.parley.conversation.ConflictException("An account named \"" + username + "\" exists already.");
        }
        Agent a = new Agent();
        a.username = username;
        a.password = BcryptUtil.bcryptHash(password);
        a.role = role;
        a.displayName = displayName == null || displayName.isBlank() ? username : displayName.strip();
        a.createdAt = now();
        a.persist();
        return a;
    }

    /** The name customers see ("Cora from our support team has joined", the author of replies). */
    @Transactional
    public Agent rename(String username, String displayName) {
        String name = displayName == null ? "" : displayName.strip();
        if (name.isEmpty() || name.length() > 60 || !io.parley.chat.FrameInput.storable(name)) {
            throw ParleyException.badInput("displayName: 1 to 60 characters; customers see it.");
        }
        Agent a = byUsername(username).orElseThrow();
        a.displayName = name;
        return a;
    }

    /** The name customers see now: an agent may change it while their console is connected. */
    @Transactional
    public String displayName(Agent agent) {
        Agent now = Agent.findById(agent.id);
        return now == null ? agent.displayName : now.displayName;
    }

    @Transactional
    public void changePassword(String username, String current, String replacement) {
        Agent a = byUsername(username).orElseThrow();
        if (current == null || !BcryptUtil.matches(current, a.password)) {
            throw ParleyException.badInput("The current password is not right.");
        }
        checkPassword(replacement);
        a.password = BcryptUtil.bcryptHash(replacement);
    }

    /** An admin disables or enables an account; never their own (an admin cannot lock themselves out). */
    @Transactional
    public Agent setDisabled(String username, boolean disabled, String admin) {
        Agent a = byUsername(username).orElseThrow(() -> new ParleyException(io.parley.failure.ErrorCode.NOT_FOUND,
                "No account named \"" + username + "\"."));
        if (disabled && a.username.equals(admin)) {
            throw ParleyException.badInput("You cannot disable your own account.");
        }
        a.disabledAt = disabled ? (a.disabledAt == null ? now() : a.disabledAt) : null;
        return a;
    }

    @Transactional
    public Optional<Agent> byUsername(String username) {
        return Agent.find("username", username).firstResultOptional();
    }

    /** The account of the signed-in caller (its identity was checked by Quarkus security). */
    public Agent current(io.quarkus.security.identity.SecurityIdentity identity) {
        return byUsername(identity.getPrincipal().getName())
                .orElseThrow(() -> new io.quarkus.security.UnauthorizedException("The account no longer exists."));
    }

    @Transactional
    public List<Agent> list() {
        return Agent.list("order by username");
    }

    /** The agents whose consoles are connected to this instance are online now. */
    @Transactional
    public void seen(Collection<Long> agentIds) {
        if (!agentIds.isEmpty()) {
            Agent.update("lastSeenAt = ?1 where id in ?2", now(), agentIds);
        }
    }

    @Transactional
    public void gone(long agentId) {
        Agent.update("lastSeenAt = null where id = ?1", agentId);
    }

    /** Whether any agent has a console open (on any instance). */
    @Transactional
    @Override
    public boolean anyOnline() {
        return online() > 0;
    }

    /** How many agents have a console open (on any instance). */
    @Transactional
    public long online() {
        return Agent.count("lastSeenAt > ?1", now().minus(config.onlineWithin()));
    }

    private static void checkPassword(String password) {
        if (password == null || password.length() < MIN_PASSWORD) {
            throw ParleyException.badInput("password: at least " + MIN_PASSWORD + " characters.");
        }
        if (password.codePoints().distinct().count() < MIN_DISTINCT) {
            // 'aaaaaaaaaa' or '1212121212' passes a length rule and falls to the first guesses
            throw ParleyException.badInput("password: at least " + MIN_DISTINCT + " different characters.");
        }
    }

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
