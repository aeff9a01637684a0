export type OrderStatus = 'created' | 'paid' | 'shipped' | 'cancelled';

export interface OrderLine {
  sku: string;
  quantity: number;
}

export interface Order {
  id: string;
  customer: string;
  lines: OrderLine[];
  total: number;
  status: OrderStatus;
  createdAt: string;
}

/** The body of every event on the `orders` topic. */
export interface OrderEvent {
  orderId: string;
  status: OrderStatus;
  order: Order;
  at: string;
}

export interface CreateOrderRequest {
  customer: string;
  lines: OrderLine[];
}
