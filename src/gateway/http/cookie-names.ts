/**
 * cookie-names.ts - the names of the session cookies of the operator console and the merchant
 * portal, shared by their pages and the APIs those pages call. Exports consoleCookieName,
 * merchantCookieName.
 */
export const consoleCookieName = 'telepay_console'
export const merchantCookieName = 'telepay_merchant'
