// Lint check of the IAM policies that examples/github-actions ships, and of those the docs show.
//   node scripts/check-iam-policies.js
// Each file must be an IAM policy document of the right shape, and the actions must be the ones the
// provider calls: the AWS SDK commands and paginators that provider/**/*.ts imports from
// @aws-sdk/client-config-service (IAM prefix "config") and @aws-sdk/client-sts ("sts"). Adding an
// AWS call to the provider without granting it in the example and in docs/configuration.md fails here.
"use strict";
const fs = require("fs");
const path = require("path");

const ROOT = path.join(__dirname, "..");
const EXAMPLE = path.join(ROOT, "examples", "github-actions");
const SERVICES = { "@aws-sdk/client-config-service": "config", "@aws-sdk/client-sts": "sts" };
// sts:GetCallerIdentity needs no permission (AWS answers it even under an explicit deny); the
// policies may name it so that the role's purpose reads complete.
// sts:AssumeRole is what the SDK's credential providers call for the assumeRole input and the stack's
// aws:assumeRoles (no command import shows it); the deploy policy grants it on the source accounts' roles.
const OPTIONAL = new Set(["sts:GetCallerIdentity", "sts:AssumeRole"]);
const READ_ONLY = /^[a-z0-9-]+:(Describe|List|Get)[A-Za-z]+$/;

const problems = [];
const fail = (file, message) => problems.push(`${path.relative(ROOT, file)}: ${message}`);

/** The IAM actions the provider calls, from its value imports of the AWS SDK clients. */
function providerActions() {
    const actions = new Set();
    // Every file of provider/ and its folders (the program's own reads live in sdk/reads/, with their own policy).
    const dir = path.join(ROOT, "provider");
    const files = fs.readdirSync(dir, { recursive: true }).filter((n) => n.endsWith(".ts"));
    for (const name of files) {
        const text = fs.readFileSync(path.join(dir, name), "utf8");
        for (const m of text.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s+from\s+"([^"]+)"/g)) {
            const [, typeOnly, names, from] = m;
            if (typeOnly || !SERVICES[from]) continue;
            for (let n of names.split(",").map((s) => s.trim())) {
                if (!n || n.startsWith("type ")) continue;
                n = n.split(/\s+as\s+/)[0];
                const op = n.endsWith("Command")
                    ? n.slice(0, -"Command".length)
                    : n.startsWith("paginate")
                      ? n.slice("paginate".length)
                      : undefined;
                if (op) actions.add(`${SERVICES[from]}:${op}`);
            }
        }
    }
    return actions;
}

const asList = (v) => (Array.isArray(v) ? v : [v]);

/** Checks the shape of a policy document; returns its allowed actions. */
function checkPolicy(file, doc, { trust }) {
    const actions = new Set();
    if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
        fail(file, "is not a JSON object");
        return actions;
    }
    if (doc.Version !== "2012-10-17") fail(file, `Version must be "2012-10-17", got ${JSON.stringify(doc.Version)}`);
    for (const key of Object.keys(doc)) if (!["Version", "Id", "Statement"].includes(key)) fail(file, `unknown top-level key ${key}`);
    const statements = doc.Statement === undefined ? [] : asList(doc.Statement);
    if (!statements.length) fail(file, "has no Statement");
    const sids = new Set();
    statements.forEach((s, i) => {
        const at = `Statement[${i}]`;
        if (typeof s !== "object" || s === null) return fail(file, `${at} is not an object`);
        if (s.Sid !== undefined) {
            if (!/^[A-Za-z0-9]+$/.test(s.Sid)) fail(file, `${at}.Sid must be alphanumeric, got ${JSON.stringify(s.Sid)}`);
            if (sids.has(s.Sid)) fail(file, `${at}.Sid ${s.Sid} is not unique`);
            sids.add(s.Sid);
        }
        if (!["Allow", "Deny"].includes(s.Effect)) fail(file, `${at}.Effect must be Allow or Deny, got ${JSON.stringify(s.Effect)}`);
        if (s.Action === undefined) fail(file, `${at} has no Action`);
        for (const a of s.Action === undefined ? [] : asList(s.Action)) {
            if (typeof a !== "string" || !/^[a-z0-9-]+:[A-Za-z0-9*]+$/.test(a))
                fail(file, `${at}.Action ${JSON.stringify(a)} is not service:Action`);
            else if (s.Effect === "Allow") actions.add(a);
        }
        if (trust) {
            const federated = s.Principal && s.Principal.Federated;
            if (
                typeof federated !== "string" ||
                !/^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/.test(federated)
            )
                fail(file, `${at}.Principal.Federated must be the account's GitHub OIDC provider ARN`);
            if (JSON.stringify(asList(s.Action)) !== JSON.stringify(["sts:AssumeRoleWithWebIdentity"]))
                fail(file, `${at}.Action must be sts:AssumeRoleWithWebIdentity`);
            const cond = (s.Condition && (s.Condition.StringEquals || s.Condition.StringLike)) || {};
            if (cond["token.actions.githubusercontent.com:aud"] !== "sts.amazonaws.com")
                fail(file, `${at}.Condition must pin token.actions.githubusercontent.com:aud to sts.amazonaws.com`);
            const sub = cond["token.actions.githubusercontent.com:sub"];
            if (typeof sub !== "string" || !/^repo:[^/:]+\/[^/:]+:.+/.test(sub))
                fail(file, `${at}.Condition must pin token.actions.githubusercontent.com:sub to repo:<owner>/<repo>:…`);
        } else {
            if (s.Principal !== undefined) fail(file, `${at} has a Principal: an identity policy has none`);
            if (s.Resource === undefined) fail(file, `${at} has no Resource`);
            for (const r of s.Resource === undefined ? [] : asList(s.Resource))
                if (typeof r !== "string" || !(r === "*" || r.startsWith("arn:")))
                    fail(file, `${at}.Resource ${JSON.stringify(r)} is not "*" or an ARN`);
        }
    });
    return actions;
}

function readJson(file) {
    try {
        return JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (err) {
        fail(file, `is not valid JSON: ${err.message}`);
        return undefined;
    }
}

const sorted = (set) => [...set].sort().join(", ") || "(none)";
const minus = (a, b) => new Set([...a].filter((x) => !b.has(x)));

const called = providerActions();
if (!called.size) problems.push("provider/*.ts: found no AWS SDK command imports; has the import style changed?");

// The deploy role: exactly what the provider calls.
const deployFile = path.join(EXAMPLE, "iam-policy.json");
const deployDoc = readJson(deployFile);
if (deployDoc !== undefined) {
    const granted = checkPolicy(deployFile, deployDoc, { trust: false });
    const missing = minus(called, granted);
    const extra = minus(minus(granted, called), OPTIONAL);
    if (missing.size) fail(deployFile, `lacks actions the provider calls: ${sorted(missing)}`);
    if (extra.size) fail(deployFile, `grants actions the provider never calls: ${sorted(extra)}`);
}

// The preview role: reads only, all of them among what the provider calls.
const previewFile = path.join(EXAMPLE, "iam-policy-preview.json");
const previewDoc = readJson(previewFile);
if (previewDoc !== undefined) {
    const granted = checkPolicy(previewFile, previewDoc, { trust: false });
    const writes = [...granted].filter((a) => !READ_ONLY.test(a));
    if (writes.length) fail(previewFile, `the preview role must only read, but grants ${writes.sort().join(", ")}`);
    const extra = minus(minus(granted, called), OPTIONAL);
    if (extra.size) fail(previewFile, `grants actions the provider never calls: ${sorted(extra)}`);
}

for (const name of ["trust-policy-deploy.json", "trust-policy-preview.json"]) {
    const file = path.join(EXAMPLE, name);
    const doc = readJson(file);
    if (doc !== undefined) checkPolicy(file, doc, { trust: true });
}

/** The JSON policy block under `heading` of the doc `file` (up to the next heading), parsed; undefined (and a problem) when missing or invalid. */
function policyUnder(file, heading, what) {
    const part = fs.readFileSync(file, "utf8").split(new RegExp(`^${heading}$`, "m"))[1];
    const found = part && /```json\n([\s\S]*?)\n```/.exec(part.split(/^#{2,4} /m)[0]);
    if (!found) {
        fail(file, `has no \`\`\`json block under "${heading}"`);
        return undefined;
    }
    try {
        return JSON.parse(found[1]);
    } catch (err) {
        fail(file, `${what} block is not valid JSON: ${err.message}`);
        return undefined;
    }
}

// The source accounts' policy (the first JSON block under "## IAM permissions" of docs/configuration.md): the same Config actions.
const configuration = path.join(ROOT, "docs", "configuration.md");
const sourcePolicy = policyUnder(configuration, "## IAM permissions", "the IAM policy");
if (sourcePolicy !== undefined) {
    const granted = checkPolicy(configuration, sourcePolicy, { trust: false });
    const config = (set) => new Set([...set].filter((a) => a.startsWith("config:")));
    const missing = minus(config(called), granted);
    const extra = minus(config(granted), called);
    if (missing.size) fail(configuration, `the IAM policy lacks actions the provider calls: ${sorted(missing)}`);
    if (extra.size) fail(configuration, `the IAM policy grants actions the provider never calls: ${sorted(extra)}`);
}

// The aggregator account's policy (the JSON block under "### The aggregator account" there): exactly the
// read aggregatorSourcesStatus makes there (sdk/reads/status-failures.ts STATUS_ACTION), which
// its access-denied message sends the reader to.
const statusSource = fs.readFileSync(path.join(ROOT, "sdk", "reads", "status-failures.ts"), "utf8");
const statusAction = /export const STATUS_ACTION = "([^"]+)"/.exec(statusSource);
if (!statusAction) problems.push("sdk/reads/status-failures.ts: found no STATUS_ACTION; has it moved?");
else {
    const doc = policyUnder(configuration, "### The aggregator account", "the aggregator account's policy");
    if (doc !== undefined) {
        const granted = checkPolicy(configuration, doc, { trust: false });
        if (sorted(granted) !== statusAction[1])
            fail(
                configuration,
                `the aggregator account's policy must grant ${statusAction[1]} and nothing else, grants ${sorted(granted)}`,
            );
    }
}

// The Organizations policy (the JSON block under "## Accounts from AWS Organizations" of docs/many-accounts.md): exactly the calls
// organizationSources makes (the paginators sdk/organizations.ts imports from @aws-sdk/client-organizations),
// which its access-denied message names.
const organizationsSource = fs.readFileSync(path.join(ROOT, "sdk", "organizations.ts"), "utf8");
const organizationsImport = /import\s*\{([^}]*)\}\s*from\s*"@aws-sdk\/client-organizations"/.exec(organizationsSource);
const organizationsActions = new Set(
    (organizationsImport ? organizationsImport[1].split(",") : [])
        .map((n) => n.trim())
        .filter((n) => n.startsWith("paginate"))
        .map((n) => `organizations:${n.slice("paginate".length)}`),
);
const manyAccounts = path.join(ROOT, "docs", "many-accounts.md");
if (organizationsActions.size === 0) problems.push("sdk/organizations.ts: found no Organizations paginator imports; have they moved?");
else {
    const doc = policyUnder(manyAccounts, "## Accounts from AWS Organizations", "the Organizations policy");
    if (doc !== undefined) {
        const granted = checkPolicy(manyAccounts, doc, { trust: false });
        if (sorted(granted) !== sorted(organizationsActions))
            fail(
                manyAccounts,
                `the Organizations policy must grant ${sorted(organizationsActions)} and nothing else, grants ${sorted(granted)}`,
            );
    }
}

if (problems.length) {
    for (const p of problems) console.error(p);
    process.exit(1);
}
console.log(
    `IAM policies match the ${called.size} actions the provider calls: ${sorted(called)}; the aggregator account's, ${statusAction[1]}; ` +
        `the Organizations calls, ${sorted(organizationsActions)}`,
);
