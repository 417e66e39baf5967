// Links node_modules/pulumi-aws-config-aggregation to this checkout, so that programs inside it
// (the top-level Pulumi.yaml, examples/, the engine tests' work dirs) resolve the package by name,
// as an installed user's program would. Run by `npm run build` and by scripts/prepare.sh.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const link = path.join(__dirname, "..", "node_modules", "pulumi-aws-config-aggregation");
try {
    if (fs.readlinkSync(link) === "..") process.exit(0);
} catch {
    /* missing, or not a link */
}
fs.rmSync(link, { recursive: true, force: true });
fs.symlinkSync("..", link, "dir");
