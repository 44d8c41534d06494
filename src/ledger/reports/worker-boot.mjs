// worker-boot.mjs - a report worker's entry: a worker thread starts without the loader of the
// thread that made it, so it registers tsx (as bin/telepay.js does) before loading worker.ts.
import { register } from 'tsx/esm/api'

register()
await import('./worker.ts')
