export { PaperVenue, type PaperVenueOptions, type PaperBookOptions, type PaperFlowOptions } from "./paper-venue";
export { REGIMES, resolveRegime, validateRegimeSetting } from "./regimes";
export type { RegimeName, RegimeParams, RegimeRef, RegimeSetting, ScheduleStep, MarkovSpec } from "./regimes";
export { STORY_MARKET, PROBABILITY_MARKET, storyPaperOptions, probabilityPaperOptions } from "./presets";
export { Rng } from "./rng";
