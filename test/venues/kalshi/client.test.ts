import { KalshiTransportError, KalshiPaginationLimitError, KalshiApiError } from '../../../src/venues/kalshi';
import { Captured, fakeFetch, fixtureText, jsonResponse, makeClient, meta } from './helpers';

const PAGES = ['markets__page1', 'markets__page2', 'markets__page3'];
const ORDER = { ticker: 'T-1', side: 'yes', action: 'buy', price: 500_000, count: 100, timeInForce: 'good_till_canceled', selfTradePrevention: 'taker_at_cross', clientOrderId: 'coid-1' } as const;

describe('cursor pagination over the recorded pages', () => {
  function pagedFetch(lastCursor: '' | null) {
    return fakeFetch((req) => {
      const c = req.url.searchParams.get('cursor');
      const i = c === null ? 0 : PAGES.findIndex((p) => meta(p).path.endsWith(`cursor=${c}`));
      if (i < 0) throw new Error(`unexpected cursor ${c}`);
      const body = JSON.parse(fixtureText(PAGES[i])) as { cursor: string | null };
      if (i === 2) body.cursor = lastCursor;
      return jsonResponse(200, body);
    });
  }

  it.each(['' as const, null])('walks page1→2→3, re-sending filters each page, stopping on cursor %p', async (last) => {
    const { fetch, calls } = pagedFetch(last);
    const { client } = makeClient(fetch);
    const ms = await client.listMarkets({ limit: 5, status: 'unopened', seriesTicker: 'KXMLBHIT' });
    expect(ms).toHaveLength(15);
    expect(ms[14].ticker).toBe('KXMLBHR-26JUN111310AZMIA-AZCCARROLL7-2');
    expect(calls).toHaveLength(3);
    for (const c of calls) {
      expect(c.url.searchParams.get('limit')).toBe('5');
      expect(c.url.searchParams.get('status')).toBe('unopened');
      expect(c.url.searchParams.get('series_ticker')).toBe('KXMLBHIT');
    }
    expect(calls[0].url.searchParams.get('cursor')).toBeNull();
    expect(`/trade-api/v2${calls[1].url.pathname.slice('/trade-api/v2'.length)}?limit=5&cursor=${calls[1].url.searchParams.get('cursor')}`).toBe(meta('markets__page2').path);
    expect(calls[2].url.searchParams.get('cursor')).toBe('CgwIuKKp0QYQ-MDV3QISJ0tYTUxCSElULTI2SlVOMTExMzEwQVpNSUEtQVpDQ0FSUk9MTDctMg');
  });

  it('maxPages bounds the walk and refuses to return a silently partial list', async () => {
    const { fetch, calls } = pagedFetch('');
    const { client } = makeClient(fetch);
    await expect(client.listMarkets({ limit: 5 }, { maxPages: 2 })).rejects.toThrow(KalshiPaginationLimitError);
    expect(calls).toHaveLength(2);
  });

  it('maxItems stops early without error', async () => {
    const { fetch, calls } = pagedFetch('');
    const { client } = makeClient(fetch);
    const ms = await client.listMarkets({ limit: 5 }, { maxItems: 7 });
    expect(ms).toHaveLength(7);
    expect(calls).toHaveLength(2);
  });

  it('a repeated cursor is an error, not an endless loop', async () => {
    const { fetch } = fakeFetch(() => jsonResponse(200, fixtureText('markets__page1')));
    const { client } = makeClient(fetch);
    await expect(client.listMarkets()).rejects.toThrow(/repeated a cursor/);
  });

  it('positions walk all pages', async () => {
    const { fetch, calls } = fakeFetch((_r, i) =>
      jsonResponse(200, i === 0
        ? { cursor: 'next', market_positions: [{ ticker: 'A', position_fp: '-2.50' }], event_positions: [] }
        : { cursor: '', market_positions: [{ ticker: 'B', position_fp: '4.00' }], event_positions: null }),
    );
    const { client } = makeClient(fetch);
    const p = await client.getPositions({ limit: 1 });
    expect(p.marketPositions.map((x) => [x.ticker, x.position, x.side])).toEqual([['A', -250, 'no'], ['B', 400, 'yes']]);
    expect(calls[1].url.search).toBe('?limit=1&cursor=next');
  });
});

describe('401 header_timestamp_expired', () => {
  it('is re-signed exactly once with a fresh timestamp, then succeeds', async () => {
    let t = 1_000_000;
    const { fetch, calls } = fakeFetch((_r, i) => (i === 0 ? jsonResponse(401, fixtureText('auth__skew_minus30s')) : jsonResponse(200, fixtureText('auth__balance_ok'))));
    const { client } = makeClient(fetch, { now: () => (t += 7) });
    expect((await client.getBalance()).balance).toBe(98_018_600);
    expect(calls).toHaveLength(2);
    expect(calls[0].headers['kalshi-access-timestamp']).not.toBe(calls[1].headers['kalshi-access-timestamp']);
  });

  it('is never looped: a second expiry is returned as the error', async () => {
    const { fetch, calls } = fakeFetch(() => jsonResponse(401, fixtureText('auth__skew_plus5min')));
    const { client } = makeClient(fetch);
    const r = await client.createOrder(ORDER);
    expect(r.outcome === 'rejected' && r.error.code).toBe('header_timestamp_expired');
    expect(calls).toHaveLength(2);
  });
});

describe('creates are never retried', () => {
  it.each([
    ['500', () => jsonResponse(500, '{"error":{"code":"internal_error","message":"internal"}}')],
    ['503 non-JSON', () => jsonResponse(503, 'upstream unavailable')],
    ['408', () => jsonResponse(408, '')],
    ['dropped connection', () => { throw new TypeError('fetch failed: ECONNRESET'); }],
  ])('%s → unknown after exactly one POST', async (_n, respond) => {
    const { fetch, calls } = fakeFetch(respond as () => Response);
    const { client, sleeps } = makeClient(fetch);
    const r = await client.createOrder(ORDER);
    expect(r.outcome).toBe('unknown');
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('timeout (AbortController) → unknown after exactly one POST', async () => {
    const { fetch, calls } = fakeFetch((req) => new Promise<Response>(() => { void req; }));
    const hang: typeof fetch = (input, init) => {
      void fetch(input, init);
      return new Promise((_res, rej) => init!.signal!.addEventListener('abort', () => rej(new DOMException('aborted', 'AbortError'))));
    };
    const { client } = makeClient(hang, { timeoutMs: 20 });
    const r = await client.createOrder(ORDER);
    expect(r.outcome).toBe('unknown');
    expect(r.outcome === 'unknown' && r.error).toBeInstanceOf(KalshiTransportError);
    expect(r.outcome === 'unknown' && (r.error as KalshiTransportError).kind).toBe('timeout');
    expect(calls).toHaveLength(1);
  });

  it('a 201 with an unreadable body is unknown (the order may exist), never rejected', async () => {
    const { fetch } = fakeFetch(() => jsonResponse(201, '{"order_id":"x"}'));
    const { client } = makeClient(fetch);
    const r = await client.createOrder(ORDER);
    expect(r.outcome).toBe('unknown');
  });

  it('429 on create → rejected (too_many_requests), no retry', async () => {
    const { fetch, calls } = fakeFetch(() => jsonResponse(429, '{"error":"too many requests"}'));
    const { client } = makeClient(fetch);
    const r = await client.createOrder(ORDER);
    expect(r.outcome === 'rejected' && r.error.code).toBe('too_many_requests');
    expect(calls).toHaveLength(1);
  });
});

describe('reads retry with bounded backoff', () => {
  it('retries 5xx/429/timeouts up to maxReadAttempts then throws the last error', async () => {
    const { fetch, calls } = fakeFetch(() => jsonResponse(502, 'bad gateway'));
    const { client, sleeps } = makeClient(fetch, { maxReadAttempts: 3, backoffBaseMs: 100 });
    const err = await client.getExchangeStatus().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KalshiApiError);
    expect((err as KalshiApiError).code).toBe('http_502');
    expect(calls).toHaveLength(3);
    // random() = 0.5 → delay = cap/2 + cap/4; caps 100, 200.
    expect(sleeps).toEqual([75, 150]);
  });

  it('a 429 then 200 succeeds', async () => {
    const { fetch, calls } = fakeFetch((_r, i) => (i === 0 ? jsonResponse(429, '{"error":"too many requests"}') : jsonResponse(200, fixtureText('exchange__status'))));
    const { client } = makeClient(fetch);
    expect((await client.getExchangeStatus()).tradingActive).toBe(true);
    expect(calls).toHaveLength(2);
  });

  it('does not retry a 404', async () => {
    const { fetch, calls } = fakeFetch(() => jsonResponse(404, '{"error":{"code":"not_found","message":"not found"}}'));
    const { client } = makeClient(fetch);
    await expect(client.getMarket('NOPE')).rejects.toThrow('not found');
    expect(calls).toHaveLength(1);
  });
});

describe('clock skew', () => {
  it('is measured from the Date header and corrects signing when large', async () => {
    const local = Date.parse('2026-06-11T06:29:00.000Z');
    const { fetch, calls } = fakeFetch(() => jsonResponse(200, fixtureText('auth__balance_ok'), { date: 'Thu, 11 Jun 2026 06:29:30 GMT' }));
    const { client } = makeClient(fetch, { now: () => local });
    expect(client.clockSkewMs()).toBeNull();
    await client.getBalance();
    expect(client.clockSkewMs()).toBe(30_500);
    await client.getBalance();
    expect(calls[1].headers['kalshi-access-timestamp']).toBe(String(local + 30_500));
  });
});

describe('findOrderByClientOrderId: found / absent as of user_data_timestamp / cannot_tell', () => {
  const TICKER = 'KXWTACHALLENGERMATCH-26JUN11JIMLEP-LEP';
  const COID = 'ef9e9268-9b95-4638-8998-a46063add45d';
  const SENT = Date.parse('2026-06-11T06:29:30.000Z');
  const list = () => JSON.parse(fixtureText('portfolio__orders_list')) as { orders: unknown[]; cursor: string };
  const isTs = (c: Captured) => c.url.pathname.endsWith('/exchange/user_data_timestamp');
  const isCutoff = (c: Captured) => c.url.pathname.endsWith('/historical/cutoff');
  function exchange(asOfTime: string, pages: Array<{ orders: unknown[]; cursor: string }>, ordersCutoff = '2025-06-01T00:00:00Z') {
    let page = 0;
    return fakeFetch((req) => (isTs(req) ? jsonResponse(200, { as_of_time: asOfTime })
      : isCutoff(req) ? jsonResponse(200, { market_settled_ts: ordersCutoff, trades_created_ts: ordersCutoff, orders_updated_ts: ordersCutoff })
        : jsonResponse(200, pages[page++])));
  }

  it('found: reads the data timestamp first, walks every page for ticker+min_ts and matches client-side', async () => {
    const l = list();
    const { fetch, calls } = exchange('2026-06-11T06:29:00.000000Z', [{ orders: l.orders.slice(0, 4), cursor: 'p2' }, { orders: l.orders.slice(4), cursor: '' }]);
    const r = await makeClient(fetch).client.findOrderByClientOrderId({ ticker: TICKER, clientOrderId: COID, minTs: 1781159000, sentAtMs: SENT });
    expect(r.status === 'found' && r.order).toMatchObject({ orderId: '19d9f274-9630-4ce8-9c2c-c1a4f348c5aa', side: 'yes', action: 'sell', status: 'canceled' });
    expect(calls.map((c) => c.url.pathname)).toEqual(['/trade-api/v2/exchange/user_data_timestamp', '/trade-api/v2/portfolio/orders', '/trade-api/v2/portfolio/orders']);
    for (const c of calls.slice(1)) {
      expect(c.url.searchParams.get('ticker')).toBe(TICKER);
      expect(c.url.searchParams.get('min_ts')).toBe('1781159000');
    }
    expect(calls[2].url.searchParams.get('cursor')).toBe('p2');
  });

  it('absent only when the exchange data time is after the send time, and it says as of when', async () => {
    const { fetch } = exchange('2026-06-11T06:29:30.001000Z', [{ orders: list().orders, cursor: '' }]);
    const r = await makeClient(fetch).client.findOrderByClientOrderId({ ticker: TICKER, clientOrderId: 'nope', minTs: 0, sentAtMs: SENT });
    expect(r).toEqual({ status: 'absent', asOfTime: '2026-06-11T06:29:30.001000Z', asOfMs: SENT + 1 });
  });

  it('cannot_tell (never absent) when the order was first sent before the historical order cutoff (origin B11)', async () => {
    const { fetch, calls } = exchange('2026-06-11T06:29:30.001000Z', [{ orders: list().orders, cursor: '' }], '2026-06-11T06:29:30.500Z');
    const r = await makeClient(fetch).client.findOrderByClientOrderId({ ticker: TICKER, clientOrderId: 'nope', minTs: 0, sentAtMs: SENT });
    expect(r.status === 'cannot_tell' && r.reason).toMatch(/before the historical order cutoff 2026-06-11T06:29:30.500Z/);
    expect(calls.map((c) => c.url.pathname).at(-1)).toBe('/trade-api/v2/historical/cutoff');
    // A resend after the cutoff does not help: the first send is what counts.
    const again = exchange('2026-06-11T08:00:00.000000Z', [{ orders: list().orders, cursor: '' }], '2026-06-11T07:00:00Z');
    const r2 = await makeClient(again.fetch).client.findOrderByClientOrderId({ ticker: TICKER, clientOrderId: 'nope', minTs: 0, sentAtMs: Date.parse('2026-06-11T07:30:00Z'), firstSentAtMs: SENT });
    expect(r2.status).toBe('cannot_tell');
  });

  it('an unreadable historical cutoff is an error, never an answer', async () => {
    const { fetch } = exchange('2026-06-11T06:29:30.001000Z', [{ orders: list().orders, cursor: '' }], 'soon');
    await expect(makeClient(fetch).client.findOrderByClientOrderId({ ticker: TICKER, clientOrderId: 'nope', minTs: 0, sentAtMs: SENT })).rejects.toThrow(/orders_updated_ts/);
  });

  it.each(['2026-06-11T06:29:30.000000Z', '2026-06-11T06:29:00.000000Z'])('cannot_tell when the data time %s has not passed the send time', async (asOf) => {
    const { fetch } = exchange(asOf, [{ orders: list().orders, cursor: '' }]);
    const r = await makeClient(fetch).client.findOrderByClientOrderId({ ticker: TICKER, clientOrderId: 'nope', minTs: 0, sentAtMs: SENT });
    expect(r.status).toBe('cannot_tell');
    expect(r.status === 'cannot_tell' && [r.asOfTime, r.reason]).toEqual([asOf, expect.stringMatching(/has not passed the send time 2026-06-11T06:29:30.000Z/)]);
  });

  it('cannot_tell after a partial walk (page limit), never absent', async () => {
    const l = list();
    const { fetch, calls } = exchange('2026-06-11T07:00:00.000000Z', [{ orders: l.orders.slice(0, 4), cursor: 'p2' }, { orders: l.orders.slice(4), cursor: '' }]);
    const r = await makeClient(fetch).client.findOrderByClientOrderId({ ticker: TICKER, clientOrderId: 'nope', minTs: 0, sentAtMs: SENT }, { maxPages: 1 });
    expect(r.status === 'cannot_tell' && r.reason).toMatch(/^partial walk/);
    expect(calls).toHaveLength(2);
  });

  it('cannot_tell when the data timestamp is unreadable', async () => {
    const { fetch } = exchange('not a time', [{ orders: [], cursor: '' }]);
    const r = await makeClient(fetch).client.findOrderByClientOrderId({ ticker: 'T', clientOrderId: 'c', minTs: 0, sentAtMs: SENT });
    expect(r.status).toBe('cannot_tell');
  });

  it('propagates read errors instead of reporting "not found" (origin bug B4)', async () => {
    const { fetch } = fakeFetch((req) => (isTs(req) ? jsonResponse(200, { as_of_time: '2026-06-11T07:00:00Z' }) : jsonResponse(500, 'boom')));
    const { client } = makeClient(fetch, { maxReadAttempts: 2 });
    await expect(client.findOrderByClientOrderId({ ticker: 'T', clientOrderId: 'c', minTs: 0, sentAtMs: 0 })).rejects.toThrow(KalshiApiError);
  });
});
