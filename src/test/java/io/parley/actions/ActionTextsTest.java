package io.parley.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the customer reads about an action, and how its request is built, without a server. */
class ActionTextsTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static Action action(String url, ActionsConfig.Method method) {
        var def = new DemoShopActions.Def("Look up an order.",
                "{\"type\":\"object\",\"properties\":{\"order_id\":{\"type\":\"string\"},\"note\":{\"type\":\"string\"}},\"required\":[\"order_id\"]}",
                method, url, Duration.ofSeconds(1), false, Optional.of(java.util.List.of("order_status")), Map.of(),
                Map.of("en", "Order {order_id} is {status}."), Map.of(), Map.of("en", "the order system", "zh", "订单系统"));
        return Actions.define("lookup_order", def, JSON);
    }

    static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    @Test
    void onlyAShortYesOrNoAnswersAProposal() {
        assertThat(ActionTexts.reply("Yes, go ahead")).isEqualTo(ActionTexts.Reply.YES);
        assertThat(ActionTexts.reply("  YES! ")).isEqualTo(ActionTexts.Reply.YES);
        assertThat(ActionTexts.reply("确认提交")).isEqualTo(ActionTexts.Reply.YES);
        assertThat(ActionTexts.reply("No, cancel")).isEqualTo(ActionTexts.Reply.NO);
        assertThat(ActionTexts.reply("不用了")).isEqualTo(ActionTexts.Reply.NO);
        assertThat(ActionTexts.reply("yes but what about my other order?")).isEqualTo(ActionTexts.Reply.OTHER);
    }

    @Test
    void aResultIsStatedFromTheTemplateOrFieldByFieldNeverGuessed() throws Exception {
        Action a = action("http://shop/orders/{order_id}", ActionsConfig.Method.GET);
        ActionResult full = new ActionResult("lookup_order", json("{\"order_id\":\"AB1234567\"}"), Outcome.OK, 200,
                json("{\"status\":\"shipped\"}"), 12, "HTTP 200");
        assertThat(ActionTexts.result(a, full, "en")).isEqualTo("Order AB1234567 is shipped.");
        ActionResult lacking = new ActionResult("lookup_order", json("{\"order_id\":\"AB1234567\"}"), Outcome.OK, 200,
                json("{\"state\":\"packed\",\"items\":[1,2]}"), 12, "HTTP 200");
        assertThat(ActionTexts.result(a, lacking, "en")).isEqualTo("Here is what the order system says: state: packed.");
    }

    @Test
    void aFailureSaysSoAndClaimsNothing() throws Exception {
        Action a = action("http://shop/orders/{order_id}", ActionsConfig.Method.GET);
        ActionResult timeout = new ActionResult("lookup_order", json("{}"), Outcome.TIMEOUT, 0, null, 1000, "no response");
        assertThat(ActionTexts.failure(a, timeout, "en")).startsWith("I couldn't reach the order system just now");
        assertThat(ActionTexts.failure(a, timeout, "zh")).startsWith("我现在无法连接订单系统");
        ActionResult missing = new ActionResult("lookup_order", json("{}"), Outcome.HTTP_ERROR, 404, null, 5, "HTTP 404");
        assertThat(ActionTexts.failure(a, missing, "en")).contains("found no record");
    }

    @Test
    void argumentsFillTheUrlEncodedAndTheRestGoInTheQueryOrTheBody() throws Exception {
        Action get = action("http://shop/orders/{order_id}", ActionsConfig.Method.GET);
        assertThat(ActionClient.url(get, json("{\"order_id\":\"AB 1/2\",\"note\":\"a&b\"}")))
                .isEqualTo("http://shop/orders/AB%201%2F2?note=a%26b");
        assertThatThrownBy(() -> ActionClient.url(get, json("{}"))).hasMessageContaining("order_id");
        Action post = action("http://shop/orders/{order_id}/refund", ActionsConfig.Method.POST);
        assertThat(ActionClient.url(post, json("{\"order_id\":\"AB1\",\"note\":\"x\"}"))).isEqualTo("http://shop/orders/AB1/refund");
    }

    @Test
    void argumentsAreCheckedAgainstTheSchema() throws Exception {
        Action a = action("http://shop/orders/{order_id}", ActionsConfig.Method.GET);
        Actions actions = new Actions(new NoActions(), JSON, Optional.empty());
        assertThat(actions.problems(a, json("{\"order_id\":\"AB1234567\"}"))).isEmpty();
        assertThat(actions.problems(a, json("{\"order_id\":7}"))).isNotEmpty();
        assertThat(actions.problems(a, json("{}"))).singleElement().asString().contains("order_id");
        assertThat(actions.problems(a, json("[1]"))).containsExactly("the arguments must be a JSON object");
    }

    /** Configuration with no actions. */
    static final class NoActions implements ActionsConfig {
        @Override
        public Map<String, HttpAction> http() {
            return Map.of();
        }

        @Override
        public int maxSteps() {
            return 3;
        }

        @Override
        public Duration confirmExpiry() {
            return Duration.ofMinutes(15);
        }

        @Override
        public boolean demoShop() {
            return false;
        }
    }
}
