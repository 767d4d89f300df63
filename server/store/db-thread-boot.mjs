// Worker threads do not inherit the parent's --import hooks on Node 20: register tsx, then load the thread.
import { register } from "tsx/esm/api";

register();
await import("./db-thread.ts");
