/**
 * Error bodies exactly as the exchange sends them (see kalshi-api.md §6 and the wire fixtures). Current wire (after
 * Aug 6 2026) has no `service` field; nested `{"error":{code,message,details?}}` for most errors, flat
 * `{code,message,details}` for body-decode errors, bare `{msg}` for query validation, a string for 429.
 */
export interface SimResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export class ApiError extends Error {
  constructor(readonly status: number, readonly body: unknown) {
    super(typeof body === 'object' ? JSON.stringify(body) : String(body));
    this.name = 'ApiError';
  }
}

export function nested(status: number, code: string, message: string, details?: string): ApiError {
  const error: Record<string, string> = { code, message };
  if (details !== undefined) error.details = details;
  return new ApiError(status, { error });
}

export const errors = {
  badSignature: () => nested(401, 'authentication_error', 'authentication_error', 'INCORRECT_API_KEY_SIGNATURE'),
  unknownKey: () => nested(401, 'authentication_error', 'authentication_error', 'NOT_FOUND'),
  missingSignature: () => nested(401, 'signature_is_missing_from_headers', 'signature is missing from headers'),
  // Not recorded; named in the same style as the recorded missing-signature body.
  missingKey: () => nested(401, 'api_key_is_missing_from_headers', 'api key is missing from headers'),
  missingTimestamp: () => nested(401, 'timestamp_is_missing_from_headers', 'timestamp is missing from headers'),
  timestampExpired: () => nested(401, 'header_timestamp_expired', 'header timestamp expired'),
  notFound: () => nested(404, 'not_found', 'not found'),
  orderExists: () => nested(409, 'order_already_exists', 'order already exists'),
  fokInsufficient: () => nested(409, 'fill_or_kill_insufficient_resting_volume', 'fill or kill insufficient resting volume'),
  marketClosed: () => nested(409, 'market_closed', 'market closed'),
  tradingPaused: () => nested(409, 'trading_is_paused', 'trading is paused'),
  invalidPrice: () => nested(400, 'invalid_price', 'invalid price'),
  insufficientBalance: () => nested(400, 'insufficient_balance', 'insufficient balance'),
  invalidOrderSize: () => nested(400, 'invalid_order_size', 'invalid order size'),
  invalidOrder: (details: string) => nested(400, 'invalid_order', 'invalid order', details),
  invalidParameters: (details: string) => nested(400, 'invalid_parameters', 'invalid parameters', details),
  orderSideMismatch: () => nested(400, 'order_side_mismatch', 'order side mismatch'),
  orderTickerMismatch: () => nested(400, 'order_ticker_mismatch', 'order ticker mismatch'),
  // UNVERIFIED code: the docs describe the behaviour (no new orders until reset) but no recorded body.
  orderGroupTriggered: () => nested(409, 'order_group_limit_reached', 'order group limit reached'),
  deprecatedV1: () =>
    nested(410, 'deprecated_v1_order_endpoint', 'Please switch to the V2 endpoints',
      'https://docs.kalshi.com/api-reference/orders/create-order-v2'),
  internal: () => nested(500, 'internal_server_error', 'internal server error'),
  /** Flat body-decode error, like fixture orders__numeric_field_types. */
  decode: (details: string) => new ApiError(400, { code: 'bad_request', message: 'bad request', details }),
  /** Bare query-validation error, like fixture markets__limit_over_max. */
  queryValidation: (msg: string) => new ApiError(400, { msg }),
  tooManyRequests: () => new ApiError(429, { error: 'too many requests' }),
};
