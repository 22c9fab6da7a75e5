package io.parley.knowledge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.conversation.ChangeFeed;
import io.parley.failure.ErrorCode;
import io.parley.failure.ParleyException;
import io.parley.conversation.ConflictException;
import jakarta.enterprise.context.ApplicationScoped;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Articles in PostgreSQL. Every change writes the article's new version into {@code kb_article_version}
 * (who, when, what) and a NOTIFY on {@link ChangeFeed#KNOWLEDGE_CHANNEL} in the same transaction, so every
 * instance's search index follows at commit, never before.
 */
@ApplicationScoped
public class Articles {

    private static final String COLUMNS = "id, external_key, title, body, language, tags, url, published, version, updated_at, updated_by";
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    /** What an upsert did. */
    public enum Outcome { added, changed, unchanged }

    /** What an upsert did to which article. */
    record Upserted(long id, Outcome outcome) {
    }

    private final DataSource dataSource;
    private final ObjectMapper json;

    Articles(DataSource dataSource, ObjectMapper json) {
        this.dataSource = dataSource;
        this.json = json;
    }

    /** Articles not deleted, newest change first; {@code q} matches title, body or a tag (substring, any language). */
    public List<Article> list(String q, Boolean published, int limit, int offset) {
        StringBuilder sql = new StringBuilder("select " + COLUMNS + " from kb_article where deleted_at is null");
        List<Object> args = new ArrayList<>();
        if (q != null && !q.isBlank()) {
            sql.append(" and (title ilike ? or body ilike ? or tags::text ilike ?)");
            String like = "%" + q.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
            args.add(like);
            args.add(like);
            args.add(like);
        }
        if (published != null) {
            sql.append(" and published = ?");
            args.add(published);
        }
        sql.append(" order by updated_at desc, id desc limit ? offset ?");
        args.add(limit);
        args.add(offset);
        return query(sql.toString(), args.toArray());
    }

    /** Every published article: what the search index holds. */
    public List<Article> published() {
        return query("select " + COLUMNS + " from kb_article where deleted_at is null and published order by id");
    }

    public Article get(long id) {
        List<Article> found = query("select " + COLUMNS + " from kb_article where id = ? and deleted_at is null", id);
        if (found.isEmpty()) {
            throw new ParleyException(ErrorCode.NOT_FOUND, "No article " + id + ".");
        }
        return found.get(0);
    }

    /** Those of these articles that are published, by id: what the index needs after they changed. */
    Map<Long, Article> publishedAmong(List<Long> ids) {
        Map<Long, Article> out = new HashMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select " + COLUMNS + " from kb_article where id = any(?) and deleted_at is null and published")) {
            ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Article a = read(rs);
                    out.put(a.id(), a);
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("articles not read: " + e.getMessage(), e);
        }
    }

    public Article create(Article.Draft draft, String by) {
        Article.Draft d = ArticleRules.check(draft);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            long id = insert(c, null, d, Boolean.TRUE.equals(d.published()), by);
            version(c, id, Article.Change.created, by);
            notifyChange(c, String.valueOf(id));
            c.commit();
            return get(id);
        } catch (SQLException e) {
            throw new IllegalStateException("article not stored: " + e.getMessage(), e);
        }
    }

    /**
     * Replaces the article's content. {@code expectedVersion}, when given, must be the stored version:
     * two editors saving the same article do not silently overwrite each other.
     */
    public Article update(long id, Article.Draft draft, Integer expectedVersion, String by) {
        Article.Draft d = ArticleRules.check(draft);
        return change(id, expectedVersion, by, current -> {
            boolean published = d.published() == null ? current.published() : d.published();
            return new Update(d, published, published == current.published() ? Article.Change.edited
                    : published ? Article.Change.published : Article.Change.unpublished);
        });
    }

    public Article publish(long id, boolean published, String by) {
        return change(id, null, by, current -> new Update(new Article.Draft(current.title(), current.body(), current.language(),
                current.tags(), current.url(), published), published, published ? Article.Change.published : Article.Change.unpublished));
    }

    public void delete(long id, String by) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("update kb_article set deleted_at = now(), published = false, "
                    + "version = version + 1, updated_at = now(), updated_by = ? where id = ? and deleted_at is null")) {
                ps.setString(1, by);
                ps.setLong(2, id);
                if (ps.executeUpdate() == 0) {
                    c.rollback();
                    throw new ParleyException(ErrorCode.NOT_FOUND, "No article " + id + ".");
                }
            }
            version(c, id, Article.Change.deleted, by);
            notifyChange(c, String.valueOf(id));
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("article not deleted: " + e.getMessage(), e);
        }
    }

    public List<Article.Version> versions(long id) {
        get(id);
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select version, title, body, language, tags, url, published, change, "
                     + "changed_by, changed_at from kb_article_version where article_id = ? order by version desc")) {
            ps.setLong(1, id);
            List<Article.Version> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Article.Version(rs.getInt(1), rs.getString(2), rs.getString(3), ArticleLanguage.of(rs.getString(4)),
                            fromJson(rs.getString(5)), rs.getString(6), rs.getBoolean(7), Article.Change.valueOf(rs.getString(8)),
                            rs.getString(9), rs.getObject(10, OffsetDateTime.class)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("versions not read: " + e.getMessage(), e);
        }
    }

    /**
     * Adds or updates the article an import names by {@code key}, on the import's connection (its
     * transaction): unchanged content writes nothing. The caller notifies once per batch.
     */
    Upserted upsert(Connection c, String key, Article.Draft d, boolean publish, String by) throws SQLException {
        Article current = null;
        try (PreparedStatement ps = c.prepareStatement("select " + COLUMNS + ", deleted_at from kb_article where external_key = ? for update")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    current = read(rs);
                    if (rs.getObject("deleted_at") != null) {
                        current = new Article(current.id(), key, "", "", current.language(), List.of(), null, false,
                                current.version(), current.updatedAt(), current.updatedBy()); // brought back: a change
                    }
                }
            }
        }
        Article.Draft wanted = new Article.Draft(d.title(), d.body(), d.language(), d.tags(), d.url(), publish);
        if (current == null) {
            long id = insert(c, key, wanted, publish, by);
            version(c, id, Article.Change.imported, by);
            return new Upserted(id, Outcome.added);
        }
        if (wanted.sameAs(current)) {
            return new Upserted(current.id(), Outcome.unchanged);
        }
        write(c, current.id(), wanted, publish, by);
        version(c, current.id(), Article.Change.imported, by);
        return new Upserted(current.id(), Outcome.changed);
    }

    private record Update(Article.Draft draft, boolean published, Article.Change change) {
    }

    private Article change(long id, Integer expectedVersion, String by, java.util.function.Function<Article, Update> how) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            Article current;
            try (PreparedStatement ps = c.prepareStatement("select " + COLUMNS + " from kb_article where id = ? and deleted_at is null for update")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        c.rollback();
                        throw new ParleyException(ErrorCode.NOT_FOUND, "No article " + id + ".");
                    }
                    current = read(rs);
                }
            }
            if (expectedVersion != null && expectedVersion != current.version()) {
                c.rollback();
                throw new ConflictException("Article " + id + " was changed by " + current.updatedBy() + " (version "
                        + current.version() + "); reload it before saving.");
            }
            Update u = how.apply(current);
            write(c, id, u.draft(), u.published(), by);
            version(c, id, u.change(), by);
            notifyChange(c, String.valueOf(id));
            c.commit();
            return get(id);
        } catch (SQLException e) {
            throw new IllegalStateException("article not stored: " + e.getMessage(), e);
        }
    }

    private long insert(Connection c, String key, Article.Draft d, boolean published, String by) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into kb_article (external_key, title, body, language, tags, url, published, "
                + "updated_by) values (?, ?, ?, ?, ?::jsonb, ?, ?, ?) returning id")) {
            ps.setString(1, key);
            ps.setString(2, d.title());
            ps.setString(3, d.body());
            ps.setString(4, d.language().wire);
            ps.setString(5, toJson(d.tags()));
            ps.setString(6, d.url());
            ps.setBoolean(7, published);
            ps.setString(8, by);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private void write(Connection c, long id, Article.Draft d, boolean published, String by) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update kb_article set title = ?, body = ?, language = ?, tags = ?::jsonb, url = ?, "
                + "published = ?, version = version + 1, updated_at = now(), updated_by = ?, deleted_at = null where id = ?")) {
            ps.setString(1, d.title());
            ps.setString(2, d.body());
            ps.setString(3, d.language().wire);
            ps.setString(4, toJson(d.tags()));
            ps.setString(5, d.url());
            ps.setBoolean(6, published);
            ps.setString(7, by);
            ps.setLong(8, id);
            ps.executeUpdate();
        }
    }

    /** Copies the article's row as it now is into its history. */
    private static void version(Connection c, long id, Article.Change change, String by) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into kb_article_version (article_id, version, title, body, language, tags, "
                + "url, published, change, changed_by) select id, version, title, body, language, tags, url, published, ?, ? "
                + "from kb_article where id = ?")) {
            ps.setString(1, change.name());
            ps.setString(2, by);
            ps.setLong(3, id);
            ps.executeUpdate();
        }
    }

    /** Delivered at commit to every instance: article ids (comma-separated), or {@code *} for everything. */
    static void notifyChange(Connection c, String payload) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select pg_notify(?, ?)")) {
            ps.setString(1, ChangeFeed.KNOWLEDGE_CHANNEL);
            ps.setString(2, payload);
            ps.execute();
        }
    }

    Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    private List<Article> query(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                if (args[i] instanceof Boolean b) {
                    ps.setBoolean(i + 1, b);
                } else if (args[i] instanceof Integer n) {
                    ps.setInt(i + 1, n);
                } else if (args[i] instanceof Long n) {
                    ps.setLong(i + 1, n);
                } else {
                    ps.setObject(i + 1, args[i], Types.VARCHAR);
                }
            }
            List<Article> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("articles not read: " + e.getMessage(), e);
        }
    }

    private Article read(ResultSet rs) throws SQLException {
        return new Article(rs.getLong("id"), rs.getString("external_key"), rs.getString("title"), rs.getString("body"),
                ArticleLanguage.of(rs.getString("language")), fromJson(rs.getString("tags")), rs.getString("url"),
                rs.getBoolean("published"), rs.getInt("version"), rs.getObject("updated_at", OffsetDateTime.class),
                rs.getString("updated_by"));
    }

    private String toJson(List<String> tags) {
        try {
            return json.writeValueAsString(tags);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> fromJson(String value) {
        try {
            return value == null ? List.of() : json.readValue(value, STRINGS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable tags: " + e.getMessage(), e);
        }
    }
}
