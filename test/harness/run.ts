/** The provider process the tests drive, and the program's AWS session beside it. */
import { host } from "../../provider";
import type { Settings } from "../../provider/core/aws/client";
import type { NoticeSink, Run } from "../../provider/core/run";
import { resetProgramAws } from "../../sdk/program-aws";

/** A new run of the provider process with `settings`, as a new `configure` makes one; the program's calls use them too. */
export function newRun(settings: Partial<Settings> = {}): Run {
    resetProgramAws(settings);
    return host.start(settings);
}

/** Replaces where the provider's notices go; returns the sink before. */
export function setNoticeSink(sink: NoticeSink): NoticeSink {
    const previous = host.notices;
    host.notices = sink;
    return previous;
}

export { host };
