package io.parley.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/k8s as the cluster would read it: every overlay is built with {@code kubectl kustomize},
 * each object is read into the Kubernetes API's typed model (fabric8) with no field left unknown
 * (a misspelt or misplaced field fails here, not at {@code kubectl apply}), and what the runbook
 * promises holds: probes, the drain inside the grace period, non-root with a read-only root, the
 * autoscaler 3 to 20 on CPU 70 % and api_requests 1000. Plain JUnit, no Quarkus: it takes a second.
 */
class KubernetesManifestsTest {

    private static final File K8S = new File("deploy/k8s");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "Namespace", Namespace.class, "ConfigMap", ConfigMap.class, "Service", Service.class,
            "Deployment", Deployment.class, "Ingress", Ingress.class, "PodDisruptionBudget", PodDisruptionBudget.class,
            "HorizontalPodAutoscaler", HorizontalPodAutoscaler.class);

    @Test
    void everyOverlayBuildsIntoValidObjectsThatKeepTheRunbooksPromises() throws Exception {
        File[] overlays = new File(K8S, "overlays").listFiles(File::isDirectory);
        assertThat(overlays).isNotEmpty();
        for (File overlay : overlays) {
            List<HasMetadata> objects = build(overlay);
            assertThat(objects).extracting(HasMetadata::getKind)
                    .contains("Deployment", "Service", "Ingress", "PodDisruptionBudget", "HorizontalPodAutoscaler", "ConfigMap");
            String ns = objects.stream().filter(o -> o instanceof Namespace).findFirst().orElseThrow().getMetadata().getName();
            objects.stream().filter(o -> !(o instanceof Namespace))
                    .forEach(o -> assertThat(o.getMetadata().getNamespace()).as(o.getKind() + " in " + overlay).isEqualTo(ns));
            checkDeployment(overlay.getName(), one(objects, Deployment.class), one(objects, ConfigMap.class));
            checkIngress(one(objects, Ingress.class));
            checkAutoscaler(overlay.getName(), one(objects, HorizontalPodAutoscaler.class));
            assertThat(one(objects, PodDisruptionBudget.class).getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        }
    }

    private static void checkDeployment(String overlay, Deployment d, ConfigMap config) {
        assertThat(d.getSpec().getReplicas()).as("the autoscaler owns the replica count").isNull();
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().get(0);
        assertThat(c.getImage()).startsWith("registry.example.com/parley:");
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
        // SIGTERM comes after preStop; Parley then drains for shutdown-grace; all inside the grace period, with a margin
        long preStop = Long.parseLong(c.getLifecycle().getPreStop().getExec().getCommand().get(1));
        long drain = Duration.parse("PT" + config.getData().get("PARLEY_CHAT_SHUTDOWN_GRACE").toUpperCase()).toSeconds();
        assertThat(pod.getTerminationGracePeriodSeconds()).as(overlay).isGreaterThanOrEqualTo(preStop + drain + 5);
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
        assertThat(pod.getVolumes()).anySatisfy(v -> assertThat(v.getEmptyDir()).isNotNull());
        assertThat(c.getEnvFrom()).filteredOn(e -> e.getSecretRef() != null)
                .anySatisfy(e -> assertThat(e.getSecretRef().getName()).isEqualTo("parley-secrets"));
        assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(c.getResources().getLimits()).containsKey("memory");
        assertThat(config.getData().keySet()).as("secrets belong in the Secret, not the ConfigMap")
                .noneMatch(k -> k.contains("PASSWORD") || k.contains("API_KEY") || k.contains("SESSION_KEY") || k.contains("SECRET"));
    }

    private static void checkIngress(Ingress ingress) {
        Map<String, String> a = ingress.getMetadata().getAnnotations();
        assertThat(Integer.parseInt(a.get("nginx.ingress.kubernetes.io/proxy-read-timeout"))).as("idle WebSockets stay open")
                .isGreaterThanOrEqualTo(3600);
        assertThat(Integer.parseInt(a.get("nginx.ingress.kubernetes.io/proxy-send-timeout"))).isGreaterThanOrEqualTo(3600);
    }

    private static void checkAutoscaler(String overlay, HorizontalPodAutoscaler hpa) {
        if (overlay.equals("production")) {
            assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(3);
            assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(20);
        }
        assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
        assertThat(hpa.getSpec().getMetrics()).filteredOn(m -> m.getResource() != null).singleElement().satisfies(m -> {
            assertThat(m.getResource().getName()).isEqualTo("cpu");
            assertThat(m.getResource().getTarget().getAverageUtilization()).isEqualTo(70);
        });
        assertThat(hpa.getSpec().getMetrics()).filteredOn(m -> m.getPods() != null).singleElement().satisfies(m -> {
            assertThat(m.getPods().getMetric().getName()).isEqualTo("api_requests");
            assertThat(m.getPods().getTarget().getAverageValue().getAmount()).isEqualTo("1000");
        });
    }

    @Test
    void thePrometheusAdapterServesApiRequestsFromParleysCounter() throws Exception {
        String built = kustomize(new File(K8S, "prometheus-adapter"));
        JsonNode map = YAML.readTree(built);
        JsonNode rules = YAML.readTree(map.path("data").path("config.yaml").asText()).path("rules");
        assertThat(rules).anySatisfy(r -> {
            assertThat(r.path("seriesQuery").asText()).startsWith("parley_api_requests_total{");
            assertThat(r.path("name").path("as").asText()).isEqualTo("api_requests");
            assertThat(r.path("metricsQuery").asText()).contains("rate(");
        });
    }

    private static List<HasMetadata> build(File overlay) throws Exception {
        List<HasMetadata> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(kustomize(overlay))) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                Class<? extends HasMetadata> type = KINDS.get(doc.path("kind").asText());
                assertThat(type).as("a kind this test knows: " + doc.path("kind").asText() + " in " + overlay).isNotNull();
                HasMetadata object = YAML.treeToValue(doc, type);
                assertThat(unknownFields(object, "", new IdentityHashMap<>()))
                        .as("fields the Kubernetes API does not know, in " + type.getSimpleName() + " of " + overlay).isEmpty();
                objects.add(object);
            }
        }
        return objects;
    }

    /** fabric8's models keep unknown fields in additionalProperties instead of failing: find them, anywhere in the object. */
    private static List<String> unknownFields(Object o, String path, Map<Object, Boolean> seen) throws Exception {
        List<String> found = new ArrayList<>();
        if (o == null || seen.put(o, true) != null) {
            return found;
        }
        if (o instanceof Collection<?> list) {
            int i = 0;
            for (Object e : list) {
                found.addAll(unknownFields(e, path + "[" + i++ + "]", seen));
            }
            return found;
        }
        if (o instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                found.addAll(unknownFields(e.getValue(), path + "." + e.getKey(), seen));
            }
            return found;
        }
        if (!(o instanceof KubernetesResource) || !o.getClass().getPackageName().startsWith("io.fabric8")) {
            return found;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || !m.getName().startsWith("get") || m.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value = m.invoke(o);
            if (m.getName().equals("getAdditionalProperties")) {
                ((Map<?, ?>) value).keySet().forEach(k -> found.add(path + "." + k));
            } else {
                found.addAll(unknownFields(value, path + "." + m.getName().substring(3), seen));
            }
        }
        return found;
    }

    private static <T> T one(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
    }

    private static String kustomize(File dir) throws IOException, InterruptedException {
        File kubectl = java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(d -> new File(d, "kubectl")).filter(File::canExecute).findFirst().orElse(null);
        if (kubectl == null) {
            // CI sets PARLEY_K8S_TESTS=required: there a missing kubectl fails instead of skipping
            assertThat(System.getenv("PARLEY_K8S_TESTS")).as("kubectl on the PATH").isNotEqualTo("required");
            Assumptions.abort("kubectl is not installed");
        }
        Process p = new ProcessBuilder(kubectl.getPath(), "kustomize", dir.getPath()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("kubectl kustomize " + dir + ": " + text).isZero();
        return text;
    }
}
