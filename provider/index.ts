/**
 * The dynamic provider of \`AggregationAuthorization\`: what the provider module stored in each
 * resource's state loads (\`require("pulumi-aws-config-aggregation/provider").provider\`). Nothing else is
 * public here; programs use the resource classes of the package's main entry.
 */
export { provider } from "./provider";
