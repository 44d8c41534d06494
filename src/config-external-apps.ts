/**
 * config-external-apps.ts - the reader of `ussd.externalApps`, the USSD codes served by someone
 * else's app in Africa's Talking's callback format (channels/ussd/external/): a JSON list of
 * `{ "serviceCode": "*384*2468#", "url": "http://127.0.0.1:9000/ussd" }`, or, from the
 * environment, `*384*2468#=http://127.0.0.1:9000/ussd` pairs separated by commas (or the JSON
 * list as text). Each entry is checked here, so that a malformed code or URL stops start-up with
 * one line naming it (`ussd.externalApps[1].url: ...`); config.ts turns that line into its
 * ConfigError. The USSD channel checks the rest when it starts: no code of the platform's own
 * `*123#` family. Exports readExternalApps and ExternalAppConfig.
 */

export interface ExternalAppConfig {
  /** A USSD code as phones dial it, `*` and digit groups ending `#`: `*384*2468#`. */
  readonly serviceCode: string
  /** An http or https URL the app answers at. */
  readonly url: string
}

const key = 'ussd.externalApps'
/** A USSD string as a keypad dials it, the same rule as the Africa's Talking callback's. */
const serviceCodePattern = /^\*\d+(?:\*\d+)*#$/
const entryKeys: readonly string[] = ['serviceCode', 'url']

/** The apps, or one line saying what is wrong (without the `config: ` prefix). */
export function readExternalApps(value: unknown): readonly ExternalAppConfig[] | string {
  if (value === undefined || value === null || value === '') return []
  const list = typeof value === 'string' ? listOfText(value) : value
  if (typeof list === 'string') return list
  if (!Array.isArray(list))
    return `${key}: expected a list of { serviceCode, url }, got ${JSON.stringify(value)}`
  const apps: ExternalAppConfig[] = []
  for (const [index, entry] of list.entries()) {
    const at = `${key}[${index}]`
    const app = readEntry(entry, at)
    if (typeof app === 'string') return app
    const earlier = apps.findIndex((other) => other.serviceCode === app.serviceCode)
    if (earlier >= 0)
      return `${at}.serviceCode: ${app.serviceCode} is already served by ${key}[${earlier}]`
    apps.push(app)
  }
  return apps
}

/** The environment's text: a JSON list, or `code=url` pairs separated by commas. */
function listOfText(text: string): unknown {
  if (text.trim().startsWith('[')) {
    try {
      return JSON.parse(text) as unknown
    } catch (error) {
      return `${key}: not a JSON list: ${error instanceof Error ? error.message : String(error)}`
    }
  }
  const pairs = text
    .split(',')
    .map((pair) => pair.trim())
    .filter((pair) => pair !== '')
  const entries: ExternalAppConfig[] = []
  for (const [index, pair] of pairs.entries()) {
    const equals = pair.indexOf('=')
    if (equals < 0)
      return (
        `${key}[${index}]: expected serviceCode=url such as *384*2468#=http://host/ussd, ` +
        `got ${JSON.stringify(pair)}`
      )
    entries.push({ serviceCode: pair.slice(0, equals).trim(), url: pair.slice(equals + 1).trim() })
  }
  return entries
}

function readEntry(entry: unknown, at: string): ExternalAppConfig | string {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
    return `${at}: expected { serviceCode, url }, got ${JSON.stringify(entry)}`
  const fields = entry as Record<string, unknown>
  for (const name of Object.keys(fields))
    if (!entryKeys.includes(name)) return `${at}.${name}: unknown key`
  const serviceCode = fields['serviceCode']
  if (typeof serviceCode !== 'string' || !serviceCodePattern.test(serviceCode))
    return `${at}.serviceCode: expected a USSD code such as *384*2468#, got ${shown(serviceCode)}`
  const url = fields['url']
  if (typeof url !== 'string' || !isAppUrl(url))
    return `${at}.url: expected an http:// or https:// URL, got ${shown(url)}`
  return { serviceCode, url }
}

function shown(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value)
}

function isAppUrl(text: string): boolean {
  try {
    const url = new URL(text)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== ''
  } catch {
    return false
  }
}
