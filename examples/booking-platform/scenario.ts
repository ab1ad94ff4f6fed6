/**
 * A scripted, deterministic day of bookings: a catalog of flights, hotels and cars with limited
 * availability, bookings across the three types, some priced above billing's limit (declined), some
 * for items that sell out (not available), and some cancelled by their users after confirmation.
 */
import type { BookingCreatedInput, BookingType } from 'booking-event-contracts';

export interface CatalogItem {
  itemId: string;
  type: BookingType;
  /** Units available at the start (seats, rooms, cars). */
  stock: number;
  priceMinor: number;
}

export interface PlannedBooking {
  input: BookingCreatedInput;
  /** The user cancels this booking once it is confirmed. */
  cancelAfterConfirm: boolean;
}

export interface Scenario {
  runId: string;
  catalog: CatalogItem[];
  bookings: PlannedBooking[];
  /** Billing declines a charge above this amount (minor units). */
  declineAboveMinor: number;
  expected: { notAvailable: number; paymentDeclined: number; cancelled: number };
}

const TYPES: BookingType[] = ['flight', 'hotel', 'car'];
export const DECLINE_ABOVE_MINOR = 200_000;

export function buildScenario(options: { runId: string; bookings: number }): Scenario {
  const { runId } = options;
  // 4 items per type: one cheap item that sells out (stock 2), one luxury item billing declines,
  // two ordinary items with room for everyone.
  const catalog: CatalogItem[] = TYPES.flatMap((type) => [
    { itemId: `${runId}-${type}-soldout`, type, stock: 2, priceMinor: 9_900 },
    { itemId: `${runId}-${type}-luxury`, type, stock: 1_000_000, priceMinor: 450_000 },
    { itemId: `${runId}-${type}-a`, type, stock: 1_000_000, priceMinor: 25_000 },
    { itemId: `${runId}-${type}-b`, type, stock: 1_000_000, priceMinor: 61_500 },
  ]);
  const bookings: PlannedBooking[] = [];
  for (let i = 0; i < options.bookings; i++) {
    const type = TYPES[i % 3]!;
    const kind = ['soldout', 'a', 'luxury', 'b', 'a', 'soldout', 'b'][i % 7]!;
    const item = catalog.find((c) => c.itemId === `${runId}-${type}-${kind}`)!;
    const bookingId = `${runId}-B${String(i).padStart(5, '0')}`;
    bookings.push({
      input: {
        bookingId,
        userId: `${runId}-user${i % 17}`,
        type,
        itemId: item.itemId,
        data: { price: { amountMinor: item.priceMinor, currency: 'USD' }, quantity: 1, ...details(type, i) },
      },
      cancelAfterConfirm: kind !== 'soldout' && kind !== 'luxury' && i % 5 === 0,
    });
  }
  const demand = (itemId: string) => bookings.filter((b) => b.input.itemId === itemId).length;
  const notAvailable = catalog.reduce((sum, item) => sum + Math.max(0, demand(item.itemId) - item.stock), 0);
  const paymentDeclined = bookings.filter((b) => b.input.data.price.amountMinor > DECLINE_ABOVE_MINOR).length;
  const cancelled = bookings.filter((b) => b.cancelAfterConfirm).length;
  return {
    runId,
    catalog,
    bookings,
    declineAboveMinor: DECLINE_ABOVE_MINOR,
    expected: { notAvailable, paymentDeclined, cancelled },
  };
}

function details(type: BookingType, i: number): Partial<BookingCreatedInput['data']> {
  const day = Date.UTC(2026, 11, 1 + (i % 28), 8 + (i % 12));
  switch (type) {
    case 'flight':
      return {
        flight: {
          flightNumber: `LH${400 + (i % 50)}`,
          origin: 'FRA',
          destination: 'JFK',
          departureTime: new Date(day),
          cabinClass: i % 4 === 0 ? 'business' : 'economy',
        },
      };
    case 'hotel':
      return {
        hotel: {
          hotelName: 'Harbour View',
          checkIn: new Date(day).toISOString().slice(0, 10),
          nights: 1 + (i % 5),
          guests: 1 + (i % 3),
        },
      };
    case 'car':
      return {
        car: {
          pickupLocation: 'MUC',
          dropoffLocation: 'MUC',
          pickupTime: new Date(day),
          dropoffTime: new Date(day + 3 * 86_400_000),
          carClass: 'CDMR',
        },
      };
  }
}
