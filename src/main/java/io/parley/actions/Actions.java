package io.parley.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The configured actions, checked at startup (a bad schema or name stops Parley with a clear message),
 * and the one place their arguments are validated and their tool definitions for the model are made.
 */
@ApplicationScoped
public class Actions {

    private static final Logger LOG = Logger.getLogger(Actions.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(Dialects.getDraft202012());

    private final Map<String, Action> byName = new LinkedHashMap<>();
    private final ActionsConfig config;
    private final ArrayNode tools;

    Actions(ActionsConfig config, ObjectMapper json, @ConfigProperty(name = "parley.widget.demo-port") Optional<Integer> demoPort) {
        this.config = config;
        config.http().forEach((name, a) -> byName.put(name, define(name, a, json)));
        if (byName.isEmpty() && config.demoShop() && demoPort.isPresent()) {
            for (var e : DemoShopActions.of(demoPort.get()).entrySet()) {
                byName.put(e.getKey(), define(e.getKey(), e.getValue(), json));
            }
            LOG.infof("actions: the demo shop's %s on port %d", byName.keySet(), demoPort.get());
        }
        this.tools = toolsOf(byName.values());
    }

    static Action define(String name, ActionsConfig.HttpAction a, ObjectMapper json) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalStateException("action name \"" + name + "\": use letters, digits, _ and - (at most 64)");
        }
        JsonNode parameters;
        try {
            parameters = json.readTree(a.parameters());
        } catch (Exception e) {
            throw new IllegalStateException("parley.actions.http." + name + ".parameters is not JSON: " + e.getMessage());
        }
        if (!parameters.isObject() || !"object".equals(parameters.path("type").asText())) {
            throw new IllegalStateException("parley.actions.http." + name + ".parameters must be an object schema ({\"type\":\"object\",...})");
        }
        return new Action(name, a.description(), parameters, SCHEMAS.getSchema(parameters.toString()), a.method(), a.url(),
                Map.copyOf(a.headers()), Map.copyOf(a.secretHeaders()), a.timeout(), a.maxResponseBytes(), a.changes(),
                a.intent().map(List::copyOf).orElse(List.of()), Map.copyOf(a.status()), Map.copyOf(a.answer()), Map.copyOf(a.proposal()), Map.copyOf(a.system()));
    }

    public boolean any() {
        return !byName.isEmpty();
    }

    public Optional<Action> get(String name) {
        return Optional.ofNullable(name == null ? null : byName.get(name));
    }

    public Collection<Action> all() {
        return byName.values();
    }

    /** The actions the offline engine may call for this intent, in configuration order. */
    public List<Action> forIntent(String intent) {
        return byName.values().stream().filter(a -> a.intents().contains(intent)).toList();
    }

    public int maxSteps() {
        return config.maxSteps();
    }

    public java.time.Duration confirmExpiry() {
        return config.confirmExpiry();
    }

    /** Why these arguments do not fit the action's schema, in a line the model can act on; empty when they fit. */
    public List<String> problems(Action action, JsonNode arguments) {
        if (arguments == null || !arguments.isObject()) {
            return List.of("the arguments must be a JSON object");
        }
        return action.schema().validate(arguments).stream().map(Error::getMessage).limit(5).toList();
    }

    /** The {@code tools} array of a chat completion request (OpenAI/DeepSeek function calling). */
    public ArrayNode tools() {
        return tools;
    }

    private static ArrayNode toolsOf(Collection<Action> actions) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (Action a : actions) {
            ObjectNode f = out.addObject().put("type", "function").putObject("function");
            f.put("name", a.name()).put("description", a.description()
                    + (a.changes() ? " It changes something: Parley asks the customer to confirm before it runs." : ""));
            f.set("parameters", a.parameters());
        }
        return out;
    }
}
