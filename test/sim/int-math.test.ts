/** The simulator's ledger arithmetic is exact integer arithmetic (no float division on money or counts). */
import { averageTo4dp, mulDivFloor } from '../../src/sim/int-math';
import { fillSummaryJson } from '../../src/sim/wire';
import { applyFill, newAccount } from '../../src/sim/accounts';

describe('mulDivFloor', () => {
  it('floors exactly, also where the float product is past 2^53', () => {
    expect(mulDivFloor(1_560_000, 100, 300)).toBe(520_000);
    expect(mulDivFloor(1_000_000, 1, 3)).toBe(333_333);
    // 4 503 599 627 370 497 × 3 / 3: the float product 13 510 798 882 111 491 is not representable.
    expect(mulDivFloor(4_503_599_627_370_497, 3, 3)).toBe(4_503_599_627_370_497);
    expect(() => mulDivFloor(1.5, 2, 3)).toThrow(RangeError);
    expect(() => mulDivFloor(1, 2, 0)).toThrow(RangeError);
  });
});

describe('averageTo4dp (create/amend ack averages)', () => {
  it('rounds half up to $0.0001', () => {
    // 1.00 @ 0.52 + 2.00 @ 0.53 = 1.58 over 3 contracts = 0.52666… → 0.5267
    expect(averageTo4dp(100 * 520_000 + 200 * 530_000, 300)).toBe(526_700);
    expect(averageTo4dp(15_000, 100)).toBe(200); // 1.00 contract, 150 micros: 0.00015 → 0.0002 (half up)
    expect(averageTo4dp(14_900, 100)).toBe(100);
    expect(() => averageTo4dp(1, 0)).toThrow(RangeError);
  });
  it('fillSummaryJson: average fee per contract and average fill price as 4-dp strings', () => {
    // fees 0.0175 + 0.0350 = 0.0525 over 3.00 contracts → 0.0175; prices as above.
    expect(fillSummaryJson(300, 158_000_000, 52_500)).toEqual({ average_fee_paid: '0.0175', average_fill_price: '0.5267' });
    // 0.0336 over 2.00 → 0.0168; a fractional 0.50 contract at 0.4000 with fee 0.0042 → 0.0084 per contract.
    expect(fillSummaryJson(200, 80_000_000, 33_600)).toEqual({ average_fee_paid: '0.0168', average_fill_price: '0.4000' });
    expect(fillSummaryJson(50, 20_000_000, 4_200)).toEqual({ average_fee_paid: '0.0084', average_fill_price: '0.4000' });
    expect(fillSummaryJson(0, 0, 0)).toEqual({});
  });
});

describe('applyFill closing part of a position releases cost basis pro rata, floored', () => {
  it('3.00 YES bought for $1.00 total, 1.00 closed: one third of the cost (333 333 micros) leaves the basis', () => {
    const a = newAccount('a', 10_000_000, 0);
    applyFill(a, 'T', 'E', 'bid', 100, 330_000, 0, 0, { roundingAccumulator: 0 });
    applyFill(a, 'T', 'E', 'bid', 100, 330_000, 0, 0, { roundingAccumulator: 0 });
    applyFill(a, 'T', 'E', 'bid', 100, 340_000, 0, 0, { roundingAccumulator: 0 });
    expect(a.positions.get('T')!.costBasis).toBe(1_000_000);
    // Sell 1.00 YES = buy 1.00 NO at 1 − 0.50: pairs with one YES and releases $1.
    applyFill(a, 'T', 'E', 'ask', 100, 500_000, 0, 0, { roundingAccumulator: 0 });
    const p = a.positions.get('T')!;
    expect([p.position, p.costBasis]).toEqual([200, 666_667]);
    // released 1.00 − NO cost 0.50 − removed basis 0.333333
    expect(p.realizedPnl).toBe(166_667);
  });
});
