#!/usr/bin/env bash
# Fidelity test: the real kubectl (and helm template output) against kubesim.
# Usage: kubectl_fidelity.sh KUBESIM SOURCE_DIR. Exit 0 pass, 1 fail, 77 skip.
set -uo pipefail
kubesim=$1
source_dir=$2
kubectl_bin=$source_dir/.tools/bin/kubectl
helm_bin=$source_dir/.tools/bin/helm
upstream=$source_dir/../shared/upstream
for need in "$kubectl_bin" "$helm_bin" "$upstream/kuberay-v1.7.0/crds"; do
  if [ ! -e "$need" ]; then
    echo "SKIP: $need is missing (run scripts/setup; upstream files live in ../shared/upstream)"
    exit 77
  fi
done

work=$(mktemp -d)
pid=""
cleanup() {
  [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid"
  rm -rf "$work"
}
trap cleanup EXIT
failures=0
# Reads all of its input: `grep -q` stops at the first match, and under pipefail the writer's SIGPIPE
# would then fail a pipeline whose match succeeded.
has() { grep "$@" >/dev/null; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

"$kubesim" --minor 1.35 --listen 127.0.0.1:0 --kubeconfig-out "$work/kubeconfig" --gpu-nodes 2 --cpu-nodes 1 \
  --token good-token --forbidden-token no-token --controller-delay-ms 100 --request-log "$work/requests.log" \
  >"$work/out" 2>"$work/err" &
pid=$!
for _ in $(seq 1 100); do
  has "kubesim ready https://127.0.0.1:" "$work/out" && break
  sleep 0.1
done
has "kubesim ready" "$work/out" || { echo "FAIL: kubesim did not become ready: $(cat "$work/err")"; exit 1; }

k() { "$kubectl_bin" --kubeconfig "$work/kubeconfig" --cache-dir "$work/cache" --request-timeout=30s "$@"; }

# version
out=$(k version -o json 2>&1)
echo "$out" | has '"gitVersion": "v1.35.0"' && pass "kubectl version reports v1.35.0" || fail "version: $out"

# api-resources against the minor's groups
groups=$(k api-resources -o name 2>&1 | sed -n 's/^[^.]*\.//p' | sort -u)
for g in apps batch rbac.authorization.k8s.io apiextensions.k8s.io apiregistration.k8s.io \
  admissionregistration.k8s.io networking.k8s.io policy scheduling.k8s.io storage.k8s.io coordination.k8s.io \
  autoscaling discovery.k8s.io node.k8s.io certificates.k8s.io events.k8s.io resource.k8s.io; do
  echo "$groups" | has -x "$g" || fail "api-resources lacks group $g"
done
k api-resources -o name | has -x deployments.apps && pass "api-resources lists the 1.35 groups"
k api-versions | has -x resource.k8s.io/v1 && pass "resource.k8s.io/v1 served on 1.35" || fail "no resource.k8s.io/v1"

# auth: token context works, wrong token 401, forbidden token 403
k --context token get ns default -o name >/dev/null 2>&1 && pass "bearer token accepted" || fail "token context"
out=$(k --token wrong get ns 2>&1)
echo "$out" | has -i "unauthorized" && pass "wrong token -> Unauthorized" || fail "wrong token: $out"
out=$(k --token no-token get ns 2>&1)
echo "$out" | has -i "forbidden" && pass "forbidden token -> Forbidden" || fail "forbidden token: $out"

# nodes
out=$(k get nodes -l nvidia.com/gpu.present=true -o jsonpath='{.items[*].status.allocatable.nvidia\.com/gpu}')
[ "$out" = "8 8" ] && pass "GPU nodes with nvidia.com/gpu: 8" || fail "gpu nodes: $out"

# the real upstream CRDs, server-side (KubeRay's exceed 1 MB)
crd_dirs=("$upstream"/gateway-api-v1.6.1/standard "$upstream"/kueue-v0.19.2/crds "$upstream"/kuberay-v1.7.0/crds)
out=$(k apply --server-side -f "${crd_dirs[0]}" -f "${crd_dirs[1]}" -f "${crd_dirs[2]}" 2>&1)
[ $? -eq 0 ] && pass "apply --server-side of upstream CRDs" || fail "apply CRDs: $out"
out=$(k apply --server-side -f "$upstream"/gateway-api-v1.6.1/experimental 2>&1)
[ $? -eq 0 ] && pass "apply --server-side of Gateway API experimental CRDs" || fail "experimental: $out"
out=$(k wait --for=condition=Established crd --all --timeout=60s 2>&1)
[ $? -eq 0 ] && pass "wait --for=condition=Established" || fail "wait: $out"
# kube-apiserver updates discovery asynchronously after Established; allow it a few seconds
discovered=
for _ in $(seq 1 25); do
  k api-resources --api-group=ray.io -o name 2>"$work/discovery.err" | has -x rayclusters.ray.io && discovered=1 && break
  sleep 0.2
done
[ -n "$discovered" ] && pass "CRD kinds discoverable" || fail "rayclusters not discoverable: $(cat "$work/discovery.err")"
k explain rayclusters.spec >/dev/null 2>&1 && pass "kubectl explain reads the CRD schema" || fail "explain"

# a custom resource: create, get -o json, table, conflict, force, delete
cat >"$work/ns.yaml" <<'YAML'
apiVersion: v1
kind: Namespace
metadata:
  name: team-a
YAML
k apply --server-side -f "$work/ns.yaml" >/dev/null || fail "namespace apply"
cat >"$work/lq.yaml" <<'YAML'
apiVersion: kueue.x-k8s.io/v1beta1
kind: LocalQueue
metadata:
  name: lq
  namespace: team-a
  labels: {app: demo}
spec:
  clusterQueue: cq-a
YAML
out=$(k apply --server-side -f "$work/lq.yaml" 2>&1)
echo "$out" | has "serverside-applied" && pass "custom resource applied" || fail "CR apply: $out"
out=$(k get localqueue lq -n team-a -o json --show-managed-fields 2>&1)
echo "$out" | has '"clusterQueue": "cq-a"' && echo "$out" | has '"manager": "kubectl"' &&
  pass "get -o json with managedFields" || fail "get -o json: $out"
out=$(k get localqueues -n team-a 2>&1)
echo "$out" | head -1 | has "^NAME" && echo "$out" | has "^lq " && pass "get (table)" || fail "table: $out"
out=$(k get lq -n team-a -l 'app in (demo,other)' -o name 2>&1)
[ "$out" = "localqueue.kueue.x-k8s.io/lq" ] && pass "label selector" || fail "selector: $out"
sed 's/cq-a/cq-b/' "$work/lq.yaml" >"$work/lq2.yaml"
out=$(k apply --server-side --field-manager=other -f "$work/lq2.yaml" 2>&1)
echo "$out" | has 'conflict with "kubectl"' && echo "$out" | has ".spec.clusterQueue" &&
  pass "conflict between field managers" || fail "conflict: $out"
out=$(k apply --server-side --field-manager=other --force-conflicts -f "$work/lq2.yaml" 2>&1)
[ "$(k get lq lq -n team-a -o jsonpath='{.spec.clusterQueue}')" = cq-b ] && pass "--force-conflicts takes the field" ||
  fail "force: $out"
out=$(k delete localqueue lq -n team-a 2>&1)
k get lq lq -n team-a >/dev/null 2>&1 && fail "CR still there after delete: $out" || pass "delete"

# helm template output applied with kubectl; controllers report readiness
chart=$work/chart
mkdir -p "$chart/templates"
cat >"$chart/Chart.yaml" <<'YAML'
apiVersion: v2
name: demo
version: 0.1.0
YAML
cat >"$chart/values.yaml" <<'YAML'
replicas: 2
YAML
cat >"$chart/templates/all.yaml" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-config
data:
  greeting: hello
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
  labels: {app: web}
spec:
  replicas: {{ .Values.replicas }}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: registry.example/web:1.0
          ports: [{containerPort: 8080}]
---
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-once
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: once, image: registry.example/once:1.0}]
YAML
"$helm_bin" template demo "$chart" >"$work/rendered.yaml" 2>"$work/helm.err" || fail "helm template: $(cat "$work/helm.err")"
out=$(k apply --server-side -n team-a -f "$work/rendered.yaml" 2>&1)
[ $? -eq 0 ] && pass "helm template output applied" || fail "helm apply: $out"
out=$(k rollout status deployment/demo-web -n team-a --timeout=30s 2>&1)
[ $? -eq 0 ] && pass "rollout status" || fail "rollout: $out"
# a watch delivers events while it runs (a compressed stream would hold them until it ends)
timeout 10 "$kubectl_bin" --kubeconfig "$work/kubeconfig" get configmaps -n team-a --watch --output-watch-events \
  >"$work/watch.out" 2>&1 &
watcher=$!
sleep 1
k create configmap watched -n team-a --from-literal=x=1 --dry-run=client -o yaml | k apply --server-side -f - >/dev/null
seen=
for _ in $(seq 1 30); do has "ADDED *watched" "$work/watch.out" && seen=1 && break; sleep 0.1; done
kill "$watcher" 2>/dev/null; wait "$watcher" 2>/dev/null
[ -n "$seen" ] && pass "watch streams events as they happen" || fail "watch: $(cat "$work/watch.out")"
out=$(k wait --for=condition=Complete job/demo-once -n team-a --timeout=30s 2>&1)
[ $? -eq 0 ] && pass "job completes" || fail "job: $out"
# client-side apply and strategic merge patch (kubectl's default patch type)
out=$(k patch deployment demo-web -n team-a -p '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"registry.example/web:2.0"}]}}}}' 2>&1)
img=$(k get deployment demo-web -n team-a -o jsonpath='{.spec.template.spec.containers[0].image}:{.spec.template.spec.containers[0].ports[0].containerPort}')
[ "$img" = "registry.example/web:2.0:8080" ] && pass "strategic merge patch merges containers by name" ||
  fail "smp: $out $img"

# namespace deletion empties the namespace, then removes it
out=$(k delete namespace team-a --timeout=60s 2>&1)
k get namespace team-a >/dev/null 2>&1 && fail "namespace still exists: $out" || pass "namespace delete"
[ -z "$(k get deployments -A -o name 2>&1)" ] && pass "namespace contents deleted" || fail "contents left"

has "^PATCH /apis/apiextensions.k8s.io/v1/customresourcedefinitions/" "$work/requests.log" &&
  pass "request log records requests" || fail "request log"

kill -TERM "$pid"
wait "$pid"
rc=$?
pid=""
[ $rc -eq 0 ] && pass "SIGTERM exits 0" || fail "exit code after SIGTERM: $rc"

if [ $failures -ne 0 ]; then
  echo "kubectl fidelity: $failures failure(s)"
  exit 1
fi
echo "kubectl fidelity: all checks passed"
