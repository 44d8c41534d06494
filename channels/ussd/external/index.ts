/**
 * index.ts - the import surface of external apps: USSD codes served by someone else's app at a
 * URL in Africa's Talking's callback format, telepay playing the aggregator. The routes of a
 * dial (routes.ts), one request and the reading of its answer (client.ts, answer.ts), and the
 * hops of such a session (app-sessions.ts). Re-exports only.
 */

export type { AppAnswer, AppFault } from './answer.js'
export { readAppAnswer } from './answer.js'
export type { AppSession, AppStep, ExternalAppsDeps } from './app-sessions.js'
export { ExternalApps } from './app-sessions.js'
export type { AppForm } from './client.js'
export { postToApp } from './client.js'
export type { DialRoute, DialRoutes, ExternalApp } from './routes.js'
export { dialRoutes, ExternalAppsError } from './routes.js'
