/**
 * The dynamic providers, as the provider modules stored in each resource's state load them:
 * `require("pulumi-aws-config-aggregation/provider").provider` for `AggregationAuthorization` (existing
 * state requires this name), `.sourceAccountProvider` for `SourceAccountAuthorizations`. Nothing else is
 * public here; programs use the resource classes of the package's main entry.
 */
export { provider } from "./authorization/provider";
export { sourceAccountProvider } from "./source-account/provider";
