// boot.mjs - a bench session worker's entry: a worker thread starts without the loader of the
// thread that made it, so it registers tsx (as bin/telepay.js does) before loading the session.
import { register } from 'tsx/esm/api'

register()
await import('./session-worker.ts')
