import type { ConsortiumConfig } from "./types.js";

/** The consortium and every consortium it includes, at any depth (outermost first): each run it may start. */
export const consortiaWithin = (config: ConsortiumConfig): Array<ConsortiumConfig> => [
  config,
  ...config.members.flatMap((member) =>
    member.consortium?.config === undefined ? [] : consortiaWithin(member.consortium.config)
  )
];
