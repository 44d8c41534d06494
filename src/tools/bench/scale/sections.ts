/**
 * sections.ts - the sections of `telepay bench scale`, each one module of this folder, in the
 * issue's order: a section is added by writing its module and listing it here. Exports
 * ScaleSection, SectionContext, scaleSections, sectionById.
 */
import { groupCommitSection } from './group-commit.js'
import { openSessionsSection } from './open-sessions.js'
import type { ScaleBenchOptions } from './options.js'
import type { ScaleSectionReport } from './report.js'
import { reportsUnderLoadSection } from './reports-under-load.js'
import { storedHistorySection } from './stored-history.js'

/** What a section is given to run. */
export interface SectionContext {
  readonly options: ScaleBenchOptions
  /** A directory of its own, removed after the run unless --keep. */
  readonly dir: string
  readonly progress: (line: string) => void
}

export interface ScaleSection {
  /** The letter: what --sections takes. */
  readonly id: string
  /** A name --sections takes too. */
  readonly name: string
  run(context: SectionContext): Promise<ScaleSectionReport>
}

export const scaleSections: readonly ScaleSection[] = [
  groupCommitSection,
  storedHistorySection,
  reportsUnderLoadSection,
  openSessionsSection,
]

/** The section named by its letter (either case) or its name; undefined when none is. */
export function sectionById(idOrName: string): ScaleSection | undefined {
  return scaleSections.find(
    (section) => section.id === idOrName.toUpperCase() || section.name === idOrName,
  )
}
