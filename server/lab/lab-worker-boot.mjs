// Worker threads do not inherit the parent's --import hooks on Node 20: register tsx, then load the worker.
import { register } from "tsx/esm/api";

register();
await import("./lab-worker.ts");
