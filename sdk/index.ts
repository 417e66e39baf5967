/** The package's public surface. State loads the providers from `pulumi-aws-config-aggregation/provider`. */
export {
    AggregationAuthorization,
    type AggregationAuthorizationArgs,
    type AggregationAuthorizationState,
    type AssumeRoleArgs,
    type Inputs,
    type Outputs,
    type Tags,
} from "./authorization";
export { SourceAccountAuthorizations, type SourceAccountAuthorizationsArgs } from "./source-account";
export {
    AggregationAuthorizations,
    type AggregationAuthorizationsArgs,
    type AggregationSourceArgs,
    type AccountAggregationSource,
    type ApiAccountAggregationSource,
} from "./authorizations";
export { type UnexpectedPendingRequest } from "./pending";
export {
    aggregatorSourcesStatus,
    expectedSources,
    type AggregatorSourcesStatus,
    type AggregatorSourcesStatusArgs,
    type AggregatorSourcesStatusError,
    type ExpectedSource,
    type ExpectedSources,
    type SourceStatus,
    type StatusRoleArgs,
    type Unhealthy,
    type WaitForSourcesArgs,
} from "./status";
export {
    organizationSources,
    type OrganizationSourcesArgs,
    type OrganizationSourceRoleArgs,
    type OrganizationsRoleArgs,
} from "./organizations";
