#!/usr/bin/env bash
# The demo: a real `pulumi up` of examples/source-account against a local moto server, its preview
# diff and stack outputs; examples/organization authorizing the same aggregator from three more
# accounts × two regions through roles; then examples/aggregator reading both stacks' outputs, then
# cleanup.
# Sets up everything it needs (scripts/toolchain/setup.sh), and leaves nothing behind but the tool cache.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO=$PWD
source scripts/prepare.sh

step() { printf '\n\033[1m=== %s\033[0m\n' "$*"; }

WORK=$(mktemp -d)
MOTO_PID=""
cleanup() {
    set +e
    if [ -n "${PULUMI_BACKEND_URL:-}" ]; then
        for ex in aggregator organization source-account; do
            (cd "$REPO/examples/$ex" && pulumi stack rm demo --yes --force --non-interactive >/dev/null 2>&1)
        done
    fi
    [ -n "$MOTO_PID" ] && kill "$MOTO_PID" 2>/dev/null && wait "$MOTO_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

step "starting moto (the AWS endpoint for this demo) on a free loopback port"
PORT=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
moto_server -H 127.0.0.1 -p "$PORT" >"$WORK/moto.log" 2>&1 &
MOTO_PID=$!
for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$PORT/moto-api/data.json" >/dev/null 2>&1 && break
    sleep 0.2
done
curl -sf "http://127.0.0.1:$PORT/moto-api/data.json" >/dev/null || { cat "$WORK/moto.log"; echo "moto did not start" >&2; exit 1; }
echo "moto at http://127.0.0.1:$PORT"

export AWS_ENDPOINT_URL="http://127.0.0.1:$PORT"
export AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo AWS_SESSION_TOKEN=demo
unset AWS_PROFILE AWS_REGION AWS_DEFAULT_REGION
export PULUMI_BACKEND_URL="file://$WORK/state" PULUMI_CONFIG_PASSPHRASE=demo PULUMI_HOME="$WORK/pulumi-home"
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DIY_BACKEND_NO_LEGACY_WARNING=true
mkdir -p "$WORK/state"
P=(--non-interactive --stack demo)

cd "$REPO/examples/source-account"
step "source-account: pulumi stack init demo, and its config"
pulumi stack init demo --non-interactive
pulumi config set "${P[@]:1}" aggregatorAccountId 111122223333
pulumi config set "${P[@]:1}" aggregatorRegion us-east-1
pulumi config set "${P[@]:1}" --path 'sourceRegions[0]' us-east-1
pulumi config set "${P[@]:1}" --path 'sourceRegions[1]' eu-west-1
pulumi config set "${P[@]:1}" --path 'sourceRegions[2]' ap-southeast-2
pulumi config "${P[@]:1}"

step "source-account: pulumi preview --diff"
pulumi preview --diff "${P[@]}"

step "source-account: pulumi up"
pulumi up --yes --skip-preview "${P[@]}"

step "source-account: stack outputs"
pulumi stack output --json "${P[@]:1}"

step "source-account: a second preview shows no changes"
pulumi preview --diff "${P[@]}"

ACCOUNTS=(444455556666 777788889999 222233334444)
cd "$REPO/examples/organization"
step "organization: one program, ${#ACCOUNTS[@]} accounts × 2 regions, a role assumed in each account"
pulumi stack init demo --non-interactive
pulumi config set "${P[@]:1}" aggregatorAccountId 111122223333
pulumi config set "${P[@]:1}" aggregatorRegion us-east-1
for i in "${!ACCOUNTS[@]}"; do
    pulumi config set "${P[@]:1}" --type string --path "sourceAccounts[$i]" "${ACCOUNTS[$i]}"
done
pulumi config set "${P[@]:1}" --path 'sourceRegions[0]' us-east-1
pulumi config set "${P[@]:1}" --path 'sourceRegions[1]' eu-west-1
pulumi config set "${P[@]:1}" --secret externalId demo-external-id
pulumi config set "${P[@]:1}" aws:defaultTags '{"tags":{"cost-center":"platform-42"}}'
pulumi config "${P[@]:1}"

step "organization: pulumi preview --diff"
pulumi preview --diff "${P[@]}"

step "organization: pulumi up"
pulumi up --yes --skip-preview "${P[@]}"

step "organization: stack outputs"
pulumi stack output --json "${P[@]:1}"

step "organization: a second preview shows no changes"
pulumi preview --diff "${P[@]}"

cd "$REPO/examples/aggregator"
step "aggregator: reads both stacks' outputs through StackReferences"
pulumi stack init demo --non-interactive
pulumi config set "${P[@]:1}" --path 'sourceStacks[0]' organization/source-account/demo
pulumi config set "${P[@]:1}" --path 'sourceStacks[1]' organization/organization/demo
pulumi up --yes --skip-preview "${P[@]}"

step "aggregator: stack outputs"
pulumi stack output --json "${P[@]:1}"

step "cleanup: pulumi destroy of the three stacks"
pulumi destroy --yes --skip-preview "${P[@]}"
cd "$REPO/examples/organization"
pulumi destroy --yes --skip-preview "${P[@]}"
cd "$REPO/examples/source-account"
pulumi destroy --yes --skip-preview "${P[@]}"

left=$(node -e '
const { ConfigServiceClient, DescribeAggregationAuthorizationsCommand } = require("@aws-sdk/client-config-service");
const { fromTemporaryCredentials } = require("@aws-sdk/credential-providers");
const accounts = [undefined, ...process.argv.slice(1)];
const regions = ["us-east-1", "eu-west-1", "ap-southeast-2"];
Promise.all(accounts.flatMap(a => regions.map(region => new ConfigServiceClient({
    region,
    ...(a ? { credentials: fromTemporaryCredentials({ params: { RoleArn: "arn:aws:iam::" + a + ":role/config-authorizer" }, clientConfig: { region } }) } : {}),
}).send(new DescribeAggregationAuthorizationsCommand({})))))
  .then(rs => console.log(rs.reduce((n, r) => n + (r.AggregationAuthorizations || []).length, 0)));
' "${ACCOUNTS[@]}")
echo "authorizations left in moto after destroy: $left"
[ "$left" = 0 ]
step "demo finished"
