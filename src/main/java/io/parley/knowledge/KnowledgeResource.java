package io.parley.knowledge;

import io.parley.answer.Passage;
import io.parley.audit.AuditAction;
import io.parley.audit.AuditEntry;
import io.parley.audit.AuditOutcome;
import io.parley.audit.AuditTrail;
import io.parley.ops.ClientAddress;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.Context;
import io.parley.failure.ParleyException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The knowledge base for agents and admins (the console's Knowledge page): articles with their
 * history, a search that shows what a customer's question would find, and imports with their report.
 */
@Path("/api/knowledge")
@Tag(name = "Knowledge")
@RolesAllowed({"agent", "admin"}) // agent.Agent's roles: the knowledge package sits below the agent package
public class KnowledgeResource {

    /** An article as the editor sends it; {@code version} is the version it was loaded at (optional). */
    public record ArticleInput(String title, String body, String language, List<String> tags, String url, Boolean published,
                               Integer version) {
        Article.Draft draft() {
            ArticleLanguage lang = null;
            if (language != null && !language.isBlank()) {
                lang = ArticleLanguage.of(language);
                if (lang == null) {
                    throw ParleyException.badInput("language is zh-CN, en or both.");
                }
            }
            return new Article.Draft(title, body, lang, tags, url, published);
        }
    }

    public record SearchHit(long articleId, int chunk, String title, String url, String text, float score, double match) {
        static SearchHit of(SearchIndex.Match m) {
            Passage p = m.passage();
            return new SearchHit(p.articleId(), p.chunk(), p.title(), p.url(), p.text(), p.score(), Math.round(m.match() * 1000) / 1000.0);
        }
    }

    public record ImportView(String id, String state, String by, Instant startedAt, Instant finishedAt, int total, int processed,
                             int added, int changed, int unchanged, int rejectedCount, List<ImportParser.Rejected> rejected, String error) {
        static ImportView of(ImportJobs.Job j) {
            return new ImportView(j.id, j.state.name(), j.by, j.startedAt, j.finishedAt, j.total, j.processed.get(), j.added.get(),
                    j.changed.get(), j.unchanged.get(), j.rejectedCount.get(), j.rejectedListed(), j.error);
        }
    }

    private final Articles articles;
    private final Knowledge knowledge;
    private final ImportJobs imports;
    private final SecurityIdentity identity;
    private final AuditTrail audit;
    private final ClientAddress clientAddress;
    @Context
    HttpServerRequest request;

    KnowledgeResource(Articles articles, Knowledge knowledge, ImportJobs imports, SecurityIdentity identity, AuditTrail audit,
                      ClientAddress clientAddress) {
        this.articles = articles;
        this.knowledge = knowledge;
        this.imports = imports;
        this.identity = identity;
        this.audit = audit;
        this.clientAddress = clientAddress;
    }

    @GET
    @Path("/articles")
    @Operation(summary = "Articles, newest change first; q matches title, body or tags; published=true|false filters")
    public List<Article> list(@QueryParam("q") String q, @QueryParam("published") Boolean published,
                              @QueryParam("limit") @DefaultValue("50") int limit, @QueryParam("offset") @DefaultValue("0") int offset) {
        return articles.list(q, published, Math.max(1, Math.min(limit, 500)), Math.max(0, offset));
    }

    @GET
    @Path("/articles/{id}")
    public Article get(@PathParam("id") long id) {
        return articles.get(id);
    }

    @GET
    @Path("/articles/{id}/versions")
    @Operation(summary = "Every version of an article, newest first: who changed it, when, and what it was")
    public List<Article.Version> versions(@PathParam("id") long id) {
        return articles.versions(id);
    }

    @POST
    @Path("/articles")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Add an article: title, body (Markdown), language (zh-CN, en, both; detected when absent), tags, url, published")
    public Response create(ArticleInput body) {
        if (body == null) {
            throw ParleyException.badInput("Send {\"title\": ..., \"body\": ...}.");
        }
        Article created = articles.create(body.draft(), who());
        audited(created, Article.Change.created);
        return Response.status(Response.Status.CREATED).entity(created).build();
    }

    @PUT
    @Path("/articles/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace an article's content; with version, refused (409) if someone saved it meanwhile")
    public Article update(@PathParam("id") long id, ArticleInput body) {
        if (body == null) {
            throw ParleyException.badInput("Send {\"title\": ..., \"body\": ...}.");
        }
        return audited(articles.update(id, body.draft(), body.version(), who()), Article.Change.edited);
    }

    @POST
    @Path("/articles/{id}/publish")
    @Operation(summary = "Publish: customers' answers may use and cite it")
    public Article publish(@PathParam("id") long id) {
        return audited(articles.publish(id, true, who()), Article.Change.published);
    }

    @POST
    @Path("/articles/{id}/unpublish")
    @Operation(summary = "Back to draft: no longer used in answers")
    public Article unpublish(@PathParam("id") long id) {
        return audited(articles.publish(id, false, who()), Article.Change.unpublished);
    }

    @DELETE
    @Path("/articles/{id}")
    @Operation(summary = "Delete an article (its history is kept)")
    public Response delete(@PathParam("id") long id) {
        articles.delete(id, who());
        audit.record(new AuditEntry(who(), address(), AuditAction.KNOWLEDGE_CHANGE, "article:" + id, AuditOutcome.OK,
                Map.of("change", Article.Change.deleted.name())));
        return Response.noContent().build();
    }

    @GET
    @Path("/search")
    @Operation(summary = "The passages a customer's question finds, best first, with score and match (0 to 1)")
    public List<SearchHit> search(@QueryParam("q") String q, @QueryParam("limit") @DefaultValue("5") int limit) {
        if (q == null || q.isBlank()) {
            throw ParleyException.badInput("Send the question as q.");
        }
        return knowledge.search(q, Math.max(1, Math.min(limit, 20))).stream().map(SearchHit::of).toList();
    }

    @POST
    @Path("/imports")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Import Markdown files, a zip of a folder of them, CSV or JSON lines of question/answer pairs; "
            + "returns at once (202) with the import to follow at /api/knowledge/imports/{id}")
    public Response startImport(@RestForm(FileUpload.ALL) List<FileUpload> files, @RestForm("publish") String publish) {
        List<ImportJobs.Upload> uploads = files == null ? List.of()
                : files.stream().map(f -> new ImportJobs.Upload(f.fileName(), f.uploadedFile())).toList();
        ImportJobs.Job job = imports.start(uploads, !"false".equalsIgnoreCase(publish), who());
        audit.record(new AuditEntry(who(), address(), AuditAction.KNOWLEDGE_CHANGE, "import:" + job.id, AuditOutcome.OK,
                Map.of("change", "import", "files", uploads.stream().map(ImportJobs.Upload::name).toList(), "articles", job.total,
                        "rejected", job.rejectedCount.get())));
        return Response.accepted(ImportView.of(job)).build();
    }

    @GET
    @Path("/imports/{id}")
    @Operation(summary = "An import's progress, and its report: added, changed, unchanged, rejected with the reason")
    public ImportView importStatus(@PathParam("id") String id) {
        return ImportView.of(imports.get(id));
    }

    /** Every change to the knowledge base leaves an audit entry: who, from where, which article, which version. */
    private Article audited(Article a, Article.Change change) {
        audit.record(new AuditEntry(who(), address(), AuditAction.KNOWLEDGE_CHANGE, "article:" + a.id(), AuditOutcome.OK,
                Map.of("change", change.name(), "version", a.version(), "title", a.title())));
        return a;
    }

    private String address() {
        return request == null ? null : clientAddress.of(request);
    }

    private String who() {
        return identity.getPrincipal().getName();
    }
}
