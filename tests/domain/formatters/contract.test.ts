/**
 * @module tests/domain/formatters/contract.test
 * Runs the shared formatter contract once for every registered formatter.
 */
import { formatters } from '../../../src/domain/formatters/index.js'
import { runFormatterContract } from './formatter.case.test.js'

for (const f of formatters) runFormatterContract(f)
