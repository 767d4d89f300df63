export { PaperVenue, type PaperVenueOptions, type PaperBookOptions, type PaperFlowOptions, type PaperMarketState } from "./paper-venue";
export { PaperAccountVenue, openPaperAccount, type PaperAccountOptions } from "./paper-account";
export { PaperAccountError } from "./account-files";
export { REGIMES, resolveRegime, validateRegimeSetting } from "./regimes";
export type { RegimeName, RegimeParams, RegimeRef, RegimeSetting, ScheduleStep, MarkovSpec } from "./regimes";
export { STORY_MARKET, PROBABILITY_MARKET, storyPaperOptions, probabilityPaperOptions } from "./presets";
export { Rng, type RngState } from "./rng";
