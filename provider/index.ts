/** The dynamic providers, by the names stored state requires. Programs use the SDK's resource classes. */
import { authorizationProvider } from "./authorization/provider";
import { ProviderProcess } from "./core/run";
import { sourceAccountProvider as sourceAccountProviderOf } from "./source-account/provider";

/** The provider process: both resource types share its run (settings, clients, what the run has seen). */
export const host = new ProviderProcess();
export const provider = authorizationProvider(host);
export const sourceAccountProvider = sourceAccountProviderOf(host);
