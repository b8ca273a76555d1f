// The Solana JS libraries use Node's Buffer; install the browser implementation before
// anything else is evaluated (main.tsx imports this module first).
import { Buffer } from "buffer";

const g = globalThis as unknown as { Buffer?: typeof Buffer };
g.Buffer ??= Buffer;
