/**
 * @module http/problem
 * RFC 9457 problem details: the one error shape every endpoint answers with.
 */
import type { ErrorCode } from '../domain/errors.js'
import { SECURITY_HEADERS } from './security-headers.js'

export interface FieldError {
  field: string
  message: string
}

export interface Problem {
  type: string
  title: string
  status: number
  detail: string
  code: ErrorCode | string
  instance?: string
  requestId?: string
  errors?: FieldError[]
  [extra: string]: unknown
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

/** Builds a problem object; `type` points at the problem's entry in the API docs. */
export function problem(
  status: number,
  code: ErrorCode | string,
  detail: string,
  extra: Partial<Problem> = {},
): Problem {
  return {
    type: `/docs/problems#${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...extra,
  }
}

export function problemResponse(p: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(p), {
    status: p.status,
    headers: { ...SECURITY_HEADERS, 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': 'no-store', ...headers },
  })
}
