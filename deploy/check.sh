#!/usr/bin/env bash
# Checks of deploy/ that need no running service (run by .ci/run before Maven):
# Prometheus rules and their unit tests, the Prometheus and Alertmanager configs, where each alert
# is routed, and the Kustomize builds of every Kubernetes overlay.
set -euo pipefail
cd "$(dirname "$0")"

echo "== promtool: rules, rule unit tests, Prometheus config"
promtool check rules prometheus/parley-rules.yml
(cd prometheus && promtool test rules parley-rules.test.yml)
promtool check config prometheus/prometheus.yml

echo "== amtool: Alertmanager config and the receiver of every alert in the rules"
amtool check-config alertmanager/alertmanager.yml
declare -A receiver=(
  [ParleyLatencyHigh]=oncall-email-sms [DatabaseUnavailable]=oncall-email-sms [ParleyDown]=oncall-email-sms
  [ParleyErrorRateHigh]=dingtalk [ProviderErrorRateHigh]=dingtalk [ProviderCircuitOpen]=dingtalk [NoAgentOnline]=dingtalk [ParleyAnomaly]=dingtalk
  [ParleyConcurrencyHigh]=ops-email [LlmCostOverBudget]=ops-email
)
# each alert's name and routing labels, read from the rules file so that the two cannot drift apart
alerts=$(python3 - <<'PY'
import yaml
for g in yaml.safe_load(open('prometheus/parley-rules.yml'))['groups']:
    for r in g['rules']:
        if 'alert' in r:
            print(r['alert'], ' '.join(f'{k}={v}' for k, v in r['labels'].items()))
PY
)
while read -r name labels; do
  [[ -n "${receiver[$name]:-}" ]] || { echo "no expected receiver for alert $name in deploy/check.sh"; exit 1; }
  # shellcheck disable=SC2086
  amtool config routes test --config.file=alertmanager/alertmanager.yml \
    --verify.receivers="${receiver[$name]}" alertname="$name" $labels provider=deepseek instance=p1 2>/dev/null >/dev/null \
    || { echo "alert $name ($labels) is not routed to ${receiver[$name]}"; exit 1; }
  echo "  $name -> ${receiver[$name]}"
done <<< "$alerts"

echo "== kubectl kustomize: every overlay and the prometheus-adapter rule build"
# (the objects are checked against the Kubernetes API's typed models by KubernetesManifestsTest)
for dir in k8s/overlays/* k8s/prometheus-adapter; do
  kubectl kustomize "$dir" >/dev/null || { echo "kustomize build of $dir failed"; exit 1; }
  echo "  $dir builds"
done

echo "== Grafana dashboard: every query is valid PromQL (promtool parses them as recording rules)"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
python3 - "$tmp/dashboard-queries.yml" <<'PY'
import json, sys, yaml
d = json.load(open('grafana/parley.json'))
rules = [{'record': f'dashboard:panel{p["id"]}:{t["refId"]}', 'expr': t['expr']} for p in d['panels'] for t in p['targets']]
yaml.safe_dump({'groups': [{'name': 'dashboard', 'rules': rules}]}, open(sys.argv[1], 'w'))
PY
promtool check rules "$tmp/dashboard-queries.yml" | grep SUCCESS

echo "== docker-compose.yml: replicas configured alike, health checks without curl, proxy waits for health"
python3 - <<'PY'
import yaml
c = yaml.safe_load(open('../docker-compose.yml'))
s = c['services']
replicas = [n for n in s if n == 'parley' or n.startswith('parley-')]
assert len(replicas) >= 2, replicas
for n in replicas:
    assert s[n]['environment'] == s['parley']['environment'], f'{n} is configured unlike parley'
    test = ' '.join(s[n]['healthcheck']['test'])
    assert 'curl' not in test and 'wget' not in test and '/q/health/ready' in test, f'{n} health check: {test}'
    assert 'PARLEY_AGENTS_ADMIN_PASSWORD' in s[n]['environment'], n
for n in replicas:
    assert s['proxy']['depends_on'][n]['condition'] == 'service_healthy', f'proxy does not wait for {n}'
for n in ('prometheus', 'alertmanager', 'grafana'):
    assert s[n]['profiles'] == ['observability'], n
print('  ' + ', '.join(replicas) + ': same environment, health-checked; proxy waits for them')
PY
