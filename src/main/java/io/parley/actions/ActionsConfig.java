package io.parley.actions;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The business's HTTP actions ({@code parley.actions.http.<name>.*}) and how Parley uses them. See the
 * README's Actions section for a worked example.
 */
@ConfigMapping(prefix = "parley.actions")
public interface ActionsConfig {

    /** The actions by name (the name the model calls: letters, digits, {@code _} and {@code -}). */
    Map<String, HttpAction> http();

    /** Model steps that may call actions in one turn; the step after the last one is asked without actions. */
    @WithDefault("3")
    int maxSteps();

    /** How long a proposed change waits for the customer's yes. */
    @WithDefault("15m")
    Duration confirmExpiry();

    /**
     * With the widget demo site on ({@code parley.widget.demo-port}) and no action configured, its stand-in
     * shop API is wired as {@code lookup_order}, {@code track_shipment} and {@code create_refund_request}.
     */
    @WithDefault("true")
    boolean demoShop();

    interface HttpAction {
        /** What it does, for the model: when to call it. */
        String description();

        /** JSON Schema (an object schema) of the arguments; required ones are what the offline engine must find. */
        @WithDefault("{\"type\":\"object\",\"properties\":{}}")
        String parameters();

        @WithDefault("GET")
        Method method();

        /**
         * The URL, with {@code {argument}} placeholders (URL-encoded when filled). Arguments not in the URL
         * go in the query string (GET, DELETE) or in a JSON body (POST, PUT, PATCH).
         */
        String url();

        /** Plain headers sent as they are. */
        Map<String, String> headers();

        /** Secret headers: header name → the name of the environment variable holding its value (never logged or stored). */
        Map<String, String> secretHeaders();

        @WithDefault("5s")
        Duration timeout();

        /** Bytes of response read at most; a longer response fails the call without being buffered whole. */
        @WithDefault("65536")
        int maxResponseBytes();

        /** It changes something (a refund request): the customer confirms it in the chat before it runs. */
        @WithDefault("false")
        boolean changes();

        /**
         * The offline intents that call it when its required arguments are among the message's entities (the
         * first is the intent of answers stated from it). For one intent, actions are tried in configuration order.
         */
        Optional<List<String>> intent();

        /** What the customer is told while it runs ({@code en} and {@code zh}); a neutral default otherwise. */
        Map<String, String> status();

        /**
         * The answer built from its result without a model ({@code en} and {@code zh}): {@code {field}} takes a
         * top-level field of the JSON response or an argument. Also how a confirmed change's result is stated.
         */
        Map<String, String> answer();

        /** How a change is put to the customer before they confirm it ({@code en}, {@code zh}; {@code {argument}} placeholders). */
        Map<String, String> proposal();

        /** What the system is called to the customer when it fails ("the order system"), {@code en} and {@code zh}. */
        Map<String, String> system();
    }

    enum Method {
        GET, POST, PUT, PATCH, DELETE;

        boolean hasBody() {
            return this == POST || this == PUT || this == PATCH;
        }
    }
}
