package io.parley.ops;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** The alert relay (POST /alerts/dingtalk): Alertmanager's webhook in, a DingTalk robot message out. */
@ConfigMapping(prefix = "parley.alerts")
public interface AlertsConfig {

    /**
     * The bearer token Alertmanager sends (its webhook's http_config.authorization.credentials_file).
     * Without it the relay is off (404): nobody else may post to the team's group chat through Parley.
     */
    Optional<String> token();

    DingTalk dingtalk();

    interface DingTalk {
        /** The robot's webhook, https://oapi.dingtalk.com/robot/send?access_token=... (a secret: its token is in it). */
        Optional<String> url();

        /** The robot's signing secret (SEC...), when its security setting is "sign". */
        Optional<String> secret();

        @WithDefault("5s")
        Duration timeout();
    }
}
