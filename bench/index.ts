// `npm run bench`: every bench module, in order. Each module runs when imported; add yours as one more import.
import "./strategy";
