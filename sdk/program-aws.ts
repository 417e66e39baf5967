/** The AWS session of the calls a program makes itself (status, regions, pending requests, Organizations). */
import * as pulumi from "@pulumi/pulumi";
import { Aws, parseSettings, stackSettings } from "../provider/shared";

let session: Aws | undefined;

/** The program's session: under Pulumi, the stack's settings read as `configure` reads them, once per process. */
export function programAws(): Aws {
    if (session) return session;
    const get = (key: string) => pulumi.runtime.getConfig(key);
    session = new Aws(pulumi.runtime.hasEngine() ? { ...parseSettings(get), config: stackSettings({ get }).config } : {});
    return session;
}

/** Replaces the program's session: one with `settings`, or none so that the next call reads the stack again (tests). */
export function resetProgramAws(settings?: ConstructorParameters<typeof Aws>[0]): void {
    session?.close();
    session = settings === undefined ? undefined : new Aws(settings);
}

/** The region a program-side call uses when none is given. */
export function defaultRegion(): string | undefined {
    return pulumi.runtime.getConfig("aws:region") || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || undefined;
}
