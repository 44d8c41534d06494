// check-worker-boot.mjs - the record checker's entry from the sources: a worker thread starts
// without the loader of the thread that made it, so it registers tsx before loading the worker.
import { register } from 'tsx/esm/api'

register()
await import('./check-worker.ts')
