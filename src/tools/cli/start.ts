/**
 * start.ts - `telepay start` (what `npm start` runs): loads the configuration, starts the
 * gateway with the simulated bank and the world it names (the default fixture world, a world
 * file, or none) for an empty database, and stops it cleanly on SIGINT or SIGTERM. A world file
 * with problems stops it with every problem listed, as a bad configuration does; so does an
 * external USSD app on a code of the menus' own family, in one line naming the setting.
 */
import { ExternalAppsError } from '../../../channels/ussd/external/index.js'
import type { Config } from '../../config.js'
import { ConfigError, loadConfig } from '../../config.js'
import { KeysFileError } from '../../gateway/pboc/keys-file.js'
import type { Gateway } from '../../gateway.js'
import { startGateway } from '../../gateway.js'
import { worldLoadPorts } from '../../http/admin-world-file.js'
import { DataDirInUseError } from '../../service/data-dir-lock.js'
import { loadWorld } from '../../world/load-world.js'
import type { WorldSpec } from '../../world/world.js'
import { readWorldFile, WorldFileError } from '../../world/world-file.js'
import { simulatedParties } from '../world/simulated-parties.js'
import { parseOptions, UsageError } from './args.js'
import { startBanner } from './banner.js'
import { optionsHelp } from './options-help.js'

export async function runStart(args: string[]): Promise<number> {
  let gateway: Gateway
  let config: Config | null = null
  try {
    const parsed = parseOptions(args, optionsHelp.start)
    const overrides: Record<string, unknown> = {}
    const http: Record<string, unknown> = {}
    const port = parsed.options.get('port')
    const host = parsed.options.get('host')
    const smppPort = parsed.options.get('smpp-port')
    const posPort = parsed.options.get('pos-port')
    const dataDir = parsed.options.get('data-dir')
    if (typeof port === 'string') http['port'] = port
    if (typeof host === 'string') http['host'] = host
    if (Object.keys(http).length > 0) overrides['http'] = http
    if (typeof smppPort === 'string') overrides['smpp'] = { port: smppPort }
    if (typeof posPort === 'string') overrides['pos'] = { port: posPort }
    if (typeof dataDir === 'string') overrides['dataDir'] = dataDir
    const operatingModel = parsed.options.get('operating-model')
    if (typeof operatingModel === 'string') overrides['operatingModel'] = operatingModel
    const world = parsed.options.get('world')
    if (typeof world === 'string') overrides['world'] = world
    if (parsed.options.get('test-clock') === true) overrides['clock'] = 'test'
    config = loadConfig({ overrides })
    const parties = simulatedParties(config)
    gateway = await startGateway(config, parties)
    // Listening for SIGHUP before the banner says it is ready: whoever reads the banner may send
    // one at once, and Node's default for SIGHUP is to end the process.
    const started = gateway
    process.on('SIGHUP', () => reloadOnHangup(started))
    process.stdout.write(startBanner(gateway, parties.world?.subscribers[0]?.msisdn ?? null))
  } catch (error) {
    if (
      error instanceof ConfigError ||
      error instanceof UsageError ||
      error instanceof WorldFileError ||
      error instanceof KeysFileError ||
      error instanceof DataDirInUseError
    ) {
      process.stderr.write(`telepay: ${error.message}\n`)
      return 2
    }
    // Found by the USSD channel when the menus are loaded, after the ledger and the SMSC
    // simulator opened: they would keep the process alive, and nothing was acknowledged yet.
    if (error instanceof ExternalAppsError) {
      process.stderr.write(`telepay: config: ${error.message}\n`)
      process.exit(2)
    }
    const inUse = config === null ? null : portInUse(error, config)
    if (inUse !== null) {
      process.stderr.write(`telepay: ${inUse}\n`)
      // What started before the port was refused (the SMSC simulator, the ledger) would keep the
      // process alive; nothing was acknowledged yet, so it ends here (SQLite's WAL is safe).
      process.exit(2)
    }
    throw error
  }
  const running = gateway
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      running.close().then(resolve, resolve)
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  return 0
}

/** The one line for a port another program holds, naming the setting that chose it; else null. */
function portInUse(error: unknown, config: Config): string | null {
  const failure = error as NodeJS.ErrnoException & { address?: string; port?: number }
  if (failure.code !== 'EADDRINUSE') return null
  const where = `${failure.address ?? '?'}:${failure.port ?? '?'}`
  const setting =
    failure.port === config.http.port
      ? 'http.port, --port'
      : failure.port === config.smpp.port
        ? 'smpp.port, --smpp-port'
        : failure.port === config.pos.port
          ? 'pos.port, --pos-port'
          : 'see the configuration'
  return (
    `${where} is already in use by another program: stop it, or choose another port ` +
    `(${setting})`
  )
}

/**
 * SIGHUP reads the USSD menus and IVR call scripts again; dialogs in progress go on in the new
 * ones. Files with problems are refused whole and the old menus stay. A world file (world:
 * <file>) is loaded again beside what the ledger holds: what it gained since is added.
 */
function reloadOnHangup(gateway: Gateway): void {
  reloadMenus(gateway)
  reloadWorld(gateway).catch((error: unknown) =>
    gateway.context.log.error('world file not reloaded', { error: String(error) }),
  )
}

async function reloadWorld(gateway: Gateway): Promise<void> {
  const file = gateway.config.world
  if (file === 'default' || file === 'none') return
  const log = gateway.context.log
  let spec: WorldSpec
  try {
    spec = readWorldFile(file)
  } catch (error) {
    if (!(error instanceof WorldFileError)) throw error
    log.error('world file not reloaded: it has problems; nothing was changed', {
      file,
      problems: error.problems.join('; '),
    })
    return
  }
  const report = await loadWorld(spec, worldLoadPorts(gateway.context))
  log.info('world file reloaded (SIGHUP)', {
    file,
    added: `${report.added.subscribers}/${report.added.merchants}/${report.added.orders}`,
    refused: report.refused.join('; ') || undefined,
  })
}

function reloadMenus(gateway: Gateway): void {
  const log = gateway.context.log
  const reloads = [
    ['USSD menus', () => gateway.ussd.reloadMenus()],
    ['IVR call scripts', () => gateway.ivr.reloadScripts()],
  ] as const
  for (const [what, reload] of reloads) {
    try {
      reload()
      log.info(`${what} reloaded (SIGHUP)`)
    } catch (error) {
      log.error(`${what} not reloaded: the files have problems; the ones in use stay`, {
        problems: error instanceof Error ? error.message : String(error),
      })
    }
  }
}
