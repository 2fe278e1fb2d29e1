package dev.scriptorium.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds fields the Kubernetes API does not define, which the JSON schemas of the kubernetes-models packages let
 * through (a misspelt {@code readinesProbe} would silently do nothing in a cluster). Each object is read into the
 * fabric8 model class of its kind, generated from the same API definitions; a field with no place in that class
 * ends up in some object's {@code additionalProperties}, and every such field is reported with its path.
 * KEDA's ScaledObject has no such model, so its fields are checked against the lists below, from KEDA 2's reference.
 */
final class UnknownFields {
    private static final Map<String, Class<?>> MODELS = Map.ofEntries(
            Map.entry("v1/Namespace", io.fabric8.kubernetes.api.model.Namespace.class),
            Map.entry("v1/ConfigMap", io.fabric8.kubernetes.api.model.ConfigMap.class),
            Map.entry("v1/Secret", io.fabric8.kubernetes.api.model.Secret.class),
            Map.entry("v1/Service", io.fabric8.kubernetes.api.model.Service.class),
            Map.entry("v1/PersistentVolumeClaim", io.fabric8.kubernetes.api.model.PersistentVolumeClaim.class),
            Map.entry("apps/v1/Deployment", io.fabric8.kubernetes.api.model.apps.Deployment.class),
            Map.entry("batch/v1/Job", io.fabric8.kubernetes.api.model.batch.v1.Job.class),
            Map.entry("batch/v1/CronJob", io.fabric8.kubernetes.api.model.batch.v1.CronJob.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler",
                    io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler.class),
            Map.entry("policy/v1/PodDisruptionBudget", io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class),
            Map.entry("networking.k8s.io/v1/Ingress", io.fabric8.kubernetes.api.model.networking.v1.Ingress.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy",
                    io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class),
            Map.entry("monitoring.coreos.com/v1/ServiceMonitor",
                    io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor.class));
    private static final Set<String> SCALED_OBJECT_SPEC = Set.of("scaleTargetRef", "pollingInterval",
            "cooldownPeriod", "initialCooldownPeriod", "idleReplicaCount", "minReplicaCount", "maxReplicaCount",
            "fallback", "advanced", "triggers");
    private static final Set<String> SCALED_OBJECT_TRIGGER = Set.of("type", "name", "metadata", "metricType",
            "useCachedMetrics", "authenticationRef");
    private static final Set<String> PROMETHEUS_TRIGGER_METADATA = Set.of("serverAddress", "query", "threshold",
            "activationThreshold", "namespace", "customHeaders", "ignoreNullValues", "queryParameters",
            "unsafeSsl", "timeout");
    private final ObjectMapper json = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    /** "path: field" for every field of the object that its kind does not define; empty when there is none. */
    List<String> of(Map<String, Object> object) {
        String kind = object.get("apiVersion") + "/" + object.get("kind");
        if (kind.equals("keda.sh/v1alpha1/ScaledObject")) {
            return scaledObject(object);
        }
        Class<?> model = MODELS.get(kind);
        if (model == null) {
            return List.of("no model for " + kind);
        }
        List<String> unknown = new ArrayList<>();
        try {
            walk(json.convertValue(object, model), "", unknown, new IdentityHashMap<>());
        } catch (IllegalArgumentException e) {
            unknown.add("does not read as " + model.getSimpleName() + ": " + e.getMessage());
        }
        return unknown;
    }

    private void walk(Object value, String path, List<String> unknown, Map<Object, Boolean> seen) {
        if (value == null || seen.put(value, true) != null) {
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, entry) -> walk(entry, path + "." + key, unknown, seen));
            return;
        }
        if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                walk(list.get(i), path + "[" + i + "]", unknown, seen);
            }
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Class<?> type = value.getClass(); type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                field.setAccessible(true);
                Object fieldValue;
                try {
                    fieldValue = field.get(value);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
                if (field.getName().equals("additionalProperties") && fieldValue instanceof Map<?, ?> extra) {
                    extra.keySet().forEach(key -> unknown.add((path.isEmpty() ? "" : path.substring(1)) + ": " + key));
                } else {
                    walk(fieldValue, path + "." + field.getName(), unknown, seen);
                }
            }
        }
    }

    private static List<String> scaledObject(Map<String, Object> object) {
        List<String> unknown = new ArrayList<>();
        Yaml.map(object.get("spec")).keySet().stream().filter(key -> !SCALED_OBJECT_SPEC.contains(key))
                .forEach(key -> unknown.add("spec: " + key));
        List<Object> triggers = Yaml.list(Yaml.at(object, "spec", "triggers"));
        for (int i = 0; i < triggers.size(); i++) {
            int index = i;
            Yaml.map(triggers.get(i)).keySet().stream().filter(key -> !SCALED_OBJECT_TRIGGER.contains(key))
                    .forEach(key -> unknown.add("spec.triggers[" + index + "]: " + key));
            if ("prometheus".equals(Yaml.string(triggers.get(i), "type"))) {
                Yaml.map(Yaml.at(triggers.get(i), "metadata")).keySet().stream()
                        .filter(key -> !PROMETHEUS_TRIGGER_METADATA.contains(key))
                        .forEach(key -> unknown.add("spec.triggers[" + index + "].metadata: " + key));
            }
        }
        return unknown;
    }
}
