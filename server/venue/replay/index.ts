export { ReplayVenue, type ReplayVenueOptions } from "./replay-venue";
export { ReplayFileError, parseReplayCsv, parseReplayJsonl, readReplayFile, type ReplayEvent, type ReplayRecord } from "./replay-file";
export { ReplayRecorder, RECORDING_NAME, type RecorderOptions } from "./recorder";
