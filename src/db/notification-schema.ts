/**
 * @module db/notification-schema
 * Kysely types of the notification tables (migrations/0010_notifications.sql), merged
 * into `Database` in db/schema.
 */
import type { ColumnType, Generated } from 'kysely'

type Timestamp = ColumnType<Date, Date | string, Date | string>
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>

export type SubscriptionChannel = 'webhook' | 'email'
export type SubscriptionStatus = 'pending' | 'active' | 'disabled' | 'unsubscribed'

export interface NotificationSubscriptionsTable {
  id: Generated<string>
  channel: SubscriptionChannel
  url: string | null
  email: string | null
  owner_email: string | null
  secret: string | null
  events: string[]
  status: SubscriptionStatus
  confirm_hash: string | null
  unsubscribe_token: string
  created_by: string
  created_at: GeneratedTimestamp
  confirmed_at: Timestamp | null
  disabled_at: Timestamp | null
  disabled_reason: string | null
  failing_since: Timestamp | null
  consecutive_failures: Generated<number>
  circuit_open_until: Timestamp | null
  last_success_at: Timestamp | null
}

export interface NotificationEventsTable {
  id: Generated<string>
  type: string
  dedupe_key: string
  serial: number | null
  payload: ColumnType<unknown, string, string>
  created_at: Timestamp
  fanned_out_at: Timestamp | null
}

export interface NotificationStateTable {
  id: number
  last_serial: number
}

export interface NotificationTables {
  notification_subscriptions: NotificationSubscriptionsTable
  notification_events: NotificationEventsTable
  notification_state: NotificationStateTable
}
