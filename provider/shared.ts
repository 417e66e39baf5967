/** The only module of provider/ that sdk/ imports. */
export { AUTHORIZATION, SOURCE_ACCOUNT, type ResourceType } from "./core/model/dynamic";
export type { Inputs, Outputs, Tags } from "./core/model/types";
export { ownerOf } from "./core/owner";
export { regionFromEnvironment } from "./core/model/regions";
export { partitionOf } from "./core/model/id";
export { scrubAwsMessage, withoutUserinfo } from "./core/model/redact";
export {
    accountIdOf,
    accountIdProblem,
    describe,
    REGION_SHAPE,
    validateRegions,
    type Failure,
    type ValidateOptions,
} from "./core/model/validate";
export { stackSettings } from "./core/stack-settings";
export { Aws, configEndpoint, countAttempts, type Target } from "./core/aws/client";
export { ACCESS_DENIED, authorizationError, deadlineError, isAuthorizationError, translate, type CallContext } from "./core/aws/errors";
export { KNOBS, seconds } from "./core/aws/limits";
export { parseSettings, roleAccount, roleProblem, type RoleSetting } from "./core/aws/settings";
export { UNKNOWN_OPERATION, unimplementedAnswer } from "./core/aws/unimplemented";
