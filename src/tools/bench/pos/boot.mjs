// boot.mjs - the POS bench's load worker's entry: a worker thread starts without the loader of
// the thread that made it, so it registers tsx (as bin/telepay.js does) before loading the load.
import { register } from 'tsx/esm/api'

register()
await import('./load-worker.ts')
